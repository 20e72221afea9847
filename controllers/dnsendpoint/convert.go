package dnsendpoint

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// This file maps the API objects to Build's plain inputs and its output back to a DNSEndpoint
// spec. Status entries follow KubeFed's encoding, which the servicedns and ingressdns
// controllers write: an entry with load-balancer addresses is a healthy shard, an entry
// without is an unhealthy one.

// serviceRecord is Build's view of a ServiceDNSRecord under its Domain.
func serviceRecord(r *v1alpha1.ServiceDNSRecord, domain *v1alpha1.Domain) Record {
	return Record{
		Kind: KindService, Name: r.Name, Namespace: r.Namespace,
		DomainRef: r.Spec.DomainRef, Domain: domain.Domain, RecordTTL: int64(r.Spec.RecordTTL),
		DNSPrefix: r.Spec.DNSPrefix, ExternalName: r.Spec.ExternalName,
		Routing: routing(r.Spec.Routing, r.Spec.HealthCheck),
	}
}

// ingressRecord is Build's view of an IngressDNSRecord.
func ingressRecord(r *v1alpha1.IngressDNSRecord) Record {
	return Record{
		Kind: KindIngress, Name: r.Name, Namespace: r.Namespace,
		RecordTTL: int64(r.Spec.RecordTTL), Hosts: slices.Clone(r.Spec.Hosts),
		Routing: routing(r.Spec.Routing, r.Spec.HealthCheck),
	}
}

func routing(r *v1alpha1.Routing, hc *v1alpha1.HealthCheck) Routing {
	out := Routing{Strategy: Strategy(r.EffectiveStrategy()), HealthCheck: healthCheckProperty(hc)}
	if r == nil {
		return out
	}
	if len(r.Weights) > 0 {
		out.Weights = make(map[string]int64, len(r.Weights))
		for name, w := range r.Weights {
			out.Weights[name] = int64(w)
		}
	}
	out.FailoverOrder = slices.Clone(r.Failover)
	return out
}

// serviceShards are the shards a ServiceDNSRecord's status lists.
func serviceShards(dns []v1alpha1.ClusterDNS) []Shard {
	shards := make([]Shard, 0, len(dns))
	for _, d := range dns {
		shards = append(shards, shard(d.Cluster, d.Region, d.Zones, d.LoadBalancer))
	}
	return shards
}

// ingressShards are the shards an IngressDNSRecord's status lists. Ingress names do not depend
// on location, but their per-cluster endpoints carry it, for nearest routing.
func ingressShards(dns []v1alpha1.ClusterIngressDNS) []Shard {
	shards := make([]Shard, 0, len(dns))
	for _, d := range dns {
		shards = append(shards, shard(d.Cluster, d.Region, d.Zones, d.LoadBalancer))
	}
	return shards
}

func shard(cluster, region string, zones []string, lb corev1.LoadBalancerStatus) Shard {
	s := Shard{Cluster: cluster, Region: region, Zones: slices.Clone(zones)}
	for _, in := range lb.Ingress {
		if in.IP == "" && in.Hostname == "" {
			continue
		}
		s.LoadBalancer = append(s.LoadBalancer, LoadBalancerIngress{IP: in.IP, Hostname: in.Hostname})
	}
	s.Healthy = len(s.LoadBalancer) > 0
	return s
}

// apiEndpoints turns Build's endpoints into a DNSEndpoint's spec.endpoints.
func apiEndpoints(eps []Endpoint) []v1alpha1.Endpoint {
	out := make([]v1alpha1.Endpoint, 0, len(eps))
	for _, e := range eps {
		a := v1alpha1.Endpoint{
			DNSName: e.DNSName, Targets: slices.Clone(e.Targets), RecordType: e.RecordType,
			SetIdentifier: e.SetIdentifier, RecordTTL: v1alpha1.TTL(e.RecordTTL),
		}
		if len(e.Labels) > 0 {
			a.Labels = maps.Clone(e.Labels)
		}
		for _, p := range e.ProviderSpecific {
			a.ProviderSpecific = append(a.ProviderSpecific, v1alpha1.ProviderSpecificProperty{Name: p.Name, Value: p.Value})
		}
		out = append(out, a)
	}
	return out
}

// healthCheckProperty formats spec.healthCheck for PropertyHealthCheck, with its defaults.
func healthCheckProperty(hc *v1alpha1.HealthCheck) string {
	if hc == nil {
		return ""
	}
	protocol := cmp.Or(string(hc.Protocol), string(v1alpha1.HealthCheckHTTP))
	interval := int64(10)
	if hc.Interval != nil {
		interval = max(int64(hc.Interval.Seconds()), 1)
	}
	failures := cmp.Or(hc.FailureThreshold, 3)
	value := fmt.Sprintf("protocol=%s,port=%d", protocol, hc.Port)
	if protocol != string(v1alpha1.HealthCheckTCP) {
		value += ",path=" + cmp.Or(hc.Path, "/")
	}
	return value + fmt.Sprintf(",interval=%d,failureThreshold=%d", interval, failures)
}
