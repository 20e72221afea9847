package route53fake

import (
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// The Go API below reads and plants state directly, bypassing the HTTP API,
// the faults and the call log, so tests can arrange "records made by someone
// else" and compare the result byte for byte.

// Seed stores record sets in a zone as if another client had created them,
// replacing any set with the same name, type and set identifier. Names are
// stored the way Route 53 stores them (lower case, escaped, trailing dot).
// Values are not validated.
func (f *Fake) Seed(zoneID string, sets ...types.ResourceRecordSet) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[zoneID]
	if !ok {
		return fmt.Errorf("route53fake: no hosted zone %q", zoneID)
	}
	for i := range sets {
		s, err := fromSDK(&sets[i])
		if err != nil {
			return fmt.Errorf("route53fake: seeding set %d: %w", i, err)
		}
		if !inZone(s.Name, z.name) {
			return fmt.Errorf("route53fake: seeding set %d: %s is not in zone %s", i, s.Name, z.name)
		}
		z.put(s)
	}
	return nil
}

// RecordSets returns a deep copy of a zone's record sets in
// ListResourceRecordSets order, or nil for an unknown zone.
func (f *Fake) RecordSets(zoneID string) []types.ResourceRecordSet {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[zoneID]
	if !ok {
		return nil
	}
	sorted := z.sortedSets()
	out := make([]types.ResourceRecordSet, len(sorted))
	for i, s := range sorted {
		out[i] = toSDK(s)
	}
	return out
}

// ZoneName returns a zone's canonical name, or "" for an unknown zone.
func (f *Fake) ZoneName(zoneID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if z, ok := f.zones[zoneID]; ok {
		return z.name
	}
	return ""
}

// HealthChecks returns deep copies of the existing health checks in creation
// order.
func (f *Fake) HealthChecks() []types.HealthCheck {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]types.HealthCheck, 0, len(f.checkOrder))
	for _, id := range f.checkOrder {
		out = append(out, f.checks[id].toSDK())
	}
	return out
}

// Tags returns a copy of a resource's tags; resType is "healthcheck" or
// "hostedzone".
func (f *Fake) Tags(resType, id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.tags[tagKey(resType, id)])
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func toSDK(s *rrset) types.ResourceRecordSet {
	out := types.ResourceRecordSet{
		Name:             ptr(s.Name),
		Type:             types.RRType(s.Type),
		SetIdentifier:    clonePtr(s.SetIdentifier),
		Weight:           clonePtr(s.Weight),
		MultiValueAnswer: clonePtr(s.MultiValueAnswer),
		TTL:              clonePtr(s.TTL),
		HealthCheckId:    clonePtr(s.HealthCheckID),
	}
	if s.Region != nil {
		out.Region = types.ResourceRecordSetRegion(*s.Region)
	}
	if s.Failover != nil {
		out.Failover = types.ResourceRecordSetFailover(*s.Failover)
	}
	for _, v := range s.values() {
		out.ResourceRecords = append(out.ResourceRecords, types.ResourceRecord{Value: ptr(v)})
	}
	return out
}

func fromSDK(t *types.ResourceRecordSet) (*rrset, error) {
	if t.Name == nil {
		return nil, errors.New("missing Name")
	}
	if t.AliasTarget != nil || t.GeoLocation != nil || t.GeoProximityLocation != nil ||
		t.CidrRoutingConfig != nil || t.TrafficPolicyInstanceId != nil {
		return nil, errors.New("alias, geolocation, geoproximity, CIDR and traffic policy sets are not modelled")
	}
	name, err := canonicalName(*t.Name)
	if err != nil {
		return nil, fmt.Errorf("name %q: %w", *t.Name, err)
	}
	s := &rrset{Name: name, Type: string(t.Type), SetIdentifier: clonePtr(t.SetIdentifier),
		Weight: clonePtr(t.Weight), MultiValueAnswer: clonePtr(t.MultiValueAnswer), TTL: clonePtr(t.TTL),
		HealthCheckID: clonePtr(t.HealthCheckId)}
	if t.Region != "" {
		s.Region = ptr(string(t.Region))
	}
	if t.Failover != "" {
		s.Failover = ptr(string(t.Failover))
	}
	if len(t.ResourceRecords) > 0 {
		s.ResourceRecords = &rrValues{}
		for _, r := range t.ResourceRecords {
			if r.Value == nil {
				return nil, errors.New("resource record without Value")
			}
			s.ResourceRecords.Items = append(s.ResourceRecords.Items, rrValue{*r.Value})
		}
	}
	return s, nil
}

func (hc *healthCheck) toSDK() types.HealthCheck {
	c := hc.config
	cfg := &types.HealthCheckConfig{
		Type: types.HealthCheckType(c.Type), IPAddress: clonePtr(c.IPAddress), Port: clonePtr(c.Port),
		ResourcePath: clonePtr(c.ResourcePath), FullyQualifiedDomainName: clonePtr(c.FQDN),
		SearchString: clonePtr(c.SearchString), RequestInterval: clonePtr(c.RequestInterval),
		FailureThreshold: clonePtr(c.FailureThreshold), MeasureLatency: clonePtr(c.MeasureLatency),
		Inverted: clonePtr(c.Inverted), Disabled: clonePtr(c.Disabled), EnableSNI: clonePtr(c.EnableSNI),
	}
	if c.Regions != nil {
		for _, r := range *c.Regions {
			cfg.Regions = append(cfg.Regions, types.HealthCheckRegion(r))
		}
	}
	return types.HealthCheck{Id: ptr(hc.id), CallerReference: ptr(hc.callerRef),
		HealthCheckConfig: cfg, HealthCheckVersion: ptr(hc.version)}
}
