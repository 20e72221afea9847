package join

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// reachTimeout bounds the first request to each cluster, so a wrong address fails in seconds
// instead of after the TCP timeout.
const reachTimeout = 10 * time.Second

// conn is a client for one side of a join, with what progress lines and errors call it.
type conn struct {
	side    string // "member" or "host"
	name    string // the cluster's name in the federation
	context string // its kubeconfig context
	server  string
	kube    kubernetes.Interface
	dyn     dynamic.Interface
}

// connect makes clients for a kubeconfig context. It does not contact the cluster.
func connect(k *kubeconfig, side, name, context string) (*conn, error) {
	cluster, err := k.cluster(context)
	if err != nil {
		return nil, err
	}
	cfg, err := k.restConfig(context)
	if err != nil {
		return nil, err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster context %q: %w", context, err)
	}
	// The dynamic client lists every kind when unjoin looks for federated objects; the
	// deprecation warnings of kinds nobody asked for (v1 Endpoints) would only confuse.
	quiet := rest.CopyConfig(cfg)
	quiet.WarningHandler = rest.NoWarnings{}
	dyn, err := dynamic.NewForConfig(quiet)
	if err != nil {
		return nil, fmt.Errorf("cluster context %q: %w", context, err)
	}
	return &conn{side: side, name: name, context: context, server: cluster.Server, kube: kube, dyn: dyn}, nil
}

// reachable asks the API server for /version.
func (c *conn) reachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	if _, err := c.kube.Discovery().RESTClient().Get().AbsPath("/version").DoRaw(ctx); err != nil {
		return fmt.Errorf("cluster context %q (%s): not reachable: %w", c.context, c.server, err)
	}
	return nil
}

// errNoKubeFedCRD says the host cannot store KubeFedClusters.
var errNoKubeFedCRD = errors.New("the host cluster has no KubeFedCluster CRD (core.kubefed.io/v1beta1): install Meridian's CRDs first")

// servesKubeFedCluster checks that the cluster has the KubeFedCluster kind.
func (c *conn) servesKubeFedCluster(ctx context.Context) error {
	resources, err := c.kube.Discovery().ServerResourcesForGroupVersionWithContext(ctx, v1beta1.SchemeGroupVersion.String())
	if apierrors.IsNotFound(err) {
		return errNoKubeFedCRD
	}
	if err != nil {
		return fmt.Errorf("cluster context %q: discovering %s: %w", c.context, v1beta1.SchemeGroupVersion, err)
	}
	for _, r := range resources.APIResources {
		if r.Kind == "KubeFedCluster" {
			return nil
		}
	}
	return errNoKubeFedCRD
}

// printf writes a progress line about this cluster.
func (c *conn) printf(p progress, format string, args ...any) {
	p.printf("✓ %s %q: %s", c.side, c.name, fmt.Sprintf(format, args...))
}
