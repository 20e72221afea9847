// Package shards is what the servicedns and ingressdns controllers share: gathering what each
// member cluster holds of a record's Service or Ingress (an Observation per KubeFedCluster),
// deciding the record's status from it (Decide, a pure function), choosing what to probe when
// the record has an active health check (Targets), and turning the Prober's transitions into
// reconcile requests (ProbeEvents).
//
// A shard is one member cluster's copy of the Service or Ingress. The status this package
// computes is KubeFed's status.dns, with one contract for the DNS controllers: an entry whose
// load balancer lists addresses is a healthy shard, an entry without is an unhealthy one. So the
// load balancer is cleared for every shard whose health.Verdict is false, not only for offline
// clusters as KubeFed did.
package shards
