package health

import (
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// metricValue reads a counter or gauge from controller-runtime's registry, where the manager
// would serve it; labels are name, value pairs. A series not yet created reads 0.
func metricValue(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	registerMetrics()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue series
				}
			}
			return m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return 0
}

func totalTargets(t *testing.T) float64 {
	sum := 0.0
	for _, s := range []ProbeState{ProbeUnknown, ProbePassing, ProbeFailing} {
		sum += metricValue(t, "meridian_health_probe_targets", "state", s.String())
	}
	return sum
}

func TestMetricsRegistered(t *testing.T) {
	probeTotal.WithLabelValues("TCP", "success").Add(0)
	probeDuration.WithLabelValues("TCP").Observe(0)
	probeTargets.WithLabelValues("Passing").Add(0)
	registerMetrics()
	registerMetrics() // once only: a second MustRegister would panic
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"meridian_health_probe_total":            {"protocol", "result"},
		"meridian_health_probe_duration_seconds": {"protocol"},
		"meridian_health_probe_targets":          {"state"},
	}
	for _, f := range families {
		labels, ok := want[f.GetName()]
		if !ok {
			continue
		}
		delete(want, f.GetName())
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				t.Errorf("%s has labels %v, want %v", f.GetName(), m.GetLabel(), labels)
			}
			for i, l := range m.GetLabel() {
				if l.GetName() != labels[i] {
					t.Errorf("%s label %d is %q, want %q", f.GetName(), i, l.GetName(), labels[i])
				}
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("not registered: %v", want)
	}
}

func TestResultLabel(t *testing.T) {
	for r, want := range map[result]string{{ok: true}: "success", {}: "failure", {timeout: true}: "timeout"} {
		if got := resultLabel(r); got != want {
			t.Errorf("resultLabel(%+v) = %q, want %q", r, got, want)
		}
	}
}
