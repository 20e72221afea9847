package dnsendpoint_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
)

const fedNamespace = "kube-federation-system"

// host is a direct (uncached) client of the test host, where the controller runs in-process;
// nil under -short.
var host client.Client

// TestMain runs the DNSEndpoint controller alone against a real host: the tests write record
// status themselves, as the servicedns and ingressdns controllers would.
func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, env.DefaultMembers(0), func(ctx context.Context, e *env.Environment) error {
		scheme := runtime.NewScheme()
		_ = clientgoscheme.AddToScheme(scheme)
		_ = v1alpha1.AddToScheme(scheme)
		ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr)))
		mgr, err := ctrl.NewManager(e.Host.RESTConfig(), ctrl.Options{Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
		if err != nil {
			return err
		}
		resolver, err := startLoadBalancerDNS(ctx, e.Dir)
		if err != nil {
			return err
		}
		c := &dnsendpoint.Controller{Client: mgr.GetClient(), Namespace: fedNamespace, Recorder: mgr.GetEventRecorder("meridian-dnsendpoint"),
			Resolver: resolver, ResolveInterval: 300 * time.Millisecond}
		if err := c.SetupWithManager(mgr); err != nil {
			return err
		}
		if host, err = client.New(e.Host.RESTConfig(), client.Options{Scheme: scheme}); err != nil {
			return err
		}
		for _, ns := range []string{fedNamespace, "shop"} {
			if err := host.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
				return err
			}
		}
		go func() {
			if err := mgr.Start(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "manager:", err)
			}
		}()
		return nil
	}))
}

// lbZone is the zone that load-balancer hostnames resolve in, served by a real CoreDNS; its
// file is rewritten by tests to move a hostname.
var lbZone string

const lbZoneTemplate = `$ORIGIN elb.example.net.
@   60 IN SOA ns.elb.example.net. admin.elb.example.net. %d 60 60 60 60
@   60 IN NS  ns.elb.example.net.
web 60 IN A   %s
`

// startLoadBalancerDNS runs bin/coredns with a file zone for elb.example.net, reloaded every
// 100 ms, and returns a resolver that asks it.
func startLoadBalancerDNS(ctx context.Context, dir string) (*net.Resolver, error) {
	binary, err := env.BuildCommand(ctx, "coredns")
	if err != nil {
		return nil, err
	}
	lbZone = filepath.Join(dir, "db.elb.example.net")
	if err := writeLBZone(1, "192.0.2.55"); err != nil {
		return nil, err
	}
	corefile := "elb.example.net {\n    bind 127.0.0.1\n    file " + lbZone + " {\n        reload 100ms\n    }\n}\n"
	server, err := env.StartCoreDNS(ctx, binary, filepath.Join(dir, "coredns"), corefile)
	if err != nil {
		return nil, err
	}
	go func() { <-ctx.Done(); _ = server.Stop() }()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server.Addr)
	}}, nil
}

func writeLBZone(serial int, ip string) error {
	return os.WriteFile(lbZone, []byte(fmt.Sprintf(lbZoneTemplate, serial, ip)), 0o644)
}

func needHost(t *testing.T) context.Context {
	t.Helper()
	if host == nil {
		t.Skip("needs the test environment (not started with -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func lb(ips ...string) corev1.LoadBalancerStatus {
	var s corev1.LoadBalancerStatus
	for _, ip := range ips {
		s.Ingress = append(s.Ingress, corev1.LoadBalancerIngress{IP: ip})
	}
	return s
}

// setStatus writes a ServiceDNSRecord's status.dns as the servicedns controller would.
func setStatus(t *testing.T, ctx context.Context, name string, dns ...v1alpha1.ClusterDNS) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		rec := &v1alpha1.ServiceDNSRecord{}
		if err := host.Get(ctx, client.ObjectKey{Namespace: "shop", Name: name}, rec); err != nil {
			return false, err
		}
		rec.Status.Domain, rec.Status.DNS = "example.com", dns
		err := host.Status().Update(ctx, rec)
		return err == nil, client.IgnoreAlreadyExists(ignoreConflict(err))
	})
	if err != nil {
		t.Fatalf("writing the status of %s: %v", name, err)
	}
}

func ignoreConflict(err error) error {
	if apierrors.IsConflict(err) {
		return nil
	}
	return err
}

// waitEndpoints waits until the DNSEndpoint named name holds an endpoint for dnsName with
// exactly targets (sorted), and returns the object.
func waitEndpoints(t *testing.T, ctx context.Context, name, dnsName string, targets ...string) *v1alpha1.DNSEndpoint {
	t.Helper()
	ep := &v1alpha1.DNSEndpoint{}
	var last []v1alpha1.Endpoint
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 15*time.Second, true, func(ctx context.Context) (bool, error) {
		if err := host.Get(ctx, client.ObjectKey{Namespace: "shop", Name: name}, ep); err != nil {
			return false, nil
		}
		last = ep.Spec.Endpoints
		for _, e := range ep.Spec.Endpoints {
			if e.DNSName == dnsName && fmt.Sprint([]string(e.Targets)) == fmt.Sprint(targets) {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("DNSEndpoint %s: no %s → %v; endpoints %+v", name, dnsName, targets, last)
	}
	return ep
}

func hasEvent(ctx context.Context, regarding, reason string) bool {
	var list eventsv1.EventList
	if err := host.List(ctx, &list, client.InNamespace("shop")); err != nil {
		return false
	}
	for _, e := range list.Items {
		if e.Regarding.Name == regarding && e.Reason == reason {
			return true
		}
	}
	return false
}
