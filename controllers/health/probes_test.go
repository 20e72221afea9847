package health

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// probeOnce builds and runs one probe of address with c, failing the test if c is invalid.
func probeOnce(t *testing.T, address string, c Check) result {
	t.Helper()
	probe, err := newProbe(address, c.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	return probe(context.Background())
}

// Statuses below 200 cannot be tested here: Go's server and client treat 1xx as informational.
func TestHTTPProbeStatus(t *testing.T) {
	srv := &switchServer{}
	port := portOf(t, serve(t, "127.0.0.5", false, srv).Listener.Addr())
	for _, tc := range []struct {
		status int
		ok     bool
	}{
		{200, true}, {204, true}, {299, true}, {301, true}, {304, true}, {399, true},
		{400, false}, {404, false}, {500, false}, {503, false},
	} {
		srv.set(tc.status)
		r := probeOnce(t, "127.0.0.5", Check{Protocol: ProtocolHTTP, Port: port, Path: "/healthz"})
		if r.ok != tc.ok || r.timeout {
			t.Errorf("status %d: ok %v timeout %v, want ok %v", tc.status, r.ok, r.timeout, tc.ok)
		}
		want := "GET http://127.0.0.5:" + strconv.Itoa(port) + "/healthz returned " + strconv.Itoa(tc.status)
		if !strings.HasPrefix(r.message, want) {
			t.Errorf("status %d: message %q, want it to start with %q", tc.status, r.message, want)
		}
	}
}

func TestHTTPProbeRequest(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	s := serve(t, "127.0.0.5", false, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r)
	}))
	port := portOf(t, s.Listener.Addr())
	r := probeOnce(t, "127.0.0.5", Check{Protocol: ProtocolHTTP, Port: port, Path: "/healthz?full=1", Host: "shop.example.com"})
	if !r.ok {
		t.Fatalf("probe failed: %s", r.message)
	}
	r = probeOnce(t, "127.0.0.5", Check{Protocol: ProtocolHTTP, Port: port})
	if !r.ok {
		t.Fatalf("probe failed: %s", r.message)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	first, second := got[0], got[1]
	if first.Method != http.MethodGet || first.URL.RequestURI() != "/healthz?full=1" || first.Host != "shop.example.com" {
		t.Errorf("first request %s %s Host %s", first.Method, first.URL.RequestURI(), first.Host)
	}
	if !strings.HasPrefix(first.UserAgent(), "meridian-health/") {
		t.Errorf("User-Agent %q", first.UserAgent())
	}
	if second.URL.RequestURI() != "/" || second.Host != "127.0.0.5:"+strconv.Itoa(port) {
		t.Errorf("second request %s Host %s", second.URL.RequestURI(), second.Host)
	}
}

// A redirect counts as success without being followed: the probe reaches nothing it was not given.
func TestHTTPProbeDoesNotFollowRedirects(t *testing.T) {
	elsewhere := &counting{}
	other := serve(t, "127.0.0.6", false, elsewhere)
	s := serve(t, "127.0.0.5", false, http.RedirectHandler(other.URL+"/", http.StatusFound))
	r := probeOnce(t, "127.0.0.5", Check{Protocol: ProtocolHTTP, Port: portOf(t, s.Listener.Addr())})
	if !r.ok || !strings.Contains(r.message, "returned 302") {
		t.Errorf("redirect: ok %v, %q", r.ok, r.message)
	}
	if n := elsewhere.count(); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
}

func TestHTTPSProbe(t *testing.T) {
	var mu sync.Mutex
	var serverNames, hosts []string
	s := serve(t, "127.0.0.7", true, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		serverNames = append(serverNames, r.TLS.ServerName)
		hosts = append(hosts, r.Host)
	}))
	port := portOf(t, s.Listener.Addr())
	// httptest's certificate is self-signed and names neither the address nor the host below.
	for _, host := range []string{"", "shop.example.com"} {
		r := probeOnce(t, "127.0.0.7", Check{Protocol: ProtocolHTTPS, Port: port, Host: host})
		if !r.ok || !strings.HasPrefix(r.message, "GET https://127.0.0.7:") {
			t.Errorf("host %q: ok %v, %q", host, r.ok, r.message)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hosts) != 2 || serverNames[0] != "" || serverNames[1] != "shop.example.com" || hosts[1] != "shop.example.com" {
		t.Errorf("server names %q, hosts %q", serverNames, hosts)
	}
}

func TestProbeFailures(t *testing.T) {
	plain := serve(t, "127.0.0.5", false, &counting{})
	tlsOnly := serve(t, "127.0.0.7", true, &counting{})
	closed := closedPort(t, "127.0.0.8")
	cases := []struct {
		name    string
		address string
		check   Check
		want    string
	}{
		{"HTTP to a closed port", "127.0.0.8", Check{Protocol: ProtocolHTTP, Port: closed}, "connection refused"},
		{"HTTPS to a closed port", "127.0.0.8", Check{Protocol: ProtocolHTTPS, Port: closed}, "connection refused"},
		{"TCP to a closed port", "127.0.0.8", Check{Protocol: ProtocolTCP, Port: closed}, "connection refused"},
		{"HTTPS to a plain HTTP server", "127.0.0.5", Check{Protocol: ProtocolHTTPS, Port: portOf(t, plain.Listener.Addr())}, "failed"},
		{"HTTP to a TLS server", "127.0.0.7", Check{Protocol: ProtocolHTTP, Port: portOf(t, tlsOnly.Listener.Addr())}, "returned 400"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := probeOnce(t, tc.address, tc.check)
			if r.ok || r.timeout || !strings.Contains(r.message, tc.want) {
				t.Errorf("ok %v timeout %v %q, want a failure mentioning %q", r.ok, r.timeout, r.message, tc.want)
			}
		})
	}
}

func TestTCPProbe(t *testing.T) {
	l := listen(t, "127.0.0.9")
	t.Cleanup(func() { _ = l.Close() })
	r := probeOnce(t, "127.0.0.9", Check{Protocol: ProtocolTCP, Port: portOf(t, l.Addr())})
	if !r.ok || !strings.HasPrefix(r.message, "TCP connect to 127.0.0.9:") {
		t.Errorf("ok %v, %q", r.ok, r.message)
	}
}

// silent accepts connections and never writes to them.
func silent(t *testing.T, ip string) int {
	l := listen(t, ip)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return portOf(t, l.Addr())
}

// The timeout bounds each probe: the servers below never answer, so only the timeout ends the
// probe. The test checks that it ended and said why, not how fast.
func TestProbeTimeouts(t *testing.T) {
	release := make(chan struct{})
	stuck := serve(t, "127.0.0.5", false, blocking(release))
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	quiet := silent(t, "127.0.0.10")
	const timeout = 100 * time.Millisecond
	cases := []struct {
		name    string
		address string
		check   Check
	}{
		{"HTTP server that never answers", "127.0.0.5", Check{Protocol: ProtocolHTTP, Port: portOf(t, stuck.Listener.Addr())}},
		{"HTTP to a silent listener", "127.0.0.10", Check{Protocol: ProtocolHTTP, Port: quiet}},
		{"TLS handshake that never completes", "127.0.0.10", Check{Protocol: ProtocolHTTPS, Port: quiet}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check.Timeout = timeout
			done := make(chan result, 1)
			go func() { done <- probeOnce(t, tc.address, tc.check) }()
			select {
			case r := <-done:
				if r.ok || !r.timeout || !strings.HasSuffix(r.message, "timed out after 100ms") {
					t.Errorf("ok %v timeout %v %q, want a timeout", r.ok, r.timeout, r.message)
				}
			case <-time.After(waitLimit):
				t.Fatal("the probe ignored its timeout")
			}
		})
	}
}

// Cancelling the caller's context ends a probe too; the worker relies on it to stop promptly.
func TestProbeCancelled(t *testing.T) {
	release := make(chan struct{})
	stuck := serve(t, "127.0.0.5", false, blocking(release))
	t.Cleanup(func() { close(release) })
	probe, err := newProbe("127.0.0.5", Check{Protocol: ProtocolHTTP, Port: portOf(t, stuck.Listener.Addr()), Timeout: time.Hour}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- probe(ctx) }()
	cancel()
	select {
	case r := <-done:
		if r.ok {
			t.Errorf("cancelled probe succeeded: %q", r.message)
		}
	case <-time.After(waitLimit):
		t.Fatal("the probe ignored cancellation")
	}
}
