// Package etcd is the Provider for an etcd cluster that CoreDNS serves: Meridian's gslb plugin,
// or the stock etcd plugin. Record sets are stored in the SkyDNS format of package skydns, one
// key per target below the name's path, so that stock readers serve them too.
//
// Stock CoreDNS limits: it answers A and AAAA queries by following a CNAME stored below the name,
// but a query of type CNAME looks up the name's own key only, which this layout never writes, so
// stock answers a CNAME query for such a name with NXDOMAIN. The gslb plugin answers it.
package etcd

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
)

// Defaults for the zero values of Config.
const (
	DefaultDialTimeout    = 5 * time.Second
	DefaultRequestTimeout = 10 * time.Second
	// DefaultMaxTxnOps is etcd's own default for --max-txn-ops.
	DefaultMaxTxnOps = 128
	// pageSize bounds the keys of one range response while listing a zone.
	pageSize = 1000
)

// ErrOutsideZones is wrapped by ApplyChanges for a set whose name is in none of the zones the
// provider manages. Nothing is applied.
var ErrOutsideZones = errors.New("name is outside the zones this provider manages")

// Config says where the etcd cluster is and what part of it the provider manages.
type Config struct {
	Endpoints []string
	// Prefix is the root of the SkyDNS tree; empty means skydns.DefaultPrefix.
	Prefix string
	// Zones are the domains the provider manages: it lists their paths and refuses names
	// outside them. At least one is required.
	Zones []string

	// TLS: a client certificate and key, and the CA that signed the server's certificate. An
	// https endpoint without CAFile is verified against the system's roots.
	CertFile, KeyFile, CAFile string
	// Username and Password authenticate to an etcd with auth enabled.
	Username, Password string

	// DialTimeout bounds authenticating at New; zero means DefaultDialTimeout.
	DialTimeout time.Duration
	// RequestTimeout bounds each request to etcd; zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxTxnOps is the server's --max-txn-ops; zero means DefaultMaxTxnOps.
	MaxTxnOps int
}

// Provider reads and writes the record sets of its zones.
type Provider struct {
	client         *clientv3.Client
	prefix         string
	zones          []string // canonical, none below another
	requestTimeout time.Duration
	maxTxnOps      int
	pageSize       int64

	// mu serialises Records and ApplyChanges: both read and replace revs.
	mu sync.Mutex
	// revs holds the mod revision of every Meridian-format key as last listed or written. The
	// transactions of ApplyChanges compare against it, so a key that changed underneath is never
	// overwritten or deleted, without a listing before each change.
	revs map[string]int64
	// undecodable counts the keys the last listing skipped; logged remembers those already logged.
	undecodable int
	logged      map[string]bool
}

var _ providers.Provider = (*Provider)(nil)

// New connects to etcd. The connection is made lazily, so an unreachable etcd is not an error
// here unless authenticating needs it (then the error is soft). ctx is only used for New's own
// work; Close releases the client.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	p := &Provider{
		prefix:         strings.TrimSuffix(cmp.Or(cfg.Prefix, skydns.DefaultPrefix), "/"),
		requestTimeout: cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
		maxTxnOps:      cmp.Or(cfg.MaxTxnOps, DefaultMaxTxnOps),
		pageSize:       pageSize,
		revs:           map[string]int64{},
		logged:         map[string]bool{},
	}
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("etcd provider: no endpoints")
	}
	if p.prefix == "" || !strings.HasPrefix(p.prefix, "/") {
		return nil, fmt.Errorf("etcd provider: prefix %q must start with /", cfg.Prefix)
	}
	if cfg.MaxTxnOps < 0 || cfg.RequestTimeout < 0 || cfg.DialTimeout < 0 {
		return nil, errors.New("etcd provider: negative MaxTxnOps or timeout")
	}
	zones, err := normalizeZones(cfg.Zones)
	if err != nil {
		return nil, err
	}
	p.zones = zones
	tlsConfig, err := clientTLS(cfg)
	if err != nil {
		return nil, err
	}
	client, err := clientv3.New(clientv3.Config{
		Endpoints:   cfg.Endpoints,
		DialTimeout: cmp.Or(cfg.DialTimeout, DefaultDialTimeout),
		TLS:         tlsConfig,
		Username:    cfg.Username,
		Password:    cfg.Password,
		// The client logs every retry; the errors it returns say what matters.
		Logger:      zap.NewNop(),
		Context:     context.WithoutCancel(ctx),
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(reconnectParams)},
	})
	if err != nil {
		return nil, fmt.Errorf("connecting to etcd %v: %w", cfg.Endpoints, classify(err))
	}
	p.client = client
	return p, nil
}

// reconnectParams cap the wait between attempts to reconnect to an etcd member. gRPC's default
// grows to two minutes, so after an outage of half a minute publishing resumed only 10-15 s after
// etcd was back (make chaos, dns-etcd-down); with at most 2 s between attempts it resumes at once.
var reconnectParams = grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: time.Second, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
	MinConnectTimeout: DefaultDialTimeout,
}

// Close releases the connection to etcd.
func (p *Provider) Close() error { return p.client.Close() }

// Undecodable is the number of keys the last Records call skipped because their value is not
// SkyDNS JSON. They are left as they are.
func (p *Provider) Undecodable() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.undecodable
}

// normalizeZones canonicalises zones and drops those inside another, which listing the outer
// zone already covers.
func normalizeZones(zones []string) ([]string, error) {
	if len(zones) == 0 {
		return nil, errors.New("etcd provider: no zones to manage")
	}
	var out []string
	for _, z := range zones {
		z = skydns.Canonical(z)
		if z == "" || strings.Contains(z, "/") || strings.Contains(z, "..") {
			return nil, fmt.Errorf("etcd provider: invalid zone %q", z)
		}
		out = append(out, z)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return slices.DeleteFunc(slices.Clone(out), func(z string) bool {
		return slices.ContainsFunc(out, func(o string) bool { return o != z && inZone(z, o) })
	}), nil
}

// inZone reports whether name is zone or below it; both canonical.
func inZone(name, zone string) bool {
	return name == zone || strings.HasSuffix(name, "."+zone)
}

// zoneOf returns the managed zone name is in, or "".
func (p *Provider) zoneOf(name string) string {
	for _, z := range p.zones {
		if inZone(name, z) {
			return z
		}
	}
	return ""
}

func clientTLS(cfg Config) (*tls.Config, error) {
	https := slices.ContainsFunc(cfg.Endpoints, func(e string) bool { return strings.HasPrefix(e, "https://") })
	if cfg.CertFile == "" && cfg.KeyFile == "" && cfg.CAFile == "" && !https {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CertFile != "" || cfg.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("etcd provider: loading client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("etcd provider: reading CA: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("etcd provider: no certificate in %s", cfg.CAFile)
		}
	}
	return c, nil
}

// cmpOr is cmp.Or for the zero values of Config.
func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// logger is the caller's contextual logger.
func logger(ctx context.Context) logr.Logger {
	return logr.FromContextOrDiscard(ctx).WithName("etcd-provider")
}
