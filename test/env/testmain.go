package env

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"
)

// RunTests is the body of a TestMain that needs real clusters: it starts a host and the members
// (Meridian's CRDs installed in the host) in a temporary directory, calls setup, runs the tests
// and stops everything. With -short nothing is started and setup gets nil, so tests that need
// the clusters must skip themselves. It returns the exit code for os.Exit.
func RunTests(m *testing.M, members []ClusterSpec, setup func(context.Context, *Environment) error) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	// Generous: on a cold machine this includes building the pinned Kubernetes binaries.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "meridian-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	e, err := Start(ctx, Options{Dir: dir, Members: members, Progress: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test environment:", err)
		return 1
	}
	code := func() int {
		if err := e.Host.InstallCRDs(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "installing CRDs in the host:", err)
			return 1
		}
		if setup != nil {
			if err := setup(ctx, e); err != nil {
				fmt.Fprintln(os.Stderr, "setting up the tests:", err)
				return 1
			}
		}
		return m.Run()
	}()
	if err := e.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the test environment:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
