// Package clouddns is the Provider for Google Cloud DNS (API v1). Cloud DNS keeps one rrset per
// name and type, so the per-cluster sets of a routed name become the items of one routing
// policy: nearest a geo policy, weighted a wrr policy, failover a primaryBackup policy, and
// strategy all a plain rrset. Records and Canonical describe each rrset as one Record in the
// canonical form documented in rrset.go, so that the plan compares like with like.
//
// Ownership is not stored here: wrap the provider as registry.New(registry.NewTXT(p), owner),
// which keeps it in external-dns-format companion TXT records.
package clouddns

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
)

// Defaults for the zero values of Config.
const (
	// DefaultRequestsPerSecond and DefaultBurst stay well below the API's default quota of
	// requests per user per minute, leaving room for other clients of the project.
	DefaultRequestsPerSecond = 5
	DefaultBurst             = 10
	DefaultRequestTimeout    = 30 * time.Second
)

// DefaultBackoff retries a throttled or failed request a few times within seconds; the caller's
// loop retries soft errors after that.
var DefaultBackoff = providers.Backoff{Initial: 250 * time.Millisecond, Max: 4 * time.Second, Factor: 2,
	Jitter: 0.2, Attempts: 5}

// Limits are the per-change quotas of https://cloud.google.com/dns/quotas. Zero fields take the
// documented values: 1,000 additions, 1,000 deletions, 100,000 bytes of rrdata per change.
type Limits struct {
	AdditionsPerChange   int
	DeletionsPerChange   int
	RrdataBytesPerChange int
}

func (l Limits) withDefaults() Limits {
	l.AdditionsPerChange = cmp.Or(l.AdditionsPerChange, 1000)
	l.DeletionsPerChange = cmp.Or(l.DeletionsPerChange, 1000)
	l.RrdataBytesPerChange = cmp.Or(l.RrdataBytesPerChange, 100_000)
	return l
}

// Config says which project and zones the provider manages and how fast it may call the API.
type Config struct {
	Project string
	// Zones are the DNS names of the managed zones, e.g. "example.com"; New finds each zone by
	// its DNS name. At least one is required.
	Zones []string
	// Endpoint, when set, is the API's base URL (the fake's or a demo's) and no credentials are
	// used; otherwise the client authenticates with Application Default Credentials.
	Endpoint string

	// RequestsPerSecond and Burst size the client-side token bucket every request waits for;
	// zero means the defaults, a negative rate no limit.
	RequestsPerSecond float64
	Burst             int
	Limits            Limits
	// RequestTimeout bounds each request; zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Backoff paces retries of throttled and failed requests; zero means DefaultBackoff.
	Backoff providers.Backoff
	// DefaultLocation is the geo location of a nearest or failover set none of whose clusters
	// has a region Cloud DNS can place; empty means DefaultLocation.
	DefaultLocation string
}

// zone is one managed zone: its resource name, which the API addresses, and its DNS name.
type zone struct {
	name    string
	dnsName string // canonical: lower case, no final dot
}

// rrKey identifies an rrset: Cloud DNS keeps one per name and type in each managed zone (a
// delegated subzone's apex NS rrset also exists in its parent).
type rrKey struct{ zone, name, typ string }

// Provider reads and writes the rrsets of its managed zones.
type Provider struct {
	api             cloudDNSAPI
	project         string
	zones           []zone // longest DNS name first, so the first match is the closest zone
	limits          Limits
	limiter         *rate.Limiter
	requestTimeout  time.Duration
	backoff         providers.Backoff
	defaultLocation string

	// mu serialises Records and ApplyChanges, which read and replace known.
	mu sync.Mutex
	// known holds every rrset as last listed or written, exactly, so that deletions (which must
	// match the stored rrset field for field) can be sent without reading the rrset first.
	known map[rrKey]*dns.ResourceRecordSet
}

var (
	_ providers.Provider      = (*Provider)(nil)
	_ providers.Canonicalizer = (*Provider)(nil)
)

// New builds a provider and finds its managed zones. api is nil except in tests: the provider
// then builds the generated client itself (see Config.Endpoint). A zone that does not exist in
// the project is an error naming it.
func New(ctx context.Context, cfg Config, api cloudDNSAPI) (*Provider, error) {
	if cfg.Project == "" {
		return nil, errors.New("clouddns provider: no project")
	}
	if len(cfg.Zones) == 0 {
		return nil, errors.New("clouddns provider: no zones to manage")
	}
	if cfg.RequestTimeout < 0 {
		return nil, errors.New("clouddns provider: negative request timeout")
	}
	if api == nil {
		svc, err := newService(ctx, cfg.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("clouddns provider: building the API client: %w", err)
		}
		api = &serviceAdapter{svc: svc}
	}
	p := &Provider{
		api:             api,
		project:         cfg.Project,
		limits:          cfg.Limits.withDefaults(),
		limiter:         newLimiter(cfg.RequestsPerSecond, cfg.Burst),
		requestTimeout:  cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
		backoff:         cfg.Backoff,
		defaultLocation: cmp.Or(cfg.DefaultLocation, DefaultLocation),
		known:           map[rrKey]*dns.ResourceRecordSet{},
	}
	if p.backoff == (providers.Backoff{}) {
		p.backoff = DefaultBackoff
	}
	for _, name := range cfg.Zones {
		z, err := p.findZone(ctx, name)
		if err != nil {
			return nil, err
		}
		p.zones = append(p.zones, z)
	}
	slices.SortFunc(p.zones, func(a, b zone) int {
		return cmp.Or(cmp.Compare(len(b.dnsName), len(a.dnsName)), strings.Compare(a.dnsName, b.dnsName))
	})
	p.zones = slices.CompactFunc(p.zones, func(a, b zone) bool { return a.name == b.name })
	return p, nil
}

func newLimiter(rps float64, burst int) *rate.Limiter {
	if rps < 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Limit(cmp.Or(rps, DefaultRequestsPerSecond)), cmp.Or(burst, DefaultBurst))
}

// findZone looks up the managed zone whose DNS name is dnsName.
func (p *Provider) findZone(ctx context.Context, dnsName string) (zone, error) {
	want := relative(strings.TrimSpace(dnsName))
	if want == "" {
		return zone{}, errors.New("clouddns provider: an empty zone name")
	}
	var listed []*dns.ManagedZone
	token := ""
	for {
		var resp *dns.ManagedZonesListResponse
		err := p.retry(ctx, methodListZones, func(ctx context.Context) error {
			var err error
			resp, err = p.api.listZones(ctx, p.project, absolute(want), token)
			return err
		})
		if err != nil {
			return zone{}, fmt.Errorf("clouddns provider: finding the managed zone of %s in project %s: %w", want, p.project, err)
		}
		listed = append(listed, resp.ManagedZones...)
		if token = resp.NextPageToken; token == "" {
			break
		}
	}
	z, err := chooseZone(want, listed)
	if err != nil {
		return zone{}, fmt.Errorf("clouddns provider: project %s: %w", p.project, err)
	}
	return z, nil
}

// chooseZone picks the zone for DNS name want among those the API listed. Where a public and a
// private zone share the name, the public one is Meridian's: it publishes to the internet.
func chooseZone(want string, listed []*dns.ManagedZone) (zone, error) {
	var found, public []zone
	for _, mz := range listed {
		if relative(mz.DnsName) != want {
			continue
		}
		z := zone{name: mz.Name, dnsName: want}
		found = append(found, z)
		if mz.Visibility == "" || mz.Visibility == "public" {
			public = append(public, z)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(public) == 1:
		return public[0], nil
	case len(found) == 0:
		return zone{}, fmt.Errorf("no managed zone for %s", want)
	}
	names := make([]string, len(found))
	for i, z := range found {
		names[i] = z.name
	}
	return zone{}, fmt.Errorf("%d managed zones for %s (%s); cannot tell which to manage",
		len(found), want, strings.Join(names, ", "))
}

// zoneOf returns the closest managed zone name is in.
func (p *Provider) zoneOf(name string) (zone, bool) {
	for _, z := range p.zones {
		if name == z.dnsName || strings.HasSuffix(name, "."+z.dnsName) {
			return z, true
		}
	}
	return zone{}, false
}
