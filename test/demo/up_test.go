// Package demo tests `meridianctl up`, the all-in-one local federation, as a user runs it: the
// binary in the foreground, dig commands from its tour, `meridianctl down`.
package demo

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/meridian-dns/meridian/allinone"
	"github.com/meridian-dns/meridian/test/env"
)

// TestUpRunsTheTour starts `meridianctl up` with its default three members in two regions and
// checks what the tour promises: the global name answers through gslb, a client subnet of each
// region gets that region's addresses, west's shard going to 0 replicas sends west's clients to
// us-east-1, and `down` leaves no process behind.
func TestUpRunsTheTour(t *testing.T) {
	if testing.Short() {
		t.Skip("starts clusters")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	run := startUp(t, ctx)
	st := run.state

	const east1, east2, west = "192.0.2.10", "192.0.2.11", "198.51.100.10"
	for _, tc := range []struct {
		subnet string
		want   []string
	}{
		{"", []string{east1, east2, west}},
		{"10.1.7.0/24", []string{east1, east2}},
		{"10.2.7.0/24", []string{west}},
	} {
		got, err := allinone.Lookup(st.DNS, allinone.GlobalName, tc.subnet)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("client subnet %q: %s answers %v (%v), want %v", tc.subnet, allinone.GlobalName, got, err, tc.want)
		}
	}
	// The tour's own commands, run as printed.
	tour := run.output()
	for _, want := range []string{"west      eu-west-1   eu-west-1a   198.51.100.10", "meridianctl down --dir " + run.dir} {
		if !strings.Contains(tour, want) {
			t.Errorf("the tour does not say %q:\n%s", want, tour)
		}
	}
	westDig := tourLine(t, tour, "dig ", "+subnet=10.2.7.0/24")
	if out := runLine(t, ctx, westDig); out != west {
		t.Errorf("%s: %q, want %s", westDig, out, west)
	}
	runLine(t, ctx, tourLine(t, tour, "patch federateddeployment hello --type=merge", ""))
	westMember := memberClient(t, st.Kubeconfig, "west")
	eventually(t, ctx, "west's Deployment scaled to 0", func(ctx context.Context) bool {
		d, err := westMember.AppsV1().Deployments("demo").Get(ctx, "hello", metav1.GetOptions{})
		return err == nil && d.Spec.Replicas != nil && *d.Spec.Replicas == 0
	})
	eventually(t, ctx, "eu-west-1's clients answered from us-east-1", func(context.Context) bool {
		got, _ := allinone.Lookup(st.DNS, allinone.GlobalName, "10.2.7.0/24")
		return slices.Equal(got, []string{east1, east2})
	})
	runLine(t, ctx, tourLine(t, tour, "patch federateddeployment hello --type=json", ""))
	eventually(t, ctx, "west back for eu-west-1's clients", func(context.Context) bool {
		got, _ := allinone.Lookup(st.DNS, allinone.GlobalName, "10.2.7.0/24")
		return slices.Equal(got, []string{west})
	})
	run.down(t)
}

// TestUpOnExistingClusters runs `up` against clusters it did not start, as with kind: the
// controller, etcd and CoreDNS run locally and join the kubeconfig's contexts.
func TestUpOnExistingClusters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts clusters")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	clusters, err := env.Start(ctx, env.Options{Members: []env.ClusterSpec{
		{Name: "kind-us", Region: "us-west-2", Zones: []string{"us-west-2a"}},
		{Name: "kind-ap", Region: "ap-southeast-1", Zones: []string{"ap-southeast-1a"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer clusters.Stop()
	run := startUp(t, ctx, "--kubeconfig", clusters.KubeconfigPath, "--host-context", env.HostContext,
		"--member-context", "kind-us", "--member-context", "ap=kind-ap", "--simulate-load-balancers")
	// Members from the kubeconfig get their regions from their nodes; ap is kind-ap renamed.
	for _, want := range []string{"kind-us   us-west-2", "ap        ap-southeast-1"} {
		if !strings.Contains(run.output(), want) {
			t.Errorf("the tour does not say %q:\n%s", want, run.output())
		}
	}
	got, err := allinone.Lookup(run.state.DNS, allinone.GlobalName, "10.2.7.0/24")
	if err != nil || !slices.Equal(got, []string{"198.51.100.10"}) {
		t.Errorf("ap-southeast-1's client subnet gets %v (%v), want ap's simulated address 198.51.100.10", got, err)
	}
	run.down(t)
	if _, err := os.Stat(clusters.KubeconfigPath); err != nil {
		t.Errorf("down removed the clusters it did not start: %v", err)
	}
	if _, err := clusters.Host.Client().Discovery().ServerVersion(); err != nil {
		t.Errorf("the host cluster up did not start is down after 'meridianctl down': %v", err)
	}
}

// upRun is one `meridianctl up` in the foreground.
type upRun struct {
	dir   string
	cmd   *exec.Cmd
	out   *syncBuffer
	done  chan error
	state *env.RunState
}

func startUp(t *testing.T, ctx context.Context, args ...string) *upRun {
	t.Helper()
	binary, err := env.BuildCommand(ctx, "meridianctl")
	if err != nil {
		t.Fatal(err)
	}
	r := &upRun{dir: filepath.Join(t.TempDir(), "up"), out: &syncBuffer{}, done: make(chan error, 1)}
	r.cmd = exec.Command(binary, append([]string{"up", "--dir", r.dir, "--dns-port", "0"}, args...)...)
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		if r.cmd.ProcessState == nil {
			_ = r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("meridianctl up said:\n%s", r.output())
			if data, err := os.ReadFile(filepath.Join(r.dir, "meridian-controller.log")); err == nil {
				t.Logf("controller log (tail):\n%s", tail(string(data), 40))
			}
		}
	})
	// up records its state once everything answers; the tour follows at once.
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 10*time.Minute, true, func(context.Context) (bool, error) {
		select {
		case err := <-r.done:
			r.done <- err
			return false, fmt.Errorf("meridianctl up exited: %v", err)
		default:
		}
		r.state, err = env.ReadRunState(r.dir)
		return err == nil && strings.Contains(r.output(), "Stop with Ctrl-C"), nil
	})
	if err != nil {
		t.Fatalf("meridianctl up did not come up: %v\n%s", err, r.output())
	}
	return r
}

func (r *upRun) output() string { return r.out.String() }

// down runs `meridianctl down` and checks that up exits cleanly and every process it listed is
// gone.
func (r *upRun) down(t *testing.T) {
	t.Helper()
	binary := r.cmd.Path
	if out, err := exec.Command(binary, "down", "--dir", r.dir).CombinedOutput(); err != nil {
		t.Fatalf("meridianctl down: %v\n%s", err, out)
	}
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("meridianctl up exited with %v after down", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("meridianctl up still running 30 s after down returned")
	}
	for _, p := range r.state.Processes {
		if env.ProcessAlive(p.PID) {
			t.Errorf("%s (pid %d) still running after down", p.Name, p.PID)
		}
	}
	if _, err := allinone.Lookup(r.state.DNS, allinone.GlobalName, ""); err == nil {
		t.Errorf("CoreDNS still answers on %s after down", r.state.DNS)
	}
	if !strings.Contains(r.output(), "stopped") {
		t.Errorf("up did not say it stopped:\n%s", r.output())
	}
}

// tourLine returns the command the tour prints on the line containing both marks (the second
// may be empty), with its continuation line joined.
func tourLine(t *testing.T, tour, mark, mark2 string) string {
	t.Helper()
	lines := strings.Split(tour, "\n")
	for i, l := range lines {
		if strings.Contains(l, mark) && strings.Contains(l, mark2) {
			line := strings.TrimSpace(l)
			if strings.HasSuffix(line, "\\") && i+1 < len(lines) {
				line = strings.TrimSuffix(line, "\\") + strings.TrimSpace(lines[i+1])
			}
			if c := strings.Index(line, "  #"); c > 0 {
				line = strings.TrimSpace(line[:c])
			}
			return line
		}
	}
	t.Fatalf("the tour has no line with %q and %q:\n%s", mark, mark2, tour)
	return ""
}

// runLine runs a shell command line from the tour and returns its trimmed output.
func runLine(t *testing.T, ctx context.Context, line string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "sh", "-c", line).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	return strings.TrimSpace(string(out))
}

func memberClient(t *testing.T, kubeconfig, context string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		t.Fatal(err)
	}
	return kubernetes.NewForConfigOrDie(cfg)
}

func eventually(t *testing.T, ctx context.Context, what string, cond func(context.Context) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		return cond(ctx), nil
	})
	if err != nil {
		t.Fatalf("%s: not within a minute", what)
	}
}

func tail(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
