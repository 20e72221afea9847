package health

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Labels are bounded: protocol (3 values), result (3) and state (3). Per-address or per-record
// labels would grow with every Service; which shard fails is in the records' conditions.
var (
	probeTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "meridian",
		Subsystem: "health",
		Name:      "probe_total",
		Help:      "Active health probes of shard addresses, by protocol and result (success, failure, timeout).",
	}, []string{"protocol", "result"})
	probeDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "meridian",
		Subsystem: "health",
		Name:      "probe_duration_seconds",
		Help:      "Time taken by one active health probe of a shard address.",
		Buckets:   []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"protocol"})
	probeTargets = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "meridian",
		Subsystem: "health",
		Name:      "probe_targets",
		Help:      "Addresses being probed, by debounced state (Unknown, Passing, Failing).",
	}, []string{"state"})

	registerOnce sync.Once
)

// registerMetrics adds the package's metrics to controller-runtime's registry, which the
// manager serves on /metrics.
func registerMetrics() {
	registerOnce.Do(func() { metrics.Registry.MustRegister(probeTotal, probeDuration, probeTargets) })
}

func resultLabel(r result) string {
	switch {
	case r.ok:
		return "success"
	case r.timeout:
		return "timeout"
	default:
		return "failure"
	}
}
