package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/test/env"
)

func TestEnableDisableFederateFlagsAndMessages(t *testing.T) {
	ports, err := env.FreePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	path := writeKubeconfig(t, map[string]int{"kubeadm@kubernetes": ports[0]})
	t.Setenv("KUBECONFIG", path)
	host := "--host-cluster-context=kubeadm@kubernetes"
	unreachable := fmt.Sprintf(`cluster context "kubeadm@kubernetes" (https://127.0.0.1:%d): not reachable: `, ports[0])
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"enable"}, "enable needs exactly one argument, the TYPE to enable (got 0)"},
		{[]string{"disable", "a", "b"}, "disable needs exactly one argument, the TYPE to disable (got 2)"},
		{[]string{"federate", "deployments"}, "federate needs two arguments, the object's TYPE and NAME (got 1)"},
		{[]string{"federate"}, "federate needs two arguments, the object's TYPE and NAME (got 0)"},
		{[]string{"enable", "deployments", "-o", "json", host}, `unsupported output format "json": the only one is yaml`},
		{[]string{"federate", "cm", "web", "--output=wide", host}, `unsupported output format "wide": the only one is yaml`},
		{[]string{"enable", "deployments", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"disable", "deployments", "--contents"}, "unknown flag: --contents"},
		{[]string{"enable", "deployments"}, "enable deployments: the kubeconfig (" + path + ") has no current context: name the host's with --host-cluster-context"},
		{[]string{"enable", "deployments", "--host-cluster-context=host"}, `enable deployments: cluster context "host" is not in the kubeconfig (` + path +
			`); its contexts are: kubeadm@kubernetes`},
		{[]string{"enable", "deployments", host, "--kubefed-namespace=Fed"}, `enable deployments: invalid namespace "Fed"`},
		{[]string{"enable", "deployments", host, "--kubeconfig=" + filepath.Join(t.TempDir(), "none")}, "enable deployments: loading kubeconfig: "},
		{[]string{"enable", "deployments.apps", host, "--federated-group=fed.example.com", "--federated-version=v1"}, "enable deployments.apps: " + unreachable},
		{[]string{"disable", "deployments", host, "--delete-crd"}, "disable deployments: " + unreachable},
		{[]string{"federate", "ns", "shop", host, "--contents", "--enable-type", "-n", "x"}, "federate ns shop: " + unreachable},
		{[]string{"federate", "cm", "web", host, "-o", "yaml"}, "federate cm web: " + unreachable},
	}
	for _, tc := range cases {
		out, err := execute(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error\n %v\nwant one containing\n %s", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("%v: output although nothing was done:\n%s", tc.args, out)
		}
	}
}

func TestHelpListsEnableDisableFederate(t *testing.T) {
	out, err := execute("--help")
	for _, want := range []string{"enable ", "disable ", "federate "} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("--help lacks %q: %v\n%s", want, err, out)
		}
	}
	shared := []string{"--host-cluster-context", "(default: the current context)", "--kubefed-namespace", `(default "kube-federation-system")`, "--kubeconfig"}
	for cmd, flags := range map[string][]string{
		"enable":   {"--federated-group", `(default "types.kubefed.io")`, "--federated-version", `(default "v1beta1")`, "-o, --output"},
		"disable":  {"--delete-crd"},
		"federate": {"-n, --namespace", "--contents", "--enable-type", "-o, --output"},
	} {
		out, err := execute(cmd, "--help")
		for _, want := range append(flags, shared...) {
			if err != nil || !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q: %v", cmd, want, err)
			}
		}
	}
}

func TestPrintYAMLIsAnApplicableStream(t *testing.T) {
	crd := &apiextensionsv1.CustomResourceDefinition{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition"},
		ObjectMeta: metav1.ObjectMeta{Name: "federatedwidgets.types.kubefed.io"},
	}
	ftc := &v1beta1.FederatedTypeConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: "core.kubefed.io/v1beta1", Kind: "FederatedTypeConfig"},
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.com", Namespace: "kube-federation-system"},
		Spec:       v1beta1.FederatedTypeConfigSpec{Propagation: v1beta1.PropagationEnabled},
	}
	fw := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "types.kubefed.io/v1beta1", "kind": "FederatedWidget",
		"metadata": map[string]any{"name": "w", "namespace": "shop"},
		"spec":     map[string]any{"placement": map[string]any{"clusterSelector": map[string]any{}}},
	}}
	var buf bytes.Buffer
	if err := printYAML(&buf, []runtime.Object{crd, ftc, fw}); err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(buf.String(), "---\n")
	if len(docs) != 3 {
		t.Fatalf("%d documents, want 3:\n%s", len(docs), buf.String())
	}
	for i, kind := range []string{"CustomResourceDefinition", "FederatedTypeConfig", "FederatedWidget"} {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(docs[i]), &m); err != nil || m["kind"] != kind {
			t.Errorf("document %d: kind %v, %v", i, m["kind"], err)
		}
		if _, ok := m["status"]; ok || strings.Contains(docs[i], "creationTimestamp") {
			t.Errorf("document %d keeps status or creationTimestamp:\n%s", i, docs[i])
		}
	}
}
