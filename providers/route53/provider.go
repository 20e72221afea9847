// Package route53 is the Provider for Amazon Route 53. Each managed domain is a public hosted zone,
// found by name. Routing strategies become Route 53 routing policies, with SetIdentifier = the
// cluster:
//
//	nearest   latency records; Region = the cluster's region if it is an AWS region, else the
//	          AWS region nearest to it (plugin/gslb/nearest's coordinates)
//	weighted  weighted records (Weight 0..255)
//	failover  failover records: the set with the lowest priority PRIMARY, the next SECONDARY
//	all       multivalue answer records
//	(plain)   a simple record set when there is no SetIdentifier
//
// Sets that ask for a health check get a Route 53 health check that Meridian creates, tags and
// deletes (healthcheck.go). Changes go out in change batches within Route 53's limits, every
// set of a name in the same batch (apply.go, batch.go). Every API call is paced by a client-side
// token bucket, counted (meridian_route53_requests_total) and retried with backoff when Route 53
// throttles or fails; the SDK's own retries are off so that this pacing sees every attempt.
//
// Route 53 keeps no owner per record: wrap the provider as registry.New(registry.NewTXT(p), owner),
// which adds external-dns-style companion TXT records to the same change batches.
package route53

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/go-logr/logr"
	"golang.org/x/time/rate"

	"github.com/meridian-dns/meridian/providers"
)

// Defaults for the zero values of Config.
const (
	// DefaultRequestsPerSecond is Route 53's documented quota: five requests per second per
	// account, shared by every client of the account.
	DefaultRequestsPerSecond = 5
	DefaultBurst             = 1
	DefaultRegion            = "us-east-1"
	// DefaultMaxBatchValues and DefaultMaxBatchChars are ChangeResourceRecordSets' limits on the
	// values of one request and on their characters, UPSERT values counted twice.
	DefaultMaxBatchValues = 1000
	DefaultMaxBatchChars  = 32000
)

// DefaultBackoff retries a throttled or failed call five times over about fifteen seconds, then
// gives the caller a soft error; the publish controller tries again a few seconds later.
var DefaultBackoff = providers.Backoff{Initial: 500 * time.Millisecond, Max: 8 * time.Second, Factor: 2, Jitter: 0.2, Attempts: 6}

// Errors callers branch on. Failures worth retrying as they are come back as providers.SoftError;
// changes planned on a stale view wrap providers.ErrStale.
var (
	// ErrZoneNotFound: no public hosted zone has a configured domain's name.
	ErrZoneNotFound = errors.New("hosted zone not found")
	// ErrOutsideZones: a changed set's name is in none of the managed zones. Nothing is applied.
	ErrOutsideZones = errors.New("name is outside the zones this provider manages")
	// ErrUnmanaged: a change would write a type other than A, AAAA, CNAME and TXT, or touch a set
	// Meridian never changes (SOA, NS, alias, geolocation...). Nothing is applied.
	ErrUnmanaged = errors.New("record set is of a kind this provider never changes")
	// ErrRejected: Route 53 refused a change as invalid; sending it again cannot help.
	ErrRejected = errors.New("route 53 rejected the change")
)

// Config says which hosted zones the provider manages and how it talks to Route 53.
type Config struct {
	// Zones are the domains to manage, each the name of exactly one public hosted zone.
	Zones []string
	// Endpoint overrides the Route 53 endpoint (a fake, a demo); empty means AWS's.
	Endpoint string
	// RequestsPerSecond and Burst shape the token bucket every call waits on; zero means
	// DefaultRequestsPerSecond and DefaultBurst.
	RequestsPerSecond float64
	Burst             int
	// DefaultRegion is the AWS region of nearest sets whose cluster has no region, or one that
	// neither RegionMap nor the coordinate table knows; empty means DefaultRegion.
	DefaultRegion string
	// RegionMap maps cluster region labels (lower case) to AWS regions before any other rule,
	// for clusters on premises or in clouds the coordinate table lacks.
	RegionMap map[string]string
	// MaxBatchValues and MaxBatchChars bound one change batch; zero means Route 53's limits.
	MaxBatchValues, MaxBatchChars int
	// Backoff paces the retries of one call; the zero value means DefaultBackoff.
	Backoff providers.Backoff
	// Logger receives the few things worth an operator's attention; the zero value discards.
	Logger logr.Logger
}

// route53API is the part of the SDK client the provider uses.
type route53API interface {
	ListHostedZonesByName(context.Context, *route53.ListHostedZonesByNameInput, ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error)
	ListResourceRecordSets(context.Context, *route53.ListResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error)
	ChangeResourceRecordSets(context.Context, *route53.ChangeResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error)
	ListHealthChecks(context.Context, *route53.ListHealthChecksInput, ...func(*route53.Options)) (*route53.ListHealthChecksOutput, error)
	GetHealthCheck(context.Context, *route53.GetHealthCheckInput, ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error)
	CreateHealthCheck(context.Context, *route53.CreateHealthCheckInput, ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error)
	DeleteHealthCheck(context.Context, *route53.DeleteHealthCheckInput, ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error)
	ChangeTagsForResource(context.Context, *route53.ChangeTagsForResourceInput, ...func(*route53.Options)) (*route53.ChangeTagsForResourceOutput, error)
}

var _ route53API = (*route53.Client)(nil)

// hostedZone is one managed zone: its bare ID and its name, lower case without the final dot.
type hostedZone struct{ id, name string }

// Provider reads and writes the record sets of its hosted zones.
type Provider struct {
	api                 route53API
	limiter             *rate.Limiter
	backoff             providers.Backoff
	zones               []hostedZone // longest name first, so the first match is the closest zone
	regions             *regionMapper
	maxValues, maxChars int
	log                 logr.Logger

	// mu serialises Records and ApplyChanges, which both read and replace sets and checks.
	mu sync.Mutex
	// sets holds, per zone ID, every set as Route 53 last listed it or as this provider last
	// wrote it, so that a DELETE repeats a set's exact values (health check ID included)
	// without reading it again. nil until the zones are first listed.
	sets map[string]map[providers.Key]types.ResourceRecordSet
	// checks indexes the account's health checks as last listed, plus those created since.
	checks *checkIndex
	// pendingSweep holds, per zone ID, the owners whose unused health checks a failed sweep left.
	pendingSweep map[string]map[string]bool
}

var _ providers.Provider = (*Provider)(nil)
var _ providers.Canonicalizer = (*Provider)(nil)

// New finds the hosted zones of cfg.Zones and returns a provider for them. api is the Route 53
// client; nil builds one from the standard AWS credential chain (environment, shared files, web
// identity, instance role) with cfg.Endpoint and without the SDK's own retries.
func New(ctx context.Context, cfg Config, api route53API) (*Provider, error) {
	names, err := normalizeZones(cfg.Zones)
	if err != nil {
		return nil, err
	}
	if cfg.RequestsPerSecond < 0 || cfg.Burst < 0 || cfg.MaxBatchValues < 0 || cfg.MaxBatchChars < 0 {
		return nil, errors.New("route53 provider: negative rate, burst or batch limit")
	}
	if api == nil {
		if api, err = newClient(ctx, cfg.Endpoint); err != nil {
			return nil, err
		}
	}
	backoff := cfg.Backoff
	if backoff == (providers.Backoff{}) {
		backoff = DefaultBackoff
	}
	p := &Provider{
		api:       api,
		limiter:   rate.NewLimiter(rate.Limit(cmp.Or(cfg.RequestsPerSecond, DefaultRequestsPerSecond)), cmp.Or(cfg.Burst, DefaultBurst)),
		backoff:   backoff,
		regions:   newRegionMapper(cmp.Or(cfg.DefaultRegion, DefaultRegion), cfg.RegionMap, cfg.Logger),
		maxValues: cmp.Or(cfg.MaxBatchValues, DefaultMaxBatchValues),
		maxChars:  cmp.Or(cfg.MaxBatchChars, DefaultMaxBatchChars),
		log:       cfg.Logger,
		checks:    newCheckIndex(),

		pendingSweep: map[string]map[string]bool{},
	}
	registerMetrics()
	for _, name := range names {
		z, err := p.findZone(ctx, name)
		if err != nil {
			return nil, err
		}
		p.zones = append(p.zones, z)
	}
	slices.SortFunc(p.zones, func(a, b hostedZone) int {
		return cmp.Or(cmp.Compare(len(b.name), len(a.name)), strings.Compare(a.name, b.name))
	})
	return p, nil
}

// newClient builds the SDK client. Route 53 is a global service; the region only picks the
// partition's endpoint and signing region, so one is set when the chain names none.
func newClient(ctx context.Context, endpoint string) (*route53.Client, error) {
	awsCfg, err := config.LoadDefaultConfig(ctx,
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }))
	if err != nil {
		return nil, fmt.Errorf("route53 provider: loading AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = DefaultRegion
	}
	return route53.NewFromConfig(awsCfg, func(o *route53.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}

func normalizeZones(zones []string) ([]string, error) {
	if len(zones) == 0 {
		return nil, errors.New("route53 provider: no zones to manage")
	}
	var out []string
	for _, z := range zones {
		z = canonicalName(z)
		if z == "" {
			return nil, errors.New("route53 provider: an empty zone name")
		}
		out = append(out, z)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// findZone looks a domain's public hosted zone up by name. Private zones of the same name are
// skipped: the records Meridian publishes are for clients on the Internet.
func (p *Provider) findZone(ctx context.Context, name string) (hostedZone, error) {
	out, err := call(ctx, p, "ListHostedZonesByName", func(ctx context.Context) (*route53.ListHostedZonesByNameOutput, error) {
		return p.api.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(name + ".")})
	})
	if err != nil {
		return hostedZone{}, fmt.Errorf("looking up the hosted zone of %s: %w", name, err)
	}
	var found []hostedZone
	for _, hz := range out.HostedZones {
		if canonicalName(aws.ToString(hz.Name)) != name || (hz.Config != nil && hz.Config.PrivateZone) {
			continue
		}
		found = append(found, hostedZone{id: strings.TrimPrefix(aws.ToString(hz.Id), "/hostedzone/"), name: name})
	}
	switch len(found) {
	case 0:
		return hostedZone{}, fmt.Errorf("route53 provider: %w: no public hosted zone named %s", ErrZoneNotFound, name)
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, z := range found {
		ids[i] = z.id
	}
	return hostedZone{}, fmt.Errorf("route53 provider: %d public hosted zones are named %s (%s); keep one", len(found), name, strings.Join(ids, ", "))
}

// zoneOf returns the closest managed zone holding name.
func (p *Provider) zoneOf(name string) (hostedZone, bool) {
	for _, z := range p.zones {
		if name == z.name || strings.HasSuffix(name, "."+z.name) {
			return z, true
		}
	}
	return hostedZone{}, false
}

// ZoneIDs returns the IDs of the managed hosted zones by domain, for tests and diagnostics.
func (p *Provider) ZoneIDs() map[string]string {
	out := make(map[string]string, len(p.zones))
	for _, z := range p.zones {
		out[z.name] = z.id
	}
	return out
}
