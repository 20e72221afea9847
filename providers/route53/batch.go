package route53

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// op is one change of a batch. rec names the set (for errors and grouping); set is what the
// change sends: for DELETE the set exactly as Route 53 holds it, for CREATE and UPSERT rec's wire
// form, built just before sending, once its health check ID is known.
type op struct {
	action types.ChangeAction
	rec    providers.Record
	set    types.ResourceRecordSet
	// values are the set's wire values, counted against the batch limits.
	values []string
}

// size is what op counts toward the limits: each value once, twice for UPSERT.
func (o *op) size() (values, chars int) {
	factor := 1
	if o.action == types.ChangeActionUpsert {
		factor = 2
	}
	for _, v := range o.values {
		values += factor
		chars += factor * len(v)
	}
	return values, chars
}

// group is every change at one name, with the changes of the companion TXT records that
// describe the sets there (see baseName). Route 53 applies a batch atomically, so a group that
// stays within one batch changes together: a name never answers half old, half new, and a set
// never exists without its companion.
type group struct {
	base string
	ops  []op
	// part is set when a group too large for one batch was split: the parts go out in order.
	part int
}

func (g *group) size() (values, chars int) {
	for i := range g.ops {
		v, c := g.ops[i].size()
		values, chars = values+v, chars+c
	}
	return values, chars
}

// names lists the sets a group changes, for errors.
func (g *group) names() []string {
	var out []string
	for _, o := range g.ops {
		out = append(out, strings.ToLower(string(o.action))+" "+describe(&o.rec))
	}
	return out
}

// companionTypes are the prefixes external-dns's new-format companion names start with.
var companionTypes = []string{"a-", "aaaa-", "cname-", "txt-", "ns-", "mx-", "srv-"}

// baseName is the name a set is grouped under. The TXT registry names the companion of a set at
// www.example.com "a-www.example.com" (and of *.example.com "*.a-example.com"), so a TXT name
// with such a prefix is grouped with the name it describes. Changes arrive sorted by key, with
// the companions appended after all the sets, so their order cannot say which belong together.
// A TXT set whose own name merely starts like a companion is grouped a little too widely, which
// costs nothing.
func baseName(r *providers.Record) string {
	if r.Type != providers.TypeTXT {
		return r.Name
	}
	wildcard := strings.HasPrefix(r.Name, "*.")
	rest := strings.TrimPrefix(r.Name, "*.")
	for _, prefix := range companionTypes {
		if name, ok := strings.CutPrefix(rest, prefix); ok && name != "" {
			if wildcard {
				return "*." + name
			}
			return name
		}
	}
	return r.Name
}

// order puts a group's deletions first, so that what they remove (a CNAME where an A set goes,
// a weighted set turning latency) is gone before what replaces it is checked against the name.
func (g *group) order() {
	rank := map[types.ChangeAction]int{types.ChangeActionDelete: 0, types.ChangeActionCreate: 1, types.ChangeActionUpsert: 2}
	slices.SortStableFunc(g.ops, func(a, b op) int { return rank[a.action] - rank[b.action] })
}

// pack fills batches with whole groups in order, within maxValues and maxChars. A group larger
// than a batch is split into parts of consecutive changes (deletions first), each in a batch of
// its own; a single change larger than a batch is returned in oversize and not sent.
func pack(groups []*group, maxValues, maxChars int) (batches [][]*group, oversize []*group) {
	var cur []*group
	values, chars := 0, 0
	flush := func() {
		if len(cur) > 0 {
			batches = append(batches, cur)
		}
		cur, values, chars = nil, 0, 0
	}
	for _, g := range groups {
		v, c := g.size()
		if v > maxValues || c > maxChars {
			flush()
			parts, tooBig := split(g, maxValues, maxChars)
			for _, p := range parts {
				batches = append(batches, []*group{p})
			}
			if tooBig != nil {
				oversize = append(oversize, tooBig)
			}
			continue
		}
		if values+v > maxValues || chars+c > maxChars {
			flush()
		}
		cur = append(cur, g)
		values, chars = values+v, chars+c
	}
	flush()
	return batches, oversize
}

// split cuts an oversized group into parts that each fit a batch. Changes that cannot fit even
// alone are collected in tooBig.
func split(g *group, maxValues, maxChars int) (parts []*group, tooBig *group) {
	cur := &group{base: g.base, part: 1}
	values, chars := 0, 0
	for _, o := range g.ops {
		v, c := o.size()
		if v > maxValues || c > maxChars {
			if tooBig == nil {
				tooBig = &group{base: g.base}
			}
			tooBig.ops = append(tooBig.ops, o)
			continue
		}
		if values+v > maxValues || chars+c > maxChars {
			parts = append(parts, cur)
			cur = &group{base: g.base, part: cur.part + 1}
			values, chars = 0, 0
		}
		cur.ops = append(cur.ops, o)
		values, chars = values+v, chars+c
	}
	if len(cur.ops) > 0 {
		parts = append(parts, cur)
	}
	return parts, tooBig
}
