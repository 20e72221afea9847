package plan

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/meridian-dns/meridian/providers"
)

// entry is one current set: orig as the provider returned it (what changes must name), norm in
// canonical form (what comparisons use). gone marks a set a planned change removes.
type entry struct {
	orig, norm providers.Record
	gone       bool
}

// state indexes the current sets. A key can hold several sets: a foreign one next to ours, or
// two of ours a provider could not merge.
type state struct {
	entries []*entry
	byKey   map[providers.Key][]*entry
	byName  map[string][]*entry
}

func newState(current []providers.Record) *state {
	s := &state{byKey: map[providers.Key][]*entry{}, byName: map[string][]*entry{}}
	for _, r := range current {
		s.add(r, normalize(r))
	}
	// Deterministic choice among several sets of one key, whatever order the provider used.
	for _, list := range s.byKey {
		slices.SortFunc(list, func(a, b *entry) int {
			return cmp.Or(cmp.Compare(a.norm.Owner, b.norm.Owner), cmp.Compare(a.norm.Resource, b.norm.Resource),
				slices.Compare(a.norm.Targets, b.norm.Targets))
		})
	}
	return s
}

func (s *state) add(orig, norm providers.Record) {
	e := &entry{orig: orig, norm: norm}
	s.entries = append(s.entries, e)
	s.byKey[norm.Key()] = append(s.byKey[norm.Key()], e)
	s.byName[norm.Name] = append(s.byName[norm.Name], e)
}

// plan diffs the sets of one resource; see Calculate.
func (s *state) plan(desired []providers.Record, owner, resource string) (Result, error) {
	want, err := normalizeDesired(desired, owner, resource)
	if err != nil {
		return Result{}, err
	}
	var res Result
	wanted := make(map[providers.Key]bool, len(want))
	for _, d := range want {
		wanted[d.Key()] = true
		if c, blocked := s.blocker(d, owner, resource); blocked {
			res.Conflicts = append(res.Conflicts, c)
			continue
		}
		mine := s.mine(d.Key(), owner, resource)
		switch {
		case len(mine) == 0:
			res.Changes.Create = append(res.Changes.Create, d)
		case !mine[0].norm.Equal(&d):
			res.Changes.Update = append(res.Changes.Update, providers.Update{Old: mine[0].orig, New: d})
		}
		// Further sets of ours at the key are leftovers; the first one carries the answer.
		for _, e := range mine[min(1, len(mine)):] {
			res.Changes.Delete = append(res.Changes.Delete, e.orig)
		}
	}
	for _, e := range s.entries {
		if !e.gone && e.norm.Owner == owner && e.norm.Resource == resource && !wanted[e.norm.Key()] {
			res.Changes.Delete = append(res.Changes.Delete, e.orig)
		}
	}
	return res, nil
}

// mine returns the live sets of resource at key.
func (s *state) mine(key providers.Key, owner, resource string) []*entry {
	var out []*entry
	for _, e := range s.byKey[key] {
		if !e.gone && e.norm.Owner == owner && e.norm.Resource == resource {
			out = append(out, e)
		}
	}
	return out
}

// blocker reports what keeps d from being published: a set at its key that is not the
// resource's; a set of the same name and type that another resource of this owner holds under
// another set identifier (answers merge the sets of a name, so one resource could otherwise add
// its addresses to another's name); or, across types, a CNAME rule the resource cannot satisfy
// by deleting its own sets. Other owners' sets under other set identifiers are no conflict: that
// is how several external-dns instances share a weighted or latency name.
func (s *state) blocker(d providers.Record, owner, resource string) (Conflict, bool) {
	theirs := func(e *entry) bool {
		return !e.gone && (e.norm.Owner != owner || e.norm.Resource != resource)
	}
	for _, e := range s.byKey[d.Key()] {
		if theirs(e) {
			return conflict(d, resource, e, owner, nil), true
		}
	}
	for _, e := range s.byName[d.Name] {
		switch {
		case !theirs(e):
		case e.norm.Type == d.Type && e.norm.Owner == owner:
			return conflict(d, resource, e, owner, nil), true
		case e.norm.Type != d.Type && (d.Type == "CNAME" || e.norm.Type == "CNAME"):
			return conflict(d, resource, e, owner, ErrCNAME), true
		}
	}
	return Conflict{}, false
}

func conflict(d providers.Record, resource string, e *entry, owner string, reason error) Conflict {
	c := Conflict{Key: d.Key(), Resource: resource, Reason: reason}
	switch {
	case e.norm.Owner == owner:
		c.Holder = "resource " + e.norm.Resource
		c.Reason = cmp.Or(c.Reason, ErrOtherResource)
	case e.norm.Owner == "":
		c.Holder = "records Meridian did not write"
	default:
		c.Holder = fmt.Sprintf("owner %q", e.norm.Owner)
	}
	c.Reason = cmp.Or(c.Reason, ErrForeign)
	return c
}

// claim records a resource's planned changes, so the resources planned after it see them.
func (s *state) claim(ch providers.Changes) {
	drop := func(r providers.Record) {
		n := normalize(r)
		for _, e := range s.byKey[n.Key()] {
			if !e.gone && e.norm.Owner == n.Owner && e.norm.Resource == n.Resource {
				e.gone = true
			}
		}
	}
	for _, d := range ch.Delete {
		drop(d)
	}
	for _, u := range ch.Update {
		drop(u.Old)
	}
	for _, u := range ch.Update {
		s.add(u.New, u.New)
	}
	for _, c := range ch.Create {
		s.add(c, c)
	}
}

// normalizeDesired puts desired in canonical form, stamps the owner, and rejects what no backend
// can hold: two sets with one key, a CNAME sharing its name, a CNAME with several targets.
func normalizeDesired(desired []providers.Record, owner, resource string) ([]providers.Record, error) {
	out := make([]providers.Record, 0, len(desired))
	seen := map[providers.Key]bool{}
	types := map[string][]string{}
	for _, r := range desired {
		n := normalize(r)
		n.Owner, n.Resource = owner, resource
		k := n.Key()
		switch {
		case n.Name == "" || n.Type == "":
			return nil, fmt.Errorf("%w: a set has an empty name or type", ErrInvalid)
		case seen[k]:
			return nil, fmt.Errorf("%w: %s %s (set %q) is wanted twice", ErrInvalid, k.Type, k.Name, k.SetIdentifier)
		case n.Type == "CNAME" && len(n.Targets) > 1:
			return nil, fmt.Errorf("%w: CNAME %s has %d targets; a CNAME has one", ErrInvalid, n.Name, len(n.Targets))
		}
		seen[k] = true
		types[n.Name] = append(types[n.Name], n.Type)
		out = append(out, n)
	}
	for name, ts := range types {
		if slices.Contains(ts, "CNAME") && slices.ContainsFunc(ts, func(t string) bool { return t != "CNAME" }) {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, name, ErrCNAME)
		}
	}
	slices.SortFunc(out, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return out, nil
}

// normalize returns r in canonical form: lowercase names without a trailing dot, upper-case
// type, targets and zones sorted without duplicates, addresses in their shortest spelling.
func normalize(r providers.Record) providers.Record {
	r.Name = canonical(r.Name)
	r.Type = strings.ToUpper(r.Type)
	targets := make([]string, len(r.Targets))
	for i, t := range r.Targets {
		switch r.Type {
		case "CNAME":
			t = canonical(t)
		case "A", "AAAA":
			if addr, err := netip.ParseAddr(t); err == nil {
				t = addr.String()
			}
		}
		targets[i] = t
	}
	slices.Sort(targets)
	r.Targets = slices.Compact(targets)
	if len(r.Zones) > 0 {
		r.Zones = slices.Compact(slices.Sorted(slices.Values(r.Zones)))
	}
	return r
}

func canonical(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}
