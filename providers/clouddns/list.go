package clouddns

import (
	"context"
	"fmt"
	"slices"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
)

// Records returns every rrset of every managed zone, in the canonical form: Meridian's sets and
// everyone else's, SOA and NS included (the plan never changes sets it does not own). It also
// remembers each rrset exactly, for the deletions ApplyChanges sends later.
func (p *Provider) Records(ctx context.Context) ([]providers.Record, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	known := map[rrKey]*dns.ResourceRecordSet{}
	var out []providers.Record
	for _, z := range p.zones {
		rrsets, err := p.listZone(ctx, z)
		if err != nil {
			return nil, err
		}
		for _, rr := range rrsets {
			rr = stripped(rr)
			r := fromRRSet(rr)
			known[rrKey{z.name, r.Name, r.Type}] = rr
			out = append(out, r)
		}
	}
	p.known = known
	slices.SortFunc(out, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return out, nil
}

// listZone reads every page of a zone's rrsets, retrying each page on its own.
func (p *Provider) listZone(ctx context.Context, z zone) ([]*dns.ResourceRecordSet, error) {
	var all []*dns.ResourceRecordSet
	token := ""
	for {
		var resp *dns.ResourceRecordSetsListResponse
		err := p.retry(ctx, methodListRRSets, func(ctx context.Context) error {
			var err error
			resp, err = p.api.listRRSets(ctx, p.project, z.name, token)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listing the rrsets of zone %s (%s): %w", z.name, z.dnsName, err)
		}
		all = append(all, resp.Rrsets...)
		if token = resp.NextPageToken; token == "" {
			return all, nil
		}
	}
}
