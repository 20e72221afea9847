package gslb

import (
	"encoding/json"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/miekg/dns"
	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/meridian-dns/meridian/skydns"
)

func TestSplitKey(t *testing.T) {
	tests := []struct {
		key, parent, id string
		ok              bool
	}{
		{"/skydns/org/example/www/r1", "www.example.org", "r1", true},
		{"/skydns/org/example/WWW/R1", "www.example.org", "r1", true},
		{"/skydns/org/example", "org", "example", true},
		{"/skydns/org", "", "org", true},
		{"/skydns/org/example/www/r1/", "www.example.org", "r1", true},
		{"/skydns/", "", "", false},
		{"/skydns", "", "", false},
		{"/skydnsx/org/a", "", "", false},
		{"/other/org/example/a", "", "", false},
		{"/skydns/org//a", "", "", false},
	}
	for _, tt := range tests {
		parent, id, ok := splitKey("/skydns", tt.key)
		if parent != tt.parent || id != tt.id || ok != tt.ok {
			t.Errorf("splitKey(%q) = %q, %q, %v; want %q, %q, %v", tt.key, parent, id, ok, tt.parent, tt.id, tt.ok)
		}
	}
}

// TestIndexNames: names come and go with the keys at and below them, empty non-terminals
// included, and the counters follow.
func TestIndexNames(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org",
		rec{name: "a.b.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.1"}},
		rec{name: "a.b.example.org", id: "r2", svc: skydns.Service{Host: "192.0.2.2"}},
		rec{name: "c.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.3"}})
	ix := g.ix
	for _, name := range []string{"a.b.example.org", "b.example.org", "example.org", "org", "", "c.example.org"} {
		if ix.get(name) == nil {
			t.Errorf("no entry for %q", name)
		}
	}
	if e := ix.get("a.b.example.org"); e.fqdn != "a.b.example.org." || len(e.records) != 2 {
		t.Errorf("a.b.example.org: %+v", e)
	}
	if n, r := ix.names.Load(), ix.records.Load(); n != 2 || r != 3 {
		t.Errorf("%d names, %d records; want 2, 3", n, r)
	}
	// Replacing a key keeps the counts.
	putRecords(t, g, rec{name: "a.b.example.org", id: "r1", svc: skydns.Service{Host: "192.0.2.9"}})
	if n, r := ix.names.Load(), ix.records.Load(); n != 2 || r != 3 || ix.counts["b.example.org"] != 2 {
		t.Errorf("after a replace: %d names, %d records, b.example.org count %d", n, r, ix.counts["b.example.org"])
	}
	deleteRecords(g, rec{name: "a.b.example.org", id: "r1"}, rec{name: "a.b.example.org", id: "r2"})
	for _, name := range []string{"a.b.example.org", "b.example.org"} {
		if ix.get(name) != nil {
			t.Errorf("%q still has an entry", name)
		}
	}
	if ix.get("example.org") == nil || ix.counts["example.org"] != 1 {
		t.Errorf("example.org: entry %v, count %d; want one key below", ix.get("example.org"), ix.counts["example.org"])
	}
	// Deleting what is not there changes nothing.
	deleteRecords(g, rec{name: "zzz.example.org", id: "r1"})
	if n, r := ix.names.Load(), ix.records.Load(); n != 1 || r != 1 {
		t.Errorf("%d names, %d records; want 1, 1", n, r)
	}
}

// TestRelistSweeps: a re-list keeps unchanged entries as they are, replaces changed ones and
// removes what the list did not mention.
func TestRelistSweeps(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org")
	a := g.newApplier()
	kv := func(name, id, host string, rev int64) *mvccpb.KeyValue {
		v, _ := json.Marshal(skydns.Service{Host: host})
		return &mvccpb.KeyValue{Key: []byte(skydns.Key(g.prefix, name, id)), Value: v, ModRevision: rev}
	}
	gen := a.beginRelist()
	a.putListed([]*mvccpb.KeyValue{kv("keep.example.org", "r1", "192.0.2.1", 5), kv("change.example.org", "r1", "192.0.2.2", 6),
		kv("gone.example.org", "r1", "192.0.2.3", 7)}, gen)
	if swept := a.endRelist(gen, 7); swept != 0 {
		t.Fatalf("first list swept %d", swept)
	}
	kept := g.ix.get("keep.example.org")

	gen = a.beginRelist()
	a.putListed([]*mvccpb.KeyValue{kv("keep.example.org", "r1", "192.0.2.1", 5), kv("change.example.org", "r1", "192.0.2.9", 9)}, gen)
	a.putListed([]*mvccpb.KeyValue{kv("new.example.org", "r1", "192.0.2.4", 8)}, gen)
	if swept := a.endRelist(gen, 9); swept != 1 {
		t.Fatalf("second list swept %d, want 1", swept)
	}
	if g.ix.get("keep.example.org") != kept {
		t.Error("an unchanged name got a new entry")
	}
	if g.ix.get("gone.example.org") != nil || g.ix.get("new.example.org") == nil {
		t.Error("gone.example.org not swept or new.example.org not added")
	}
	if got := answerOf(t, g, "change.example.org."); len(got) != 1 || got[0] != "192.0.2.9" {
		t.Errorf("change.example.org: %v", got)
	}
	if g.ix.revision.Load() != 9 {
		t.Errorf("revision %d, want 9", g.ix.revision.Load())
	}
}

func TestInvalidRecordKeepsNameWithoutData(t *testing.T) {
	g := newTestGSLB(t, "gslb example.org")
	var bad []string
	a := g.newApplier()
	a.onInvalid = func(key string, _ error) { bad = append(bad, key) }
	a.apply([]change{{key: []byte("/skydns/org/example/broken/r1"), value: []byte("{not json"), rev: 1}})
	if len(bad) != 1 {
		t.Fatalf("invalid keys reported: %v", bad)
	}
	if got := answerOf(t, g, "broken.example.org."); len(got) != 0 {
		t.Fatalf("broken.example.org: %v, want NODATA", got)
	}
}

// TestIndexMemory loads 100,000 names of three targets each, as a list would, and checks the
// heap they keep: the plugin's share of the 300 MB RSS budget.
func TestIndexMemory(t *testing.T) {
	const names = 100000
	g := newTestGSLB(t, routingCorefile)
	a := g.newApplier()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	gen := a.beginRelist()
	page := make([]*mvccpb.KeyValue, 0, 1000)
	rev := int64(0)
	for i := range names {
		name := "web" + strconv.Itoa(i) + ".shop.prod.svc.example.org"
		for j, cl := range []struct{ cluster, region, host string }{
			{"c1", "us-east-1", "192.0.2.10"}, {"c2", "eu-west-1", "192.0.2.20"}, {"c2", "eu-west-1", "2001:db8::20"},
		} {
			rev++
			v, _ := json.Marshal(skydns.Service{Host: cl.host, TTL: 180, Cluster: cl.cluster, Region: cl.region,
				SetIdentifier: cl.cluster, Routing: "nearest", Owner: "meridian", Resource: "dnsendpoint/shop/service-web"})
			page = append(page, &mvccpb.KeyValue{Key: []byte(skydns.Key(g.prefix, name, "t"+strconv.Itoa(j))), Value: v, ModRevision: rev})
		}
		if len(page) >= 999 {
			a.putListed(page, gen)
			page = page[:0]
		}
	}
	a.putListed(page, gen)
	a.endRelist(gen, rev)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("index of %d names, %d records: %.1f MB of heap (%d bytes a name)", g.ix.names.Load(), g.ix.records.Load(), float64(heap)/1e6, heap/names)
	if g.ix.names.Load() != names || g.ix.records.Load() != 3*names {
		t.Fatalf("index holds %d names and %d records", g.ix.names.Load(), g.ix.records.Load())
	}
	// With the Go runtime's default GOGC the process peaks near twice its live heap.
	if heap > 100e6 {
		t.Fatalf("index keeps %.1f MB of heap, want at most 100 MB", float64(heap)/1e6)
	}
	runtime.KeepAlive(g)
}

// TestConcurrentReadersAndWriter queries while the writer changes, re-lists and sweeps the
// index; run with -race, it checks that readers only ever see whole entries.
func TestConcurrentReadersAndWriter(t *testing.T) {
	g := newTestGSLB(t, routingCorefile, routedRecords...)
	a := g.newApplier()
	done := make(chan struct{})
	var readers sync.WaitGroup
	for i := range 2 {
		readers.Go(func() {
			names := []string{"web.example.org.", "c1-a.web.example.org.", "v4only.example.org.", "churn.example.org.", "lb.example.org."}
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				resp, _, err := serve(t, g, ecsQuery(names[n%len(names)], dns.TypeA, "10."+strconv.Itoa(i+1)+".0.0", 16), "", false)
				if err != nil || resp == nil || (resp.Rcode != dns.RcodeSuccess && resp.Rcode != dns.RcodeNameError) {
					t.Errorf("reply %v, err %v", resp, err)
					return
				}
			}
		})
	}
	for round := range 2000 {
		churn := rec{name: "churn.example.org", id: "r" + strconv.Itoa(round%3), svc: skydns.Service{Host: "192.0.2." + strconv.Itoa(round%250+1)}}
		putRecords(t, g, churn)
		if round%10 == 0 {
			// Re-lists that mention only web.example.org sweep everything else; the second
			// finds the keys unchanged and only marks them, under the readers' feet...
			var kvs []*mvccpb.KeyValue
			for _, r := range routedRecords[:4] {
				v, _ := json.Marshal(r.svc)
				kvs = append(kvs, &mvccpb.KeyValue{Key: []byte(r.key(g.prefix)), Value: v, ModRevision: int64(round + 1)})
			}
			for range 2 {
				gen := a.beginRelist()
				a.putListed(kvs, gen)
				a.endRelist(gen, int64(round+1))
			}
			// ...and the rest comes back.
			putRecords(t, g, routedRecords[4:]...)
		}
		if round%3 == 2 {
			deleteRecords(g, churn)
		}
	}
	close(done)
	readers.Wait()
	if got := answerOf(t, g, "web.example.org."); len(got) != 2 {
		t.Fatalf("web.example.org after the churn: %v", got)
	}
}
