package env

import (
	"context"
	"fmt"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/meridian-dns/meridian/config/crd"
)

// InstallCRDs creates Meridian's CRDs (config/crd, as `make generate` wrote them) in the cluster,
// replacing older versions, and waits until the API server serves them.
func (c *Cluster) InstallCRDs(ctx context.Context) error {
	return InstallCRDs(ctx, c.RESTConfig(), c.Name)
}

// InstallCRDs installs Meridian's CRDs in the cluster named name (for messages) that cfg reaches.
func InstallCRDs(ctx context.Context, cfg *rest.Config, name string) error {
	crds, err := crd.All()
	if err != nil {
		return err
	}
	client, err := apiextensions.NewForConfig(cfg)
	if err != nil {
		return err
	}
	api := client.ApiextensionsV1().CustomResourceDefinitions()
	for _, want := range crds {
		got, err := api.Create(ctx, want, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			if got, err = api.Get(ctx, want.Name, metav1.GetOptions{}); err == nil {
				want.ResourceVersion = got.ResourceVersion
				_, err = api.Update(ctx, want, metav1.UpdateOptions{})
			}
		}
		if err != nil {
			return fmt.Errorf("cluster %s: installing CRD %s: %w", name, want.Name, err)
		}
	}
	for _, want := range crds {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := api.Get(ctx, want.Name, metav1.GetOptions{})
			return err == nil && established(got), nil
		})
		if err != nil {
			return fmt.Errorf("cluster %s: CRD %s not established: %w", name, want.Name, err)
		}
	}
	return nil
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}
