package ingressdns

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/meridian-dns/meridian/controllers/shards"
)

// readIngress reads a member's Ingress.
func readIngress(ctx context.Context, r client.Reader, key types.NamespacedName) (shards.Object, bool, error) {
	ing := &networkingv1.Ingress{}
	if err := r.Get(ctx, key, ing); err != nil {
		if apierrors.IsNotFound(err) {
			return shards.Object{}, false, nil
		}
		return shards.Object{}, false, fmt.Errorf("reading Ingress %s: %w", key, err)
	}
	return shards.Object{LoadBalancer: loadBalancerOf(ing)}, true, nil
}

// loadBalancerOf is an Ingress's load balancer in the Service form the record's status has,
// as KubeFed kept it.
func loadBalancerOf(ing *networkingv1.Ingress) []corev1.LoadBalancerIngress {
	in := make([]corev1.LoadBalancerIngress, 0, len(ing.Status.LoadBalancer.Ingress))
	for _, e := range ing.Status.LoadBalancer.Ingress {
		in = append(in, corev1.LoadBalancerIngress{IP: e.IP, Hostname: e.Hostname})
	}
	return shards.CleanIngress(in)
}

// probeHost is the Host header of HTTP(S) probes: ingress controllers route by host, so the
// address alone would reach their default backend. The first host that is not a wildcard.
func probeHost(hosts []string) string {
	for _, h := range hosts {
		if !strings.HasPrefix(h, "*.") {
			return h
		}
	}
	return ""
}

// ingressChanged passes Ingress updates that change its load balancer.
type ingressChanged struct {
	predicate.TypedFuncs[*networkingv1.Ingress]
}

func (ingressChanged) Update(e event.TypedUpdateEvent[*networkingv1.Ingress]) bool {
	return !apiequality.Semantic.DeepEqual(loadBalancerOf(e.ObjectOld), loadBalancerOf(e.ObjectNew))
}
