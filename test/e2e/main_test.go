// Package e2e holds black-box scenarios that run Meridian's binaries against the real local
// environment of test/env: kube-apiservers, etcd, kube-controller-manager, KWOK nodes, CoreDNS.
package e2e

import (
	"context"
	"os"
	"testing"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/meridian-dns/meridian/test/env"
)

// testEnv is one host and three members shared by the package's tests; each test works in its own
// namespace or with its own names.
var testEnv *env.Environment

// labMembers are the members of KubeFed's classic lab (earth, vulcan), whose YAML the tests
// apply unchanged, and a third.
var labMembers = []env.ClusterSpec{
	{Name: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"}},
	{Name: "vulcan", Region: "eu-west-1", Zones: []string{"eu-west-1a"}},
	// A second member in earth's region, in another zone, for the DNS names of regions and zones.
	{Name: "mars", Region: "us-east-1", Zones: []string{"us-east-1b"}},
}

func TestMain(m *testing.M) {
	// The tests use controller-runtime clients; their own logs would only be noise here.
	ctrllog.SetLogger(logr.Discard())
	os.Exit(env.RunTests(m, labMembers, func(_ context.Context, e *env.Environment) error {
		testEnv = e
		return nil
	}))
}
