package servicedns

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/meridian-dns/meridian/controllers/health"
	"github.com/meridian-dns/meridian/controllers/shards"
)

// readService reads a member's Service and counts the ready endpoints of its EndpointSlices.
func readService(ctx context.Context, r client.Reader, key types.NamespacedName) (shards.Object, bool, error) {
	svc := &corev1.Service{}
	if err := r.Get(ctx, key, svc); err != nil {
		if apierrors.IsNotFound(err) {
			return shards.Object{}, false, nil
		}
		return shards.Object{}, false, fmt.Errorf("reading Service %s: %w", key, err)
	}
	var slices discoveryv1.EndpointSliceList
	if err := r.List(ctx, &slices, client.InNamespace(key.Namespace),
		client.MatchingLabels{discoveryv1.LabelServiceName: key.Name}); err != nil {
		return shards.Object{}, false, fmt.Errorf("listing the EndpointSlices of Service %s: %w", key, err)
	}
	obj := shards.Object{
		ServiceType:    svc.Spec.Type,
		LoadBalancer:   shards.CleanIngress(svc.Status.LoadBalancer.Ingress),
		ReadyEndpoints: health.ReadyEndpoints(slices.Items),
	}
	if obj.ServiceType == "" {
		obj.ServiceType = corev1.ServiceTypeClusterIP // the API server's default
	}
	return obj, true, nil
}

// sliceService is the Service an EndpointSlice belongs to, which is also its record's key.
func sliceService(s *discoveryv1.EndpointSlice) (types.NamespacedName, bool) {
	name := s.Labels[discoveryv1.LabelServiceName]
	return types.NamespacedName{Namespace: s.Namespace, Name: name}, name != ""
}

// serviceChanged passes Service updates that can change a shard: its type or its load balancer.
type serviceChanged struct {
	predicate.TypedFuncs[*corev1.Service]
}

func (serviceChanged) Update(e event.TypedUpdateEvent[*corev1.Service]) bool {
	o, n := e.ObjectOld, e.ObjectNew
	return o.Spec.Type != n.Spec.Type ||
		!apiequality.Semantic.DeepEqual(shards.CleanIngress(o.Status.LoadBalancer.Ingress), shards.CleanIngress(n.Status.LoadBalancer.Ingress))
}

// sliceReadinessChanged passes EndpointSlice updates where the slice gains its first ready
// endpoint or loses its last: the only changes that can move a verdict. Endpoints coming and
// going behind a Service that stays served, the bulk of slice churn, do not get through.
type sliceReadinessChanged struct {
	predicate.TypedFuncs[*discoveryv1.EndpointSlice]
}

func (sliceReadinessChanged) Update(e event.TypedUpdateEvent[*discoveryv1.EndpointSlice]) bool {
	return hasReady(e.ObjectOld) != hasReady(e.ObjectNew)
}

func hasReady(s *discoveryv1.EndpointSlice) bool {
	return health.ReadyEndpoints([]discoveryv1.EndpointSlice{*s}) > 0
}
