// Package dnsendpoint turns a ServiceDNSRecord or IngressDNSRecord and the health of its shards
// into the endpoints of a DNSEndpoint, in external-dns's shape. Build is a pure function of plain
// inputs (Record, Shard); a controller maps the API objects to them and writes the result.
//
// # Names (KubeFed's scheme, byte for byte)
//
// For Service web in namespace shop, Domain object prod with domain example.com:
//
//	web.shop.prod.svc.example.com                  global: every healthy shard
//	web.shop.prod.svc.<region>.example.com         one per region some shard of the record is in
//	web.shop.prod.svc.<zone>.<region>.example.com  one per (zone, region) some shard is in
//	<dnsPrefix>.example.com                        CNAME to the global name, whenever dnsPrefix is set
//
// Shards that are not healthy still create their region and zone names, as KubeFed's offline
// clusters did: a zone name with no healthy shard is a CNAME to its region name, a region name
// with none is a CNAME to the global name, so clients pinned to a dead location are sent one level
// up. Where one name would get both addresses and a CNAME, the addresses win. With externalName
// set, that name replaces the record's name in the prefix and every Service endpoint carries the
// label serviceName=<record name>. An IngressDNSRecord gets one name per host, each with every
// healthy shard's addresses. The default TTL is 180 s.
//
// # Where Meridian differs from KubeFed, on purpose
//
//   - Never empty: when no shard is healthy, the global name (each host, for an Ingress) keeps the
//     shards' last known addresses and Facts.FailedOpen says so. KubeFed dropped the name.
//   - A shard without a region or zone label serves the global name only and is listed in
//     Facts.UnlabeledClusters. KubeFed failed the whole record.
//   - IPv6 addresses are published as AAAA next to the A set at the same name (KubeFed put every
//     resolved address into A). Load-balancer hostnames are resolved by the caller; one it could
//     not (or chose not to) resolve is published as a CNAME to that hostname, but only at names
//     where no shard contributes an address. A CNAME has one target, so when several such
//     hostnames meet at one name the smallest wins. KubeFed failed the record instead.
//
// # Routing strategies
//
// With strategy all, each name has one endpoint per record type holding the union of its
// shards' addresses: KubeFed's output. The other strategies split the names where the choice
// between clusters is the strategy's to make into one endpoint per (name, cluster, record type),
// with SetIdentifier = cluster, Meridian's location and routing labels, and ProviderSpecific
// properties in external-dns's AWS conventions plus Meridian-prefixed ones for providers
// external-dns has no convention for (Cloud DNS routing policies):
//
//	strategy  split names      ProviderSpecific per cluster endpoint
//	nearest   global           aws/region, meridian.io/region
//	weighted  global, region   aws/weight, meridian.io/weight
//	failover  global, region   aws/failover PRIMARY|SECONDARY, meridian.io/failover-role
//
// Every split endpoint also carries meridian.io/routing-policy. Region names are not split for
// nearest: all their clusters share the one location the policy routes by. Zone names are never
// split: a zone is the finest location a client can ask for, and keeping them plain keeps them
// valid for every provider, routing support or not. Failover publishes the two healthy clusters
// with the highest priority (Route 53 allows one primary and one secondary per name); Meridian
// promotes the next one when either leaves.
//
// Every result satisfies what external-dns's plan needs: (DNSName, SetIdentifier, RecordType) is
// unique, no name holds a CNAME next to other types, A holds only IPv4 and AAAA only IPv6
// addresses, and endpoints, targets and properties are sorted, so equal inputs give equal output.
package dnsendpoint
