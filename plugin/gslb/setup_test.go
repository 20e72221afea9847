package gslb

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/meridian-dns/meridian/plugin/gslb/nearest"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeTestCert(t, dir)
	corefile := `gslb example.org example.net {
    endpoint http://10.0.0.1:2379 http://10.0.0.2:2379
    prefix /meridian/dns/
    tls ` + cert + ` ` + key + ` ` + cert + `
    credentials alice s3cret
    client 10.1.0.0/16 192.168.1.7/24 region us-east-1
    client 10.244.0.0/16 fd00::/64 cluster c1
    client 127.0.0.2 region eu-west-1
    geoip /var/lib/GeoLite2-City.mmdb
    coordinates onprem-paris 48.86 2.35
    coordinates us-east-1 39 -77.5
    fallthrough example.net
}`
	cfg, err := parse(caddy.NewTestController("dns", corefile))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.zones, []string{"example.org.", "example.net."}) {
		t.Errorf("zones %v", cfg.zones)
	}
	if !slices.Equal(cfg.endpoints, []string{"http://10.0.0.1:2379", "http://10.0.0.2:2379"}) {
		t.Errorf("endpoints %v", cfg.endpoints)
	}
	if cfg.prefix != "/meridian/dns" {
		t.Errorf("prefix %q, want /meridian/dns", cfg.prefix)
	}
	if cfg.tls == nil || len(cfg.tls.Certificates) != 1 || cfg.tls.RootCAs == nil {
		t.Errorf("tls config %+v: want a client certificate and a CA pool", cfg.tls)
	}
	if cfg.username != "alice" || cfg.password != "s3cret" {
		t.Errorf("credentials %q %q", cfg.username, cfg.password)
	}
	wantRules := []nearest.Rule{
		{Prefix: netip.MustParsePrefix("10.1.0.0/16"), Region: "us-east-1"},
		{Prefix: netip.MustParsePrefix("192.168.1.0/24"), Region: "us-east-1"},
		{Prefix: netip.MustParsePrefix("10.244.0.0/16"), Cluster: "c1"},
		{Prefix: netip.MustParsePrefix("fd00::/64"), Cluster: "c1"},
		{Prefix: netip.MustParsePrefix("127.0.0.2/32"), Region: "eu-west-1"},
	}
	if !slices.Equal(cfg.rules, wantRules) {
		t.Errorf("rules %v, want %v", cfg.rules, wantRules)
	}
	if cfg.geoip != "/var/lib/GeoLite2-City.mmdb" {
		t.Errorf("geoip %q", cfg.geoip)
	}
	if cfg.coords["onprem-paris"] != (nearest.LatLon{Lat: 48.86, Lon: 2.35}) || cfg.coords["us-east-1"] != (nearest.LatLon{Lat: 39, Lon: -77.5}) {
		t.Errorf("coordinates %v", cfg.coords)
	}
	if !cfg.fall.Through("x.example.net.") || cfg.fall.Through("x.example.org.") {
		t.Errorf("fallthrough %v", cfg.fall)
	}
}

func TestParseDefaults(t *testing.T) {
	c := caddy.NewTestController("dns", "gslb")
	c.ServerBlockKeys = []string{"example.org:1053"}
	cfg, err := parse(c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.zones, []string{"example.org."}) || !slices.Equal(cfg.endpoints, []string{defaultEndpoint}) ||
		cfg.prefix != "/skydns" || cfg.tls != nil || len(cfg.rules) != 0 || cfg.geoip != "" || cfg.fall.Through("x.example.org.") {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ corefile, want string }{
		{"gslb {\n    nope 1\n}", "unknown property 'nope'"},
		{"gslb {\n    endpoint\n}", "Wrong argument count"},
		{"gslb {\n    prefix\n}", "prefix needs one etcd path"},
		{"gslb {\n    prefix /\n}", "prefix needs one etcd path"},
		{"gslb {\n    tls a b\n}", "tls needs 3 arguments"},
		{"gslb {\n    tls /nonexistent/c /nonexistent/k /nonexistent/ca\n}", "tls:"},
		{"gslb {\n    credentials alice\n}", "credentials needs 2 arguments"},
		{"gslb {\n    client 10.0.0.0/8\n}", "client needs CIDR"},
		{"gslb {\n    client 10.0.0.0/8 region\n}", "client needs CIDR"},
		{"gslb {\n    client region us-east-1\n}", "client needs CIDR"},
		{"gslb {\n    client 10.0.0.0/8 zone a\n}", "expected 'region NAME' or 'cluster NAME'"},
		{"gslb {\n    client 10.0.0.0/33 region a\n}", "'10.0.0.0/33' is not a CIDR"},
		{"gslb {\n    client 10.0.0.x region a\n}", "'10.0.0.x' is not a CIDR"},
		{"gslb {\n    geoip\n}", "geoip needs one path"},
		{"gslb {\n    coordinates paris 48.8\n}", "coordinates needs 3 arguments"},
		{"gslb {\n    coordinates paris north 2.3\n}", "is not a latitude"},
		{"gslb {\n    coordinates paris 91 2.3\n}", "is not a latitude"},
		{"gslb {\n    coordinates paris 48 -181\n}", "is not a latitude"},
		{"gslb {\n    coordinates paris NaN 2\n}", "is not a latitude"},
		{"gslb\ngslb", plugin.ErrOnce.Error()},
	}
	for _, tt := range tests {
		_, err := parse(caddy.NewTestController("dns", tt.corefile))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one containing %q", tt.corefile, err, tt.want)
		}
	}
}

// TestSetupErrors: errors reach CoreDNS wrapped as plugin/gslb, including those found when the
// locator opens its inputs.
func TestSetupErrors(t *testing.T) {
	tests := []struct{ corefile, want string }{
		{"gslb {\n    nope\n}", "plugin/gslb: Testfile:2 - Error during parsing: unknown property 'nope'"},
		{"gslb {\n    geoip /nonexistent/db.mmdb\n}", "plugin/gslb: opening location database"},
		{"gslb {\n    client 10.0.0.0/8 region a\n    client 10.0.0.0/8 region b\n}", "duplicate prefix"},
	}
	for _, tt := range tests {
		err := setup(caddy.NewTestController("dns", tt.corefile))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one containing %q", tt.corefile, err, tt.want)
		}
	}
}

func TestSetupAddsPlugin(t *testing.T) {
	c := caddy.NewTestController("dns", "gslb example.org {\n    endpoint http://127.0.0.1:1\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	cfg := dnsserver.GetConfig(c)
	if len(cfg.Plugin) != 1 {
		t.Fatalf("%d plugins added, want 1", len(cfg.Plugin))
	}
	h := cfg.Plugin[0](nil)
	g, ok := h.(*GSLB)
	if !ok || g.Name() != "gslb" || g.watcher == nil {
		t.Fatalf("added %T, want a *GSLB with a watcher", h)
	}
	// Against an etcd that is not there: not ready, and shutting down does not hang.
	if err := g.startup(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if g.Ready() {
		t.Fatal("ready without etcd")
	}
	done := make(chan error, 1)
	go func() { done <- g.shutdown() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown hangs while etcd is unreachable")
	}
}

// writeTestCert writes a self-signed certificate and its key, for the tls property.
func writeTestCert(t *testing.T, dir string) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gslb-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(certPath, "CERTIFICATE", der)
	write(keyPath, "EC PRIVATE KEY", keyDER)
	return certPath, keyPath
}
