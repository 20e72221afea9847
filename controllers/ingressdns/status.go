package ingressdns

import (
	"slices"
	"time"

	"github.com/meridian-dns/meridian/controllers/shards"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// setStatus writes an outcome into a record's status for the given generation.
func setStatus(s *v1alpha1.IngressDNSRecordStatus, generation int64, o shards.Outcome, now time.Time) {
	s.DNS = nil
	for _, sh := range o.Shards {
		s.DNS = append(s.DNS, v1alpha1.ClusterIngressDNS{Cluster: sh.Entry.Cluster, LoadBalancer: sh.Entry.LoadBalancer,
			Zones: slices.Clone(sh.Entry.Zones), Region: sh.Entry.Region})
	}
	s.ObservedGeneration = generation
	shards.SetConditions(&s.Conditions, o, generation, now)
}

// previousEntries is status.dns as shards.Input wants it.
func previousEntries(s v1alpha1.IngressDNSRecordStatus) []shards.Entry {
	out := make([]shards.Entry, 0, len(s.DNS))
	for _, d := range s.DNS {
		out = append(out, shards.Entry{Cluster: d.Cluster, LoadBalancer: d.LoadBalancer, Region: d.Region, Zones: d.Zones})
	}
	return out
}
