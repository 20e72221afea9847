package join

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

var typeConfigResource = v1beta1.SchemeGroupVersion.WithResource("federatedtypeconfigs")

// enabledTargets returns the target types of the FederatedTypeConfigs in the host's namespace,
// whose member objects Meridian will create, so the member's ClusterRole can grant them. A host
// without the FederatedTypeConfig CRD has none.
func (c *conn) enabledTargets(ctx context.Context, namespace string) ([]v1beta1.APIResource, error) {
	u, err := c.dyn.Resource(typeConfigResource).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cluster context %q: listing FederatedTypeConfigs in %s: %w", c.context, namespace, err)
	}
	list := &v1beta1.FederatedTypeConfigList{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), list); err != nil {
		return nil, fmt.Errorf("cluster context %q: decoding FederatedTypeConfigs in %s: %w", c.context, namespace, err)
	}
	targets := make([]v1beta1.APIResource, len(list.Items))
	for i, ftc := range list.Items {
		targets[i] = ftc.Spec.TargetType
	}
	return targets, nil
}
