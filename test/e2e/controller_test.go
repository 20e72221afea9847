package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/meridian-dns/meridian/test/env"
)

const leaseNamespace = "kube-federation-system"

// controllerProcess is one running bin/meridian-controller.
type controllerProcess struct {
	cmd         *exec.Cmd
	metricsAddr string
	probeAddr   string
	done        chan error
	log         string
}

// startController runs binary with the test host's kubeconfig, the Lease leaseName, free
// metrics and probe ports, and extra flags (a DNS provider's, for example).
func startController(t testing.TB, binary, leaseName string, extra ...string) *controllerProcess {
	t.Helper()
	ports, err := env.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	c := &controllerProcess{
		metricsAddr: fmt.Sprintf("127.0.0.1:%d", ports[0]),
		probeAddr:   fmt.Sprintf("127.0.0.1:%d", ports[1]),
		done:        make(chan error, 1),
		log:         filepath.Join(t.TempDir(), "controller.log"),
	}
	logFile, err := os.Create(c.log)
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{
		"--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext,
		"--leader-election-id", leaseName,
		"--metrics-bind-address", c.metricsAddr,
		"--health-probe-bind-address", c.probeAddr}, extra...)
	c.cmd = exec.Command(binary, args...)
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting meridian-controller: %v", err)
	}
	go func() { c.done <- c.cmd.Wait(); logFile.Close() }()
	t.Cleanup(func() {
		// SIGTERM hands the Lease over at once, so the next test's controller does not wait for
		// it to expire (about 15 s) while the objects show the old controller's status.
		if c.cmd.Process.Signal(syscall.SIGTERM) == nil {
			select {
			case <-c.done:
			case <-time.After(10 * time.Second):
				_ = c.cmd.Process.Kill()
			}
		}
		if t.Failed() {
			data, _ := os.ReadFile(c.log)
			t.Logf("meridian-controller log:\n%s", data)
		}
	})
	return c
}

// stop sends SIGTERM and requires a clean exit (status 0) within 20 s.
func (c *controllerProcess) stop(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signalling meridian-controller: %v", err)
	}
	select {
	case err := <-c.done:
		if err != nil {
			t.Fatalf("meridian-controller did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("meridian-controller still running 20 s after SIGTERM")
	}
}

func httpGet(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// leaseHolder returns the holder of the Lease, "" when it is free or absent.
func leaseHolder(ctx context.Context, client kubernetes.Interface, name string) (string, error) {
	lease, err := client.CoordinationV1().Leases(leaseNamespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil || lease.Spec.HolderIdentity == nil {
		return "", err
	}
	return *lease.Spec.HolderIdentity, nil
}

func waitLeaseHolder(t *testing.T, ctx context.Context, client kubernetes.Interface, name string, accept func(string) bool, what string) string {
	t.Helper()
	var holder string
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		var err error
		holder, err = leaseHolder(ctx, client, name)
		return err == nil && accept(holder), nil
	})
	if err != nil {
		t.Fatalf("Lease %s/%s: waiting for %s, holder is %q: %v", leaseNamespace, name, what, holder, err)
	}
	return holder
}

// TestControllerLeaderElection runs two controller replicas against the host: one takes the
// Lease and serves probes and metrics, the other stands by and takes over when the leader stops
// on SIGTERM; the last one releases the Lease as it exits.
func TestControllerLeaderElection(t *testing.T) {
	ctx := testContext(t, 2*time.Minute)
	binary, err := env.BuildCommand(ctx, "meridian-controller")
	if err != nil {
		t.Fatal(err)
	}
	host := testEnv.Host.Client()
	_, err = host.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: leaseNamespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating %s: %v", leaseNamespace, err)
	}
	const lease = "smoke-meridian-controller"

	first := startController(t, binary, lease)
	leader := waitLeaseHolder(t, ctx, host, lease, func(h string) bool { return h != "" }, "a holder")

	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body, err := httpGet(ctx, "http://"+first.probeAddr+path); err != nil || code != http.StatusOK {
			t.Fatalf("GET %s: %d %q %v", path, code, body, err)
		}
	}
	wantMetric := fmt.Sprintf(`leader_election_master_status{name=%q} 1`, lease)
	if _, body, err := httpGet(ctx, "http://"+first.metricsAddr+"/metrics"); err != nil || !strings.Contains(body, wantMetric) {
		t.Fatalf("/metrics lacks %q (err %v)", wantMetric, err)
	}

	second := startController(t, binary, lease)
	// The standby must not take the Lease while the leader holds it.
	time.Sleep(3 * time.Second)
	if holder, err := leaseHolder(ctx, host, lease); err != nil || holder != leader {
		t.Fatalf("Lease holder changed to %q while the leader %q runs (err %v)", holder, leader, err)
	}

	first.stop(t)
	waitLeaseHolder(t, ctx, host, lease, func(h string) bool { return h != "" && h != leader }, "the standby to take over")

	second.stop(t)
	waitLeaseHolder(t, ctx, host, lease, func(h string) bool { return h == "" }, "release on shutdown")
}
