package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/version"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// probe checks a member once: /healthz (within hc.Timeout), then, if it answered, /version and the
// nodes' topology labels from the member's watch cache.
func probe(ctx context.Context, m *Member, hc v1beta1.HealthCheck) observation {
	start := time.Now()
	o := probeHealthz(ctx, m, hc.Timeout)
	probeDuration.WithLabelValues(m.Name).Observe(time.Since(start).Seconds())
	if o.health == healthOffline {
		return o
	}
	o.version = serverVersion(ctx, m, hc.Timeout)
	if o.health == healthReady {
		o.topology = nodeTopology(ctx, m, hc.Timeout)
	}
	return o
}

func probeHealthz(ctx context.Context, m *Member, timeout time.Duration) observation {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := m.Probe.Discovery().RESTClient().Get().AbsPath("/healthz").Do(ctx).Raw()
	var status apierrors.APIStatus
	switch {
	case err == nil && strings.TrimSpace(string(body)) == "ok":
		return observation{health: healthReady, message: "/healthz responded with ok"}
	case err == nil:
		return observation{health: healthNotReady, message: "/healthz responded without ok: " + shorten(string(body))}
	case errors.As(err, &status):
		// The server answered, just not with ok (500 while starting, 401/403 for bad credentials).
		return observation{health: healthNotReady, message: "/healthz responded without ok: " + shorten(err.Error())}
	default:
		return observation{health: healthOffline, message: "Cluster is not reachable: " + shorten(err.Error())}
	}
}

// serverVersion returns the member's gitVersion, or "" if it could not be read this time.
func serverVersion(ctx context.Context, m *Member, timeout time.Duration) string {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := m.Probe.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
	var info version.Info
	if err != nil || json.Unmarshal(body, &info) != nil {
		return ""
	}
	return info.GitVersion
}

// nodeTopology reads the nodes from the member's cache (the first call starts the node informer
// and waits for it to fill), or returns nil when they cannot be read within the timeout.
func nodeTopology(ctx context.Context, m *Member, timeout time.Duration) *topology {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var nodes corev1.NodeList
	if err := m.GetCache().List(ctx, &nodes); err != nil {
		return nil
	}
	t := topologyOf(nodes.Items)
	return &t
}

// shorten keeps messages readable in kubectl output.
func shorten(s string) string {
	const max = 300
	s = strings.TrimSpace(s)
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
