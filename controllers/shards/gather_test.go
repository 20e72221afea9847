package shards

import (
	"context"
	"errors"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

const fedNamespace = "kube-federation-system"

func testScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, v1beta1.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func kubeFedCluster(name string, ready bool, region string, zones ...string) *v1beta1.KubeFedCluster {
	status, msg := corev1.ConditionTrue, "/healthz responded with ok"
	if !ready {
		status, msg = corev1.ConditionFalse, "/healthz: connection refused"
	}
	kfc := &v1beta1.KubeFedCluster{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: fedNamespace},
		Status: v1beta1.KubeFedClusterStatus{Zones: zones, Conditions: []v1beta1.ClusterCondition{
			{Type: v1beta1.ClusterReady, Status: status, Message: &msg}}},
	}
	if region != "" {
		kfc.Status.Region = ptr.To(region)
	}
	return kfc
}

// TestObserveWithoutMembers covers what the gatherer decides before any member is read: the
// order, the location, a cluster that is not Ready (not read), one not connected yet, and
// clusters of other namespaces (ignored).
func TestObserveWithoutMembers(t *testing.T) {
	other := kubeFedCluster("elsewhere", true, "")
	other.Namespace = "default"
	host := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(
		kubeFedCluster("vulcan", false, "eu-west-1", "eu-west-1a"),
		kubeFedCluster("earth", true, "us-east-1", "us-east-1a"),
		other,
	).Build()
	read := func(context.Context, client.Reader, types.NamespacedName) (Object, bool, error) {
		return Object{}, false, errors.New("must not be called without a member")
	}
	g := Gatherer{Host: host, Namespace: fedNamespace, Registry: cluster.NewRegistry(testScheme(t), logr.Discard()), Read: read}
	obs, err := g.Observe(context.Background(), types.NamespacedName{Namespace: "shop", Name: "web"})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 {
		t.Fatalf("observations %+v; want earth and vulcan", obs)
	}
	e, v := obs[0], obs[1]
	if e.Cluster != "earth" || !e.ClusterReady || e.Presence != Unknown || e.ReadError != "not connected yet" ||
		e.Region != "us-east-1" || len(e.Zones) != 1 {
		t.Errorf("earth: %+v", e)
	}
	if v.Cluster != "vulcan" || v.ClusterReady || v.Presence != Unknown || v.ClusterMessage != "/healthz: connection refused" {
		t.Errorf("vulcan: %+v", v)
	}
	if !AnyUnread(obs) {
		t.Error("AnyUnread: earth is Ready and was not read")
	}
}

func TestEnqueueRecordOnlyForExistingRecords(t *testing.T) {
	host := fake.NewClientBuilder().WithScheme(testScheme(t)).WithObjects(
		&v1alpha1.ServiceDNSRecord{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"}},
	).Build()
	h := EnqueueRecord(host, func() client.Object { return &v1alpha1.ServiceDNSRecord{} }, SameName[*corev1.Service])
	q := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request]())
	defer q.ShutDown()
	for _, name := range []string{"web", "db"} {
		h.Create(context.Background(), event.TypedCreateEvent[*corev1.Service]{
			Object: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop"}}}, q)
	}
	if q.Len() != 1 {
		t.Fatalf("%d requests; want one, for the Service that has a record", q.Len())
	}
	req, _ := q.Get()
	if req != (reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "shop", Name: "web"}}) {
		t.Fatalf("request %v", req)
	}
}
