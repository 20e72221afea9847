// Package providers defines what every DNS backend Meridian publishes to implements: a Provider
// reads the record sets it holds and applies changes to them. It holds no API types; the publish
// controller converts DNSEndpoints into Records, and providers/plan computes Changes.
package providers

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
)

// Provider is one DNS backend: etcd, Route 53, Cloud DNS.
type Provider interface {
	// Records returns every record set in the zones the provider manages, including those
	// Meridian did not create (with their Owner as stored, often empty).
	Records(ctx context.Context) ([]Record, error)
	// ApplyChanges applies the changes. The record sets of one name change together where the
	// backend can do so atomically. A retryable failure is returned as a SoftError.
	ApplyChanges(ctx context.Context, changes Changes) error
}

// Routing strategies, as DNSEndpoints carry them.
const (
	RoutingNearest  = "nearest"
	RoutingWeighted = "weighted"
	RoutingFailover = "failover"
	RoutingAll      = "all"
)

// Record types every provider supports.
const (
	TypeA     = "A"
	TypeAAAA  = "AAAA"
	TypeCNAME = "CNAME"
	TypeTXT   = "TXT"
)

// Record is one record set: the targets of one (Name, Type, SetIdentifier).
type Record struct {
	Name          string // lowercase, no trailing dot
	Type          string // A, AAAA, CNAME or TXT
	SetIdentifier string // empty unless the set is one cluster's share of a routed name
	TTL           int64
	Targets       []string // sorted

	// Where the targets are and how to route to them; empty for plain sets.
	Cluster          string
	Region           string   // the cluster's region as labelled; providers map it
	Zones            []string // sorted
	Routing          string   // one of the Routing constants, or empty for a plain set
	Weight           *int64   // weighted: relative weight
	FailoverPriority *int     // failover: 0 is the primary

	// HealthCheck asks providers that have health checks (Route 53) to check the set's targets
	// and leave it out of answers while they fail; nil for none.
	HealthCheck *HealthCheck

	// Owner is the owner id of the Meridian instance that created the set, empty for sets it did
	// not create. Resource names the object it was published for: "dnsendpoint/<ns>/<name>".
	Owner    string
	Resource string
}

// HealthCheck is a record's spec.healthCheck, as providers with health checks need it.
type HealthCheck struct {
	Protocol         string // HTTP, HTTPS or TCP
	Port             int32
	Path             string // HTTP(S) only
	IntervalSeconds  int32
	FailureThreshold int32
}

// Canonicalizer is implemented by providers that store less than Records hold, or store it
// differently: Route 53 keeps an AWS region, not the cluster's; no provider but etcd keeps zones;
// Cloud DNS keeps one record set per name and type with the clusters' shares as items of a
// routing policy. Canonical returns desired as the provider would read it back after writing it
// (merging sets where it keeps them together), so that a plan comparing desired sets with listed
// ones sees a difference only where there is one.
type Canonicalizer interface {
	Canonical(desired []Record) []Record
}

// Canonical returns desired as p would read it back: p's Canonical when it has one, else desired.
func Canonical(p Provider, desired []Record) []Record {
	if c, ok := p.(Canonicalizer); ok {
		return c.Canonical(desired)
	}
	return desired
}

// Key identifies a record set within a provider.
type Key struct {
	Name, Type, SetIdentifier string
}

// Key returns the set's identity.
func (r *Record) Key() Key { return Key{r.Name, r.Type, r.SetIdentifier} }

// Compare orders keys by name, type, then set identifier.
func (k Key) Compare(o Key) int {
	return cmp.Or(strings.Compare(k.Name, o.Name), strings.Compare(k.Type, o.Type),
		strings.Compare(k.SetIdentifier, o.SetIdentifier))
}

// Equal reports whether two sets hold the same data, ownership included.
func (r *Record) Equal(o *Record) bool {
	return r.Key() == o.Key() && r.TTL == o.TTL && slices.Equal(r.Targets, o.Targets) &&
		r.Cluster == o.Cluster && r.Region == o.Region && slices.Equal(r.Zones, o.Zones) &&
		r.Routing == o.Routing && equalPtr(r.Weight, o.Weight) &&
		equalPtr(r.FailoverPriority, o.FailoverPriority) && equalPtr(r.HealthCheck, o.HealthCheck) &&
		r.Owner == o.Owner && r.Resource == o.Resource
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Update replaces Old by New; both have the same Key.
type Update struct {
	Old, New Record
}

// Changes is what a provider applies in one call.
type Changes struct {
	Create []Record
	Update []Update
	Delete []Record
}

// Empty reports whether there is nothing to apply.
func (c *Changes) Empty() bool {
	return len(c.Create) == 0 && len(c.Update) == 0 && len(c.Delete) == 0
}

// SoftError marks a failure worth retrying as it is: throttling, a backend that cannot be
// reached, a conflicting request still in progress.
type SoftError struct{ Err error }

func (e *SoftError) Error() string { return e.Err.Error() }
func (e *SoftError) Unwrap() error { return e.Err }

// Soft wraps err as a SoftError; nil stays nil.
func Soft(err error) error {
	if err == nil {
		return nil
	}
	return &SoftError{Err: err}
}

// ErrStale is wrapped by ApplyChanges when a set it was asked to change is no longer what the
// caller read: someone wrote, deleted or created it since. Nothing of that set was changed. The
// caller should read the Records again and plan anew rather than retry the same changes.
var ErrStale = errors.New("record set changed since it was read")

// IsSoft reports whether err, or an error it wraps, is a SoftError.
func IsSoft(err error) bool {
	var soft *SoftError
	return errors.As(err, &soft)
}
