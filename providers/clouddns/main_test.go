package clouddns

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
	"github.com/meridian-dns/meridian/providers/registry"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

const (
	testZone = "example"
	owner    = "meridian"
)

// fastBackoff keeps retries in tests to milliseconds.
var fastBackoff = providers.Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond, Factor: 2, Attempts: 8}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newFake starts a fake serving the zone "example" (example.com.).
func newFake(t *testing.T, opts clouddnsfake.Options) *clouddnsfake.Fake {
	t.Helper()
	f := clouddnsfake.New(opts)
	t.Cleanup(f.Close)
	if err := f.CreateZone(testZone, "example.com."); err != nil {
		t.Fatal(err)
	}
	return f
}

// newProvider builds a provider of f through New's own client (Config.Endpoint), without a
// client-side rate limit and with fast retries unless cfg says otherwise.
func newProvider(t *testing.T, f *clouddnsfake.Fake, cfg Config) *Provider {
	t.Helper()
	cfg.Project, cfg.Endpoint = f.Project(), f.Endpoint()
	if cfg.Zones == nil {
		cfg.Zones = []string{"example.com"}
	}
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = -1
	}
	if cfg.Backoff == (providers.Backoff{}) {
		cfg.Backoff = fastBackoff
	}
	p, err := New(testContext(t), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// wrap is the provider as the controller uses it.
func wrap(p *Provider) *registry.Registry {
	return registry.New(registry.NewTXT(p), owner)
}

// publish does what the publish controller does for one DNSEndpoint: canonicalise the desired
// sets, list, plan, apply. It returns the plan's changes.
func publish(ctx context.Context, reg *registry.Registry, resource string, desired []providers.Record) (providers.Changes, error) {
	desired = providers.Canonical(reg, desired)
	current, err := reg.Records(ctx)
	if err != nil {
		return providers.Changes{}, err
	}
	res, err := plan.Calculate(current, desired, owner, resource)
	if err != nil {
		return providers.Changes{}, err
	}
	if len(res.Conflicts) > 0 {
		return res.Changes, errors.New("conflicts: " + res.Conflicts[0].String())
	}
	return res.Changes, reg.ApplyChanges(ctx, res.Changes)
}

// mustPublish publishes and then checks that a second pass plans nothing: the canonical form
// round-trips.
func mustPublish(t *testing.T, reg *registry.Registry, resource string, desired []providers.Record) {
	t.Helper()
	ctx := testContext(t)
	if _, err := publish(ctx, reg, resource, desired); err != nil {
		t.Fatalf("publishing %s: %v", resource, err)
	}
	again, err := publish(ctx, reg, resource, desired)
	if err != nil {
		t.Fatalf("publishing %s again: %v", resource, err)
	}
	if !again.Empty() {
		t.Fatalf("second plan of %s is not empty: %s", resource, dump(again))
	}
}

// ours returns the zone's rrsets without the SOA and NS rrsets every zone has.
func ours(f *clouddnsfake.Fake) []*dns.ResourceRecordSet {
	var out []*dns.ResourceRecordSet
	for _, rr := range f.RecordSets(testZone) {
		if rr.Type != "SOA" && rr.Type != "NS" {
			out = append(out, rr)
		}
	}
	return out
}

// checkRRSets compares rrsets as JSON, which shows a difference readably.
func checkRRSets(t *testing.T, got, want []*dns.ResourceRecordSet) {
	t.Helper()
	if g, w := dump(got), dump(want); g != w {
		t.Errorf("rrsets:\n got %s\nwant %s", g, w)
	}
}

func dump(v any) string {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// companion is the TXT rrset the registry keeps next to a set of Meridian's.
func companion(typ, name, resource string, ttl int64) *dns.ResourceRecordSet {
	return &dns.ResourceRecordSet{Name: strings.ToLower(typ) + "-" + name + ".", Type: "TXT", Ttl: ttl,
		Rrdatas: []string{`"heritage=external-dns,external-dns/owner=meridian,external-dns/resource=` + resource + `"`}}
}

// share is one cluster's set of a routed name, as the publish controller converts it.
func share(name, cluster, region, routing string, targets ...string) providers.Record {
	return providers.Record{Name: name, Type: providers.TypeA, SetIdentifier: cluster, TTL: 180,
		Targets: targets, Cluster: cluster, Region: region, Routing: routing}
}

func plain(name, typ string, targets ...string) providers.Record {
	return providers.Record{Name: name, Type: typ, TTL: 180, Targets: targets}
}

func ptr[T any](v T) *T { return &v }
