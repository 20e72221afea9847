package publish_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/etcd"
	"github.com/meridian-dns/meridian/providers/registry"
	"github.com/meridian-dns/meridian/skydns"
	"github.com/meridian-dns/meridian/test/env"
)

// zone is the DNS zone the controller under test publishes.
const zone = "publish.example.com"

// The stack: a real host API server, a separate one-member etcd the etcd provider writes (so a
// test can stop it without stopping the API server), and the controller running in-process.
var (
	host  client.Client
	store *env.EtcdCluster
	kv    *clientv3.Client
	calls = &countingProvider{}
)

func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(0), func(ctx context.Context, e *env.Environment) error {
		bins, err := env.EnsureBinaries(ctx, os.Stderr)
		if err != nil {
			return err
		}
		if store, err = env.StartEtcd(ctx, bins.Etcd, filepath.Join(e.Dir, "dns-etcd"), env.EtcdOptions{}); err != nil {
			return err
		}
		if kv, err = store.Client(); err != nil {
			return err
		}
		p, err := etcd.New(ctx, etcd.Config{Endpoints: store.Endpoints, Zones: []string{zone}, RequestTimeout: 2 * time.Second})
		if err != nil {
			return err
		}
		calls.Provider = registry.New(p, publish.DefaultOwner)
		return startController(ctx, e)
	}))
}

func startController(ctx context.Context, e *env.Environment) error {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr)))
	mgr, err := ctrl.NewManager(e.Host.RESTConfig(), ctrl.Options{Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return err
	}
	c := &publish.Controller{Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("meridian-publish"),
		Provider: calls, Zones: []string{zone}, RepairInterval: 3 * time.Second, ConflictRetry: time.Second}
	if err := c.SetupWithManager(mgr); err != nil {
		return err
	}
	if host, err = client.New(e.Host.RESTConfig(), client.Options{Scheme: scheme}); err != nil {
		return err
	}
	if err := host.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}); err != nil {
		return err
	}
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	return nil
}

// countingProvider records every ApplyChanges call that reaches the provider.
type countingProvider struct {
	providers.Provider
	mu      sync.Mutex
	applied []providers.Changes
	lists   int
}

func (c *countingProvider) Records(ctx context.Context) ([]providers.Record, error) {
	c.mu.Lock()
	c.lists++
	c.mu.Unlock()
	return c.Provider.Records(ctx)
}

func (c *countingProvider) ApplyChanges(ctx context.Context, ch providers.Changes) error {
	c.mu.Lock()
	c.applied = append(c.applied, ch)
	c.mu.Unlock()
	return c.Provider.ApplyChanges(ctx, ch)
}

// since returns the changes applied after the n-th call.
func (c *countingProvider) since(n int) []providers.Changes {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.applied[n:])
}

func (c *countingProvider) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.applied)
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the real stack")
	}
}

func ep(name string, endpoints ...v1alpha1.Endpoint) *v1alpha1.DNSEndpoint {
	return &v1alpha1.DNSEndpoint{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
		Spec: v1alpha1.DNSEndpointSpec{Endpoints: endpoints}}
}

func a(name string, targets ...string) v1alpha1.Endpoint {
	return v1alpha1.Endpoint{DNSName: name, RecordType: "A", RecordTTL: 60, Targets: targets}
}

// records returns what etcd holds one level below name, as "TYPE target set=ID owner=O" lines.
func records(t *testing.T, ctx context.Context, name string) []string {
	t.Helper()
	path := skydns.Path(skydns.DefaultPrefix, name) + "/"
	resp, err := kv.Get(ctx, path, clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, item := range resp.Kvs {
		if strings.Contains(strings.TrimPrefix(string(item.Key), path), "/") {
			continue // a deeper name's record
		}
		var s skydns.Service
		if err := json.Unmarshal(item.Value, &s); err != nil {
			t.Fatalf("%s: %v", item.Key, err)
		}
		target := s.Host
		if target == "" {
			target = s.Text
		}
		out = append(out, fmt.Sprintf("%s %s set=%s owner=%s ttl=%d", s.Type(), target, s.SetIdentifier, s.Owner, s.TTL))
	}
	slices.Sort(out)
	return out
}

// waitRecords waits until etcd holds want below name.
func waitRecords(t *testing.T, ctx context.Context, name string, want ...string) {
	t.Helper()
	slices.Sort(want)
	var got []string
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 20*time.Second, true, func(ctx context.Context) (bool, error) {
		got = records(t, ctx, name)
		return slices.Equal(got, want), nil
	})
	if err != nil {
		t.Fatalf("records of %s: got %q, want %q", name, got, want)
	}
}

// waitReady waits until the DNSEndpoint's Ready condition has reason and a message containing
// text, for its current generation.
func waitReady(t *testing.T, ctx context.Context, obj *v1alpha1.DNSEndpoint, reason, text string) {
	t.Helper()
	var cond *metav1.Condition
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 20*time.Second, true, func(ctx context.Context) (bool, error) {
		got := &v1alpha1.DNSEndpoint{}
		if err := host.Get(ctx, client.ObjectKeyFromObject(obj), got); err != nil {
			return false, nil
		}
		cond = meta.FindStatusCondition(got.Status.Conditions, publish.ConditionReady)
		return cond != nil && cond.Reason == reason && strings.Contains(cond.Message, text) &&
			cond.ObservedGeneration == got.Generation, nil
	})
	if err != nil {
		t.Fatalf("%s: Ready condition %+v, want reason %s with %q", obj.Name, cond, reason, text)
	}
}

func create(t *testing.T, ctx context.Context, obj *v1alpha1.DNSEndpoint) {
	t.Helper()
	if err := host.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Delete(context.Background(), obj) })
}

// waitRepair waits until the controller has listed the provider twice more, so one full repair
// began after the call.
func waitRepair(t *testing.T, ctx context.Context) {
	t.Helper()
	calls.mu.Lock()
	start := calls.lists
	calls.mu.Unlock()
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 20*time.Second, true, func(context.Context) (bool, error) {
		calls.mu.Lock()
		defer calls.mu.Unlock()
		return calls.lists >= start+2, nil
	})
	if err != nil {
		t.Fatal("no drift repair within 20 s")
	}
}

// update reads obj again, mutates it and writes it, retrying on conflicts with the controller's
// status writes.
func update(t *testing.T, ctx context.Context, obj *v1alpha1.DNSEndpoint, mutate func()) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := host.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate()
		return host.Update(ctx, obj)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
