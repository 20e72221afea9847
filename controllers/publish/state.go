package publish

import (
	"slices"

	"github.com/meridian-dns/meridian/providers"
)

// published is what the controller knows the provider holds: every record set at every name,
// whoever owns it, as last listed and then kept up to date with each change applied. It lets one
// DNSEndpoint's change be planned against its names only, without reading the backend again.
// One key may hold two sets, ours and a foreign one written beside it, so sets are kept as a
// list per name rather than a map by key.
type published struct {
	names      map[string][]providers.Record  // name → every set at it
	byResource map[string]map[string]struct{} // resource → names where it has sets
}

func newPublished(records []providers.Record) *published {
	p := &published{
		names:      make(map[string][]providers.Record, len(records)),
		byResource: map[string]map[string]struct{}{},
	}
	for _, r := range records {
		p.add(r)
	}
	return p
}

func (p *published) add(r providers.Record) {
	p.names[r.Name] = append(p.names[r.Name], r)
	if r.Resource == "" {
		return
	}
	names := p.byResource[r.Resource]
	if names == nil {
		names = map[string]struct{}{}
		p.byResource[r.Resource] = names
	}
	names[r.Name] = struct{}{}
}

// remove drops the set with r's key, owner and resource.
func (p *published) remove(r providers.Record) {
	sets := slices.DeleteFunc(p.names[r.Name], func(x providers.Record) bool {
		return x.Key() == r.Key() && x.Owner == r.Owner && x.Resource == r.Resource
	})
	if len(sets) == 0 {
		delete(p.names, r.Name)
	} else {
		p.names[r.Name] = sets
	}
	if r.Resource == "" || slices.ContainsFunc(sets, func(x providers.Record) bool { return x.Resource == r.Resource }) {
		return
	}
	names := p.byResource[r.Resource]
	delete(names, r.Name)
	if len(names) == 0 {
		delete(p.byResource, r.Resource)
	}
}

// apply records changes the provider accepted.
func (p *published) apply(c providers.Changes) {
	for _, r := range c.Delete {
		p.remove(r)
	}
	for _, u := range c.Update {
		p.remove(u.Old)
		p.add(u.New)
	}
	for _, r := range c.Create {
		p.add(r)
	}
}

// scope returns every set, of any owner, at the names of desired and at the names where
// resource has sets now: all a plan for resource needs to see.
func (p *published) scope(resource string, desired []providers.Record) []providers.Record {
	names := map[string]struct{}{}
	for n := range p.byResource[resource] {
		names[n] = struct{}{}
	}
	for _, r := range desired {
		names[r.Name] = struct{}{}
	}
	var out []providers.Record
	for n := range names {
		out = append(out, p.names[n]...)
	}
	slices.SortFunc(out, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return out
}

// all returns every set.
func (p *published) all() []providers.Record {
	var out []providers.Record
	for _, sets := range p.names {
		out = append(out, sets...)
	}
	return out
}

// owned counts the sets owner holds, for the metric.
func (p *published) owned(owner string) int {
	n := 0
	for _, sets := range p.names {
		for _, r := range sets {
			if r.Owner == owner {
				n++
			}
		}
	}
	return n
}
