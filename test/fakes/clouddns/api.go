package clouddnsfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	dns "google.golang.org/api/dns/v1"
)

// callCtx is what a handler gets: the request, its path parameters and, for changes.create, the
// decoded body.
type callCtx struct {
	r       *http.Request
	project string
	zone    string
	change  *dns.Change
	bodyErr *apiError
}

type handler func(c *callCtx) (any, *apiError)

const methodChangesCreate = "dns.changes.create"

// routes maps the paths the generated client builds (dns-gen.go: "dns/v1/projects/{project}/...")
// to handlers named by the client's method ids.
func (f *Fake) routes() http.Handler {
	const zones = "/dns/v1/projects/{project}/managedZones"
	mux := http.NewServeMux()
	mux.Handle("GET "+zones, f.api("dns.managedZones.list", f.listZones))
	mux.Handle("GET "+zones+"/{zone}", f.api("dns.managedZones.get", f.getZone))
	mux.Handle("GET "+zones+"/{zone}/rrsets", f.api("dns.resourceRecordSets.list", f.listRRSets))
	mux.Handle("GET "+zones+"/{zone}/rrsets/{name}/{type}", f.api("dns.resourceRecordSets.get", f.getRRSet))
	mux.Handle("POST "+zones+"/{zone}/changes", f.api(methodChangesCreate, f.createChange))
	mux.Handle("GET "+zones+"/{zone}/changes", f.api("dns.changes.list", f.listChanges))
	mux.Handle("GET "+zones+"/{zone}/changes/{id}", f.api("dns.changes.get", f.getChange))
	mux.Handle("/", f.api("unknown", unknownPath))
	return mux
}

// api wraps a handler with what every call gets: latency, injected faults, the project check,
// the JSON answer and the call log.
func (f *Fake) api(method string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := f.now()
		c := &callCtx{r: r, project: r.PathValue("project"), zone: r.PathValue("zone")}
		if method == methodChangesCreate {
			c.decodeChange()
		}
		resp, apiErr, injected := f.serve(method, c, h)
		status := writeAnswer(w, resp, apiErr)
		call := Call{Time: start, Method: method, Project: c.project, Zone: c.zone, Status: status,
			Injected: injected, Duration: f.now().Sub(start)}
		if apiErr != nil {
			call.Reason = apiErr.reason()
		}
		if c.change != nil {
			call.Additions, call.Deletions = len(c.change.Additions), len(c.change.Deletions)
		}
		f.record(call)
	})
}

func (f *Fake) serve(method string, c *callCtx, h handler) (resp any, apiErr *apiError, injected bool) {
	if d := f.latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
		}
	}
	if e := f.injectBefore(method); e != nil {
		return nil, e, true
	}
	if method != "unknown" && c.project != f.project {
		return nil, errForbiddenProject(c.project), false
	}
	resp, apiErr = h(c)
	if apiErr == nil && method == methodChangesCreate {
		if e := f.injectAfterCommit(); e != nil {
			return nil, e, true
		}
	}
	return resp, apiErr, false
}

// decodeChange reads a changes.create body into the client's own Change type, refusing unknown
// fields as the service refuses them ("Invalid JSON payload received. Unknown name ...").
func (c *callCtx) decodeChange() {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 64<<20))
	if err != nil {
		c.bodyErr = newAPIError(http.StatusBadRequest, ReasonParseError, "Reading the request body: %v", err)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	ch := &dns.Change{}
	if err := dec.Decode(ch); err != nil {
		c.bodyErr = newAPIError(http.StatusBadRequest, ReasonParseError, "Invalid JSON payload received. %v", err)
		return
	}
	c.change = ch
}

func writeAnswer(w http.ResponseWriter, resp any, apiErr *apiError) int {
	status, body := http.StatusOK, resp
	if apiErr != nil {
		status, body = apiErr.code, apiErr.body()
	}
	// Google's servers do not HTML-escape "<" and ">" in JSON; neither does the fake.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		buf.Reset()
		status = http.StatusInternalServerError
		_ = enc.Encode(faultError(status).body())
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return status
}

// unknownPath answers requests the fake does not serve. A doubled "/dns/v1/dns/v1/" prefix (or
// none) comes from an endpoint that already ends in "/dns/v1/": the client appends "dns/v1/..."
// itself. Other API paths are real methods the fake does not implement (managedZones.create,
// resourceRecordSets.create, ...), answered 501 so that a test using one fails plainly.
func unknownPath(c *callCtx) (any, *apiError) {
	p := c.r.URL.Path
	if !strings.HasPrefix(p, "/dns/v1/projects/") {
		return nil, newAPIError(http.StatusNotFound, ReasonNotFound,
			"The fake Cloud DNS API has no %s %s; point option.WithEndpoint at Fake.Endpoint() "+
				"(the server URL with a trailing slash, without /dns/v1/)", c.r.Method, p)
	}
	return nil, newAPIError(http.StatusNotImplemented, ReasonNotImplemented,
		"The fake Cloud DNS API does not implement %s %s", c.r.Method, p)
}

// pageParams reads maxResults and pageToken. The server chooses the page length when maxResults
// is absent ("If unspecified, the server decides how many results to return").
func (f *Fake) pageParams(c *callCtx) (size int, token string, e *apiError) {
	q := c.r.URL.Query()
	size = f.opts.PageSize
	if s := q.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, "", errInvalidValue("maxResults", s)
		}
		if n > 0 {
			size = min(n, f.opts.MaxPageSize)
		}
	}
	if t := q.Get("pageToken"); t != "" {
		raw, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil {
			return 0, "", errInvalidValue("pageToken", t)
		}
		token = string(raw)
	}
	return size, token, nil
}

func encodeToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// offsetPage pages a list by position: token is the decimal offset of the page's first item.
func offsetPage(total, size int, token string) (from, to int, next string, e *apiError) {
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > total {
			return 0, 0, "", errInvalidValue("pageToken", encodeToken(token))
		}
		from = n
	}
	to = min(total, from+size)
	if to < total {
		next = encodeToken(fmt.Sprint(to))
	}
	return from, to, next, nil
}
