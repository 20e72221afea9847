package env

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Etcd is a single-member etcd on 127.0.0.1. The clusters of an environment share it, each under
// its own key prefix, as a real etcd serves several apiservers.
type Etcd struct {
	*Process
	// Endpoint is the client URL, http://127.0.0.1:PORT.
	Endpoint string
}

func newEtcd(binary, dir string) (*Etcd, error) {
	ports, err := FreePorts(2)
	if err != nil {
		return nil, err
	}
	m := etcdMember{
		label:     "etcd",
		name:      "testenv",
		dataDir:   filepath.Join(dir, "etcd-data"),
		logPath:   filepath.Join(dir, "etcd.log"),
		clientURL: fmt.Sprintf("http://127.0.0.1:%d", ports[0]),
		peerURL:   fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
	}
	m.initialCluster = m.name + "=" + m.peerURL
	p, err := m.process(binary, http.DefaultClient)
	if err != nil {
		return nil, err
	}
	return &Etcd{Process: p, Endpoint: m.clientURL}, nil
}

// etcdMember is what one etcd process is started with; StartEtcd's clusters and an
// Environment's single etcd share it.
type etcdMember struct {
	label                  string // the Process name
	name, dataDir, logPath string
	clientURL, peerURL     string
	// initialCluster is etcd's --initial-cluster: name=peerURL for every member.
	initialCluster string
	// token tells this cluster's members from those of other clusters on the machine.
	token string
	// tls, when set, makes clients use TLS with a certificate its CA signed.
	tls *pkiPaths
}

// pkiPaths are the files of a server that requires client certificates.
type pkiPaths struct{ ca, cert, key string }

func (m etcdMember) process(binary string, health *http.Client) (*Process, error) {
	if err := os.MkdirAll(m.dataDir, 0o700); err != nil {
		return nil, err
	}
	args := []string{
		"--name=" + m.name,
		"--data-dir=" + m.dataDir,
		"--listen-client-urls=" + m.clientURL,
		"--advertise-client-urls=" + m.clientURL,
		"--listen-peer-urls=" + m.peerURL,
		"--initial-advertise-peer-urls=" + m.peerURL,
		"--initial-cluster=" + m.initialCluster,
		// Test data is disposable; skipping fsync keeps apiserver writes fast on slow disks.
		"--unsafe-no-fsync",
		"--log-level=warn",
	}
	if m.token != "" {
		args = append(args, "--initial-cluster-token="+m.token)
	}
	if m.tls != nil {
		args = append(args, "--cert-file="+m.tls.cert, "--key-file="+m.tls.key,
			"--trusted-ca-file="+m.tls.ca, "--client-cert-auth")
	}
	return &Process{
		Name:    m.label,
		Path:    binary,
		Args:    args,
		LogPath: m.logPath,
		ready:   etcdHealthy(health, m.clientURL),
	}, nil
}

func etcdHealthy(client *http.Client, endpoint string) readyFunc {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/health", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"health":"true"`) {
			return fmt.Errorf("etcd /health: %s %s", resp.Status, body)
		}
		return nil
	}
}
