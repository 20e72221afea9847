package propagation

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	typesv1beta1 "github.com/meridian-dns/meridian/federation/apis/types/v1beta1"
)

// ConditionPropagation is the federated object's summary condition.
const ConditionPropagation = "Propagation"

// statusFor computes the federated object's status from this pass's results (pure).
func statusFor(prev typesv1beta1.FederatedStatus, generation int64, results []clusterResult) typesv1beta1.FederatedStatus {
	s := typesv1beta1.FederatedStatus{ObservedGeneration: generation, Conditions: append([]metav1.Condition(nil), prev.Conditions...)}
	var failed, synced []string
	for _, r := range results {
		s.Clusters = append(s.Clusters, typesv1beta1.PropagationStatus{ClusterName: r.cluster, Status: r.status, Message: r.message})
		if r.status == "" {
			synced = append(synced, r.cluster)
		} else {
			failed = append(failed, describeFailure(r))
		}
	}
	cond := metav1.Condition{Type: ConditionPropagation, Status: metav1.ConditionTrue, Reason: "Propagated", ObservedGeneration: generation,
		Message: fmt.Sprintf("In sync in %d clusters: %s", len(synced), strings.Join(synced, ", "))}
	if len(synced) == 0 && len(failed) == 0 {
		cond.Reason, cond.Message = "NoClusters", "The placement selects no cluster"
	}
	if len(failed) > 0 {
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, "ClusterErrors", strings.Join(failed, "; ")
	}
	meta.SetStatusCondition(&s.Conditions, cond)
	return s
}

func describeFailure(r clusterResult) string {
	if r.cluster == "" {
		return fmt.Sprintf("%s: %s", r.status, r.message)
	}
	return fmt.Sprintf("%s: %s: %s", r.cluster, r.status, r.message)
}

// writeStatus patches the status when it changed and emits an Event for each cluster whose
// result turned into a failure.
func (s *typeSyncer) writeStatus(ctx context.Context, fed *unstructured.Unstructured, results []clusterResult) error {
	var prev typesv1beta1.FederatedStatus
	if raw, ok, _ := unstructured.NestedMap(fed.Object, "status"); ok {
		_ = runtimeConverter.FromUnstructured(raw, &prev)
	}
	next := statusFor(prev, fed.GetGeneration(), results)
	if apiequality.Semantic.DeepEqual(prev, next) {
		return nil
	}
	raw, err := runtimeConverter.ToUnstructured(&next)
	if err != nil {
		return err
	}
	before := fed.DeepCopy()
	if err := unstructured.SetNestedMap(fed.Object, raw, "status"); err != nil {
		return err
	}
	if err := s.Host.Status().Patch(ctx, fed, client.MergeFrom(before)); err != nil {
		return fmt.Errorf("updating the status of %s %s/%s: %w", s.federated.Kind, fed.GetNamespace(), fed.GetName(), err)
	}
	for _, r := range results {
		if r.status != "" && !hadStatus(prev, r) {
			s.Recorder.Eventf(fed, nil, corev1.EventTypeWarning, r.status, "Propagate", "%s", describeFailure(r))
		}
	}
	return nil
}

func hadStatus(prev typesv1beta1.FederatedStatus, r clusterResult) bool {
	for _, c := range prev.Clusters {
		if c.ClusterName == r.cluster && c.Status == r.status {
			return true
		}
	}
	return false
}
