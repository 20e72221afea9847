package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crcluster "sigs.k8s.io/controller-runtime/pkg/cluster"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// Member is one joined cluster as the host's controllers use it: a client, and a shared watch
// cache that starts an informer for a kind the first time a controller asks for it (through
// GetCache().GetInformer, List or Get) and keeps it until the member leaves. Caches are filled by
// watches; nothing is re-listed on a timer.
type Member struct {
	Name string
	crcluster.Cluster
	// Probe talks to the member's non-resource endpoints (/healthz, /version).
	Probe kubernetes.Interface

	fingerprint string
	cancel      context.CancelFunc
	done        chan struct{}
}

// Registry owns the members: it starts a member's cache when its KubeFedCluster becomes usable,
// restarts it when the endpoint or credentials change, and stops it when the cluster leaves.
// It runs only on the leader, like every controller that uses it.
type Registry struct {
	scheme *runtime.Scheme
	log    logr.Logger

	mu       sync.RWMutex
	ctx      context.Context // set by Start; members live no longer than it
	members  map[string]*Member
	watchers []func(name string)
}

// NewRegistry returns a registry whose member clients and caches use scheme.
func NewRegistry(scheme *runtime.Scheme, log logr.Logger) *Registry {
	return &Registry{scheme: scheme, log: log, members: map[string]*Member{}}
}

// errNotStarted is returned before the manager has started the registry.
var errNotStarted = errors.New("the member registry has not started yet")

// Start runs until ctx ends, then stops every member. It is a manager Runnable.
func (r *Registry) Start(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	r.mu.Unlock()
	<-ctx.Done()
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, m := range r.members {
		m.stop()
		delete(r.members, name)
	}
	return nil
}

// Get returns a member by KubeFedCluster name.
func (r *Registry) Get(name string) (*Member, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	m, ok := r.members[name]
	return m, ok
}

// Names returns the members' names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.members))
	for n := range r.members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// OnChange registers fn to be called with a member's name whenever it is added, replaced or
// removed, so controllers can (re)establish their watches on it. fn must not block.
func (r *Registry) OnChange(fn func(name string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watchers = append(r.watchers, fn)
}

// ensure returns the running member for name, starting it, or restarting it when the
// fingerprint fp of its configuration differs from the one it runs with.
func (r *Registry) ensure(name string, cfg *rest.Config, fp string) (*Member, error) {
	r.mu.Lock()
	if r.ctx == nil {
		r.mu.Unlock()
		return nil, errNotStarted
	}
	old := r.members[name]
	if old != nil && old.fingerprint == fp {
		r.mu.Unlock()
		return old, nil
	}
	m, err := r.newMember(name, cfg, fp)
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	r.members[name] = m
	watchers := r.watchers
	r.mu.Unlock()

	if old != nil {
		r.log.Info("Member configuration changed; restarting its caches", "cluster", name)
		old.stop()
	} else {
		r.log.Info("Member added", "cluster", name, "endpoint", cfg.Host)
	}
	notify(watchers, name)
	return m, nil
}

// remove stops and forgets a member; removing an unknown name does nothing.
func (r *Registry) remove(name string) {
	r.mu.Lock()
	m := r.members[name]
	delete(r.members, name)
	watchers := r.watchers
	r.mu.Unlock()
	if m == nil {
		return
	}
	r.log.Info("Member removed", "cluster", name)
	m.stop()
	notify(watchers, name)
}

func notify(watchers []func(string), name string) {
	for _, fn := range watchers {
		fn(name)
	}
}

// newMember creates and starts a member's cluster (client and cache). Called with r.mu held.
func (r *Registry) newMember(name string, cfg *rest.Config, fp string) (*Member, error) {
	c, err := crcluster.New(cfg, func(o *crcluster.Options) {
		o.Scheme = r.scheme
		o.Logger = r.log.WithValues("cluster", name)
		// Federated kinds are handled as unstructured objects; their reads come from the
		// member's watch cache too, not from its API server on every reconcile.
		o.Client.Cache = &client.CacheOptions{Unstructured: true}
	})
	if err != nil {
		return nil, fmt.Errorf("creating the client for member %s: %w", name, err)
	}
	probe, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating the probe client for member %s: %w", name, err)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	m := &Member{Name: name, Cluster: c, Probe: probe, fingerprint: fp, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		if err := c.Start(ctx); err != nil {
			r.log.Error(err, "Member cache stopped with an error", "cluster", name)
		}
	}()
	return m, nil
}

// stop ends the member's informers and waits for them.
func (m *Member) stop() {
	m.cancel()
	<-m.done
	if t, ok := m.GetHTTPClient().Transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// Fingerprint identifies everything that decides where and as whom a member is reached: the
// KubeFedCluster's spec and the token. A change restarts the member's caches.
func Fingerprint(spec v1beta1.KubeFedClusterSpec, token []byte) string {
	h := sha256.New()
	spec.SecretRef = v1beta1.LocalSecretReference{} // the Secret's name does not matter, its token does
	data, _ := json.Marshal(spec)
	h.Write(data)
	h.Write(token)
	return hex.EncodeToString(h.Sum(nil))
}
