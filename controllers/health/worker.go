package health

import (
	"context"
	"sync"
	"time"
)

// worker probes one target every interval until its context ends.
type worker struct {
	owner  string
	target Target // with the Check's defaults applied
	probe  probeFunc
	cancel context.CancelFunc

	mu        sync.Mutex
	debouncer Debouncer
	message   string
	retired   bool // removed from the Prober; its results no longer count
}

func newWorker(owner string, t Target, probe probeFunc) *worker {
	probeTargets.WithLabelValues(ProbeUnknown.String()).Inc()
	return &worker{owner: owner, target: t, probe: probe, debouncer: Debouncer{Thresholds: t.Check.Thresholds}}
}

// run probes at once, so a new target gets a state within one timeout, then on every tick. A
// probe that takes longer than the interval delays the next one rather than overlapping it.
func (w *worker) run(ctx context.Context, report func(context.Context, Transition)) {
	ticker := time.NewTicker(w.target.Check.Interval)
	defer ticker.Stop()
	for {
		start := time.Now()
		r := w.probe(ctx)
		if ctx.Err() != nil {
			return // cut short by removal or Stop: it says nothing about the target
		}
		protocol := string(w.target.Check.Protocol)
		probeDuration.WithLabelValues(protocol).Observe(time.Since(start).Seconds())
		probeTotal.WithLabelValues(protocol, resultLabel(r)).Inc()
		if t, changed := w.record(r); changed && report != nil {
			report(ctx, t)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// record feeds a result to the debouncer and returns the transition it caused, if any.
func (w *worker) record(r result) (Transition, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.retired {
		return Transition{}, false
	}
	from := w.debouncer.State()
	to, changed := w.debouncer.Observe(r.ok)
	w.message = r.message
	if !changed {
		return Transition{}, false
	}
	probeTargets.WithLabelValues(from.String()).Dec()
	probeTargets.WithLabelValues(to.String()).Inc()
	return Transition{
		Owner: w.owner, Cluster: w.target.Cluster, Address: w.target.Address,
		From: from, To: to, Message: r.message,
	}, true
}

// retire stops the worker; it returns at once and the goroutine ends soon after.
func (w *worker) retire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.retired {
		w.retired = true
		probeTargets.WithLabelValues(w.debouncer.State().String()).Dec()
	}
	w.cancel()
}

func (w *worker) state() AddressState {
	w.mu.Lock()
	defer w.mu.Unlock()
	return AddressState{Address: w.target.Address, State: w.debouncer.State(), Message: w.message}
}
