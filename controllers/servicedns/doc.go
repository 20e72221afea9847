// Package servicedns keeps each ServiceDNSRecord's status: for every member cluster that has the
// Service of the record's name and namespace, an entry in status.dns with the cluster's region
// and zones and, when the shard is healthy, the Service's load balancer — KubeFed's encoding,
// which the DNSEndpoint controller reads. Conditions Ready and Topology say why a record serves
// less than it could.
//
// Members are read through their watch caches; a Service, an EndpointSlice whose readiness
// flips, a Domain, a cluster turning Ready or not, or an active health check changing state
// brings the record back at once.
package servicedns
