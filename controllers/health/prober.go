package health

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// ErrStopped is returned by Sync after Stop.
var ErrStopped = errors.New("prober is stopped")

// Target is one address of one cluster's shard, and how to probe it.
type Target struct {
	Cluster string
	Address string // an IP address or DNS name, without a port
	Check   Check
}

// Transition reports that a target's debounced state changed, including its first result
// (From is then ProbeUnknown).
type Transition struct {
	Owner    string
	Cluster  string
	Address  string
	From, To ProbeState
	Message  string // what the probe that caused the change found
}

// Prober probes targets periodically, one goroutine per target, and reports state changes. It
// probes only the targets it was given through Sync. Owners are opaque strings, typically one
// per record (e.g. "ServiceDNSRecord shop/web"), so that each record's reconcile replaces only
// its own targets.
type Prober struct {
	onChange func(context.Context, Transition)
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu      sync.Mutex
	stopped bool
	owners  map[string]map[targetKey]*worker
}

type targetKey struct{ cluster, address string }

// NewProber returns a Prober that calls onChange (if not nil) from a target's goroutine whenever
// that target's state changes. onChange must return promptly or when its context ends (the
// target was removed or the Prober stopped): a controller would send a GenericEvent for the
// owner into a channel, selecting on ctx.Done().
func NewProber(onChange func(context.Context, Transition)) *Prober {
	registerMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	return &Prober{onChange: onChange, ctx: ctx, cancel: cancel, owners: map[string]map[targetKey]*worker{}}
}

// Sync makes targets the owner's complete set: new targets start probing at once, targets no
// longer listed stop, and a target whose Check changed starts over from ProbeUnknown (results of
// the old check say nothing about the new one). Targets are identified by cluster and address;
// a later duplicate wins. Invalid targets are skipped and reported in the error; the valid ones
// are still applied.
func (p *Prober) Sync(owner string, targets []Target) error {
	type wanted struct {
		target Target
		probe  probeFunc
	}
	want := map[targetKey]wanted{}
	var errs []error
	for _, t := range targets {
		t.Check = t.Check.withDefaults()
		probe, err := newProbe(t.Address, t.Check)
		if err != nil {
			errs = append(errs, fmt.Errorf("cluster %q address %q: %w", t.Cluster, t.Address, err))
			continue
		}
		want[targetKey{t.Cluster, t.Address}] = wanted{t, probe}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return errors.Join(append(errs, ErrStopped)...)
	}
	have := p.owners[owner]
	if have == nil {
		have = map[targetKey]*worker{}
	}
	for k, w := range have {
		if t, ok := want[k]; !ok || t.target.Check != w.target.Check {
			w.retire()
			delete(have, k)
		}
	}
	for k, t := range want {
		if have[k] == nil {
			have[k] = p.start(owner, t.target, t.probe)
		}
	}
	if len(have) == 0 {
		delete(p.owners, owner)
	} else {
		p.owners[owner] = have
	}
	return errors.Join(errs...)
}

// Forget stops probing the owner's targets.
func (p *Prober) Forget(owner string) { _ = p.Sync(owner, nil) }

// start runs a worker for t; p.mu is held.
func (p *Prober) start(owner string, t Target, probe probeFunc) *worker {
	w := newWorker(owner, t, probe)
	ctx, cancel := context.WithCancel(p.ctx)
	w.cancel = cancel
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		w.run(ctx, p.onChange)
	}()
	return w
}

// States returns the owner's current target states by cluster, each list sorted by address,
// ready for ShardInput.Probes.
func (p *Prober) States(owner string) map[string][]AddressState {
	p.mu.Lock()
	workers := make([]*worker, 0, len(p.owners[owner]))
	for _, w := range p.owners[owner] {
		workers = append(workers, w)
	}
	p.mu.Unlock()

	out := map[string][]AddressState{}
	for _, w := range workers {
		out[w.target.Cluster] = append(out[w.target.Cluster], w.state())
	}
	for _, states := range out {
		slices.SortFunc(states, func(a, b AddressState) int { return cmp.Compare(a.Address, b.Address) })
	}
	return out
}

// Stop ends every probe and returns once all goroutines have exited. Sync fails afterwards.
// Stop may be called more than once.
func (p *Prober) Stop() {
	p.mu.Lock()
	p.stopped = true
	for _, ws := range p.owners {
		for _, w := range ws {
			w.retire()
		}
	}
	p.owners = map[string]map[targetKey]*worker{}
	p.mu.Unlock()
	p.cancel()
	p.wg.Wait()
}

// Start blocks until ctx ends, then stops the Prober; with it a Prober is a controller-runtime
// manager.Runnable (and so runs only on the elected leader).
func (p *Prober) Start(ctx context.Context) error {
	<-ctx.Done()
	p.Stop()
	return nil
}
