package route53fake

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// faults decides, before an operation runs, whether the call is refused.
// Order: the account's token bucket (the real limit), then "fail the next N",
// then the random shares of failures and throttles.
type faults struct {
	mu           sync.Mutex
	now          func() time.Time
	rng          *rand.Rand
	rate         float64
	burst        int
	buckets      map[string]*bucket
	next         []failRule
	failureRate  float64
	throttleRate float64
	latency      time.Duration
}

// bucket is a token bucket for one account (one access key ID).
type bucket struct {
	tokens float64
	last   time.Time
}

// failRule is a pending "fail the next n calls (of op)" instruction.
type failRule struct {
	op     string
	n      int
	status int
}

func newFaults(opts Options) *faults {
	fl := &faults{
		now:     opts.Now,
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed)),
		buckets: map[string]*bucket{},
		latency: opts.Latency,
	}
	fl.setThrottle(opts.Rate, opts.Burst)
	return fl
}

func (fl *faults) setThrottle(rate float64, burst int) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if rate > 0 && burst < 1 {
		burst = 1
	}
	fl.rate, fl.burst = rate, burst
	fl.buckets = map[string]*bucket{}
}

func (fl *faults) failNext(op string, n, status int) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if n > 0 {
		fl.next = append(fl.next, failRule{op: op, n: n, status: status})
	}
}

func (fl *faults) setFailureRate(p float64) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.failureRate = p
}

func (fl *faults) setThrottleRate(p float64) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.throttleRate = p
}

func (fl *faults) setLatency(d time.Duration) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.latency = d
}

// admit returns the latency to add and the error to answer with, if any.
func (fl *faults) admit(account, op string) (time.Duration, *apiError) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if !fl.takeToken(account) {
		return fl.latency, throttling()
	}
	if status, ok := fl.takeFailRule(op); ok {
		return fl.latency, serverFault(status)
	}
	if fl.failureRate > 0 && fl.rng.Float64() < fl.failureRate {
		status := http.StatusInternalServerError
		if fl.rng.IntN(2) == 1 {
			status = http.StatusServiceUnavailable
		}
		return fl.latency, serverFault(status)
	}
	if fl.throttleRate > 0 && fl.rng.Float64() < fl.throttleRate {
		return fl.latency, throttling()
	}
	return fl.latency, nil
}

// takeToken refills the account's bucket for the time elapsed and takes one
// token. Route 53's quota is per account; the fake keys accounts by the
// access key ID the SDK signs with.
func (fl *faults) takeToken(account string) bool {
	if fl.rate <= 0 {
		return true
	}
	now := fl.now()
	b, ok := fl.buckets[account]
	if !ok {
		b = &bucket{tokens: float64(fl.burst), last: now}
		fl.buckets[account] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * fl.rate
	b.tokens = min(b.tokens, float64(fl.burst))
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (fl *faults) takeFailRule(op string) (int, bool) {
	for i := range fl.next {
		r := &fl.next[i]
		if r.op != "" && r.op != op {
			continue
		}
		status := r.status
		r.n--
		if r.n == 0 {
			fl.next = append(fl.next[:i], fl.next[i+1:]...)
		}
		return status, true
	}
	return 0, false
}
