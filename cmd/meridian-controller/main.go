// Command meridian-controller runs Meridian's controllers against the host cluster: one active
// replica at a time (Lease leader election), with health probes and Prometheus metrics.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/controllers/health"
	"github.com/meridian-dns/meridian/controllers/ingressdns"
	"github.com/meridian-dns/meridian/controllers/servicedns"
	"github.com/meridian-dns/meridian/controllers/shards"
	corev1beta1 "github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	multiclusterdnsv1alpha1 "github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	schedulingv1alpha1 "github.com/meridian-dns/meridian/federation/apis/scheduling/v1alpha1"
	typesv1beta1 "github.com/meridian-dns/meridian/federation/apis/types/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
	"github.com/meridian-dns/meridian/federation/propagation"
	"github.com/meridian-dns/meridian/federation/scheduling"
	"github.com/meridian-dns/meridian/version"
)

// options are the command-line settings.
type options struct {
	kubeconfig      string
	context         string
	namespace       string
	leaderElect     bool
	leaderNamespace string
	leaderID        string
	metricsAddr     string
	probeAddr       string
	showVersion     bool
	qps             float64
	burst           int
	zap             zap.Options
	publish         publishOptions
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run returns the exit code: 0 after a clean shutdown, 2 for bad flags, 1 for other failures.
func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "meridian-controller: %v\nRun 'meridian-controller --help' for usage.\n", err)
		return 2
	}
	if opts.showVersion {
		fmt.Fprintln(stdout, "meridian-controller", version.String())
		return 0
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts.zap)))
	if err := serve(opts); err != nil {
		fmt.Fprintf(stderr, "meridian-controller: error: %v\n", err)
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("meridian-controller", flag.ContinueOnError)
	// The flag package prints the whole usage on any error; we print one line and a hint instead.
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the host cluster (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	fs.StringVar(&o.context, "context", "", "kubeconfig context of the host cluster (default: the current context)")
	fs.StringVar(&o.namespace, "kubefed-namespace", "kube-federation-system", "namespace of the KubeFedClusters, their Secrets and the KubeFedConfig")
	fs.BoolVar(&o.leaderElect, "leader-elect", true, "run only while holding the leader Lease, so several replicas can stand by")
	fs.StringVar(&o.leaderNamespace, "leader-election-namespace", "kube-federation-system", "namespace of the leader Lease")
	fs.StringVar(&o.leaderID, "leader-election-id", "meridian-controller", "name of the leader Lease")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", "address of the Prometheus /metrics endpoint; 0 disables it")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz endpoints")
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	fs.Float64Var(&o.qps, "kube-api-qps", 50, "requests per second to the host API server at most, shared by every controller")
	fs.IntVar(&o.burst, "kube-api-burst", 100, "requests to the host API server allowed at once above --kube-api-qps")
	o.publish.bind(fs)
	o.zap.BindFlags(fs)
	fs.Usage = func() {} // called by Parse on every error
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "Usage: meridian-controller [flags]\n\nRuns Meridian's controllers against the host cluster.\n\nFlags:\n")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: meridian-controller takes only flags", fs.Arg(0))
	}
	if err := o.publish.validate(); err != nil {
		return nil, err
	}
	return o, nil
}

func serve(o *options) error {
	// Bind errors from inside the manager do not say which flag to change; check first.
	for flagName, addr := range map[string]string{"--metrics-bind-address": o.metricsAddr, "--health-probe-bind-address": o.probeAddr} {
		if err := checkListen(addr); err != nil {
			return fmt.Errorf("%s %s: %w", flagName, addr, err)
		}
	}
	cfg, err := hostConfig(o.kubeconfig, o.context)
	if err != nil {
		return err
	}
	// client-go's default (5 per second, burst 10) is less than the cluster health probes alone
	// write each second with a few members; every DNS change would then queue behind them.
	cfg.QPS, cfg.Burst = float32(o.qps), o.burst
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := corev1beta1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := typesv1beta1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := schedulingv1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := multiclusterdnsv1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme: scheme,
		// Only the federation namespace's Secrets are read (member tokens); caching every
		// Secret of the host would cost memory and rights for nothing.
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Namespaces: map[string]cache.Config{o.namespace: {}}},
		}},
		// Federated<Kind> objects are read as unstructured; the controllers watch them anyway,
		// so their reads come from the cache too instead of the API server.
		Client:                        client.Options{Cache: &client.CacheOptions{Unstructured: true}},
		Metrics:                       metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:        o.probeAddr,
		LeaderElection:                o.leaderElect,
		LeaderElectionNamespace:       o.leaderNamespace,
		LeaderElectionID:              o.leaderID,
		LeaderElectionReleaseOnCancel: true, // a replica shutting down hands over at once
	})
	if err != nil {
		return fmt.Errorf("creating the controller manager: %w", err)
	}
	registry := cluster.NewRegistry(scheme, ctrl.Log.WithName("members"))
	clusters := &cluster.Controller{
		Client:    mgr.GetClient(),
		Namespace: o.namespace,
		Registry:  registry,
		Recorder:  mgr.GetEventRecorder("meridian-cluster-health"),
	}
	if err := clusters.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the cluster health controller: %w", err)
	}
	rsp := &scheduling.Controller{
		Host:      mgr.GetClient(),
		Namespace: o.namespace,
		Registry:  registry,
		Recorder:  mgr.GetEventRecorder("meridian-scheduling"),
	}
	if err := rsp.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the replica scheduling controller: %w", err)
	}
	sync := &propagation.Controller{
		Host:      mgr.GetClient(),
		Namespace: o.namespace,
		Registry:  registry,
		Recorder:  mgr.GetEventRecorder("meridian-sync"),
	}
	if err := sync.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the sync controller: %w", err)
	}
	// One Prober for both record kinds; ProbeEvents routes its transitions to their controllers.
	probeEvents := shards.NewProbeEvents()
	prober := health.NewProber(probeEvents.Notify)
	if err := mgr.Add(prober); err != nil {
		return err
	}
	serviceDNS := &servicedns.Controller{Host: mgr.GetClient(), Namespace: o.namespace, Registry: registry,
		Recorder: mgr.GetEventRecorder("meridian-servicedns"), Prober: prober, ProbeEvents: probeEvents}
	if err := serviceDNS.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the ServiceDNSRecord controller: %w", err)
	}
	ingressDNS := &ingressdns.Controller{Host: mgr.GetClient(), Namespace: o.namespace, Registry: registry,
		Recorder: mgr.GetEventRecorder("meridian-ingressdns"), Prober: prober, ProbeEvents: probeEvents}
	if err := ingressDNS.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the IngressDNSRecord controller: %w", err)
	}
	endpoints := &dnsendpoint.Controller{
		Client:    mgr.GetClient(),
		Namespace: o.namespace,
		Recorder:  mgr.GetEventRecorder("meridian-dnsendpoint"),
	}
	if err := endpoints.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the DNSEndpoint controller: %w", err)
	}
	ctx := ctrl.SetupSignalHandler()
	if err := setUpPublishing(ctx, mgr, &o.publish); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	ctrl.Log.Info("Starting meridian-controller", "version", version.Version, "host", cfg.Host, "leaderElection", o.leaderElect)
	if err := mgr.Start(ctx); err != nil {
		return fmt.Errorf("running the controller manager: %w", err)
	}
	ctrl.Log.Info("Stopped cleanly")
	return nil
}

// checkListen reports whether addr can be listened on; "0" and "" mean disabled.
func checkListen(addr string) error {
	if addr == "" || addr == "0" {
		return nil
	}
	l, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return errors.New("address already in use: stop the other process or choose another port")
	}
	if err != nil {
		return err
	}
	return l.Close()
}

// hostConfig loads the host cluster's client configuration the way kubectl does.
func hostConfig(kubeconfig, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if clientcmd.IsEmptyConfig(err) {
		return nil, errors.New("no kubeconfig found for the host cluster: pass --kubeconfig (and --context), set KUBECONFIG, or run in a cluster")
	}
	if err != nil {
		return nil, fmt.Errorf("loading the host cluster's kubeconfig: %w", err)
	}
	return cfg, nil
}
