package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meridian-dns/meridian/test/env"
)

// controllerPair is two meridian-controller replicas with the same Lease, as a Deployment of two
// runs them; a replica that exits is started again, as the Deployment would.
type controllerPair struct {
	t        testing.TB
	binary   string
	lease    string
	flags    []string
	replicas [2]*controllerProcess
}

// startControllerPair sets up the federation (KubeFedConfig) with the first replica, then starts
// the second.
func startControllerPair(t testing.TB, ctx context.Context, flags ...string) *controllerPair {
	t.Helper()
	binary, err := env.BuildCommand(ctx, "meridian-controller")
	if err != nil {
		t.Fatal(err)
	}
	// setUpFederation's Lease, so that the pair shares it.
	const lease = "members-meridian-controller"
	p := &controllerPair{t: t, binary: binary, lease: lease, flags: flags}
	p.replicas[0] = setUpFederation(t, ctx, flags...)
	p.replicas[1] = startController(t, binary, lease, flags...)
	return p
}

// exited reports whether replica i has exited.
func (p *controllerPair) exited(i int) bool {
	select {
	case err := <-p.replicas[i].done:
		// Put it back for the cleanup that waits on it.
		p.replicas[i].done <- err
		return true
	default:
		return false
	}
}

// restartExited starts again every replica that exited and returns how many it started.
func (p *controllerPair) restartExited() int {
	n := 0
	for i := range p.replicas {
		if p.exited(i) {
			p.replicas[i] = startController(p.t, p.binary, p.lease, p.flags...)
			n++
		}
	}
	return n
}

// leader returns the index of the replica that reports holding the Lease.
func (p *controllerPair) leader(ctx context.Context) (int, error) {
	want := fmt.Sprintf(`leader_election_master_status{name=%q} 1`, p.lease)
	for i, r := range p.replicas {
		if p.exited(i) {
			continue
		}
		_, body, err := httpGet(ctx, "http://"+r.metricsAddr+"/metrics")
		if err == nil && strings.Contains(body, want) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("no replica holds the Lease %s", p.lease)
}

// waitLeader waits until a replica leads and returns it.
func (p *controllerPair) waitLeader(t *testing.T, ctx context.Context, timeout time.Duration) int {
	t.Helper()
	i := -1
	eventually(t, ctx, timeout, "a controller replica leading", func(ctx context.Context) (bool, error) {
		var err error
		i, err = p.leader(ctx)
		return err == nil, err
	})
	return i
}

// kill SIGKILLs replica i, as a crash or an OOM kill would.
func (p *controllerPair) kill(t *testing.T, i int) {
	t.Helper()
	if err := p.replicas[i].cmd.Process.Kill(); err != nil {
		t.Fatalf("killing controller replica %d: %v", i, err)
	}
	select {
	case err := <-p.replicas[i].done:
		p.replicas[i].done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("controller replica still running 10 s after SIGKILL")
	}
}
