package propagation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

// memberTimeout bounds the calls to one member in one pass; a member that does not answer in
// time is reported and retried with backoff.
const memberTimeout = 15 * time.Second

// clusterResult is one cluster's line in the federated object's status.
type clusterResult struct {
	cluster, status, message string
}

// propagate syncs fed to every Ready member. A failing or unready member is reported and
// retried; it does not stop the others.
func (s *typeSyncer) propagate(ctx context.Context, fed *unstructured.Unstructured) (results []clusterResult, retry bool, err error) {
	kfcs, err := s.clusters(ctx)
	if err != nil {
		return nil, false, err
	}
	sched, pending, err := s.scheduleOf(ctx, fed)
	if err != nil {
		return nil, false, err
	}
	if pending {
		return []clusterResult{{status: StatusSchedulingPending, message: fmt.Sprintf(
			"Waiting for ReplicaSchedulingPreference %s/%s to schedule the replicas", fed.GetNamespace(), fed.GetName())}}, false, nil
	}
	selected, results, err := s.placement(ctx, fed, kfcs, sched)
	if err != nil {
		return []clusterResult{{status: StatusPlacementFailed, message: err.Error()}}, false, nil // the user's to fix
	}
	template, _, _ := unstructured.NestedMap(fed.Object, "spec", "template")
	adopt := s.adoptResources(ctx)
	// Members are synced side by side, each within memberTimeout, so a slow or unreachable
	// member (still Ready until its probe says otherwise) delays no other.
	lines := make([]*clusterResult, len(kfcs))
	errs := make([]error, len(kfcs))
	var wg sync.WaitGroup
	for i := range kfcs {
		kfc := &kfcs[i]
		placed := slices.Contains(selected, kfc.Name)
		m, ok := s.Registry.Get(kfc.Name)
		if !cluster.IsReady(kfc) || !ok {
			if placed {
				lines[i] = &clusterResult{kfc.Name, StatusClusterNotReady, "The cluster is not Ready; it is synced when it is"}
				// Ready but not (or no longer) in the registry: its client is being replaced,
				// and no KubeFedCluster event will follow, so look again soon.
				retry = retry || cluster.IsReady(kfc)
			}
			continue
		}
		overrides, err := OverridesFor(fed, kfc.Name)
		if err != nil {
			lines[i] = &clusterResult{kfc.Name, StatusOverridesFailed, err.Error()}
			continue
		}
		in := Input{Target: s.target, Name: fed.GetName(), Namespace: s.memberNamespace(fed), Template: template,
			Placed: placed, Overrides: overrides, Adopt: adopt, Replicas: sched.replicasFor(kfc.Name)}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, memberTimeout)
			defer cancel()
			status, err := syncMember(ctx, m.GetClient(), s.target, in)
			switch {
			case err != nil:
				lines[i] = &clusterResult{kfc.Name, status, err.Error()}
				if status == StatusApplyFailed || status == StatusDeletionFailed {
					errs[i] = fmt.Errorf("cluster %s: %w", kfc.Name, err)
				}
			case placed:
				lines[i] = &clusterResult{cluster: kfc.Name}
			}
		})
	}
	wg.Wait()
	for _, l := range lines {
		if l != nil {
			results = append(results, *l)
		}
	}
	return results, retry, errors.Join(errs...)
}

// placement returns the clusters fed goes to: those its ReplicaSchedulingPreference gave
// replicas, else those its placement selects, with status lines for listed names that are not
// clusters; for namespaced kinds, only where its namespace is placed too.
func (s *typeSyncer) placement(ctx context.Context, fed *unstructured.Unstructured, kfcs []v1beta1.KubeFedCluster, sched *schedule) ([]string, []clusterResult, error) {
	clusters := make([]Cluster, len(kfcs))
	for i, k := range kfcs {
		clusters[i] = Cluster{Name: k.Name, Labels: k.Labels}
	}
	var selected []string
	var results []clusterResult
	if sched != nil {
		selected = sched.clusters()
	} else {
		p, err := PlacementOf(fed)
		if err != nil {
			return nil, nil, err
		}
		var unknown []string
		if selected, unknown, err = p.Select(clusters); err != nil {
			return nil, nil, err
		}
		for _, name := range unknown {
			results = append(results, clusterResult{name, StatusUnknownCluster,
				fmt.Sprintf("spec.placement.clusters: %q is not a KubeFedCluster in %s", name, s.Namespace)})
		}
	}
	if !s.namespaced || s.federatesNamespaces() {
		return selected, results, nil
	}
	nsPlaced, err := s.namespacePlacement(ctx, fed.GetNamespace(), clusters)
	if err != nil {
		return nil, nil, err
	}
	var both []string
	for _, name := range selected {
		if slices.Contains(nsPlaced, name) {
			both = append(both, name)
		} else {
			results = append(results, clusterResult{name, StatusNamespaceNotPlaced,
				fmt.Sprintf("Namespace %s is not placed on %s by its FederatedNamespace", fed.GetNamespace(), name)})
		}
	}
	return both, results, nil
}

// namespacePlacement is where the FederatedNamespace of ns is placed; nowhere without one.
func (s *typeSyncer) namespacePlacement(ctx context.Context, ns string, clusters []Cluster) ([]string, error) {
	fns := &unstructured.Unstructured{}
	fns.SetGroupVersionKind(federatedNamespaceGVK)
	if err := s.Host.Get(ctx, client.ObjectKey{Namespace: ns, Name: ns}, fns); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	if fns.GetDeletionTimestamp() != nil {
		return nil, nil
	}
	p, err := PlacementOf(fns)
	if err != nil {
		return nil, nil // the FederatedNamespace's own status reports it
	}
	selected, _, _ := p.Select(clusters)
	return selected, nil
}

// memberNamespace is the member object's namespace: none for a Namespace itself.
func (s *typeSyncer) memberNamespace(fed *unstructured.Unstructured) string {
	if !s.namespaced {
		return ""
	}
	return fed.GetNamespace()
}

func (s *typeSyncer) clusters(ctx context.Context) ([]v1beta1.KubeFedCluster, error) {
	var list v1beta1.KubeFedClusterList
	if err := s.Host.List(ctx, &list, client.InNamespace(s.Namespace)); err != nil {
		return nil, fmt.Errorf("listing KubeFedClusters: %w", err)
	}
	slices.SortFunc(list.Items, func(a, b v1beta1.KubeFedCluster) int { return strings.Compare(a.Name, b.Name) })
	return list.Items, nil
}

// adoptResources reads KubeFedConfig spec.syncController.adoptResources (default Enabled).
func (s *typeSyncer) adoptResources(ctx context.Context) bool {
	cfg := &v1beta1.KubeFedConfig{}
	if err := s.Host.Get(ctx, client.ObjectKey{Namespace: s.Namespace, Name: v1beta1.KubeFedConfigName}, cfg); err != nil {
		return true
	}
	sc := cfg.Spec.SyncController
	return sc == nil || sc.AdoptResources == nil || *sc.AdoptResources != "Disabled"
}
