package etcd

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
)

func TestRoundTrip(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	txt := rec("www.example.test", "TXT", `"quoted"`, "hello world") // sorted, as Record requires
	sets := []providers.Record{
		rec("example.test", "A", "192.0.2.1"),
		rec("www.example.test", "A", "192.0.2.10", "192.0.2.11", "192.0.2.12"),
		rec("www.example.test", "AAAA", "2001:db8::10"),
		txt,
		rec("alias.example.test", "CNAME", "www.example.test"),
		routed("shop.example.test", "eu1", "192.0.2.20", "192.0.2.21"),
		routed("shop.example.test", "us1", "192.0.2.30"),
	}
	if err := p.ApplyChanges(ctx, providers.Changes{Create: sets}); err != nil {
		t.Fatal(err)
	}
	sameSets(t, mustRecords(t, ctx, p), sets)

	// The stored form is the SkyDNS one stock readers know.
	resp, err := rawClient(t).Get(ctx, skydns.Key(p.prefix, "www.example.test", recordID("A", "", "192.0.2.10")))
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("stored key: %v %v", resp, err)
	}
	var s skydns.Service
	if err := json.Unmarshal(resp.Kvs[0].Value, &s); err != nil || s.Host != "192.0.2.10" || s.TTL != 60 || s.Owner != owner || s.Resource != res {
		t.Fatalf("stored value %s: %+v %v", resp.Kvs[0].Value, s, err)
	}

	// Update targets and TTL, delete a set, create one: read back from a fresh provider too.
	www := sets[1]
	newWWW := rec("www.example.test", "A", "192.0.2.11", "192.0.2.13")
	newWWW.TTL = 30
	changes := providers.Changes{
		Create: []providers.Record{rec("new.example.test", "A", "192.0.2.99")},
		Update: []providers.Update{{Old: www, New: newWWW}},
		Delete: []providers.Record{txt},
	}
	if err := p.ApplyChanges(ctx, changes); err != nil {
		t.Fatal(err)
	}
	want := []providers.Record{sets[0], newWWW, sets[2], sets[4], sets[5], sets[6], changes.Create[0]}
	sameSets(t, mustRecords(t, ctx, p), want)
	fresh := newProvider(t, Config{Prefix: p.prefix})
	sameSets(t, mustRecords(t, ctx, fresh), want)

	// Without a listing in between: the provider keeps the revisions it wrote.
	if err := p.ApplyChanges(ctx, providers.Changes{Delete: want}); err != nil {
		t.Fatal(err)
	}
	sameSets(t, mustRecords(t, ctx, p), nil)
	if n := countKeys(t, p.prefix); n != 0 {
		t.Errorf("%d keys left after deleting every set", n)
	}
}

func countKeys(t *testing.T, prefix string) int64 {
	t.Helper()
	resp, err := rawClient(t).Get(t.Context(), prefix+"/", clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

// TestNameChangesInOneRevision watches the prefix: every key of one name, deletes and puts,
// changes in a single revision.
func TestNameChangesInOneRevision(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	old := rec("www.example.test", "A", "192.0.2.1", "192.0.2.2", "192.0.2.3")
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{old}}); err != nil {
		t.Fatal(err)
	}
	watch := rawClient(t).Watch(ctx, p.prefix+"/", clientv3.WithPrefix())
	newSet := rec("www.example.test", "A", "192.0.2.3", "192.0.2.4", "192.0.2.5")
	newSet.TTL = 120 // every kept target is rewritten too
	if err := p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: old, New: newSet}}}); err != nil {
		t.Fatal(err)
	}
	var puts, deletes int
	select {
	case w := <-watch:
		for _, ev := range w.Events {
			if ev.Kv.ModRevision != w.Events[0].Kv.ModRevision {
				t.Errorf("events in several revisions: %v", w.Events)
			}
			if ev.Type == mvccpb.DELETE {
				deletes++
			} else {
				puts++
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event")
	}
	if puts != 3 || deletes != 2 {
		t.Errorf("one revision held %d puts and %d deletes, want 3 and 2", puts, deletes)
	}
}

// TestForeignDataUntouched seeds what other writers leave in a zone and checks it survives
// every kind of change byte for byte, and that Records shows it as foreign.
func TestForeignDataUntouched(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	seedForeign(t, p.prefix)
	before := snapshot(t, p.prefix)

	got := mustRecords(t, ctx, p)
	seen := map[string]int{}
	for _, r := range got {
		seen[strings.TrimSpace(r.Name+" "+r.Type+" "+r.Owner)]++
	}
	for want, n := range map[string]int{
		"www.example.test A":          2, // SkyDNS at the name; external-dns below it (another TTL)
		"www.example.test A other":    1, // another Meridian instance
		"example.test A":              1, // the SkyDNS record at www, at its parent
		"a1b2c3d4.www.example.test A": 1, // external-dns's record, at its own name
		"api.example.test A":          1, // claims our owner from a key that is not ours
		"x1.api.example.test A":       1,
	} {
		if seen[want] != n {
			t.Errorf("%d sets %q, want %d, in %s", seen[want], want, n, dump(got))
		}
	}
	if len(got) != 7 || p.Undecodable() != 1 {
		t.Errorf("%d sets (want 7), %d undecodable (want 1)", len(got), p.Undecodable())
	}

	// Our own sets at the same names, created, updated and deleted.
	www := rec("www.example.test", "A", "192.0.2.1")
	api := rec("api.example.test", "TXT", "v=1")
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{www, api}}); err != nil {
		t.Fatal(err)
	}
	www2 := rec("www.example.test", "A", "192.0.2.2")
	if err := p.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: www, New: www2}}, Delete: []providers.Record{api}}); err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyChanges(ctx, providers.Changes{Delete: []providers.Record{www2}}); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, p.prefix)
	for k, kv := range before {
		if a, ok := after[k]; !ok || string(a.Value) != string(kv.Value) || a.ModRevision != kv.ModRevision {
			t.Errorf("foreign key %s changed: %+v → %+v", k, kv, a)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d keys after, %d before", len(after), len(before))
	}
}

// seedForeign writes what other writers leave in and around the zone example.test.
func seedForeign(t *testing.T, prefix string) {
	t.Helper()
	foreign := map[string]string{
		prefix + "/test/example/www":                                      `{"host":"198.51.100.7","ttl":30}`,
		prefix + "/test/example/www/a1b2c3d4":                             `{"host":"198.51.100.8","text":"heritage=x"}`,
		prefix + "/test/example/www/" + recordID("A", "", "198.51.100.9"): `{"host":"198.51.100.9","owner":"other"}`,
		prefix + "/test/example/api/x1":                                   `{"host":"198.51.100.10","owner":"` + owner + `"}`,
		prefix + "/test/example/bad/" + recordID("A", "", "x"):            `{not json`,
		prefix + "/test/examples/www/x":                                   `{"host":"198.51.100.11"}`, // another zone
		prefix + "/test/example-2/x":                                      `{"host":"198.51.100.12"}`,
	}
	for k, v := range foreign {
		if _, err := rawClient(t).Put(t.Context(), k, v); err != nil {
			t.Fatal(err)
		}
	}
}

func snapshot(t *testing.T, prefix string) map[string]*mvccpb.KeyValue {
	t.Helper()
	resp, err := rawClient(t).Get(t.Context(), prefix+"/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mvccpb.KeyValue{}
	for _, kv := range resp.Kvs {
		out[string(kv.Key)] = kv
	}
	return out
}

// TestGuards changes keys underneath the provider: it must neither clobber nor delete them,
// must say so with ErrStale, and must still apply the other names of the call.
func TestGuards(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	raw := rawClient(t)
	a := rec("a.example.test", "A", "192.0.2.1", "192.0.2.2")
	b := rec("b.example.test", "A", "192.0.2.3")
	c := rec("c.example.test", "A", "192.0.2.4")
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{a, b, c}}); err != nil {
		t.Fatal(err)
	}
	mustRecords(t, ctx, p)
	overwritten := `{"host":"198.51.100.1","owner":"someone-else"}`
	aKey := p.targetKey(&a, "192.0.2.2")
	if _, err := raw.Put(ctx, aKey, overwritten); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Delete(ctx, p.targetKey(&b, "192.0.2.3")); err != nil {
		t.Fatal(err)
	}
	squatted := p.targetKey(&providers.Record{Name: "d.example.test", Type: "A"}, "192.0.2.5")
	if _, err := raw.Put(ctx, squatted, `{"host":"192.0.2.5","owner":"someone-else"}`); err != nil {
		t.Fatal(err)
	}
	b2 := rec("b.example.test", "A", "192.0.2.6")
	c2 := rec("c.example.test", "A", "192.0.2.7")
	err := p.ApplyChanges(ctx, providers.Changes{
		Create: []providers.Record{rec("d.example.test", "A", "192.0.2.5")},
		Update: []providers.Update{{Old: b, New: b2}, {Old: c, New: c2}},
		Delete: []providers.Record{a},
	})
	if !errors.Is(err, providers.ErrStale) || providers.IsSoft(err) {
		t.Fatalf("ApplyChanges over changed keys: %v, want ErrStale", err)
	}
	for _, name := range []string{"a.example.test", "b.example.test", "d.example.test"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	now := snapshot(t, p.prefix)
	if v := now[aKey]; v == nil || string(v.Value) != overwritten {
		t.Errorf("overwritten key was clobbered: %v", v)
	}
	if now[p.targetKey(&a, "192.0.2.1")] == nil {
		t.Error("a.example.test lost a target although its change was refused as a whole")
	}
	if string(now[squatted].Value) != `{"host":"192.0.2.5","owner":"someone-else"}` {
		t.Errorf("squatted key was overwritten: %s", now[squatted].Value)
	}
	if now[p.targetKey(&c2, "192.0.2.7")] == nil || now[p.targetKey(&c, "192.0.2.4")] != nil {
		t.Error("c.example.test, unaffected, was not updated")
	}

	// A provider that never listed has no revision to guard with: it refuses too.
	blind := newProvider(t, Config{Prefix: p.prefix})
	if err := blind.ApplyChanges(ctx, providers.Changes{Delete: []providers.Record{c2}}); !errors.Is(err, providers.ErrStale) {
		t.Errorf("delete without a listing: %v, want ErrStale", err)
	}
	// After listing again, the changes that still make sense go through.
	mustRecords(t, ctx, blind)
	if err := blind.ApplyChanges(ctx, providers.Changes{Delete: []providers.Record{c2}}); err != nil {
		t.Errorf("delete after a listing: %v", err)
	}
}

func TestUndecodableValuesAreSkipped(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	raw := rawClient(t)
	ok := rec("www.example.test", "A", "192.0.2.1")
	if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{ok}}); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		p.prefix + "/test/example/www/" + recordID("A", "", "192.0.2.2"): `{"host":`,
		p.prefix + "/test/example/www/junk":                              "\x00\x01binary",
		p.prefix + "/test/example/www/empty":                             `{}`, // valid, but no record: skipped uncounted
	}
	for k, v := range bad {
		if _, err := raw.Put(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // logged once per key, counted on every listing
		sameSets(t, mustRecords(t, ctx, p), []providers.Record{ok})
		if p.Undecodable() != 2 {
			t.Errorf("Undecodable() = %d, want 2", p.Undecodable())
		}
	}
	if err := p.ApplyChanges(ctx, providers.Changes{Delete: []providers.Record{ok}}); err != nil {
		t.Fatal(err)
	}
	now := snapshot(t, p.prefix)
	for k, v := range bad {
		if now[k] == nil || string(now[k].Value) != v {
			t.Errorf("%s changed", k)
		}
	}
}

func TestZones(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{Zones: []string{"example.test", "sub.example.test.", "Other.TEST"}})
	if strings.Join(p.zones, ",") != "example.test,other.test" {
		t.Errorf("zones %v: nested and non-canonical zones not merged", p.zones)
	}
	raw := rawClient(t)
	for _, k := range []string{"/test/examplex/a", "/test/example-x/a", "/test/exampl/a", "/test/a", "/test/other2/a"} {
		if _, err := raw.Put(ctx, p.prefix+k, `{"host":"198.51.100.1"}`); err != nil {
			t.Fatal(err)
		}
	}
	in := []providers.Record{rec("example.test", "A", "192.0.2.1"), rec("deep.sub.example.test", "A", "192.0.2.2"), rec("other.test", "TXT", "x")}
	if err := p.ApplyChanges(ctx, providers.Changes{Create: in}); err != nil {
		t.Fatal(err)
	}
	sameSets(t, mustRecords(t, ctx, p), in)

	before := countKeys(t, p.prefix)
	err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{rec("ok.example.test", "A", "192.0.2.3"), rec("examplex.test", "A", "192.0.2.4")}})
	if !errors.Is(err, ErrOutsideZones) || !strings.Contains(err.Error(), "examplex.test") {
		t.Errorf("name outside the zones: %v, want ErrOutsideZones naming it", err)
	}
	if after := countKeys(t, p.prefix); after != before {
		t.Errorf("a refused call wrote %d keys", after-before)
	}
}

func TestValidation(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	cname := rec("a.example.test", "CNAME", "x.example.test", "y.example.test")
	aaaa4 := rec("a.example.test", "AAAA", "::ffff:192.0.2.1")
	for _, r := range []providers.Record{
		rec("a.example.test", "A", "2001:db8::1"),
		rec("a.example.test", "A", "host.example.test"),
		rec("a.example.test", "AAAA", "192.0.2.1"),
		aaaa4,
		rec("a.example.test", "A", "::ffff:192.0.2.1"),
		rec("a.example.test", "CNAME", "192.0.2.1"),
		cname,
		rec("a.example.test", "MX", "mail.example.test"),
		rec("a.example.test", "A"),
		rec("A.example.test", "A", "192.0.2.1"),
		rec("a..example.test", "A", "192.0.2.1"),
		rec("a/b.example.test", "A", "192.0.2.1"),
	} {
		if err := p.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{r}}); err == nil || providers.IsSoft(err) {
			t.Errorf("%s %s %v: accepted (%v)", r.Type, r.Name, r.Targets, err)
		}
	}
	if n := countKeys(t, p.prefix); n != 0 {
		t.Errorf("invalid sets wrote %d keys", n)
	}
}
