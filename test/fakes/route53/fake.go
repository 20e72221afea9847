// Package route53fake is an in-process Amazon Route 53 that speaks the real
// REST/XML wire format (API version 2013-04-01), so code under test talks to
// it through the unmodified AWS SDK client with only an endpoint override:
//
//	fake := route53fake.New(route53fake.Options{})
//	defer fake.Close()
//	client := route53.NewFromConfig(cfg, func(o *route53.Options) {
//		o.BaseEndpoint = aws.String(fake.URL)
//	})
//
// It enforces Route 53's documented validation, error codes and limits for
// the calls Meridian's provider uses (hosted zone listing, record set listing
// and change batches, health checks and their tags), and injects the faults
// a client must survive: the per-account request rate limit, prior changes
// still propagating, 5xx answers and latency. Every call is logged so tests
// and benchmarks can count calls by operation.
//
// README.md lists each enforced behaviour with the document it mirrors.
package route53fake

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// DocumentedRate is Route 53's documented API quota: "five requests per
// second per AWS account" (Developer Guide, Quotas on Route 53 API requests).
const DocumentedRate = 5

// Options configures a Fake. The zero value is a fault-free fake on a random
// loopback port whose changes are INSYNC as soon as they are submitted.
type Options struct {
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// PropagationDelay is how long a change stays PENDING before GetChange
	// reports INSYNC.
	PropagationDelay time.Duration
	// RejectWhilePending makes ChangeResourceRecordSets answer
	// PriorRequestNotComplete while the zone's previous change is PENDING.
	RejectWhilePending bool
	// Rate and Burst configure the per-account token bucket (requests per
	// second; Burst defaults to 1 when Rate > 0). Rate 0 disables it.
	Rate  float64
	Burst int
	// Seed makes injected failure and throttle shares reproducible.
	Seed int64
	// Latency is added before every answer.
	Latency time.Duration
	// RefuseInUseHealthCheckDelete answers DeleteHealthCheck with
	// HealthCheckInUse while a record set references the check. The current
	// API reference says Route 53 "does not prevent you from deleting a health
	// check even if the health check is associated with one or more resource
	// record sets" (HealthCheckInUse is listed as deprecated); earlier
	// versions refused. Turn it on to catch clients that delete too early.
	RefuseInUseHealthCheckDelete bool
	// Now replaces the clock (for change propagation and the call log).
	Now func() time.Time
}

// Fake is a running Route 53 fake. All methods are safe for concurrent use.
type Fake struct {
	// URL is the base endpoint to give the SDK, e.g. "http://127.0.0.1:41234".
	URL string

	opts   Options
	srv    *http.Server
	faults *faults
	log    *callLog

	mu         sync.Mutex
	zones      map[string]*zone
	zoneOrder  []string
	changes    map[string]*changeRecord
	checks     map[string]*healthCheck
	checkOrder []string
	callerRefs map[string]string // CallerReference → check ID, kept after deletion
	tags       map[string]map[string]string
	seq        int
}

// New starts a fake listening on Options.Addr. It panics if it cannot listen,
// which only happens for a misconfigured address.
func New(opts Options) *Fake {
	f, err := Start(opts)
	if err != nil {
		panic(err)
	}
	return f
}

// Start is New returning the listen error instead of panicking (for the
// standalone binary).
func Start(opts Options) (*Fake, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, err
	}
	f := &Fake{
		URL:        "http://" + ln.Addr().String(),
		opts:       opts,
		faults:     newFaults(opts),
		log:        &callLog{},
		zones:      map[string]*zone{},
		changes:    map[string]*changeRecord{},
		checks:     map[string]*healthCheck{},
		callerRefs: map[string]string{},
		tags:       map[string]map[string]string{},
	}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := f.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	return f, nil
}

// Close stops the server and waits for in-flight calls.
func (f *Fake) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

func (f *Fake) now() time.Time { return f.opts.Now() }

// SetPropagationDelay changes how long later changes stay PENDING.
func (f *Fake) SetPropagationDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts.PropagationDelay = d
}

// SetRejectWhilePending turns PriorRequestNotComplete on or off.
func (f *Fake) SetRejectWhilePending(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts.RejectWhilePending = on
}

// SetRefuseInUseHealthCheckDelete turns the HealthCheckInUse refusal on or off.
func (f *Fake) SetRefuseInUseHealthCheckDelete(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts.RefuseInUseHealthCheckDelete = on
}

// SetThrottle replaces the per-account token bucket; rate 0 disables it.
func (f *Fake) SetThrottle(rate float64, burst int) { f.faults.setThrottle(rate, burst) }

// FailNext makes the next n calls of any operation fail with status: 500
// (InternalFailure), 503 (ServiceUnavailable) or 400 (Throttling).
func (f *Fake) FailNext(n int, status int) { f.faults.failNext("", n, status) }

// FailNextOn is FailNext restricted to one operation, e.g.
// "ChangeResourceRecordSets".
func (f *Fake) FailNextOn(op string, n int, status int) { f.faults.failNext(op, n, status) }

// SetFailureRate makes a share p (0..1) of calls fail with a 500 or 503,
// drawn from the seeded generator.
func (f *Fake) SetFailureRate(p float64) { f.faults.setFailureRate(p) }

// SetThrottleRate makes a share p (0..1) of calls fail with Throttling,
// whatever the token bucket says.
func (f *Fake) SetThrottleRate(p float64) { f.faults.setThrottleRate(p) }

// SetLatency adds d before every answer.
func (f *Fake) SetLatency(d time.Duration) { f.faults.setLatency(d) }

// Calls returns a copy of the call log, oldest first.
func (f *Fake) Calls() []Call { return f.log.calls() }

// CallCounts returns the number of logged calls by operation name.
func (f *Fake) CallCounts() map[string]int { return f.log.counts() }

// ResetCalls empties the call log and its counters.
func (f *Fake) ResetCalls() { f.log.reset() }
