package join

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// kubeconfig is the merged kubeconfig join reads contexts from.
type kubeconfig struct {
	rules  *clientcmd.ClientConfigLoadingRules
	config *clientcmdapi.Config
}

// loadKubeconfig reads path, or, when it is empty, what kubectl reads: the files in $KUBECONFIG,
// else ~/.kube/config. Relative file references in it are resolved against the file's folder.
func loadKubeconfig(path string) (*kubeconfig, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = path
	cfg, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	return &kubeconfig{rules: rules, config: cfg}, nil
}

// files says which files were read, for error messages.
func (k *kubeconfig) files() string {
	if k.rules.ExplicitPath != "" {
		return k.rules.ExplicitPath
	}
	return strings.Join(k.rules.GetLoadingPrecedence(), string(os.PathListSeparator))
}

// cluster returns the cluster entry a context uses; an unknown context is an error that lists
// the ones there are, since a typo is the usual cause.
func (k *kubeconfig) cluster(context string) (*clientcmdapi.Cluster, error) {
	ctx, ok := k.config.Contexts[context]
	if !ok {
		known := make([]string, 0, len(k.config.Contexts))
		for name := range k.config.Contexts {
			known = append(known, name)
		}
		sort.Strings(known)
		list := "none"
		if len(known) > 0 {
			list = strings.Join(known, ", ")
		}
		return nil, fmt.Errorf("cluster context %q is not in the kubeconfig (%s); its contexts are: %s", context, k.files(), list)
	}
	cluster, ok := k.config.Clusters[ctx.Cluster]
	if !ok {
		return nil, fmt.Errorf("cluster context %q refers to cluster %q, which is not in the kubeconfig (%s)", context, ctx.Cluster, k.files())
	}
	return cluster, nil
}

// restConfig is the client configuration of a context, with the user's own credentials.
func (k *kubeconfig) restConfig(context string) (*rest.Config, error) {
	cfg, err := clientcmd.NewNonInteractiveClientConfig(*k.config, context, &clientcmd.ConfigOverrides{}, k.rules).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("cluster context %q: %w", context, err)
	}
	// Unjoin deletes federated objects one by one; the default 5 requests/s would make that slow.
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

// clusterSpec is the KubeFedCluster spec that lets the host reach the cluster of a kubeconfig
// entry: its server, the CA it trusts (inline or from its file), its proxy, and, when the
// kubeconfig skips TLS verification, the same for the host.
func clusterSpec(cluster *clientcmdapi.Cluster, secretName string) (v1beta1.KubeFedClusterSpec, error) {
	spec := v1beta1.KubeFedClusterSpec{
		APIEndpoint: cluster.Server,
		SecretRef:   v1beta1.LocalSecretReference{Name: secretName},
		ProxyURL:    cluster.ProxyURL,
	}
	if cluster.Server == "" {
		return spec, fmt.Errorf("the cluster has no server URL")
	}
	switch {
	case len(cluster.CertificateAuthorityData) > 0:
		spec.CABundle = cluster.CertificateAuthorityData
	case cluster.CertificateAuthority != "":
		ca, err := os.ReadFile(cluster.CertificateAuthority)
		if err != nil {
			return spec, fmt.Errorf("reading the cluster's certificate authority: %w", err)
		}
		spec.CABundle = ca
	}
	if cluster.InsecureSkipTLSVerify {
		spec.DisabledTLSValidations = []v1beta1.TLSValidation{v1beta1.TLSAll}
	}
	return spec, nil
}
