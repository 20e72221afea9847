package health

import (
	discoveryv1 "k8s.io/api/discovery/v1"
)

// ReadyEndpoints counts the ready endpoints in a Service's EndpointSlices (the caller lists them by
// the kubernetes.io/service-name label).
//
// An endpoint counts when its ready condition is true or unset — Kubernetes documents nil as
// ready — and it is not terminating. Endpoints are deduplicated by their first address (the
// only one consumers use) so that an endpoint listed in two slices, as happens briefly while the
// EndpointSlice controller moves endpoints between slices, counts once. Each address family is
// counted on its own and the largest count wins: a dual-stack Service lists every pod once in an
// IPv4 slice and once in an IPv6 slice, and those are the same pods.
func ReadyEndpoints(slices []discoveryv1.EndpointSlice) int {
	seen := map[discoveryv1.AddressType]map[string]bool{}
	for i := range slices {
		s := &slices[i]
		for j := range s.Endpoints {
			e := &s.Endpoints[j]
			if len(e.Addresses) == 0 || !endpointReady(e.Conditions) {
				continue
			}
			if seen[s.AddressType] == nil {
				seen[s.AddressType] = map[string]bool{}
			}
			seen[s.AddressType][e.Addresses[0]] = true
		}
	}
	most := 0
	for _, addrs := range seen {
		most = max(most, len(addrs))
	}
	return most
}

func endpointReady(c discoveryv1.EndpointConditions) bool {
	if c.Terminating != nil && *c.Terminating {
		return false
	}
	return c.Ready == nil || *c.Ready
}
