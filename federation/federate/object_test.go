package federate

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func typeConfig(name string, target, fed v1beta1.APIResource, propagation v1beta1.PropagationMode) v1beta1.FederatedTypeConfig {
	ftc := v1beta1.FederatedTypeConfig{Spec: v1beta1.FederatedTypeConfigSpec{TargetType: target, FederatedType: fed, Propagation: propagation}}
	ftc.Name, ftc.Namespace = name, "kube-federation-system"
	return ftc
}

func fedType(kind, plural, scope string) v1beta1.APIResource {
	return v1beta1.APIResource{Group: "types.kubefed.io", Version: "v1beta1", Kind: kind, PluralName: plural, Scope: scope}
}

var (
	configMaps = typeConfig("configmaps", v1beta1.APIResource{Version: "v1", Kind: "ConfigMap", PluralName: "configmaps", Scope: "Namespaced"},
		fedType("FederatedConfigMap", "federatedconfigmaps", "Namespaced"), v1beta1.PropagationEnabled)
	namespaces = typeConfig("namespaces", v1beta1.APIResource{Version: "v1", Kind: "Namespace", PluralName: "namespaces", Scope: "Cluster"},
		fedType("FederatedNamespace", "federatednamespaces", "Namespaced"), v1beta1.PropagationEnabled)
	clusterRoles = typeConfig("clusterroles.rbac.authorization.k8s.io",
		v1beta1.APIResource{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", PluralName: "clusterroles", Scope: "Cluster"},
		fedType("FederatedClusterRole", "federatedclusterroles", "Cluster"), v1beta1.PropagationEnabled)
)

func object(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	return &unstructured.Unstructured{Object: fromYAML(t, s)}
}

func TestFederatedObject(t *testing.T) {
	cases := []struct {
		name string
		ftc  v1beta1.FederatedTypeConfig
		obj  string
		want string
	}{
		{"a ConfigMap: same name and namespace, every cluster", configMaps, `
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop, uid: u, resourceVersion: "1"}
data: {a: "1"}
`, `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedConfigMap
metadata: {name: web, namespace: shop}
spec:
  template: {data: {a: "1"}}
  placement: {clusterSelector: {}}
`},
		{"a Namespace: its FederatedNamespace lives in it", namespaces, `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: a, kubernetes.io/metadata.name: shop}}
spec: {finalizers: [kubernetes]}
`, `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedNamespace
metadata: {name: shop, namespace: shop}
spec:
  template: {metadata: {labels: {team: a}}}
  placement: {clusterSelector: {}}
`},
		{"a cluster-scoped kind with a cluster-scoped federated type", clusterRoles, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
`, `
apiVersion: types.kubefed.io/v1beta1
kind: FederatedClusterRole
metadata: {name: reader}
spec:
  template:
    rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
  placement: {clusterSelector: {}}
`},
	}
	for _, tc := range cases {
		got, err := federatedObject(&tc.ftc, object(t, tc.obj))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if want := fromYAML(t, tc.want); !equality.Semantic.DeepEqual(got.Object, want) {
			g, _ := yaml.Marshal(got.Object)
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, g, tc.want)
		}
	}
	odd := clusterRoles
	odd.Spec.FederatedType.Scope = "Namespaced"
	_, err := federatedObject(&odd, object(t, "{kind: ClusterRole, metadata: {name: reader}}"))
	if err == nil || !strings.Contains(err.Error(), "ClusterRole reader is cluster-scoped, but its federated type FederatedClusterRole is namespaced") {
		t.Errorf("cluster-scoped object, namespaced federated type: %v", err)
	}
}

func TestSkipReason(t *testing.T) {
	cases := []struct {
		gk   schema.GroupKind
		obj  string
		want string
	}{
		{schema.GroupKind{Kind: "ConfigMap"}, "{metadata: {name: web}}", ""},
		{schema.GroupKind{Kind: "ConfigMap"}, "{metadata: {name: kube-root-ca.crt}}", "created by Kubernetes in every namespace"},
		{schema.GroupKind{Kind: "Secret"}, "{metadata: {name: kube-root-ca.crt}}", ""},
		{schema.GroupKind{Kind: "ServiceAccount"}, "{metadata: {name: default}}", "created by Kubernetes in every namespace"},
		{schema.GroupKind{Kind: "ServiceAccount"}, "{metadata: {name: app}}", ""},
		{schema.GroupKind{Kind: "Secret"}, "{metadata: {name: t}, type: kubernetes.io/service-account-token}", "a service-account token, which each cluster issues itself"},
		{schema.GroupKind{Kind: "Secret"}, "{metadata: {name: t}, type: Opaque}", ""},
		{schema.GroupKind{Group: "apps", Kind: "ReplicaSet"},
			"{metadata: {name: web-5d8, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u}]}}",
			"owned by Deployment web, which creates it"},
		{schema.GroupKind{Kind: "ConfigMap"}, "{metadata: {name: c, deletionTimestamp: '2026-01-01T00:00:00Z'}}", "being deleted"},
		{schema.GroupKind{Kind: "ConfigMap"}, "{metadata: {name: c, labels: {kubefed.io/managed: 'true'}}}",
			"propagated into this cluster by a federation (label kubefed.io/managed=true)"},
		{schema.GroupKind{Kind: "ConfigMap"}, "{metadata: {name: c, labels: {kubefed.io/managed: 'false'}}}", ""},
	}
	for _, tc := range cases {
		if got := skipReason(tc.gk, object(t, tc.obj)); got != tc.want {
			t.Errorf("skipReason(%s %s) = %q, want %q", tc.gk.Kind, tc.obj, got, tc.want)
		}
	}
}

func TestContentTypes(t *testing.T) {
	disabled := typeConfig("secrets", v1beta1.APIResource{Version: "v1", Kind: "Secret", PluralName: "secrets", Scope: "Namespaced"},
		fedType("FederatedSecret", "federatedsecrets", "Namespaced"), v1beta1.PropagationDisabled)
	deployments := typeConfig("deployments.apps", v1beta1.APIResource{Group: "apps", Version: "v1", Kind: "Deployment", PluralName: "deployments", Scope: "Namespaced"},
		fedType("FederatedDeployment", "federateddeployments", "Namespaced"), v1beta1.PropagationEnabled)
	got := contentTypes([]v1beta1.FederatedTypeConfig{namespaces, disabled, deployments, clusterRoles, configMaps})
	var names []string
	for _, ftc := range got {
		names = append(names, ftc.Name)
	}
	if strings.Join(names, ",") != "configmaps,deployments.apps" {
		t.Errorf("content types %v, want configmaps and deployments.apps (enabled, namespaced, not the namespace itself)", names)
	}
}
