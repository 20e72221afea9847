package join

import (
	"reflect"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPurgeOrder(t *testing.T) {
	all := []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "namespaces", Kind: "Namespace", Verbs: all},
			{Name: "configmaps", Kind: "ConfigMap", Namespaced: true, Verbs: all},
			{Name: "pods", Kind: "Pod", Namespaced: true, Verbs: all},
			{Name: "pods/status", Kind: "Pod", Namespaced: true, Verbs: []string{"get", "patch", "update"}},
			{Name: "bindings", Kind: "Binding", Namespaced: true, Verbs: []string{"create"}},
			{Name: "componentstatuses", Kind: "ComponentStatus", Verbs: []string{"get", "list"}},
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			{Name: "deployments", Kind: "Deployment", Namespaced: true, Verbs: all},
			{Name: "deployments/scale", Kind: "Scale", Namespaced: true, Verbs: all},
		}},
		{GroupVersion: "rbac.authorization.k8s.io/v1", APIResources: []metav1.APIResource{
			{Name: "clusterroles", Kind: "ClusterRole", Verbs: all},
		}},
		{GroupVersion: "bad/group/version", APIResources: []metav1.APIResource{{Name: "x", Kind: "X", Verbs: all}}},
	}
	var got []string
	for _, p := range purgeOrder(lists) {
		got = append(got, p.kind+" "+p.gvr.String())
	}
	want := []string{
		"ConfigMap /v1, Resource=configmaps",
		"Deployment.apps apps/v1, Resource=deployments",
		"Pod /v1, Resource=pods",
		"ClusterRole.rbac.authorization.k8s.io rbac.authorization.k8s.io/v1, Resource=clusterroles",
		"Namespace /v1, Resource=namespaces",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order\n got %q\nwant %q", got, want)
	}
	if len(purgeOrder(nil)) != 0 {
		t.Error("resources from no discovery")
	}
}
