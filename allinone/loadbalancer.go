package allinone

import (
	"context"
	"fmt"
	"io"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
)

// loadBalancer plays a cloud's load-balancer controller for one local member cluster, which has
// none: every Service of type LoadBalancer gets the cluster's address in its status, as a cloud
// would report its load balancer's IP. Meridian reads that status like any other.
type loadBalancer struct {
	cluster string
	client  kubernetes.Interface
	address string
	log     io.Writer
}

// run assigns addresses until ctx ends; it returns once the Services have been listed.
func (lb *loadBalancer) run(ctx context.Context) error {
	factory := informers.NewSharedInformerFactory(lb.client, 0)
	informer := factory.Core().V1().Services().Informer()
	_, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { lb.assign(ctx, obj.(*corev1.Service)) },
		UpdateFunc: func(_, obj any) { lb.assign(ctx, obj.(*corev1.Service)) },
	})
	if err != nil {
		return err
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		return fmt.Errorf("cluster %s: listing Services: %w", lb.cluster, ctx.Err())
	}
	return nil
}

func (lb *loadBalancer) assign(ctx context.Context, svc *corev1.Service) {
	if !lb.wants(svc) {
		return
	}
	services := lb.client.CoreV1().Services(svc.Namespace)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := services.Get(ctx, svc.Name, metav1.GetOptions{})
		if err != nil || !lb.wants(current) {
			return err
		}
		current.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: lb.address}}
		_, err = services.UpdateStatus(ctx, current, metav1.UpdateOptions{})
		return err
	})
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(lb.log, "cluster %s: setting the load-balancer address of Service %s/%s: %v\n", lb.cluster, svc.Namespace, svc.Name, err)
	}
}

// wants reports whether svc is a LoadBalancer Service without exactly the cluster's address.
func (lb *loadBalancer) wants(svc *corev1.Service) bool {
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return false
	}
	want := []corev1.LoadBalancerIngress{{IP: lb.address}}
	return !slices.EqualFunc(svc.Status.LoadBalancer.Ingress, want, func(a, b corev1.LoadBalancerIngress) bool {
		return a.IP == b.IP && a.Hostname == b.Hostname
	})
}
