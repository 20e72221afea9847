package typeconfig

import (
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/yaml"

	"github.com/meridian-dns/meridian/config/crd"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func embedded(t *testing.T) []*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	crds, err := crd.All()
	if err != nil {
		t.Fatal(err)
	}
	return crds
}

func mustResolve(t *testing.T, arg string) Resource {
	t.Helper()
	r, err := Resolve(arg, fixedResources())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFederatedType(t *testing.T) {
	cases := []struct {
		arg  string
		want v1beta1.APIResource
	}{
		{"widgets", v1beta1.APIResource{Group: "types.kubefed.io", Version: "v1beta1", Kind: "FederatedWidget", PluralName: "federatedwidgets", Scope: "Namespaced"}},
		{"deploy", v1beta1.APIResource{Group: "types.kubefed.io", Version: "v1beta1", Kind: "FederatedDeployment", PluralName: "federateddeployments", Scope: "Namespaced"}},
		// KubeFed: the federated type has the target's scope, except FederatedNamespace.
		{"gadgets", v1beta1.APIResource{Group: "types.kubefed.io", Version: "v1beta1", Kind: "FederatedGadget", PluralName: "federatedgadgets", Scope: "Cluster"}},
		{"ns", v1beta1.APIResource{Group: "types.kubefed.io", Version: "v1beta1", Kind: "FederatedNamespace", PluralName: "federatednamespaces", Scope: "Namespaced"}},
	}
	for _, tc := range cases {
		got, err := FederatedType(mustResolve(t, tc.arg), "types.kubefed.io", "v1beta1")
		if err != nil || got != tc.want {
			t.Errorf("FederatedType(%s) = %+v, %v; want %+v", tc.arg, got, err, tc.want)
		}
	}
	bad := []struct{ group, version, want string }{
		{"types", "v1beta1", `invalid federated group "types"`},
		{"Types.Example.com", "v1beta1", `invalid federated group "Types.Example.com"`},
		{"types.example.com", "beta", `invalid federated version "beta"`},
	}
	for _, tc := range bad {
		_, err := FederatedType(mustResolve(t, "widgets"), tc.group, tc.version)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("FederatedType(%s, %s): %v, want %q", tc.group, tc.version, err, tc.want)
		}
	}
	long := Resource{Kind: "X", Plural: strings.Repeat("x", 60)}
	if _, err := FederatedType(long, "types.kubefed.io", "v1beta1"); err == nil || !strings.Contains(err.Error(), "plural name") {
		t.Errorf("a plural of 69 letters: %v", err)
	}
}

func TestFederable(t *testing.T) {
	cases := []struct{ arg, want string }{
		{"deployments", ""},
		{"widgets", ""},
		{"ns", ""},
		{"federateddeployments", "federateddeployments.types.kubefed.io is part of the federation's own API (group types.kubefed.io): it cannot be federated"},
		{"cs", "componentstatuses cannot be federated: the host serves it without the verbs watch, create, update, patch, delete, which propagation uses"},
	}
	for _, tc := range cases {
		err := federable(mustResolve(t, tc.arg), "types.kubefed.io")
		if (tc.want == "" && err != nil) || (tc.want != "" && (err == nil || err.Error() != tc.want)) {
			t.Errorf("federable(%s) = %v, want %q", tc.arg, err, tc.want)
		}
	}
	if err := federable(mustResolve(t, "widgets"), "example.com"); err == nil {
		t.Errorf("a type in the federated group itself is federable")
	}
	kubefed := Resource{Group: "core.kubefed.io", Plural: "kubefedclusters", Verbs: propagateVerbs}
	if err := federable(kubefed, "types.kubefed.io"); err == nil {
		t.Errorf("KubeFedClusters are federable")
	}
}

func TestFederatedCRDOfADefaultTypeIsTheEmbeddedOne(t *testing.T) {
	crds := embedded(t)
	for _, arg := range []string{"deployments", "configmaps", "ns", "jobs", "secrets"} {
		target := mustResolve(t, arg)
		fed, err := FederatedType(target, "types.kubefed.io", "v1beta1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := federatedCRD(fed, target.Kind, crds)
		if err != nil {
			t.Fatal(err)
		}
		var want *apiextensionsv1.CustomResourceDefinition
		for _, c := range crds {
			if c.Name == "federated"+target.Plural+".types.kubefed.io" {
				want = c
			}
		}
		if want == nil || !equality.Semantic.DeepEqual(got, want) {
			t.Errorf("%s: CRD %s is not the embedded one", arg, got.Name)
		}
		if got == want {
			t.Errorf("%s: the embedded CRD itself is returned, not a copy", arg)
		}
	}
}

func TestFederatedCRDOfAnotherTypeIsARenamedCopy(t *testing.T) {
	crds := embedded(t)
	var base *apiextensionsv1.CustomResourceDefinition
	for _, c := range crds {
		if c.Name == "federatedconfigmaps.types.kubefed.io" {
			base = c
		}
	}
	baseYAML, _ := yaml.Marshal(base)
	cases := []struct {
		arg, group, version, scope string
	}{
		{"widgets", "types.kubefed.io", "v1beta1", "Namespaced"},
		{"gadgets", "types.kubefed.io", "v1beta1", "Cluster"},
		{"statefulsets", "fed.example.com", "v1", "Namespaced"}, // a default type in another group: renamed too
	}
	for _, tc := range cases {
		target := mustResolve(t, tc.arg)
		fed, err := FederatedType(target, tc.group, tc.version)
		if err != nil {
			t.Fatal(err)
		}
		c, err := federatedCRD(fed, target.Kind, crds)
		if err != nil {
			t.Fatal(err)
		}
		kind := "Federated" + target.Kind
		wantNames := apiextensionsv1.CustomResourceDefinitionNames{
			Plural: "federated" + target.Plural, Singular: strings.ToLower(kind), Kind: kind, ListKind: kind + "List", Categories: []string{"federated"},
		}
		if c.Name != "federated"+target.Plural+"."+tc.group || c.Spec.Group != tc.group || string(c.Spec.Scope) != tc.scope ||
			!equality.Semantic.DeepEqual(c.Spec.Names, wantNames) {
			t.Errorf("%s: CRD %s group %s scope %s names %+v", tc.arg, c.Name, c.Spec.Group, c.Spec.Scope, c.Spec.Names)
		}
		if len(c.Spec.Versions) != 1 || c.Spec.Versions[0].Name != tc.version || !c.Spec.Versions[0].Served || !c.Spec.Versions[0].Storage {
			t.Fatalf("%s: versions %+v", tc.arg, c.Spec.Versions)
		}
		v, b := c.Spec.Versions[0], base.Spec.Versions[0]
		props, baseProps := v.Schema.OpenAPIV3Schema.Properties, b.Schema.OpenAPIV3Schema.Properties
		if !equality.Semantic.DeepEqual(props, baseProps) || !equality.Semantic.DeepEqual(v.Subresources, b.Subresources) ||
			!equality.Semantic.DeepEqual(v.AdditionalPrinterColumns, b.AdditionalPrinterColumns) {
			t.Errorf("%s: the schema, subresources or printer columns differ from the base CRD's", tc.arg)
		}
		if want := kind + " propagates " + target.Kind + " objects to member clusters."; v.Schema.OpenAPIV3Schema.Description != want {
			t.Errorf("%s: description %q, want %q", tc.arg, v.Schema.OpenAPIV3Schema.Description, want)
		}
		out, _ := yaml.Marshal(c)
		if s := string(out); strings.Contains(strings.ToLower(s), "configmap") {
			t.Errorf("%s: the renamed CRD still mentions ConfigMap:\n%s", tc.arg, s)
		}
	}
	if again, _ := yaml.Marshal(base); string(again) != string(baseYAML) {
		t.Errorf("renaming changed the embedded CRD")
	}
}

func TestNewTypeConfig(t *testing.T) {
	cases := []struct {
		arg, name string
		target    v1beta1.APIResource
	}{
		{"widgets", "widgets.example.com", v1beta1.APIResource{Group: "example.com", Version: "v1", Kind: "Widget", PluralName: "widgets", Scope: "Namespaced"}},
		{"deploy", "deployments.apps", v1beta1.APIResource{Group: "apps", Version: "v1", Kind: "Deployment", PluralName: "deployments", Scope: "Namespaced"}},
		{"cm", "configmaps", v1beta1.APIResource{Version: "v1", Kind: "ConfigMap", PluralName: "configmaps", Scope: "Namespaced"}},
		{"ns", "namespaces", v1beta1.APIResource{Version: "v1", Kind: "Namespace", PluralName: "namespaces", Scope: "Cluster"}},
	}
	for _, tc := range cases {
		target := mustResolve(t, tc.arg)
		fed, _ := FederatedType(target, "types.kubefed.io", "v1beta1")
		ftc := newTypeConfig(target, fed, "fed")
		if ftc.Name != tc.name || ftc.Namespace != "fed" || ftc.Kind != "FederatedTypeConfig" || ftc.APIVersion != "core.kubefed.io/v1beta1" {
			t.Errorf("%s: FederatedTypeConfig %s/%s (%s %s)", tc.arg, ftc.Namespace, ftc.Name, ftc.APIVersion, ftc.Kind)
		}
		if ftc.Spec.TargetType != tc.target || ftc.Spec.FederatedType != fed || ftc.Spec.Propagation != v1beta1.PropagationEnabled {
			t.Errorf("%s: spec %+v", tc.arg, ftc.Spec)
		}
	}
}

func TestFromTypeConfigResolvesLikeTheServedType(t *testing.T) {
	target := mustResolve(t, "widgets")
	fed, _ := FederatedType(target, "types.kubefed.io", "v1beta1")
	r := fromTypeConfig(*newTypeConfig(target, fed, "fed"))
	for _, arg := range []string{"widgets", "Widget", "widget", "widgets.example.com", "widgets.v1.example.com"} {
		got, err := Resolve(arg, []Resource{r})
		if err != nil || got.Name() != "widgets.example.com" {
			t.Errorf("Resolve(%q) among FederatedTypeConfig targets = %s, %v", arg, got.Name(), err)
		}
	}
}
