package route53fake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// newFake starts a fake that is closed when the test ends.
func newFake(t *testing.T, opts route53fake.Options) *route53fake.Fake {
	t.Helper()
	f := route53fake.New(opts)
	t.Cleanup(f.Close)
	return f
}

// newClient returns the real SDK client pointed at the fake, with static
// credentials, region us-east-1 and retries disabled so calls can be
// counted; pass options to change that.
func newClient(f *route53fake.Fake, opts ...func(*route53.Options)) *route53.Client {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDMERIDIANTEST", "secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
	base := func(o *route53.Options) { o.BaseEndpoint = aws.String(f.URL) }
	return route53.NewFromConfig(cfg, append([]func(*route53.Options){base}, opts...)...)
}

// withFastRetries swaps in the SDK's standard retryer with short backoffs so
// retry tests stay fast while exercising the SDK's own retry decisions.
func withFastRetries(maxAttempts int) func(*route53.Options) {
	return func(o *route53.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = maxAttempts
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				return 20 * time.Millisecond, nil
			})
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// wantAPIError fails unless err is an API error with code whose message
// contains every fragment.
func wantAPIError(t *testing.T, err error, code string, fragments ...string) smithy.APIError {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("want code %s, got %s: %s", code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	for _, frag := range fragments {
		if !strings.Contains(apiErr.ErrorMessage(), frag) {
			t.Fatalf("message %q does not contain %q", apiErr.ErrorMessage(), frag)
		}
	}
	return apiErr
}

// set builds a simple record set.
func set(name string, typ types.RRType, ttl int64, values ...string) types.ResourceRecordSet {
	s := types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl)}
	for _, v := range values {
		s.ResourceRecords = append(s.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
	}
	return s
}

// weighted, latency and failover build routed record sets.
func weighted(name, id string, w int64, values ...string) types.ResourceRecordSet {
	s := set(name, types.RRTypeA, 60, values...)
	s.SetIdentifier, s.Weight = aws.String(id), aws.Int64(w)
	return s
}

func latency(name, id, region string, values ...string) types.ResourceRecordSet {
	s := set(name, types.RRTypeA, 60, values...)
	s.SetIdentifier, s.Region = aws.String(id), types.ResourceRecordSetRegion(region)
	return s
}

func failover(name, id string, role types.ResourceRecordSetFailover, values ...string) types.ResourceRecordSet {
	s := set(name, types.RRTypeA, 60, values...)
	s.SetIdentifier, s.Failover = aws.String(id), role
	return s
}

func chg(action types.ChangeAction, s types.ResourceRecordSet) types.Change {
	return types.Change{Action: action, ResourceRecordSet: &s}
}

// apply sends one change batch.
func apply(t *testing.T, c *route53.Client, zoneID string, changes ...types.Change) (*route53.ChangeResourceRecordSetsOutput, error) {
	t.Helper()
	return c.ChangeResourceRecordSets(ctx(t), &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(zoneID),
		ChangeBatch:  &types.ChangeBatch{Changes: changes},
	})
}

// mustApply sends one change batch and fails the test on error.
func mustApply(t *testing.T, c *route53.Client, zoneID string, changes ...types.Change) *route53.ChangeResourceRecordSetsOutput {
	t.Helper()
	out, err := apply(t, c, zoneID, changes...)
	if err != nil {
		t.Fatalf("ChangeResourceRecordSets: %v", err)
	}
	return out
}

// listAll pages through a zone's record sets with the SDK paginator.
func listAll(t *testing.T, c *route53.Client, zoneID string, pageSize int32) ([]types.ResourceRecordSet, int) {
	t.Helper()
	p := route53.NewListResourceRecordSetsPaginator(c, &route53.ListResourceRecordSetsInput{
		HostedZoneId: aws.String(zoneID), MaxItems: aws.Int32(pageSize),
	})
	var all []types.ResourceRecordSet
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListResourceRecordSets page %d: %v", pages+1, err)
		}
		pages++
		all = append(all, out.ResourceRecordSets...)
	}
	return all, pages
}

func names(sets []types.ResourceRecordSet) []string {
	out := make([]string, len(sets))
	for i, s := range sets {
		out[i] = aws.ToString(s.Name) + " " + string(s.Type) + " " + aws.ToString(s.SetIdentifier)
	}
	return out
}
