package health

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fast probes often so that tests finish quickly; nothing asserts how quickly.
func fast(c Check) Check {
	c.Interval, c.Timeout = 50*time.Millisecond, time.Second
	return c
}

// seen is a transition with what the test server had answered when it was reported.
type seen struct {
	Transition
	answered int
}

// recorder collects transitions; snapshot (optional) is read when each is reported.
func recorder(snapshot func() int) (func(context.Context, Transition), <-chan seen) {
	ch := make(chan seen, 64)
	return func(ctx context.Context, t Transition) {
		s := seen{Transition: t}
		if snapshot != nil {
			s.answered = snapshot()
		}
		select {
		case ch <- s:
		case <-ctx.Done():
		}
	}, ch
}

func next(t *testing.T, ch <-chan seen) seen {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(waitLimit):
		t.Fatal("no transition reported")
		return seen{}
	}
}

func newTestProber(t *testing.T, onChange func(context.Context, Transition)) *Prober {
	p := NewProber(onChange)
	t.Cleanup(p.Stop)
	return p
}

// A target turns failing after exactly failureThreshold failed probes and passing again after
// exactly successThreshold good ones; the server's answer count proves it, not the clock.
func TestProberThresholds(t *testing.T) {
	srv := &switchServer{status: 200}
	port := portOf(t, serve(t, "127.0.0.5", false, srv).Listener.Addr())
	onChange, transitions := recorder(srv.count)
	p := newTestProber(t, onChange)
	failuresBefore := metricValue(t, "meridian_health_probe_total", "protocol", "HTTP", "result", "failure")

	check := fast(Check{Protocol: ProtocolHTTP, Port: port, Path: "/healthz", Thresholds: Thresholds{Failure: 3, Success: 2}})
	if err := p.Sync("ServiceDNSRecord shop/web", []Target{{Cluster: "c1", Address: "127.0.0.5", Check: check}}); err != nil {
		t.Fatal(err)
	}
	first := next(t, transitions)
	if first.From != ProbeUnknown || first.To != ProbePassing || first.Owner != "ServiceDNSRecord shop/web" ||
		first.Cluster != "c1" || first.Address != "127.0.0.5" || !strings.Contains(first.Message, "returned 200") {
		t.Fatalf("first transition %+v", first.Transition)
	}

	srv.set(500)
	down := next(t, transitions)
	if down.From != ProbePassing || down.To != ProbeFailing || down.answered != 3 || !strings.Contains(down.Message, "returned 500") {
		t.Fatalf("after 500s: %+v after %d answers, want Passing → Failing after 3", down.Transition, down.answered)
	}
	states := p.States("ServiceDNSRecord shop/web")
	if len(states["c1"]) != 1 || states["c1"][0].State != ProbeFailing {
		t.Fatalf("states %+v", states)
	}
	v := Verdict(ShardInput{Cluster: "c1", ClusterReady: true, LoadBalancer: []string{"127.0.0.5"}, ReadyEndpoints: 1,
		HealthCheck: true, Probes: states["c1"]})
	if v.Healthy || v.Reason != ReasonProbeFailing || !strings.Contains(v.Message, "returned 500") {
		t.Errorf("verdict %+v", v)
	}

	srv.set(200)
	up := next(t, transitions)
	if up.From != ProbeFailing || up.To != ProbePassing || up.answered != 2 {
		t.Fatalf("after 200s: %+v after %d answers, want Failing → Passing after 2", up.Transition, up.answered)
	}
	if got := metricValue(t, "meridian_health_probe_total", "protocol", "HTTP", "result", "failure") - failuresBefore; got < 3 {
		t.Errorf("probe_total{result=failure} grew by %v, want at least 3", got)
	}
}

// A flapping target that never fails failureThreshold times in a row is never reported.
func TestProberFlapping(t *testing.T) {
	srv := &alternating{}
	port := portOf(t, serve(t, "127.0.0.5", false, srv).Listener.Addr())
	onChange, transitions := recorder(nil)
	p := newTestProber(t, onChange)
	check := fast(Check{Protocol: ProtocolHTTP, Port: port, Thresholds: Thresholds{Failure: 2, Success: 2}})
	if err := p.Sync("r", []Target{{Cluster: "c1", Address: "127.0.0.5", Check: check}}); err != nil {
		t.Fatal(err)
	}
	if first := next(t, transitions); first.To != ProbePassing {
		t.Fatalf("first transition %+v", first.Transition)
	}
	srv.waitFor(t, 10)
	select {
	case s := <-transitions:
		t.Fatalf("flapping reported %+v", s.Transition)
	default:
	}
}

func TestProberTCP(t *testing.T) {
	open := listen(t, "127.0.0.9")
	t.Cleanup(func() { _ = open.Close() })
	closed := closedPort(t, "127.0.0.8")
	onChange, transitions := recorder(nil)
	p := newTestProber(t, onChange)
	err := p.Sync("r", []Target{
		{Cluster: "c1", Address: "127.0.0.9", Check: fast(Check{Protocol: ProtocolTCP, Port: portOf(t, open.Addr())})},
		{Cluster: "c2", Address: "127.0.0.8", Check: fast(Check{Protocol: ProtocolTCP, Port: closed})},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ProbeState{}
	for range 2 {
		s := next(t, transitions)
		got[s.Cluster] = s.To
	}
	if got["c1"] != ProbePassing || got["c2"] != ProbeFailing {
		t.Fatalf("states %v, want c1 Passing and c2 Failing", got)
	}
	c2 := p.States("r")["c2"]
	if len(c2) != 1 || !strings.Contains(c2[0].Message, "connection refused") {
		t.Errorf("c2 states %+v", c2)
	}
}

func TestProberSync(t *testing.T) {
	a, b := &counting{}, &counting{}
	portA := portOf(t, serve(t, "127.0.0.5", false, a).Listener.Addr())
	portB := portOf(t, serve(t, "127.0.0.6", false, b).Listener.Addr())
	onChange, transitions := recorder(nil)
	p := newTestProber(t, onChange)
	targetA := Target{Cluster: "c1", Address: "127.0.0.5", Check: fast(Check{Protocol: ProtocolHTTP, Port: portA})}
	targetB := Target{Cluster: "c2", Address: "127.0.0.6", Check: fast(Check{Protocol: ProtocolHTTP, Port: portB})}
	if err := p.Sync("r", []Target{targetA, targetB}); err != nil {
		t.Fatal(err)
	}
	next(t, transitions)
	next(t, transitions)

	// Dropping b stops its goroutine; another owner's targets are separate.
	if err := p.Sync("r", []Target{targetA}); err != nil {
		t.Fatal(err)
	}
	if err := p.Sync("other", []Target{targetB}); err != nil {
		t.Fatal(err)
	}
	if s := next(t, transitions); s.Owner != "other" || s.From != ProbeUnknown {
		t.Fatalf("other's first transition %+v", s.Transition)
	}
	if got := p.States("r"); len(got) != 1 || len(got["c1"]) != 1 {
		t.Fatalf("r's states %+v, want c1 only", got)
	}
	waitForGoroutines(t, 2)

	// Re-syncing the same target keeps its state; changing its check starts it over.
	if err := p.Sync("r", []Target{targetA}); err != nil {
		t.Fatal(err)
	}
	if st := p.States("r")["c1"][0].State; st != ProbePassing {
		t.Fatalf("state after an identical sync: %v", st)
	}
	targetA.Check.Path = "/other"
	if err := p.Sync("r", []Target{targetA}); err != nil {
		t.Fatal(err)
	}
	if s := next(t, transitions); s.Owner != "r" || s.From != ProbeUnknown || !strings.Contains(s.Message, "/other") {
		t.Fatalf("transition after a changed check %+v", s.Transition)
	}

	p.Forget("r")
	p.Forget("other")
	if got := p.States("r"); len(got) != 0 {
		t.Errorf("states after Forget: %+v", got)
	}
	waitForGoroutines(t, 0)
}

func TestProberRejectsInvalidTargets(t *testing.T) {
	srv := &counting{}
	port := portOf(t, serve(t, "127.0.0.5", false, srv).Listener.Addr())
	onChange, transitions := recorder(nil)
	p := newTestProber(t, onChange)
	err := p.Sync("r", []Target{
		{Cluster: "c1", Address: "127.0.0.5", Check: fast(Check{Protocol: ProtocolHTTP, Port: port})},
		{Cluster: "c2", Address: "127.0.0.6:80", Check: fast(Check{Protocol: ProtocolHTTP, Port: port})},
		{Cluster: "c3", Address: "127.0.0.7", Check: fast(Check{Protocol: "ICMP", Port: port})},
	})
	if !errors.Is(err, errInvalid) || !strings.Contains(err.Error(), `cluster "c2"`) || !strings.Contains(err.Error(), `cluster "c3"`) {
		t.Fatalf("error %v, want both invalid targets named", err)
	}
	if s := next(t, transitions); s.Cluster != "c1" {
		t.Fatalf("transition %+v", s.Transition)
	}
	if got := p.States("r"); len(got) != 1 {
		t.Errorf("states %+v, want only the valid target", got)
	}
}

// Stop ends every goroutine, even those in the middle of a probe, and nothing runs afterwards.
func TestProberStop(t *testing.T) {
	release := make(chan struct{})
	stuck := serve(t, "127.0.0.5", false, blocking(release))
	t.Cleanup(func() { close(release) })
	okPort := portOf(t, serve(t, "127.0.0.6", false, &counting{}).Listener.Addr())
	targetsBefore := totalTargets(t)

	onChange, transitions := recorder(nil)
	p := NewProber(onChange)
	err := p.Sync("r", []Target{
		{Cluster: "c1", Address: "127.0.0.5", Check: fast(Check{Protocol: ProtocolHTTP, Port: portOf(t, stuck.Listener.Addr()), Timeout: time.Hour})},
		{Cluster: "c2", Address: "127.0.0.6", Check: fast(Check{Protocol: ProtocolHTTP, Port: okPort})},
		{Cluster: "c3", Address: "127.0.0.6", Check: fast(Check{Protocol: ProtocolTCP, Port: okPort})},
	})
	if err != nil {
		t.Fatal(err)
	}
	next(t, transitions)
	next(t, transitions)
	if got := totalTargets(t) - targetsBefore; got != 3 {
		t.Errorf("probe_targets grew by %v, want 3", got)
	}

	stopped := make(chan struct{})
	go func() {
		p.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(waitLimit):
		t.Fatal("Stop did not return")
	}
	// Stop waits for its workers, so none may remain; their HTTP connections close just after.
	for _, g := range leftovers() {
		if strings.Contains(g, "(*worker).run") {
			t.Fatalf("a worker outlived Stop:\n%s", g)
		}
	}
	waitForGoroutines(t, 0)
	if got := totalTargets(t) - targetsBefore; got != 0 {
		t.Errorf("probe_targets is %v off its value before the test", got)
	}
	if err := p.Sync("r", nil); !errors.Is(err, ErrStopped) {
		t.Errorf("Sync after Stop: %v", err)
	}
	p.Stop() // a second Stop is harmless
	if got := p.States("r"); len(got) != 0 {
		t.Errorf("states after Stop: %+v", got)
	}
}

// Start makes the Prober a manager.Runnable: it stops it when the context ends.
func TestProberStart(t *testing.T) {
	l := listen(t, "127.0.0.9")
	t.Cleanup(func() { _ = l.Close() })
	onChange, transitions := recorder(nil)
	p := NewProber(onChange)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Start(ctx) }()
	if err := p.Sync("r", []Target{{Cluster: "c1", Address: "127.0.0.9", Check: fast(Check{Protocol: ProtocolTCP, Port: portOf(t, l.Addr())})}}); err != nil {
		t.Fatal(err)
	}
	next(t, transitions)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Start did not return")
	}
	waitForGoroutines(t, 0)
	if err := p.Sync("r", nil); !errors.Is(err, ErrStopped) {
		t.Errorf("Sync after Start returned: %v", err)
	}
}

// A callback that blocks until its context ends does not keep Stop waiting.
func TestProberStopWithBlockedCallback(t *testing.T) {
	l := listen(t, "127.0.0.9")
	t.Cleanup(func() { _ = l.Close() })
	entered := make(chan struct{}, 1)
	p := NewProber(func(ctx context.Context, _ Transition) {
		entered <- struct{}{}
		<-ctx.Done()
	})
	if err := p.Sync("r", []Target{{Cluster: "c1", Address: "127.0.0.9", Check: fast(Check{Protocol: ProtocolTCP, Port: portOf(t, l.Addr())})}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(waitLimit):
		t.Fatal("no transition reported")
	}
	stopped := make(chan struct{})
	go func() {
		p.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(waitLimit):
		t.Fatal("Stop waited for a blocked callback")
	}
}
