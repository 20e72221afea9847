package etcd

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/test/env"
)

// shared is a single-member etcd the tests share, each under a prefix of its own; etcdBinary
// starts the clusters of the tests that stop members.
var (
	shared     *env.EtcdCluster
	etcdBinary string
	prefixes   atomic.Int64
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	os.Exit(runWithEtcd(m))
}

func runWithEtcd(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bins, err := env.EnsureBinaries(ctx, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	etcdBinary = bins.Etcd
	dir, err := os.MkdirTemp("", "meridian-etcd-provider-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if shared, err = env.StartEtcd(ctx, etcdBinary, dir, env.EtcdOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer shared.Stop()
	return m.Run()
}

// needEtcd skips under -short and returns a context for the test.
func needEtcd(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("needs etcd")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newProvider returns a provider of the shared etcd under a fresh prefix, managing example.test
// unless cfg names zones.
func newProvider(t *testing.T, cfg Config) *Provider {
	t.Helper()
	if cfg.Endpoints == nil {
		cfg.Endpoints = shared.Endpoints
	}
	if cfg.Prefix == "" {
		cfg.Prefix = fmt.Sprintf("/t%d", prefixes.Add(1))
	}
	if cfg.Zones == nil {
		cfg.Zones = []string{"example.test"}
	}
	p, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// rawClient is a plain client of the shared etcd, to write what others write and to look.
func rawClient(t *testing.T) *clientv3.Client {
	t.Helper()
	c, err := shared.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ptr[T any](v T) *T { return &v }

const (
	owner = "meridian-test"
	res   = "dnsendpoint/shop/web"
)

// rec is a set of ours.
func rec(name, typ string, targets ...string) providers.Record {
	return providers.Record{Name: name, Type: typ, TTL: 60, Targets: targets, Owner: owner, Resource: res}
}

// routed is one cluster's share of a routed name.
func routed(name, cluster string, targets ...string) providers.Record {
	r := rec(name, "A", targets...)
	r.SetIdentifier, r.Cluster, r.Region, r.Zones = cluster, cluster, "eu-west-1", []string{"eu-west-1a", "eu-west-1b"}
	r.Routing, r.Weight, r.FailoverPriority = providers.RoutingWeighted, ptr(int64(3)), ptr(1)
	return r
}

// mustRecords lists, failing the test on error.
func mustRecords(t *testing.T, ctx context.Context, p *Provider) []providers.Record {
	t.Helper()
	got, err := p.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// sameSets compares record sets as Records orders them.
func sameSets(t *testing.T, got, want []providers.Record) {
	t.Helper()
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	if len(got) != len(want) {
		t.Fatalf("got %d sets, want %d:\n got %s\nwant %s", len(got), len(want), dump(got), dump(want))
	}
	for i := range got {
		if !got[i].Equal(&want[i]) {
			t.Fatalf("set %d differs:\n got %s\nwant %s", i, dump(got[i:i+1]), dump(want[i:i+1]))
		}
	}
}

func dump(rs []providers.Record) string {
	s := ""
	for _, r := range rs {
		s += fmt.Sprintf("\n  %+v", r)
	}
	return s
}
