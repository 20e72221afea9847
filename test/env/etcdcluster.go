package env

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// memberGrace is how long a member of StartEtcd's clusters gets to exit after SIGTERM.
const memberGrace = 2 * time.Second

// EtcdOptions configure StartEtcd. The zero value is one member over plain HTTP without auth.
type EtcdOptions struct {
	// Members is 1 or 3; zero means 1.
	Members int
	// TLS makes the members serve clients over TLS only and require a client certificate signed
	// by the cluster's CA (etcd's --client-cert-auth). Peers talk plain HTTP on loopback.
	TLS bool
	// Auth enables etcd authentication with the user root.
	Auth bool
	// Password is root's password when Auth is set; empty means a random one.
	Password string
}

// EtcdCluster is an etcd cluster of loopback members, started outside any Environment.
type EtcdCluster struct {
	Members []*EtcdMember
	// Endpoints are the members' client URLs, http:// or https://.
	Endpoints []string
	// With TLS: the CA that signed the members' certificates, and a client certificate
	// (CN "meridian-test-client", not an etcd user) and its key.
	CAFile, ClientCertFile, ClientKeyFile string
	// With Auth: the root user and its password.
	Username, Password string
}

// EtcdMember is one member. Stop and Start it to take it out of the cluster and back in; it
// keeps its data and ports.
type EtcdMember struct {
	*Process
	Name      string
	ClientURL string
	PeerURL   string
}

// StartEtcd starts a cluster with its data, certificates and logs under dir and returns once
// every member is healthy (and, with Auth, once authentication is on). On error, whatever was
// started is stopped again.
func StartEtcd(ctx context.Context, binary, dir string, opts EtcdOptions) (c *EtcdCluster, err error) {
	n := max(opts.Members, 1)
	if n != 1 && n != 3 {
		return nil, fmt.Errorf("etcd cluster: %d members; 1 or 3 are supported", n)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	c = &EtcdCluster{}
	var paths *pkiPaths
	if opts.TLS {
		if paths, err = c.writePKI(dir); err != nil {
			return nil, err
		}
	}
	health, err := c.httpClient()
	if err != nil {
		return nil, err
	}
	if err := c.defineMembers(binary, dir, n, paths, health); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = c.Stop()
		}
	}()
	// Together: a member of three is healthy only once a quorum has elected a leader.
	g, gctx := errgroup.WithContext(ctx)
	for _, m := range c.Members {
		g.Go(func() error { return m.Start(gctx) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if opts.Auth {
		if err := c.enableAuth(ctx, opts.Password); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *EtcdCluster) defineMembers(binary, dir string, n int, paths *pkiPaths, health *http.Client) error {
	ports, err := FreePorts(2 * n)
	if err != nil {
		return err
	}
	scheme := "http"
	if paths != nil {
		scheme = "https"
	}
	members := make([]etcdMember, n)
	var initial []string
	for i := range members {
		m := &members[i]
		m.name = fmt.Sprintf("etcd%d", i)
		m.label = "etcd member " + m.name
		m.dataDir = filepath.Join(dir, m.name)
		m.logPath = filepath.Join(dir, m.name+".log")
		m.clientURL = fmt.Sprintf("%s://127.0.0.1:%d", scheme, ports[2*i])
		m.peerURL = fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1])
		m.tls = paths
		initial = append(initial, m.name+"="+m.peerURL)
	}
	token := "meridian-" + randomHex(8)
	for _, m := range members {
		m.initialCluster, m.token = strings.Join(initial, ","), token
		p, err := m.process(binary, health)
		if err != nil {
			return err
		}
		// A member whose peers are stopping too waits for them for seconds before it exits; a
		// test cluster's data survives a SIGKILL (only the page cache holds it), so do not wait.
		p.grace = memberGrace
		c.Members = append(c.Members, &EtcdMember{Process: p, Name: m.name, ClientURL: m.clientURL, PeerURL: m.peerURL})
		c.Endpoints = append(c.Endpoints, m.clientURL)
	}
	return nil
}

// enableAuth turns etcd authentication on the way etcdctl does: a root user with the root role,
// then auth enable.
func (c *EtcdCluster) enableAuth(ctx context.Context, password string) error {
	if password == "" {
		password = randomHex(16)
	}
	client, err := c.Client()
	if err != nil {
		return err
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := client.UserAdd(ctx, "root", password); err != nil {
		return fmt.Errorf("adding etcd user root: %w", err)
	}
	if _, err := client.UserGrantRole(ctx, "root", "root"); err != nil {
		return fmt.Errorf("granting root the root role: %w", err)
	}
	if _, err := client.AuthEnable(ctx); err != nil {
		return fmt.Errorf("enabling etcd auth: %w", err)
	}
	c.Username, c.Password = "root", password
	return nil
}

// Client returns a client of every member, with the cluster's client certificate and, once
// auth is on, root's credentials. The caller closes it.
func (c *EtcdCluster) Client() (*clientv3.Client, error) {
	tlsConfig, err := c.TLSConfig()
	if err != nil {
		return nil, err
	}
	return clientv3.New(clientv3.Config{
		Endpoints:   c.Endpoints,
		TLS:         tlsConfig,
		Username:    c.Username,
		Password:    c.Password,
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
}

// TLSConfig is the client side of the cluster's TLS: nil without TLS.
func (c *EtcdCluster) TLSConfig() (*tls.Config, error) {
	if c.CAFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.ClientCertFile, c.ClientKeyFile)
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

func (c *EtcdCluster) httpClient() (*http.Client, error) {
	tlsConfig, err := c.TLSConfig()
	if err != nil || tlsConfig == nil {
		return http.DefaultClient, err
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfig}}, nil
}

// Stop stops every member, all at once: a member shutting down gracefully takes about a second.
func (c *EtcdCluster) Stop() error {
	errs := make([]error, len(c.Members))
	var wg sync.WaitGroup
	for i, m := range c.Members {
		wg.Go(func() { errs[i] = m.Stop() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writePKI creates the cluster's CA, a serving certificate for the loopback addresses and a
// client certificate, and records their paths.
func (c *EtcdCluster) writePKI(dir string) (*pkiPaths, error) {
	caCert, caDER, caKey, err := newCA("meridian-testenv-etcd-ca")
	if err != nil {
		return nil, err
	}
	serverCert, serverKey, err := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "etcd"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	}, caCert, caKey)
	if err != nil {
		return nil, err
	}
	clientCert, clientKey, err := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "meridian-test-client"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	}, caCert, caKey)
	if err != nil {
		return nil, err
	}
	p := &pkiPaths{ca: filepath.Join(dir, "ca.crt"), cert: filepath.Join(dir, "server.crt"), key: filepath.Join(dir, "server.key")}
	c.CAFile, c.ClientCertFile, c.ClientKeyFile = p.ca, filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	for path, data := range map[string][]byte{
		p.ca: pemCert(caDER), p.cert: serverCert, p.key: serverKey, c.ClientCertFile: clientCert, c.ClientKeyFile: clientKey,
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return p, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
