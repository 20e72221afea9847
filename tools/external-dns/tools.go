//go:build tools

// Package tools pins external-dns, which interop tests run with its CoreDNS provider against
// Meridian's DNSEndpoints. v0.20.0 is the newest release that honours --crd-source-apiversion and
// --crd-source-kind; v0.21.0 reads only externaldns.k8s.io/v1alpha1 DNSEndpoints.
package tools

import _ "sigs.k8s.io/external-dns"
