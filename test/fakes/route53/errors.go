package route53fake

import (
	"fmt"
	"net/http"
	"strings"
)

// apiError is an error the fake answers with. Codes and HTTP statuses follow
// the "Errors" sections of the Route 53 API reference for each operation and
// its "Common Errors" page.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// errType is the <Type> element: Sender for client faults, Receiver for ours.
func (e *apiError) errType() string {
	if e.status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

func invalidInput(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidInput", fmt.Sprintf(format, args...)}
}

// invalidChangeBatch joins the batch's messages the way Route 53 does: one
// Message holding a bracketed, comma-separated list.
func invalidChangeBatch(messages []string) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidChangeBatch", "[" + strings.Join(messages, ", ") + "]"}
}

func noSuchHostedZone(id string) *apiError {
	return &apiError{http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: " + id}
}

func noSuchHealthCheck(id string) *apiError {
	return &apiError{http.StatusNotFound, "NoSuchHealthCheck", "A health check with id " + id + " does not exist."}
}

func noSuchChange(id string) *apiError {
	return &apiError{http.StatusNotFound, "NoSuchChange", "A change with the specified change ID does not exist: " + id}
}

// throttling mirrors the documented account-wide limit answer: "HTTP 400
// error (Bad request) ... a Code element with a value of Throttling and a
// Message element with a value of Rate exceeded" (Route 53 Developer Guide,
// Quotas, "Quotas on Route 53 API requests").
func throttling() *apiError {
	return &apiError{http.StatusBadRequest, "Throttling", "Rate exceeded"}
}

// priorRequestNotComplete mirrors the same page: ChangeResourceRecordSets
// "If Route 53 can't process a request before the next request arrives, it
// will reject subsequent requests for the same hosted zone and return an HTTP
// 400 error (Bad request)" with Code PriorRequestNotComplete.
func priorRequestNotComplete() *apiError {
	return &apiError{http.StatusBadRequest, "PriorRequestNotComplete",
		"The request was rejected because Route 53 was still processing a prior request."}
}

// serverFault is an injected 5xx, named like the AWS common errors
// InternalFailure (500) and ServiceUnavailable (503).
func serverFault(status int) *apiError {
	switch status {
	case http.StatusServiceUnavailable:
		return &apiError{status, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."}
	case http.StatusBadRequest:
		return throttling()
	default:
		return &apiError{status, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."}
	}
}

// validationError is the wording AWS services use when a member breaks a
// constraint of the API model (ranges, enums, lengths); Route 53 returns it
// as InvalidInput.
func validationError(value any, path, constraint string) *apiError {
	return invalidInput("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, path, constraint)
}
