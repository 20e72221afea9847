package route53

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// Health checks
//
// A set with a HealthCheck gets a Route 53 health check of its first target: the address of an
// A or AAAA set (with the set's name as FullyQualifiedDomainName, which Route 53 sends as the
// HTTP Host header and TLS SNI, so name-based virtual hosts answer), or the host name of a CNAME.
// Sets of one zone and owner whose checks would be identical share one.
//
// A check is found again by its CallerReference, never by memory alone:
//
//	meridian-<scope>-<config>-<generation>
//
// scope hashes the owner and the hosted zone, config hashes the settings sent, and generation
// starts at 1. CreateHealthCheck is idempotent per reference: sending the same reference and
// settings again returns the existing check, so a create whose answer was lost, or one repeated
// by a controller restarted mid-sync, makes no duplicate, and the listing at the next Records
// call finds a check created before a crash. A deleted check's reference stays reserved
// (HealthCheckAlreadyExists): creating the same settings again tries the next generation,
// doubling it at each refusal, so a check deleted and re-created many times costs a few
// refusals after a restart, not one per past generation.
//
// After a zone's batches are applied, every check of the zone's owners' scopes that no set of
// the zone references any more is deleted: the ones the batches detached, and any left over by a
// run that failed between creating a check and attaching it. A call that ends on a soft error
// deletes nothing, since its remaining changes will want the checks it created.

// refPrefix starts every CallerReference Meridian writes.
const refPrefix = "meridian-"

// maxGenerationProbes bounds the references tried for one check: with doubling, 2^30 generations.
const maxGenerationProbes = 31

// Tags written on every check, for people reading the console.
const (
	tagOwner = "meridian.io/owner"
	tagName  = "Name"
)

// check is one health check the provider knows; config is nil for one that is gone.
type check struct {
	id, ref string
	config  *types.HealthCheckConfig
}

// checkIndex is what the provider knows of the account's health checks.
type checkIndex struct {
	byID map[string]*check
	// byBase maps the reference of a check without its generation to the check's ID.
	byBase map[string]string
	// nextGen is the generation to try first for a reference base.
	nextGen map[string]int
}

func newCheckIndex() *checkIndex {
	return &checkIndex{byID: map[string]*check{}, byBase: map[string]string{}, nextGen: map[string]int{}}
}

// replace rebuilds the index from a listing; what it learnt of reserved generations stays.
func (x *checkIndex) replace(checks []types.HealthCheck) {
	x.byID, x.byBase = map[string]*check{}, map[string]string{}
	for _, hc := range checks {
		x.add(hc)
	}
}

func (x *checkIndex) add(hc types.HealthCheck) {
	c := &check{id: aws.ToString(hc.Id), ref: aws.ToString(hc.CallerReference), config: hc.HealthCheckConfig}
	x.byID[c.id] = c
	if base, gen, ok := parseRef(c.ref); ok {
		x.byBase[base] = c.id
		x.nextGen[base] = max(x.nextGen[base], gen+1)
	}
}

func (x *checkIndex) remove(id string) {
	c, ok := x.byID[id]
	if !ok {
		return
	}
	delete(x.byID, id)
	if base, _, ok := parseRef(c.ref); ok && x.byBase[base] == id {
		delete(x.byBase, base)
	}
}

// parseRef splits a Meridian reference into its base and generation.
func parseRef(ref string) (base string, gen int, ok bool) {
	if !strings.HasPrefix(ref, refPrefix) {
		return "", 0, false
	}
	i := strings.LastIndexByte(ref, '-')
	gen, err := strconv.Atoi(ref[i+1:])
	if err != nil || gen < 1 {
		return "", 0, false
	}
	return ref[:i], gen, true
}

// scope is the reference prefix of the checks one owner keeps in one zone.
func scope(owner, zoneID string) string {
	sum := sha256.Sum256([]byte(owner + "\x00" + zoneID))
	return refPrefix + hex.EncodeToString(sum[:5]) + "-"
}

// endpoint is what a check for a set probes.
type endpoint struct{ ip, fqdn string }

// endpointOf is the endpoint Meridian checks for r with protocol.
func endpointOf(r *providers.Record, protocol string) (endpoint, bool) {
	if len(r.Targets) == 0 {
		return endpoint{}, false
	}
	switch r.Type {
	case providers.TypeA, providers.TypeAAAA:
		e := endpoint{ip: r.Targets[0]}
		if protocol != "TCP" && !strings.HasPrefix(r.Name, "*.") { // a wildcard is no host name
			e.fqdn = r.Name
		}
		return e, true
	case providers.TypeCNAME:
		return endpoint{fqdn: r.Targets[0]}, true
	}
	return endpoint{}, false
}

// checkConfigFor is the configuration Meridian creates for r (canonical, with a HealthCheck),
// and the reference base that identifies it within owner's scope of zoneID.
func checkConfigFor(r *providers.Record, owner, zoneID string) (*types.HealthCheckConfig, string, bool) {
	hc := canonicalHealthCheck(r)
	if hc == nil {
		return nil, "", false
	}
	e, ok := endpointOf(r, hc.Protocol)
	if !ok {
		return nil, "", false
	}
	cfg := &types.HealthCheckConfig{
		Type: types.HealthCheckType(hc.Protocol), Port: aws.Int32(hc.Port),
		RequestInterval: aws.Int32(hc.IntervalSeconds), FailureThreshold: aws.Int32(hc.FailureThreshold),
	}
	if e.ip != "" {
		cfg.IPAddress = aws.String(e.ip)
	}
	if e.fqdn != "" {
		cfg.FullyQualifiedDomainName = aws.String(e.fqdn)
	}
	if hc.Path != "" {
		cfg.ResourcePath = aws.String(hc.Path)
	}
	if hc.Protocol == "HTTPS" && e.fqdn != "" {
		cfg.EnableSNI = aws.Bool(true) // the host name in the TLS hello, so the right certificate answers
	}
	key := fmt.Sprintf("%s|%s|%s|%d|%s|%d|%d", hc.Protocol, e.ip, e.fqdn, hc.Port, hc.Path, hc.IntervalSeconds, hc.FailureThreshold)
	sum := sha256.Sum256([]byte(key))
	return cfg, scope(owner, zoneID) + hex.EncodeToString(sum[:8]), true
}

// ensureCheck returns the ID of r's health check, creating and tagging it when the account has
// none with its reference base.
func (p *Provider) ensureCheck(ctx context.Context, z hostedZone, r *providers.Record) (string, error) {
	cfg, base, ok := checkConfigFor(r, r.Owner, z.id)
	if !ok {
		return "", nil
	}
	if id, ok := p.checks.byBase[base]; ok {
		return id, nil
	}
	gen := max(p.checks.nextGen[base], 1)
	for range maxGenerationProbes {
		ref := base + "-" + strconv.Itoa(gen)
		out, err := call(ctx, p, "CreateHealthCheck", func(ctx context.Context) (*route53.CreateHealthCheckOutput, error) {
			return p.api.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String(ref), HealthCheckConfig: cfg})
		})
		if errorCode(err) == "HealthCheckAlreadyExists" {
			gen *= 2
			continue
		}
		if err != nil {
			return "", fmt.Errorf("creating the health check of %s: %w", describe(r), checkError(err))
		}
		p.checks.add(*out.HealthCheck)
		id := aws.ToString(out.HealthCheck.Id)
		p.tagCheck(ctx, id, r)
		return id, nil
	}
	return "", fmt.Errorf("creating the health check of %s: %w: every reference tried is taken", describe(r), ErrRejected)
}

// checkError marks a refused health check (a private address, a bad port) as rejected.
func checkError(err error) error {
	if providers.IsSoft(err) || errorCode(err) == "" {
		return err
	}
	return fmt.Errorf("%w: %s: %s", ErrRejected, errorCode(err), errorMessage(err))
}

// tagCheck names the check after its first set and owner. Tags only help people: a failure is
// logged, not returned, since the check is already found by its reference.
func (p *Provider) tagCheck(ctx context.Context, id string, r *providers.Record) {
	name := r.Name + " " + r.Type
	if r.SetIdentifier != "" {
		name += " " + r.SetIdentifier
	}
	_, err := call(ctx, p, "ChangeTagsForResource", func(ctx context.Context) (*route53.ChangeTagsForResourceOutput, error) {
		return p.api.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{
			ResourceType: types.TagResourceTypeHealthcheck, ResourceId: aws.String(id),
			AddTags: []types.Tag{{Key: aws.String(tagName), Value: aws.String(name)}, {Key: aws.String(tagOwner), Value: aws.String(r.Owner)}},
		})
	})
	if err != nil {
		p.log.Info("Could not tag a health check; it works untagged", "healthCheck", id, "error", err.Error())
	}
}

// sweepChecks deletes the checks of owners' scopes in z that no set of z references.
func (p *Provider) sweepChecks(ctx context.Context, z hostedZone, owners map[string]bool) error {
	used := map[string]bool{}
	for _, s := range p.sets[z.id] {
		if id := aws.ToString(s.HealthCheckId); id != "" {
			used[id] = true
		}
	}
	var errs []error
	for owner := range owners {
		prefix := scope(owner, z.id)
		for id, c := range p.checks.byID {
			if used[id] || c.config == nil || !strings.HasPrefix(c.ref, prefix) {
				continue
			}
			if err := p.deleteCheck(ctx, c); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("deleting %d unused health checks: %w", len(errs), errs[0])
	}
	return nil
}

func (p *Provider) deleteCheck(ctx context.Context, c *check) error {
	_, err := call(ctx, p, "DeleteHealthCheck", func(ctx context.Context) (*route53.DeleteHealthCheckOutput, error) {
		return p.api.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(c.id)})
	})
	if err != nil && errorCode(err) != "NoSuchHealthCheck" {
		return fmt.Errorf("health check %s: %w", c.id, err)
	}
	p.checks.remove(c.id)
	return nil
}
