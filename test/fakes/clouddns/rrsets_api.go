package clouddnsfake

import (
	"net/http"
	"regexp"
	"sort"
	"strings"

	dns "google.golang.org/api/dns/v1"
)

// rrsetQuery selects rrsets by exact name, name suffix and type.
type rrsetQuery struct {
	name, suffix, typ string
}

func (q rrsetQuery) match(k rrKey) bool {
	return (q.name == "" || k.name == q.name) && (q.suffix == "" || strings.HasSuffix(k.name, q.suffix)) &&
		(q.typ == "" || k.typ == q.typ)
}

// filterExpr accepts the filter forms the API reference gives as examples (AIP-160 subset):
// name="a.example.com." [AND type="A"], and name=has_suffix("example.com.") [AND type="A"].
var filterExpr = regexp.MustCompile(
	`^\s*name\s*=\s*(?:"([^"]+)"|has_suffix\(\s*"([^"]+)"\s*\))(?:\s+AND\s+type\s*=\s*"([^"]+)")?\s*$`)

// parseRRSetQuery reads name, type and filter. The reference says "type" needs "name", and that
// "name" and "type" must be omitted when "filter" is used.
func parseRRSetQuery(c *callCtx) (rrsetQuery, *apiError) {
	v := c.r.URL.Query()
	q := rrsetQuery{name: lowerName(v.Get("name")), typ: v.Get("type")}
	if f := v.Get("filter"); f != "" {
		m := filterExpr.FindStringSubmatch(f)
		if m == nil || q.name != "" || q.typ != "" {
			return q, errInvalidValue("filter", f)
		}
		return rrsetQuery{name: lowerName(m[1]), suffix: lowerName(m[2]), typ: m[3]}, nil
	}
	if q.typ != "" && q.name == "" {
		return q, newAPIError(http.StatusBadRequest, ReasonRequired,
			"Required parameter 'name' is missing: 'type' can only be used together with 'name'")
	}
	return q, nil
}

// listRRSets serves resourceRecordSets.list, sorted by name then type. Its page token is the
// last key returned, so rrsets added or removed between pages neither shift nor repeat the rest.
func (f *Fake) listRRSets(c *callCtx) (any, *apiError) {
	size, token, e := f.pageParams(c)
	if e != nil {
		return nil, e
	}
	q, e := parseRRSetQuery(c)
	if e != nil {
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zoneLocked(c.zone)
	if !ok {
		return nil, errZoneNotFound(c.zone)
	}
	resp := &dns.ResourceRecordSetsListResponse{Kind: "dns#resourceRecordSetsListResponse"}
	keys := z.sortedKeys()
	start := sort.Search(len(keys), func(i int) bool { return token == "" || pageKey(keys[i]) > token })
	for _, k := range keys[start:] {
		if !q.match(k) {
			continue
		}
		if len(resp.Rrsets) == size {
			resp.NextPageToken = encodeToken(pageKey(keyOf(resp.Rrsets[size-1])))
			break
		}
		resp.Rrsets = append(resp.Rrsets, wireRRSet(z.rrsets[k]))
	}
	return resp, nil
}

// pageKey orders like zone.sortedKeys: name, then type ("\x00" sorts before any character of a
// name or type, so the order of keys and of page keys agree).
func pageKey(k rrKey) string { return k.name + "\x00" + k.typ }

// getRRSet serves resourceRecordSets.get (rrsets/{name}/{type}).
func (f *Fake) getRRSet(c *callCtx) (any, *apiError) {
	name, typ := c.r.PathValue("name"), c.r.PathValue("type")
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zoneLocked(c.zone)
	if !ok {
		return nil, errZoneNotFound(c.zone)
	}
	rr, ok := z.rrsets[rrKey{name: lowerName(name), typ: typ}]
	if !ok {
		return nil, newAPIError(http.StatusNotFound, ReasonNotFound,
			"The 'parameters.name' resource named '%s (%s)' does not exist.", name, typ)
	}
	return wireRRSet(rr), nil
}
