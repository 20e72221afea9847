package e2e

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
)

// scaleOutZone is published to the three-member etcd cluster of TestThreeMemberEtcd.
const scaleOutZone = "scale.example.com"

// TestThreeMemberEtcd runs the data plane on a three-member etcd cluster, as production does: the
// controller publishes to it and two gslb CoreDNS replicas read it, each given every member.
// With the leader stopped, a changed DNSEndpoint is still published and both replicas answer it.
func TestThreeMemberEtcd(t *testing.T) {
	ctx := testContext(t, 4*time.Minute)
	bins, err := env.EnsureBinaries(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := env.StartEtcd(ctx, bins.Etcd, t.TempDir(), env.EtcdOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	endpoints := strings.Join(cluster.Endpoints, ",")
	setUpFederation(t, ctx, "--provider=etcd", "--zone="+scaleOutZone, "--etcd-endpoints="+endpoints)
	var replicas []*env.CoreDNS
	for range 2 {
		replicas = append(replicas, startCoreDNS(t, ctx, gslbCorefile(scaleOutZone, strings.Join(cluster.Endpoints, " "))))
	}

	ns := createNamespace(t, ctx, testEnv.Host.Client(), "scaleout")
	name := "web." + scaleOutZone
	obj := &v1alpha1.DNSEndpoint{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "service-web"},
		Spec: v1alpha1.DNSEndpointSpec{Endpoints: []v1alpha1.Endpoint{{DNSName: name, RecordType: "A", RecordTTL: 30,
			Targets: []string{"192.0.2.61"}}}}}
	host := hostClient(t)
	if err := host.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas {
		waitAnswer(t, ctx, r.Addr, unknownClient, netip.Prefix{}, name+".", "192.0.2.61")
	}

	if err := leader(t, ctx, cluster).Stop(); err != nil {
		t.Fatal(err)
	}
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := host.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		obj.Spec.Endpoints[0].Targets = []string{"192.0.2.62"}
		return host.Update(ctx, obj)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range replicas {
		t.Run(fmt.Sprintf("replica %d", i), func(t *testing.T) {
			waitAnswer(t, ctx, r.Addr, unknownClient, netip.Prefix{}, name+".", "192.0.2.62")
		})
	}
	assertPublished(t, ctx, client.ObjectKeyFromObject(obj))
}

// testWriter sends progress lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// leader returns the member that leads the cluster.
func leader(t *testing.T, ctx context.Context, cluster *env.EtcdCluster) *env.EtcdMember {
	t.Helper()
	c, err := cluster.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range cluster.Members {
		status, err := c.Status(ctx, m.ClientURL)
		if err != nil {
			t.Fatal(err)
		}
		if status.Leader == status.Header.MemberId {
			return m
		}
	}
	t.Fatal("no etcd member is the leader")
	return nil
}
