package clouddns

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	dns "google.golang.org/api/dns/v1"

	"github.com/meridian-dns/meridian/providers"
)

// ErrOutsideZones is wrapped by ApplyChanges for a set whose name is in none of the managed
// zones. Nothing is applied.
var ErrOutsideZones = errors.New("name is outside the zones this provider manages")

// op is what one rrset goes through: the exact rrset to delete, the one to add, or both.
type op struct {
	key      rrKey
	del, add *dns.ResourceRecordSet
}

// ApplyChanges writes the changes as Cloud DNS changes, which apply atomically. Every rrset of a
// name, and the registry's companion TXT records of that name, go into the same change; the
// changes split only between names, where a change would exceed the per-change limits. An
// update deletes the rrset as last listed or written and adds the new one in the same change.
//
// Sets arrive in the canonical form (Canonical); ApplyChanges canonicalises them again, which
// keeps sets already in that form as they are and stores companion TXT records plain whatever
// routing the registry copied onto them. An update that leaves an rrset as it is sends nothing.
//
// Throttling and server errors are retried with backoff and then returned soft, leaving the
// later changes unsent. A change refused because an rrset is not as last read (404, 409, 412)
// changed nothing: its error wraps providers.ErrStale, and the other changes are still sent.
// Other refusals are hard errors naming the rrsets.
func (p *Provider) ApplyChanges(ctx context.Context, changes providers.Changes) error {
	if changes.Empty() {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ops, err := p.compile(changes)
	if err != nil {
		return err
	}
	// Every zone is packed before anything is sent, so a name over the limits stops them all.
	zones := slices.Sorted(maps.Keys(ops))
	batches := make([][][]*op, len(zones))
	for i, zoneName := range zones {
		if batches[i], err = p.pack(zoneName, ops[zoneName]); err != nil {
			return err
		}
	}
	var errs []error
	for i, zoneName := range zones {
		for _, b := range batches[i] {
			err := p.commit(ctx, zoneName, b)
			if err == nil {
				continue
			}
			errs = append(errs, err)
			if providers.IsSoft(err) {
				return errors.Join(errs...)
			}
		}
	}
	return errors.Join(errs...)
}

// compile turns changes into one op per rrset, by zone, and drops the ops that change nothing.
func (p *Provider) compile(changes providers.Changes) (map[string][]*op, error) {
	byKey := map[rrKey]*op{}
	get := func(r providers.Record) (*op, error) {
		z, ok := p.zoneOf(r.Name)
		if !ok {
			return nil, fmt.Errorf("%s %s: %w", r.Type, r.Name, ErrOutsideZones)
		}
		k := rrKey{z.name, r.Name, r.Type}
		if byKey[k] == nil {
			byKey[k] = &op{key: k}
		}
		return byKey[k], nil
	}
	olds, news := slices.Clone(changes.Delete), slices.Clone(changes.Create)
	for _, u := range changes.Update {
		olds, news = append(olds, u.Old), append(news, u.New)
	}
	for _, r := range olds {
		o, err := get(r)
		if err != nil {
			return nil, err
		}
		if o.del == nil {
			if o.del, err = p.current(o.key, r); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range canonical(news, p.defaultLocation) {
		o, err := get(r)
		if err != nil {
			return nil, err
		}
		if o.add, err = toRRSet(r); err != nil {
			return nil, err
		}
	}
	out := map[string][]*op{}
	for _, k := range slices.SortedFunc(maps.Keys(byKey), compareKeys) {
		o := byKey[k]
		if o.del != nil && o.add != nil && sameRRSet(o.del, o.add) {
			continue
		}
		out[k.zone] = append(out[k.zone], o)
	}
	return out, nil
}

func compareKeys(a, b rrKey) int {
	return cmp.Or(strings.Compare(a.zone, b.zone), strings.Compare(a.name, b.name), strings.Compare(a.typ, b.typ))
}

// current is the rrset to delete for a set the caller read: the exact rrset as last listed or
// written, else the rrset the set would be written as (Cloud DNS refuses it if that differs).
func (p *Provider) current(k rrKey, r providers.Record) (*dns.ResourceRecordSet, error) {
	if rr, ok := p.known[k]; ok {
		return rr, nil
	}
	return toRRSet(canonical([]providers.Record{r}, p.defaultLocation)[0])
}

// commit sends one change, retrying throttling and server errors, and keeps known up to date.
func (p *Provider) commit(ctx context.Context, zoneName string, ops []*op) error {
	ch := &dns.Change{}
	for _, o := range ops {
		if o.del != nil {
			ch.Deletions = append(ch.Deletions, o.del)
		}
		if o.add != nil {
			ch.Additions = append(ch.Additions, o.add)
		}
	}
	var done *dns.Change
	err := p.retry(ctx, methodCreateChange, func(ctx context.Context) error {
		var err error
		done, err = p.api.createChange(ctx, p.project, zoneName, ch)
		return err
	})
	if err == nil {
		p.remember(zoneName, ops, done)
		return nil
	}
	what := fmt.Sprintf("change of %s in zone %s", describeOps(ops), zoneName)
	stale := false
	switch statusOf(err) {
	case http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed:
		stale, err = true, fmt.Errorf("%s: %w: %w", what, providers.ErrStale, err)
	default:
		err = fmt.Errorf("%s: %w", what, err)
	}
	if stale || providers.IsSoft(err) {
		// The rrsets are not as remembered, or the change may have landed with its answer lost:
		// only a fresh listing knows, so forget them rather than trust either version.
		for _, o := range ops {
			delete(p.known, o.key)
		}
	}
	return err
}

// remember records the rrsets a change left: the additions as the API answered them (in case it
// normalised anything), else as sent.
func (p *Provider) remember(zoneName string, ops []*op, done *dns.Change) {
	for _, o := range ops {
		if o.add != nil {
			p.known[o.key] = stripped(o.add)
		} else {
			delete(p.known, o.key)
		}
	}
	if done == nil {
		return
	}
	for _, rr := range done.Additions {
		k := rrKey{zoneName, relative(rr.Name), rr.Type}
		if _, sent := p.known[k]; sent {
			p.known[k] = stripped(rr)
		}
	}
}

// describeOps names the rrsets of a change, the first few of them.
func describeOps(ops []*op) string {
	const shown = 4
	var parts []string
	for i, o := range ops {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(ops)-shown))
			break
		}
		parts = append(parts, o.key.typ+" "+o.key.name)
	}
	return strings.Join(parts, ", ")
}
