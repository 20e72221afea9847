package route53

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// Page sizes: the largest each listing serves.
const (
	recordSetPage   = 300
	healthCheckPage = 1000
)

// Records lists every set of every managed zone, whoever wrote it: SOA, NS and other types too,
// so that a plan sees what it could collide with (ApplyChanges refuses to touch them). TXT
// targets are unquoted. A set's HealthCheck is read from its health check's configuration; it is
// nil when the check is gone, or checks another address than the one Meridian would check for
// this set (the first target), so that a plan replaces it. The account's health checks are
// listed too: that is how health checks created by an earlier run are found again. A cleanup of
// unused health checks that an earlier ApplyChanges could not finish is tried again here.
func (p *Provider) Records(ctx context.Context) ([]providers.Record, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.refresh(ctx); err != nil {
		return nil, err
	}
	p.retrySweeps(ctx)
	var out []providers.Record
	for _, z := range p.zones {
		for _, s := range p.sets[z.id] {
			r := fromRRSet(&s)
			if id := aws.ToString(s.HealthCheckId); id != "" {
				cfg, err := p.checkConfig(ctx, id)
				if err != nil {
					return nil, err
				}
				r.HealthCheck = attachedHealthCheck(&r, cfg)
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return out, nil
}

// refresh lists every zone and the health checks, replacing what the provider remembers only
// when every listing succeeded.
func (p *Provider) refresh(ctx context.Context) error {
	sets := make(map[string]map[providers.Key]types.ResourceRecordSet, len(p.zones))
	for _, z := range p.zones {
		zoneSets, err := p.listZone(ctx, z)
		if err != nil {
			return err
		}
		sets[z.id] = zoneSets
	}
	checks, err := p.listHealthChecks(ctx)
	if err != nil {
		return err
	}
	p.sets = sets
	p.checks.replace(checks)
	return nil
}

// listZone reads a zone page by page.
func (p *Provider) listZone(ctx context.Context, z hostedZone) (map[providers.Key]types.ResourceRecordSet, error) {
	out := map[providers.Key]types.ResourceRecordSet{}
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(z.id), MaxItems: aws.Int32(recordSetPage)}
	for {
		page, err := call(ctx, p, "ListResourceRecordSets", func(ctx context.Context) (*route53.ListResourceRecordSetsOutput, error) {
			return p.api.ListResourceRecordSets(ctx, in)
		})
		if err != nil {
			return nil, fmt.Errorf("listing hosted zone %s (%s): %w", z.name, z.id, err)
		}
		for _, s := range page.ResourceRecordSets {
			r := fromRRSet(&s)
			out[r.Key()] = s
		}
		if !page.IsTruncated {
			return out, nil
		}
		in = &route53.ListResourceRecordSetsInput{HostedZoneId: in.HostedZoneId, MaxItems: in.MaxItems,
			StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType,
			StartRecordIdentifier: page.NextRecordIdentifier}
	}
}

// listHealthChecks reads every health check of the account.
func (p *Provider) listHealthChecks(ctx context.Context) ([]types.HealthCheck, error) {
	var out []types.HealthCheck
	in := &route53.ListHealthChecksInput{MaxItems: aws.Int32(healthCheckPage)}
	for {
		page, err := call(ctx, p, "ListHealthChecks", func(ctx context.Context) (*route53.ListHealthChecksOutput, error) {
			return p.api.ListHealthChecks(ctx, in)
		})
		if err != nil {
			return nil, fmt.Errorf("listing health checks: %w", err)
		}
		out = append(out, page.HealthChecks...)
		if !page.IsTruncated || page.NextMarker == nil {
			return out, nil
		}
		in = &route53.ListHealthChecksInput{MaxItems: in.MaxItems, Marker: page.NextMarker}
	}
}

// checkConfig returns a health check's configuration: from the listing, else read once and
// remembered (a check created since the listing). A check that no longer exists has none.
func (p *Provider) checkConfig(ctx context.Context, id string) (*types.HealthCheckConfig, error) {
	if c, ok := p.checks.byID[id]; ok {
		return c.config, nil
	}
	out, err := call(ctx, p, "GetHealthCheck", func(ctx context.Context) (*route53.GetHealthCheckOutput, error) {
		return p.api.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: aws.String(id)})
	})
	if errorCode(err) == "NoSuchHealthCheck" {
		p.checks.byID[id] = &check{id: id}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading health check %s: %w", id, err)
	}
	p.checks.add(*out.HealthCheck)
	return out.HealthCheck.HealthCheckConfig, nil
}

// attachedHealthCheck is the HealthCheck a listed set reports for the check attached to it.
func attachedHealthCheck(r *providers.Record, cfg *types.HealthCheckConfig) *providers.HealthCheck {
	if cfg == nil {
		return nil
	}
	hc := healthCheckFromConfig(cfg)
	want, ok := endpointOf(r, hc.Protocol)
	if !ok || want.ip != aws.ToString(cfg.IPAddress) || want.fqdn != aws.ToString(cfg.FullyQualifiedDomainName) {
		return nil
	}
	return hc
}
