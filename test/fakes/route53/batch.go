package route53fake

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// Change batches are "transactional": "Route 53 either makes all or none of
// the changes in a change batch request" (API reference,
// ChangeResourceRecordSets). The fake applies the changes in order to a
// copy-on-write overlay of the names they touch, collects every problem,
// and commits the overlay only when there are none.

// maxRoutedSets is Route 53's quota on weighted, latency and other routed
// record sets with one name and type (Developer Guide, Quotas: 100).
const maxRoutedSets = 100

func (f *Fake) changeRecordSets(req *request) (int, any, *apiError) {
	var body changeBatchRequest
	if apiErr := decodeBody(req, &body); apiErr != nil {
		return 0, nil, apiErr
	}
	req.call.Changes = len(body.Changes)
	for _, c := range body.Changes {
		req.call.Values += len(c.Set.values())
	}
	if apiErr := validateRequest(&body); apiErr != nil {
		return 0, nil, apiErr
	}
	if apiErr := checkLimits(body.Changes); apiErr != nil {
		return 0, nil, apiErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	z, apiErr := f.zoneLocked(req.zoneID)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	now := f.now()
	if f.opts.RejectWhilePending && z.last != nil && z.last.status(now) == "PENDING" {
		return 0, nil, priorRequestNotComplete()
	}
	if apiErr := f.checkHealthCheckRefs(body.Changes); apiErr != nil {
		return 0, nil, apiErr
	}
	b := &batch{z: z, overlay: map[string]nameSets{}, touched: map[string]string{}}
	if msgs := b.apply(body.Changes); len(msgs) > 0 {
		return 0, nil, invalidChangeBatch(msgs)
	}
	b.commit()
	c := &changeRecord{id: f.nextID("C"), comment: body.Comment, submitted: now, insync: now.Add(f.opts.PropagationDelay)}
	f.changes[c.id] = c
	z.last = c
	info := c.info(now)
	// "Initially, the status of a change is PENDING", whatever the delay.
	info.Status = "PENDING"
	return http.StatusOK, &changeResponse{Xmlns: apiNamespace, ChangeInfo: info}, nil
}

// checkHealthCheckRefs answers NoSuchHealthCheck (one of the documented
// ChangeResourceRecordSets errors) when a created or upserted set names a
// health check that does not exist. DELETE is exempt: a set may still name
// a check deleted since.
func (f *Fake) checkHealthCheckRefs(changes []change) *apiError {
	for _, c := range changes {
		id := c.Set.HealthCheckID
		if c.Action != "DELETE" && id != nil && f.checks[*id] == nil {
			return noSuchHealthCheck(*id)
		}
	}
	return nil
}

type batch struct {
	z       *zone
	overlay map[string]nameSets
	touched map[string]string // set identity → last action on it in this batch
}

// sets returns the batch's private copy of everything at name.
func (b *batch) sets(name string) nameSets {
	if s, ok := b.overlay[name]; ok {
		return s
	}
	s := maps.Clone(b.z.names[name])
	if s == nil {
		s = nameSets{}
	}
	b.overlay[name] = s
	return s
}

func (b *batch) apply(changes []change) []string {
	var msgs []string
	for _, c := range changes {
		msgs = append(msgs, b.applyOne(c)...)
	}
	return append(msgs, b.apexProblems()...)
}

func (b *batch) commit() {
	for name, sets := range b.overlay {
		b.z.setName(name, sets)
	}
}

// applyOne applies one change to the overlay, or returns why it cannot.
func (b *batch) applyOne(c change) []string {
	s := c.Set
	s.Name, _ = canonicalName(s.Name) // validated in validateRequest
	zoneName := b.z.name
	if !inZone(s.Name, zoneName) {
		return []string{fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", s.Name, zoneName)}
	}
	if s.Type == "CNAME" && s.Name == zoneName {
		return []string{fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted at apex in zone %s", s.Name, zoneName)}
	}
	if c.Action != "DELETE" {
		if msgs := rdataProblems(&s); len(msgs) > 0 {
			return msgs
		}
	}
	if msg := b.repeated(c.Action, &s); msg != "" {
		return []string{msg}
	}
	sets, k := b.sets(s.Name), keyOf(&s)
	switch c.Action {
	case "CREATE":
		if sets[k] != nil {
			return []string{fmt.Sprintf("Tried to create resource record set %s but it already exists", identity(&s))}
		}
		fallthrough
	case "UPSERT":
		if msgs := b.conflicts(&s, sets); len(msgs) > 0 {
			return msgs
		}
		sets[k] = &s
	case "DELETE":
		return deleteSet(sets, &s)
	}
	return nil
}

// repeated refuses a second change to the same set in one batch, except the
// classic replace pattern of a DELETE followed by a CREATE or UPSERT. The
// API reference says "you cannot delete the same resource record set more
// than once in a single change batch"; Route 53 words it "The request
// contains an invalid set of changes for a resource record set".
func (b *batch) repeated(action string, s *rrset) string {
	k := keyOf(s)
	id := s.Name + "\x00" + k.typ + "\x00" + k.setID
	prev, seen := b.touched[id]
	b.touched[id] = action
	if !seen || (prev == "DELETE" && action != "DELETE") {
		return ""
	}
	return fmt.Sprintf("The request contains an invalid set of changes for a resource record set '%s %s'", s.Type, s.Name)
}

// deleteSet removes s, which must match the stored set exactly: "To delete a
// resource record set, you must specify all the same values that you
// specified when you created it" (API reference).
func deleteSet(sets nameSets, s *rrset) []string {
	cur := sets[keyOf(s)]
	switch {
	case cur == nil:
		return []string{fmt.Sprintf("Tried to delete resource record set %s but it was not found", identity(s))}
	case !sameSet(cur, s):
		return []string{fmt.Sprintf("Tried to delete resource record set %s but the values provided do not match the current values", identity(s))}
	}
	delete(sets, keyOf(s))
	return nil
}

// apexProblems keeps the zone's own SOA and NS sets, which Route 53 does not
// let a batch remove (UPSERT to edit them is fine).
func (b *batch) apexProblems() []string {
	apex, ok := b.overlay[b.z.name]
	if !ok {
		return nil
	}
	var msgs []string
	if apex[setKey{typ: "SOA"}] == nil {
		msgs = append(msgs, "A HostedZone must contain exactly one SOA record.")
	}
	if apex[setKey{typ: "NS"}] == nil {
		msgs = append(msgs, "A HostedZone must contain at least one NS record for the zone itself.")
	}
	return msgs
}

// identity renders a set as Route 53's batch messages do.
func identity(s *rrset) string {
	if s.SetIdentifier != nil {
		return fmt.Sprintf("[name='%s', type='%s', set-identifier='%s']", s.Name, s.Type, *s.SetIdentifier)
	}
	return fmt.Sprintf("[name='%s', type='%s']", s.Name, s.Type)
}

// sameSet compares every member a DELETE must repeat; record values are
// compared as a set, in any order.
func sameSet(a, b *rrset) bool {
	av, bv := slices.Sorted(slices.Values(a.values())), slices.Sorted(slices.Values(b.values()))
	return slices.Equal(av, bv) && eq(a.TTL, b.TTL) && eq(a.SetIdentifier, b.SetIdentifier) &&
		eq(a.Weight, b.Weight) && eq(a.Region, b.Region) && eq(a.Failover, b.Failover) &&
		eq(a.MultiValueAnswer, b.MultiValueAnswer) && eq(a.HealthCheckID, b.HealthCheckID)
}

func eq[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
