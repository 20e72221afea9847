// Command coredns is CoreDNS built as a library, with every stock plugin, and the place where
// Meridian's own plugins join its plugin chain.
//
// The slot: CoreDNS runs plugins in the order of dnsserver.Directives, not the order of the
// Corefile. Meridian's gslb plugin (plugin/gslb) is inserted into a copy of that list directly
// before the "etcd" directive, so it sees queries after cache, rewrite and geoip, and ahead of
// the stock etcd and forward plugins it may fall through to. Insert at a named anchor and test the
// resulting order: a common main.go pattern that re-slices the list at the anchor silently drops
// every directive after it.
package main

import (
	_ "github.com/coredns/coredns/core/plugin" // registers every stock plugin
	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
