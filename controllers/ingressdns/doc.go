// Package ingressdns keeps each IngressDNSRecord's status: for every member cluster that has the
// Ingress of the record's name and namespace, an entry in status.dns with, when the shard is
// healthy, the Ingress's load balancer in Service form — KubeFed's encoding, which the
// DNSEndpoint controller reads. It shares everything but the reading of Ingresses with the
// servicedns controller (package shards); an Ingress shard has no endpoint check, since its
// backends are the ingress controller's business, and no location names.
package ingressdns
