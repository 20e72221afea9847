package route53

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

func withCheck(r providers.Record, hc providers.HealthCheck) providers.Record {
	r.HealthCheck = &hc
	return r
}

// checksByIP describes the fake's health checks, keyed by what they probe.
func (e *env) checks() map[string]types.HealthCheck {
	out := map[string]types.HealthCheck{}
	for _, hc := range e.fake.HealthChecks() {
		c := hc.HealthCheckConfig
		out[aws.ToString(c.IPAddress)+"|"+aws.ToString(c.FullyQualifiedDomainName)] = hc
	}
	return out
}

// attached maps each stored set ("name type set") with a health check to the check's ID.
func (e *env) attached() map[string]string {
	out := map[string]string{}
	for _, s := range e.fake.RecordSets(e.zoneID) {
		if s.HealthCheckId != nil {
			out[aws.ToString(s.Name)+" "+string(s.Type)+" "+aws.ToString(s.SetIdentifier)] = *s.HealthCheckId
		}
	}
	return out
}

func TestHealthCheckLifecycle(t *testing.T) {
	e := newEnv(t)
	// Deleting a check a set still uses is refused: the provider must detach first.
	e.fake.SetRefuseInUseHealthCheckDelete(true)
	client := sdkClient(e.fake.URL)
	foreign, err := client.CreateHealthCheck(testCtx(t), &route53.CreateHealthCheckInput{CallerReference: aws.String("someone-else"),
		HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("1.1.1.1"), Port: aws.Int32(53)}})
	if err != nil {
		t.Fatal(err)
	}
	reg := owned(e.provider(Config{}))
	www := withCheck(routed("www.example.com", "c1", providers.RoutingFailover, "8.8.8.8", "8.8.4.4"),
		providers.HealthCheck{Protocol: "HTTP", Port: 8080, Path: "/healthz", IntervalSeconds: 10, FailureThreshold: 2})
	api := withCheck(set("api.example.com", providers.TypeCNAME, "lb.example.net"), providers.HealthCheck{Protocol: "HTTPS"})
	mustSync(t, reg, testResource, []providers.Record{www, api})

	checks := e.checks()
	if len(checks) != 3 {
		t.Fatalf("%d health checks, want ours two and the foreign one: %v", len(checks), checks)
	}
	ip := checks["8.8.4.4|www.example.com"] // the first target, with the name as Host header
	if c := ip.HealthCheckConfig; c == nil || c.Type != types.HealthCheckTypeHttp || aws.ToInt32(c.Port) != 8080 ||
		aws.ToString(c.ResourcePath) != "/healthz" || aws.ToInt32(c.RequestInterval) != 10 || aws.ToInt32(c.FailureThreshold) != 2 {
		t.Errorf("check of www: %+v", c)
	}
	host := checks["|lb.example.net"]
	if c := host.HealthCheckConfig; c == nil || c.Type != types.HealthCheckTypeHttps || aws.ToInt32(c.Port) != 443 {
		t.Errorf("check of api: %+v", c)
	}
	if !strings.HasPrefix(aws.ToString(ip.CallerReference), "meridian-") {
		t.Errorf("reference %q", aws.ToString(ip.CallerReference))
	}
	tags := e.fake.Tags("healthcheck", aws.ToString(ip.Id))
	if tags["meridian.io/owner"] != testOwner || tags["Name"] != "www.example.com A c1" {
		t.Errorf("tags of www's check: %v", tags)
	}
	wantAttached(t, e, map[string]string{
		"www.example.com. A c1":   aws.ToString(ip.Id),
		"api.example.com. CNAME ": aws.ToString(host.Id),
	})
	recs, err := reg.Records(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Name == "www.example.com" && (r.HealthCheck == nil || r.HealthCheck.Path != "/healthz") {
			t.Errorf("Records reports www's health check as %+v", r.HealthCheck)
		}
	}

	// New targets: a new check of the new first target replaces the old one, which is deleted.
	www.Targets = []string{"9.9.9.9"}
	mustSync(t, reg, testResource, []providers.Record{www, api})
	checks = e.checks()
	if _, ok := checks["8.8.4.4|www.example.com"]; ok || len(checks) != 3 {
		t.Errorf("after the target change: %v", keys(checks))
	}
	wantAttached(t, e, map[string]string{
		"www.example.com. A c1":   aws.ToString(checks["9.9.9.9|www.example.com"].Id),
		"api.example.com. CNAME ": aws.ToString(host.Id),
	})

	// No health check asked any more: detached, then deleted. Withdrawing the rest leaves only
	// the foreign check.
	www.HealthCheck = nil
	mustSync(t, reg, testResource, []providers.Record{www, api})
	if len(e.attached()) != 1 || len(e.fake.HealthChecks()) != 2 {
		t.Errorf("after dropping www's check: attached %v, checks %v", e.attached(), keys(e.checks()))
	}
	mustSync(t, reg, testResource, nil)
	list, err := client.ListHealthChecks(testCtx(t), &route53.ListHealthChecksInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.HealthChecks) != 1 || aws.ToString(list.HealthChecks[0].Id) != aws.ToString(foreign.HealthCheck.Id) {
		t.Errorf("after withdrawing everything ListHealthChecks has %d checks, want only the foreign one", len(list.HealthChecks))
	}
}

func wantAttached(t *testing.T, e *env, want map[string]string) {
	t.Helper()
	got := e.attached()
	if len(got) != len(want) {
		t.Errorf("attached checks %v, want %v", got, want)
	}
	for k, id := range want {
		if got[k] != id || id == "" {
			t.Errorf("%s: attached %q, want %q", k, got[k], id)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestHealthCheckCreateIsIdempotent loses the answer to CreateHealthCheck once: the retry sends
// the same CallerReference and settings and gets the same check, not a second one.
func TestHealthCheckCreateIsIdempotent(t *testing.T) {
	e := newEnv(t)
	lost := 0
	e.api.afterCreate = func(*route53.CreateHealthCheckOutput) error {
		if lost == 0 {
			lost++
			return &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		}
		return nil
	}
	reg := owned(e.provider(Config{}))
	mustSync(t, reg, testResource, []providers.Record{withCheck(set("www.example.com", "A", "8.8.8.8"), providers.HealthCheck{Protocol: "TCP", Port: 443})})
	if n := e.fake.CallCounts()["CreateHealthCheck"]; n != 2 {
		t.Errorf("%d CreateHealthCheck calls, want 2 (one answer lost)", n)
	}
	if n := len(e.fake.HealthChecks()); n != 1 {
		t.Errorf("%d health checks, want 1", n)
	}
}

// TestHealthCheckRecreatedAfterDelete deletes a check and asks for the same one again: the old
// CallerReference is reserved for good, so another generation is used, by the same provider and
// by a new one that does not remember the first generation.
func TestHealthCheckRecreatedAfterDelete(t *testing.T) {
	e := newEnv(t)
	www := withCheck(set("www.example.com", "A", "8.8.8.8"), providers.HealthCheck{Protocol: "HTTP"})
	reg := owned(e.provider(Config{}))
	var refs []string
	for round := range 3 {
		if round == 2 {
			reg = owned(e.provider(Config{}))
		}
		mustSync(t, reg, testResource, []providers.Record{www})
		hcs := e.fake.HealthChecks()
		if len(hcs) != 1 {
			t.Fatalf("round %d: %d health checks, want 1", round, len(hcs))
		}
		refs = append(refs, aws.ToString(hcs[0].CallerReference))
		if id := e.attached()["www.example.com. A "]; id != aws.ToString(hcs[0].Id) {
			t.Fatalf("round %d: set has check %q, want %q", round, id, aws.ToString(hcs[0].Id))
		}
		mustSync(t, reg, testResource, nil)
		if n := len(e.fake.HealthChecks()); n != 0 {
			t.Fatalf("round %d: %d health checks left after withdrawing the set", round, n)
		}
	}
	base := refs[0][:strings.LastIndexByte(refs[0], '-')]
	want := []string{base + "-1", base + "-2", base + "-4"}
	for i := range want {
		if refs[i] != want[i] {
			t.Errorf("references %v, want %v", refs, want)
			break
		}
	}
}

// TestHealthCheckRefused asks for a check of a private address, which Route 53 cannot check:
// that name is left unchanged and named in the error, the others are published.
func TestHealthCheckRefused(t *testing.T) {
	e := newEnv(t)
	reg := owned(e.provider(Config{}))
	_, err := syncOnce(testCtx(t), reg, testResource, []providers.Record{
		withCheck(set("private.example.com", "A", "10.0.0.1"), providers.HealthCheck{Protocol: "HTTP"}),
		set("public.example.com", "A", "8.8.8.8"),
	})
	if !errors.Is(err, ErrRejected) || providers.IsSoft(err) || !strings.Contains(err.Error(), "A private.example.com") {
		t.Fatalf("error %v, want ErrRejected naming private.example.com", err)
	}
	wantLines(t, "stored sets", e.stored(), []string{
		"a-public.example.com. TXT ttl=60 [" + heritage + "]",
		"public.example.com. A ttl=60 [8.8.8.8]",
	})
}
