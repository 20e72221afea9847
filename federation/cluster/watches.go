package cluster

import (
	"maps"
	"slices"
	"sync"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// watcher is the part of a controller that MemberWatches uses.
type watcher interface {
	Watch(src source.Source) error
}

// MemberWatches adds one controller's watches on every member's cache, as members join, are
// replaced and leave. It adds nothing before Start: a watch added before its controller runs
// must sync before the controller starts, so one member that is down would hold up the others.
// Added later, a member's watch syncs whenever that member is back.
type MemberWatches struct {
	registry *Registry
	ctrl     watcher
	sources  func(*Member) []source.Source
	log      logr.Logger

	mu      sync.Mutex
	started bool
	watched map[string]*Member
}

// NewMemberWatches returns the member watches of ctrl; sources builds a member's sources. The
// caller calls Start once its controller runs (from its first Reconcile) and Refresh from the
// registry's OnChange.
func NewMemberWatches(r *Registry, ctrl watcher, log logr.Logger, sources func(*Member) []source.Source) *MemberWatches {
	return &MemberWatches{registry: r, ctrl: ctrl, sources: sources, log: log, watched: map[string]*Member{}}
}

// Start marks the controller running and watches the members; later calls do nothing more than
// Refresh.
func (w *MemberWatches) Start() {
	w.mu.Lock()
	w.started = true
	w.mu.Unlock()
	w.Refresh()
}

// Refresh watches the members not watched yet, or replaced since, and forgets those that left
// (their cache stopped, and the watches with it).
func (w *MemberWatches) Refresh() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started {
		return
	}
	for _, name := range w.registry.Names() {
		m, ok := w.registry.Get(name)
		if !ok || w.watched[name] == m {
			continue
		}
		if err := w.watch(m); err != nil {
			w.log.Error(err, "Watching member", "cluster", name)
			continue
		}
		w.watched[name] = m
	}
	for name := range w.watched {
		if _, ok := w.registry.Get(name); !ok {
			delete(w.watched, name)
		}
	}
}

func (w *MemberWatches) watch(m *Member) error {
	for _, src := range w.sources(m) {
		if err := w.ctrl.Watch(src); err != nil {
			return err
		}
	}
	return nil
}

// ReadinessChanged passes the KubeFedCluster events that change where things go: a cluster
// added or removed, turning Ready or not, or relabelled. The periodic probe-time updates do not.
type ReadinessChanged struct{ predicate.Funcs }

func (ReadinessChanged) Update(e event.UpdateEvent) bool {
	oldC, ok1 := e.ObjectOld.(*v1beta1.KubeFedCluster)
	newC, ok2 := e.ObjectNew.(*v1beta1.KubeFedCluster)
	if !ok1 || !ok2 {
		return true
	}
	return IsReady(oldC) != IsReady(newC) || !maps.Equal(oldC.Labels, newC.Labels) ||
		!equalTopology(oldC.Status, newC.Status)
}

// equalTopology compares where a cluster is: DNS names depend on its region and zones.
func equalTopology(a, b v1beta1.KubeFedClusterStatus) bool {
	ar, br := "", ""
	if a.Region != nil {
		ar = *a.Region
	}
	if b.Region != nil {
		br = *b.Region
	}
	return ar == br && slices.Equal(a.Zones, b.Zones)
}
