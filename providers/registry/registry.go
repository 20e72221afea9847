// Package registry records which Meridian instance owns each record set and keeps every other
// set out of reach. Registry wraps a Provider whose backend stores the owner inline with each
// record (etcd's JSON values do): it refuses changes to sets of other owners and stamps its owner
// on everything it writes. Backends that cannot store an owner per record (Route 53, Cloud DNS)
// are wrapped in TXT first, which keeps ownership in companion TXT records as external-dns does:
// registry.New(registry.NewTXT(p), owner).
package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/meridian-dns/meridian/providers"
)

// ErrNotOwned is wrapped by ApplyChanges when a change would modify or delete a set that another
// owner holds, or that no Meridian instance wrote. Retrying cannot help: the plan was wrong.
var ErrNotOwned = errors.New("record set is not owned by this Meridian instance")

// Registry is a Provider that only ever changes the sets of one owner.
type Registry struct {
	provider providers.Provider
	owner    string
}

var _ providers.Provider = (*Registry)(nil)

// New wraps p for owner, the owner id of this Meridian instance.
func New(p providers.Provider, owner string) *Registry {
	return &Registry{provider: p, owner: owner}
}

// Canonical is the wrapped provider's.
func (r *Registry) Canonical(desired []providers.Record) []providers.Record {
	return providers.Canonical(r.provider, desired)
}

// Owner is the owner id the registry writes.
func (r *Registry) Owner() string { return r.owner }

// Records returns the provider's sets as stored, the owner of each included.
func (r *Registry) Records(ctx context.Context) ([]providers.Record, error) {
	return r.provider.Records(ctx)
}

// ApplyChanges checks that every set the changes replace or delete belongs to the owner, stamps
// the owner on every set they write, and passes them on. Nothing is applied when a check fails.
func (r *Registry) ApplyChanges(ctx context.Context, changes providers.Changes) error {
	if r.owner == "" {
		return errors.New("registry: the owner id is empty")
	}
	stamped := providers.Changes{
		Create: make([]providers.Record, len(changes.Create)),
		Update: make([]providers.Update, len(changes.Update)),
		Delete: changes.Delete,
	}
	for i, c := range changes.Create {
		stamped.Create[i] = r.stamp(c)
	}
	for i, u := range changes.Update {
		if err := r.check("update", u.Old); err != nil {
			return err
		}
		stamped.Update[i] = providers.Update{Old: u.Old, New: r.stamp(u.New)}
	}
	for _, d := range changes.Delete {
		if err := r.check("delete", d); err != nil {
			return err
		}
	}
	return r.provider.ApplyChanges(ctx, stamped)
}

func (r *Registry) check(verb string, rec providers.Record) error {
	if rec.Owner == r.owner {
		return nil
	}
	holder := fmt.Sprintf("owner %q", rec.Owner)
	if rec.Owner == "" {
		holder = "no owner"
	}
	return fmt.Errorf("refusing to %s %s %s (set %q), which has %s: %w",
		verb, rec.Type, rec.Name, rec.SetIdentifier, holder, ErrNotOwned)
}

// stamp returns rec with the registry's owner; the caller's slices stay untouched.
func (r *Registry) stamp(rec providers.Record) providers.Record {
	rec.Owner = r.owner
	return rec
}
