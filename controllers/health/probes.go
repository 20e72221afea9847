package health

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/meridian-dns/meridian/version"
)

// newProbe validates a target and returns the function that probes it. c has its defaults.
func newProbe(address string, c Check) (probeFunc, error) {
	if err := c.validate(address); err != nil {
		return nil, err
	}
	hostPort := net.JoinHostPort(address, strconv.Itoa(c.Port))
	if c.Protocol == ProtocolTCP {
		return tcpProbe(hostPort, c.Timeout), nil
	}
	scheme := "http"
	if c.Protocol == ProtocolHTTPS {
		scheme = "https"
	}
	u, err := url.Parse(scheme + "://" + hostPort + c.Path)
	if err != nil || u.Host != hostPort {
		return nil, fmt.Errorf("%w: path %q does not make a URL for %s", errInvalid, c.Path, hostPort)
	}
	return httpProbe(u, c), nil
}

// tcpProbe succeeds when a TCP connection to hostPort opens within the timeout.
func tcpProbe(hostPort string, timeout time.Duration) probeFunc {
	what := "TCP connect to " + hostPort
	return func(ctx context.Context) result {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", hostPort)
		if err != nil {
			return describeError(what, err, timeout)
		}
		_ = conn.Close()
		return result{ok: true, message: what + " succeeded"}
	}
}

// httpProbe succeeds when a GET of u answers with a status in 200-399 within the timeout, as a
// Kubernetes HTTP probe does.
func httpProbe(u *url.URL, c Check) probeFunc {
	client := probeClient(c)
	what := "GET " + u.String()
	return func(ctx context.Context) result {
		ctx, cancel := context.WithTimeout(ctx, c.Timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return result{message: fmt.Sprintf("%s: %s", what, err)}
		}
		if c.Host != "" {
			req.Host = c.Host
		}
		req.Header.Set("User-Agent", "meridian-health/"+version.Version)
		resp, err := client.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // its message would repeat the method and URL
			}
			return describeError(what, err, c.Timeout)
		}
		// Without keep-alives the body need not be drained; the status is all a probe reads.
		_ = resp.Body.Close()
		ok := resp.StatusCode >= 200 && resp.StatusCode < 400
		return result{ok: ok, message: fmt.Sprintf("%s returned %s", what, resp.Status)}
	}
}

// probeClient builds the HTTP client of one target. Every choice keeps the probe on exactly the
// address it was given and makes each probe independent of the last:
//   - no proxy from the environment, and redirects are not followed (a 3xx already counts as
//     success, as in Kubernetes, and following it could reach any host);
//   - no keep-alives, so each probe opens a fresh connection (a pooled one could hide a dead
//     backend) and nothing is left open when the target is removed;
//   - certificates are not verified: targets are load-balancer IPs, which certificates rarely
//     name, and the probe asks whether the shard answers, not who it is; it sends no credentials.
//     Kubernetes' HTTPS probes skip verification for the same reason.
func probeClient(c Check) *http.Client {
	transport := &http.Transport{
		Proxy:       nil,
		DialContext: (&net.Dialer{Timeout: c.Timeout}).DialContext,
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true, //nolint:gosec // see above
			ServerName:         c.Host,
		},
		TLSHandshakeTimeout:    c.Timeout,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
