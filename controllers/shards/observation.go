package shards

import (
	"cmp"
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// Presence is what a member's cache says of the record's object.
type Presence int

const (
	// Unknown: the member was not read (not Ready, not connected yet, or the read failed).
	Unknown Presence = iota
	// Absent: the member was read and has no such object.
	Absent
	// Present: the member has the object; the Observation's object fields describe it.
	Present
)

// Observation is what one KubeFedCluster and its member hold of the record's object.
type Observation struct {
	Cluster        string
	ClusterReady   bool   // the KubeFedCluster's Ready condition is True
	ClusterMessage string // that condition's message, for a cluster that is not Ready
	Region         string
	Zones          []string

	Presence  Presence
	ReadError string // why a Ready cluster is Unknown

	Object Object // meaningful when Presence is Present
}

// Object is what matters of one member's Service or Ingress.
type Object struct {
	// ServiceType is a Service's spec.type; empty for an Ingress.
	ServiceType corev1.ServiceType
	// LoadBalancer is status.loadBalancer.ingress, cleaned by CleanIngress.
	LoadBalancer []corev1.LoadBalancerIngress
	// ReadyEndpoints counts a Service's ready endpoints (health.ReadyEndpoints).
	ReadyEndpoints int
}

// notLoadBalancer reports a Service whose type cannot have a load-balancer address.
func (o Object) notLoadBalancer() bool {
	return o.ServiceType != "" && o.ServiceType != corev1.ServiceTypeLoadBalancer
}

// Entry is one element of status.dns, in ServiceDNSRecord's shape (an IngressDNSRecord keeps
// only Cluster and LoadBalancer).
type Entry struct {
	Cluster      string
	LoadBalancer corev1.LoadBalancerStatus
	Region       string
	Zones        []string
}

// CleanIngress copies only the IP, hostname and IP mode of each load-balancer entry, sorted by
// IP then hostname as KubeFed sorted them, so that equal states compare equal. Ports are left
// out: the record's CRD requires fields in them that member objects may omit, which would fail
// the status write, and DNS has no use for them. Entries with neither IP nor hostname are
// dropped.
func CleanIngress(in []corev1.LoadBalancerIngress) []corev1.LoadBalancerIngress {
	var out []corev1.LoadBalancerIngress
	for _, e := range in {
		if e.IP == "" && e.Hostname == "" {
			continue
		}
		c := corev1.LoadBalancerIngress{IP: e.IP, Hostname: e.Hostname}
		if e.IPMode != nil {
			mode := *e.IPMode
			c.IPMode = &mode
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b corev1.LoadBalancerIngress) int {
		return cmp.Or(cmp.Compare(a.IP, b.IP), cmp.Compare(a.Hostname, b.Hostname))
	})
	return out
}

// addresses lists the IPs and hostnames of a load balancer, as health.ShardInput wants them.
func addresses(lb []corev1.LoadBalancerIngress) []string {
	var out []string
	for _, e := range lb {
		if e.IP != "" {
			out = append(out, e.IP)
		}
		if e.Hostname != "" {
			out = append(out, e.Hostname)
		}
	}
	return out
}
