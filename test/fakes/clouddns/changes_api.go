package clouddnsfake

import (
	"net/http"
	"slices"
	"strconv"

	dns "google.golang.org/api/dns/v1"
)

// createChange serves changes.create.
func (f *Fake) createChange(c *callCtx) (any, *apiError) {
	if c.bodyErr != nil {
		return nil, c.bodyErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zoneLocked(c.zone)
	if !ok {
		return nil, errZoneNotFound(c.zone)
	}
	entry, e := f.applyLocked(z, c.change, false)
	if e != nil {
		return nil, e
	}
	return f.changeView(entry, true), nil
}

// getChange serves changes.get.
func (f *Fake) getChange(c *callCtx) (any, *apiError) {
	id := c.r.PathValue("id")
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zoneLocked(c.zone)
	if !ok {
		return nil, errZoneNotFound(c.zone)
	}
	n, err := strconv.Atoi(id)
	if err != nil || n < 0 || n >= len(z.changes) || strconv.Itoa(n) != id {
		return nil, newAPIError(http.StatusNotFound, ReasonNotFound,
			"The 'parameters.changeId' resource named '%s' does not exist.", id)
	}
	return f.changeView(z.changes[n], false), nil
}

// listChanges serves changes.list in change sequence, the only documented sortBy, ascending unless
// sortOrder is "descending".
func (f *Fake) listChanges(c *callCtx) (any, *apiError) {
	size, token, e := f.pageParams(c)
	if e != nil {
		return nil, e
	}
	q := c.r.URL.Query()
	if s := q.Get("sortBy"); s != "" && s != "changeSequence" {
		return nil, errInvalidValue("sortBy", s)
	}
	order := q.Get("sortOrder")
	if order != "" && order != "ascending" && order != "descending" {
		return nil, errInvalidValue("sortOrder", order)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zoneLocked(c.zone)
	if !ok {
		return nil, errZoneNotFound(c.zone)
	}
	entries := slices.Clone(z.changes)
	if order == "descending" {
		slices.Reverse(entries)
	}
	from, to, next, e := offsetPage(len(entries), size, token)
	if e != nil {
		return nil, e
	}
	resp := &dns.ChangesListResponse{Kind: "dns#changesListResponse", NextPageToken: next}
	for _, entry := range entries[from:to] {
		resp.Changes = append(resp.Changes, f.changeView(entry, false))
	}
	return resp, nil
}
