package cluster

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func TestDebouncerPublishesAfterThreshold(t *testing.T) {
	hc := v1beta1.HealthCheck{FailureThreshold: 3, SuccessThreshold: 2}
	const (
		R = healthReady
		N = healthNotReady
		O = healthOffline
	)
	tests := []struct {
		name     string
		observed []health
		want     []health // published after each observation
	}{
		{"first result is published at once", []health{O}, []health{O}},
		{"ready stays ready below the failure threshold", []health{R, O, O, R, O, O}, []health{R, R, R, R, R, R}},
		{"three failures in a row turn it offline", []health{R, O, O, O}, []health{R, R, R, O}},
		{"not ready and offline are different results", []health{R, O, N, O, N, N, N}, []health{R, R, R, R, R, R, N}},
		{"two successes bring it back", []health{O, R, O, R, R}, []health{O, O, O, O, R}},
		{"a repeated published result resets nothing", []health{R, R, R, O, O, R, O, O, O}, []health{R, R, R, R, R, R, R, R, O}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &debouncer{}
			for i, h := range tt.observed {
				got := d.observe(observation{health: h}, hc).health
				if got != tt.want[i] {
					t.Fatalf("after observation %d (%v): published %v, want %v", i, tt.observed[:i+1], got, tt.want[i])
				}
			}
		})
	}
}

func TestDebouncerKeepsTheMessageOfThePublishedState(t *testing.T) {
	hc := v1beta1.DefaultHealthCheck
	d := &debouncer{}
	d.observe(observation{health: healthReady, message: "ok 1"}, hc)
	if got := d.observe(observation{health: healthOffline, message: "refused"}, hc); got.message != "ok 1" {
		t.Errorf("below the threshold the published message changed to %q", got.message)
	}
	if got := d.observe(observation{health: healthReady, message: "ok 2"}, hc); got.message != "ok 2" {
		t.Errorf("a fresh result of the published state should refresh the message, got %q", got.message)
	}
}

func TestSeededDebouncerNeedsTheThresholdToLeaveThePublishedState(t *testing.T) {
	reason, msg := v1beta1.ReasonClusterReady, "/healthz responded with ok"
	status := v1beta1.KubeFedClusterStatus{Conditions: []v1beta1.ClusterCondition{
		{Type: v1beta1.ClusterReady, Status: corev1.ConditionTrue, Reason: &reason, Message: &msg},
	}}
	d := seededDebouncer(status)
	hc := v1beta1.DefaultHealthCheck
	for i := 1; i < hc.FailureThreshold; i++ {
		if got := d.observe(observation{health: healthOffline}, hc); got.health != healthReady || got.message != msg {
			t.Fatalf("failure %d after a fail-over published %+v; want the seeded Ready state", i, got)
		}
	}
	if got := d.observe(observation{health: healthOffline}, hc); got.health != healthOffline {
		t.Fatalf("failure %d published %v, want offline", hc.FailureThreshold, got.health)
	}

	notReachable := v1beta1.ReasonClusterNotReachable
	status.Conditions[0] = v1beta1.ClusterCondition{Type: v1beta1.ClusterReady, Status: corev1.ConditionFalse, Reason: &notReachable}
	if d := seededDebouncer(status); d.published.health != healthOffline {
		t.Errorf("seeded from ClusterNotReachable: %v, want offline", d.published.health)
	}
	if d := seededDebouncer(v1beta1.KubeFedClusterStatus{}); d.published != nil {
		t.Errorf("no status should seed nothing, got %+v", d.published)
	}
}

func TestHealthCheckDefaults(t *testing.T) {
	var none *v1beta1.ClusterHealthCheckConfig
	if got := none.Effective(); got != v1beta1.DefaultHealthCheck {
		t.Errorf("no config: %+v, want KubeFed's defaults %+v", got, v1beta1.DefaultHealthCheck)
	}
	five := int64(5)
	zero := int64(0)
	got := (&v1beta1.ClusterHealthCheckConfig{FailureThreshold: &five, SuccessThreshold: &zero}).Effective()
	if got.FailureThreshold != 5 || got.SuccessThreshold != 1 || got.Period != v1beta1.DefaultHealthCheck.Period {
		t.Errorf("partial config: %+v; want failure 5, success default 1, period default", got)
	}
}
