package route53

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	dto "github.com/prometheus/client_model/go"

	"github.com/meridian-dns/meridian/providers"
)

func TestNewFindsZones(t *testing.T) {
	e := newEnv(t)
	sub := e.fake.CreateZone("sub.example.com")
	p := e.provider(Config{Zones: []string{"Sub.Example.com.", "example.com"}})
	ids := p.ZoneIDs()
	if ids["example.com"] != e.zoneID || ids["sub.example.com"] != sub {
		t.Errorf("zone IDs %v", ids)
	}
	// A name below both zones belongs to the closer one.
	if err := p.ApplyChanges(testCtx(t), providers.Changes{Create: []providers.Record{set("www.sub.example.com", "A", "203.0.113.1")}}); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range e.fake.RecordSets(sub) {
		found = found || aws.ToString(s.Name) == "www.sub.example.com."
	}
	if !found {
		t.Error("www.sub.example.com was not written to the sub.example.com zone")
	}
}

func TestNewErrors(t *testing.T) {
	e := newEnv(t)
	e.fake.CreateZone("twice.example")
	e.fake.CreateZone("twice.example")
	cases := []struct {
		zones []string
		is    error
		want  string
	}{
		{nil, nil, "no zones"},
		{[]string{"example.com", "missing.example"}, ErrZoneNotFound, "missing.example"},
		{[]string{"twice.example"}, nil, "2 public hosted zones are named twice.example"},
	}
	for _, tc := range cases {
		cfg := Config{Zones: tc.zones, Backoff: fastBackoff}
		if tc.zones == nil {
			cfg.Zones = []string{}
		}
		_, err := New(testCtx(t), cfg, e.api)
		if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("zones %v: error %v, want %q", tc.zones, err, tc.want)
		}
	}
}

// TestNewWithDefaultChain builds the SDK client itself, from the environment, as in production.
func TestNewWithDefaultChain(t *testing.T) {
	e := newEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	p, err := New(testCtx(t), Config{Zones: []string{testZone}, Endpoint: e.fake.URL, Backoff: fastBackoff}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Records(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range e.fake.Calls() {
		if c.Account != "AKIDFROMENV" {
			t.Errorf("%s signed by %q", c.Op, c.Account)
		}
	}
}

// TestRecordsReadEverything lists sets Meridian did not write, as they are, and refuses every
// change to those Meridian never changes.
func TestRecordsReadEverything(t *testing.T) {
	e := newEnv(t)
	if err := e.fake.Seed(e.zoneID, foreignSets()...); err != nil {
		t.Fatal(err)
	}
	p := e.provider(Config{})
	recs, err := p.Records(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	byKey := map[string]providers.Record{}
	for _, r := range recs {
		got = append(got, show(r))
		byKey[r.Type+" "+r.Name] = r
	}
	for _, want := range []string{
		`example.com SOA "" cluster="" routing="" region=""`,
		`example.com MX "" cluster="" routing="" region="" [10 mail.example.com.]`,
		`_dmarc.example.com TXT "" cluster="" routing="" region="" [v=DMARC1; p=none]`,
		`ext.example.com A "blue" cluster="blue" routing="weighted" region="" [192.0.2.10] weight=10`,
	} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, want) }) {
			t.Errorf("Records lacks %s; got:\n%s", want, strings.Join(got, "\n"))
		}
	}
	for _, ch := range []providers.Changes{
		{Delete: []providers.Record{byKey["SOA example.com"]}},
		{Update: []providers.Update{{Old: byKey["NS example.com"], New: byKey["NS example.com"]}}},
		{Delete: []providers.Record{byKey["MX example.com"]}},
		{Create: []providers.Record{{Name: "x.example.com", Type: "MX", TTL: 60, Targets: []string{"10 mx.example.com."}}}},
	} {
		if err := p.ApplyChanges(testCtx(t), ch); !errors.Is(err, ErrUnmanaged) {
			t.Errorf("%+v: error %v, want ErrUnmanaged", ch, err)
		}
	}
	err = p.ApplyChanges(testCtx(t), providers.Changes{Create: []providers.Record{set("www.example.org", "A", "203.0.113.1")}})
	if !errors.Is(err, ErrOutsideZones) {
		t.Errorf("outside the zones: error %v", err)
	}
	if n := e.fake.CallCounts()["ChangeResourceRecordSets"]; n != 0 {
		t.Errorf("%d change batches sent for refused changes", n)
	}
}

// TestDeleteOfUnlistedSetIsStale asks to delete a set the provider never listed: it cannot be
// deleted exactly, so its name is reported stale and the rest applied.
func TestDeleteOfUnlistedSetIsStale(t *testing.T) {
	e := newEnv(t)
	p := e.provider(Config{})
	err := p.ApplyChanges(testCtx(t), providers.Changes{
		Create: []providers.Record{set("new.example.com", "A", "203.0.113.1")},
		Delete: []providers.Record{set("ghost.example.com", "A", "203.0.113.9")},
	})
	if !errors.Is(err, providers.ErrStale) || !strings.Contains(err.Error(), "ghost.example.com") {
		t.Fatalf("error %v, want ErrStale naming ghost.example.com", err)
	}
	wantLines(t, "stored sets", e.stored(), []string{"new.example.com. A ttl=60 [203.0.113.1]"})
}

// TestCallsArePacedAndCounted checks the token bucket and the request metric.
func TestCallsArePacedAndCounted(t *testing.T) {
	e := newEnv(t)
	p := e.provider(Config{RequestsPerSecond: 20, Burst: 1})
	before := counted(requestsTotal.WithLabelValues("ListResourceRecordSets", "OK"))
	start := time.Now()
	for range 5 {
		if _, err := p.Records(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	}
	// New made one call; five listings make ten more: at 20 per second, about half a second.
	if elapsed := time.Since(start); elapsed < 400*time.Millisecond {
		t.Errorf("ten calls took %v at 20 per second", elapsed)
	}
	if got := counted(requestsTotal.WithLabelValues("ListResourceRecordSets", "OK")) - before; got != 5 {
		t.Errorf("metric counted %v listings, want 5", got)
	}
	e.fake.FailNextOn("ListHealthChecks", 1, 503)
	if _, err := p.Records(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := counted(requestsTotal.WithLabelValues("ListHealthChecks", "ServiceUnavailable")); got < 1 {
		t.Errorf("the 503 was not counted")
	}
}

// counted reads a counter of the request metric.
func counted(c interface{ Write(*dto.Metric) error }) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func TestClassify(t *testing.T) {
	e := newEnv(t)
	p := e.provider(Config{Backoff: providers.Backoff{Attempts: 1}})
	for _, status := range []int{400, 500, 503} { // 400 is the fake's Throttling
		e.fake.FailNextOn("ListResourceRecordSets", 1, status)
		if _, err := p.Records(testCtx(t)); !providers.IsSoft(err) {
			t.Errorf("status %d: error %v is not soft", status, err)
		}
	}
	e.fake.SetRejectWhilePending(true)
	e.fake.SetPropagationDelay(time.Hour)
	ch := func(name string) providers.Changes {
		return providers.Changes{Create: []providers.Record{set(name, "A", "203.0.113.1")}}
	}
	if err := p.ApplyChanges(testCtx(t), ch("one.example.com")); err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyChanges(testCtx(t), ch("two.example.com")); !providers.IsSoft(err) || !strings.Contains(err.Error(), "PriorRequestNotComplete") {
		t.Errorf("a change while the last is pending: %v, want a soft PriorRequestNotComplete", err)
	}
	e.fake.SetRejectWhilePending(false)
	bad := set("bad.example.com", "A", "203.0.113.1")
	bad.TTL = -1
	err := p.ApplyChanges(testCtx(t), providers.Changes{Create: []providers.Record{bad}})
	if providers.IsSoft(err) || !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "A bad.example.com") {
		t.Errorf("an invalid set: %v, want ErrRejected naming it", err)
	}
}
