package route53fake

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Hosted zone listing defaults and caps (API reference, ListHostedZones and
// ListHostedZonesByName: "If you specify a value greater than 100, Route 53
// returns only the first 100 hosted zones").
const (
	defaultZoneItems = 100
	maxZoneItems     = 100
)

// setKey identifies a record set within one owner name.
type setKey struct {
	typ   string
	setID string
}

// nameSets holds every record set at one owner name. Stored *rrset values
// are never mutated; a change replaces them, so copies of the map can share
// them.
type nameSets map[setKey]*rrset

type zone struct {
	id          string
	name        string
	callerRef   string
	nameServers []string
	names       map[string]nameSets
	count       int
	sorted      []*rrset // cache of listing order; nil when stale
	last        *changeRecord
}

type changeRecord struct {
	id        string
	comment   string
	submitted time.Time
	insync    time.Time
}

// status reports PENDING until the propagation delay has passed ("When the
// change is propagated to all hosts, the change returns a status of INSYNC",
// API reference, ChangeResourceRecordSets).
func (c *changeRecord) status(now time.Time) string {
	if now.Before(c.insync) {
		return "PENDING"
	}
	return "INSYNC"
}

func (c *changeRecord) info(now time.Time) changeInfo {
	return changeInfo{ID: "/change/" + c.id, Status: c.status(now), Comment: c.comment,
		SubmittedAt: c.submitted.UTC().Format("2006-01-02T15:04:05.000Z")}
}

// CreateZone adds a public hosted zone with Route 53's default SOA and NS
// record sets and returns its bare ID (without "/hostedzone/"). It panics on
// an invalid name. Like Route 53, it allows several zones with one name.
func (f *Fake) CreateZone(name string) string {
	canonical, err := canonicalName(name)
	if err != nil {
		panic(fmt.Sprintf("route53fake: invalid zone name %q: %v", name, err))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.nextID("Z")
	z := &zone{id: id, name: canonical, callerRef: "route53fake-" + id, names: map[string]nameSets{}}
	n := f.seq
	z.nameServers = []string{
		fmt.Sprintf("ns-%d.awsdns-%02d.com.", n%2048, n%64),
		fmt.Sprintf("ns-%d.awsdns-%02d.net.", (n+512)%2048, (n+16)%64),
		fmt.Sprintf("ns-%d.awsdns-%02d.org.", (n+1024)%2048, (n+32)%64),
		fmt.Sprintf("ns-%d.awsdns-%02d.co.uk.", (n+1536)%2048, (n+48)%64),
	}
	z.put(defaultNS(z))
	z.put(defaultSOA(z))
	f.zones[id] = z
	f.zoneOrder = append(f.zoneOrder, id)
	return id
}

// defaultNS and defaultSOA are the record sets Route 53 creates with every
// public hosted zone ("NS and SOA records that Amazon Route 53 creates for a
// public hosted zone", Developer Guide), with its default TTLs.
func defaultNS(z *zone) *rrset {
	rs := &rrset{Name: z.name, Type: "NS", TTL: ptr(int64(172800)), ResourceRecords: &rrValues{}}
	for _, ns := range z.nameServers {
		rs.ResourceRecords.Items = append(rs.ResourceRecords.Items, rrValue{ns})
	}
	return rs
}

func defaultSOA(z *zone) *rrset {
	v := z.nameServers[0] + " awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
	return &rrset{Name: z.name, Type: "SOA", TTL: ptr(int64(900)), ResourceRecords: &rrValues{Items: []rrValue{{v}}}}
}

func ptr[T any](v T) *T { return &v }

func keyOf(s *rrset) setKey {
	k := setKey{typ: s.Type}
	if s.SetIdentifier != nil {
		k.setID = *s.SetIdentifier
	}
	return k
}

// put stores s, replacing any set with its key, and invalidates the cache.
func (z *zone) put(s *rrset) {
	sets := z.names[s.Name]
	if sets == nil {
		sets = nameSets{}
		z.names[s.Name] = sets
	}
	if sets[keyOf(s)] == nil {
		z.count++
	}
	sets[keyOf(s)] = s
	z.sorted = nil
}

// setName replaces everything at one owner name (used to commit a batch).
func (z *zone) setName(name string, sets nameSets) {
	z.count -= len(z.names[name])
	if len(sets) == 0 {
		delete(z.names, name)
	} else {
		z.names[name] = sets
		z.count += len(sets)
	}
	z.sorted = nil
}

// sortedSets returns the zone's sets in ListResourceRecordSets order: by
// reversed-label name, then type ("When multiple records have the same DNS
// name, ListResourceRecordSets sorts results by the record type"), then set
// identifier (simple sets, which have none, first).
func (z *zone) sortedSets() []*rrset {
	if z.sorted != nil {
		return z.sorted
	}
	type keyed struct {
		key string
		set *rrset
	}
	all := make([]keyed, 0, z.count)
	for name, sets := range z.names {
		k := sortKey(name)
		for _, s := range sets {
			all = append(all, keyed{k, s})
		}
	}
	slices.SortFunc(all, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.set.Type, b.set.Type),
			cmp.Compare(keyOf(a.set).setID, keyOf(b.set).setID))
	})
	z.sorted = make([]*rrset, len(all))
	for i, k := range all {
		z.sorted[i] = k.set
	}
	return z.sorted
}

func (z *zone) xml() hostedZoneXML {
	return hostedZoneXML{ID: "/hostedzone/" + z.id, Name: z.name, CallerReference: z.callerRef, RecordSetCount: z.count}
}

// zoneLocked returns the zone or NoSuchHostedZone. Callers hold f.mu.
func (f *Fake) zoneLocked(id string) (*zone, *apiError) {
	z, ok := f.zones[id]
	if !ok {
		return nil, noSuchHostedZone(id)
	}
	return z, nil
}

func (f *Fake) getHostedZone(req *request) (int, any, *apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, apiErr := f.zoneLocked(req.zoneID)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return http.StatusOK, &getHostedZoneResponse{Xmlns: apiNamespace, HostedZone: z.xml(), NameServers: z.nameServers}, nil
}

// listHostedZones pages through zones in creation order with Marker (the ID
// of the first zone of the page) and NextMarker.
func (f *Fake) listHostedZones(req *request) (int, any, *apiError) {
	q := req.http.URL.Query()
	limit, apiErr := parseMaxItems(q.Get("maxitems"), defaultZoneItems, maxZoneItems)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	page, next, apiErr := markerPage(f.zoneOrder, q.Get("marker"), limit, "hosted zone")
	if apiErr != nil {
		return 0, nil, apiErr
	}
	resp := &listHostedZonesResponse{Xmlns: apiNamespace, Marker: q.Get("marker"), MaxItems: limit,
		HostedZones: []hostedZoneXML{}, IsTruncated: next != "", NextMarker: next}
	for _, id := range page {
		resp.HostedZones = append(resp.HostedZones, f.zones[id].xml())
	}
	return http.StatusOK, resp, nil
}

// markerPage is the page of IDs (in creation order) that starts at marker, an ID of the list
// (the first page when empty), and the ID that starts the next page, empty on the last: how
// ListHostedZones and ListHealthChecks page. what names the kind of ID in the error.
func markerPage(order []string, marker string, limit int, what string) (page []string, next string, err *apiError) {
	start := 0
	if marker != "" {
		if start = slices.Index(order, marker); start < 0 {
			return nil, "", invalidInput("The marker %s is not a valid %s ID.", marker, what)
		}
	}
	end := min(start+limit, len(order))
	if end < len(order) {
		next = order[end]
	}
	return order[start:end], next, nil
}

// listHostedZonesByName orders zones by reversed-label name, then ID, and
// starts at DNSName (and HostedZoneId); HostedZoneId alone is refused as the
// API reference says it needs DNSName.
func (f *Fake) listHostedZonesByName(req *request) (int, any, *apiError) {
	q := req.http.URL.Query()
	limit, apiErr := parseMaxItems(q.Get("maxitems"), defaultZoneItems, maxZoneItems)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	dnsName, zoneID := q.Get("dnsname"), q.Get("hostedzoneid")
	if zoneID != "" && dnsName == "" {
		return 0, nil, invalidInput("HostedZoneId can only be specified together with DNSName.")
	}
	startKey := ""
	if dnsName != "" {
		canonical, err := canonicalName(dnsName)
		if err != nil {
			return 0, nil, &apiError{http.StatusBadRequest, "InvalidDomainName", fmt.Sprintf("%s is not a valid domain name: %v", dnsName, err)}
		}
		startKey = sortKey(canonical)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	zones := f.zonesByName()
	start, _ := slices.BinarySearchFunc(zones, [2]string{startKey, zoneID}, func(z *zone, t [2]string) int {
		return cmp.Or(cmp.Compare(sortKey(z.name), t[0]), cmp.Compare(z.id, t[1]))
	})
	resp := &listHostedZonesByNameResponse{Xmlns: apiNamespace, DNSName: dnsName, HostedZoneID: zoneID,
		MaxItems: limit, HostedZones: []hostedZoneXML{}}
	end := min(start+limit, len(zones))
	for _, z := range zones[start:end] {
		resp.HostedZones = append(resp.HostedZones, z.xml())
	}
	if end < len(zones) {
		resp.IsTruncated, resp.NextDNSName, resp.NextHostedZoneID = true, zones[end].name, zones[end].id
	}
	return http.StatusOK, resp, nil
}

func (f *Fake) zonesByName() []*zone {
	zones := make([]*zone, 0, len(f.zones))
	for _, z := range f.zones {
		zones = append(zones, z)
	}
	slices.SortFunc(zones, func(a, b *zone) int {
		return cmp.Or(cmp.Compare(sortKey(a.name), sortKey(b.name)), cmp.Compare(a.id, b.id))
	})
	return zones
}

func (f *Fake) getChange(req *request) (int, any, *apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.changes[req.id]
	if !ok {
		return 0, nil, noSuchChange(req.id)
	}
	return http.StatusOK, &getChangeResponse{Xmlns: apiNamespace, ChangeInfo: c.info(f.now())}, nil
}

// parseMaxItems reads a maxitems query value: absent means def, values over
// max are served as max, anything that is not a positive integer is
// InvalidInput.
func parseMaxItems(s string, def, max int) (int, *apiError) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, invalidInput("Invalid value for maxitems: %s", s)
	}
	return min(n, max), nil
}
