package route53fake

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// Request-shape validation for ChangeResourceRecordSets. Route 53 answers a
// malformed request with a single InvalidInput (the first problem found)
// before it looks at the zone; problems with the batch's effect on the zone
// are collected into one InvalidChangeBatch (see batch.go).

// Model constraints from the Route 53 API reference (ResourceRecordSet,
// ResourceRecord): TTL 0..2147483647, Weight 0..255, SetIdentifier 1..128
// characters, Value up to 4,000 characters.
const (
	maxTTL      = 2147483647
	maxWeight   = 255
	maxSetIDLen = 128
	maxValueLen = 4000
)

// ChangeResourceRecordSets request limits ("A request cannot contain more
// than 1,000 ResourceRecord elements. When the value of the Action element is
// UPSERT, each ResourceRecord element is counted twice." and the same for the
// 32,000 characters of Value elements; API reference).
const (
	maxRecordsPerRequest = 1000
	maxCharsPerRequest   = 32000
)

// routingMembers is the list Route 53 quotes when SetIdentifier and routing
// policy members disagree.
const routingMembers = "[Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig]"

func validRRType(t string) bool { return slices.Contains(types.RRType("").Values(), types.RRType(t)) }

func rrTypeList() string { return enumList(types.RRType("").Values()) }

func enumList[T ~string](vals []T) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = string(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// validateRequest checks every change's shape and returns the first problem.
func validateRequest(req *changeBatchRequest) *apiError {
	if len(req.Changes) == 0 {
		return validationError("[]", "changeBatch.changes", "Member must have length greater than or equal to 1")
	}
	for i := range req.Changes {
		if err := validateChange(i+1, &req.Changes[i]); err != nil {
			return err
		}
	}
	return nil
}

func validateChange(n int, c *change) *apiError {
	s := &c.Set
	path := fmt.Sprintf("changeBatch.changes.%d.member", n)
	if !slices.Contains(types.ChangeAction("").Values(), types.ChangeAction(c.Action)) {
		return validationError(c.Action, path+".action", "Member must satisfy enum value set: "+enumList(types.ChangeAction("").Values()))
	}
	if s.Name == "" {
		return validationError("null", path+".resourceRecordSet.name", "Member must not be null")
	}
	if _, err := canonicalName(s.Name); err != nil {
		return invalidInput("Invalid request: the name %q in %s is not a valid domain name: %v", s.Name, describe(c), err)
	}
	if !validRRType(s.Type) {
		return validationError(s.Type, path+".resourceRecordSet.type", "Member must satisfy enum value set: "+rrTypeList())
	}
	if err := validateUnmodeled(c); err != nil {
		return err
	}
	if err := validateMembers(path+".resourceRecordSet", s); err != nil {
		return err
	}
	if err := validateRecordsPresent(path+".resourceRecordSet", c); err != nil {
		return err
	}
	return validateRouting(c)
}

// validateUnmodeled refuses members the fake does not implement, rather than
// silently dropping them and answering with something Route 53 would not.
func validateUnmodeled(c *change) *apiError {
	s := &c.Set
	for _, m := range []struct {
		name    string
		present bool
	}{
		{"AliasTarget", s.AliasTarget != nil}, {"GeoLocation", s.GeoLocation != nil},
		{"GeoProximityLocation", s.GeoProximityLocation != nil}, {"CidrRoutingConfig", s.CidrRoutingConfig != nil},
		{"TrafficPolicyInstanceId", s.TrafficPolicyInstanceID != nil},
	} {
		if m.present {
			return invalidInput("route53fake does not model %s (in %s)", m.name, describe(c))
		}
	}
	return nil
}

// validateMembers applies the model's range, enum and length constraints.
func validateMembers(path string, s *rrset) *apiError {
	if s.SetIdentifier != nil && (len(*s.SetIdentifier) < 1 || len(*s.SetIdentifier) > maxSetIDLen) {
		return validationError(*s.SetIdentifier, path+".setIdentifier", "Member must have length less than or equal to 128 and greater than or equal to 1")
	}
	if s.TTL != nil && *s.TTL < 0 {
		return validationError(*s.TTL, path+".tTL", "Member must have value greater than or equal to 0")
	}
	if s.TTL != nil && *s.TTL > maxTTL {
		return validationError(*s.TTL, path+".tTL", "Member must have value less than or equal to 2147483647")
	}
	if s.Weight != nil && *s.Weight < 0 {
		return validationError(*s.Weight, path+".weight", "Member must have value greater than or equal to 0")
	}
	if s.Weight != nil && *s.Weight > maxWeight {
		return validationError(*s.Weight, path+".weight", "Member must have value less than or equal to 255")
	}
	regions := types.ResourceRecordSetRegion("").Values()
	if s.Region != nil && !slices.Contains(regions, types.ResourceRecordSetRegion(*s.Region)) {
		return validationError(*s.Region, path+".region", "Member must satisfy enum value set: "+enumList(regions))
	}
	failovers := types.ResourceRecordSetFailover("").Values()
	if s.Failover != nil && !slices.Contains(failovers, types.ResourceRecordSetFailover(*s.Failover)) {
		return validationError(*s.Failover, path+".failover", "Member must satisfy enum value set: "+enumList(failovers))
	}
	for i, v := range s.values() {
		if len(v) > maxValueLen {
			return validationError(v, fmt.Sprintf("%s.resourceRecords.%d.member.value", path, i+1), "Member must have length less than or equal to 4000")
		}
	}
	return nil
}

// validateRecordsPresent mirrors "Expected exactly one of [AliasTarget, all
// of [TTL, and ResourceRecords], or TrafficPolicyInstanceId]" for a non-alias
// set that lacks TTL or ResourceRecords.
func validateRecordsPresent(path string, c *change) *apiError {
	s := &c.Set
	if s.ResourceRecords != nil && len(s.ResourceRecords.Items) == 0 {
		return validationError("[]", path+".resourceRecords", "Member must have length greater than or equal to 1")
	}
	if s.TTL == nil || s.ResourceRecords == nil {
		return invalidInput("Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in %s", describe(c))
	}
	return nil
}

// validateRouting mirrors Route 53's pairing rules: a routing policy member
// needs a SetIdentifier ("Missing field 'SetIdentifier'"), a SetIdentifier
// needs exactly one routing policy member.
func validateRouting(c *change) *apiError {
	s := &c.Set
	policies := 0
	for _, present := range []bool{s.Weight != nil, s.Region != nil, s.Failover != nil, s.MultiValueAnswer != nil} {
		if present {
			policies++
		}
	}
	switch {
	case policies > 0 && s.SetIdentifier == nil:
		return invalidInput("Invalid request: Missing field 'SetIdentifier' in %s", describe(c))
	case policies == 0 && s.SetIdentifier != nil:
		return invalidInput("Invalid request: Expected exactly one of %s, but found none in %s", routingMembers, describe(c))
	case policies > 1:
		return invalidInput("Invalid request: Expected exactly one of %s, but found more than one in %s", routingMembers, describe(c))
	}
	return nil
}

// describe renders a change the way Route 53's InvalidInput messages do.
func describe(c *change) string {
	id := "null"
	if c.Set.SetIdentifier != nil {
		id = *c.Set.SetIdentifier
	}
	return fmt.Sprintf("Change with [Action=%s, Name=%s, Type=%s, SetIdentifier=%s]", c.Action, c.Set.Name, c.Set.Type, id)
}

// requestSize counts ResourceRecord elements and Value characters the way
// the documented limits do: an UPSERT's count twice.
func requestSize(changes []change) (records, chars int) {
	for _, c := range changes {
		factor := 1
		if c.Action == string(types.ChangeActionUpsert) {
			factor = 2
		}
		for _, v := range c.Set.values() {
			records += factor
			chars += factor * len(v)
		}
	}
	return records, chars
}

// checkLimits answers an oversized request with InvalidChangeBatch, as
// Route 53 does ("[Number of records limit of 1000 exceeded.]").
func checkLimits(changes []change) *apiError {
	records, chars := requestSize(changes)
	if records > maxRecordsPerRequest {
		return invalidChangeBatch([]string{fmt.Sprintf("Number of records limit of %d exceeded.", maxRecordsPerRequest)})
	}
	if chars > maxCharsPerRequest {
		return invalidChangeBatch([]string{fmt.Sprintf("Number of characters limit of %d exceeded.", maxCharsPerRequest)})
	}
	return nil
}
