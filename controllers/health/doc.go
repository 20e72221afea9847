// Package health decides whether a shard — one member cluster's copy of a Service or Ingress —
// should receive DNS traffic, and actively probes shards whose record asks for it.
//
// The decisions are pure: Verdict judges a shard from plain observed inputs, ReadyEndpoints counts
// a Service's ready endpoints from its EndpointSlices, and Debouncer turns a stream of probe
// results into a stable passing/failing state. The Prober is the only part that does I/O: it runs
// one goroutine per probe target, probes exactly the addresses it is given, and reports state
// changes through a callback so a controller can recompute verdicts at once.
//
// The package knows nothing of the multiclusterdns API types; controllers map records, clusters
// and member objects to ShardInput and Target.
package health
