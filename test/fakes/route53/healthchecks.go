package route53fake

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
)

// Health check listing defaults (API reference, ListHealthChecks: MaxItems
// "If you don't specify a value ... returns a maximum of 100 items"; the
// model caps it at 1,000).
const (
	defaultCheckItems = 100
	maxCheckItems     = 1000
)

type healthCheck struct {
	id        string
	callerRef string
	config    healthCheckConfig
	version   int64
}

func (hc *healthCheck) xml() healthCheckXML {
	return healthCheckXML{ID: hc.id, CallerReference: hc.callerRef, Config: hc.config, Version: hc.version}
}

// createHealthCheck mirrors CallerReference idempotency as documented for
// CreateHealthCheck: same reference and settings as an existing check →
// that check; same reference with other settings, or the reference of a
// deleted check → HealthCheckAlreadyExists (409); new reference → new check,
// even with identical settings.
func (f *Fake) createHealthCheck(req *request) (int, any, *apiError) {
	var body createHealthCheckRequest
	if apiErr := decodeBody(req, &body); apiErr != nil {
		return 0, nil, apiErr
	}
	if n := len(body.CallerReference); n < 1 || n > 64 {
		return 0, nil, validationError(body.CallerReference, "callerReference", "Member must have length less than or equal to 64 and greater than or equal to 1")
	}
	cfg, apiErr := normalizeHealthCheckConfig(body.Config)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := f.callerRefs[body.CallerReference]; ok {
		existing := f.checks[id]
		if existing == nil || !reflect.DeepEqual(existing.config, cfg) {
			return 0, nil, &apiError{http.StatusConflict, "HealthCheckAlreadyExists",
				fmt.Sprintf("A health check with CallerReference %s already exists or was deleted; its settings differ from this request.", body.CallerReference)}
		}
		req.location = f.URL + apiPrefix + "healthcheck/" + id
		return http.StatusCreated, &createHealthCheckResponse{Xmlns: apiNamespace, HealthCheck: existing.xml()}, nil
	}
	f.seq++
	id := fmt.Sprintf("%08x-fa4e-4c0e-8000-%012x", f.seq, f.seq)
	hc := &healthCheck{id: id, callerRef: body.CallerReference, config: cfg, version: 1}
	f.checks[id] = hc
	f.checkOrder = append(f.checkOrder, id)
	f.callerRefs[body.CallerReference] = id
	req.location = f.URL + apiPrefix + "healthcheck/" + id
	return http.StatusCreated, &createHealthCheckResponse{Xmlns: apiNamespace, HealthCheck: hc.xml()}, nil
}

func (f *Fake) getHealthCheck(req *request) (int, any, *apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	hc := f.checks[req.id]
	if hc == nil {
		return 0, nil, noSuchHealthCheck(req.id)
	}
	return http.StatusOK, &getHealthCheckResponse{Xmlns: apiNamespace, HealthCheck: hc.xml()}, nil
}

// listHealthChecks pages in creation order; Marker is the ID of the first
// check of the page, NextMarker that of the next page.
func (f *Fake) listHealthChecks(req *request) (int, any, *apiError) {
	q := req.http.URL.Query()
	limit, apiErr := parseMaxItems(q.Get("maxitems"), defaultCheckItems, maxCheckItems)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	page, next, apiErr := markerPage(f.checkOrder, q.Get("marker"), limit, "health check")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	resp := &listHealthChecksResponse{Xmlns: apiNamespace, Marker: q.Get("marker"), MaxItems: limit,
		HealthChecks: []healthCheckXML{}, IsTruncated: next != "", NextMarker: next}
	for _, id := range page {
		resp.HealthChecks = append(resp.HealthChecks, f.checks[id].xml())
	}
	return http.StatusOK, resp, nil
}

// deleteHealthCheck removes a check and its tags. The CallerReference stays
// reserved ("same CallerReference as a deleted health check ... returns a
// HealthCheckAlreadyExists error"). See Options.RefuseInUseHealthCheckDelete
// for HealthCheckInUse.
func (f *Fake) deleteHealthCheck(req *request) (int, any, *apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.checks[req.id] == nil {
		return 0, nil, noSuchHealthCheck(req.id)
	}
	if f.opts.RefuseInUseHealthCheckDelete && f.checkReferenced(req.id) {
		return 0, nil, &apiError{http.StatusBadRequest, "HealthCheckInUse",
			fmt.Sprintf("The health check with id %s is still referenced from at least one resource record set.", req.id)}
	}
	delete(f.checks, req.id)
	f.checkOrder = slices.DeleteFunc(f.checkOrder, func(id string) bool { return id == req.id })
	delete(f.tags, tagKey("healthcheck", req.id))
	return http.StatusOK, &deleteHealthCheckResponse{Xmlns: apiNamespace}, nil
}

// checkReferenced reports whether any record set names the check. Callers
// hold f.mu.
func (f *Fake) checkReferenced(id string) bool {
	for _, z := range f.zones {
		for _, sets := range z.names {
			for _, s := range sets {
				if s.HealthCheckID != nil && *s.HealthCheckID == id {
					return true
				}
			}
		}
	}
	return false
}
