package health

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test servers listen on their own 127.0.0.0/8 addresses (Linux routes the whole block to lo), so
// a probe reaching the wrong server would show.

// waitLimit bounds every wait in these tests; it is a safety net, not a speed assertion.
const waitLimit = 10 * time.Second

func listen(t *testing.T, ip string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatalf("listening on %s: %v", ip, err)
	}
	return l
}

// serve starts an HTTP (or, with tlsOn, HTTPS) server on ip and returns it.
func serve(t *testing.T, ip string, tlsOn bool, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake errors are what some tests cause
	_ = s.Listener.Close()
	s.Listener = listen(t, ip)
	if tlsOn {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// closedPort returns a port on ip that nothing listens on.
func closedPort(t *testing.T, ip string) int {
	l := listen(t, ip)
	port := portOf(t, l.Addr())
	_ = l.Close()
	return port
}

func portOf(t *testing.T, a net.Addr) int {
	t.Helper()
	_, p, err := net.SplitHostPort(a.String())
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return port
}

// switchServer answers with a status the test switches, counting the answers given since the
// last switch.
type switchServer struct {
	mu       sync.Mutex
	status   int
	answered int
}

func (s *switchServer) set(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.answered = status, 0
}

func (s *switchServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answered
}

func (s *switchServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	status := s.status
	s.answered++
	s.mu.Unlock()
	w.WriteHeader(status)
}

// counting counts requests.
type counting struct {
	mu sync.Mutex
	n  int
}

func (c *counting) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *counting) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// blocking answers nothing until the request ends (the client gave up) or release is closed.
func blocking(release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
}

// leftovers lists goroutines of the prober and of its HTTP clients.
func leftovers() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "controllers/health.(*worker).run") || strings.Contains(g, "net/http.(*persistConn)") {
			out = append(out, g)
		}
	}
	return out
}

// waitForGoroutines waits, within waitLimit, until at most n leftovers remain.
func waitForGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		left := leftovers()
		if len(left) <= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left, want at most %d:\n%s", len(left), n, strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alternating answers 200, 500, 200, 500, ...
type alternating struct {
	mu sync.Mutex
	n  int
}

func (a *alternating) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	a.mu.Lock()
	a.n++
	odd := a.n%2 == 1
	a.mu.Unlock()
	if odd {
		w.WriteHeader(http.StatusOK)
	} else {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// waitFor waits, within waitLimit, until a has answered n requests.
func (a *alternating) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		a.mu.Lock()
		done := a.n >= n
		a.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d requests answered", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
