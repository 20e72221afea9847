package typeconfig

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1client "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/typed/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/meridian-dns/meridian/federation/join"
)

var namespaceResource = corev1.SchemeGroupVersion.WithResource("namespaces")

// reachTimeout bounds the first request, so a wrong address fails in seconds.
const reachTimeout = 10 * time.Second

// HostOptions say how to reach the host cluster and where the federation's objects live.
type HostOptions struct {
	// Kubeconfig is the kubeconfig file; empty: as kubectl, $KUBECONFIG or ~/.kube/config.
	Kubeconfig string
	// Context is the host's kubeconfig context; empty: the current context.
	Context string
	// Namespace holds FederatedTypeConfigs and KubeFedClusters; empty: join.DefaultNamespace.
	Namespace string
	// Progress receives one line per step; nil: none.
	Progress io.Writer
}

// Host is a connection to the host cluster.
type Host struct {
	// Context is the kubeconfig context, the host's name in progress lines and errors.
	Context string
	// Namespace holds FederatedTypeConfigs and KubeFedClusters.
	Namespace string
	// DefaultNamespace is the context's namespace ("default" if it sets none), for objects
	// named without one, as kubectl uses it.
	DefaultNamespace string
	// Dynamic reads and writes objects of any kind.
	Dynamic dynamic.Interface

	server    string
	discovery *discovery.DiscoveryClient
	crds      apiextensionsv1client.CustomResourceDefinitionInterface
	progress  io.Writer
}

// Connect makes clients for the host context and checks that the host answers.
func Connect(ctx context.Context, o HostOptions) (*Host, error) {
	ns := o.Namespace
	if ns == "" {
		ns = join.DefaultNamespace
	}
	if len(validation.IsDNS1123Label(ns)) > 0 {
		return nil, fmt.Errorf("invalid namespace %q: must be a namespace name (at most 63 lower-case letters, digits or '-')", ns)
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.Kubeconfig
	raw, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	name := o.Context
	if name == "" {
		if name = raw.CurrentContext; name == "" {
			return nil, fmt.Errorf("the kubeconfig (%s) has no current context: name the host's with --host-cluster-context", files(rules))
		}
	}
	kctx, ok := raw.Contexts[name]
	if !ok {
		return nil, fmt.Errorf("cluster context %q is not in the kubeconfig (%s); its contexts are: %s", name, files(rules), contextNames(raw.Contexts))
	}
	cc := clientcmd.NewNonInteractiveClientConfig(*raw, name, &clientcmd.ConfigOverrides{}, rules)
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("cluster context %q: %w", name, err)
	}
	// federate --contents creates objects one by one; the default 5 requests/s would make it slow.
	cfg.QPS, cfg.Burst = 50, 100
	h := &Host{Context: name, Namespace: ns, DefaultNamespace: kctx.Namespace, server: cfg.Host, progress: o.Progress}
	if h.DefaultNamespace == "" {
		h.DefaultNamespace = "default"
	}
	if err := h.clients(cfg); err != nil {
		return nil, fmt.Errorf("cluster context %q: %w", name, err)
	}
	return h, h.reachable(ctx)
}

func (h *Host) clients(cfg *rest.Config) error {
	var err error
	if h.discovery, err = discovery.NewDiscoveryClientForConfig(cfg); err != nil {
		return err
	}
	if h.Dynamic, err = dynamic.NewForConfig(cfg); err != nil {
		return err
	}
	ext, err := apiextensionsv1client.NewForConfig(cfg)
	if err != nil {
		return err
	}
	h.crds = ext.CustomResourceDefinitions()
	return nil
}

// reachable asks the API server for /version.
func (h *Host) reachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	if _, err := h.discovery.RESTClient().Get().AbsPath("/version").DoRaw(ctx); err != nil {
		return fmt.Errorf("cluster context %q (%s): not reachable: %w", h.Context, h.server, err)
	}
	return nil
}

// Printf writes a progress line about the host.
func (h *Host) Printf(format string, args ...any) {
	if h.progress != nil {
		fmt.Fprintf(h.progress, "✓ host %q: %s\n", h.Context, fmt.Sprintf(format, args...))
	}
}

// Notef writes a line the user should act on or know, not a step done.
func (h *Host) Notef(format string, args ...any) {
	if h.progress != nil {
		fmt.Fprintf(h.progress, "! "+format+"\n", args...)
	}
}

// Linef writes a plain line: a command's last line, or detail under a step.
func (h *Host) Linef(format string, args ...any) {
	if h.progress != nil {
		fmt.Fprintf(h.progress, format+"\n", args...)
	}
}

func files(rules *clientcmd.ClientConfigLoadingRules) string {
	if rules.ExplicitPath != "" {
		return rules.ExplicitPath
	}
	return strings.Join(rules.GetLoadingPrecedence(), ":")
}

func contextNames[V any](contexts map[string]V) string {
	names := make([]string, 0, len(contexts))
	for name := range contexts {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
