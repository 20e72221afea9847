package dnsendpoint

import (
	"cmp"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The record and topology of the issue: web in shop, Domain prod with domain example.com; c1 and
// c2 in us-east1 (zones b and c), c3 in europe-west1.
const (
	nGlobal  = "web.shop.prod.svc.example.com"
	nUSEast  = "web.shop.prod.svc.us-east1.example.com"
	nEUWest  = "web.shop.prod.svc.europe-west1.example.com"
	nUSEastB = "web.shop.prod.svc.us-east1-b.us-east1.example.com"
	nUSEastC = "web.shop.prod.svc.us-east1-c.us-east1.example.com"
	nEUWestB = "web.shop.prod.svc.europe-west1-b.europe-west1.example.com"

	ip1 = "10.0.0.1"
	ip2 = "10.0.0.2"
	ip3 = "10.0.1.3"
)

func service(strategy Strategy) Record {
	return Record{Kind: KindService, Name: "web", Namespace: "shop", DomainRef: "prod", Domain: "example.com",
		Routing: Routing{Strategy: strategy}}
}

func ingress(strategy Strategy, hosts ...string) Record {
	return Record{Kind: KindIngress, Name: "web", Namespace: "shop", DomainRef: "prod", Domain: "example.com",
		Hosts: hosts, Routing: Routing{Strategy: strategy}}
}

func lb(ips ...string) []LoadBalancerIngress {
	var out []LoadBalancerIngress
	for _, ip := range ips {
		out = append(out, LoadBalancerIngress{IP: ip})
	}
	return out
}

func c1() Shard {
	return Shard{Cluster: "c1", Region: "us-east1", Zones: []string{"us-east1-b"}, LoadBalancer: lb(ip1), Healthy: true}
}

func c2() Shard {
	return Shard{Cluster: "c2", Region: "us-east1", Zones: []string{"us-east1-c"}, LoadBalancer: lb(ip2), Healthy: true}
}

func c3() Shard {
	return Shard{Cluster: "c3", Region: "europe-west1", Zones: []string{"europe-west1-b"}, LoadBalancer: lb(ip3),
		Healthy: true}
}

// noEndpoints is a shard whose Service lost its last ready endpoint: the address is still
// reported, the verdict is unhealthy.
func noEndpoints(s Shard) Shard {
	s.Healthy = false
	return s
}

// offline is a shard of an unreachable cluster: KubeFed kept its entry with the load balancer
// cleared; Meridian's controller also passes what it last served.
func offline(s Shard) Shard {
	s.Healthy, s.LastKnown, s.LoadBalancer = false, s.LoadBalancer, nil
	return s
}

// a, aaaa and cn are endpoints with the default TTL and nothing else set.
func a(name string, targets ...string) Endpoint {
	return Endpoint{DNSName: name, Targets: targets, RecordType: RecordTypeA, RecordTTL: DefaultTTL}
}

func aaaa(name string, targets ...string) Endpoint {
	return Endpoint{DNSName: name, Targets: targets, RecordType: RecordTypeAAAA, RecordTTL: DefaultTTL}
}

func cn(name, target string) Endpoint {
	return Endpoint{DNSName: name, Targets: []string{target}, RecordType: RecordTypeCNAME, RecordTTL: DefaultTTL}
}

// routed gives an endpoint the set identifier, labels and properties of a per-cluster endpoint.
func routed(e Endpoint, setID string, labels map[string]string, props ...ProviderSpecificProperty) Endpoint {
	e.SetIdentifier, e.Labels, e.ProviderSpecific = setID, labels, props
	return e
}

func labeled(e Endpoint, labels map[string]string) Endpoint {
	e.Labels = labels
	return e
}

func prop(name, value string) ProviderSpecificProperty {
	return ProviderSpecificProperty{Name: name, Value: value}
}

type buildCase struct {
	name   string
	rec    Record
	shards []Shard
	want   []Endpoint // in any order: Build's order is checked by checkPlanInvariants
	facts  Facts
}

func runBuildCases(t *testing.T, cases []buildCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Build(tc.rec, tc.shards)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			checkPlanInvariants(t, got.Endpoints)
			want := slices.Clone(tc.want)
			slices.SortFunc(want, compareEndpoints)
			if !reflect.DeepEqual(got.Endpoints, want) {
				t.Errorf("endpoints:\ngot:\n%s\nwant:\n%s", format(got.Endpoints), format(want))
			}
			if !reflect.DeepEqual(got.Facts, tc.facts) {
				t.Errorf("facts: got %+v, want %+v", got.Facts, tc.facts)
			}
		})
	}
}

func compareEndpoints(x, y Endpoint) int {
	return cmp.Or(strings.Compare(x.DNSName, y.DNSName), strings.Compare(x.RecordType, y.RecordType),
		strings.Compare(x.SetIdentifier, y.SetIdentifier))
}

func format(eps []Endpoint) string {
	var b strings.Builder
	for _, e := range eps {
		fmt.Fprintf(&b, "  %s %s %v ttl=%d set=%q labels=%v props=%v\n", e.DNSName, e.RecordType, e.Targets,
			e.RecordTTL, e.SetIdentifier, e.Labels, e.ProviderSpecific)
	}
	return b.String()
}

// checkPlanInvariants checks what external-dns's plan and providers need of any endpoint set:
// sorted output, a unique (name, set identifier, type), no CNAME sharing a name with anything,
// one CNAME target, A only IPv4 and AAAA only IPv6, sorted unique targets, and at a name either
// every endpoint has a set identifier or none has.
func checkPlanInvariants(t *testing.T, eps []Endpoint) {
	t.Helper()
	if !slices.IsSortedFunc(eps, compareEndpoints) {
		t.Errorf("endpoints not sorted:\n%s", format(eps))
	}
	seen := map[string]bool{}
	types := map[string]map[string]bool{}
	withSetID := map[string]map[bool]bool{}
	for _, e := range eps {
		key := e.DNSName + "|" + e.SetIdentifier + "|" + e.RecordType
		if seen[key] {
			t.Errorf("duplicate (name, set identifier, type) %s", key)
		}
		seen[key] = true
		if types[e.DNSName] == nil {
			types[e.DNSName], withSetID[e.DNSName] = map[string]bool{}, map[bool]bool{}
		}
		types[e.DNSName][e.RecordType] = true
		withSetID[e.DNSName][e.SetIdentifier != ""] = true
		if len(e.Targets) == 0 || !slices.IsSorted(e.Targets) || len(slices.Compact(slices.Clone(e.Targets))) != len(e.Targets) {
			t.Errorf("%s %s: targets %v not sorted, unique and present", e.DNSName, e.RecordType, e.Targets)
		}
		checkTargets(t, e)
	}
	for name, ts := range types {
		if ts[RecordTypeCNAME] && len(ts) > 1 {
			t.Errorf("%s: CNAME next to %v", name, ts)
		}
		if len(withSetID[name]) > 1 {
			t.Errorf("%s: endpoints with and without set identifier", name)
		}
	}
}

func checkTargets(t *testing.T, e Endpoint) {
	t.Helper()
	switch e.RecordType {
	case RecordTypeCNAME:
		if len(e.Targets) != 1 {
			t.Errorf("%s: CNAME with %d targets", e.DNSName, len(e.Targets))
		}
	case RecordTypeA, RecordTypeAAAA:
		for _, target := range e.Targets {
			ip, err := netip.ParseAddr(target)
			if err != nil || ip.Is4() != (e.RecordType == RecordTypeA) {
				t.Errorf("%s %s: target %q", e.DNSName, e.RecordType, target)
			}
		}
	default:
		t.Errorf("%s: unexpected record type %s", e.DNSName, e.RecordType)
	}
}
