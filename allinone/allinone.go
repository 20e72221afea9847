// Package allinone runs Meridian's whole stack on one machine, for `meridianctl up`: local
// Kubernetes clusters from test/env (or existing clusters from a kubeconfig), etcd embedded in
// this process, the controller publishing DNS records to it, CoreDNS with the gslb plugin
// answering on 127.0.0.1, and the example app of examples/ federated to every member.
package allinone

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/examples"
	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/join"
	"github.com/meridian-dns/meridian/test/env"
)

// Zone is the DNS zone the stack serves; the example's Domain is in it.
const Zone = "meridian.test"

// fedNamespace holds the KubeFedClusters, the KubeFedConfig and the example's Domain.
const fedNamespace = join.DefaultNamespace

// Options configure Up.
type Options struct {
	// Dir receives the clusters' data, the embedded etcd's, the Corefile and every log.
	Dir string
	// Members are the local member clusters to start; ignored when HostContext is set.
	Members []env.ClusterSpec
	// HostContext and MemberContexts select existing clusters of Kubeconfig (empty: as kubectl
	// finds it) instead of local ones; a member is CONTEXT or NAME=CONTEXT (NAME: a DNS label).
	Kubeconfig     string
	HostContext    string
	MemberContexts []string
	// EtcdEndpoints is an etcd to publish to; empty runs one embedded in this process.
	EtcdEndpoints []string
	// DNSPort is where CoreDNS listens on 127.0.0.1, UDP and TCP; 0 picks a free port.
	DNSPort int
	// SimulateLoadBalancers gives every LoadBalancer Service of a member an address, as a cloud
	// would. Always on for local clusters.
	SimulateLoadBalancers bool
	// Progress receives a line per step.
	Progress io.Writer
}

// Member is one member cluster of the running stack.
type Member struct {
	Name string
	// Context is its kubeconfig context.
	Context string
	Region  string
	Zones   []string
	// LoadBalancer is the address its LoadBalancer Services get, when simulated.
	LoadBalancer string
}

// Stack is the running all-in-one federation.
type Stack struct {
	Dir         string
	Kubeconfig  string
	HostContext string
	Members     []Member
	// Env holds the local clusters; nil on existing clusters.
	Env *env.Environment
	// EtcdEndpoint is where the DNS records are.
	EtcdEndpoint string
	Controller   *env.Process
	CoreDNS      *env.CoreDNS
	// ClientSubnets place clients in each member region for gslb: region → subnet.
	ClientSubnets []RegionSubnet

	etcd     *embed.Etcd
	stopLBs  context.CancelFunc
	progress io.Writer
	started  time.Time
}

// RegionSubnet is a client subnet the Corefile places in a region.
type RegionSubnet struct{ Region, Subnet string }

// Up starts everything and returns once the example's global name answers through gslb. On
// error, what was started is stopped again.
func Up(ctx context.Context, o Options) (_ *Stack, err error) {
	s := &Stack{Dir: o.Dir, progress: o.Progress, started: time.Now()}
	if s.progress == nil {
		s.progress = io.Discard
	}
	defer func() {
		if err != nil {
			_ = s.Stop()
		}
	}()
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	local := o.HostContext == ""
	if err := s.startClusters(ctx, o); err != nil {
		return nil, err
	}
	if s.EtcdEndpoint = strings.Join(o.EtcdEndpoints, ","); s.EtcdEndpoint == "" {
		if s.etcd, s.EtcdEndpoint, err = startEmbeddedEtcd(filepath.Join(o.Dir, "dns-etcd")); err != nil {
			return nil, err
		}
		s.step("etcd for the DNS records runs in this process at %s", s.EtcdEndpoint)
	}
	controllerBin, err := findBinary(ctx, "meridian-controller", s.progress)
	if err != nil {
		return nil, err
	}
	corednsBin, err := findBinary(ctx, "coredns", s.progress)
	if err != nil {
		return nil, err
	}
	host, err := s.restConfig(s.HostContext)
	if err != nil {
		return nil, err
	}
	if err := prepareHost(ctx, host, s.HostContext); err != nil {
		return nil, err
	}
	s.step("host cluster %s has Meridian's CRDs and a KubeFedConfig", s.HostContext)
	if err := s.startController(ctx, controllerBin); err != nil {
		return nil, err
	}
	if err := s.joinMembers(ctx, host); err != nil {
		return nil, err
	}
	if local || o.SimulateLoadBalancers {
		if err := s.simulateLoadBalancers(ctx); err != nil {
			return nil, err
		}
	}
	if err := applyExamples(ctx, host); err != nil {
		return nil, err
	}
	s.step("applied the example app (examples/): namespace demo, Deployment and Service hello, ServiceDNSRecord hello")
	if err := s.startCoreDNS(ctx, corednsBin, o.DNSPort); err != nil {
		return nil, err
	}
	answers, err := s.waitGlobalAnswer(ctx)
	switch {
	case err == nil:
		s.step("%s answers %s", GlobalName, strings.Join(answers, " "))
	case local:
		return nil, err
	default:
		// Existing clusters may have no load balancer for the example Service (kind has none).
		s.step("warning: %v", err)
	}
	return s, nil
}

func (s *Stack) step(format string, args ...any) {
	fmt.Fprintf(s.progress, "[%5.1fs] %s\n", time.Since(s.started).Seconds(), fmt.Sprintf(format, args...))
}

func (s *Stack) startClusters(ctx context.Context, o Options) error {
	if o.HostContext != "" {
		if len(o.MemberContexts) == 0 {
			return errors.New("with --host-context, name at least one member's context (--member-context)")
		}
		s.Kubeconfig, s.HostContext = o.Kubeconfig, o.HostContext
		for _, m := range o.MemberContexts {
			name, context, found := strings.Cut(m, "=")
			if !found {
				context = name
			}
			s.Members = append(s.Members, Member{Name: name, Context: context})
		}
		return nil
	}
	s.step("starting a host and %d member clusters (the first run builds Kubernetes from source: about 10 minutes)", len(o.Members))
	e, err := env.Start(ctx, env.Options{Dir: filepath.Join(o.Dir, "clusters"), Members: o.Members, Progress: indent(s.progress)})
	if err != nil {
		return err
	}
	s.Env, s.Kubeconfig, s.HostContext = e, e.KubeconfigPath, env.HostContext
	for _, spec := range o.Members {
		s.Members = append(s.Members, Member{Name: spec.Name, Context: spec.Name})
	}
	return nil
}

// loadBalancerAddresses gives each member the address its load balancers get: one
// documentation range (RFC 5737) per region, neighbouring addresses within a region, so an
// answer shows where it comes from.
func loadBalancerAddresses(members []Member) []string {
	nets := []string{"192.0.2", "198.51.100", "203.0.113"}
	var regions []string
	inRegion := map[string]int{}
	addresses := make([]string, len(members))
	for i, spec := range members {
		r := slices.Index(regions, spec.Region)
		if r < 0 {
			r, regions = len(regions), append(regions, spec.Region)
		}
		n := 10 + inRegion[spec.Region]
		inRegion[spec.Region]++
		if r < len(nets) {
			addresses[i] = fmt.Sprintf("%s.%d", nets[r], n)
		} else {
			addresses[i] = fmt.Sprintf("100.64.%d.%d", r, n) // shared address space (RFC 6598)
		}
	}
	return addresses
}

func (s *Stack) restConfig(context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = s.Kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s, context %s: %w", s.Kubeconfig, context, err)
	}
	return cfg, nil
}

// findBinary returns the path of one of Meridian's commands: built from the checkout when
// meridianctl runs inside one (always current), else the one installed beside meridianctl.
func findBinary(ctx context.Context, name string, progress io.Writer) (string, error) {
	if _, err := env.RepoRoot(); err == nil {
		fmt.Fprintf(progress, "         building bin/%s\n", name)
		return env.BuildCommand(ctx, name)
	}
	self, err := os.Executable()
	if err == nil {
		path := filepath.Join(filepath.Dir(self), name)
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is neither beside meridianctl nor on PATH, and this is not a Meridian checkout to build it in", name)
	}
	return path, nil
}

// prepareHost installs the CRDs, the KubeFed namespace and, unless one exists, a KubeFedConfig
// that checks members every second, so a stopped member shows quickly.
func prepareHost(ctx context.Context, cfg *rest.Config, name string) error {
	if err := env.InstallCRDs(ctx, cfg, name); err != nil {
		return err
	}
	c, err := hostClient(cfg)
	if err != nil {
		return err
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fedNamespace}}
	if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", fedNamespace, err)
	}
	period, threshold, one := metav1.Duration{Duration: time.Second}, int64(3), int64(1)
	kfc := &v1beta1.KubeFedConfig{
		ObjectMeta: metav1.ObjectMeta{Name: v1beta1.KubeFedConfigName, Namespace: fedNamespace},
		Spec: v1beta1.KubeFedConfigSpec{Scope: "Cluster", ClusterHealthCheck: &v1beta1.ClusterHealthCheckConfig{
			Period: &period, FailureThreshold: &threshold, SuccessThreshold: &one}},
	}
	if err := c.Create(ctx, kfc); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating KubeFedConfig %s/%s: %w", fedNamespace, v1beta1.KubeFedConfigName, err)
	}
	return nil
}

func hostClient(cfg *rest.Config) (client.Client, error) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, v1beta1.AddToScheme} {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return client.New(cfg, client.Options{Scheme: scheme})
}

func (s *Stack) startController(ctx context.Context, binary string) error {
	ports, err := env.FreePorts(2)
	if err != nil {
		return err
	}
	probe := fmt.Sprintf("127.0.0.1:%d", ports[1])
	s.Controller = &env.Process{
		Name: "meridian-controller",
		Path: binary,
		Args: []string{
			"--kubeconfig", s.Kubeconfig, "--context", s.HostContext,
			"--provider=etcd", "--zone=" + Zone, "--etcd-endpoints=" + s.EtcdEndpoint,
			"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", ports[0]),
			"--health-probe-bind-address", probe,
		},
		LogPath: filepath.Join(s.Dir, "meridian-controller.log"),
	}
	if err := s.Controller.Start(ctx); err != nil {
		return err
	}
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		if !s.Controller.Running() {
			return false, fmt.Errorf("meridian-controller exited; last log lines:\n%s", s.Controller.LogTail(15))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+probe+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		return fmt.Errorf("meridian-controller not ready: %w", err)
	}
	s.step("meridian-controller ready, publishing zone %s to etcd (log: %s)", Zone, s.Controller.LogPath)
	return nil
}

// joinMembers joins every member and waits until the controller reports each Ready, learning
// the regions and zones of existing clusters from their KubeFedClusters.
func (s *Stack) joinMembers(ctx context.Context, host *rest.Config) error {
	c, err := hostClient(host)
	if err != nil {
		return err
	}
	for i := range s.Members {
		m := &s.Members[i]
		err := join.Join(ctx, join.JoinOptions{
			Clusters: join.Clusters{ClusterName: m.Name, ClusterContext: m.Context, HostContext: s.HostContext, Kubeconfig: s.Kubeconfig},
		})
		if err != nil {
			return fmt.Errorf("joining %s: %w", m.Name, err)
		}
		kfc := &v1beta1.KubeFedCluster{}
		err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			if err := c.Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: m.Name}, kfc); err != nil {
				return false, nil
			}
			// Topology is reported with the region and zones, found or not.
			return condition(kfc, v1beta1.ClusterReady) == corev1.ConditionTrue && condition(kfc, v1beta1.ClusterTopology) != "", nil
		})
		if err != nil {
			return fmt.Errorf("member %s joined but not Ready within a minute: %+v", m.Name, kfc.Status.Conditions)
		}
		if kfc.Status.Region != nil {
			m.Region = *kfc.Status.Region
		}
		m.Zones = kfc.Status.Zones
		s.step("joined %s (region %s, zones %s)", m.Name, orNone(m.Region), orNone(strings.Join(m.Zones, ",")))
	}
	return nil
}

func condition(kfc *v1beta1.KubeFedCluster, typ v1beta1.ClusterConditionType) corev1.ConditionStatus {
	for _, c := range kfc.Status.Conditions {
		if c.Type == typ {
			return c.Status
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (s *Stack) simulateLoadBalancers(ctx context.Context) error {
	lbCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stopLBs = cancel
	addresses := loadBalancerAddresses(s.Members)
	for i := range s.Members {
		m := &s.Members[i]
		m.LoadBalancer = addresses[i]
		cfg, err := s.restConfig(m.Context)
		if err != nil {
			return err
		}
		client, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return err
		}
		lb := &loadBalancer{cluster: m.Name, client: client, address: m.LoadBalancer, log: s.progress}
		if err := lb.run(lbCtx); err != nil {
			return err
		}
	}
	s.step("load balancers: every LoadBalancer Service gets its cluster's address (a cloud's job, simulated here)")
	return nil
}

func applyExamples(ctx context.Context, host *rest.Config) error {
	a, err := newApplier(host)
	if err != nil {
		return err
	}
	for _, name := range examples.Order {
		data, err := examples.Manifests.ReadFile(name)
		if err != nil {
			return err
		}
		if err := a.apply(ctx, "examples/"+name, data); err != nil {
			return err
		}
	}
	return nil
}

// Stop stops everything Up started, the DNS side first and the clusters last.
func (s *Stack) Stop() error {
	var errs []error
	if s.CoreDNS != nil {
		errs = append(errs, s.CoreDNS.Stop())
	}
	if s.Controller != nil {
		errs = append(errs, s.Controller.Stop())
	}
	if s.stopLBs != nil {
		s.stopLBs()
	}
	if s.etcd != nil {
		s.etcd.Close()
	}
	if s.Env != nil {
		errs = append(errs, s.Env.Stop())
	}
	return errors.Join(errs...)
}

// Processes lists the processes the stack runs, for `meridianctl down` to check.
func (s *Stack) Processes() []env.ProcessState {
	var states []env.ProcessState
	if s.Env != nil {
		states = s.Env.ProcessStates()
	}
	procs := []*env.Process{s.Controller}
	if s.CoreDNS != nil {
		procs = append(procs, s.CoreDNS.Process)
	}
	for _, p := range procs {
		if p != nil && p.Running() {
			states = append(states, env.ProcessState{Name: p.Name, PID: p.Pid()})
		}
	}
	return states
}

// indent prefixes every line written to w, so the clusters' progress nests under the step.
func indent(w io.Writer) io.Writer { return &prefixWriter{w: w} }

type prefixWriter struct{ w io.Writer }

func (p *prefixWriter) Write(b []byte) (int, error) {
	lines := strings.SplitAfter(string(b), "\n")
	for _, l := range lines {
		if l != "" {
			if _, err := io.WriteString(p.w, "         "+l); err != nil {
				return 0, err
			}
		}
	}
	return len(b), nil
}
