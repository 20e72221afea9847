package cluster

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
)

// TokenKey is the Secret key that holds a member's bearer token, as in KubeFed.
const TokenKey = "token"

// ErrConfigMalformed marks errors in a KubeFedCluster or its Secret that only the user can fix.
var ErrConfigMalformed = errors.New("cluster configuration is malformed")

// Client-side rate limits of the clients of a member.
const (
	MemberQPS   = 50
	MemberBurst = 100
)

// RESTConfig builds the client configuration for a member from its KubeFedCluster and the Secret
// named by spec.secretRef. Errors wrap ErrConfigMalformed and name the field at fault.
func RESTConfig(kfc *v1beta1.KubeFedCluster, secret *corev1.Secret) (*rest.Config, error) {
	malformed := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfigMalformed, fmt.Sprintf(format, args...))
	}
	endpoint, err := url.Parse(kfc.Spec.APIEndpoint)
	if err != nil || endpoint.Host == "" {
		return nil, malformed("spec.apiEndpoint %q is not a URL such as https://10.0.0.1:6443", kfc.Spec.APIEndpoint)
	}
	token := secret.Data[TokenKey]
	if len(token) == 0 {
		return nil, malformed("Secret %s/%s (spec.secretRef.name) has no %q key", secret.Namespace, secret.Name, TokenKey)
	}
	// client-go's default of 5 requests per second (burst 10) is shared by every controller
	// writing to the member; at that rate a sync of a few dozen objects queues for seconds.
	cfg := &rest.Config{Host: kfc.Spec.APIEndpoint, BearerToken: string(token), QPS: MemberQPS, Burst: MemberBurst}
	if len(kfc.Spec.CABundle) > 0 && !x509.NewCertPool().AppendCertsFromPEM(kfc.Spec.CABundle) {
		return nil, malformed("spec.caBundle holds no PEM certificate")
	}
	if p := kfc.Spec.ProxyURL; p != "" {
		u, err := url.Parse(p)
		if err != nil || u.Host == "" {
			return nil, malformed("spec.proxyURL %q is not a URL such as http://proxy:3128", p)
		}
		cfg.Proxy = http.ProxyURL(u)
	}
	disabled := kfc.Spec.DisabledTLSValidations
	switch {
	case slices.Contains(disabled, v1beta1.TLSAll):
		cfg.Insecure = true
	case len(disabled) > 0:
		// client-go can only turn verification off entirely; to skip just the name or the
		// validity check, verify the chain ourselves.
		cfg.Transport, err = partialVerifyTransport(endpoint.Hostname(), kfc.Spec.CABundle, disabled, cfg.Proxy)
		if err != nil {
			return nil, malformed("spec.caBundle: %v", err)
		}
		cfg.Proxy = nil // the transport carries it
	default:
		cfg.CAData = kfc.Spec.CABundle
	}
	return cfg, nil
}

// partialVerifyTransport verifies the server's chain against caBundle (or the system roots) and
// its name against host, skipping the name check and/or the validity period as asked. (The host
// comes from the endpoint: the TLS state has no server name when the endpoint is an IP address.)
func partialVerifyTransport(host string, caBundle []byte, disabled []v1beta1.TLSValidation, proxy func(*http.Request) (*url.URL, error)) (http.RoundTripper, error) {
	roots, err := x509.SystemCertPool()
	if len(caBundle) > 0 {
		roots, err = x509.NewCertPool(), nil
		roots.AppendCertsFromPEM(caBundle)
	}
	if err != nil {
		return nil, err
	}
	skipName := slices.Contains(disabled, v1beta1.TLSSubjectName)
	skipTime := slices.Contains(disabled, v1beta1.TLSValidityPeriod)
	verify := func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("the server sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		if !skipName {
			opts.DNSName = host
		}
		if skipTime {
			opts.CurrentTime = leaf.NotBefore.Add(time.Second)
		}
		_, err := leaf.Verify(opts)
		return err
	}
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	return &http.Transport{
		Proxy:               proxy,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true, VerifyConnection: verify, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
	}, nil
}
