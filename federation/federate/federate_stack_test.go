package federate_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/meridian-dns/meridian/federation/federate"
)

func TestFederateAConfigMap(t *testing.T) {
	ctx := context.Background()
	createNamespace(t, "shop")
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop", Labels: map[string]string{"app": "web"},
			Annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": `{"kind":"ConfigMap"}`, "team": "shop"}},
		Data: map[string]string{"greeting": "hello"},
	}
	_, err := host(t).CoreV1().ConfigMaps("shop").Create(ctx, cm, metav1.CreateOptions{})
	must(t, err)

	out, err := run(t, federate.Options{Type: "cm", Name: "web", Namespace: "shop"})
	if err != nil {
		t.Fatalf("federate: %v\n%s", err, out)
	}
	want := `✓ host "host": FederatedConfigMap shop/web created` + "\n" +
		"ConfigMap web federated: placed on every member cluster (spec.placement.clusterSelector: {})\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
	fcm := federated(t, "federatedconfigmaps", "shop", "web")
	if fcm == nil {
		t.Fatal("no FederatedConfigMap shop/web")
	}
	wantSpec := map[string]any{
		"template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"app": "web"}, "annotations": map[string]any{"team": "shop"}},
			"data":     map[string]any{"greeting": "hello"},
		},
		"placement": map[string]any{"clusterSelector": map[string]any{}},
	}
	if !equality.Semantic.DeepEqual(fcm.Object["spec"], wantSpec) {
		t.Errorf("spec %v, want %v", fcm.Object["spec"], wantSpec)
	}

	// Federating again never overwrites what may have been edited since.
	_, err = run(t, federate.Options{Type: "configmap", Name: "web", Namespace: "shop"})
	if !errors.Is(err, federate.ErrAlreadyFederated) || !strings.Contains(err.Error(), "federate configmap web: FederatedConfigMap shop/web already exists in the host") {
		t.Errorf("federating again: %v", err)
	}
}

func TestFederateUsesTheContextsNamespace(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "in-default", Namespace: "default"}}
	_, err := host(t).CoreV1().ConfigMaps("default").Create(context.Background(), cm, metav1.CreateOptions{})
	must(t, err)
	if out, err := run(t, federate.Options{Type: "configmaps", Name: "in-default"}); err != nil {
		t.Fatalf("federate: %v\n%s", err, out)
	}
	if federated(t, "federatedconfigmaps", "default", "in-default") == nil {
		t.Errorf("no FederatedConfigMap default/in-default")
	}
}

func TestFederateAServiceLeavesTheClusterIPsToEachCluster(t *testing.T) {
	createNamespace(t, "svc")
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "svc"},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeNodePort,
			Selector: map[string]string{"app": "web"},
			Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080), NodePort: 30080}},
		},
	}
	got, err := host(t).CoreV1().Services("svc").Create(context.Background(), svc, metav1.CreateOptions{})
	must(t, err)
	if got.Spec.ClusterIP == "" {
		t.Fatal("the host allocated no cluster IP")
	}
	if out, err := run(t, federate.Options{Type: "svc", Name: "web", Namespace: "svc"}); err != nil {
		t.Fatalf("federate: %v\n%s", err, out)
	}
	fs := federated(t, "federatedservices", "svc", "web")
	if fs == nil {
		t.Fatal("no FederatedService svc/web")
	}
	spec, _, _ := unstructured.NestedMap(fs.Object, "spec", "template", "spec")
	for _, field := range []string{"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"} {
		if _, ok := spec[field]; ok {
			t.Errorf("template keeps spec.%s: %v", field, spec[field])
		}
	}
	ports, _, _ := unstructured.NestedSlice(fs.Object, "spec", "template", "spec", "ports")
	wantPorts := []any{map[string]any{"name": "http", "port": int64(80), "protocol": "TCP", "targetPort": int64(8080)}}
	if !equality.Semantic.DeepEqual(ports, wantPorts) || spec["type"] != "NodePort" {
		t.Errorf("template ports %v type %v, want %v NodePort", ports, spec["type"], wantPorts)
	}
	if _, ok := fs.Object["spec"].(map[string]any)["template"].(map[string]any)["status"]; ok {
		t.Errorf("template keeps status")
	}
}

func TestFederateATypeNotEnabled(t *testing.T) {
	createNamespace(t, "vault")
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "vault"}, StringData: map[string]string{"k": "v"}}
	_, err := host(t).CoreV1().Secrets("vault").Create(context.Background(), s, metav1.CreateOptions{})
	must(t, err)
	_, err = run(t, federate.Options{Type: "secret", Name: "creds", Namespace: "vault"})
	want := "federate secret creds: type secrets is not enabled for federation (there is no FederatedTypeConfig secrets in kube-federation-system): " +
		"run meridianctl enable secrets first, or pass --enable-type"
	if err == nil || err.Error() != want {
		t.Errorf("error\n %v\nwant\n %s", err, want)
	}
	out, err := run(t, federate.Options{Type: "secret", Name: "creds", Namespace: "vault", EnableType: true})
	if err != nil {
		t.Fatalf("federate --enable-type: %v\n%s", err, out)
	}
	for _, line := range []string{"FederatedTypeConfig kube-federation-system/secrets created", "FederatedSecret vault/creds created"} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	fs := federated(t, "federatedsecrets", "vault", "creds")
	if data, _, _ := unstructured.NestedStringMap(fs.Object, "spec", "template", "data"); data["k"] != "dg==" {
		t.Errorf("template data %v", data)
	}
}

func TestFederateErrors(t *testing.T) {
	cases := []struct {
		opts federate.Options
		want string
	}{
		{federate.Options{Type: "configmaps", Name: "nothing", Namespace: "default"}, "federate configmaps nothing: ConfigMap default/nothing does not exist in the host"},
		{federate.Options{Type: "configmaps", Name: "x", Contents: true}, "federate configmaps x: --contents federates what a namespace holds; configmaps is not namespaces"},
		{federate.Options{Type: "thingamajigs", Name: "x"}, `federate thingamajigs x: the host serves no resource type "thingamajigs" (kubectl api-resources lists the types it serves)`},
		{federate.Options{Type: "ns", Name: "no-such-namespace"}, "federate ns no-such-namespace: Namespace no-such-namespace does not exist in the host"},
	}
	for _, tc := range cases {
		out, err := run(t, tc.opts)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%+v: error\n %v\nwant\n %s", tc.opts, err, tc.want)
		}
		if out != "" {
			t.Errorf("%+v: output although nothing was done:\n%s", tc.opts, out)
		}
	}
}

func TestFederateDryRunCreatesNothing(t *testing.T) {
	createNamespace(t, "dry")
	ctx := context.Background()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "dry"}}
	_, err := host(t).CoreV1().ServiceAccounts("dry").Create(ctx, sa, metav1.CreateOptions{})
	must(t, err)
	opts := federate.Options{Type: "sa", Name: "app", Namespace: "dry", EnableType: true, DryRun: true}
	opts.Kubeconfig, opts.Context = requireStack(t).KubeconfigPath, "host"
	objs, err := federate.Federate(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.GetObjectKind().GroupVersionKind().Kind)
	}
	if strings.Join(kinds, ",") != "CustomResourceDefinition,FederatedTypeConfig,FederatedServiceAccount" {
		t.Errorf("objects %v", kinds)
	}
	if federated(t, "federatedserviceaccounts", "dry", "app") != nil {
		t.Errorf("a dry run created the FederatedServiceAccount")
	}
	if _, err := run(t, federate.Options{Type: "sa", Name: "app", Namespace: "dry"}); err == nil || !strings.Contains(err.Error(), "is not enabled") {
		t.Errorf("a dry run enabled the type: %v", err)
	}
}

// waitFor polls until cond holds, for what kube-controller-manager creates in new namespaces.
func waitFor(t *testing.T, what string, cond func(context.Context) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		return cond(ctx), nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}
