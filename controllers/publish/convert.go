package publish

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
)

// DefaultRecordTypes are the types the etcd provider can hold.
var DefaultRecordTypes = []string{skydns.TypeA, skydns.TypeAAAA, skydns.TypeCNAME, skydns.TypeTXT}

// Resource is how records name the DNSEndpoint they were published for.
func Resource(namespace, name string) string {
	return "dnsendpoint/" + namespace + "/" + name
}

// FieldError is an endpoint that cannot be published, with the field that says why.
type FieldError struct {
	Field   string // e.g. spec.endpoints[2].targets[0]
	Message string
}

func (e FieldError) String() string { return e.Field + ": " + e.Message }

// Desired converts a DNSEndpoint's endpoints into record sets. An endpoint that cannot be
// published is left out and reported; it does not hold up the others. zones are the DNS zones the
// provider manages (a name must be in one of them); types are the record types it can hold.
func Desired(ep *v1alpha1.DNSEndpoint, zones, types []string) ([]providers.Record, []FieldError) {
	var records []providers.Record
	var problems []FieldError
	seen := map[providers.Key]int{}
	for i, e := range ep.Spec.Endpoints {
		field := fmt.Sprintf("spec.endpoints[%d]", i)
		r, err := convert(e, field, zones, types)
		if err != nil {
			problems = append(problems, *err)
			continue
		}
		if j, dup := seen[r.Key()]; dup {
			problems = append(problems, FieldError{field, fmt.Sprintf(
				"same dnsName, recordType and setIdentifier as spec.endpoints[%d]", j)})
			continue
		}
		seen[r.Key()] = i
		records = append(records, r)
	}
	slices.SortFunc(records, func(a, b providers.Record) int { return a.Key().Compare(b.Key()) })
	return records, problems
}

func convert(e v1alpha1.Endpoint, field string, zones, types []string) (providers.Record, *FieldError) {
	r := providers.Record{
		Name:          skydns.Canonical(e.DNSName),
		Type:          e.RecordType,
		SetIdentifier: e.SetIdentifier,
		TTL:           int64(e.RecordTTL.OrDefault()),
	}
	if r.Type == "" {
		r.Type = skydns.TypeA // external-dns's default
	}
	if !slices.Contains(types, r.Type) {
		return r, &FieldError{field + ".recordType", fmt.Sprintf("%s records are not supported by this provider (supported: %s)",
			r.Type, strings.Join(types, ", "))}
	}
	if !inZones(r.Name, zones) {
		return r, &FieldError{field + ".dnsName", fmt.Sprintf("%s is in no zone this provider manages (%s)",
			r.Name, strings.Join(zones, ", "))}
	}
	if len(e.Targets) == 0 {
		return r, &FieldError{field + ".targets", "a record needs at least one target"}
	}
	for j, t := range e.Targets {
		target, msg := checkTarget(r.Type, t)
		if msg != "" {
			return r, &FieldError{fmt.Sprintf("%s.targets[%d]", field, j), msg}
		}
		r.Targets = append(r.Targets, target)
	}
	slices.Sort(r.Targets)
	r.Targets = slices.Compact(r.Targets)
	if msg := routing(&r, e); msg != nil {
		msg.Field = field + "." + msg.Field
		return r, msg
	}
	return r, nil
}

// checkTarget returns the target in the form providers store, or why it is not one.
func checkTarget(recordType, target string) (string, string) {
	switch recordType {
	case skydns.TypeA, skydns.TypeAAAA:
		addr, err := netip.ParseAddr(target)
		if err != nil || addr.Zone() != "" {
			return "", fmt.Sprintf("%q is not an IP address, as a %s record needs", target, recordType)
		}
		if addr.Is4() != (recordType == skydns.TypeA) {
			return "", fmt.Sprintf("%s is not an IPv%s address, as a %s record needs", target,
				map[bool]string{true: "4", false: "6"}[recordType == skydns.TypeA], recordType)
		}
		return addr.String(), ""
	case skydns.TypeCNAME:
		name := skydns.Canonical(target)
		if name == "" || strings.ContainsAny(name, " /") {
			return "", fmt.Sprintf("%q is not a host name", target)
		}
		return name, ""
	}
	return target, ""
}

// routing copies Meridian's routing labels and properties into the record.
func routing(r *providers.Record, e v1alpha1.Endpoint) *FieldError {
	r.Cluster = e.Labels[dnsendpoint.LabelCluster]
	r.Region = e.Labels[dnsendpoint.LabelRegion]
	if zones := e.Labels[dnsendpoint.LabelZones]; zones != "" {
		r.Zones = strings.Split(zones, ",")
		slices.Sort(r.Zones)
	}
	for _, p := range e.ProviderSpecific {
		switch p.Name {
		case dnsendpoint.PropertyRoutingPolicy:
			r.Routing = p.Value
		case dnsendpoint.PropertyHealthCheck:
			hc, err := parseHealthCheck(p.Value)
			if err != nil {
				return &FieldError{"providerSpecific", fmt.Sprintf("%s %q: %v", p.Name, p.Value, err)}
			}
			r.HealthCheck = hc
		}
	}
	switch r.Routing {
	case "", providers.RoutingNearest, providers.RoutingWeighted, providers.RoutingFailover, providers.RoutingAll:
	default:
		return &FieldError{"providerSpecific", fmt.Sprintf("%s %q is not a routing strategy (nearest, weighted, failover, all)",
			dnsendpoint.PropertyRoutingPolicy, r.Routing)}
	}
	if w, ok := e.Labels[dnsendpoint.LabelWeight]; ok {
		n, err := strconv.ParseInt(w, 10, 64)
		if err != nil || n < 0 {
			return &FieldError{"labels", fmt.Sprintf("%s %q is not a weight (a whole number from 0)", dnsendpoint.LabelWeight, w)}
		}
		r.Weight = &n
	}
	if p, ok := e.Labels[dnsendpoint.LabelFailoverPriority]; ok {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return &FieldError{"labels", fmt.Sprintf("%s %q is not a priority (a whole number from 0)", dnsendpoint.LabelFailoverPriority, p)}
		}
		r.FailoverPriority = &n
	}
	return nil
}

// inZones reports whether name is a zone or below one.
func inZones(name string, zones []string) bool {
	for _, z := range zones {
		z = skydns.Canonical(z)
		if name == z || strings.HasSuffix(name, "."+z) {
			return true
		}
	}
	return false
}

// parseHealthCheck reads a dnsendpoint.PropertyHealthCheck value.
func parseHealthCheck(value string) (*providers.HealthCheck, error) {
	hc := &providers.HealthCheck{}
	for _, field := range strings.Split(value, ",") {
		k, v, _ := strings.Cut(field, "=")
		var err error
		switch k {
		case "protocol":
			hc.Protocol = v
		case "path":
			hc.Path = v
		case "port":
			hc.Port, err = parseInt32(v, 1, 65535)
		case "interval":
			hc.IntervalSeconds, err = parseInt32(v, 1, 3600)
		case "failureThreshold":
			hc.FailureThreshold, err = parseInt32(v, 1, 100)
		default:
			err = fmt.Errorf("unknown field %q", k)
		}
		if err != nil {
			return nil, err
		}
	}
	switch hc.Protocol {
	case "HTTP", "HTTPS", "TCP":
	default:
		return nil, fmt.Errorf("protocol %q is not HTTP, HTTPS or TCP", hc.Protocol)
	}
	if hc.Port == 0 {
		return nil, errors.New("no port")
	}
	return hc, nil
}

func parseInt32(s string, lo, hi int32) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || int32(n) < lo || int32(n) > hi {
		return 0, fmt.Errorf("%q is not a number from %d to %d", s, lo, hi)
	}
	return int32(n), nil
}
