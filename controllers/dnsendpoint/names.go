package dnsendpoint

import "strings"

// ObjectName is the name of the DNSEndpoint written for a record: KubeFed's service-<name> and
// ingress-<name>. A DNSEndpoint of that name that the record does not own (KubeFed's, after a
// migration) is left alone and reported; deleting it lets Meridian write its own.
func ObjectName(kind Kind, recordName string) string {
	if kind == KindIngress {
		return "ingress-" + recordName
	}
	return "service-" + recordName
}

// serviceNames builds a Service record's names. The prefix is <name>.<ns>.<domainRef>.svc, with
// the externalName in place of the name when one is set, as KubeFed did.
type serviceNames struct {
	prefix string
	domain string
}

func newServiceNames(r Record) serviceNames {
	first := r.Name
	if r.ExternalName != "" {
		first = r.ExternalName
	}
	return serviceNames{
		prefix: strings.Join([]string{first, r.Namespace, r.DomainRef, "svc"}, "."),
		domain: r.Domain,
	}
}

func (n serviceNames) global() string {
	return n.prefix + "." + n.domain
}

func (n serviceNames) region(region string) string {
	return strings.Join([]string{n.prefix, region, n.domain}, ".")
}

func (n serviceNames) zone(zone, region string) string {
	return strings.Join([]string{n.prefix, zone, region, n.domain}, ".")
}

// dnsPrefixName is the name KubeFed pointed at the global name for spec.dnsPrefix.
func dnsPrefixName(r Record) string {
	return r.DNSPrefix + "." + r.Domain
}
