package route53

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// requestsTotal counts every API call, retries included, by operation and outcome ("OK", the
// Route 53 error code, or "NetworkError"), so throttling and call volume show per kind.
var requestsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "meridian", Subsystem: "route53", Name: "requests_total",
	Help: "Route 53 API calls by operation and outcome code, retries included.",
}, []string{"operation", "code"})

var registerOnce sync.Once

// registerMetrics is called by New, so that merely importing the package registers nothing.
func registerMetrics() {
	registerOnce.Do(func() { metrics.Registry.MustRegister(requestsTotal) })
}
