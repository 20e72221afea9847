package shards

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"

	"github.com/meridian-dns/meridian/controllers/health"
)

// observed is a Ready member whose LoadBalancer Service has the given addresses and endpoints.
func observed(cluster, region, zone string, endpoints int, lb ...corev1.LoadBalancerIngress) Observation {
	o := Observation{Cluster: cluster, ClusterReady: true, Region: region, Presence: Present,
		Object: Object{ServiceType: corev1.ServiceTypeLoadBalancer, LoadBalancer: lb, ReadyEndpoints: endpoints}}
	if zone != "" {
		o.Zones = []string{zone}
	}
	return o
}

func ip(a string) corev1.LoadBalancerIngress       { return corev1.LoadBalancerIngress{IP: a} }
func hostname(h string) corev1.LoadBalancerIngress { return corev1.LoadBalancerIngress{Hostname: h} }

func entry(cluster, region, zone string, lb ...corev1.LoadBalancerIngress) Entry {
	e := Entry{Cluster: cluster, Region: region, LoadBalancer: corev1.LoadBalancerStatus{Ingress: lb}}
	if zone != "" {
		e.Zones = []string{zone}
	}
	return e
}

var (
	earthLB  = ip("192.0.2.1")
	vulcanLB = ip("198.51.100.1")
)

func earth(endpoints int) Observation {
	return observed("earth", "us-east-1", "us-east-1a", endpoints, earthLB)
}

func vulcan(endpoints int) Observation {
	return observed("vulcan", "eu-west-1", "eu-west-1a", endpoints, vulcanLB)
}

func serviceInput(clusters ...Observation) Input {
	return Input{
		Kind: health.KindService, Object: "Service shop/web",
		Domain:   &DomainRef{Name: "prod", Namespace: "kube-federation-system", Found: true, Domain: "example.com"},
		Clusters: clusters,
	}
}

func with(in Input, edit func(*Input)) Input {
	edit(&in)
	return in
}

func TestDecide(t *testing.T) {
	topologyOK := &Condition{Status: true, Reason: ReasonTopologyLabeled, Message: "Every shard's cluster has a region and a zone"}
	tests := []struct {
		name     string
		in       Input
		entries  []Entry
		ready    Condition
		topology *Condition // nil: expect topologyOK for Services
		unread   []string
	}{{
		name:    "all healthy",
		in:      serviceInput(vulcan(2), earth(1)),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB), entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "2 of 2 shards healthy (earth, vulcan)"},
	}, {
		name:    "one shard without ready endpoints keeps its entry without a load balancer",
		in:      serviceInput(earth(0), vulcan(2)),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a"), entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready: Condition{Status: true, Reason: ReasonShardsHealthy,
			Message: `1 of 2 shards healthy (vulcan). Not serving: Service in cluster "earth" has no ready endpoints`},
	}, {
		name: "an offline cluster keeps its previous entry, load balancer cleared",
		in: with(serviceInput(Observation{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"},
			ClusterMessage: "/healthz: connection refused"}, vulcan(1)), func(in *Input) {
			in.Previous = []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB), entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)}
		}),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a"), entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready: Condition{Status: true, Reason: ReasonShardsHealthy,
			Message: `1 of 2 shards healthy (vulcan). Not serving: Cluster "earth" is not ready: /healthz: connection refused`},
	}, {
		name:    "an offline cluster without a previous entry gets none",
		in:      serviceInput(Observation{Cluster: "earth"}, vulcan(1)),
		entries: []Entry{entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "1 of 1 shards healthy (vulcan)"},
	}, {
		name:    "every shard unhealthy: fail open is said",
		in:      serviceInput(earth(0), observed("vulcan", "eu-west-1", "eu-west-1a", 3)),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a"), entry("vulcan", "eu-west-1", "eu-west-1a")},
		ready: Condition{Reason: ReasonNoHealthyShards, Message: "No healthy shard; DNS keeps serving the last published addresses. " +
			`Service in cluster "earth" has no ready endpoints; Service in cluster "vulcan" has no load-balancer address`},
	}, {
		name:    "allowServiceWithoutEndpoints publishes a shard without endpoints",
		in:      with(serviceInput(earth(0)), func(in *Input) { in.AllowServiceWithoutEndpoints = true }),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB)},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "1 of 1 shards healthy (earth)"},
	}, {
		name: "a Service that is not a LoadBalancer in one cluster",
		in: serviceInput(earth(1), Observation{Cluster: "vulcan", ClusterReady: true, Region: "eu-west-1", Zones: []string{"eu-west-1a"},
			Presence: Present, Object: Object{ServiceType: corev1.ServiceTypeNodePort, ReadyEndpoints: 2}}),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB), entry("vulcan", "eu-west-1", "eu-west-1a")},
		ready: Condition{Status: true, Reason: ReasonShardsHealthy,
			Message: `1 of 2 shards healthy (earth). Not serving: Service in cluster "vulcan" is of type NodePort, not LoadBalancer`},
	}, {
		name: "no healthy shard and a Service that is not a LoadBalancer: that is the reason",
		in: serviceInput(Observation{Cluster: "earth", ClusterReady: true, Region: "us-east-1", Zones: []string{"us-east-1a"},
			Presence: Present, Object: Object{ServiceType: corev1.ServiceTypeClusterIP, ReadyEndpoints: 1}}, vulcan(0)),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a"), entry("vulcan", "eu-west-1", "eu-west-1a")},
		ready: Condition{Reason: ReasonNotLoadBalancer, Message: "No healthy shard; DNS keeps serving the last published addresses. " +
			`Service in cluster "earth" is of type ClusterIP, not LoadBalancer; Service in cluster "vulcan" has no ready endpoints`},
	}, {
		name:    "Domain missing",
		in:      with(serviceInput(earth(1)), func(in *Input) { in.Domain = &DomainRef{Name: "prod", Namespace: "kube-federation-system"} }),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB)},
		ready:   Condition{Reason: ReasonDomainNotFound, Message: `Domain "prod" (spec.domainRef) not found in namespace "kube-federation-system"`},
	}, {
		name:    "a cluster without region or zone still serves, and Topology says so",
		in:      serviceInput(observed("earth", "", "", 1, earthLB), observed("mars", "us-east-1", "", 1, ip("192.0.2.2")), vulcan(1)),
		entries: []Entry{entry("earth", "", "", earthLB), entry("mars", "us-east-1", "", ip("192.0.2.2")), entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "3 of 3 shards healthy (earth, mars, vulcan)"},
		topology: &Condition{Reason: ReasonTopologyLabelMissing, Message: `Cluster "earth" has no region, so its shard serves the global name only; ` +
			`cluster "mars" has no zone, so its shard serves the global and region names only ` +
			`(label the member's nodes with topology.kubernetes.io/region and topology.kubernetes.io/zone)`},
	}, {
		name: "a failing probe clears the shard",
		in: with(serviceInput(earth(1), vulcan(1)), func(in *Input) {
			in.HealthCheck = true
			in.Probes = map[string][]health.AddressState{
				"earth":  {{Address: "192.0.2.1", State: health.ProbeFailing, Message: "HTTP 500"}},
				"vulcan": {{Address: "198.51.100.1", State: health.ProbePassing}},
			}
		}),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a"), entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready: Condition{Status: true, Reason: ReasonShardsHealthy,
			Message: `1 of 2 shards healthy (vulcan). Not serving: Health check failing in cluster "earth": 192.0.2.1 (HTTP 500)`},
	}, {
		name: "a probe not run yet counts as passing",
		in: with(serviceInput(earth(1)), func(in *Input) {
			in.HealthCheck = true
			in.Probes = map[string][]health.AddressState{"earth": {{Address: "192.0.2.1"}}}
		}),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB)},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "1 of 1 shards healthy (earth)"},
	}, {
		name:  "no member has the Service",
		in:    serviceInput(Observation{Cluster: "earth", ClusterReady: true, Presence: Absent}),
		ready: Condition{Reason: ReasonServiceNotFound, Message: "Service shop/web not found in any member cluster"},
	}, {
		name: "a Ready member not read yet keeps its entry as it was",
		in: with(serviceInput(Observation{Cluster: "earth", ClusterReady: true, Region: "us-east-1", Zones: []string{"us-east-1a"},
			ReadError: "not connected yet"}), func(in *Input) {
			in.Previous = []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB)}
		}),
		entries: []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB)},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "1 of 1 shards healthy (earth)"},
	}, {
		name:    "a Ready member not read yet, without an entry, is named",
		in:      serviceInput(Observation{Cluster: "earth", ClusterReady: true, ReadError: "timed out"}, vulcan(1)),
		entries: []Entry{entry("vulcan", "eu-west-1", "eu-west-1a", vulcanLB)},
		ready: Condition{Status: true, Reason: ReasonShardsHealthy,
			Message: `1 of 1 shards healthy (vulcan). Not read yet: cluster "earth" (timed out)`},
		unread: []string{`cluster "earth" (timed out)`},
	}, {
		name: "an Ingress has no Topology and its own not-found reason",
		in: Input{Kind: health.KindIngress, Object: "Ingress shop/web",
			Clusters: []Observation{{Cluster: "earth", ClusterReady: true, Presence: Absent}}},
		ready: Condition{Reason: ReasonIngressNotFound, Message: "Ingress shop/web not found in any member cluster"},
	}, {
		name: "an Ingress needs no endpoints",
		in: Input{Kind: health.KindIngress, Object: "Ingress shop/web",
			Clusters: []Observation{{Cluster: "earth", ClusterReady: true, Presence: Present, Object: Object{LoadBalancer: []corev1.LoadBalancerIngress{hostname("lb.example.net")}}}}},
		entries: []Entry{{Cluster: "earth", LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{hostname("lb.example.net")}}}},
		ready:   Condition{Status: true, Reason: ReasonShardsHealthy, Message: "1 of 1 shards healthy (earth)"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Decide(tt.in)
			var got []Entry
			for _, s := range out.Shards {
				got = append(got, s.Entry)
				if s.Verdict.Healthy != (len(s.Entry.LoadBalancer.Ingress) > 0) {
					t.Errorf("shard %s: healthy %v but load balancer %v: an entry has addresses exactly when healthy", s.Entry.Cluster, s.Verdict.Healthy, s.Entry.LoadBalancer)
				}
			}
			if !apiequality.Semantic.DeepEqual(got, tt.entries) {
				t.Errorf("entries\n got %+v\nwant %+v", got, tt.entries)
			}
			if out.Ready != tt.ready {
				t.Errorf("Ready\n got %+v\nwant %+v", out.Ready, tt.ready)
			}
			wantTopology := tt.topology
			if tt.in.Kind == health.KindService && wantTopology == nil {
				wantTopology = topologyOK
			}
			if (out.Topology == nil) != (wantTopology == nil) || (out.Topology != nil && *out.Topology != *wantTopology) {
				t.Errorf("Topology\n got %+v\nwant %+v", out.Topology, wantTopology)
			}
			if strings.Join(out.Unread, "|") != strings.Join(tt.unread, "|") {
				t.Errorf("Unread = %q, want %q", out.Unread, tt.unread)
			}
		})
	}
}

// TestDecideDoesNotDependOnOrder: clusters arrive in any order; the status is sorted by cluster.
func TestDecideDoesNotDependOnOrder(t *testing.T) {
	a := Decide(serviceInput(earth(1), vulcan(0)))
	b := Decide(serviceInput(vulcan(0), earth(1)))
	if !apiequality.Semantic.DeepEqual(a, b) {
		t.Fatalf("order changed the outcome:\n%+v\n%+v", a, b)
	}
}

// TestDecideDropsClustersThatLeft: a previous entry of a cluster that is no longer a
// KubeFedCluster is not kept.
func TestDecideDropsClustersThatLeft(t *testing.T) {
	in := serviceInput(earth(1))
	in.Previous = []Entry{entry("earth", "us-east-1", "us-east-1a", earthLB), entry("pluto", "", "", ip("192.0.2.9"))}
	out := Decide(in)
	if len(out.Shards) != 1 || out.Shards[0].Entry.Cluster != "earth" {
		t.Fatalf("shards %+v; want earth only", out.Shards)
	}
}

// TestDecideProbeOfCarriedEntry: a member that cannot be read keeps its last addresses, unless
// their probes fail.
func TestDecideProbeOfCarriedEntry(t *testing.T) {
	in := serviceInput(Observation{Cluster: "earth", ClusterReady: true, Region: "us-east-1", ReadError: "timed out"})
	in.Previous = []Entry{entry("earth", "us-east-1", "", earthLB)}
	in.HealthCheck = true
	in.Probes = map[string][]health.AddressState{"earth": {{Address: "192.0.2.1", State: health.ProbeFailing, Message: "refused"}}}
	out := Decide(in)
	s := out.Shards[0]
	if s.Verdict.Healthy || len(s.Entry.LoadBalancer.Ingress) != 0 {
		t.Fatalf("shard %+v; want it unhealthy and cleared", s)
	}
	want := `Cluster "earth" could not be read (timed out); its last published state stands: Health check failing in cluster "earth": 192.0.2.1 (refused)`
	if s.Verdict.Message != want {
		t.Fatalf("message\n got %q\nwant %q", s.Verdict.Message, want)
	}
}
