package propagation

import (
	"fmt"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
)

// Placement is a Federated<Kind>'s spec.placement. The difference between a missing clusters
// list and an empty one matters, so it is kept.
type Placement struct {
	// Clusters lists cluster names; meaningful only when ClustersSet.
	Clusters    []string
	ClustersSet bool
	// Selector is spec.placement.clusterSelector; nil when absent.
	Selector *metav1.LabelSelector
}

// Cluster is what placement needs to know of a member: its name and its KubeFedCluster's labels.
type Cluster struct {
	Name   string
	Labels map[string]string
}

// PlacementOf reads spec.placement from a federated object.
func PlacementOf(fed *unstructured.Unstructured) (Placement, error) {
	var p Placement
	raw, found, err := unstructured.NestedFieldNoCopy(fed.Object, "spec", "placement", "clusters")
	if err != nil {
		return p, fmt.Errorf("spec.placement.clusters: %w", err)
	}
	if found && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			return p, fmt.Errorf("spec.placement.clusters: must be a list of {name: ...}")
		}
		p.ClustersSet = true
		p.Clusters = []string{}
		for i, item := range list {
			entry, _ := item.(map[string]any)
			name, _ := entry["name"].(string)
			if name == "" {
				return p, fmt.Errorf("spec.placement.clusters[%d].name: must be a cluster name", i)
			}
			p.Clusters = append(p.Clusters, name)
		}
	}
	sel, found, err := unstructured.NestedMap(fed.Object, "spec", "placement", "clusterSelector")
	if err != nil {
		return p, fmt.Errorf("spec.placement.clusterSelector: %w", err)
	}
	if found && sel != nil {
		p.Selector = &metav1.LabelSelector{}
		if err := runtimeConverter.FromUnstructured(sel, p.Selector); err != nil {
			return p, fmt.Errorf("spec.placement.clusterSelector: %w", err)
		}
	}
	return p, nil
}

// Select returns the names of the clusters the placement picks, sorted, following KubeFed:
// neither field picks nothing; a clusters list, even an empty one, wins over the selector; an
// empty selector picks every cluster. Listed names that are not members are returned in unknown,
// so the status can say so while the known ones are synced.
func (p Placement) Select(clusters []Cluster) (selected, unknown []string, err error) {
	switch {
	case p.ClustersSet:
		known := map[string]bool{}
		for _, c := range clusters {
			known[c.Name] = true
		}
		seen := map[string]bool{}
		for _, name := range p.Clusters {
			switch {
			case seen[name]:
			case known[name]:
				selected = append(selected, name)
			default:
				unknown = append(unknown, name)
			}
			seen[name] = true
		}
	case p.Selector != nil:
		sel, err := metav1.LabelSelectorAsSelector(p.Selector)
		if err != nil {
			return nil, nil, fmt.Errorf("spec.placement.clusterSelector: %w", err)
		}
		for _, c := range clusters {
			if sel.Matches(labels.Set(c.Labels)) {
				selected = append(selected, c.Name)
			}
		}
	}
	sort.Strings(selected)
	sort.Strings(unknown)
	return selected, unknown, nil
}
