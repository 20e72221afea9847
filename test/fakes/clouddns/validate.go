package clouddnsfake

import (
	"fmt"
	"math"
	"net/http"

	dns "google.golang.org/api/dns/v1"
)

// maxTTL is the largest TTL a resolver honours (RFC 2181 8: TTLs are 0..2^31-1). The Cloud DNS
// pages do not document a narrower range, so the fake takes the protocol's.
const maxTTL = math.MaxInt32

// validator collects every 400 "invalid" item of a request, as the real service reports all bad
// fields of a change at once (e.g. two rrdata errors in one response, DNSControl/dnscontrol#349).
// Field paths follow the service's: "entity.change.additions[0].rrdata[2]", with "rrdata" in the
// singular as the service writes it although the JSON field is "rrdatas".
type validator struct {
	err *apiError
}

func (v *validator) invalid(field string, value any) {
	if v.err == nil {
		v.err = &apiError{code: http.StatusBadRequest}
	}
	v.err.add(ReasonInvalid, "Invalid value for '%s': '%v'", field, value)
}

// validateChange checks the shape of a change before anything is looked up in the zone.
func validateChange(z *zone, ch *dns.Change) *apiError {
	if len(ch.Additions) == 0 && len(ch.Deletions) == 0 {
		return newAPIError(http.StatusBadRequest, ReasonRequired,
			"Required field 'entity.change.additions' or 'entity.change.deletions' not specified")
	}
	v := &validator{}
	for i, rr := range ch.Additions {
		v.addition(z, fmt.Sprintf("entity.change.additions[%d]", i), rr)
	}
	for i, rr := range ch.Deletions {
		v.deletion(fmt.Sprintf("entity.change.deletions[%d]", i), rr)
	}
	return v.err.orNil()
}

// deletion only needs a name and a supported type: whether it matches is decided against the zone
// (404 notFound or 412 conditionNotMet).
func (v *validator) deletion(path string, rr *dns.ResourceRecordSet) {
	switch {
	case rr == nil:
		v.invalid(path, "<empty>")
	case rr.Name == "":
		v.invalid(path+".name", "")
	case !supportedTypes[rr.Type]:
		v.invalid(path+".type", rr.Type)
	}
}

func (v *validator) addition(z *zone, path string, rr *dns.ResourceRecordSet) {
	if rr == nil {
		v.invalid(path, "<empty>")
		return
	}
	switch {
	case !validDomainName(rr.Name, true):
		v.invalid(path+".name", rr.Name)
	case !z.inZone(rr.Name):
		// Records must lie in the zone's namespace: the managed zone "holds DNS records for the
		// same DNS name suffix" (Cloud DNS overview).
		v.invalid(path+".name", rr.Name)
	case rr.Type == "SOA" && lowerName(rr.Name) != z.info.DnsName:
		v.invalid(path+".name", rr.Name) // a zone has one SOA, at its apex (RFC 1035 5.2)
	}
	typeOK := supportedTypes[rr.Type]
	if !typeOK {
		v.invalid(path+".type", rr.Type)
	}
	if rr.Ttl < 0 || rr.Ttl > maxTTL {
		v.invalid(path+".ttl", rr.Ttl)
	}
	hasData, hasPolicy := len(rr.Rrdatas) > 0, rr.RoutingPolicy != nil
	switch {
	case hasData && hasPolicy:
		// "A valid ResourceRecordSet contains only rrdata (for static resolution) or a
		// routing_policy (for dynamic resolution)" (ResourceRecordSet.routingPolicy).
		v.invalid(path+".routingPolicy", "set together with rrdata")
	case !hasData && !hasPolicy:
		v.invalid(path+".rrdata", "<empty>") // wording seen from the service for an empty rrset
	case !typeOK:
	case hasData:
		v.rrdatas(path, rr.Type, rr.Rrdatas)
	default:
		v.routingPolicy(path+".routingPolicy", rr.Type, rr.RoutingPolicy)
	}
}

// rrdatas checks each rrdata's syntax for its type, that a CNAME rrset holds one record
// (RFC 1034 3.6.2, RFC 2181 10.1) and that no record repeats (RFC 2181 5: an RRset has no
// duplicate records).
func (v *validator) rrdatas(path, typ string, list []string) {
	seen := map[string]bool{}
	for j, d := range list {
		field := fmt.Sprintf("%s.rrdata[%d]", path, j)
		switch {
		case !validRRData(typ, d):
			v.invalid(field, d)
		case typ == "CNAME" && j > 0:
			v.invalid(field, d)
		case seen[d]:
			v.invalid(field, d)
		}
		seen[d] = true
	}
}
