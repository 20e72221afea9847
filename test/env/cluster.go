package env

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// ClusterSpec describes one member cluster: its name (also its kubeconfig context), its region
// and the zones its fake nodes are in (one node per zone).
type ClusterSpec struct {
	Name   string
	Region string
	Zones  []string
}

// Cluster is one Kubernetes control plane of the environment. Every member has an apiserver,
// kube-controller-manager, kube-scheduler and KWOK with fake nodes, so Deployments get Ready pods
// and EndpointSlices; the host has an apiserver and kube-controller-manager (garbage collection,
// namespace deletion). Each component can be stopped and started again to inject faults.
type Cluster struct {
	ClusterSpec
	Host bool
	// URL is the apiserver's address, https://127.0.0.1:PORT.
	URL string
	// KubeconfigPath holds an admin kubeconfig for this cluster alone.
	KubeconfigPath string
	// CACert is the PEM CA bundle that signed the apiserver's certificate.
	CACert []byte

	APIServer         *Process
	ControllerManager *Process
	Scheduler         *Process // nil on the host
	KWOK              *Process // nil on the host

	config *rest.Config
	pki    *clusterPKI
	dir    string
}

// RESTConfig returns an admin client configuration (a copy the caller may change).
func (c *Cluster) RESTConfig() *rest.Config {
	return rest.CopyConfig(c.config)
}

// Client returns an admin clientset for the cluster.
func (c *Cluster) Client() kubernetes.Interface {
	return kubernetes.NewForConfigOrDie(c.RESTConfig())
}

// newCluster prepares certificates, kubeconfig and process definitions; start runs them.
// podIndex picks the member's pod CIDR (10.244.<podIndex>.0/24) so pod IPs differ between members.
func newCluster(spec ClusterSpec, host bool, podIndex int, root string, etcd *Etcd, bins *Binaries) (*Cluster, error) {
	dir := filepath.Join(root, spec.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	pki, err := newClusterPKI(spec.Name)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: generating certificates: %w", spec.Name, err)
	}
	files, err := pki.write(dir)
	if err != nil {
		return nil, err
	}
	ports, err := FreePorts(3)
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		ClusterSpec:    spec,
		Host:           host,
		URL:            fmt.Sprintf("https://127.0.0.1:%d", ports[0]),
		KubeconfigPath: filepath.Join(dir, "admin.kubeconfig"),
		CACert:         pki.CACert,
		pki:            pki,
		dir:            dir,
	}
	c.config = &rest.Config{
		Host:            c.URL,
		TLSClientConfig: rest.TLSClientConfig{CAData: pki.CACert, CertData: pki.AdminCert, KeyData: pki.AdminKey},
		QPS:             200,
		Burst:           400,
	}
	if err := writeKubeconfig(c.KubeconfigPath, []*Cluster{c}); err != nil {
		return nil, err
	}
	c.APIServer = c.process("kube-apiserver", bins.KubeAPIServer, apiserverArgs(spec.Name, ports[0], etcd.Endpoint, files), c.apiserverReady())
	// On SIGTERM an apiserver waits up to 60 s for clients' open watches to end. Fault tests stop
	// it with clients attached; a short grace then SIGKILL is what a crash looks like anyway.
	c.APIServer.grace = 3 * time.Second
	c.ControllerManager = c.process("kube-controller-manager", bins.KubeControllerManager,
		controllerManagerArgs(spec.Name, c.KubeconfigPath, ports[1], files, dir), httpsHealthy(ports[1]))
	if !host {
		c.Scheduler = c.process("kube-scheduler", bins.KubeScheduler, schedulerArgs(c.KubeconfigPath, ports[2], dir), httpsHealthy(ports[2]))
		c.KWOK = c.process("kwok", bins.KWOK, kwokArgs(c.KubeconfigPath, bins.KWOKStages, podIndex), nil)
	}
	return c, nil
}

func (c *Cluster) process(name, binary string, args []string, ready readyFunc) *Process {
	return &Process{
		Name:    c.Name + "/" + name,
		Path:    binary,
		Args:    args,
		LogPath: filepath.Join(c.dir, name+".log"),
		ready:   ready,
	}
}

func apiserverArgs(name string, port int, etcd string, f pkiFiles) []string {
	return []string{
		"--etcd-servers=" + etcd,
		// A path segment per cluster: no prefix is a string prefix of another (member1 vs member10).
		"--etcd-prefix=/meridian-testenv/" + name + "/registry",
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		// A documentation address: a loopback one makes the apiserver log errors forever, because
		// the kubernetes Endpoints object rejects it. Nothing ever connects to it.
		"--advertise-address=198.51.100.10",
		"--tls-cert-file=" + f.ServingCert,
		"--tls-private-key-file=" + f.ServingKey,
		"--client-ca-file=" + f.CACert,
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + f.SAPub,
		"--service-account-signing-key-file=" + f.SAKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--profiling=false",
	}
}

// componentArgs are the flags kube-controller-manager and kube-scheduler share: admin
// credentials, secure serving of /healthz on loopback with self-signed certificates in certDir.
func componentArgs(kubeconfig string, port int, certDir string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + certDir,
		"--leader-elect=false",
		"--profiling=false",
	}
}

func controllerManagerArgs(name, kubeconfig string, port int, f pkiFiles, dir string) []string {
	return append(componentArgs(kubeconfig, port, filepath.Join(dir, "kcm-certs")),
		"--cluster-name="+name,
		"--service-account-private-key-file="+f.SAKey,
		"--root-ca-file="+f.CACert,
		"--use-service-account-credentials=true",
		"--cluster-cidr=10.244.0.0/16",
		"--service-cluster-ip-range=10.96.0.0/16",
	)
}

func schedulerArgs(kubeconfig string, port int, dir string) []string {
	return componentArgs(kubeconfig, port, filepath.Join(dir, "scheduler-certs"))
}

func kwokArgs(kubeconfig, stages string, podIndex int) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--config=" + stages,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + kwokNodeAnnotation + "=fake",
		fmt.Sprintf("--cidr=10.244.%d.0/24", podIndex),
		// Outside the pod range, so no pod gets its node's address.
		fmt.Sprintf("--node-ip=10.243.%d.1", podIndex),
		"--node-port=0",
	}
}

// start runs the apiserver, then the other components side by side, then registers fake nodes
// and waits until they are Ready.
func (c *Cluster) start(ctx context.Context) error {
	if err := c.APIServer.Start(ctx); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, p := range []*Process{c.ControllerManager, c.Scheduler, c.KWOK} {
		if p != nil {
			g.Go(func() error { return p.Start(gctx) })
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if c.Host {
		return nil
	}
	return c.registerNodes(ctx)
}

// stop shuts the cluster's components down, the apiserver last.
func (c *Cluster) stop() error {
	return stopAll(c.KWOK, c.Scheduler, c.ControllerManager, c.APIServer)
}

func (c *Cluster) apiserverReady() readyFunc {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(c.pki.CACert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return httpReady(client, c.URL+"/readyz")
}

// httpsHealthy checks a component's /healthz; they serve self-signed certificates on loopback.
func httpsHealthy(port int) readyFunc {
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	return httpReady(client, fmt.Sprintf("https://127.0.0.1:%d/healthz", port))
}

func httpReady(client *http.Client, url string) readyFunc {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
		}
		return nil
	}
}
