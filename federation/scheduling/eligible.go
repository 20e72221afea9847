package scheduling

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	typesv1beta1 "github.com/meridian-dns/meridian/federation/apis/types/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
	"github.com/meridian-dns/meridian/federation/propagation"
)

// workloads maps each spec.targetKind to the kind its members run, the three KubeFed's
// ReplicaSchedulingPreference accepts.
var workloads = map[string]schema.GroupVersionKind{
	"FederatedDeployment":  appsv1.SchemeGroupVersion.WithKind("Deployment"),
	"FederatedReplicaSet":  appsv1.SchemeGroupVersion.WithKind("ReplicaSet"),
	"FederatedStatefulSet": appsv1.SchemeGroupVersion.WithKind("StatefulSet"),
}

// targetKinds returns the federated kind an RSP schedules and the member kind it runs; ok is false
// for a targetKind the API would have rejected.
func targetKinds(targetKind string) (federated, workload schema.GroupVersionKind, ok bool) {
	workload, ok = workloads[targetKind]
	return typesv1beta1.SchemeGroupVersion.WithKind(targetKind), workload, ok
}

// eligibleClusters returns the names of the Ready clusters, sorted; with a placement, only those it
// selects. A cluster that is not Ready gets no replicas: the sync controller could not put them
// there, and the health controller has already debounced the verdict.
func eligibleClusters(kfcs []v1beta1.KubeFedCluster, placement *propagation.Placement) ([]string, error) {
	ready := make([]propagation.Cluster, 0, len(kfcs))
	for i := range kfcs {
		if cluster.IsReady(&kfcs[i]) {
			ready = append(ready, propagation.Cluster{Name: kfcs[i].Name, Labels: kfcs[i].Labels})
		}
	}
	if placement == nil {
		names := make([]string, len(ready))
		for i, c := range ready {
			names[i] = c.Name
		}
		slices.Sort(names)
		return names, nil
	}
	// Listed clusters that are not Ready come back as unknown; they are not eligible either.
	selected, _, err := placement.Select(ready)
	return selected, err
}
