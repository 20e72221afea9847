package cluster

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// health is what one probe found.
type health int

const (
	healthReady     health = iota // /healthz answered ok
	healthNotReady                // /healthz answered, but not ok
	healthOffline                 // the API server could not be reached
	healthMalformed               // no client could be built from the KubeFedCluster and its Secret
)

// observation is one probe's result with the details that go into conditions and status.
type observation struct {
	health  health
	message string // the Ready condition's message: what /healthz said, or the error
	version string // the member's gitVersion, when reachable
	// topology is nil when the nodes were not listed (the member was not ready).
	topology *topology
}

// debouncer publishes a new health only after the configured number of identical results in a
// row, as KubeFed did: a Ready member needs FailureThreshold failures to turn not ready, a
// failing one SuccessThreshold successes to come back. Its first observation is published at
// once, so a newly joined cluster gets a status on the first probe.
type debouncer struct {
	published *observation
	last      health
	run       int
}

// observe records o and returns the observation to publish.
func (d *debouncer) observe(o observation, hc v1beta1.HealthCheck) observation {
	if d.published == nil || o.health != d.last {
		d.last, d.run = o.health, 1
	} else {
		d.run++
	}
	switch {
	case d.published == nil, o.health == d.published.health, d.run >= threshold(o.health, hc):
		d.published = &o
	}
	return *d.published
}

func threshold(h health, hc v1beta1.HealthCheck) int {
	if h == healthReady {
		return hc.SuccessThreshold
	}
	return hc.FailureThreshold
}

// readyStatus is the Ready condition's status for a health.
func (h health) readyStatus() corev1.ConditionStatus {
	if h == healthReady {
		return corev1.ConditionTrue
	}
	return corev1.ConditionFalse
}

// seededDebouncer starts from a published status, or empty when there is none.
func seededDebouncer(s v1beta1.KubeFedClusterStatus) *debouncer {
	ready := findCondition(s.Conditions, v1beta1.ClusterReady)
	if ready == nil {
		return &debouncer{}
	}
	o := observation{health: healthNotReady}
	switch {
	case ready.Status == corev1.ConditionTrue:
		o.health = healthReady
	case ready.Reason != nil && *ready.Reason == v1beta1.ReasonClusterNotReachable:
		o.health = healthOffline
	case ready.Reason != nil && *ready.Reason == v1beta1.ReasonClusterConfigMalformed:
		o.health = healthMalformed
	}
	if ready.Message != nil {
		o.message = *ready.Message
	}
	return &debouncer{published: &o, last: o.health}
}
