// Package e2e holds black-box scenarios that run Meridian's binaries against the real local
// environment of test/env: kube-apiservers, etcd, kube-controller-manager, KWOK nodes, CoreDNS.
package e2e

import (
	"context"
	"os"
	"testing"

	"github.com/meridian-dns/meridian/test/env"
)

// testEnv is one host and two members shared by the package's tests; each test works in its own
// namespace or with its own names.
var testEnv *env.Environment

func TestMain(m *testing.M) {
	os.Exit(env.RunTests(m, 2, func(_ context.Context, e *env.Environment) error {
		testEnv = e
		return nil
	}))
}
