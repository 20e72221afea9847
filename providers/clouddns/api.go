package clouddns

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"

	dns "google.golang.org/api/dns/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/meridian-dns/meridian/providers"
)

// cloudDNSAPI is the part of the Cloud DNS API the provider uses. The generated client builds
// calls step by step (List(...).PageToken(...).Do()), which no interface can list directly, so
// serviceAdapter flattens each call into one method.
type cloudDNSAPI interface {
	listZones(ctx context.Context, project, dnsName, pageToken string) (*dns.ManagedZonesListResponse, error)
	listRRSets(ctx context.Context, project, zone, pageToken string) (*dns.ResourceRecordSetsListResponse, error)
	createChange(ctx context.Context, project, zone string, change *dns.Change) (*dns.Change, error)
}

// serviceAdapter is cloudDNSAPI over the generated client.
type serviceAdapter struct{ svc *dns.Service }

var _ cloudDNSAPI = (*serviceAdapter)(nil)

// rrsetPageSize asks for the largest page the API serves, so that a zone of 10,000 rrsets (the
// default quota) lists in ten calls rather than a hundred.
const rrsetPageSize = 1000

// newService builds the generated client: against endpoint without credentials (the fake, the
// demo), else against Google with Application Default Credentials.
func newService(ctx context.Context, endpoint string) (*dns.Service, error) {
	if endpoint != "" {
		return dns.NewService(ctx, option.WithEndpoint(endpoint), option.WithoutAuthentication())
	}
	return dns.NewService(ctx, option.WithScopes(dns.NdevClouddnsReadwriteScope))
}

func (a *serviceAdapter) listZones(ctx context.Context, project, dnsName, pageToken string) (*dns.ManagedZonesListResponse, error) {
	call := a.svc.ManagedZones.List(project).DnsName(dnsName).Context(ctx)
	if pageToken != "" {
		call = call.PageToken(pageToken)
	}
	return call.Do()
}

func (a *serviceAdapter) listRRSets(ctx context.Context, project, zone, pageToken string) (*dns.ResourceRecordSetsListResponse, error) {
	call := a.svc.ResourceRecordSets.List(project, zone).MaxResults(rrsetPageSize).Context(ctx)
	if pageToken != "" {
		call = call.PageToken(pageToken)
	}
	return call.Do()
}

func (a *serviceAdapter) createChange(ctx context.Context, project, zone string, change *dns.Change) (*dns.Change, error) {
	return a.svc.Changes.Create(project, zone, change).Context(ctx).Do()
}

// Method names, as the requests metric labels them.
const (
	methodListZones    = "managedZones.list"
	methodListRRSets   = "resourceRecordSets.list"
	methodCreateChange = "changes.create"
)

// call makes one request: it waits for the client-side token bucket, bounds the request by the
// request timeout, counts it by outcome, and marks retryable failures soft.
func (p *Provider) call(ctx context.Context, method string, fn func(context.Context) error) error {
	if err := p.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The bucket cannot give a token before ctx's deadline: throttled, on our side.
		return providers.Soft(err)
	}
	ctx, cancel := context.WithTimeout(ctx, p.requestTimeout)
	defer cancel()
	err := fn(ctx)
	requestsTotal.WithLabelValues(method, code(err)).Inc()
	return classify(err)
}

// retry makes a request until it succeeds or fails for good, backing off after soft failures.
// The generated client never retries by itself.
func (p *Provider) retry(ctx context.Context, method string, fn func(context.Context) error) error {
	return providers.Retry(ctx, p.backoff, func(ctx context.Context) error {
		return p.call(ctx, method, fn)
	})
}

// code is the metric's outcome label: the HTTP status, or "error" when none came back.
func code(err error) string {
	var gerr *googleapi.Error
	switch {
	case err == nil:
		return "200"
	case errors.As(err, &gerr):
		return strconv.Itoa(gerr.Code)
	}
	return "error"
}

// classify marks throttling, server errors and transport failures soft: the same request may
// succeed later. Everything else the API answers is returned as it is.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		if gerr.Code == 429 || gerr.Code >= 500 || (gerr.Code == 403 && hasReason(gerr, "rateLimitExceeded", "userRateLimitExceeded")) {
			return providers.Soft(err)
		}
		return err
	}
	var urlErr *url.Error
	var netErr net.Error
	if errors.As(err, &urlErr) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) {
		return providers.Soft(err)
	}
	return err
}

// hasReason reports whether the API error carries one of reasons.
func hasReason(gerr *googleapi.Error, reasons ...string) bool {
	for _, item := range gerr.Errors {
		for _, r := range reasons {
			if item.Reason == r {
				return true
			}
		}
	}
	return false
}

// statusOf is the HTTP status of an API error, 0 for other errors.
func statusOf(err error) int {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		return gerr.Code
	}
	return 0
}
