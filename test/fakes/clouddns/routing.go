package clouddnsfake

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"

	dns "google.golang.org/api/dns/v1"
)

// Routing policy validation. Each rule cites the API reference of RRSetRoutingPolicy and its parts
// (https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets) or the routing policies
// overview (https://cloud.google.com/dns/docs/routing-policies-overview).

// routingPolicy: "Union field routing_data can be only one of geo, wrr, primaryBackup", and the
// overview: "Only one type of routing policy can be applied to a resource record set at a time",
// except failover, whose backup is a geo policy.
func (v *validator) routingPolicy(path, typ string, p *dns.RRSetRoutingPolicy) {
	set := 0
	for _, present := range []bool{p.Geo != nil, p.Wrr != nil, p.PrimaryBackup != nil} {
		if present {
			set++
		}
	}
	if set != 1 {
		v.invalid(path, fmt.Sprintf("%d of geo, wrr, primaryBackup set; exactly one is required", set))
		return
	}
	if p.HealthCheck != "" && !strings.Contains(p.HealthCheck, "/healthChecks/") {
		// healthCheck is "the fully qualified URL of the HealthCheck", .../global/healthChecks/{name}.
		v.invalid(path+".healthCheck", p.HealthCheck)
	}
	switch {
	case p.Geo != nil:
		v.geo(path+".geo", typ, p.Geo)
	case p.Wrr != nil:
		v.wrr(path+".wrr", typ, p.Wrr)
	default:
		v.primaryBackup(path+".primaryBackup", typ, p.PrimaryBackup)
	}
}

// geo: items are keyed by location, "a GCP region"; "If there are multiple items with the same
// location, an error is returned instead."
func (v *validator) geo(path, typ string, g *dns.RRSetRoutingPolicyGeoPolicy) {
	if len(g.Items) == 0 {
		v.invalid(path+".items", "<empty>")
		return
	}
	seen := map[string]bool{}
	for i, it := range g.Items {
		ip := fmt.Sprintf("%s.items[%d]", path, i)
		if it == nil {
			v.invalid(ip, "<empty>")
			continue
		}
		switch {
		case !gcpRegions[it.Location]:
			v.invalid(ip+".location", it.Location)
		case seen[it.Location]:
			v.invalid(ip+".location", it.Location)
		}
		seen[it.Location] = true
		v.item(ip, typ, it.Rrdatas, it.HealthCheckedTargets)
	}
}

// wrr: "This weight must be non-negative."
func (v *validator) wrr(path, typ string, w *dns.RRSetRoutingPolicyWrrPolicy) {
	if len(w.Items) == 0 {
		v.invalid(path+".items", "<empty>")
		return
	}
	for i, it := range w.Items {
		ip := fmt.Sprintf("%s.items[%d]", path, i)
		if it == nil {
			v.invalid(ip, "<empty>")
			continue
		}
		if it.Weight < 0 || math.IsNaN(it.Weight) || math.IsInf(it.Weight, 0) {
			v.invalid(ip+".weight", it.Weight)
		}
		v.item(ip, typ, it.Rrdatas, it.HealthCheckedTargets)
	}
}

// primaryBackup: primary targets are health checked and "If all endpoints are unhealthy, we serve
// a response based on the backup_geo_targets", so both are needed; trickleTraffic is the share of
// traffic sent to the backups while the primaries are healthy, a fraction in [0, 1].
func (v *validator) primaryBackup(path, typ string, pb *dns.RRSetRoutingPolicyPrimaryBackupPolicy) {
	if pb.PrimaryTargets == nil {
		v.invalid(path+".primaryTargets", "<empty>")
	} else {
		v.targets(path+".primaryTargets", typ, pb.PrimaryTargets)
	}
	if pb.BackupGeoTargets == nil {
		v.invalid(path+".backupGeoTargets", "<empty>")
	} else {
		v.geo(path+".backupGeoTargets", typ, pb.BackupGeoTargets)
	}
	if t := pb.TrickleTraffic; t < 0 || t > 1 || math.IsNaN(t) {
		v.invalid(path+".trickleTraffic", t)
	}
}

// item is one geo or wrr bucket: it answers with its rrdatas, its healthy targets, or both
// ("These can be specified along with rrdata within this item"), so one of them must be set.
func (v *validator) item(path, typ string, rrdatas []string, t *dns.RRSetRoutingPolicyHealthCheckTargets) {
	if len(rrdatas) == 0 && t == nil {
		v.invalid(path+".rrdata", "<empty>")
	}
	v.rrdatas(path, typ, rrdatas)
	if t != nil {
		v.targets(path+".healthCheckedTargets", typ, t)
	}
}

// targets: health-checked targets are "For A and AAAA types only"; "Set either
// internal_load_balancer or external_endpoints. Do not set both."; external endpoints have the
// rrdata format of the rrset's type.
func (v *validator) targets(path, typ string, t *dns.RRSetRoutingPolicyHealthCheckTargets) {
	if typ != "A" && typ != "AAAA" {
		v.invalid(path, "health-checked targets on a "+typ+" rrset")
		return
	}
	hasLB, hasExt := len(t.InternalLoadBalancers) > 0, len(t.ExternalEndpoints) > 0
	if hasLB == hasExt {
		v.invalid(path, "exactly one of internalLoadBalancers or externalEndpoints is required")
	}
	for j, e := range t.ExternalEndpoints {
		if !validRRData(typ, e) {
			v.invalid(fmt.Sprintf("%s.externalEndpoints[%d]", path, j), e)
		}
	}
	for j, lb := range t.InternalLoadBalancers {
		v.loadBalancer(fmt.Sprintf("%s.internalLoadBalancers[%d]", path, j), lb)
	}
}

var (
	lbProtocols = map[string]bool{"tcp": true, "udp": true}
	lbTypes     = map[string]bool{"": true, "none": true, "regionalL4ilb": true, "regionalL7ilb": true, "globalL7ilb": true}
)

// loadBalancer checks a target against the documented LoadBalancerTarget fields: the frontend
// ipAddress, its port, the protocol (tcp or udp), the load balancer type, the network URL, the
// project and, for regional types, the region "in which the load balancer is located".
func (v *validator) loadBalancer(path string, lb *dns.RRSetRoutingPolicyLoadBalancerTarget) {
	if lb == nil {
		v.invalid(path, "<empty>")
		return
	}
	if _, err := netip.ParseAddr(lb.IpAddress); err != nil {
		v.invalid(path+".ipAddress", lb.IpAddress)
	}
	if p, err := strconv.ParseUint(lb.Port, 10, 16); err != nil || p == 0 {
		v.invalid(path+".port", lb.Port)
	}
	if !lbProtocols[lb.IpProtocol] {
		v.invalid(path+".ipProtocol", lb.IpProtocol)
	}
	if !lbTypes[lb.LoadBalancerType] {
		v.invalid(path+".loadBalancerType", lb.LoadBalancerType)
	}
	regional := strings.HasPrefix(lb.LoadBalancerType, "regional")
	if (regional || lb.Region != "") && !gcpRegions[lb.Region] {
		v.invalid(path+".region", lb.Region)
	}
	if lb.NetworkUrl == "" {
		v.invalid(path+".networkUrl", "")
	}
	if lb.Project == "" {
		v.invalid(path+".project", "")
	}
}
