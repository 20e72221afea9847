package env

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ExternalDNS is a stock external-dns process (Binaries.ExternalDNS), for tests of how it
// consumes Meridian's DNSEndpoints.
type ExternalDNS struct {
	*Process
	// MetricsURL is http://127.0.0.1:PORT, where it serves /metrics and /healthz.
	MetricsURL string
}

// lastSyncMetric is set when a sync of sources to the provider succeeds.
const lastSyncMetric = "external_dns_controller_last_sync_timestamp_seconds"

// StartExternalDNS runs binary with args and extra environment (KEY=value: the CoreDNS provider
// reads ETCD_URLS). Its metrics go to a free port on 127.0.0.1 (its default is :7979 on every
// interface). dir receives the log. It returns once external-dns has completed a first sync.
func StartExternalDNS(ctx context.Context, binary, dir string, env []string, args ...string) (*ExternalDNS, error) {
	ports, err := FreePorts(1)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	x := &ExternalDNS{MetricsURL: "http://" + addr}
	x.Process = &Process{
		Name:    "external-dns",
		Path:    binary,
		Args:    append([]string{"--metrics-address=" + addr}, args...),
		Env:     env,
		LogPath: filepath.Join(dir, "external-dns.log"),
		ready:   externalDNSSynced(x.MetricsURL),
	}
	if err := x.Start(ctx); err != nil {
		return nil, err
	}
	return x, nil
}

// externalDNSSynced is ready once the last-sync timestamp is set: /healthz answers before the
// source and provider are even built.
func externalDNSSynced(metricsURL string) readyFunc {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL+"/metrics", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		lines := bufio.NewScanner(resp.Body)
		for lines.Scan() {
			value, found := strings.CutPrefix(lines.Text(), lastSyncMetric+" ")
			if !found {
				continue
			}
			if ts, err := strconv.ParseFloat(value, 64); err == nil && ts > 0 {
				return nil
			}
		}
		return fmt.Errorf("external-dns has not completed a sync yet (%s)", lastSyncMetric)
	}
}
