// Package plan computes what a provider must change so that the record sets of one Meridian
// instance match what its resources want. It is a pure diff: no I/O, no clock. Ownership is
// decided here from the Owner and Resource every current set carries; providers/registry then
// refuses, as a second line of defence, any change to a set this instance does not own.
package plan

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/meridian-dns/meridian/providers"
)

// Reasons a desired set is not published; Conflict.Reason wraps one of them.
var (
	// ErrForeign: the key holds a set another owner (or no owner: data Meridian did not write) holds.
	ErrForeign = errors.New("held by another owner")
	// ErrOtherResource: the key holds, or another resource wants, a set of this owner's for another resource.
	ErrOtherResource = errors.New("held by another resource of this owner")
	// ErrCNAME: a CNAME cannot share its name with other types, and the other sets are not ours to remove.
	ErrCNAME = errors.New("a CNAME cannot share its name with records of other types")
)

// ErrInvalid is wrapped by the errors Calculate and Repair return for desired sets no plan can satisfy.
var ErrInvalid = errors.New("invalid desired record sets")

// Conflict is a desired set that is not published, and why.
type Conflict struct {
	Key providers.Key
	// Resource is the resource that wants the set.
	Resource string
	// Holder says who holds what stands in the way: "owner <id>" or "resource <name>".
	Holder string
	// Reason is ErrForeign, ErrOtherResource or ErrCNAME.
	Reason error
}

func (c Conflict) String() string {
	return fmt.Sprintf("%s %s (set %q): %v: %s", c.Key.Type, c.Key.Name, c.Key.SetIdentifier, c.Reason, c.Holder)
}

// Result is a plan: the changes to apply and the desired sets left out.
type Result struct {
	Changes   providers.Changes
	Conflicts []Conflict
}

// Calculate plans the changes that make the sets of resource (published by owner) equal desired.
// current holds every set at the names in scope, whoever owns them; desired is what resource
// wants there. Names are compared in canonical form and targets and zones as sets, so the order
// and case the inputs come in do not matter. Sets of other owners and of other resources are never
// changed: a desired set that collides with them is a Conflict. Creates and updates carry Owner =
// owner and Resource = resource; Update.Old and Delete carry the current set exactly as given.
func Calculate(current, desired []providers.Record, owner, resource string) (Result, error) {
	if err := checkOwner(owner, resource); err != nil {
		return Result{}, err
	}
	s := newState(current)
	res, err := s.plan(desired, owner, resource)
	if err != nil {
		return Result{}, err
	}
	res.sort()
	return res, nil
}

// Repair plans the full drift repair of one owner: current is every set the provider holds and
// desired maps every resource that exists to the sets it wants. Sets of the owner whose resource
// is not in desired are deleted. Resources are planned in name order, each seeing what the ones
// before it claimed, so when two want the same key and neither holds it yet, the first in name
// order gets it and the other a Conflict.
func Repair(current []providers.Record, desired map[string][]providers.Record, owner string) (Result, error) {
	if err := checkOwner(owner, "-"); err != nil {
		return Result{}, err
	}
	s := newState(current)
	var res Result
	for _, e := range s.entries {
		if e.norm.Owner == owner {
			if _, ok := desired[e.norm.Resource]; !ok {
				res.Changes.Delete = append(res.Changes.Delete, e.orig)
			}
		}
	}
	// The sets of resources that are gone are free for the others to take.
	s.claim(res.Changes)
	resources := make([]string, 0, len(desired))
	for r := range desired {
		resources = append(resources, r)
	}
	slices.Sort(resources)
	for _, r := range resources {
		if r == "" {
			return Result{}, fmt.Errorf("%w: a resource has an empty name", ErrInvalid)
		}
		one, err := s.plan(desired[r], owner, r)
		if err != nil {
			return Result{}, fmt.Errorf("resource %s: %w", r, err)
		}
		s.claim(one.Changes)
		res.Changes.Create = append(res.Changes.Create, one.Changes.Create...)
		res.Changes.Update = append(res.Changes.Update, one.Changes.Update...)
		res.Changes.Delete = append(res.Changes.Delete, one.Changes.Delete...)
		res.Conflicts = append(res.Conflicts, one.Conflicts...)
	}
	res.sort()
	return res, nil
}

func checkOwner(owner, resource string) error {
	if owner == "" || resource == "" {
		return fmt.Errorf("%w: owner and resource must not be empty", ErrInvalid)
	}
	return nil
}

// sort puts every list in key order, so that equal inputs give equal plans.
func (r *Result) sort() {
	byKey := func(a, b providers.Record) int {
		return cmp.Or(a.Key().Compare(b.Key()), cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Resource, b.Resource))
	}
	slices.SortFunc(r.Changes.Create, byKey)
	slices.SortFunc(r.Changes.Delete, byKey)
	slices.SortFunc(r.Changes.Update, func(a, b providers.Update) int { return byKey(a.Old, b.Old) })
	slices.SortFunc(r.Conflicts, func(a, b Conflict) int {
		return cmp.Or(a.Key.Compare(b.Key), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Holder, b.Holder))
	})
}
