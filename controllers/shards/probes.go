package shards

import (
	"context"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/meridian-dns/meridian/controllers/health"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

// Owner is a record's owner name in the Prober: its kind and key, so that both controllers can
// share one Prober and each transition finds its way back to its controller.
func Owner(kind string, key types.NamespacedName) string {
	return kind + " " + key.String()
}

func parseOwner(owner string) (kind string, key types.NamespacedName, ok bool) {
	kind, rest, ok1 := strings.Cut(owner, " ")
	ns, name, ok2 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || kind == "" || name == "" {
		return "", types.NamespacedName{}, false
	}
	return kind, types.NamespacedName{Namespace: ns, Name: name}, true
}

// CheckOf is the Prober's Check for spec.healthCheck; host is the HTTP Host header and TLS
// server name ("" for the address itself). Unset durations and thresholds take the Prober's
// defaults, which the API server has normally filled in already.
func CheckOf(hc *v1alpha1.HealthCheck, host string) health.Check {
	c := health.Check{
		Protocol:   health.Protocol(hc.Protocol),
		Port:       int(hc.Port),
		Path:       hc.Path,
		Host:       host,
		Thresholds: health.Thresholds{Failure: int(hc.FailureThreshold), Success: int(hc.SuccessThreshold)},
	}
	if c.Protocol == "" {
		c.Protocol = health.ProtocolHTTP
	}
	if hc.Interval != nil {
		c.Interval = hc.Interval.Duration
	}
	if hc.Timeout != nil {
		c.Timeout = hc.Timeout.Duration
	}
	return c
}

// Targets lists what to probe for a record with a health check: every load-balancer IP and
// hostname of every shard that is healthy on everything but the probes. Shards that are out for
// another reason are not probed: they have nothing the probes could bring back.
func Targets(in Input, check health.Check) []health.Target {
	in.HealthCheck, in.Probes = false, nil
	var out []health.Target
	for _, s := range shardsOf(in) {
		if !s.Verdict.Healthy {
			continue
		}
		for _, a := range addresses(s.Entry.LoadBalancer.Ingress) {
			out = append(out, health.Target{Cluster: s.Entry.Cluster, Address: a, Check: check})
		}
	}
	return out
}

// probeEventBuffer absorbs bursts of transitions (many records failing at once) so probe
// goroutines rarely wait on a busy controller.
const probeEventBuffer = 256

// ProbeEvents routes the Prober's transitions to the controller of the record they belong to,
// as GenericEvents on a controller-runtime channel source.
type ProbeEvents struct {
	mu       sync.Mutex
	channels map[string]chan event.GenericEvent
}

// NewProbeEvents returns a router with no controllers; give its Notify to health.NewProber.
func NewProbeEvents() *ProbeEvents {
	return &ProbeEvents{channels: map[string]chan event.GenericEvent{}}
}

// Source returns the source that enqueues the records of kind (as named in Owner) whose probes
// changed state. Call it once per kind.
func (p *ProbeEvents) Source(kind string) source.Source {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := make(chan event.GenericEvent, probeEventBuffer)
	p.channels[kind] = ch
	return source.Channel[client.Object](ch, &handler.EnqueueRequestForObject{})
}

// Notify is the Prober's onChange: it enqueues the transition's record, or gives up when ctx
// ends (the target was removed or the Prober stopped).
func (p *ProbeEvents) Notify(ctx context.Context, t health.Transition) {
	kind, key, ok := parseOwner(t.Owner)
	if !ok {
		return
	}
	p.mu.Lock()
	ch := p.channels[kind]
	p.mu.Unlock()
	if ch == nil {
		return
	}
	obj := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}
	select {
	case ch <- event.GenericEvent{Object: obj}:
	case <-ctx.Done():
	}
}
