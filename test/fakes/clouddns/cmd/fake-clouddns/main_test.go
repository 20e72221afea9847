package main

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	dns "google.golang.org/api/dns/v1"
	"google.golang.org/api/option"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"--zone", "a=a.test.", "--zone=b=b.test.", "--rate", "5", "--burst", "2",
		"--project", "p"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.zones.String() != "a=a.test.,b=b.test." || c.opts.Rate != 5 || c.opts.Burst != 2 || c.opts.Project != "p" {
		t.Errorf("config = %+v", c)
	}
	for _, bad := range [][]string{{"--zone", "nodns"}, {"--zone", "=x."}, {"extra"}, {"--rate", "x"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// syncBuffer is an io.Writer the server goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The binary prints its endpoint; the real client reaches the zone there, and the call is printed.
func TestRunServesZones(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--zone", "demo=demo.test."}, out)
	}()
	endpoint := waitFor(t, out, regexp.MustCompile(`option\.WithEndpoint\("(http://127\.0\.0\.1:\d+/)"\)`))
	svc, err := dns.NewService(ctx, option.WithEndpoint(endpoint), option.WithoutAuthentication())
	if err != nil {
		t.Fatal(err)
	}
	z, err := svc.ManagedZones.Get("meridian-test", "demo").Do()
	if err != nil || z.DnsName != "demo.test." {
		t.Fatalf("zone = %+v, %v", z, err)
	}
	waitFor(t, out, regexp.MustCompile(`dns\.managedZones\.get\s+zone=demo status=200`))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(out.String()))
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				return m[len(m)-1]
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no line matching %s in:\n%s", re, out.String())
	return ""
}
