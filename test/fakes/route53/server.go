package route53fake

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// apiPrefix is the path every Route 53 operation lives under.
const apiPrefix = "/2013-04-01/"

// maxBodyBytes bounds request bodies; the largest legal request (1,000
// values, 32,000 characters of values) is far below it.
const maxBodyBytes = 4 << 20

// request is one decoded call: the route's operation and path parameters,
// and the log entry the handler may enrich.
type request struct {
	http    *http.Request
	op      string
	zoneID  string
	id      string
	resType string
	call    *Call
	// location, when set, is sent as the Location header (CreateHealthCheck).
	location string
}

// handler runs one operation and returns the HTTP status and document to
// answer with, or an API error.
type handler func(f *Fake, req *request) (int, any, *apiError)

// ServeHTTP routes a call, applies injected faults, runs the operation and
// logs the result.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := f.now()
	req, h := route(r)
	req.call = &Call{Time: start, Op: req.op, Zone: req.zoneID, Account: accessKeyID(r)}
	status, doc, apiErr := f.dispatch(req, h)
	requestID := f.nextRequestID()
	w.Header().Set("X-Amzn-Requestid", requestID)
	if apiErr != nil {
		status = apiErr.status
		req.call.Code = apiErr.code
		doc = &errorResponse{Xmlns: apiNamespace, Type: apiErr.errType(), Code: apiErr.code,
			Message: apiErr.message, RequestID: requestID}
	}
	if req.location != "" {
		w.Header().Set("Location", req.location)
	}
	req.call.Status = status
	req.call.Latency = f.now().Sub(start)
	writeXML(w, status, doc)
	f.log.add(*req.call)
}

func (f *Fake) dispatch(req *request, h handler) (int, any, *apiError) {
	latency, apiErr := f.faults.admit(req.call.Account, req.op)
	if latency > 0 {
		time.Sleep(latency)
	}
	if apiErr != nil {
		return 0, nil, apiErr
	}
	if h == nil {
		return 0, nil, &apiError{http.StatusNotFound, "UnknownOperationException",
			fmt.Sprintf("route53fake does not implement %s %s", req.http.Method, req.http.URL.Path)}
	}
	return h(f, req)
}

// route maps method and path to an operation, following the HTTP bindings
// of the Route 53 API (the same ones the SDK serialisers use).
func route(r *http.Request) (*request, handler) {
	req := &request{http: r, op: "Unknown"}
	if !strings.HasPrefix(r.URL.Path, apiPrefix) {
		return req, nil
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, apiPrefix), "/"), "/")
	get, post, del := r.Method == http.MethodGet, r.Method == http.MethodPost, r.Method == http.MethodDelete
	switch {
	case len(parts) == 1 && parts[0] == "hostedzone" && get:
		return req.named("ListHostedZones"), (*Fake).listHostedZones
	case len(parts) == 1 && parts[0] == "hostedzonesbyname" && get:
		return req.named("ListHostedZonesByName"), (*Fake).listHostedZonesByName
	case len(parts) == 2 && parts[0] == "hostedzone" && get:
		req.zoneID = parts[1]
		return req.named("GetHostedZone"), (*Fake).getHostedZone
	case len(parts) == 3 && parts[0] == "hostedzone" && parts[2] == "rrset" && (get || post):
		req.zoneID = parts[1]
		if get {
			return req.named("ListResourceRecordSets"), (*Fake).listRecordSets
		}
		return req.named("ChangeResourceRecordSets"), (*Fake).changeRecordSets
	case len(parts) == 2 && parts[0] == "change" && get:
		req.id = parts[1]
		return req.named("GetChange"), (*Fake).getChange
	}
	return routeHealthAndTags(req, parts, get, post, del)
}

func routeHealthAndTags(req *request, parts []string, get, post, del bool) (*request, handler) {
	switch {
	case len(parts) == 1 && parts[0] == "healthcheck" && post:
		return req.named("CreateHealthCheck"), (*Fake).createHealthCheck
	case len(parts) == 1 && parts[0] == "healthcheck" && get:
		return req.named("ListHealthChecks"), (*Fake).listHealthChecks
	case len(parts) == 2 && parts[0] == "healthcheck" && get:
		req.id = parts[1]
		return req.named("GetHealthCheck"), (*Fake).getHealthCheck
	case len(parts) == 2 && parts[0] == "healthcheck" && del:
		req.id = parts[1]
		return req.named("DeleteHealthCheck"), (*Fake).deleteHealthCheck
	case len(parts) == 3 && parts[0] == "tags" && (get || post):
		req.resType, req.id = parts[1], parts[2]
		if get {
			return req.named("ListTagsForResource"), (*Fake).listTags
		}
		return req.named("ChangeTagsForResource"), (*Fake).changeTags
	case len(parts) == 2 && parts[0] == "tags" && post:
		req.resType = parts[1]
		return req.named("ListTagsForResources"), (*Fake).listTagsForResources
	}
	return req, nil
}

func (req *request) named(op string) *request {
	req.op = op
	return req
}

// decodeBody reads an XML request document into v.
func decodeBody(req *request, v any) *apiError {
	body, err := io.ReadAll(io.LimitReader(req.http.Body, maxBodyBytes+1))
	if err != nil {
		return invalidInput("Could not read the request body: %v", err)
	}
	if len(body) > maxBodyBytes {
		return invalidInput("The request body is too large.")
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return invalidInput("Invalid XML ; %v", err)
	}
	return nil
}

func writeXML(w http.ResponseWriter, status int, doc any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if doc != nil {
		if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// accessKeyID extracts the account key from a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/date/region/route53/aws4_request, ...").
func accessKeyID(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "anonymous"
	}
	key, _, _ := strings.Cut(rest, "/")
	return key
}

func (f *Fake) nextRequestID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("%08x-f4ce-4e53-9000-%012x", f.seq, f.seq)
}

// nextID returns a Route 53-looking identifier, e.g. "ZFAKE0000000000000007"
// (21 upper-case alphanumerics like real zone and change IDs). Callers hold
// f.mu.
func (f *Fake) nextID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%sFAKE%016d", prefix, f.seq)
}
