package gslb

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/test"
	"github.com/miekg/dns"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/skydns"
	"github.com/meridian-dns/meridian/test/env"
)

// startTestEtcd runs a one-member etcd from the cached binary for the test.
func startTestEtcd(t *testing.T) (*env.EtcdCluster, *clientv3.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bins, err := env.EnsureBinaries(ctx, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := env.StartEtcd(ctx, bins.Etcd, t.TempDir(), env.EtcdOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	client, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return cluster, client
}

// gatedClient holds the first Watch call until the test opens the gate, so that the test can
// change and compact etcd between the first list and the watch.
type gatedClient struct {
	etcdClient
	gate   chan struct{}
	waited chan struct{}
}

func (c *gatedClient) Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan {
	if c.gate != nil {
		close(c.waited)
		select {
		case <-c.gate:
		case <-ctx.Done():
		}
		c.gate = nil
	}
	return c.etcdClient.Watch(ctx, key, opts...)
}

// startWatched builds a plugin for the cluster and starts its watcher over client, listing
// pageSize keys at a time.
func startWatched(t *testing.T, cluster *env.EtcdCluster, client etcdClient, pageSize int64) *GSLB {
	t.Helper()
	cfg, err := parse(caddy.NewTestController("dns", "gslb example.org {\n    endpoint "+strings.Join(cluster.Endpoints, " ")+"\n}"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGSLB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g.watcher = newWatcher(client, g.newApplier(), g.onSync)
	g.watcher.timeout = 2 * time.Second
	g.watcher.pageSize = pageSize
	g.watcher.start()
	t.Cleanup(func() {
		g.watcher.stop()
		_ = g.locator.Close()
	})
	return g
}

func putKey(t *testing.T, client *clientv3.Client, name, id, host string) {
	t.Helper()
	value, _ := json.Marshal(skydns.Service{Host: host, TTL: 30})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Put(ctx, skydns.Key(skydns.DefaultPrefix, name, id), string(value)); err != nil {
		t.Fatal(err)
	}
}

func deleteKey(t *testing.T, client *clientv3.Client, name, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Delete(ctx, skydns.Key(skydns.DefaultPrefix, name, id)); err != nil {
		t.Fatal(err)
	}
}

// answerOf queries g for name A and returns the sorted addresses, or the rcode's name.
func answerOf(t *testing.T, g *GSLB, name string) []string {
	t.Helper()
	resp, code, err := serve(t, g, test.Case{Qname: name, Qtype: dns.TypeA}.Msg(), "", false)
	if err != nil || resp == nil {
		return []string{"no reply: " + dns.RcodeToString[code]}
	}
	if resp.Rcode != dns.RcodeSuccess {
		return []string{dns.RcodeToString[resp.Rcode]}
	}
	got := addrs(resp)
	slices.Sort(got)
	return got
}

func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func wantAnswer(t *testing.T, g *GSLB, name string, want ...string) {
	t.Helper()
	var got []string
	ok := func() bool { got = answerOf(t, g, name); return slices.Equal(got, want) }
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v, want %v", name, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWatcher runs the watcher against a real etcd: the first list, changes, a compaction that
// forces a re-list and sweep, and etcd going away and coming back.
func TestWatcher(t *testing.T) {
	cluster, client := startTestEtcd(t)
	putKey(t, client, "www.example.org", "r1", "192.0.2.1")
	putKey(t, client, "www.example.org", "r2", "192.0.2.2")
	putKey(t, client, "gone.example.org", "r1", "192.0.2.3")
	putKey(t, client, "kept.example.org", "r1", "192.0.2.4")
	putKey(t, client, "kept.example.org", "r2", "192.0.2.5")

	gated := &gatedClient{etcdClient: client, gate: make(chan struct{}), waited: make(chan struct{})}
	g := startWatched(t, cluster, gated, 2) // several pages even for a handful of keys

	// The first list: ready, and answering.
	select {
	case <-gated.waited:
	case <-time.After(30 * time.Second):
		t.Fatal("the watcher never got to its watch")
	}
	if !g.Ready() {
		t.Fatal("not ready after the first list")
	}
	wantAnswer(t, g, "www.example.org.", "192.0.2.1", "192.0.2.2")
	wantAnswer(t, g, "gone.example.org.", "192.0.2.3")

	compactBeforeWatch(t, g, client, gated)

	// Put and delete events.
	putKey(t, client, "www.example.org", "r3", "192.0.2.7")
	wantAnswer(t, g, "www.example.org.", "192.0.2.1", "192.0.2.2", "192.0.2.7")
	deleteKey(t, client, "www.example.org", "r1")
	wantAnswer(t, g, "www.example.org.", "192.0.2.2", "192.0.2.7")
	if n, r := g.ix.names.Load(), g.ix.records.Load(); n != 3 || r != 4 {
		t.Errorf("index holds %d names and %d records, want 3 and 4", n, r)
	}

	etcdOutage(t, g, cluster, client)
}

// compactBeforeWatch changes keys and has etcd compact them away between the list and the
// watch: the watch cannot start where the list ended, so the watcher lists again and sweeps.
func compactBeforeWatch(t *testing.T, g *GSLB, client *clientv3.Client, gated *gatedClient) {
	t.Helper()
	relistsBefore := counterValue(t, relists.WithLabelValues(g.prefix, "compacted"))
	deleteKey(t, client, "gone.example.org", "r1")
	deleteKey(t, client, "kept.example.org", "r2")
	putKey(t, client, "new.example.org", "r1", "192.0.2.6")
	compact(t, client)
	close(gated.gate)
	wantAnswer(t, g, "gone.example.org.", "NXDOMAIN")
	wantAnswer(t, g, "new.example.org.", "192.0.2.6")
	wantAnswer(t, g, "kept.example.org.", "192.0.2.4")
	wantAnswer(t, g, "www.example.org.", "192.0.2.1", "192.0.2.2")
	if after := counterValue(t, relists.WithLabelValues(g.prefix, "compacted")); after != relistsBefore+1 {
		t.Errorf("compacted re-lists went from %v to %v, want +1", relistsBefore, after)
	}
}

// etcdOutage stops etcd: the last snapshot goes on being served, and once etcd is back the
// changes made from then on reach the index.
func etcdOutage(t *testing.T, g *GSLB, cluster *env.EtcdCluster, client *clientv3.Client) {
	t.Helper()
	if err := cluster.Members[0].Stop(); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if got := answerOf(t, g, "www.example.org."); !slices.Equal(got, []string{"192.0.2.2", "192.0.2.7"}) {
			t.Fatalf("with etcd down: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !g.Ready() {
		t.Fatal("not ready while etcd is down")
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := cluster.Members[0].Start(ctx); err != nil {
		t.Fatal(err)
	}
	putKey(t, client, "www.example.org", "r4", "192.0.2.8")
	deleteKey(t, client, "new.example.org", "r1")
	eventually(t, "the watcher to catch up after etcd's restart", 30*time.Second, func() bool {
		return slices.Equal(answerOf(t, g, "www.example.org."), []string{"192.0.2.2", "192.0.2.7", "192.0.2.8"}) &&
			slices.Equal(answerOf(t, g, "new.example.org."), []string{"NXDOMAIN"})
	})
}

func compact(t *testing.T, client *clientv3.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := client.Get(ctx, "compact-probe")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Compact(ctx, resp.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
}

// TestWatcherListsAgainAfterClosedWatch: a watch that ends without a compaction also leads to a
// re-list, which picks up what happened meanwhile.
func TestWatcherListsAgainAfterClosedWatch(t *testing.T) {
	cluster, client := startTestEtcd(t)
	putKey(t, client, "a.example.org", "r1", "192.0.2.1")
	closing := &closingClient{etcdClient: client, closeNext: make(chan struct{}, 1)}
	g := startWatched(t, cluster, closing, 2)
	wantAnswer(t, g, "a.example.org.", "192.0.2.1")
	before := counterValue(t, relists.WithLabelValues(g.prefix, "watch_closed"))
	closing.closeNext <- struct{}{}
	eventually(t, "a re-list after the watch closed", 10*time.Second, func() bool {
		return counterValue(t, relists.WithLabelValues(g.prefix, "watch_closed")) == before+1
	})
	putKey(t, client, "a.example.org", "r2", "192.0.2.2")
	wantAnswer(t, g, "a.example.org.", "192.0.2.1", "192.0.2.2")
}

// closingClient closes the current watch channel when told to, as a broken stream would.
type closingClient struct {
	etcdClient
	closeNext chan struct{}
}

func (c *closingClient) Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan {
	in := c.etcdClient.Watch(ctx, key, opts...)
	out := make(chan clientv3.WatchResponse)
	go func() {
		defer close(out)
		for {
			select {
			case <-c.closeNext:
				return
			case resp, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- resp:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
