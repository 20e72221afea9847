package publish

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	changesTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "meridian", Subsystem: "publish", Name: "changes_total",
		Help: "Record sets created, updated and deleted in the DNS provider.",
	}, []string{"action"})
	applyErrorsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "meridian", Subsystem: "publish", Name: "apply_errors_total",
		Help: "Failed provider calls; soft ones (throttling, unreachable backend) are retried with backoff.",
	}, []string{"kind"})
	listsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "meridian", Subsystem: "publish", Name: "lists_total",
		Help: "Full reads of the provider's records: reason repair for the periodic drift repair, reload at start and after a failed change.",
	}, []string{"reason"})
	applyDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: "meridian", Subsystem: "publish", Name: "apply_duration_seconds",
		Help:    "Time of one provider ApplyChanges call.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 8),
	})
	ownedSets = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "meridian", Subsystem: "publish", Name: "record_sets",
		Help: "Record sets this controller owns in the provider.",
	})
	conflictsGauge = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: "meridian", Subsystem: "publish", Name: "conflicts",
		Help: "Record sets wanted by a DNSEndpoint but held by someone else, as of the last drift repair.",
	})
)

func init() {
	metrics.Registry.MustRegister(changesTotal, applyErrorsTotal, listsTotal, applyDuration, ownedSets, conflictsGauge)
}
