package etcd

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/providers"
)

// revisions returns the distinct mod revisions of the keys under prefix: one per transaction.
func revisions(t *testing.T, prefix string) []int64 {
	t.Helper()
	resp, err := rawClient(t).Get(t.Context(), prefix+"/", clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	var revs []int64
	for _, kv := range resp.Kvs {
		revs = append(revs, kv.ModRevision)
	}
	slices.Sort(revs)
	return slices.Compact(revs)
}

// TestLargeBatch writes 5,000 names in transactions of whole names within MaxTxnOps, lists them
// back in pages, and deletes them again.
func TestLargeBatch(t *testing.T) {
	ctx := needEtcd(t)
	const names, maxOps = 5000, 128
	p := newProvider(t, Config{MaxTxnOps: maxOps})
	p.pageSize = 700
	var sets []providers.Record
	for i := range names {
		// Two targets a name, so a transaction never ends in the middle of one.
		sets = append(sets, rec(fmt.Sprintf("n%04d.example.test", i), "A", fmt.Sprintf("10.%d.%d.1", i/250, i%250), fmt.Sprintf("10.%d.%d.2", i/250, i%250)))
	}
	start := time.Now()
	if err := p.ApplyChanges(ctx, providers.Changes{Create: sets}); err != nil {
		t.Fatal(err)
	}
	t.Logf("created %d names in %s", names, time.Since(start).Round(time.Millisecond))
	if got, want := len(revisions(t, p.prefix)), (2*names+maxOps-1)/maxOps; got != want {
		t.Errorf("%d transactions, want %d", got, want)
	}
	start = time.Now()
	sameSets(t, mustRecords(t, ctx, newProvider(t, Config{Prefix: p.prefix})), sets)
	t.Logf("listed in %s", time.Since(start).Round(time.Millisecond))
	if err := p.ApplyChanges(ctx, providers.Changes{Delete: sets}); err != nil {
		t.Fatal(err)
	}
	if n := countKeys(t, p.prefix); n != 0 {
		t.Errorf("%d keys left", n)
	}
}

// TestNameLargerThanATransaction: a name with more targets than MaxTxnOps is split, puts
// before deletes, and still ends complete.
func TestNameLargerThanATransaction(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{MaxTxnOps: 16})
	targets := func(from, n int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, fmt.Sprintf("192.0.2.%d", i))
		}
		slices.Sort(out)
		return out
	}
	old := rec("big.example.test", "A", targets(1, 40)...)
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{old}}); err != nil {
		t.Fatal(err)
	}
	if got := len(revisions(t, p.prefix)); got != 3 {
		t.Errorf("40 keys in %d transactions, want 3", got)
	}
	watch := rawClient(t).Watch(ctx, p.prefix+"/", clientv3.WithPrefix())
	newSet := rec("big.example.test", "A", targets(21, 40)...) // 20 kept, 20 deleted, 20 new
	if err := p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: old, New: newSet}}}); err != nil {
		t.Fatal(err)
	}
	sameSets(t, mustRecords(t, ctx, p), []providers.Record{newSet})
	// No delete comes in a revision before a put: readers may see old and new together, never neither.
	var lastPut, firstDelete int64
	for seen := 0; seen < 40; {
		select {
		case w := <-watch:
			for _, ev := range w.Events {
				seen++
				if ev.Type == clientv3.EventTypeDelete && (firstDelete == 0 || ev.Kv.ModRevision < firstDelete) {
					firstDelete = ev.Kv.ModRevision
				} else if ev.Type == clientv3.EventTypePut {
					lastPut = max(lastPut, ev.Kv.ModRevision)
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("saw %d of 40 events", seen)
		}
	}
	if lastPut > firstDelete {
		t.Errorf("a delete (revision %d) came before the last put (revision %d)", firstDelete, lastPut)
	}
}

// TestSplitNameStopsAtAStalePart: when a part of a split name fails its guard, the parts after
// it (the deletes) do not run.
func TestSplitNameStopsAtAStalePart(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{MaxTxnOps: 4})
	old := rec("big.example.test", "A", "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4")
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{old}}); err != nil {
		t.Fatal(err)
	}
	// Someone takes the key of one of the new targets.
	squatted := p.targetKey(&old, "192.0.2.5")
	if _, err := rawClient(t).Put(ctx, squatted, `{"host":"192.0.2.5"}`); err != nil {
		t.Fatal(err)
	}
	newSet := rec("big.example.test", "A", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8")
	err := p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: old, New: newSet}}})
	if !errors.Is(err, providers.ErrStale) {
		t.Fatalf("got %v, want ErrStale", err)
	}
	now := snapshot(t, p.prefix)
	for _, target := range old.Targets {
		if now[p.targetKey(&old, target)] == nil {
			t.Errorf("old target %s was deleted although the puts failed", target)
		}
	}
}
