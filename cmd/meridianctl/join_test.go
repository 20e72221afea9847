package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridian-dns/meridian/test/env"
)

// writeKubeconfig writes a kubeconfig whose contexts point at servers on the given ports of
// 127.0.0.1, where nothing listens.
func writeKubeconfig(t *testing.T, contexts map[string]int) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	for name, port := range contexts {
		cfg.Clusters[name] = &clientcmdapi.Cluster{Server: fmt.Sprintf("https://127.0.0.1:%d", port), InsecureSkipTLSVerify: true}
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: "t"}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestJoinAndUnjoinFlagsAndMessages(t *testing.T) {
	ports, err := env.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	path := writeKubeconfig(t, map[string]int{"kubeadm@kubernetes": ports[0], "member1": ports[1]})
	// Without --kubeconfig, $KUBECONFIG is read as kubectl reads it.
	t.Setenv("KUBECONFIG", path)
	host := "--host-cluster-context=kubeadm@kubernetes"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"join"}, "join needs exactly one argument, the member's NAME in the federation (got 0)"},
		{[]string{"unjoin", "a", "b", host}, "unjoin needs exactly one argument, the member's NAME in the federation (got 2)"},
		{[]string{"join", "member1"}, `required flag(s) "host-cluster-context" not set`},
		{[]string{"unjoin", "member1"}, `required flag(s) "host-cluster-context" not set`},
		{[]string{"join", "member1", host, "--bogus"}, "unknown flag: --bogus"},
		{[]string{"join", "Kubeadm@k8s", host}, `join Kubeadm@k8s: invalid cluster name "Kubeadm@k8s": must be at most 63 lower-case letters, ` +
			`digits or '-', starting and ending with a letter or digit (for example "us-east-1")`},
		{[]string{"join", "member1", host, "--host-cluster-name=Hub"}, `join member1: invalid host cluster name "Hub"`},
		{[]string{"join", "member1", host, "--kubefed-namespace=Fed"}, `join member1: invalid namespace "Fed"`},
		{[]string{"join", "member2", host}, `join member2: cluster context "member2" is not in the kubeconfig (` + path +
			`); its contexts are: kubeadm@kubernetes, member1`},
		{[]string{"join", "member1", "--host-cluster-context=host"}, `join member1: cluster context "host" is not in the kubeconfig`},
		{[]string{"join", "member1", host, "--kubeconfig=" + filepath.Join(t.TempDir(), "none")}, "join member1: loading kubeconfig: "},
		{[]string{"join", "member1", host, "--secret-name=s", "--error-on-existing"},
			fmt.Sprintf(`join member1: cluster context "member1" (https://127.0.0.1:%d): not reachable: `, ports[1])},
		{[]string{"join", "m", "--cluster-context=kubeadm@kubernetes", "--host-cluster-context=member1"},
			fmt.Sprintf(`join m: cluster context "kubeadm@kubernetes" (https://127.0.0.1:%d): not reachable: `, ports[0])},
		{[]string{"unjoin", "member1", host, "--keep-resources"},
			fmt.Sprintf(`unjoin member1: cluster context "kubeadm@kubernetes" (https://127.0.0.1:%d): not reachable: `, ports[0])},
	}
	for _, tc := range cases {
		out, err := execute(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error\n %v\nwant one containing\n %s", tc.args, err, tc.want)
		}
		if strings.Contains(out, "✓") {
			t.Errorf("%v: progress although nothing was done:\n%s", tc.args, out)
		}
	}
}

func TestHelpListsJoinAndUnjoin(t *testing.T) {
	out, err := execute("--help")
	for _, want := range []string{"join ", "unjoin ", "--kubeconfig"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("--help lacks %q: %v\n%s", want, err, out)
		}
	}
	out, err = execute("join", "--help")
	for _, want := range []string{"--cluster-context", "--host-cluster-context", "--host-cluster-name", "--kubefed-namespace",
		`(default "kube-federation-system")`, "--secret-name", "--error-on-existing", "--kubeconfig"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("join --help lacks %q: %v", want, err)
		}
	}
	out, err = execute("unjoin", "--help")
	if err != nil || !strings.Contains(out, "--keep-resources") || strings.Contains(out, "--error-on-existing") {
		t.Errorf("unjoin --help: %v\n%s", err, out)
	}
}

// TestJoinAndUnjoinAgainstRealClusters runs the commands as a person would, against a host
// and one member.
func TestJoinAndUnjoinAgainstRealClusters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Kubernetes control planes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	e, err := env.Start(ctx, env.Options{Dir: t.TempDir(), Members: env.DefaultMembers(1), Progress: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	if err := e.Host.InstallCRDs(ctx); err != nil {
		t.Fatal(err)
	}
	kubeconfig := "--kubeconfig=" + e.KubeconfigPath
	out, err := execute("join", "member1", "--host-cluster-context", "host", kubeconfig)
	if err != nil {
		t.Fatalf("join: %v\n%s", err, out)
	}
	want := []string{
		`✓ member "member1": Namespace kube-federation-system created`,
		`✓ member "member1": ServiceAccount kube-federation-system/member1-host created`,
		`✓ member "member1": ClusterRole meridian-member:member1-host created`,
		`✓ member "member1": ClusterRoleBinding meridian-member:member1-host created`,
		`✓ member "member1": Secret kube-federation-system/member1-host-token created`,
		`✓ member "member1": Secret kube-federation-system/member1-host-token holds the ServiceAccount's token`,
		`✓ host "host": Namespace kube-federation-system created`,
		`✓ host "host": Secret kube-federation-system/member1-token created`,
		`✓ host "host": KubeFedCluster kube-federation-system/member1 created`,
		`member "member1" joined host "host": KubeFedCluster kube-federation-system/member1`,
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); !slices.Equal(got, want) {
		t.Errorf("join output\n%s\nwant\n%s", out, strings.Join(want, "\n"))
	}

	_, err = execute("join", "member1", "--host-cluster-context=host", "--error-on-existing", kubeconfig)
	if err == nil || !strings.Contains(err.Error(), "ServiceAccount kube-federation-system/member1-host already exists in the member (--error-on-existing)") {
		t.Errorf("join --error-on-existing: %v", err)
	}

	out, err = execute("unjoin", "member1", "--cluster-context=member1", "--host-cluster-context=host", kubeconfig)
	if err != nil || !strings.Contains(out, `✓ host "host": KubeFedCluster kube-federation-system/member1 deleted`) ||
		!strings.Contains(out, `member "member1" unjoined from host "host"`) {
		t.Errorf("unjoin: %v\n%s", err, out)
	}
	secrets, err := e.Host.Client().CoreV1().Secrets("kube-federation-system").List(ctx, metav1.ListOptions{})
	if err == nil && len(secrets.Items) > 0 {
		t.Errorf("Secrets left in the host: %d", len(secrets.Items))
	}
}
