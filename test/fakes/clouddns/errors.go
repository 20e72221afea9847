package clouddnsfake

import (
	"fmt"
	"net/http"
)

// Reasons the fake puts in errors[].reason. The client surfaces them as
// (*googleapi.Error).Errors[i].Reason, which is what callers branch on.
const (
	ReasonInvalid           = "invalid"
	ReasonRequired          = "required"
	ReasonParseError        = "parseError"
	ReasonNotFound          = "notFound"
	ReasonAlreadyExists     = "alreadyExists"
	ReasonConditionNotMet   = "conditionNotMet"
	ReasonCNAMEConflict     = "cnameResourceRecordSetConflict"
	ReasonQuotaExceeded     = "quotaExceeded"
	ReasonRateLimitExceeded = "rateLimitExceeded"
	ReasonForbidden         = "forbidden"
	ReasonBackendError      = "backendError"
	ReasonNotImplemented    = "notImplemented"
)

// errorItem is one entry of the "errors" array of a Google JSON error.
type errorItem struct {
	Domain  string `json:"domain"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// apiError is a whole Google JSON error response. Several items share one
// status: the real API reports every bad rrdata of a change in one 400, and
// every exceeded per-change quota in one 403 (both seen in published client
// logs, e.g. kubernetes-sigs/external-dns#1028 and DNSControl/dnscontrol#349).
type apiError struct {
	code  int
	items []errorItem
}

func newAPIError(code int, reason, format string, args ...any) *apiError {
	return (&apiError{code: code}).add(reason, format, args...)
}

func (e *apiError) add(reason, format string, args ...any) *apiError {
	domain := "global"
	if reason == ReasonRateLimitExceeded {
		domain = "usageLimits"
	}
	e.items = append(e.items, errorItem{Domain: domain, Reason: reason, Message: fmt.Sprintf(format, args...)})
	return e
}

// orNil lets validators collect items and return nil when none were found.
func (e *apiError) orNil() *apiError {
	if e == nil || len(e.items) == 0 {
		return nil
	}
	return e
}

func (e *apiError) reason() string {
	if len(e.items) == 0 {
		return ""
	}
	return e.items[0].Reason
}

// body is the JSON document: the top-level message repeats the first item's,
// so that googleapi.Error.Error() prints "googleapi: Error 409: <msg>, alreadyExists"
// for single errors exactly as it does against the real service.
func (e *apiError) body() any {
	type inner struct {
		Code    int         `json:"code"`
		Message string      `json:"message"`
		Errors  []errorItem `json:"errors"`
		Status  string      `json:"status,omitempty"`
	}
	msg := http.StatusText(e.code)
	if len(e.items) > 0 {
		msg = e.items[0].Message
	}
	return map[string]inner{"error": {Code: e.code, Message: msg, Errors: e.items, Status: rpcStatus(e.code)}}
}

// rpcStatus is the canonical status name Google's JSON errors carry next to
// the HTTP code.
func rpcStatus(code int) string {
	switch code {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "ALREADY_EXISTS"
	case http.StatusPreconditionFailed:
		return "FAILED_PRECONDITION"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusInternalServerError:
		return "INTERNAL"
	case http.StatusNotImplemented:
		return "UNIMPLEMENTED"
	}
	return ""
}

// Constructors for the errors whose wording the real API is known to use.

func errInvalidValue(field string, value any) *apiError {
	return newAPIError(http.StatusBadRequest, ReasonInvalid, "Invalid value for '%s': '%v'", field, value)
}

func errZoneNotFound(zone string) *apiError {
	return newAPIError(http.StatusNotFound, ReasonNotFound,
		"The 'parameters.managedZone' resource named '%s' does not exist.", zone)
}

func errForbiddenProject(project string) *apiError {
	return newAPIError(http.StatusForbidden, ReasonForbidden,
		"The caller does not have permission on project '%s'.", project)
}

// faultError is what injected failures return; the wording mirrors what
// Google front ends send for these codes.
func faultError(code int) *apiError {
	switch code {
	case http.StatusTooManyRequests:
		return newAPIError(code, ReasonRateLimitExceeded, "Resource has been exhausted (e.g. check quota).")
	case http.StatusServiceUnavailable:
		return newAPIError(code, ReasonBackendError, "The service is currently unavailable.")
	case http.StatusInternalServerError:
		return newAPIError(code, ReasonBackendError, "Internal error encountered.")
	}
	return newAPIError(code, ReasonBackendError, "%s", http.StatusText(code))
}
