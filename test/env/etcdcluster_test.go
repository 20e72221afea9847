package env

import (
	"context"
	"crypto/tls"
	"os"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// TestStartEtcdSecured starts three members with client certificates and auth both required,
// checks that a client needs both, and that the cluster serves with one member down.
func TestStartEtcdSecured(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bins, err := EnsureBinaries(ctx, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c, err := StartEtcd(ctx, bins.Etcd, t.TempDir(), EtcdOptions{Members: 3, TLS: true, Auth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	t.Logf("three members with TLS and auth ready in %s", time.Since(start).Round(time.Millisecond))

	root, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, err := root.Put(ctx, "/k", "v"); err != nil {
		t.Fatalf("put as root: %v", err)
	}

	// The certificate alone names a user that does not exist: no access without the password.
	tlsConfig, err := c.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	certOnly, err := clientv3.New(clientv3.Config{Endpoints: c.Endpoints, TLS: tlsConfig, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer certOnly.Close()
	short, cancelShort := context.WithTimeout(ctx, 3*time.Second)
	defer cancelShort()
	if _, err := certOnly.Get(short, "/k"); err == nil {
		t.Error("a client with a certificate but no password could read")
	}
	// Without a certificate the TLS handshake fails.
	noCert, err := clientv3.New(clientv3.Config{Endpoints: c.Endpoints, TLS: &tls.Config{RootCAs: tlsConfig.RootCAs},
		Username: c.Username, Password: c.Password, DialTimeout: time.Second, Logger: zap.NewNop()})
	if err == nil {
		noCert.Close()
		t.Error("a client without a certificate authenticated")
	}

	// Kill: a graceful stop of a member with clients connected takes seconds.
	if err := c.Members[1].Kill(); err != nil {
		t.Fatal(err)
	}
	// If the member was the leader, the others need about a second to elect a new one.
	var putErr error
	for range 20 {
		if _, putErr = root.Put(ctx, "/k", "v2"); putErr == nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if putErr != nil {
		t.Errorf("put with one member of three down: %v", putErr)
	}
	if err := c.Members[1].Start(ctx); err != nil {
		t.Fatalf("restarting a member: %v", err)
	}
}
