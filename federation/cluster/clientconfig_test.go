package cluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

func kfcWith(spec v1beta1.KubeFedClusterSpec) *v1beta1.KubeFedCluster {
	return &v1beta1.KubeFedCluster{ObjectMeta: metav1.ObjectMeta{Name: "m1", Namespace: "ns"}, Spec: spec}
}

func tokenSecret(data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "m1-token", Namespace: "ns"}, Data: data}
}

func TestRESTConfigRejectsMalformedInputNamingTheField(t *testing.T) {
	good := map[string][]byte{TokenKey: []byte("t")}
	tests := []struct {
		name   string
		spec   v1beta1.KubeFedClusterSpec
		data   map[string][]byte
		naming string
	}{
		{"no token key", v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a:6443"}, map[string][]byte{"ca.crt": nil}, `no "token" key`},
		{"endpoint not a URL", v1beta1.KubeFedClusterSpec{APIEndpoint: "::nope"}, good, "spec.apiEndpoint"},
		{"caBundle not PEM", v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a:6443", CABundle: []byte("junk")}, good, "spec.caBundle"},
		{"bad proxy", v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a:6443", ProxyURL: "%%"}, good, "spec.proxyURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RESTConfig(kfcWith(tt.spec), tokenSecret(tt.data))
			if !errors.Is(err, ErrConfigMalformed) || !strings.Contains(err.Error(), tt.naming) {
				t.Errorf("error %v; want ErrConfigMalformed naming %q", err, tt.naming)
			}
		})
	}
}

func TestRESTConfigFields(t *testing.T) {
	ca, _ := newTestCA(t)
	cfg, err := RESTConfig(kfcWith(v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a:6443", CABundle: ca, ProxyURL: "http://proxy:3128"}),
		tokenSecret(map[string][]byte{TokenKey: []byte("secret-token")}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://a:6443" || cfg.BearerToken != "secret-token" || string(cfg.CAData) != string(ca) || cfg.Insecure {
		t.Errorf("config %+v does not carry endpoint, token and CA", cfg)
	}
	if u, _ := cfg.Proxy(&http.Request{}); u == nil || u.Host != "proxy:3128" {
		t.Errorf("proxy %v, want proxy:3128", u)
	}
	cfg, err = RESTConfig(kfcWith(v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a:6443", CABundle: ca, DisabledTLSValidations: []v1beta1.TLSValidation{"*"}}),
		tokenSecret(map[string][]byte{TokenKey: []byte("t")}))
	if err != nil || !cfg.Insecure || cfg.CAData != nil {
		t.Errorf(`"*" should turn verification off without a CA (client-go refuses both): %+v, %v`, cfg, err)
	}
}

// TestPartialTLSValidation serves certificates that fail exactly one check and shows that
// disabling that check, and only that one, lets the client through.
func TestPartialTLSValidation(t *testing.T) {
	caPEM, issue := newTestCA(t)
	now := time.Now()
	wrongName := issue("elsewhere.invalid", now.Add(-time.Hour), now.Add(time.Hour))
	expired := issue("127.0.0.1", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	tests := []struct {
		name     string
		cert     tls.Certificate
		disabled []v1beta1.TLSValidation
		ok       bool
	}{
		{"wrong name, checked", wrongName, nil, false},
		{"wrong name, SubjectName disabled", wrongName, []v1beta1.TLSValidation{v1beta1.TLSSubjectName}, true},
		{"wrong name, only ValidityPeriod disabled", wrongName, []v1beta1.TLSValidation{v1beta1.TLSValidityPeriod}, false},
		{"expired, checked", expired, nil, false},
		{"expired, ValidityPeriod disabled", expired, []v1beta1.TLSValidation{v1beta1.TLSValidityPeriod}, true},
		{"expired, only SubjectName disabled", expired, []v1beta1.TLSValidation{v1beta1.TLSSubjectName}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{tt.cert}}
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are the point
			srv.StartTLS()
			defer srv.Close()
			cfg, err := RESTConfig(kfcWith(v1beta1.KubeFedClusterSpec{APIEndpoint: srv.URL, CABundle: caPEM, DisabledTLSValidations: tt.disabled}),
				tokenSecret(map[string][]byte{TokenKey: []byte("t")}))
			if err != nil {
				t.Fatal(err)
			}
			client, err := rest.HTTPClientFor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Get(srv.URL + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			if (err == nil) != tt.ok {
				t.Errorf("request error %v; want success %v", err, tt.ok)
			}
		})
	}
}

func TestFingerprintChangesWithEndpointAndToken(t *testing.T) {
	spec := v1beta1.KubeFedClusterSpec{APIEndpoint: "https://a:6443", SecretRef: v1beta1.LocalSecretReference{Name: "s1"}}
	base := Fingerprint(spec, []byte("t1"))
	renamed := spec
	renamed.SecretRef.Name = "s2"
	if Fingerprint(renamed, []byte("t1")) != base {
		t.Error("a new Secret name with the same token should not restart the member")
	}
	moved := spec
	moved.APIEndpoint = "https://b:6443"
	if Fingerprint(moved, []byte("t1")) == base || Fingerprint(spec, []byte("t2")) == base {
		t.Error("a new endpoint or token must change the fingerprint")
	}
}

// newTestCA returns a CA's PEM and a function that issues serving certificates from it.
func newTestCA(t *testing.T) ([]byte, func(host string, from, until time.Time) tls.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(72 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	issue := func(host string, from, until time.Time) tls.Certificate {
		leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		leaf := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: host},
			NotBefore: from, NotAfter: until, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, DNSNames: []string{host}}
		if host == "127.0.0.1" {
			leaf.DNSNames, leaf.IPAddresses = nil, []net.IP{net.ParseIP(host)}
		}
		leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), issue
}
