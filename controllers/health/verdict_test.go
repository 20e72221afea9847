package health

import "testing"

func TestVerdict(t *testing.T) {
	// healthy is a Service shard that passes every check; each case changes what it tests.
	healthy := func(change func(*ShardInput)) ShardInput {
		in := ShardInput{Cluster: "c1", ClusterReady: true, Kind: KindService, LoadBalancer: []string{"1.2.3.4"}, ReadyEndpoints: 2}
		if change != nil {
			change(&in)
		}
		return in
	}
	passing := func(addr string) AddressState { return AddressState{Address: addr, State: ProbePassing, Message: "ok"} }
	failing := func(addr string) AddressState {
		return AddressState{Address: addr, State: ProbeFailing, Message: "GET http://" + addr + ":80/ returned 500 Internal Server Error"}
	}
	cases := []struct {
		name string
		in   ShardInput
		want ShardVerdict
	}{
		{"healthy Service", healthy(nil), ShardVerdict{true, ReasonHealthy,
			`Service in cluster "c1" is served at 1.2.3.4 with 2 ready endpoints`}},
		{"one ready endpoint", healthy(func(in *ShardInput) { in.ReadyEndpoints = 1 }), ShardVerdict{true, ReasonHealthy,
			`Service in cluster "c1" is served at 1.2.3.4 with 1 ready endpoint`}},
		{"several addresses and a hostname", healthy(func(in *ShardInput) { in.LoadBalancer = []string{"1.2.3.4", "lb.example.com"} }),
			ShardVerdict{true, ReasonHealthy, `Service in cluster "c1" is served at 1.2.3.4, lb.example.com with 2 ready endpoints`}},
		{"cluster not ready", healthy(func(in *ShardInput) { in.ClusterReady = false }), ShardVerdict{false, ReasonClusterNotReady,
			`Cluster "c1" is not ready`}},
		{"cluster not ready, with its message", healthy(func(in *ShardInput) {
			in.ClusterReady, in.ClusterMessage = false, "Cluster is not reachable: connection refused"
		}), ShardVerdict{false, ReasonClusterNotReady, `Cluster "c1" is not ready: Cluster is not reachable: connection refused`}},
		{"cluster not ready wins over everything else", ShardInput{Cluster: "c1", HealthCheck: true, Probes: []AddressState{failing("1.2.3.4")}},
			ShardVerdict{false, ReasonClusterNotReady, `Cluster "c1" is not ready`}},
		{"no load balancer", healthy(func(in *ShardInput) { in.LoadBalancer = nil }), ShardVerdict{false, ReasonNoLoadBalancer,
			`Service in cluster "c1" has no load-balancer address`}},
		{"no load balancer wins over no endpoints", healthy(func(in *ShardInput) { in.LoadBalancer, in.ReadyEndpoints = []string{}, 0 }),
			ShardVerdict{false, ReasonNoLoadBalancer, `Service in cluster "c1" has no load-balancer address`}},
		{"no ready endpoints", healthy(func(in *ShardInput) { in.ReadyEndpoints = 0 }), ShardVerdict{false, ReasonNoReadyEndpoints,
			`Service in cluster "c1" has no ready endpoints`}},
		{"no ready endpoints wins over a failing probe", healthy(func(in *ShardInput) {
			in.ReadyEndpoints, in.HealthCheck, in.Probes = 0, true, []AddressState{failing("1.2.3.4")}
		}), ShardVerdict{false, ReasonNoReadyEndpoints, `Service in cluster "c1" has no ready endpoints`}},
		{"allowServiceWithoutEndpoints", healthy(func(in *ShardInput) { in.ReadyEndpoints, in.AllowServiceWithoutEndpoints = 0, true }),
			ShardVerdict{true, ReasonHealthy, `Service in cluster "c1" is served at 1.2.3.4`}},
		{"allowServiceWithoutEndpoints still needs a load balancer", healthy(func(in *ShardInput) {
			in.LoadBalancer, in.AllowServiceWithoutEndpoints = nil, true
		}), ShardVerdict{false, ReasonNoLoadBalancer, `Service in cluster "c1" has no load-balancer address`}},
		{"Ingress needs no endpoints", healthy(func(in *ShardInput) { in.Kind, in.ReadyEndpoints = KindIngress, 0 }),
			ShardVerdict{true, ReasonHealthy, `Ingress in cluster "c1" is served at 1.2.3.4`}},
		{"Ingress without load balancer", healthy(func(in *ShardInput) { in.Kind, in.LoadBalancer = KindIngress, nil }),
			ShardVerdict{false, ReasonNoLoadBalancer, `Ingress in cluster "c1" has no load-balancer address`}},
		{"Ingress ignores a stale endpoint count", healthy(func(in *ShardInput) { in.Kind, in.ReadyEndpoints = KindIngress, 7 }),
			ShardVerdict{true, ReasonHealthy, `Ingress in cluster "c1" is served at 1.2.3.4`}},
		{"probe passing", healthy(func(in *ShardInput) { in.HealthCheck, in.Probes = true, []AddressState{passing("1.2.3.4")} }),
			ShardVerdict{true, ReasonHealthy, `Service in cluster "c1" is served at 1.2.3.4 with 2 ready endpoints; health check passing`}},
		{"probe failing", healthy(func(in *ShardInput) { in.HealthCheck, in.Probes = true, []AddressState{failing("1.2.3.4")} }),
			ShardVerdict{false, ReasonProbeFailing,
				`Health check failing in cluster "c1": 1.2.3.4 (GET http://1.2.3.4:80/ returned 500 Internal Server Error)`}},
		{"probe failing on an Ingress", healthy(func(in *ShardInput) {
			in.Kind, in.HealthCheck, in.Probes = KindIngress, true, []AddressState{failing("1.2.3.4")}
		}), ShardVerdict{false, ReasonProbeFailing,
			`Health check failing in cluster "c1": 1.2.3.4 (GET http://1.2.3.4:80/ returned 500 Internal Server Error)`}},
		{"one failing address fails the shard", healthy(func(in *ShardInput) {
			in.LoadBalancer = []string{"1.2.3.4", "1.2.3.5"}
			in.HealthCheck, in.Probes = true, []AddressState{passing("1.2.3.4"), failing("1.2.3.5")}
		}), ShardVerdict{false, ReasonProbeFailing,
			`Health check failing in cluster "c1": 1.2.3.5 (GET http://1.2.3.5:80/ returned 500 Internal Server Error)`}},
		{"many failing addresses are summarised", healthy(func(in *ShardInput) {
			in.HealthCheck = true
			in.Probes = []AddressState{
				{Address: "10.0.0.1", State: ProbeFailing, Message: "a"}, {Address: "10.0.0.2", State: ProbeFailing, Message: "b"},
				{Address: "10.0.0.3", State: ProbeFailing, Message: "c"}, {Address: "10.0.0.4", State: ProbeFailing, Message: "d"},
				{Address: "10.0.0.5", State: ProbeFailing, Message: "e"},
			}
		}), ShardVerdict{false, ReasonProbeFailing,
			`Health check failing in cluster "c1": 10.0.0.1 (a), 10.0.0.2 (b), 10.0.0.3 (c), and 2 more`}},
		{"no probe result yet counts as passing", healthy(func(in *ShardInput) {
			in.HealthCheck, in.Probes = true, []AddressState{{Address: "1.2.3.4"}}
		}), ShardVerdict{true, ReasonHealthy,
			`Service in cluster "c1" is served at 1.2.3.4 with 2 ready endpoints; health check awaiting its first result`}},
		{"no probes known yet counts as passing", healthy(func(in *ShardInput) { in.HealthCheck = true }),
			ShardVerdict{true, ReasonHealthy, `Service in cluster "c1" is served at 1.2.3.4 with 2 ready endpoints; health check awaiting its first result`}},
		{"some addresses not probed yet", healthy(func(in *ShardInput) {
			in.HealthCheck, in.Probes = true, []AddressState{passing("1.2.3.4"), {Address: "1.2.3.5"}}
		}), ShardVerdict{true, ReasonHealthy,
			`Service in cluster "c1" is served at 1.2.3.4 with 2 ready endpoints; health check awaiting its first result`}},
		{"probes ignored without a health check", healthy(func(in *ShardInput) { in.Probes = []AddressState{failing("1.2.3.4")} }),
			ShardVerdict{true, ReasonHealthy, `Service in cluster "c1" is served at 1.2.3.4 with 2 ready endpoints`}},
		{"negative endpoint count is none", healthy(func(in *ShardInput) { in.ReadyEndpoints = -1 }),
			ShardVerdict{false, ReasonNoReadyEndpoints, `Service in cluster "c1" has no ready endpoints`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verdict(tc.in); got != tc.want {
				t.Errorf("Verdict =\n  %+v\nwant\n  %+v", got, tc.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	if KindService.String() != "Service" || KindIngress.String() != "Ingress" {
		t.Errorf("Kind strings: %q, %q", KindService, KindIngress)
	}
}
