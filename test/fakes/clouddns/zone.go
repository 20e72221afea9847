package clouddnsfake

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	dns "google.golang.org/api/dns/v1"
)

// zone is one managed zone's state. Stored rrsets carry no "kind" fields and are never handed
// out without a copy.
type zone struct {
	info    dns.ManagedZone
	rrsets  map[rrKey]*dns.ResourceRecordSet
	sorted  []rrKey        // rrsets' keys in list order; nil until needed after a change
	changes []*changeEntry // in sequence; changes[i].change.Id == strconv.Itoa(i)
}

// changeEntry is a change as stored: its status is derived from the clock when it is read.
type changeEntry struct {
	change  *dns.Change
	started time.Time
	delay   time.Duration
}

// rrKey identifies an rrset within a zone. DNS names compare case-insensitively
// (RFC 4343), so the key holds the lowercased name.
type rrKey struct{ name, typ string }

func keyOf(rr *dns.ResourceRecordSet) rrKey {
	return rrKey{name: lowerName(rr.Name), typ: rr.Type}
}

func lowerName(name string) string { return strings.ToLower(name) }

func (k rrKey) String() string { return fmt.Sprintf("%s (%s)", k.name, k.typ) }

const hostmaster = "cloud-dns-hostmaster.google.com."

// newZone builds a zone with the SOA and NS rrsets the real service creates and the change "0"
// that records them, as changes.list shows for a fresh zone.
func newZone(name, dnsName string, id uint64, now time.Time) *zone {
	shard := string(rune('a' + id%5))
	var servers []string
	for i := 1; i <= 4; i++ {
		servers = append(servers, fmt.Sprintf("ns-cloud-%s%d.googledomains.com.", shard, i))
	}
	soa := &dns.ResourceRecordSet{Name: dnsName, Type: "SOA", Ttl: 21600,
		Rrdatas: []string{servers[0] + " " + hostmaster + " 1 21600 3600 259200 300"}}
	ns := &dns.ResourceRecordSet{Name: dnsName, Type: "NS", Ttl: 21600, Rrdatas: servers}
	z := &zone{
		info: dns.ManagedZone{Name: name, DnsName: dnsName, Id: id, NameServers: servers,
			Visibility: "public", CreationTime: formatTime(now)},
		rrsets: map[rrKey]*dns.ResourceRecordSet{keyOf(soa): soa, keyOf(ns): ns},
	}
	first := &dns.Change{Id: "0", Additions: []*dns.ResourceRecordSet{cloneRRSet(soa), cloneRRSet(ns)}}
	z.changes = append(z.changes, &changeEntry{change: first, started: now})
	return z
}

// sortedKeys returns the keys in list order: by name, then type. The slice is cached until the
// next change and must not be modified.
func (z *zone) sortedKeys() []rrKey {
	if z.sorted == nil {
		z.sorted = slices.SortedFunc(maps.Keys(z.rrsets), compareKeys)
	}
	return z.sorted
}

func compareKeys(a, b rrKey) int {
	return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.typ, b.typ))
}

func (z *zone) setRRSets(next map[rrKey]*dns.ResourceRecordSet) {
	z.rrsets, z.sorted = next, nil
}

// view is the zone as managedZones.get returns it.
func (z *zone) view() *dns.ManagedZone {
	v := z.info
	v.Kind = "dns#managedZone"
	v.NameServers = slices.Clone(z.info.NameServers)
	return &v
}

// inZone reports whether name is the zone's apex or below it.
func (z *zone) inZone(name string) bool {
	n, apex := lowerName(name), z.info.DnsName
	return n == apex || strings.HasSuffix(n, "."+apex)
}

// zoneLocked finds a zone by name or by numeric id: the API accepts either as managedZone.
func (f *Fake) zoneLocked(ref string) (*zone, bool) {
	if z, ok := f.zones[ref]; ok {
		return z, true
	}
	if id, err := strconv.ParseUint(ref, 10, 64); err == nil {
		for _, z := range f.zones {
			if z.info.Id == id {
				return z, true
			}
		}
	}
	return nil, false
}

// validZoneName mirrors the documented ManagedZone.name rule: 1-63 characters, beginning with a
// letter, ending with a letter or digit, only lowercase letters, digits or dashes.
func validZoneName(name string) bool {
	if len(name) < 1 || len(name) > 63 || name[0] < 'a' || name[0] > 'z' || name[len(name)-1] == '-' {
		return false
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// canonicalZoneName lowercases a zone's DNS name and adds the trailing dot. The root is refused:
// the error-messages page lists reserved names such as "." as managedZoneDnsNameNotAvailable.
func canonicalZoneName(dnsName string) (string, bool) {
	n := lowerName(dnsName)
	if !strings.HasSuffix(n, ".") {
		n += "."
	}
	return n, n != "." && validDomainName(n, false)
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }
