package route53

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
	"github.com/meridian-dns/meridian/providers/registry"
	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

const (
	testOwner    = "meridian"
	testResource = "dnsendpoint/shop/web"
	testZone     = "example.com"
)

// fastBackoff keeps retries quick in tests; Attempts is high enough that injected faults rarely
// exhaust it, low enough that they sometimes do.
var fastBackoff = providers.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond, Factor: 2, Attempts: 4}

// env is a fake Route 53 with one zone, and the SDK client the providers under test use.
type env struct {
	t      *testing.T
	fake   *route53fake.Fake
	zoneID string
	api    *recordingAPI
}

func newEnv(t *testing.T) *env {
	t.Helper()
	f := route53fake.New(route53fake.Options{Seed: 7})
	t.Cleanup(f.Close)
	e := &env{t: t, fake: f, zoneID: f.CreateZone(testZone)}
	e.api = &recordingAPI{route53API: sdkClient(f.URL)}
	return e
}

// sdkClient is the real SDK client pointed at the fake, without the SDK's retries.
func sdkClient(url string) *route53.Client {
	return route53.NewFromConfig(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDMERIDIANTEST", "secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}, func(o *route53.Options) { o.BaseEndpoint = aws.String(url) })
}

// provider returns a new Provider over the env's client; cfg's zero fields get test values.
func (e *env) provider(cfg Config) *Provider {
	e.t.Helper()
	if cfg.Zones == nil {
		cfg.Zones = []string{testZone}
	}
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond, cfg.Burst = 10000, 10000
	}
	if cfg.Backoff == (providers.Backoff{}) {
		cfg.Backoff = fastBackoff
	}
	p, err := New(testCtx(e.t), cfg, e.api)
	if err != nil {
		e.t.Fatalf("New: %v", err)
	}
	return p
}

// owned wraps p as the publish controller does.
func owned(p providers.Provider) *registry.Registry {
	return registry.New(registry.NewTXT(p), testOwner)
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// syncOnce is one pass of the publish controller for one resource: list, canonicalise, plan,
// apply. It returns the changes it applied (or tried to).
func syncOnce(ctx context.Context, reg *registry.Registry, resource string, desired []providers.Record) (providers.Changes, error) {
	current, err := reg.Records(ctx)
	if err != nil {
		return providers.Changes{}, err
	}
	res, err := plan.Calculate(current, providers.Canonical(reg, desired), reg.Owner(), resource)
	if err != nil {
		return providers.Changes{}, err
	}
	return res.Changes, reg.ApplyChanges(ctx, res.Changes)
}

// converge repeats syncOnce, relisting after every error as the controller does, until a pass
// has nothing left to change; it fails the test after rounds passes.
func converge(t *testing.T, reg *registry.Registry, resource string, desired []providers.Record, rounds int) {
	t.Helper()
	ctx := testCtx(t)
	var last error
	failed := 0
	for round := range rounds {
		changes, err := syncOnce(ctx, reg, resource, desired)
		if err == nil && changes.Empty() {
			t.Logf("converged after %d passes, %d of them failed", round+1, failed)
			return
		}
		if err != nil {
			failed++
		}
		last = err
	}
	t.Fatalf("not converged after %d rounds; last error: %v", rounds, last)
}

// mustSync is one pass that must succeed.
func mustSync(t *testing.T, reg *registry.Registry, resource string, desired []providers.Record) providers.Changes {
	t.Helper()
	changes, err := syncOnce(testCtx(t), reg, resource, desired)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return changes
}

// set builds a desired record set.
func set(name, typ string, targets ...string) providers.Record {
	return providers.Record{Name: name, Type: typ, TTL: 60, Targets: targets}
}

// routed builds a cluster's share of a routed name.
func routed(name, cluster, routing string, targets ...string) providers.Record {
	r := set(name, providers.TypeA, targets...)
	r.SetIdentifier, r.Cluster, r.Routing = cluster, cluster, routing
	return r
}

func ptr[T any](v T) *T { return &v }

// render writes a stored set on one line, every field the provider uses included, so that two
// lists compare exactly and differ readably.
func render(s types.ResourceRecordSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s ttl=%d", aws.ToString(s.Name), s.Type, aws.ToInt64(s.TTL))
	if s.SetIdentifier != nil {
		fmt.Fprintf(&b, " set=%s", *s.SetIdentifier)
	}
	if s.Weight != nil {
		fmt.Fprintf(&b, " weight=%d", *s.Weight)
	}
	if s.Region != "" {
		fmt.Fprintf(&b, " region=%s", s.Region)
	}
	if s.Failover != "" {
		fmt.Fprintf(&b, " failover=%s", s.Failover)
	}
	if s.MultiValueAnswer != nil {
		fmt.Fprintf(&b, " multivalue=%t", *s.MultiValueAnswer)
	}
	if s.HealthCheckId != nil {
		b.WriteString(" healthcheck")
	}
	fmt.Fprintf(&b, " %v", values(&s))
	return b.String()
}

// stored renders the zone's sets in listing order, without the zone's own SOA and NS.
func (e *env) stored() []string {
	var out []string
	for _, s := range e.fake.RecordSets(e.zoneID) {
		if aws.ToString(s.Name) == testZone+"." && (s.Type == types.RRTypeSoa || s.Type == types.RRTypeNs) {
			continue
		}
		out = append(out, render(s))
	}
	return out
}

func wantLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// heritage is the companion TXT value the registry writes for testResource.
const heritage = `"heritage=external-dns,external-dns/owner=meridian,external-dns/resource=dnsendpoint/shop/web"`

// recordingAPI is the real client with a record of every change batch sent (answered or not),
// and hooks a test can set to fail or observe calls.
type recordingAPI struct {
	route53API

	mu           sync.Mutex
	batches      [][]types.Change
	beforeChange func(n int) // called with the 1-based number of the batch about to be sent
	afterCreate  func(out *route53.CreateHealthCheckOutput) error
}

func (a *recordingAPI) ChangeResourceRecordSets(ctx context.Context, in *route53.ChangeResourceRecordSetsInput, opts ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error) {
	a.mu.Lock()
	a.batches = append(a.batches, slices.Clone(in.ChangeBatch.Changes))
	n, hook := len(a.batches), a.beforeChange
	a.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return a.route53API.ChangeResourceRecordSets(ctx, in, opts...)
}

func (a *recordingAPI) CreateHealthCheck(ctx context.Context, in *route53.CreateHealthCheckInput, opts ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error) {
	out, err := a.route53API.CreateHealthCheck(ctx, in, opts...)
	a.mu.Lock()
	hook := a.afterCreate
	a.mu.Unlock()
	if err == nil && hook != nil {
		if herr := hook(out); herr != nil {
			return nil, herr
		}
	}
	return out, err
}

// sent returns the batches sent since the last reset, and resets.
func (a *recordingAPI) sent() [][]types.Change {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.batches
	a.batches = nil
	return out
}

// batchSize counts a batch the way Route 53's limits do: UPSERT values twice.
func batchSize(changes []types.Change) (n, chars int) {
	for _, c := range changes {
		factor := 1
		if c.Action == types.ChangeActionUpsert {
			factor = 2
		}
		for _, v := range values(c.ResourceRecordSet) {
			n += factor
			chars += factor * len(v)
		}
	}
	return n, chars
}
