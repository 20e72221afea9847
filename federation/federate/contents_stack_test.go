package federate_test

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/federation/federate"
)

func TestFederateANamespaceWithItsContents(t *testing.T) {
	ctx := context.Background()
	c := host(t).CoreV1()
	_, err := c.Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop2", Labels: map[string]string{"team": "shop"}}}, metav1.CreateOptions{})
	must(t, err)
	// What Kubernetes puts in every namespace must be there, to show it is skipped.
	waitFor(t, "kube-root-ca.crt and the default ServiceAccount", func(ctx context.Context) bool {
		_, err1 := c.ConfigMaps("shop2").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		_, err2 := c.ServiceAccounts("shop2").Get(ctx, "default", metav1.GetOptions{})
		return err1 == nil && err2 == nil
	})
	settings, err := c.ConfigMaps("shop2").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"a": "b"}}, metav1.CreateOptions{})
	must(t, err)
	owned := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings-cache", OwnerReferences: []metav1.OwnerReference{
		{APIVersion: "v1", Kind: "ConfigMap", Name: "settings", UID: settings.UID},
	}}}
	_, err = c.ConfigMaps("shop2").Create(ctx, owned, metav1.CreateOptions{})
	must(t, err)
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "api"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 443}}}}
	_, err = c.Services("shop2").Create(ctx, svc, metav1.CreateOptions{})
	must(t, err)

	out, err := run(t, federate.Options{Type: "namespace", Name: "shop2", Contents: true})
	if err != nil {
		t.Fatalf("federate namespace shop2 --contents: %v\n%s", err, out)
	}
	for _, line := range []string{
		`✓ host "host": FederatedNamespace shop2/shop2 created`,
		`✓ host "host": FederatedConfigMap shop2/settings created`,
		`✓ host "host": FederatedService shop2/api created`,
		"  skipped ConfigMap shop2/kube-root-ca.crt: created by Kubernetes in every namespace",
		"  skipped ConfigMap shop2/settings-cache: owned by ConfigMap settings, which creates it",
		"namespace shop2 federated (federated objects created: 3, objects skipped: 2), placed on every member cluster",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	fns := federated(t, "federatednamespaces", "shop2", "shop2")
	if fns == nil {
		t.Fatal("no FederatedNamespace shop2/shop2")
	}
	if labels := fns.Object["spec"].(map[string]any)["template"].(map[string]any)["metadata"].(map[string]any)["labels"]; len(labels.(map[string]any)) != 1 {
		t.Errorf("FederatedNamespace template labels %v, want only team=shop", labels)
	}
	for _, name := range []string{"kube-root-ca.crt", "settings-cache"} {
		if federated(t, "federatedconfigmaps", "shop2", name) != nil {
			t.Errorf("ConfigMap %s was federated", name)
		}
	}
	if federated(t, "federatedconfigmaps", "shop2", "settings") == nil || federated(t, "federatedservices", "shop2", "api") == nil {
		t.Errorf("the namespace's own objects were not federated")
	}

	// Run again as the namespace fills: what is federated stays, what is new is federated.
	_, err = c.ConfigMaps("shop2").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "later"}}, metav1.CreateOptions{})
	must(t, err)
	out, err = run(t, federate.Options{Type: "ns", Name: "shop2", Contents: true})
	if err != nil {
		t.Fatalf("federating again: %v\n%s", err, out)
	}
	for _, line := range []string{"FederatedNamespace shop2/shop2 already exists, left as it is", "FederatedConfigMap shop2/settings already exists, left as it is",
		"FederatedConfigMap shop2/later created", "(federated objects created: 1, objects skipped: 2)"} {
		if !strings.Contains(out, line) {
			t.Errorf("federating again: output lacks %q:\n%s", line, out)
		}
	}
}
