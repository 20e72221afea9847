package publish_test

import (
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/skydns"
)

// Every kind of set a DNSEndpoint from Meridian carries is published, and withdrawn with it.
func TestPublishesEveryKindOfSetAndWithdrawsThem(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	global := "web.shop.prod.svc." + zone
	earth, vulcan := a(global, "192.0.2.1"), a(global, "198.51.100.1")
	for e, cluster := range map[*v1alpha1.Endpoint]string{&earth: "earth", &vulcan: "vulcan"} {
		e.SetIdentifier = cluster
		e.Labels = v1alpha1.Labels{dnsendpoint.LabelCluster: cluster}
		e.ProviderSpecific = v1alpha1.ProviderSpecific{{Name: dnsendpoint.PropertyRoutingPolicy, Value: "nearest"}}
	}
	obj := ep("service-web", earth, vulcan,
		v1alpha1.Endpoint{DNSName: global, RecordType: "AAAA", RecordTTL: 60, Targets: []string{"2001:db8::1"}},
		v1alpha1.Endpoint{DNSName: "www." + zone, RecordType: "CNAME", RecordTTL: 60, Targets: []string{global}},
		v1alpha1.Endpoint{DNSName: "txt." + zone, RecordType: "TXT", RecordTTL: 60, Targets: []string{"v=spf1 -all"}},
	)
	create(t, ctx, obj)
	waitRecords(t, ctx, global,
		"A 192.0.2.1 set=earth owner=meridian ttl=60", "A 198.51.100.1 set=vulcan owner=meridian ttl=60",
		"AAAA 2001:db8::1 set= owner=meridian ttl=60")
	waitRecords(t, ctx, "www."+zone, "CNAME "+global+" set= owner=meridian ttl=60")
	waitRecords(t, ctx, "txt."+zone, "TXT v=spf1 -all set= owner=meridian ttl=60")
	waitReady(t, ctx, obj, publish.ReasonPublished, "holds every record")

	if err := host.Delete(ctx, obj); err != nil {
		t.Fatal(err)
	}
	waitRecords(t, ctx, global)
	waitRecords(t, ctx, "www."+zone)
	waitRecords(t, ctx, "txt."+zone)
}

// One changed DNSEndpoint costs one provider write that touches only its changed set, and a
// change that is not to the spec costs none.
func TestOneChangeIsOneWrite(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	first, second := "one."+zone, "two."+zone
	obj := ep("service-incremental", a(first, "192.0.2.11"), a(second, "192.0.2.12"))
	create(t, ctx, obj)
	waitReady(t, ctx, obj, publish.ReasonPublished, "")
	before := calls.count()

	update(t, ctx, obj, func() { obj.Spec.Endpoints[1].Targets = []string{"192.0.2.13"} })
	waitRecords(t, ctx, second, "A 192.0.2.13 set= owner=meridian ttl=60")
	waitReady(t, ctx, obj, publish.ReasonPublished, "")
	applied := calls.since(before)
	if len(applied) != 1 || len(applied[0].Update) != 1 || applied[0].Update[0].New.Name != second ||
		len(applied[0].Create)+len(applied[0].Delete) != 0 {
		t.Fatalf("one changed target: %d provider writes %+v, want one update of %s", len(applied), applied, second)
	}

	before = calls.count()
	update(t, ctx, obj, func() { obj.Labels = map[string]string{"touched": "yes"} })
	time.Sleep(2 * time.Second)
	if n := calls.count() - before; n != 0 {
		t.Fatalf("a metadata-only change made %d provider writes: %+v", n, calls.since(before))
	}
}

// A name someone else holds is left exactly as it is; the DNSEndpoint says who holds it, and its
// other sets are published.
func TestForeignRecordsAreLeftAlone(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	taken := "taken." + zone
	key := skydns.Path(skydns.DefaultPrefix, taken) + "/x1"
	const value = `{"host":"203.0.113.1","ttl":300}`
	put, err := kv.Put(ctx, key, value)
	if err != nil {
		t.Fatal(err)
	}
	// The controller reads the provider at start and at each repair, not before each change:
	// let a repair see the foreign record, as it would have at start in production.
	waitRepair(t, ctx)
	obj := ep("service-collides", a(taken, "192.0.2.21"), a("free."+zone, "192.0.2.22"))
	create(t, ctx, obj)
	waitReady(t, ctx, obj, publish.ReasonConflict, "A "+taken)
	waitRecords(t, ctx, "free."+zone, "A 192.0.2.22 set= owner=meridian ttl=60")
	got, err := kv.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Kvs) != 1 || string(got.Kvs[0].Value) != value || got.Kvs[0].ModRevision != put.Header.Revision {
		t.Fatalf("the foreign record changed: %+v", got.Kvs)
	}
	if err := host.Delete(ctx, obj); err != nil {
		t.Fatal(err)
	}
	waitRecords(t, ctx, "free."+zone)
	waitRecords(t, ctx, taken, "A 203.0.113.1 set= owner= ttl=300")
}

// Two DNSEndpoints claiming one name: the second is told who holds it, and takes it over once
// the first is deleted.
func TestNameLetGoIsTakenUp(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	shared := "shared." + zone
	first := ep("service-first", a(shared, "192.0.2.41"))
	create(t, ctx, first)
	waitReady(t, ctx, first, publish.ReasonPublished, "")
	second := ep("service-second", a(shared, "192.0.2.42"))
	create(t, ctx, second)
	waitReady(t, ctx, second, publish.ReasonConflict, "A "+shared)
	waitRecords(t, ctx, shared, "A 192.0.2.41 set= owner=meridian ttl=60")
	if err := host.Delete(ctx, first); err != nil {
		t.Fatal(err)
	}
	waitRecords(t, ctx, shared, "A 192.0.2.42 set= owner=meridian ttl=60")
	waitReady(t, ctx, second, publish.ReasonPublished, "")
}

// An endpoint that cannot be published is reported with its field; the others are published.
func TestInvalidEndpointIsReportedByField(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	obj := ep("service-invalid", a("bad."+zone, "lb.example.net"), a("good."+zone, "192.0.2.31"))
	create(t, ctx, obj)
	waitReady(t, ctx, obj, publish.ReasonInvalidEndpoint, `spec.endpoints[0].targets[0]: "lb.example.net" is not an IP address`)
	waitRecords(t, ctx, "good."+zone, "A 192.0.2.31 set= owner=meridian ttl=60")
	waitRecords(t, ctx, "bad."+zone)
}

// Records changed behind Meridian's back are put right by the periodic repair.
func TestRepairsDrift(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	name := "drift." + zone
	obj := ep("service-drift", a(name, "192.0.2.41", "192.0.2.42"))
	create(t, ctx, obj)
	waitRecords(t, ctx, name, "A 192.0.2.41 set= owner=meridian ttl=60", "A 192.0.2.42 set= owner=meridian ttl=60")
	if _, err := kv.Delete(ctx, skydns.Path(skydns.DefaultPrefix, name)+"/", clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	waitRecords(t, ctx, name, "A 192.0.2.41 set= owner=meridian ttl=60", "A 192.0.2.42 set= owner=meridian ttl=60")
}

// While etcd is down the DNSEndpoint says the records are not published and why, the loop keeps
// retrying, and the change lands once etcd is back.
func TestKeepsRetryingWhileEtcdIsDown(t *testing.T) {
	skipShort(t)
	ctx := testContext(t)
	name := "outage." + zone
	obj := ep("service-outage", a(name, "192.0.2.51"))
	create(t, ctx, obj)
	waitRecords(t, ctx, name, "A 192.0.2.51 set= owner=meridian ttl=60")

	member := store.Members[0]
	if err := member.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = member.Start(ctx)
		}
	})
	update(t, ctx, obj, func() { obj.Spec.Endpoints[0].Targets = []string{"192.0.2.52"} })
	waitReady(t, ctx, obj, publish.ReasonProviderError, "(retrying)")

	if err := member.Start(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	waitRecords(t, ctx, name, "A 192.0.2.52 set= owner=meridian ttl=60")
	waitReady(t, ctx, obj, publish.ReasonPublished, "")
}
