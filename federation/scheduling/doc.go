// Package scheduling implements ReplicaSchedulingPreference (KubeFed's
// scheduling.kubefed.io/v1alpha1): it decides how many of a workload's replicas each member
// cluster runs. The decisions are pure functions without I/O (Distribute and its input, the
// eligible clusters, the unschedulable pod count, the condition and Events). The Controller only
// gathers their inputs — the Ready KubeFedClusters, the federated object's placement, the previous
// layout, the members' pods — and publishes the result in the RSP's status.replicas, which the
// sync controller applies to the members. Unlike KubeFed, it never edits the federated object.
//
// The algorithm, in the order Distribute applies it:
//
//  1. Each eligible cluster takes its preference by name, else the "*" preference, else it is left
//     out. Clusters are ordered by weight, highest first, then by name.
//  2. In that order each cluster gets its minReplicas while replicas remain.
//  3. The rest is shared in proportion to weight. A cluster whose share would pass its
//     maxReplicas is filled to it and the others share what it could not take; fractions are
//     rounded down and the replicas this leaves go one each, in cluster order, to the clusters
//     whose share had a fraction. Zero-weight clusters take no share, so replicas can stay
//     unassigned.
//  4. A cluster with unschedulable pods is capped at the replicas it can run while steps 2 and 3
//     run; replicas that no other cluster can then take go back to it, bounds permitting.
//  5. Without Rebalance, steps 1–4 give the ideal layout and each cluster keeps its previous
//     count: a scale-up fills the clusters that are below the ideal, by weight; a scale-down
//     takes from the clusters above it, lowest in cluster order first.
package scheduling
