package dnsendpoint

import (
	"cmp"
	"slices"
)

// resolve makes the whole set one external-dns's plan takes as it is, whatever collisions the
// names produced (a dnsPrefix equal to a generated name, say): addresses win over a CNAME at the
// same name, as in KubeFed, and endpoints sharing (name, set identifier, type) are merged, because
// the plan keeps only one of them. The result is sorted by name, type, then set identifier.
func resolve(eps []Endpoint) []Endpoint {
	hasAddresses := map[string]bool{}
	for _, e := range eps {
		if e.RecordType != RecordTypeCNAME {
			hasAddresses[e.DNSName] = true
		}
	}
	type key struct{ name, setID, recordType string }
	at := map[key]int{}
	var out []Endpoint
	for _, e := range eps {
		if e.RecordType == RecordTypeCNAME && hasAddresses[e.DNSName] {
			continue
		}
		k := key{e.DNSName, e.SetIdentifier, e.RecordType}
		i, seen := at[k]
		if !seen {
			at[k] = len(out)
			out = append(out, e)
			continue
		}
		if e.RecordType == RecordTypeCNAME {
			// One target only; the first endpoint for a name is the one its level produced.
			continue
		}
		out[i].Targets = sortedSet(append(slices.Clone(out[i].Targets), e.Targets...))
	}
	slices.SortFunc(out, func(x, y Endpoint) int {
		return cmp.Or(cmp.Compare(x.DNSName, y.DNSName), cmp.Compare(x.RecordType, y.RecordType),
			cmp.Compare(x.SetIdentifier, y.SetIdentifier))
	})
	return out
}
