package dnsendpoint

import (
	"errors"
	"reflect"
	"testing"
)

func TestBuildRejectsInvalidInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rec    Record
		shards []Shard
		want   error
	}{
		{"unknown kind", Record{Kind: "Gateway"}, nil, ErrUnknownKind},
		{"unknown strategy", service("random"), nil, ErrUnknownStrategy},
		{"shard without cluster", service(StrategyAll), []Shard{{Region: "r1"}}, ErrInvalidShards},
		{"cluster twice", service(StrategyAll), []Shard{c1(), c1()}, ErrInvalidShards},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Build(tc.rec, tc.shards); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestObjectName(t *testing.T) {
	if got := ObjectName(KindService, "web"); got != "service-web" {
		t.Errorf("Service: %q", got)
	}
	if got := ObjectName(KindIngress, "web"); got != "ingress-web" {
		t.Errorf("Ingress: %q", got)
	}
}

// TestNameCollisions: whatever the names collide into, the set stays one the plan accepts.
func TestNameCollisions(t *testing.T) {
	prefixIsGlobal := service(StrategyAll)
	prefixIsGlobal.DNSPrefix = "web.shop.prod.svc" // <dnsPrefix>.<domain> is the global name
	prefixIsRegion := service(StrategyAll)
	prefixIsRegion.DNSPrefix = "web.shop.prod.svc.us-east1"

	runBuildCases(t, []buildCase{{
		name:   "dnsPrefix CNAME loses to the global name's addresses",
		rec:    prefixIsGlobal,
		shards: []Shard{c1()},
		want:   []Endpoint{a(nGlobal, ip1), a(nUSEast, ip1), a(nUSEastB, ip1)},
	}, {
		// The region's own fallback CNAME came first and is kept.
		name:   "dnsPrefix CNAME meets a fallback CNAME",
		rec:    prefixIsRegion,
		shards: []Shard{noEndpoints(c1()), c3()},
		want: []Endpoint{
			a(nGlobal, ip3), cn(nUSEast, nGlobal), cn(nUSEastB, nUSEast), a(nEUWest, ip3), a(nEUWestB, ip3),
		},
	}})
}

func TestResolveMergesAddressSetsOfOneKey(t *testing.T) {
	got := resolve([]Endpoint{a("x.test", "10.0.0.2"), cn("x.test", "y.test"), a("x.test", "10.0.0.1", "10.0.0.2")})
	want := []Endpoint{a("x.test", "10.0.0.1", "10.0.0.2")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", format(got), format(want))
	}
}

// TestEndpointsShareNothing: the controller may edit the endpoints it gets (to add an owner
// label, say); an edit to one must not show up in another.
func TestEndpointsShareNothing(t *testing.T) {
	rec := service(StrategyNearest)
	rec.ExternalName = "ext"
	build := func() []Endpoint {
		got, err := Build(rec, []Shard{c1(), c2()})
		if err != nil {
			t.Fatal(err)
		}
		return got.Endpoints
	}
	edited, fresh := build(), build()
	for i := range edited {
		edited[i].Targets[0] = "edited"
		edited[i].Labels["edited"] = edited[i].DNSName
		if edited[i].ProviderSpecific != nil {
			edited[i].ProviderSpecific[0].Value = "edited"
		}
		if !reflect.DeepEqual(edited[i+1:], fresh[i+1:]) {
			t.Fatalf("editing endpoint %d changed later ones:\n%s", i, format(edited[i+1:]))
		}
	}
}
