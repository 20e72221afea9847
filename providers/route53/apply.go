package route53

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/meridian-dns/meridian/providers"
)

// maxListedFailures bounds the groups an error message names.
const maxListedFailures = 10

// zoneWork is one zone's share of a call.
type zoneWork struct {
	zone   hostedZone
	groups map[string]*group
	owners map[string]bool // whose health checks the call may sweep
	stale  map[string]bool // groups not sent: a set to delete was never listed
}

// failure is a group Route 53 did not apply, and why.
type failure struct {
	g   *group
	err error
}

// ApplyChanges writes the changes zone by zone in change batches: CREATE for Create, UPSERT for
// Update (DELETE and CREATE when the routing policy changes, which UPSERT cannot do), DELETE for
// Delete with the set exactly as listed. Each name's changes, with their companion TXT records,
// go in one batch (see group), and batches stay within MaxBatchValues and MaxBatchChars.
//
// Route 53 applies a batch entirely or not at all. When it refuses one as invalid, the batch is
// halved and each half sent again, down to the single name at fault, so one bad name costs a
// few calls rather than the whole batch; the later batches are still sent, as they touch other
// names. The names left unchanged are reported in the error: wrapping providers.ErrStale when a
// set to create already exists or one to delete is gone or differs (read again and plan anew),
// ErrRejected otherwise. A soft failure (throttling, 5xx, after retries) stops the call: the
// batches sent so far stay applied, and the error is soft.
//
// Sets of other types, and SOA, NS, alias and geolocation sets, are never changed: asking to
// fails the call before anything is sent (ErrUnmanaged), as does a name outside the zones.
func (p *Provider) ApplyChanges(ctx context.Context, changes providers.Changes) error {
	if changes.Empty() {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sets == nil {
		if err := p.refresh(ctx); err != nil {
			return err
		}
	}
	work, err := p.compile(changes)
	if err != nil {
		return err
	}
	var errs []error
	for _, w := range work {
		if err := p.applyZone(ctx, w); err != nil {
			errs = append(errs, err)
			if providers.IsSoft(err) || ctx.Err() != nil {
				break // the other zones would meet the same throttling, or the same end
			}
		}
	}
	return errors.Join(errs...)
}

// compile validates the changes and sorts them into zones and groups.
func (p *Provider) compile(changes providers.Changes) ([]*zoneWork, error) {
	c := compiler{p: p, work: map[string]*zoneWork{}}
	for _, r := range changes.Create {
		if err := c.write(types.ChangeActionCreate, r); err != nil {
			return nil, err
		}
	}
	for _, u := range changes.Update {
		if err := c.update(u); err != nil {
			return nil, err
		}
	}
	for _, r := range changes.Delete {
		if err := c.remove(r); err != nil {
			return nil, err
		}
	}
	out := slices.Collect(maps.Values(c.work))
	slices.SortFunc(out, func(a, b *zoneWork) int { return strings.Compare(a.zone.name, b.zone.name) })
	return out, nil
}

type compiler struct {
	p    *Provider
	work map[string]*zoneWork
}

// add files o under r's zone and group.
func (c *compiler) add(r *providers.Record, o op) error {
	z, ok := c.p.zoneOf(r.Name)
	if !ok {
		return fmt.Errorf("%s: %w", describe(r), ErrOutsideZones)
	}
	w := c.work[z.id]
	if w == nil {
		w = &zoneWork{zone: z, groups: map[string]*group{}, owners: map[string]bool{}, stale: map[string]bool{}}
		c.work[z.id] = w
	}
	base := baseName(r)
	g := w.groups[base]
	if g == nil {
		g = &group{base: base}
		w.groups[base] = g
	}
	g.ops = append(g.ops, o)
	w.owners[r.Owner] = true
	return nil
}

// write adds a CREATE or UPSERT of r.
func (c *compiler) write(action types.ChangeAction, r providers.Record) error {
	if !slices.Contains(writableTypes, r.Type) {
		return fmt.Errorf("%s: %w: Meridian writes %s", describe(&r), ErrUnmanaged, strings.Join(writableTypes, ", "))
	}
	if len(r.Targets) == 0 {
		return fmt.Errorf("%s: %w: a set needs at least one target", describe(&r), ErrRejected)
	}
	r = c.p.canonicalSet(r)
	o := op{action: action, rec: r}
	for _, t := range r.Targets {
		o.values = append(o.values, wireValue(r.Type, t))
	}
	return c.add(&r, o)
}

// update adds an UPSERT, or a DELETE and a CREATE when the set changes routing policy, or is too
// large to be counted twice in one batch.
func (c *compiler) update(u providers.Update) error {
	old, err := c.listed(&u.Old)
	if err != nil {
		return err
	}
	if old == nil {
		return c.write(types.ChangeActionUpsert, u.New)
	}
	next := c.p.canonicalSet(u.New)
	wire := c.p.toRRSet(&next, "")
	upsert := op{action: types.ChangeActionUpsert, values: values(&wire)}
	v, ch := upsert.size()
	if policy(old) == policy(&wire) && v <= c.p.maxValues && ch <= c.p.maxChars {
		return c.write(types.ChangeActionUpsert, u.New)
	}
	if err := c.deleteListed(&u.Old, old); err != nil {
		return err
	}
	return c.write(types.ChangeActionCreate, u.New)
}

// remove adds the DELETE of r as listed. A set the provider never listed cannot be deleted
// exactly: its group is marked stale and not sent.
func (c *compiler) remove(r providers.Record) error {
	old, err := c.listed(&r)
	if err != nil {
		return err
	}
	if old == nil {
		if err := c.add(&r, op{action: types.ChangeActionDelete, rec: r}); err != nil {
			return err
		}
		z, _ := c.p.zoneOf(r.Name)
		c.work[z.id].stale[baseName(&r)] = true
		return nil
	}
	return c.deleteListed(&r, old)
}

func (c *compiler) deleteListed(r *providers.Record, old *types.ResourceRecordSet) error {
	return c.add(r, op{action: types.ChangeActionDelete, rec: *r, set: *old, values: values(old)})
}

// listed returns the set at r's key as last listed or written, nil when there is none, and
// refuses sets Meridian never changes.
func (c *compiler) listed(r *providers.Record) (*types.ResourceRecordSet, error) {
	z, ok := c.p.zoneOf(r.Name)
	if !ok {
		return nil, fmt.Errorf("%s: %w", describe(r), ErrOutsideZones)
	}
	s, ok := c.p.sets[z.id][r.Key()]
	if !ok {
		return nil, nil
	}
	if why := unmanaged(&s); why != "" {
		return nil, fmt.Errorf("%s is %s set: %w", describe(r), why, ErrUnmanaged)
	}
	return &s, nil
}

// applyZone sends one zone's batches, then deletes the health checks they left unused.
func (p *Provider) applyZone(ctx context.Context, w *zoneWork) error {
	var groups []*group
	var failed []failure
	for _, base := range slices.Sorted(maps.Keys(w.groups)) {
		g := w.groups[base]
		if w.stale[base] {
			failed = append(failed, failure{g, fmt.Errorf("%w: a set to delete was never listed", providers.ErrStale)})
			continue
		}
		g.order()
		groups = append(groups, g)
	}
	batches, oversize := pack(groups, p.maxValues, p.maxChars)
	for _, g := range oversize {
		failed = append(failed, failure{g, fmt.Errorf("%w: a set is larger than one change batch (%d values, %d characters)",
			ErrRejected, p.maxValues, p.maxChars)})
	}
	for i, b := range batches {
		f, err := p.runBatch(ctx, w.zone, b)
		failed = append(failed, f...)
		if err != nil {
			return errors.Join(fmt.Errorf("zone %s, change batch %d of %d: %w", w.zone.name, i+1, len(batches), err),
				failuresError(w.zone, failed))
		}
	}
	p.sweepZone(ctx, w)
	return failuresError(w.zone, failed)
}

// sweepZone deletes the zone's unused health checks. The records are applied whatever happens
// here, so a failure is not the call's: it is logged, and the sweep is tried again by the next
// Records call or change of the zone.
func (p *Provider) sweepZone(ctx context.Context, w *zoneWork) {
	owners := w.owners
	for o := range p.pendingSweep[w.zone.id] {
		owners[o] = true
	}
	if err := p.sweepChecks(ctx, w.zone, owners); err != nil {
		p.pendingSweep[w.zone.id] = owners
		p.log.Info("Unused health checks left for the zone's next change", "zone", w.zone.name, "error", err.Error())
		return
	}
	delete(p.pendingSweep, w.zone.id)
}

// retrySweeps finishes the health check cleanups that failed, with what was just listed.
func (p *Provider) retrySweeps(ctx context.Context) {
	for _, z := range p.zones {
		owners, ok := p.pendingSweep[z.id]
		if !ok {
			continue
		}
		if err := p.sweepChecks(ctx, z, owners); err != nil {
			p.log.Info("Unused health checks left for later", "zone", z.name, "error", err.Error())
			continue
		}
		delete(p.pendingSweep, z.id)
	}
}

// runBatch attaches health checks to the batch's sets and sends it. Groups whose health check
// Route 53 refuses are left out and reported; a soft failure is returned as the error.
func (p *Provider) runBatch(ctx context.Context, z hostedZone, groups []*group) ([]failure, error) {
	var failed []failure
	var ready []*group
	for _, g := range groups {
		if err := p.prepare(ctx, z, g); err != nil {
			if providers.IsSoft(err) || errors.Is(err, context.Canceled) {
				return failed, err
			}
			failed = append(failed, failure{g, err})
			continue
		}
		ready = append(ready, g)
	}
	if len(ready) == 0 {
		return failed, nil
	}
	f, err := p.submit(ctx, z, ready)
	return append(failed, f...), err
}

// prepare builds the wire form of the group's writes, creating their health checks.
func (p *Provider) prepare(ctx context.Context, z hostedZone, g *group) error {
	for i := range g.ops {
		o := &g.ops[i]
		if o.action == types.ChangeActionDelete {
			continue
		}
		id, err := p.ensureCheck(ctx, z, &o.rec)
		if err != nil {
			return err
		}
		o.set = p.toRRSet(&o.rec, id)
	}
	return nil
}

// submit sends groups as one batch, halving it when Route 53 refuses its content.
func (p *Provider) submit(ctx context.Context, z hostedZone, groups []*group) ([]failure, error) {
	var changes []types.Change
	for _, g := range groups {
		for _, o := range g.ops {
			changes = append(changes, types.Change{Action: o.action, ResourceRecordSet: &o.set})
		}
	}
	_, err := call(ctx, p, "ChangeResourceRecordSets", func(ctx context.Context) (*route53.ChangeResourceRecordSetsOutput, error) {
		return p.api.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
			HostedZoneId: aws.String(z.id), ChangeBatch: &types.ChangeBatch{Changes: changes, Comment: aws.String("meridian")},
		})
	})
	switch {
	case err == nil:
		p.commit(z, groups)
		return nil, nil
	case !contentError(err):
		return nil, fmt.Errorf("changing record sets: %w", err)
	case len(groups) > 1:
		half := len(groups) / 2
		failed, err := p.submit(ctx, z, groups[:half])
		if err != nil {
			return failed, err
		}
		more, err := p.submit(ctx, z, groups[half:])
		return append(failed, more...), err
	}
	return []failure{{groups[0], p.batchError(groups[0], err)}}, nil
}

// contentError reports whether Route 53 refused what a batch says, rather than the request.
func contentError(err error) bool {
	switch errorCode(err) {
	case "InvalidChangeBatch", "InvalidInput", "NoSuchHealthCheck":
		return !providers.IsSoft(err)
	}
	return false
}

// staleMessages are the InvalidChangeBatch messages that say the zone is not what the plan was
// made from: someone created, deleted or changed a set since it was listed.
var staleMessages = []string{"but it already exists", "but it was not found", "do not match the current values"}

// batchError classifies why Route 53 refused a single group.
func (p *Provider) batchError(g *group, err error) error {
	msg := errorMessage(err)
	if errorCode(err) == "NoSuchHealthCheck" {
		// Deleted behind our back: forget the group's checks so the next try creates new ones.
		for _, o := range g.ops {
			p.checks.remove(aws.ToString(o.set.HealthCheckId))
		}
		return fmt.Errorf("%w: %s", providers.ErrStale, msg)
	}
	for _, m := range staleMessages {
		if strings.Contains(msg, m) {
			return fmt.Errorf("%w: %s", providers.ErrStale, msg)
		}
	}
	return fmt.Errorf("%w: %s: %s", ErrRejected, errorCode(err), msg)
}

// commit records an applied batch in what the provider remembers of the zone.
func (p *Provider) commit(z hostedZone, groups []*group) {
	sets := p.sets[z.id]
	for _, g := range groups {
		for _, o := range g.ops {
			r := fromRRSet(&o.set)
			key := r.Key()
			if o.action == types.ChangeActionDelete {
				delete(sets, key)
			} else {
				sets[key] = o.set
			}
		}
	}
}

// failuresError names the groups left unchanged, or is nil.
func failuresError(z hostedZone, failed []failure) error {
	if len(failed) == 0 {
		return nil
	}
	slices.SortFunc(failed, func(a, b failure) int { return cmp.Or(strings.Compare(a.g.base, b.g.base), a.g.part-b.g.part) })
	errs := make([]error, 0, min(len(failed), maxListedFailures))
	for _, f := range failed[:min(len(failed), maxListedFailures)] {
		errs = append(errs, fmt.Errorf("%s: %w", strings.Join(f.g.names(), ", "), f.err))
	}
	more := ""
	if len(failed) > maxListedFailures {
		more = fmt.Sprintf(" (%d more not shown)", len(failed)-maxListedFailures)
	}
	return fmt.Errorf("zone %s: %d names left unchanged%s: %w", z.name, len(failed), more, errors.Join(errs...))
}
