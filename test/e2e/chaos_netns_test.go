package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// The partition lab: a network namespace joined to the test's by a veth pair. The controller
// reaches the member's API server at nsAddr, inside the namespace, where a relay forwards to
// hostAddr on the other end of the pair, where another relay forwards to the API server on
// 127.0.0.1. Taking the host end of the pair down cuts the controller off from the member, and
// from nothing else.
const (
	netnsName = "meridian-chaos"
	vethHost  = "mchaos-h"
	vethNS    = "mchaos-n"
	hostAddr  = "10.203.0.1"
	nsAddr    = "10.203.0.2"
)

// 7. The network between the controller and one member is cut (the member itself runs on): the
// member goes Offline, its shards leave DNS, and they return when the network does.
func (lab *chaosLab) memberPartition(t *testing.T, ctx context.Context) chaosRow {
	const member = "vulcan"
	accepted := setUpPartitionLab(t, ctx, member)
	link := func(state string) error { return ipCommand("link", "set", vethHost, state) }
	row := lab.runFault(t, ctx, fault{
		down: []string{member},
		inject: func(t *testing.T, _ context.Context) {
			if err := link("down"); err != nil {
				t.Fatal(err)
			}
		},
		during: func(t *testing.T, ctx context.Context) { lab.waitWithout(t, ctx, member) },
		heal:   func(context.Context) error { return link("up") },
	})
	row.note = fmt.Sprintf("%d connections through the namespace", accepted.Load())
	return row
}

// setUpPartitionLab creates the namespace, the veth pair and the relays, points the member's
// KubeFedCluster through them and waits until it is Ready that way. Everything is undone when
// the test ends; leftovers of a crashed run are removed first.
func setUpPartitionLab(t *testing.T, ctx context.Context, member string) *atomic.Int64 {
	t.Helper()
	removeNetns()
	for _, args := range [][]string{
		{"netns", "add", netnsName},
		{"link", "add", vethHost, "type", "veth", "peer", "name", vethNS},
		{"link", "set", vethNS, "netns", netnsName},
		{"addr", "add", hostAddr + "/30", "dev", vethHost},
		{"link", "set", vethHost, "up"},
		{"-n", netnsName, "addr", "add", nsAddr + "/30", "dev", vethNS},
		{"-n", netnsName, "link", "set", vethNS, "up"},
		{"-n", netnsName, "link", "set", "lo", "up"},
	} {
		if err := ipCommand(args...); err != nil {
			removeNetns()
			t.Skipf("cannot build the partition lab (needs root and iproute2): %v", err)
		}
	}
	t.Cleanup(removeNetns)

	target, err := url.Parse(testEnv.Cluster(member).URL)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := net.Listen("tcp", hostAddr+":0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { outer.Close() })
	go relay(outer, func() (net.Conn, error) { return net.DialTimeout("tcp", target.Host, 5*time.Second) }, nil)

	var inner net.Listener
	if err := inNetns(func() (err error) { inner, err = net.Listen("tcp", nsAddr+":0"); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inner.Close() })
	accepted := &atomic.Int64{}
	go relay(inner, func() (c net.Conn, err error) {
		err = inNetns(func() (err error) { c, err = net.DialTimeout("tcp", outer.Addr().String(), 5*time.Second); return err })
		return c, err
	}, accepted)

	original := pointKFC(t, ctx, member, "https://"+inner.Addr().String(), []v1beta1.TLSValidation{v1beta1.TLSSubjectName})
	t.Cleanup(func() {
		pointKFC(t, context.Background(), member, original, nil)
		waitKFC(t, context.Background(), member, v1beta1.ClusterReady, corev1.ConditionTrue, time.Minute)
	})
	eventually(t, ctx, time.Minute, member+" probed through the namespace", func(context.Context) (bool, error) {
		return accepted.Load() > 0, fmt.Errorf("%d connections", accepted.Load())
	})
	waitKFC(t, ctx, member, v1beta1.ClusterReady, corev1.ConditionTrue, time.Minute)
	return accepted
}

// pointKFC sets the member's apiEndpoint and disabledTLSValidations and returns the endpoint it had.
func pointKFC(t *testing.T, ctx context.Context, member, endpoint string, disabled []v1beta1.TLSValidation) string {
	t.Helper()
	host := hostClient(t)
	var original string
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		kfc := &v1beta1.KubeFedCluster{}
		if err := host.Get(ctx, client.ObjectKey{Namespace: fedNamespace, Name: member}, kfc); err != nil {
			return err
		}
		original = kfc.Spec.APIEndpoint
		kfc.Spec.APIEndpoint, kfc.Spec.DisabledTLSValidations = endpoint, disabled
		return host.Update(ctx, kfc)
	})
	if err != nil {
		t.Fatalf("pointing KubeFedCluster %s at %s: %v", member, endpoint, err)
	}
	return original
}

func ipCommand(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// removeNetns deletes the namespace (and with it its end of the pair) and the host end.
func removeNetns() {
	_ = exec.Command("ip", "netns", "del", netnsName).Run()
	_ = exec.Command("ip", "link", "del", vethHost).Run()
}

// inNetns runs fn on a thread switched into the partition namespace: sockets fn creates belong
// to the namespace for their whole life.
func inNetns(fn func() error) error {
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer self.Close()
	ns, err := os.Open("/var/run/netns/" + netnsName)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer ns.Close()
	if err := setns(ns.Fd()); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("entering network namespace %s: %w", netnsName, err)
	}
	fnErr := fn()
	if err := setns(self.Fd()); err != nil {
		// The thread stays in the namespace: keep it locked, so it dies with this goroutine.
		return errors.Join(fnErr, fmt.Errorf("leaving network namespace %s: %w", netnsName, err))
	}
	runtime.UnlockOSThread()
	return fnErr
}

// setnsSyscall is setns(2)'s number; the syscall package does not name it.
var setnsSyscall = map[string]uintptr{"amd64": 308, "arm64": 268}

func setns(fd uintptr) error {
	nr, ok := setnsSyscall[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("setns: syscall number unknown on %s", runtime.GOARCH)
	}
	if _, _, errno := syscall.RawSyscall(nr, fd, syscall.CLONE_NEWNET, 0); errno != 0 {
		return errno
	}
	return nil
}

// relay accepts connections on l until it is closed and pipes each to a connection from dial.
func relay(l net.Listener, dial func() (net.Conn, error), accepted *atomic.Int64) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		if accepted != nil {
			accepted.Add(1)
		}
		go func() {
			defer in.Close()
			out, err := dial()
			if err != nil {
				return
			}
			defer out.Close()
			var wg sync.WaitGroup
			pipe := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
			}
			wg.Go(func() { pipe(out, in) })
			wg.Go(func() { pipe(in, out) })
			wg.Wait()
		}()
	}
}
