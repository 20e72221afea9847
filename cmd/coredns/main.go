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
	"fmt"
	"os"
	"slices"

	"github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/core/plugin" // registers every stock plugin
	"github.com/coredns/coredns/coremain"

	_ "github.com/meridian-dns/meridian/plugin/gslb" // registers gslb
)

// gslbAnchor is the directive gslb runs directly before.
const gslbAnchor = "etcd"

func main() {
	directives, err := insertBefore(dnsserver.Directives, gslbAnchor, "gslb")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dnsserver.Directives = directives
	coremain.Run()
}

// insertBefore returns a copy of directives with name inserted directly before anchor. It fails
// rather than guess when the anchor is missing (a CoreDNS upgrade renamed it) or name is there.
func insertBefore(directives []string, anchor, name string) ([]string, error) {
	if slices.Contains(directives, name) {
		return nil, fmt.Errorf("directive %q is already in CoreDNS's list", name)
	}
	i := slices.Index(directives, anchor)
	if i < 0 {
		return nil, fmt.Errorf("directive %q, before which %q runs, is not in CoreDNS's list", anchor, name)
	}
	out := make([]string, 0, len(directives)+1)
	out = append(out, directives[:i]...)
	out = append(out, name)
	return append(out, directives[i:]...), nil
}
