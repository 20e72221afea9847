package env

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExternalDNSSyncedReadsTheLastSyncMetric(t *testing.T) {
	for _, tc := range []struct {
		name    string
		metrics string
		ready   bool
	}{
		{"not registered yet", "external_dns_source_errors_total 0\n", false},
		{"no sync yet", "# TYPE " + lastSyncMetric + " gauge\n" + lastSyncMetric + " 0\n", false},
		{"synced", "# HELP " + lastSyncMetric + " Timestamp of last successful sync\n" + lastSyncMetric + " 1.7951e+09\n", true},
		{"other metric with the name as prefix", lastSyncMetric + "_other 5\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/metrics" {
					http.NotFound(w, r)
					return
				}
				fmt.Fprint(w, tc.metrics)
			}))
			defer srv.Close()
			err := externalDNSSynced(srv.URL)(context.Background())
			if got := err == nil; got != tc.ready {
				t.Errorf("ready = %v (%v), want %v", got, err, tc.ready)
			}
		})
	}
}

func TestProcessEnvIsAddedToTheInheritedOne(t *testing.T) {
	t.Setenv("MERIDIAN_INHERITED", "kept")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := &Process{
		Name: "printenv", Path: "/bin/sh", Args: []string{"-c", `echo "$MERIDIAN_INHERITED $ETCD_URLS"`},
		Env: []string{"ETCD_URLS=http://127.0.0.1:2379"}, LogPath: filepath.Join(t.TempDir(), "log"),
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for p.Running() && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if got := strings.TrimSpace(p.LogTail(1)); got != "kept http://127.0.0.1:2379" {
		t.Errorf("the process saw %q, want the inherited and the added variable", got)
	}
}
