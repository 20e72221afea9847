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
	dataDir := filepath.Join(dir, "etcd-data")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	e := &Etcd{Endpoint: client}
	e.Process = &Process{
		Name: "etcd",
		Path: binary,
		Args: []string{
			"--name=testenv",
			"--data-dir=" + dataDir,
			"--listen-client-urls=" + client,
			"--advertise-client-urls=" + client,
			"--listen-peer-urls=" + peer,
			"--initial-advertise-peer-urls=" + peer,
			"--initial-cluster=testenv=" + peer,
			// Test data is disposable; skipping fsync keeps apiserver writes fast on slow disks.
			"--unsafe-no-fsync",
			"--log-level=warn",
		},
		LogPath: filepath.Join(dir, "etcd.log"),
		ready:   etcdHealthy(client),
	}
	return e, nil
}

func etcdHealthy(endpoint string) readyFunc {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/health", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
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
