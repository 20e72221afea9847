package route53

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// writableTypes are the types Meridian writes; everything else in a zone is read, never changed.
var writableTypes = []string{providers.TypeA, providers.TypeAAAA, providers.TypeCNAME, providers.TypeTXT}

// maxCharacterString is the DNS limit on one TXT character-string (RFC 1035 3.3.14).
const maxCharacterString = 255

// Failover roles.
const (
	failoverPrimary   = types.ResourceRecordSetFailoverPrimary
	failoverSecondary = types.ResourceRecordSetFailoverSecondary
)

// canonicalName is a name as Records report it: lower case, no final dot, and Route 53's octal
// escapes (\052 for '*') decoded.
func canonicalName(name string) string {
	name = strings.TrimSuffix(strings.TrimSpace(name), ".")
	if !strings.Contains(name, `\`) {
		return strings.ToLower(name)
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c != '\\' || i+1 == len(name) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(name) && isOctal(name[i+1]) && isOctal(name[i+2]) && isOctal(name[i+3]) {
			n, _ := strconv.ParseUint(name[i+1:i+4], 8, 8)
			b.WriteByte(byte(n))
			i += 3
			continue
		}
		b.WriteByte(name[i+1])
		i++
	}
	return strings.ToLower(b.String())
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// quoteTXT turns text into a Route 53 TXT value: quoted character-strings of at most 255 bytes,
// with quotes and backslashes escaped and bytes outside printable ASCII as \ooo octal, which is
// how Route 53 wants them.
func quoteTXT(text string) string {
	var out []string
	var cur strings.Builder
	n := 0
	flush := func() {
		out = append(out, `"`+cur.String()+`"`)
		cur.Reset()
		n = 0
	}
	for i := 0; i < len(text); i++ {
		if n == maxCharacterString {
			flush()
		}
		switch c := text[i]; {
		case c == '"' || c == '\\':
			cur.WriteByte('\\')
			cur.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&cur, `\%03o`, c)
		default:
			cur.WriteByte(c)
		}
		n++
	}
	if n > 0 || len(out) == 0 {
		flush()
	}
	return strings.Join(out, " ")
}

// unquoteTXT reads a TXT value back into text, joining its character-strings as resolvers do.
// A value that is not quoted (written by a tool that did not follow the format) is returned as is.
func unquoteTXT(v string) string {
	var b strings.Builder
	i := 0
	for i < len(v) {
		switch {
		case v[i] == ' ':
			i++
			continue
		case v[i] != '"':
			return v
		}
		i++
		for i < len(v) && v[i] != '"' {
			if v[i] == '\\' && i+3 < len(v) && isOctal(v[i+1]) && isOctal(v[i+2]) && isOctal(v[i+3]) {
				n, _ := strconv.ParseUint(v[i+1:i+4], 8, 8)
				b.WriteByte(byte(n))
				i += 4
				continue
			}
			if v[i] == '\\' && i+1 < len(v) {
				i++
			}
			b.WriteByte(v[i])
			i++
		}
		if i >= len(v) {
			return v // no closing quote
		}
		i++
	}
	return b.String()
}

// wireValue is a target as Route 53 stores it.
func wireValue(recordType, target string) string {
	switch recordType {
	case providers.TypeTXT:
		return quoteTXT(target)
	case providers.TypeCNAME:
		return canonicalName(target) + "."
	}
	return target
}

// readValue is a stored value as a Record target.
func readValue(recordType, v string) string {
	switch recordType {
	case providers.TypeA, providers.TypeAAAA:
		if addr, err := netip.ParseAddr(v); err == nil {
			return addr.String()
		}
	case providers.TypeCNAME:
		return canonicalName(v)
	case providers.TypeTXT, "SPF":
		return unquoteTXT(v)
	}
	return v
}

// fromRRSet converts a listed set into a Record, without its health check (see list.go).
// Alias sets report their alias target as their one target.
func fromRRSet(s *types.ResourceRecordSet) providers.Record {
	r := providers.Record{
		Name: canonicalName(aws.ToString(s.Name)), Type: string(s.Type),
		SetIdentifier: aws.ToString(s.SetIdentifier), TTL: aws.ToInt64(s.TTL),
	}
	r.Cluster = r.SetIdentifier
	for _, rr := range s.ResourceRecords {
		r.Targets = append(r.Targets, readValue(r.Type, aws.ToString(rr.Value)))
	}
	if s.AliasTarget != nil {
		r.Targets = []string{canonicalName(aws.ToString(s.AliasTarget.DNSName))}
	}
	slices.Sort(r.Targets)
	r.Targets = slices.Compact(r.Targets)
	switch {
	case s.Weight != nil:
		r.Routing, r.Weight = providers.RoutingWeighted, aws.Int64(*s.Weight)
	case s.Region != "":
		r.Routing, r.Region = providers.RoutingNearest, string(s.Region)
	case s.Failover != "":
		priority := 0
		if s.Failover != failoverPrimary {
			priority = 1
		}
		r.Routing, r.FailoverPriority = providers.RoutingFailover, &priority
	case aws.ToBool(s.MultiValueAnswer):
		r.Routing = providers.RoutingAll
	}
	return r
}

// toRRSet converts a set to write. r is canonical (see Canonical) or close to it: its routing is
// mapped here one set at a time, so that a set that skipped Canonical is still valid.
func (p *Provider) toRRSet(r *providers.Record, healthCheckID string) types.ResourceRecordSet {
	s := types.ResourceRecordSet{Name: aws.String(r.Name + "."), Type: types.RRType(r.Type), TTL: aws.Int64(r.TTL)}
	for _, t := range r.Targets {
		s.ResourceRecords = append(s.ResourceRecords, types.ResourceRecord{Value: aws.String(wireValue(r.Type, t))})
	}
	if healthCheckID != "" {
		s.HealthCheckId = aws.String(healthCheckID)
	}
	if r.SetIdentifier == "" {
		return s
	}
	s.SetIdentifier = aws.String(r.SetIdentifier)
	switch r.Routing {
	case providers.RoutingNearest:
		s.Region = types.ResourceRecordSetRegion(p.regions.awsRegion(r.Region))
	case providers.RoutingWeighted:
		s.Weight = aws.Int64(clampWeight(r.Weight))
	case providers.RoutingFailover:
		s.Failover = failoverPrimary
		if r.FailoverPriority != nil && *r.FailoverPriority > 0 {
			s.Failover = failoverSecondary
		}
	default:
		s.MultiValueAnswer = aws.Bool(true)
	}
	return s
}

// policy names a stored set's routing policy; "" is simple routing. Route 53 cannot UPSERT a set
// into another policy, so a change of policy is a DELETE and a CREATE.
func policy(s *types.ResourceRecordSet) string {
	switch {
	case s.Weight != nil:
		return "weighted"
	case s.Region != "":
		return "latency"
	case s.Failover != "":
		return "failover"
	case s.MultiValueAnswer != nil:
		return "multivalue"
	case s.GeoLocation != nil || s.GeoProximityLocation != nil || s.CidrRoutingConfig != nil:
		return "other"
	}
	return ""
}

// unmanaged says why Meridian must never change a stored set, or "" when it may.
func unmanaged(s *types.ResourceRecordSet) string {
	switch {
	case !slices.Contains(writableTypes, string(s.Type)):
		return "type " + string(s.Type)
	case s.AliasTarget != nil:
		return "an alias"
	case s.TrafficPolicyInstanceId != nil:
		return "a traffic policy's"
	case policy(s) == "other":
		return "a geolocation, geoproximity or CIDR set"
	}
	return ""
}

// values returns the set's wire values.
func values(s *types.ResourceRecordSet) []string {
	out := make([]string, len(s.ResourceRecords))
	for i, rr := range s.ResourceRecords {
		out[i] = aws.ToString(rr.Value)
	}
	return out
}

// describe names a set the way errors show it.
func describe(r *providers.Record) string {
	if r.SetIdentifier == "" {
		return r.Type + " " + r.Name
	}
	return fmt.Sprintf("%s %s (set %s)", r.Type, r.Name, r.SetIdentifier)
}
