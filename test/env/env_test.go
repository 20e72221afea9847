package env

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDefaultMembersHaveDistinctRegions(t *testing.T) {
	specs := DefaultMembers(3)
	want := []ClusterSpec{
		{Name: "member1", Region: "us-east-1", Zones: []string{"us-east-1a"}},
		{Name: "member2", Region: "eu-west-1", Zones: []string{"eu-west-1a"}},
		{Name: "member3", Region: "ap-southeast-1", Zones: []string{"ap-southeast-1a"}},
	}
	for i := range want {
		if specs[i].Name != want[i].Name || specs[i].Region != want[i].Region || strings.Join(specs[i].Zones, ",") != strings.Join(want[i].Zones, ",") {
			t.Errorf("member %d = %+v, want %+v", i, specs[i], want[i])
		}
	}
}

func TestValidateSpecs(t *testing.T) {
	cases := []struct {
		name  string
		specs []ClusterSpec
		want  string // substring of the error; "" means valid
	}{
		{"defaults", DefaultMembers(2), ""},
		{"empty name", []ClusterSpec{{Zones: []string{"a"}}}, "non-empty name"},
		{"slash", []ClusterSpec{{Name: "a/b", Zones: []string{"a"}}}, "without '/'"},
		{"duplicate", []ClusterSpec{{Name: "m", Zones: []string{"a"}}, {Name: "m", Zones: []string{"a"}}}, "used twice"},
		{"host name taken", []ClusterSpec{{Name: HostContext, Zones: []string{"a"}}}, "used twice"},
		{"no zone", []ClusterSpec{{Name: "m"}}, "at least one zone"},
	}
	for _, tc := range cases {
		err := validateSpecs(tc.specs)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestHelmLDFlagsStampVersions: Helm's version, and the Kubernetes version helm template assumes,
// derived from the client-go that tools/helm pins.
func TestHelmLDFlagsStampVersions(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	flags := helmLDFlags(filepath.Join(root, "tools", "helm"), "v3.22.0")
	for _, want := range []string{
		"-X helm.sh/helm/v3/internal/version.version=v3.22.0",
		"-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1",
		"-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=",
		"-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=",
	} {
		if !strings.Contains(flags, want) {
			t.Errorf("ldflags %q lack %q", flags, want)
		}
	}
}

func TestKubernetesLDFlagsStampVersion(t *testing.T) {
	flags := kubernetesLDFlags("", "v1.36.3")
	for _, want := range []string{
		"-X k8s.io/component-base/version.gitVersion=v1.36.3",
		"-X k8s.io/component-base/version.gitMinor=36",
		"-X k8s.io/client-go/pkg/version.gitVersion=v1.36.3",
	} {
		if !strings.Contains(flags, want) {
			t.Errorf("ldflags %q lack %q", flags, want)
		}
	}
}

func TestFreePortsAreDistinct(t *testing.T) {
	ports, err := FreePorts(20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] || p <= 0 {
			t.Fatalf("port %d repeated or invalid in %v", p, ports)
		}
		seen[p] = true
	}
}

// TestStopLeavesNoProcess starts a real environment with one member and checks that Stop ends
// every process it started and removes the temporary folder.
func TestStopLeavesNoProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	e, err := Start(ctx, Options{Members: DefaultMembers(1)})
	if err != nil {
		t.Fatal(err)
	}
	procs := []*Process{e.Etcd.Process}
	for _, c := range e.Clusters() {
		for _, p := range []*Process{c.APIServer, c.ControllerManager, c.Scheduler, c.KWOK} {
			if p != nil {
				procs = append(procs, p)
			}
		}
	}
	if len(procs) != 7 {
		t.Fatalf("%d processes, want 7 (etcd; host apiserver and kcm; member apiserver, kcm, scheduler, KWOK)", len(procs))
	}
	pids := map[string]int{}
	for _, p := range procs {
		if !p.Running() {
			t.Fatalf("%s is not running after Start", p.Name)
		}
		pids[p.Name] = p.Pid()
	}
	if err := e.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	for name, pid := range pids {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("%s (pid %d) still exists after Stop (kill 0: %v)", name, pid, err)
		}
	}
}
