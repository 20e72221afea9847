package join

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// federatedSelector selects what KubeFed and Meridian propagated into a member.
var federatedSelector = LabelFederated + "=true"

// purgeable is a kind unjoin empties of federated objects.
type purgeable struct {
	gvr        schema.GroupVersionResource
	kind       string // for progress lines: "ConfigMap", "Deployment.apps"
	namespaced bool
}

// purgeOrder picks from discovery the resources that can be listed and deleted, namespaced
// ones first so a federated Namespace is deleted after what was federated into it, each group
// sorted by name for a stable output. Subresources (pods/status) are not objects of their own.
func purgeOrder(lists []*metav1.APIResourceList) []purgeable {
	var out []purgeable
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") || !slices.Contains(r.Verbs, "list") || !slices.Contains(r.Verbs, "delete") {
				continue
			}
			kind := r.Kind
			if gv.Group != "" {
				kind += "." + gv.Group
			}
			out = append(out, purgeable{gvr: gv.WithResource(r.Name), kind: kind, namespaced: r.Namespaced})
		}
	}
	slices.SortStableFunc(out, func(a, b purgeable) int {
		if a.namespaced != b.namespaced {
			if a.namespaced {
				return -1
			}
			return 1
		}
		return strings.Compare(a.kind, b.kind)
	})
	return out
}

// purgeFederated deletes every object labelled kubefed.io/managed=true in the member and prints
// a count per kind. An aggregated API that is down fails discovery of its group only: the other
// groups are still emptied, and the error says which were not.
func purgeFederated(ctx context.Context, c *conn, p progress) error {
	lists, discoveryErr := c.kube.Discovery().ServerPreferredResourcesWithContext(ctx)
	if discoveryErr != nil && !discovery.IsGroupDiscoveryFailedError(discoveryErr) {
		return fmt.Errorf("discovering the member's resources: %w", discoveryErr)
	}
	var errs []error
	if discoveryErr != nil {
		errs = append(errs, fmt.Errorf("not emptied, as discovery failed: %w", discoveryErr))
	}
	total := 0
	for _, res := range purgeOrder(lists) {
		n, err := purgeResource(ctx, c, res)
		if err != nil {
			errs = append(errs, err)
		}
		if n > 0 {
			c.printf(p, "%d %s labelled %s deleted", n, res.kind, federatedSelector)
			total += n
		}
	}
	if total == 0 {
		c.printf(p, "no objects labelled %s", federatedSelector)
	}
	if len(errs) > 0 {
		return fmt.Errorf("deleting federated objects: %w", errors.Join(errs...))
	}
	return nil
}

// purgeResource deletes the federated objects of one resource, across all namespaces.
func purgeResource(ctx context.Context, c *conn, res purgeable) (int, error) {
	api := c.dyn.Resource(res.gvr)
	list, err := api.List(ctx, metav1.ListOptions{LabelSelector: federatedSelector})
	if err != nil {
		return 0, fmt.Errorf("listing %s: %w", res.kind, err)
	}
	policy := metav1.DeletePropagationBackground
	n := 0
	for _, obj := range list.Items {
		if obj.GetDeletionTimestamp() != nil {
			continue
		}
		err := api.Namespace(obj.GetNamespace()).Delete(ctx, obj.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
		if err != nil && !apierrors.IsNotFound(err) {
			return n, fmt.Errorf("deleting %s %s: %w", res.kind, key(obj.GetNamespace(), obj.GetName()), err)
		}
		n++
	}
	return n, nil
}

func key(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}
