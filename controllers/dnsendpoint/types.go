package dnsendpoint

// Kind is the kind of record the endpoints are built for.
type Kind string

const (
	KindService Kind = "Service"
	KindIngress Kind = "Ingress"
)

// Strategy is a record's spec.routing.strategy.
type Strategy string

const (
	StrategyNearest  Strategy = "nearest" // the default
	StrategyWeighted Strategy = "weighted"
	StrategyFailover Strategy = "failover"
	StrategyAll      Strategy = "all"
)

// DefaultTTL is KubeFed's record TTL in seconds when the record sets none.
const DefaultTTL int64 = 180

// Record types Build produces.
const (
	RecordTypeA     = "A"
	RecordTypeAAAA  = "AAAA"
	RecordTypeCNAME = "CNAME"
)

// Endpoint label keys. LabelServiceName is KubeFed's, set on every Service endpoint when the
// record has an externalName; the others are Meridian's, set on per-cluster endpoints only.
const (
	LabelServiceName      = "serviceName"
	LabelCluster          = "meridian.io/cluster"
	LabelRegion           = "meridian.io/region"
	LabelZones            = "meridian.io/zones" // sorted, comma-separated
	LabelWeight           = "meridian.io/weight"
	LabelFailoverPriority = "meridian.io/failover-priority" // 0 is the primary
)

// ProviderSpecific property names. The aws/ ones and their values are external-dns's AWS
// provider's; the meridian.io/ ones carry the same decisions to providers external-dns has no
// convention for.
const (
	PropertyAWSRegion     = "aws/region"
	PropertyAWSWeight     = "aws/weight"
	PropertyAWSFailover   = "aws/failover"
	AWSFailoverPrimary    = "PRIMARY"
	AWSFailoverSecondary  = "SECONDARY"
	PropertyRoutingPolicy = "meridian.io/routing-policy" // the Strategy
	PropertyRegion        = "meridian.io/region"
	PropertyWeight        = "meridian.io/weight"
	PropertyFailoverRole  = "meridian.io/failover-role"
	// PropertyHealthCheck carries the record's spec.healthCheck to providers with health checks
	// of their own (Route 53): "protocol=HTTP,port=8080,path=/healthz,interval=10,failureThreshold=3",
	// interval in seconds. Set on per-cluster endpoints only: a provider health check watches one
	// cluster's set.
	PropertyHealthCheck = "meridian.io/health-check"
	FailoverRolePrimary = "primary"
	FailoverRoleBackup  = "backup"
)

// Routing is a record's spec.routing.
type Routing struct {
	Strategy Strategy // empty means nearest
	// Weights by cluster name, for weighted. Empty: every cluster weighs the same. Otherwise a
	// cluster missing from it weighs 0, which Route 53 reads as "only when every other is gone".
	Weights map[string]int64
	// FailoverOrder lists clusters by priority, first is primary, for failover. Clusters not in it
	// come after those in it, by name.
	FailoverOrder []string
	// HealthCheck is the PropertyHealthCheck value of the record's spec.healthCheck, or empty.
	HealthCheck string
}

// Record is what Build needs of a ServiceDNSRecord or IngressDNSRecord and its Domain.
type Record struct {
	Kind         Kind
	Name         string
	Namespace    string
	DomainRef    string // the Domain object's name: the federation label in Service names
	Domain       string // the Domain's domain, the DNS zone, e.g. example.com
	RecordTTL    int64  // 0 means DefaultTTL
	DNSPrefix    string // Service only
	ExternalName string // Service only
	Hosts        []string
	Routing      Routing
}

// LoadBalancerIngress is one entry of a shard's status.loadBalancer.ingress.
type LoadBalancerIngress struct {
	IP       string
	Hostname string
	// ResolvedIPs are Hostname's addresses, when the caller resolved it. Empty means unresolved:
	// the hostname is then published as a CNAME where nothing better exists.
	ResolvedIPs []string
}

// Shard is one member cluster's copy of the Service or Ingress.
type Shard struct {
	Cluster      string
	Region       string
	Zones        []string
	LoadBalancer []LoadBalancerIngress
	Healthy      bool // the health verdict: only healthy shards serve, except when failing open
	// LastKnown are the addresses the shard last served with, for failing open when its current
	// LoadBalancer is empty (an offline cluster's entry is cleared).
	LastKnown []LoadBalancerIngress
}

// ProviderSpecificProperty is external-dns's name/value pair for provider-specific settings.
type ProviderSpecificProperty struct {
	Name  string
	Value string
}

// Endpoint is one DNSEndpoint endpoint, in external-dns's shape.
type Endpoint struct {
	DNSName          string
	Targets          []string
	RecordType       string
	RecordTTL        int64
	Labels           map[string]string // nil when empty
	SetIdentifier    string
	ProviderSpecific []ProviderSpecificProperty // nil when empty
}

// UnlabeledCluster is a shard whose cluster lacks a location label, so it serves the global
// name only (no region) or the global and region names (no zones).
type UnlabeledCluster struct {
	Cluster       string
	MissingRegion bool
	MissingZones  bool
}

// Facts are what the controller turns into conditions and Events.
type Facts struct {
	// FailedOpen: no shard is healthy, so the global name (every host) serves last known addresses.
	FailedOpen bool
	// Empty: not even a last known address exists, so the global name (every host) is absent.
	Empty bool
	// UnlabeledClusters, sorted by cluster; Service records only, where location names exist.
	UnlabeledClusters []UnlabeledCluster
}

// Result is Build's output.
type Result struct {
	Endpoints []Endpoint
	Facts     Facts
}
