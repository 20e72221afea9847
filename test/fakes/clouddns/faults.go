package clouddnsfake

import (
	"math"
	"math/rand/v2"
	"net/http"
	"time"
)

// faults is the failure injection state, guarded by Fake.mu. Injected failures answer before the
// call touches any state, except failAfterCommit, which answers after a successful change has been
// applied: the caller sees an error for a change that did happen, as when a response is lost.
type faults struct {
	rng             *rand.Rand
	bucket          tokenBucket
	failNext        int
	failNextStatus  int
	failNextOn      map[string]failCount // by method
	failAfterCommit int
	failAfterStatus int
	failureRate     float64 // share of calls answered 500 or 503
	throttleRate    float64 // share of calls answered 429
	latency         time.Duration
}

type failCount struct{ n, status int }

func newFaults(seed int64, rate float64, burst int, now func() time.Time) faults {
	fl := faults{rng: rand.New(rand.NewPCG(uint64(seed), 0x6d657269))}
	fl.bucket.configure(rate, burst, now())
	return fl
}

// tokenBucket refills at rate tokens per second up to burst; each call takes one. The real
// service limits API requests per user per minute ("Read limit for a minute" and friends on the
// quotas page) and answers 429 rateLimitExceeded past it.
type tokenBucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func (b *tokenBucket) configure(rate float64, burst int, now time.Time) {
	if burst <= 0 {
		burst = max(1, int(math.Ceil(rate)))
	}
	b.rate, b.burst, b.tokens, b.last = rate, float64(burst), float64(burst), now
}

func (b *tokenBucket) allow(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// injectBefore decides whether a call fails before it is served: the token bucket first, then
// FailNextOn, FailNext, then the random 5xx and 429 shares.
func (f *Fake) injectBefore(method string) *apiError {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl := &f.faults
	on := fl.failNextOn[method]
	switch {
	case !fl.bucket.allow(f.now()):
		return faultError(http.StatusTooManyRequests)
	case on.n > 0:
		fl.failNextOn[method] = failCount{n: on.n - 1, status: on.status}
		return faultError(on.status)
	case fl.failNext > 0:
		fl.failNext--
		return faultError(fl.failNextStatus)
	case fl.failureRate > 0 && fl.rng.Float64() < fl.failureRate:
		return faultError([]int{http.StatusInternalServerError, http.StatusServiceUnavailable}[fl.rng.IntN(2)])
	case fl.throttleRate > 0 && fl.rng.Float64() < fl.throttleRate:
		return faultError(http.StatusTooManyRequests)
	}
	return nil
}

// injectAfterCommit turns a successful change into a failure, once per FailNextAfterCommit count.
func (f *Fake) injectAfterCommit() *apiError {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faults.failAfterCommit == 0 {
		return nil
	}
	f.faults.failAfterCommit--
	return faultError(f.faults.failAfterStatus)
}

func (f *Fake) latency() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faults.latency
}

// SetThrottle sets the token bucket: rate requests per second with bursts of burst (burst <= 0
// means max(1, rate)). Calls past it get 429 rateLimitExceeded. rate <= 0 turns it off.
func (f *Fake) SetThrottle(rate float64, burst int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.bucket.configure(rate, burst, f.now())
}

// FailNext makes the next n calls fail with status (500, 503, 429 or any other code) before they
// are served.
func (f *Fake) FailNext(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.failNext, f.faults.failNextStatus = max(0, n), status
}

// FailNextOn makes the next n calls of one method ("dns.changes.create", ...) fail with status
// before they are served; other methods are unaffected.
func (f *Fake) FailNextOn(method string, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faults.failNextOn == nil {
		f.faults.failNextOn = map[string]failCount{}
	}
	f.faults.failNextOn[method] = failCount{n: max(0, n), status: status}
}

// FailNextAfterCommit makes the next n successful changes.create calls answer status although
// their change was applied, like a response lost on the way back.
func (f *Fake) FailNextAfterCommit(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.failAfterCommit, f.faults.failAfterStatus = max(0, n), status
}

// SetFailureRate makes a share p (0..1) of calls fail with 500 or 503, chosen by the seeded
// random source.
func (f *Fake) SetFailureRate(p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.failureRate = p
}

// SetThrottleRate makes a share p (0..1) of calls fail with 429 rateLimitExceeded, regardless of
// the token bucket.
func (f *Fake) SetThrottleRate(p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.throttleRate = p
}

// SetLatency delays every call by d before it is served.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults.latency = d
}
