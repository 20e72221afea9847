package cluster

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	clusterReady = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "meridian",
		Subsystem: "cluster",
		Name:      "ready",
		Help:      "1 when the member cluster's published Ready condition is True, else 0.",
	}, []string{"cluster"})
	probeDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "meridian",
		Subsystem: "cluster",
		Name:      "probe_duration_seconds",
		Help:      "Time taken by one /healthz probe of a member cluster.",
		Buckets:   []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"cluster"})

	registerOnce sync.Once
)

// registerMetrics adds the package's metrics to controller-runtime's registry, which the
// manager serves on /metrics.
func registerMetrics() {
	registerOnce.Do(func() { metrics.Registry.MustRegister(clusterReady, probeDuration) })
}

// forgetMetrics drops a departed member's series.
func forgetMetrics(name string) {
	clusterReady.DeleteLabelValues(name)
	probeDuration.DeleteLabelValues(name)
}
