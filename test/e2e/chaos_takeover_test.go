package e2e

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/controllers/publish"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/skydns"
)

// bulkNames is the size of the change the leader is killed in the middle of.
const bulkNames = 600

func bulkEndpoints() []v1alpha1.Endpoint {
	eps := make([]v1alpha1.Endpoint, bulkNames)
	for i := range eps {
		eps[i] = v1alpha1.Endpoint{DNSName: fmt.Sprintf("n%03d.bulk.%s", i, chaosZone), RecordType: "A", RecordTTL: 30,
			Targets: []string{fmt.Sprintf("100.64.%d.%d", i/200, i%200+1), fmt.Sprintf("100.65.%d.%d", i/200, i%200+1)}}
	}
	return eps
}

// 5. The leading controller is SIGKILLed while it publishes a DNSEndpoint of 600 names; the
// standby takes over when the Lease expires and publishes the rest: every record exists once.
func (lab *chaosLab) leaderKilledMidPublish(t *testing.T, ctx context.Context) chaosRow {
	bulk := chaosEndpoint("bulk", bulkEndpoints())
	records, problems := publish.Desired(bulk, []string{chaosZone}, publish.DefaultRecordTypes)
	if len(problems) > 0 {
		t.Fatalf("bulk endpoints: %v", problems)
	}
	before := lab.expected
	want := maps.Clone(before)
	recordLines(want, records, publish.DefaultOwner)
	bulkPrefix := skydns.Path(skydns.DefaultPrefix, "bulk."+chaosZone) + "/"
	var seen int64
	row := lab.runFault(t, ctx, fault{
		instant: true,
		inject: func(t *testing.T, ctx context.Context) {
			i := lab.controllers.waitLeader(t, ctx, 30*time.Second)
			if err := hostClient(t).Create(ctx, bulk); err != nil {
				t.Fatal(err)
			}
			seen = lab.waitFirstKeys(t, ctx, bulkPrefix)
			lab.controllers.kill(t, i)
			t.Logf("killed the leader (replica %d) with %d of %d bulk keys in etcd", i, seen, 2*bulkNames)
		},
		heal: func(context.Context) error { return nil },
		want: want,
	})
	row.note = fmt.Sprintf("killed at %d of %d keys", seen, 2*bulkNames)
	if seen >= 2*bulkNames {
		row.note += ": after the change, not during it"
	}
	// Withdraw it again, so the later scenarios work on the small lab.
	if err := hostClient(t).Delete(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	lab.waitConverged(t, ctx, convergeTimeout, before)
	lab.expected = before
	return row
}

// waitFirstKeys polls the number of keys under prefix until there are some, and returns it. The
// etcd provider writes a large change in transactions of 128 keys, so this is the middle of it.
func (lab *chaosLab) waitFirstKeys(t *testing.T, ctx context.Context, prefix string) int64 {
	t.Helper()
	c, err := lab.etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		resp, err := c.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			t.Fatal(err)
		}
		if resp.Count > 0 {
			return resp.Count
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the bulk DNSEndpoint was not published within a minute")
	return 0
}
