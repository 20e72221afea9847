package typeconfig_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/typeconfig"
)

func TestEnableACustomResource(t *testing.T) {
	out := enable(t, "widgets.example.com")
	want := []string{
		`✓ host "host": CustomResourceDefinition federatedwidgets.types.kubefed.io created`,
		`✓ host "host": CustomResourceDefinition federatedwidgets.types.kubefed.io established`,
		`✓ host "host": FederatedTypeConfig kube-federation-system/widgets.example.com created`,
		`widgets.example.com enabled: FederatedWidget objects (types.kubefed.io/v1beta1) are propagated to the member clusters as Widget`,
	}
	for _, line := range want {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	c := getCRD(t, "federatedwidgets.types.kubefed.io")
	if c == nil || !established(c) {
		t.Fatalf("CRD federatedwidgets.types.kubefed.io missing or not established: %+v", c)
	}
	names := apiextensionsv1.CustomResourceDefinitionNames{
		Plural: "federatedwidgets", Singular: "federatedwidget", Kind: "FederatedWidget", ListKind: "FederatedWidgetList", Categories: []string{"federated"},
	}
	if c.Spec.Group != "types.kubefed.io" || c.Spec.Scope != apiextensionsv1.NamespaceScoped || c.Spec.Versions[0].Name != "v1beta1" ||
		!slices.Equal(c.Spec.Names.Categories, names.Categories) || c.Spec.Names.Kind != names.Kind || c.Spec.Names.ListKind != names.ListKind ||
		c.Spec.Names.Singular != names.Singular || c.Spec.Names.Plural != names.Plural {
		t.Errorf("CRD spec group %s scope %s version %s names %+v", c.Spec.Group, c.Spec.Scope, c.Spec.Versions[0].Name, c.Spec.Names)
	}
	ftc := getTypeConfig(t, "widgets.example.com")
	if ftc == nil {
		t.Fatal("no FederatedTypeConfig widgets.example.com")
	}
	wantSpec := v1beta1.FederatedTypeConfigSpec{
		TargetType:    v1beta1.APIResource{Group: "example.com", Version: "v1", Kind: "Widget", PluralName: "widgets", Scope: "Namespaced"},
		FederatedType: v1beta1.APIResource{Group: "types.kubefed.io", Version: "v1beta1", Kind: "FederatedWidget", PluralName: "federatedwidgets", Scope: "Namespaced"},
		Propagation:   v1beta1.PropagationEnabled,
	}
	if ftc.Spec.TargetType != wantSpec.TargetType || ftc.Spec.FederatedType != wantSpec.FederatedType || ftc.Spec.Propagation != wantSpec.Propagation {
		t.Errorf("FederatedTypeConfig spec %+v, want %+v", ftc.Spec, wantSpec)
	}

	// The API server takes a FederatedWidget with a template, placement and overrides.
	fw := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "types.kubefed.io/v1beta1", "kind": "FederatedWidget",
		"metadata": map[string]any{"name": "w1", "namespace": "default"},
		"spec": map[string]any{
			"template":  map[string]any{"spec": map[string]any{"size": int64(3)}},
			"placement": map[string]any{"clusterSelector": map[string]any{}},
			"overrides": []any{map[string]any{"clusterName": "member1", "clusterOverrides": []any{map[string]any{"path": "/spec/size", "value": int64(1)}}}},
		},
	}}
	api := dyn(t).Resource(typeconfig.GVR(wantSpec.FederatedType)).Namespace("default")
	if _, err := api.Create(context.Background(), fw, metav1.CreateOptions{}); err != nil {
		t.Errorf("creating a FederatedWidget: %v", err)
	}
	must(t, api.Delete(context.Background(), "w1", metav1.DeleteOptions{}))

	// Enabling again by another of its names changes nothing.
	out = enable(t, "wdg")
	for _, line := range []string{"CustomResourceDefinition federatedwidgets.types.kubefed.io is up to date", "FederatedTypeConfig kube-federation-system/widgets.example.com is up to date"} {
		if !strings.Contains(out, line) {
			t.Errorf("enabling again: output lacks %q:\n%s", line, out)
		}
	}
}

func TestEnableADefaultType(t *testing.T) {
	before := getCRD(t, "federateddeployments.types.kubefed.io")
	out := enable(t, "Deployment")
	for _, line := range []string{
		`✓ host "host": CustomResourceDefinition federateddeployments.types.kubefed.io is up to date`,
		`✓ host "host": FederatedTypeConfig kube-federation-system/deployments.apps created`,
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, "join") {
		t.Errorf("a default type needs no new join, but the output says:\n%s", out)
	}
	after := getCRD(t, "federateddeployments.types.kubefed.io")
	if after.ResourceVersion != before.ResourceVersion {
		t.Errorf("the installed CRD was rewritten")
	}
	ftc := getTypeConfig(t, "deployments.apps")
	want := v1beta1.APIResource{Group: "apps", Version: "v1", Kind: "Deployment", PluralName: "deployments", Scope: "Namespaced"}
	if ftc == nil || ftc.Spec.TargetType != want || ftc.Spec.FederatedType.Kind != "FederatedDeployment" {
		t.Errorf("FederatedTypeConfig deployments.apps: %+v", ftc)
	}
}

func TestEnableDryRunCreatesNothing(t *testing.T) {
	var out bytes.Buffer
	objs, err := typeconfig.Enable(context.Background(), typeconfig.EnableOptions{
		HostOptions: typeconfig.HostOptions{Kubeconfig: requireStack(t).KubeconfigPath, Progress: &out}, // the current context
		Type:        "gadgets",
		Federation:  typeconfig.Federation{DryRun: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("%d objects, want the CRD and the FederatedTypeConfig", len(objs))
	}
	c, ok1 := objs[0].(*apiextensionsv1.CustomResourceDefinition)
	ftc, ok2 := objs[1].(*v1beta1.FederatedTypeConfig)
	if !ok1 || !ok2 {
		t.Fatalf("objects %T, %T", objs[0], objs[1])
	}
	// As in KubeFed, the federated type of a cluster-scoped kind is cluster-scoped.
	if c.Name != "federatedgadgets.types.kubefed.io" || c.Spec.Scope != apiextensionsv1.ClusterScoped || ftc.Name != "gadgets.example.com" ||
		ftc.Spec.FederatedType.Scope != "Cluster" || ftc.Spec.TargetType.Scope != "Cluster" {
		t.Errorf("CRD %s (%s), FederatedTypeConfig %s %+v", c.Name, c.Spec.Scope, ftc.Name, ftc.Spec)
	}
	if out.Len() > 0 {
		t.Errorf("a dry run reported progress:\n%s", out.String())
	}
	if getCRD(t, "federatedgadgets.types.kubefed.io") != nil || getTypeConfig(t, "gadgets.example.com") != nil {
		t.Errorf("a dry run created objects")
	}
}

func TestEnableErrors(t *testing.T) {
	cases := []struct {
		opts typeconfig.EnableOptions
		want string
	}{
		{typeconfig.EnableOptions{Type: "gizmoz"}, `enable gizmoz: the host serves no resource type "gizmoz"; did you mean gizmos.example.com? ` +
			`(kubectl api-resources lists the types it serves)`},
		{typeconfig.EnableOptions{Type: "frobnicators"}, `enable frobnicators: the host serves no resource type "frobnicators" (kubectl api-resources`},
		{typeconfig.EnableOptions{Type: "events"}, `enable events: type "events" is ambiguous: it names events (v1 Event), events.events.k8s.io (events.k8s.io/v1 Event)`},
		{typeconfig.EnableOptions{Type: "federatedwidgets"}, `it cannot be federated`},
		{typeconfig.EnableOptions{Type: "componentstatuses"}, `enable componentstatuses: componentstatuses cannot be federated: the host serves it without the verbs`},
		{typeconfig.EnableOptions{Type: "gizmos", Federation: typeconfig.Federation{Group: "fed"}}, `invalid federated group "fed"`},
		{typeconfig.EnableOptions{Type: "gizmos", HostOptions: typeconfig.HostOptions{Namespace: "nowhere"}},
			"enable gizmos.example.com: namespace nowhere does not exist in the host: create it (kubectl create namespace nowhere) or name another with --kubefed-namespace"},
		{typeconfig.EnableOptions{Type: "gizmos", HostOptions: typeconfig.HostOptions{Context: "elsewhere"}},
			`enable gizmos: cluster context "elsewhere" is not in the kubeconfig`},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		o := tc.opts
		o.Kubeconfig, o.Progress = requireStack(t).KubeconfigPath, &out
		if o.Context == "" {
			o.Context = "host"
		}
		_, err := typeconfig.Enable(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("enable %s: error\n %v\nwant one containing\n %s", o.Type, err, tc.want)
		}
		if out.Len() > 0 {
			t.Errorf("enable %s: progress although nothing was done:\n%s", o.Type, out.String())
		}
	}
	if getCRD(t, "federatedgizmos.types.kubefed.io") != nil {
		t.Errorf("a failed enable created the CRD")
	}
}
