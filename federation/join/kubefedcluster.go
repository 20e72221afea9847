package join

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

var kubeFedClusterResource = v1beta1.SchemeGroupVersion.WithResource("kubefedclusters")

// kubeFedClusters gives the dynamic client the typed methods client-go's generated clients
// have, so KubeFedClusters go through the same apply and delete code as core objects.
type kubeFedClusters struct {
	ri dynamic.ResourceInterface
}

func newKubeFedClusters(dyn dynamic.Interface, namespace string) kubeFedClusters {
	return kubeFedClusters{ri: dyn.Resource(kubeFedClusterResource).Namespace(namespace)}
}

func (k kubeFedClusters) Get(ctx context.Context, name string, opts metav1.GetOptions) (*v1beta1.KubeFedCluster, error) {
	u, err := k.ri.Get(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	return fromUnstructured(u)
}

func (k kubeFedClusters) Create(ctx context.Context, obj *v1beta1.KubeFedCluster, opts metav1.CreateOptions) (*v1beta1.KubeFedCluster, error) {
	u, err := toUnstructured(obj)
	if err != nil {
		return nil, err
	}
	if u, err = k.ri.Create(ctx, u, opts); err != nil {
		return nil, err
	}
	return fromUnstructured(u)
}

func (k kubeFedClusters) Update(ctx context.Context, obj *v1beta1.KubeFedCluster, opts metav1.UpdateOptions) (*v1beta1.KubeFedCluster, error) {
	u, err := toUnstructured(obj)
	if err != nil {
		return nil, err
	}
	if u, err = k.ri.Update(ctx, u, opts); err != nil {
		return nil, err
	}
	return fromUnstructured(u)
}

func (k kubeFedClusters) Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	return k.ri.Delete(ctx, name, opts)
}

func (k kubeFedClusters) List(ctx context.Context, opts metav1.ListOptions) (*v1beta1.KubeFedClusterList, error) {
	ul, err := k.ri.List(ctx, opts)
	if err != nil {
		return nil, err
	}
	list := &v1beta1.KubeFedClusterList{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(ul.UnstructuredContent(), list); err != nil {
		return nil, fmt.Errorf("decoding KubeFedClusters: %w", err)
	}
	return list, nil
}

func toUnstructured(obj *v1beta1.KubeFedCluster) (*unstructured.Unstructured, error) {
	obj = obj.DeepCopy()
	obj.APIVersion, obj.Kind = v1beta1.SchemeGroupVersion.String(), "KubeFedCluster"
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding KubeFedCluster %s: %w", obj.Name, err)
	}
	return &unstructured.Unstructured{Object: m}, nil
}

func fromUnstructured(u *unstructured.Unstructured) (*v1beta1.KubeFedCluster, error) {
	obj := &v1beta1.KubeFedCluster{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		return nil, fmt.Errorf("decoding KubeFedCluster %s: %w", u.GetName(), err)
	}
	return obj, nil
}
