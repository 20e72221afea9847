// Package e2e holds black-box scenarios that run Meridian's binaries against the real local
// environment of test/env: kube-apiservers, etcd, kube-controller-manager, KWOK nodes, CoreDNS.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/meridian-dns/meridian/test/env"
)

// testEnv is one host and two members shared by the package's tests; each test works in its own
// namespace or with its own names.
var testEnv *env.Environment

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// Generous: on a cold machine this includes building the pinned Kubernetes binaries.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	e, err := env.Start(ctx, env.Options{Progress: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting test environment:", err)
		return 1
	}
	testEnv = e
	code := m.Run()
	if err := e.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping test environment:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
