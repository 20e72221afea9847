//go:build tools

// Package tools pins the external-dns release that `make bench` runs against the Route 53 fake,
// beside Meridian, to compare their API calls on the same 10,000 names. v0.21.0 reads only
// externaldns.k8s.io/v1alpha1 DNSEndpoints, so the benchmark installs that group too. Only
// `make bench` builds it (about 10 minutes cold); `make test` does not need it.
package tools

import _ "sigs.k8s.io/external-dns"
