package typeconfig_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/typeconfig"
)

func disable(t *testing.T, typ string, deleteCRD bool) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := typeconfig.Disable(context.Background(), typeconfig.DisableOptions{HostOptions: hostOptions(t, &out), Type: typ, DeleteCRD: deleteCRD})
	return out.String(), err
}

func TestDisableTurnsPropagationOff(t *testing.T) {
	enable(t, "configmaps")
	out, err := disable(t, "ConfigMap", false)
	if err != nil {
		t.Fatalf("disable: %v\n%s", err, out)
	}
	if !strings.Contains(out, `✓ host "host": FederatedTypeConfig kube-federation-system/configmaps: propagation Disabled`) {
		t.Errorf("output:\n%s", out)
	}
	if ftc := getTypeConfig(t, "configmaps"); ftc == nil || ftc.Spec.Propagation != v1beta1.PropagationDisabled {
		t.Errorf("FederatedTypeConfig configmaps after disable: %+v", ftc)
	}
	if getCRD(t, "federatedconfigmaps.types.kubefed.io") == nil {
		t.Errorf("disable without --delete-crd deleted the CRD")
	}
	if out, err = disable(t, "cm", false); err != nil || !strings.Contains(out, "propagation is already Disabled") {
		t.Errorf("disable again: %v\n%s", err, out)
	}
	out = enable(t, "configmaps")
	if ftc := getTypeConfig(t, "configmaps"); ftc.Spec.Propagation != v1beta1.PropagationEnabled || !strings.Contains(out, "updated (propagation Enabled)") {
		t.Errorf("enable after disable: propagation %s\n%s", ftc.Spec.Propagation, out)
	}
	if _, err := disable(t, "secrets", false); err == nil ||
		err.Error() != "disable secrets: it is not enabled: there is no FederatedTypeConfig secrets in kube-federation-system" {
		t.Errorf("disabling a type never enabled: %v", err)
	}
}

func TestDisableDeleteCRDRefusesWhileObjectsExist(t *testing.T) {
	ctx := context.Background()
	enable(t, "sprockets")
	fed := schema.GroupVersionResource{Group: "types.kubefed.io", Version: "v1beta1", Resource: "federatedsprockets"}
	api := dyn(t).Resource(fed)
	for _, ns := range []string{"default", "kube-public"} {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "types.kubefed.io/v1beta1", "kind": "FederatedSprocket",
			"metadata": map[string]any{"name": "s1", "namespace": ns},
		}}
		_, err := api.Namespace(ns).Create(ctx, obj, metav1.CreateOptions{})
		must(t, err)
	}
	out, err := disable(t, "sprockets.example.com", true)
	want := "disable sprockets.example.com: refusing to delete CustomResourceDefinition federatedsprockets.types.kubefed.io: " +
		"2 FederatedSprocket objects still exist (in namespaces default, kube-public); delete them first (kubectl get federatedsprockets.types.kubefed.io -A)"
	if err == nil || err.Error() != want {
		t.Errorf("disable --delete-crd with objects: error\n %v\nwant\n %s", err, want)
	}
	if out != "" || getTypeConfig(t, "sprockets.example.com") == nil || getCRD(t, "federatedsprockets.types.kubefed.io") == nil {
		t.Fatalf("a refused disable changed something:\n%s", out)
	}

	for _, ns := range []string{"default", "kube-public"} {
		must(t, api.Namespace(ns).Delete(ctx, "s1", metav1.DeleteOptions{}))
	}
	out, err = disable(t, "Sprocket", true)
	if err != nil {
		t.Fatalf("disable --delete-crd: %v\n%s", err, out)
	}
	for _, line := range []string{
		`✓ host "host": FederatedTypeConfig kube-federation-system/sprockets.example.com deleted`,
		`✓ host "host": CustomResourceDefinition federatedsprockets.types.kubefed.io deleted`,
		`sprockets.example.com disabled: its FederatedTypeConfig and the FederatedSprocket CRD are deleted`,
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if getTypeConfig(t, "sprockets.example.com") != nil || getCRD(t, "federatedsprockets.types.kubefed.io") != nil {
		t.Errorf("the FederatedTypeConfig or the CRD is still there")
	}
	for _, other := range []string{"sprockets.example.com", "federatedconfigmaps.types.kubefed.io", "federatedtypeconfigs.core.kubefed.io"} {
		if getCRD(t, other) == nil {
			t.Errorf("CRD %s was deleted too", other)
		}
	}
	// Nothing left to delete: the type is not enabled any more.
	if _, err := disable(t, "sprockets", true); err == nil || !strings.Contains(err.Error(), "it is not enabled") {
		t.Errorf("disable --delete-crd once more: %v", err)
	}
}

func TestDisableFindsTypesWhoseCRDIsGone(t *testing.T) {
	ctx := context.Background()
	c := userCRD("doohickeys", "Doohickey", "Namespaced")
	must(t, installCRD(ctx, requireStack(t), c))
	enable(t, "doohickeys")
	must(t, crds(t).ApiextensionsV1().CustomResourceDefinitions().Delete(ctx, c.Name, metav1.DeleteOptions{}))
	// The host no longer serves doohickeys.example.com; its FederatedTypeConfig still names it.
	out, err := disable(t, "doohickeys", true)
	if err != nil || getTypeConfig(t, "doohickeys.example.com") != nil || getCRD(t, "federateddoohickeys.types.kubefed.io") != nil {
		t.Errorf("disable --delete-crd of a type no longer served: %v\n%s", err, out)
	}
}
