package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
	"github.com/meridian-dns/meridian/test/env"
)

// recordSet is a multiset of published records, one line per target: "name type set target
// owner". A count above one is a duplicate.
type recordSet map[string]int

func (s recordSet) add(line string) { s[line]++ }

// count is how many lines match.
func (s recordSet) count(match func(line string) bool) int {
	n := 0
	for line, c := range s {
		if match(line) {
			n += c
		}
	}
	return n
}

func (s recordSet) String() string {
	var lines []string
	for line, c := range s {
		if c != 1 {
			line = fmt.Sprintf("%s (x%d)", line, c)
		}
		lines = append(lines, "  "+line)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// diff describes how got differs from want, "" when equal.
func diff(want, got recordSet) string {
	var out []string
	for _, line := range slices.Sorted(maps.Keys(want)) {
		if got[line] != want[line] {
			out = append(out, fmt.Sprintf("  %s: want %d, got %d", line, want[line], got[line]))
		}
	}
	for _, line := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[line]; !ok {
			out = append(out, fmt.Sprintf("  %s: want 0, got %d", line, got[line]))
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("  ... and %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}

// recordLines renders provider records the way recordSet counts them.
func recordLines(s recordSet, records []providers.Record, owner string) {
	for _, r := range records {
		for _, target := range r.Targets {
			s.add(fmt.Sprintf("%s %s %s %s %s", r.Name, r.Type, r.SetIdentifier, target, owner))
		}
	}
}

// etcdValue is one key's value and the revision it was last written at.
type etcdValue struct {
	value  string
	modRev int64
}

// dnsState reads what the DNSEndpoints ask for and what the DNS etcd holds under a zone.
type dnsState struct {
	t      testing.TB
	etcd   *env.EtcdCluster
	zone   string
	prefix string // the zone's etcd path, with a trailing slash
}

func newDNSState(t testing.TB, etcd *env.EtcdCluster, zone string) *dnsState {
	return &dnsState{t: t, etcd: etcd, zone: zone, prefix: skydns.Path(skydns.DefaultPrefix, zone) + "/"}
}

// desired is every record the DNSEndpoints in the host ask for in the zone.
func (s *dnsState) desired(ctx context.Context) (recordSet, error) {
	list := &v1alpha1.DNSEndpointList{}
	if err := hostClient(s.t).List(ctx, list); err != nil {
		return nil, err
	}
	set := recordSet{}
	for i := range list.Items {
		ep := &list.Items[i]
		if ep.DeletionTimestamp != nil {
			continue
		}
		records, _ := publish.Desired(ep, []string{s.zone}, publish.DefaultRecordTypes)
		recordLines(set, records, publish.DefaultOwner)
	}
	return set, nil
}

// read returns Meridian's records in the zone and every other key with its value and revision.
func (s *dnsState) read(ctx context.Context) (recordSet, map[string]etcdValue, error) {
	c, err := s.etcd.Client()
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := c.Get(ctx, s.prefix, clientv3.WithPrefix())
	if err != nil {
		return nil, nil, err
	}
	owned, other := recordSet{}, map[string]etcdValue{}
	for _, kv := range resp.Kvs {
		key := string(kv.Key)
		var svc skydns.Service
		if json.Unmarshal(kv.Value, &svc) != nil || svc.Owner != publish.DefaultOwner {
			other[key] = etcdValue{string(kv.Value), kv.ModRevision}
			continue
		}
		parent := key[:strings.LastIndex(key, "/")]
		name, _ := skydns.Name(skydns.DefaultPrefix, parent)
		target := svc.Host
		if svc.Type() == skydns.TypeTXT {
			target = svc.Text
		}
		owned.add(fmt.Sprintf("%s %s %s %s %s", name, svc.Type(), svc.SetIdentifier, target, svc.Owner))
	}
	return owned, other, nil
}

// writeForeignRecords puts records of no owner and of another owner under the zone, as SkyDNS
// JSON, and returns them with their revisions.
func writeForeignRecords(t *testing.T, ctx context.Context, s *dnsState) map[string]etcdValue {
	t.Helper()
	c, err := s.etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for key, value := range map[string]string{
		s.prefix + "legacy/x1":                  `{"host":"203.0.113.7","ttl":300}`,
		s.prefix + "legacy/x2":                  `{"host":"203.0.113.8","ttl":300}`,
		s.prefix + "mail":                       `{"host":"mail.example.net","ttl":3600}`,
		s.prefix + "partner/m~0123456789abcdef": `{"host":"203.0.113.9","ttl":60,"owner":"another-meridian","resource":"dnsendpoint/x/y"}`,
		s.prefix + "txt/_verify":                `{"text":"v=verify1 abc","ttl":60}`,
	} {
		if _, err := c.Put(ctx, key, value); err != nil {
			t.Fatal(err)
		}
	}
	_, foreign, err := s.read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(foreign) != 5 {
		t.Fatalf("foreign records: %d, want 5", len(foreign))
	}
	return foreign
}

// converged reports nil once the DNSEndpoints ask for exactly want, etcd holds exactly that
// (each record once), the foreign records are byte for byte what they were at the same revision,
// and every unmanaged member object exists.
func (lab *chaosLab) converged(ctx context.Context, want recordSet) error {
	if n := lab.controllers.restartExited(); n > 0 {
		lab.controllers.t.Logf("started %d exited controller replica(s) again", n)
	}
	desired, err := lab.state.desired(ctx)
	if err != nil {
		return fmt.Errorf("listing DNSEndpoints: %w", err)
	}
	if d := diff(want, desired); d != "" {
		return fmt.Errorf("the DNSEndpoints ask for other records than expected:\n%s\n%s", d, webRecordReady(ctx, lab.state.t))
	}
	owned, foreign, err := lab.state.read(ctx)
	if err != nil {
		return fmt.Errorf("reading etcd: %w", err)
	}
	if d := diff(want, owned); d != "" {
		return fmt.Errorf("etcd differs from the DNSEndpoints:\n%s", d)
	}
	if err := sameForeign(lab.foreign, foreign); err != nil {
		return err
	}
	return checkUnmanaged(ctx)
}

func sameForeign(want, got map[string]etcdValue) error {
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			return fmt.Errorf("foreign record %s was deleted", key)
		}
		if g != w {
			return fmt.Errorf("foreign record %s changed: %q at revision %d, was %q at %d", key, g.value, g.modRev, w.value, w.modRev)
		}
	}
	for key, g := range got {
		if _, ok := want[key]; !ok {
			return fmt.Errorf("unexpected record %s without our owner: %q", key, g.value)
		}
	}
	return nil
}

// waitConverged waits for converged and both gslb servers answering every shard of the web
// record and the static name's wanted target; it returns how long that took.
func (lab *chaosLab) waitConverged(t *testing.T, ctx context.Context, timeout time.Duration, want recordSet) time.Duration {
	t.Helper()
	start := time.Now()
	var last error
	eventually(t, ctx, timeout, "records converged", func(ctx context.Context) (bool, error) {
		err := lab.converged(ctx, want)
		if err != nil && ctx.Err() == nil {
			last = err // the poll's own deadline says nothing
		}
		return err == nil, last
	})
	records := time.Since(start)
	lab.waitAnswersAll(t, ctx)
	for line := range want {
		if f := strings.Fields(line); f[0] == staticName {
			for _, s := range lab.dns {
				waitAnswer(t, ctx, s.Addr, unknownClient, netip.Prefix{}, staticName+".", f[2])
			}
		}
	}
	t.Logf("records converged in %v, both gslb servers answering them in %v",
		records.Round(10*time.Millisecond), time.Since(start).Round(10*time.Millisecond))
	return time.Since(start)
}

// withStatic is want with the static name's target replaced.
func withStatic(want recordSet, target string) recordSet {
	out := recordSet{}
	for line, c := range want {
		if strings.HasPrefix(line, staticName+" ") {
			f := strings.Fields(line)
			// name type target owner: the static name has no set identifier.
			line = fmt.Sprintf("%s %s  %s %s", f[0], f[1], target, f[len(f)-1])
		}
		out[line] += c
	}
	return out
}

// webRecordReady describes the web ServiceDNSRecord's Ready condition, for failure messages.
func webRecordReady(ctx context.Context, t testing.TB) string {
	r := &v1alpha1.ServiceDNSRecord{}
	if err := hostClient(t).Get(ctx, client.ObjectKey{Namespace: chaosNS, Name: "web"}, r); err != nil {
		return "ServiceDNSRecord web: " + err.Error()
	}
	c := meta.FindStatusCondition(r.Status.Conditions, v1alpha1.ConditionReady)
	if c == nil {
		return "ServiceDNSRecord web: no Ready condition"
	}
	return fmt.Sprintf("ServiceDNSRecord web: Ready %s %s: %s", c.Status, c.Reason, c.Message)
}
