package propagation

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	schedulingv1alpha1 "github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
)

// scheduledKinds are the federated kinds a ReplicaSchedulingPreference can target (its
// spec.targetKind enum).
var scheduledKinds = []string{"FederatedDeployment", "FederatedReplicaSet", "FederatedStatefulSet"}

// StatusSchedulingPending: the object has a ReplicaSchedulingPreference that has not placed its
// replicas yet; members are left as they are until it has.
const StatusSchedulingPending = "SchedulingPending"

// schedule is a ReplicaSchedulingPreference's layout as the sync controller applies it: the
// object goes exactly to the clusters with replicas, with that many.
type schedule struct {
	rsp      string // namespace/name, for messages
	replicas map[string]int64
}

// clusters returns the clusters with at least one replica, sorted.
func (s *schedule) clusters() []string {
	var out []string
	for name, n := range s.replicas {
		if n > 0 {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// replicasFor is the count for cluster, nil when the object does not go there.
func (s *schedule) replicasFor(cluster string) *int64 {
	if s == nil {
		return nil
	}
	if n, ok := s.replicas[cluster]; ok && n > 0 {
		return &n
	}
	return nil
}

// scheduleOf returns the layout of the ReplicaSchedulingPreference of fed's name and namespace
// that targets fed's kind; nil when there is none. pending reports one that exists but has not
// scheduled yet.
func (s *typeSyncer) scheduleOf(ctx context.Context, fed *unstructured.Unstructured) (sched *schedule, pending bool, err error) {
	if !slices.Contains(scheduledKinds, s.federated.Kind) {
		return nil, false, nil
	}
	rsp := &schedulingv1alpha1.ReplicaSchedulingPreference{}
	key := client.ObjectKeyFromObject(fed)
	if err := s.Host.Get(ctx, key, rsp); err != nil {
		if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("reading ReplicaSchedulingPreference %s: %w", key, err)
	}
	if rsp.Spec.TargetKind != s.federated.Kind || rsp.DeletionTimestamp != nil {
		return nil, false, nil
	}
	if rsp.Status.Replicas == nil {
		return nil, true, nil
	}
	return &schedule{rsp: key.String(), replicas: rsp.Status.Replicas}, false, nil
}
