package clouddns

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// requestsTotal counts API requests, so that operators can see throttling (code 429) and
// compare the call rate with the project's quota.
var requestsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "meridian", Subsystem: "clouddns", Name: "requests_total",
	Help: "Cloud DNS API requests by method and outcome: the HTTP status, or error when none came back.",
}, []string{"method", "code"})

func init() {
	metrics.Registry.MustRegister(requestsTotal)
}
