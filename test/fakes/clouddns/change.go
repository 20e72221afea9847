package clouddnsfake

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	dns "google.golang.org/api/dns/v1"
)

// applyLocked checks a change against a zone and applies it all or nothing, the way
// changes.create "Atomically updates the ResourceRecordSet collection". Checks run in this order
// and the first failing stage answers:
//
//  1. per-change quotas, 403 quotaExceeded (skipped when seeding);
//  2. the shape of every rrset, 400 invalid (all bad fields reported together);
//  3. deletions against the zone, 404 notFound or 412 conditionNotMet, then additions, 409
//     alreadyExists; deletions go first so that delete+add of one rrset in a change replaces it;
//  4. the resulting zone: CNAME exclusivity (400 cnameResourceRecordSetConflict), an apex SOA,
//     and the rrsets-per-zone quota.
//
// A seeded change is not recorded in the zone's change history.
func (f *Fake) applyLocked(z *zone, ch *dns.Change, seeding bool) (*changeEntry, *apiError) {
	limits := f.opts.Limits
	if !seeding {
		if e := checkQuotas(ch, limits); e != nil {
			return nil, e
		}
	}
	if e := validateChange(z, ch); e != nil {
		return nil, e
	}
	next, e := stage(z, ch)
	if e != nil {
		return nil, e
	}
	if e := checkResult(z, next, ch); e != nil {
		return nil, e
	}
	if !seeding && len(next) > limits.RrsetsPerZone && len(next) > len(z.rrsets) {
		return nil, newAPIError(http.StatusForbidden, ReasonQuotaExceeded,
			"The change would exceed quota for rrsets per managed zone.")
	}
	z.setRRSets(next)
	if seeding {
		return nil, nil
	}
	now := f.now()
	rec := &dns.Change{Id: strconv.Itoa(len(z.changes)), StartTime: formatTime(now)}
	for _, rr := range ch.Additions {
		rec.Additions = append(rec.Additions, cloneRRSet(rr))
	}
	for _, rr := range ch.Deletions {
		rec.Deletions = append(rec.Deletions, cloneRRSet(rr))
	}
	entry := &changeEntry{change: rec, started: now, delay: f.opts.ChangeDelay}
	z.changes = append(z.changes, entry)
	return entry, nil
}

// checkQuotas mirrors the per-change limits of https://cloud.google.com/dns/quotas. The service
// answers 403 quotaExceeded listing every exceeded quota, with these messages
// (kubernetes-sigs/external-dns#1028); the records-per-rrset wording is the fake's own.
func checkQuotas(ch *dns.Change, l Limits) *apiError {
	e := &apiError{code: http.StatusForbidden}
	if len(ch.Additions) > l.AdditionsPerChange {
		e.add(ReasonQuotaExceeded, "The change would exceed quota for additions per change.")
	}
	if len(ch.Deletions) > l.DeletionsPerChange {
		e.add(ReasonQuotaExceeded, "The change would exceed quota for deletions per change.")
	}
	if rrdataBytes(ch) > l.RrdataBytesPerChange {
		e.add(ReasonQuotaExceeded, "The change would exceed quota for total rrdata size per change.")
	}
	for _, rr := range ch.Additions {
		if rr != nil && maxRecords(rr) > l.RecordsPerRrset {
			e.add(ReasonQuotaExceeded, "The change would exceed quota for resource records per rrset.")
			break
		}
	}
	return e.orNil()
}

// rrdataBytes is the "total rrdata size" of a change: the bytes of every rrdata string of its
// additions and deletions, routing policy items' rrdata and DNSSEC signatures included.
func rrdataBytes(ch *dns.Change) int {
	n := 0
	count := func(list []string) {
		for _, s := range list {
			n += len(s)
		}
	}
	for _, rr := range slices.Concat(ch.Additions, ch.Deletions) {
		if rr == nil {
			continue
		}
		count(rr.Rrdatas)
		count(rr.SignatureRrdatas)
		forEachItem(rr.RoutingPolicy, func(rrdatas, sigs []string) { count(rrdatas); count(sigs) })
	}
	return n
}

// maxRecords is the largest number of records the rrset answers with at once: its rrdatas, or
// the biggest routing item's.
func maxRecords(rr *dns.ResourceRecordSet) int {
	n := len(rr.Rrdatas)
	forEachItem(rr.RoutingPolicy, func(rrdatas, _ []string) { n = max(n, len(rrdatas)) })
	return n
}

// forEachItem calls fn with the rrdatas and signatures of every geo and wrr item of a policy,
// including a failover policy's backup geo items.
func forEachItem(p *dns.RRSetRoutingPolicy, fn func(rrdatas, sigs []string)) {
	if p == nil {
		return
	}
	geo := func(g *dns.RRSetRoutingPolicyGeoPolicy) {
		if g == nil {
			return
		}
		for _, it := range g.Items {
			if it != nil {
				fn(it.Rrdatas, it.SignatureRrdatas)
			}
		}
	}
	geo(p.Geo)
	if p.PrimaryBackup != nil {
		geo(p.PrimaryBackup.BackupGeoTargets)
	}
	if p.Wrr != nil {
		for _, it := range p.Wrr.Items {
			if it != nil {
				fn(it.Rrdatas, it.SignatureRrdatas)
			}
		}
	}
}

// stage applies a change to a copy of the zone's rrsets. Deletions "must match existing data
// exactly" (Change.deletions). A deletion of an rrset that is not there is 404 notFound and one
// that differs is 412 conditionNotMet, with the wording the service uses ("The
// 'entity.change.deletions[0]' resource named 'a.example.com. (A)' does not exist.",
// gitpod-io/gitpod#9784; "Precondition not met for 'entity.change.deletions[0]'",
// kubernetes-sigs/external-dns#467; the error-messages page describes the 412 case as a deletion
// that does not match the existing rrset of the same name and type). An addition whose name and
// type exist after the deletions is 409 alreadyExists.
func stage(z *zone, ch *dns.Change) (map[rrKey]*dns.ResourceRecordSet, *apiError) {
	next := maps.Clone(z.rrsets)
	for i, d := range ch.Deletions {
		k := keyOf(d)
		cur, ok := next[k]
		if !ok {
			return nil, newAPIError(http.StatusNotFound, ReasonNotFound,
				"The 'entity.change.deletions[%d]' resource named '%s (%s)' does not exist.", i, d.Name, d.Type)
		}
		if !sameRRSet(cur, d) {
			return nil, newAPIError(http.StatusPreconditionFailed, ReasonConditionNotMet,
				"Precondition not met for 'entity.change.deletions[%d]'", i)
		}
		delete(next, k)
	}
	for i, a := range ch.Additions {
		k := keyOf(a)
		if _, ok := next[k]; ok {
			return nil, newAPIError(http.StatusConflict, ReasonAlreadyExists,
				"The resource 'entity.change.additions[%d]' named '%s (%s)' already exists", i, a.Name, a.Type)
		}
		next[k] = cloneRRSet(a)
	}
	return next, nil
}

// checkResult checks the zone a change would leave. A name holds either one CNAME rrset or
// rrsets of other types (RFC 1034 3.6.2); the service reports a violation as 400
// cnameResourceRecordSetConflict naming the addition (wording as seen in
// hectorj/terraform-provider-googlesiteverification#17). The zone keeps its apex SOA (RFC 1035
// 5.2: a zone has exactly one), which can be replaced but not removed.
func checkResult(z *zone, next map[rrKey]*dns.ResourceRecordSet, ch *dns.Change) *apiError {
	types := map[string][]string{}
	for k := range next {
		types[k.name] = append(types[k.name], k.typ)
	}
	for i, a := range ch.Additions {
		ts := types[lowerName(a.Name)]
		if len(ts) > 1 && slices.Contains(ts, "CNAME") {
			return newAPIError(http.StatusBadRequest, ReasonCNAMEConflict,
				"The resource record set 'entity.change.additions[%d]' is invalid because the DNS name "+
					"may have either one CNAME resource record set or resource record sets of other types, "+
					"but not both.", i)
		}
	}
	if _, ok := next[rrKey{name: z.info.DnsName, typ: "SOA"}]; !ok {
		i := slices.IndexFunc(ch.Deletions, func(d *dns.ResourceRecordSet) bool { return d.Type == "SOA" })
		return errInvalidValue(fmt.Sprintf("entity.change.deletions[%d]", i), "the zone's SOA rrset")
	}
	return nil
}

// changeView is a stored change as the API returns it: kinds stamped and the status derived from
// the clock. create always answers "pending", as the service does; get and list report "done" once
// the change's delay has passed.
func (f *Fake) changeView(e *changeEntry, fresh bool) *dns.Change {
	out := &dns.Change{Kind: "dns#change", Id: e.change.Id, StartTime: formatTime(e.started),
		Additions: wireRRSets(e.change.Additions), Deletions: wireRRSets(e.change.Deletions), Status: "done"}
	if fresh || f.now().Before(e.started.Add(e.delay)) {
		out.Status = "pending"
	}
	return out
}
