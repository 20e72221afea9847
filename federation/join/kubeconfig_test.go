package join

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

const testCA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

func TestClusterSpec(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(caFile, []byte("from file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		desc    string
		cluster clientcmdapi.Cluster
		want    v1beta1.KubeFedClusterSpec
		wantErr string
	}{
		{desc: "inline CA",
			cluster: clientcmdapi.Cluster{Server: "https://10.0.0.1:6443", CertificateAuthorityData: []byte(testCA)},
			want:    v1beta1.KubeFedClusterSpec{APIEndpoint: "https://10.0.0.1:6443", CABundle: []byte(testCA), SecretRef: v1beta1.LocalSecretReference{Name: "s"}}},
		{desc: "inline CA wins over the file",
			cluster: clientcmdapi.Cluster{Server: "https://a", CertificateAuthorityData: []byte(testCA), CertificateAuthority: "/nonexistent"},
			want:    v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a", CABundle: []byte(testCA), SecretRef: v1beta1.LocalSecretReference{Name: "s"}}},
		{desc: "CA file",
			cluster: clientcmdapi.Cluster{Server: "https://a", CertificateAuthority: caFile},
			want:    v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a", CABundle: []byte("from file\n"), SecretRef: v1beta1.LocalSecretReference{Name: "s"}}},
		{desc: "missing CA file",
			cluster: clientcmdapi.Cluster{Server: "https://a", CertificateAuthority: filepath.Join(t.TempDir(), "gone.crt")},
			wantErr: "reading the cluster's certificate authority: open "},
		{desc: "insecure, no CA: system roots are not used either",
			cluster: clientcmdapi.Cluster{Server: "https://a", InsecureSkipTLSVerify: true},
			want: v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a", SecretRef: v1beta1.LocalSecretReference{Name: "s"},
				DisabledTLSValidations: []v1beta1.TLSValidation{"*"}}},
		{desc: "proxy",
			cluster: clientcmdapi.Cluster{Server: "https://a", CertificateAuthorityData: []byte(testCA), ProxyURL: "socks5://proxy:1080"},
			want: v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a", CABundle: []byte(testCA), SecretRef: v1beta1.LocalSecretReference{Name: "s"},
				ProxyURL: "socks5://proxy:1080"}},
		{desc: "no server", cluster: clientcmdapi.Cluster{CertificateAuthorityData: []byte(testCA)}, wantErr: "no server URL"},
	}
	for _, tc := range cases {
		got, err := clusterSpec(&tc.cluster, "s")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", tc.desc, got, err, tc.want)
		}
	}
}

// writeKubeconfig writes a kubeconfig with one context per name, each with its own cluster;
// the CA is a file next to it, referenced by a relative path.
func writeKubeconfig(t *testing.T, contexts ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.crt"), []byte(testCA), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	for _, name := range contexts {
		cfg.Clusters[name+"-cluster"] = &clientcmdapi.Cluster{Server: "https://" + name + ".example:6443", CertificateAuthority: "ca.crt"}
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: "t"}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name + "-cluster", AuthInfo: name}
	}
	cfg.Contexts["dangling"] = &clientcmdapi.Context{Cluster: "nowhere", AuthInfo: contexts[0]}
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestKubeconfigContexts(t *testing.T) {
	path := writeKubeconfig(t, "kubeadm@kubernetes", "member1")
	k, err := loadKubeconfig(path)
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := k.cluster("kubeadm@kubernetes")
	if err != nil {
		t.Fatalf("context with '@': %v", err)
	}
	// The relative CA path is resolved against the kubeconfig's folder, so it can be read.
	spec, err := clusterSpec(cluster, "s")
	if err != nil || string(spec.CABundle) != testCA || spec.APIEndpoint != "https://kubeadm@kubernetes.example:6443" {
		t.Errorf("spec from a context with a relative CA file: %+v, %v", spec, err)
	}
	_, err = k.cluster("member2")
	want := `cluster context "member2" is not in the kubeconfig (` + path + `); its contexts are: dangling, kubeadm@kubernetes, member1`
	if err == nil || err.Error() != want {
		t.Errorf("unknown context: error %v, want %q", err, want)
	}
	if _, err := k.cluster("dangling"); err == nil || !strings.Contains(err.Error(), `refers to cluster "nowhere"`) {
		t.Errorf("context without a cluster: error %v", err)
	}
	if _, err := k.restConfig("member1"); err != nil {
		t.Errorf("rest config: %v", err)
	}
}

func TestKubeconfigMissingFile(t *testing.T) {
	_, err := loadKubeconfig(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "loading kubeconfig") {
		t.Errorf("error %v", err)
	}
}
