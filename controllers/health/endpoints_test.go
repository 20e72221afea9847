package health

import (
	"testing"

	discoveryv1 "k8s.io/api/discovery/v1"
)

func ep(ready, terminating *bool, addrs ...string) discoveryv1.Endpoint {
	return discoveryv1.Endpoint{Addresses: addrs, Conditions: discoveryv1.EndpointConditions{Ready: ready, Terminating: terminating}}
}

func slice(t discoveryv1.AddressType, eps ...discoveryv1.Endpoint) discoveryv1.EndpointSlice {
	return discoveryv1.EndpointSlice{AddressType: t, Endpoints: eps}
}

func v4(eps ...discoveryv1.Endpoint) discoveryv1.EndpointSlice {
	return slice(discoveryv1.AddressTypeIPv4, eps...)
}

func TestReadyEndpoints(t *testing.T) {
	yes, no := new(true), new(false)
	cases := []struct {
		name   string
		slices []discoveryv1.EndpointSlice
		want   int
	}{
		{"no slices", nil, 0},
		{"a slice without endpoints", []discoveryv1.EndpointSlice{v4()}, 0},
		{"ready", []discoveryv1.EndpointSlice{v4(ep(yes, nil, "10.0.0.1"))}, 1},
		{"nil ready means ready", []discoveryv1.EndpointSlice{v4(ep(nil, nil, "10.0.0.1"))}, 1},
		{"not ready", []discoveryv1.EndpointSlice{v4(ep(no, nil, "10.0.0.1"))}, 0},
		{"terminating with ready unset", []discoveryv1.EndpointSlice{v4(ep(nil, yes, "10.0.0.1"))}, 0},
		{"terminating and ready", []discoveryv1.EndpointSlice{v4(ep(yes, yes, "10.0.0.1"))}, 0},
		{"terminating false", []discoveryv1.EndpointSlice{v4(ep(yes, no, "10.0.0.1"))}, 1},
		{"no addresses", []discoveryv1.EndpointSlice{v4(ep(yes, nil))}, 0},
		{"mixed in one slice", []discoveryv1.EndpointSlice{v4(
			ep(yes, nil, "10.0.0.1"), ep(no, nil, "10.0.0.2"), ep(nil, nil, "10.0.0.3"), ep(nil, yes, "10.0.0.4"),
		)}, 2},
		{"same address in two slices counts once", []discoveryv1.EndpointSlice{
			v4(ep(yes, nil, "10.0.0.1")), v4(ep(yes, nil, "10.0.0.1"), ep(yes, nil, "10.0.0.2")),
		}, 2},
		{"ready copy of an address counts when another copy is not ready", []discoveryv1.EndpointSlice{
			v4(ep(no, nil, "10.0.0.1")), v4(ep(yes, nil, "10.0.0.1")),
		}, 1},
		{"endpoints deduplicated by their first address", []discoveryv1.EndpointSlice{
			v4(ep(yes, nil, "10.0.0.1", "10.0.0.9"), ep(yes, nil, "10.0.0.1")),
		}, 1},
		{"slices add up", []discoveryv1.EndpointSlice{
			v4(ep(yes, nil, "10.0.0.1")), v4(ep(yes, nil, "10.0.0.2")), v4(ep(no, nil, "10.0.0.3")),
		}, 2},
		{"dual stack counts pods once", []discoveryv1.EndpointSlice{
			v4(ep(yes, nil, "10.0.0.1"), ep(yes, nil, "10.0.0.2")),
			slice(discoveryv1.AddressTypeIPv6, ep(yes, nil, "fd00::1"), ep(yes, nil, "fd00::2")),
		}, 2},
		{"dual stack takes the larger family", []discoveryv1.EndpointSlice{
			v4(ep(yes, nil, "10.0.0.1"), ep(no, nil, "10.0.0.2")),
			slice(discoveryv1.AddressTypeIPv6, ep(yes, nil, "fd00::1"), ep(yes, nil, "fd00::2")),
		}, 2},
		{"only an IPv6 slice", []discoveryv1.EndpointSlice{
			slice(discoveryv1.AddressTypeIPv6, ep(nil, nil, "fd00::1")),
		}, 1},
		{"FQDN endpoints", []discoveryv1.EndpointSlice{
			slice(discoveryv1.AddressTypeFQDN, ep(yes, nil, "db.example.com"), ep(yes, nil, "db.example.com")),
		}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReadyEndpoints(tc.slices); got != tc.want {
				t.Errorf("ReadyEndpoints = %d, want %d", got, tc.want)
			}
		})
	}
}
