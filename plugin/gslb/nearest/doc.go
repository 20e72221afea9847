// Package nearest places a DNS client and picks the clusters nearest to it.
//
// A Locator maps a client address to a Location through static CIDR rules
// (which win) and an optional MaxMind-format database; Choose then keeps the
// candidates of a DNS name whose region is nearest to that Location by
// great-circle distance, using a built-in table of cloud region coordinates.
//
// Both run on every DNS query, so the hot paths avoid allocations: Locate
// walks a binary trie of the rules, and ChooseInto fills a caller's buffer.
// The package is pure: no CoreDNS or Kubernetes imports.
package nearest
