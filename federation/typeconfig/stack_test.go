package typeconfig_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/federation/typeconfig"
	"github.com/meridian-dns/meridian/test/env"
)

// stack is a host and one member, member1, with Meridian's CRDs, the namespace
// kube-federation-system and the test's own CRDs (testCRDs) in the host; nil with -short.
var stack *env.Environment

func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(1), func(ctx context.Context, e *env.Environment) error {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: join.DefaultNamespace}}
		if _, err := e.Host.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return err
		}
		for _, c := range testCRDs {
			if err := installCRD(ctx, e, c); err != nil {
				return err
			}
		}
		stack = e
		return nil
	}))
}

// testCRDs are types users installed in the host: each test that enables or deletes one uses its
// own, so the tests do not depend on each other's order.
var testCRDs = []*apiextensionsv1.CustomResourceDefinition{
	userCRD("widgets", "Widget", apiextensionsv1.NamespaceScoped, "wdg"),
	userCRD("gadgets", "Gadget", apiextensionsv1.ClusterScoped),
	userCRD("sprockets", "Sprocket", apiextensionsv1.NamespaceScoped),
	userCRD("gizmos", "Gizmo", apiextensionsv1.NamespaceScoped),
}

func userCRD(plural, kind string, scope apiextensionsv1.ResourceScope, short ...string) *apiextensionsv1.CustomResourceDefinition {
	preserve := true
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: plural + ".example.com"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "example.com",
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: plural, Kind: kind, ShortNames: short},
			Scope: scope,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: &preserve,
				}},
			}},
		},
	}
}

// installCRD creates a CRD and waits until discovery lists it, as enable needs.
func installCRD(ctx context.Context, e *env.Environment, c *apiextensionsv1.CustomResourceDefinition) error {
	client, err := apiextensions.NewForConfig(e.Host.RESTConfig())
	if err != nil {
		return err
	}
	if _, err := client.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, c, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating CRD %s: %w", c.Name, err)
	}
	d, err := discovery.NewDiscoveryClientForConfig(e.Host.RESTConfig())
	if err != nil {
		return err
	}
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := d.ServerResourcesForGroupVersionWithContext(ctx, c.Spec.Group+"/v1")
		if err != nil {
			return false, nil
		}
		for _, r := range list.APIResources {
			if r.Name == c.Spec.Names.Plural {
				return true, nil
			}
		}
		return false, nil
	})
}

func requireStack(t *testing.T) *env.Environment {
	t.Helper()
	if stack == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
	return stack
}

// hostOptions reach the test host through its kubeconfig, reporting progress to out.
func hostOptions(t *testing.T, out *bytes.Buffer) typeconfig.HostOptions {
	return typeconfig.HostOptions{Kubeconfig: requireStack(t).KubeconfigPath, Context: env.HostContext, Progress: out}
}

func enable(t *testing.T, typ string) string {
	t.Helper()
	var out bytes.Buffer
	if _, err := typeconfig.Enable(context.Background(), typeconfig.EnableOptions{HostOptions: hostOptions(t, &out), Type: typ}); err != nil {
		t.Fatalf("enable %s: %v\n%s", typ, err, out.String())
	}
	return out.String()
}

func dyn(t *testing.T) dynamic.Interface {
	t.Helper()
	d, err := dynamic.NewForConfig(requireStack(t).Host.RESTConfig())
	must(t, err)
	return d
}

func crds(t *testing.T) apiextensions.Interface {
	t.Helper()
	c, err := apiextensions.NewForConfig(requireStack(t).Host.RESTConfig())
	must(t, err)
	return c
}

// getTypeConfig reads a FederatedTypeConfig; nil when there is none.
func getTypeConfig(t *testing.T, name string) *v1beta1.FederatedTypeConfig {
	t.Helper()
	u, err := dyn(t).Resource(v1beta1.SchemeGroupVersion.WithResource("federatedtypeconfigs")).Namespace(join.DefaultNamespace).
		Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	must(t, err)
	ftc := &v1beta1.FederatedTypeConfig{}
	must(t, runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, ftc))
	return ftc
}

// getCRD reads a CRD; nil when there is none.
func getCRD(t *testing.T, name string) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	c, err := crds(t).ApiextensionsV1().CustomResourceDefinitions().Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	must(t, err)
	return c
}

func established(c *apiextensionsv1.CustomResourceDefinition) bool {
	for _, cond := range c.Status.Conditions {
		if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
