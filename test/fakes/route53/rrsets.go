package route53fake

import (
	"cmp"
	"net/http"
	"slices"
)

// ListResourceRecordSets page size: "returns up to 300 resource record sets
// at a time" (API reference); larger maxitems values are served as 300.
const (
	defaultRRSetItems = 300
	maxRRSetItems     = 300
)

// listRecordSets implements ListResourceRecordSets: sets in Route 53's order
// starting at name / type / identifier, as the API reference's "Specifying
// where to start listing records" describes. "If you specify Type but not
// Name", the answer is InvalidInput.
func (f *Fake) listRecordSets(req *request) (int, any, *apiError) {
	q := req.http.URL.Query()
	limit, apiErr := parseMaxItems(q.Get("maxitems"), defaultRRSetItems, maxRRSetItems)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	start, apiErr := listStart(q.Get("name"), q.Get("type"), q.Get("identifier"))
	if apiErr != nil {
		return 0, nil, apiErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	z, apiErr := f.zoneLocked(req.zoneID)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	sets := z.sortedSets()
	from, _ := slices.BinarySearchFunc(sets, start, func(s *rrset, t listPosition) int {
		return cmp.Or(cmp.Compare(sortKey(s.Name), t.key), cmp.Compare(s.Type, t.typ),
			cmp.Compare(keyOf(s).setID, t.setID))
	})
	to := min(from+limit, len(sets))
	resp := &listRRSetsResponse{Xmlns: apiNamespace, MaxItems: limit, Sets: make([]rrset, 0, to-from)}
	for _, s := range sets[from:to] {
		resp.Sets = append(resp.Sets, *s)
	}
	if to < len(sets) {
		next := sets[to]
		resp.IsTruncated, resp.NextRecordName, resp.NextRecordType = true, next.Name, next.Type
		if next.SetIdentifier != nil {
			resp.NextRecordIdentifier = *next.SetIdentifier
		}
	}
	return http.StatusOK, resp, nil
}

// listPosition is a point in listing order.
type listPosition struct {
	key   string
	typ   string
	setID string
}

func listStart(name, typ, id string) (listPosition, *apiError) {
	if name == "" {
		if typ != "" || id != "" {
			return listPosition{}, invalidInput("The input is not valid: StartRecordType requires StartRecordName.")
		}
		return listPosition{}, nil
	}
	canonical, err := canonicalName(name)
	if err != nil {
		return listPosition{}, invalidInput("Invalid StartRecordName %q: %v", name, err)
	}
	if typ != "" && !validRRType(typ) {
		return listPosition{}, validationError(typ, "type", "Member must satisfy enum value set: "+rrTypeList())
	}
	if id != "" && typ == "" {
		return listPosition{}, invalidInput("The input is not valid: StartRecordIdentifier requires StartRecordType.")
	}
	return listPosition{key: sortKey(canonical), typ: typ, setID: id}, nil
}
