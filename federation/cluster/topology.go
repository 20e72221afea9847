package cluster

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Node labels that place a cluster; the failure-domain ones are the legacy spelling older
// clusters still carry.
const (
	labelRegion       = corev1.LabelTopologyRegion          // topology.kubernetes.io/region
	labelZone         = corev1.LabelTopologyZone            // topology.kubernetes.io/zone
	labelRegionLegacy = corev1.LabelFailureDomainBetaRegion // failure-domain.beta.kubernetes.io/region
	labelZoneLegacy   = corev1.LabelFailureDomainBetaZone   // failure-domain.beta.kubernetes.io/zone
)

// topology is where a member's nodes are.
type topology struct {
	region string   // empty when no node says
	zones  []string // sorted, distinct
	// regions counts nodes per region, to say so when nodes disagree.
	regions map[string]int
}

// topologyOf reads region and zones from node labels, preferring the current labels over the
// legacy ones node by node. When nodes name several regions, the most common wins (ties: the
// first in order), so one mislabelled node does not move the cluster.
func topologyOf(nodes []corev1.Node) topology {
	t := topology{regions: map[string]int{}}
	zones := map[string]bool{}
	for _, n := range nodes {
		if r := label(n.Labels, labelRegion, labelRegionLegacy); r != "" {
			t.regions[r]++
		}
		if z := label(n.Labels, labelZone, labelZoneLegacy); z != "" {
			zones[z] = true
		}
	}
	for r, n := range t.regions {
		if best := t.regions[t.region]; n > best || (n == best && r < t.region) {
			t.region = r
		}
	}
	for z := range zones {
		t.zones = append(t.zones, z)
	}
	sort.Strings(t.zones)
	return t
}

func label(labels map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := labels[k]; v != "" {
			return v
		}
	}
	return ""
}

// missing lists the labels no node carries, in the form a person can act on.
func (t topology) missing() []string {
	var m []string
	if t.region == "" {
		m = append(m, labelRegion)
	}
	if len(t.zones) == 0 {
		m = append(m, labelZone)
	}
	return m
}

// describe is the Topology condition's message.
func (t topology) describe() string {
	if m := t.missing(); len(m) > 0 {
		return fmt.Sprintf("No node has the label %s (nor its legacy failure-domain.beta.kubernetes.io form): "+
			"the cluster serves under global DNS names only until its nodes are labelled", strings.Join(m, " or "))
	}
	msg := fmt.Sprintf("Region %s, zones %s", t.region, strings.Join(t.zones, ", "))
	if len(t.regions) > 1 {
		msg += fmt.Sprintf(" (nodes name %d regions; the most common is used)", len(t.regions))
	}
	return msg
}
