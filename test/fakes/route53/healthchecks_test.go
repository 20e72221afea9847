package route53fake_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

func httpCheck(ip string) *types.HealthCheckConfig {
	return &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, IPAddress: aws.String(ip), ResourcePath: aws.String("/healthz")}
}

func createCheck(t *testing.T, c *route53.Client, ref string, cfg *types.HealthCheckConfig) (*types.HealthCheck, error) {
	t.Helper()
	out, err := c.CreateHealthCheck(ctx(t), &route53.CreateHealthCheckInput{CallerReference: aws.String(ref), HealthCheckConfig: cfg})
	if err != nil {
		return nil, err
	}
	return out.HealthCheck, nil
}

func TestHealthCheckDefaultsAndGet(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	out, err := c.CreateHealthCheck(ctx(t), &route53.CreateHealthCheckInput{CallerReference: aws.String("r1"), HealthCheckConfig: httpCheck("8.8.8.8")})
	if err != nil {
		t.Fatal(err)
	}
	hc := out.HealthCheck
	cfg := hc.HealthCheckConfig
	if aws.ToInt32(cfg.Port) != 80 || aws.ToInt32(cfg.RequestInterval) != 30 || aws.ToInt32(cfg.FailureThreshold) != 3 ||
		aws.ToInt64(hc.HealthCheckVersion) != 1 || aws.ToString(out.Location) == "" {
		t.Fatalf("defaults: port %d interval %d threshold %d version %d location %q", aws.ToInt32(cfg.Port),
			aws.ToInt32(cfg.RequestInterval), aws.ToInt32(cfg.FailureThreshold), aws.ToInt64(hc.HealthCheckVersion), aws.ToString(out.Location))
	}
	got, err := c.GetHealthCheck(ctx(t), &route53.GetHealthCheckInput{HealthCheckId: hc.Id})
	if err != nil || aws.ToString(got.HealthCheck.Id) != aws.ToString(hc.Id) {
		t.Fatalf("GetHealthCheck: %v %v", got, err)
	}
	if all := f.HealthChecks(); len(all) != 1 || aws.ToString(all[0].HealthCheckConfig.ResourcePath) != "/healthz" {
		t.Fatalf("HealthChecks() = %+v", all)
	}
	_, err = c.GetHealthCheck(ctx(t), &route53.GetHealthCheckInput{HealthCheckId: aws.String("nope")})
	var nsh *types.NoSuchHealthCheck
	if !errors.As(err, &nsh) {
		t.Fatalf("want NoSuchHealthCheck, got %v", err)
	}
}

// CallerReference idempotency as documented for CreateHealthCheck.
func TestHealthCheckCallerReference(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	first, err := createCheck(t, c, "owner-a", httpCheck("8.8.8.8"))
	if err != nil {
		t.Fatal(err)
	}
	// Same reference, same settings (defaults spelled out) → the existing check.
	explicit := httpCheck("8.8.8.8")
	explicit.Port, explicit.RequestInterval, explicit.FailureThreshold = aws.Int32(80), aws.Int32(30), aws.Int32(3)
	again, err := createCheck(t, c, "owner-a", explicit)
	if err != nil || aws.ToString(again.Id) != aws.ToString(first.Id) {
		t.Fatalf("retry: %v %v", again, err)
	}
	// Same reference, other settings → HealthCheckAlreadyExists.
	_, err = createCheck(t, c, "owner-a", httpCheck("8.8.4.4"))
	var exists *types.HealthCheckAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("want HealthCheckAlreadyExists, got %v", err)
	}
	// New reference, identical settings → a second check.
	second, err := createCheck(t, c, "owner-b", httpCheck("8.8.8.8"))
	if err != nil || aws.ToString(second.Id) == aws.ToString(first.Id) {
		t.Fatalf("new reference: %v %v", second, err)
	}
	// The reference of a deleted check stays taken, whatever the settings.
	if _, err := c.DeleteHealthCheck(ctx(t), &route53.DeleteHealthCheckInput{HealthCheckId: first.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = createCheck(t, c, "owner-a", httpCheck("8.8.8.8"))
	if !errors.As(err, &exists) {
		t.Fatalf("after delete: want HealthCheckAlreadyExists, got %v", err)
	}
	if n := len(f.HealthChecks()); n != 1 {
		t.Fatalf("%d checks", n)
	}
}

func TestHealthCheckValidation(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	mod := func(fn func(*types.HealthCheckConfig)) *types.HealthCheckConfig {
		cfg := httpCheck("8.8.8.8")
		fn(cfg)
		return cfg
	}
	ok := []*types.HealthCheckConfig{
		mod(func(c *types.HealthCheckConfig) { c.RequestInterval = aws.Int32(10) }),
		mod(func(c *types.HealthCheckConfig) { c.FailureThreshold = aws.Int32(10) }),
		mod(func(c *types.HealthCheckConfig) { c.FailureThreshold = aws.Int32(1) }),
		mod(func(c *types.HealthCheckConfig) {
			c.IPAddress, c.FullyQualifiedDomainName = nil, aws.String("app.example.com")
		}),
		{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("2606:4700::1"), Port: aws.Int32(443)},
		{Type: types.HealthCheckTypeHttps, FullyQualifiedDomainName: aws.String("app.example.com")},
	}
	for i, cfg := range ok {
		if _, err := createCheck(t, c, fmt.Sprintf("ok-%d", i), cfg); err != nil {
			t.Errorf("valid config %d refused: %v", i, err)
		}
	}
	bad := map[string]*types.HealthCheckConfig{
		"interval 20":          mod(func(c *types.HealthCheckConfig) { c.RequestInterval = aws.Int32(20) }),
		"threshold 0":          mod(func(c *types.HealthCheckConfig) { c.FailureThreshold = aws.Int32(0) }),
		"threshold 11":         mod(func(c *types.HealthCheckConfig) { c.FailureThreshold = aws.Int32(11) }),
		"port 0":               mod(func(c *types.HealthCheckConfig) { c.Port = aws.Int32(0) }),
		"port 65536":           mod(func(c *types.HealthCheckConfig) { c.Port = aws.Int32(65536) }),
		"no target":            mod(func(c *types.HealthCheckConfig) { c.IPAddress = nil }),
		"bad IP":               mod(func(c *types.HealthCheckConfig) { c.IPAddress = aws.String("8.8.8") }),
		"private IP":           mod(func(c *types.HealthCheckConfig) { c.IPAddress = aws.String("10.1.2.3") }),
		"loopback IP":          mod(func(c *types.HealthCheckConfig) { c.IPAddress = aws.String("127.0.0.1") }),
		"shared address space": mod(func(c *types.HealthCheckConfig) { c.IPAddress = aws.String("100.64.0.1") }),
		"documentation range":  mod(func(c *types.HealthCheckConfig) { c.IPAddress = aws.String("192.0.2.1") }),
		"TCP without port":     {Type: types.HealthCheckTypeTcp, IPAddress: aws.String("8.8.8.8")},
		"STR_MATCH no string":  {Type: types.HealthCheckTypeHttpStrMatch, IPAddress: aws.String("8.8.8.8")},
		"calculated":           {Type: types.HealthCheckTypeCalculated},
	}
	for name, cfg := range bad {
		_, err := createCheck(t, c, "bad-"+name, cfg)
		var inv *types.InvalidInput
		if !errors.As(err, &inv) {
			t.Errorf("%s: want InvalidInput, got %v", name, err)
		}
	}
}

func TestListHealthChecksPagination(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	var want []string
	for i := range 7 {
		hc, err := createCheck(t, c, fmt.Sprintf("r%d", i), httpCheck("8.8.8.8"))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, aws.ToString(hc.Id))
	}
	p := route53.NewListHealthChecksPaginator(c, &route53.ListHealthChecksInput{MaxItems: aws.Int32(3)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, hc := range out.HealthChecks {
			got = append(got, aws.ToString(hc.Id))
		}
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Fatalf("pages %d: %v", pages, got)
	}
}

func TestDeleteHealthCheckInUse(t *testing.T) {
	f := newFake(t, route53fake.Options{RefuseInUseHealthCheckDelete: true})
	c := newClient(f)
	id := f.CreateZone("example.com")
	hc, err := createCheck(t, c, "r", httpCheck("8.8.8.8"))
	if err != nil {
		t.Fatal(err)
	}
	s := set("a.example.com", types.RRTypeA, 60, "192.0.2.1")
	s.HealthCheckId = hc.Id
	mustApply(t, c, id, chg("CREATE", s))

	_, err = c.DeleteHealthCheck(ctx(t), &route53.DeleteHealthCheckInput{HealthCheckId: hc.Id})
	var inUse *types.HealthCheckInUse
	if !errors.As(err, &inUse) {
		t.Fatalf("want HealthCheckInUse, got %v", err)
	}
	mustApply(t, c, id, chg("DELETE", s))
	if _, err := c.DeleteHealthCheck(ctx(t), &route53.DeleteHealthCheckInput{HealthCheckId: hc.Id}); err != nil {
		t.Fatalf("delete once unreferenced: %v", err)
	}
	_, err = c.DeleteHealthCheck(ctx(t), &route53.DeleteHealthCheckInput{HealthCheckId: hc.Id})
	var nsh *types.NoSuchHealthCheck
	if !errors.As(err, &nsh) {
		t.Fatalf("want NoSuchHealthCheck, got %v", err)
	}

	// Today's Route 53 (the default) lets a referenced check go; the record
	// set keeps naming it and can still be deleted by repeating that ID.
	f.SetRefuseInUseHealthCheckDelete(false)
	hc2, _ := createCheck(t, c, "r2", httpCheck("8.8.8.8"))
	s.HealthCheckId = hc2.Id
	mustApply(t, c, id, chg("CREATE", s))
	if _, err := c.DeleteHealthCheck(ctx(t), &route53.DeleteHealthCheckInput{HealthCheckId: hc2.Id}); err != nil {
		t.Fatalf("default delete: %v", err)
	}
	mustApply(t, c, id, chg("DELETE", s))
}

func TestHealthCheckTags(t *testing.T) {
	f := newFake(t, route53fake.Options{})
	c := newClient(f)
	a, _ := createCheck(t, c, "a", httpCheck("8.8.8.8"))
	b, _ := createCheck(t, c, "b", httpCheck("8.8.4.4"))
	_, err := c.ChangeTagsForResource(ctx(t), &route53.ChangeTagsForResourceInput{
		ResourceType: types.TagResourceTypeHealthcheck, ResourceId: a.Id,
		AddTags: []types.Tag{{Key: aws.String("meridian.io/owner"), Value: aws.String("cluster-1")}, {Key: aws.String("Name"), Value: aws.String("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ChangeTagsForResource(ctx(t), &route53.ChangeTagsForResourceInput{
		ResourceType: types.TagResourceTypeHealthcheck, ResourceId: a.Id, RemoveTagKeys: []string{"Name"},
	})
	if err != nil {
		t.Fatal(err)
	}
	one, err := c.ListTagsForResource(ctx(t), &route53.ListTagsForResourceInput{ResourceType: types.TagResourceTypeHealthcheck, ResourceId: a.Id})
	if err != nil || len(one.ResourceTagSet.Tags) != 1 || aws.ToString(one.ResourceTagSet.Tags[0].Value) != "cluster-1" {
		t.Fatalf("ListTagsForResource: %+v %v", one, err)
	}
	many, err := c.ListTagsForResources(ctx(t), &route53.ListTagsForResourcesInput{
		ResourceType: types.TagResourceTypeHealthcheck, ResourceIds: []string{aws.ToString(a.Id), aws.ToString(b.Id)},
	})
	if err != nil || len(many.ResourceTagSets) != 2 || len(many.ResourceTagSets[1].Tags) != 0 {
		t.Fatalf("ListTagsForResources: %+v %v", many, err)
	}
	if got := f.Tags("healthcheck", aws.ToString(a.Id)); got["meridian.io/owner"] != "cluster-1" || len(got) != 1 {
		t.Fatalf("Tags() = %v", got)
	}
	_, err = c.ChangeTagsForResource(ctx(t), &route53.ChangeTagsForResourceInput{
		ResourceType: types.TagResourceTypeHealthcheck, ResourceId: aws.String("nope"),
		AddTags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
	})
	var nsh *types.NoSuchHealthCheck
	if !errors.As(err, &nsh) {
		t.Fatalf("want NoSuchHealthCheck, got %v", err)
	}
	var tooMany []types.Tag
	for i := range 11 {
		tooMany = append(tooMany, types.Tag{Key: aws.String(fmt.Sprint(i)), Value: aws.String("v")})
	}
	_, err = c.ChangeTagsForResource(ctx(t), &route53.ChangeTagsForResourceInput{
		ResourceType: types.TagResourceTypeHealthcheck, ResourceId: a.Id, AddTags: tooMany,
	})
	wantAPIError(t, err, "InvalidInput")
}
