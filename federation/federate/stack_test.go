package federate_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/meridian-dns/meridian/federation/federate"
	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/federation/typeconfig"
	"github.com/meridian-dns/meridian/test/env"
)

// stack is a host and one member, with Meridian's CRDs in the host and configmaps, services and
// namespaces enabled; nil with -short.
var stack *env.Environment

func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(1), func(ctx context.Context, e *env.Environment) error {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: join.DefaultNamespace}}
		if _, err := e.Host.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return err
		}
		for _, typ := range []string{"configmaps", "services", "namespaces"} {
			opts := typeconfig.EnableOptions{HostOptions: typeconfig.HostOptions{Kubeconfig: e.KubeconfigPath}, Type: typ}
			if _, err := typeconfig.Enable(ctx, opts); err != nil {
				return err
			}
		}
		stack = e
		return nil
	}))
}

func requireStack(t *testing.T) *env.Environment {
	t.Helper()
	if stack == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
	return stack
}

func host(t *testing.T) kubernetes.Interface { return requireStack(t).Host.Client() }

// run federates as meridianctl federate does, against the test host.
func run(t *testing.T, o federate.Options) (string, error) {
	t.Helper()
	var out bytes.Buffer
	o.Kubeconfig, o.Context, o.Progress = requireStack(t).KubeconfigPath, env.HostContext, &out
	_, err := federate.Federate(context.Background(), o)
	return out.String(), err
}

// federated reads a federated object of the given plural (federatedconfigmaps); nil if none.
func federated(t *testing.T, plural, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	d, err := dynamic.NewForConfig(requireStack(t).Host.RESTConfig())
	must(t, err)
	gvr := schema.GroupVersionResource{Group: "types.kubefed.io", Version: "v1beta1", Resource: plural}
	u, err := d.Resource(gvr).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	must(t, err)
	return u
}

func createNamespace(t *testing.T, name string) {
	t.Helper()
	_, err := host(t).CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	must(t, err)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
