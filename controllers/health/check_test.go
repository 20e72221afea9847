package health

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckDefaults(t *testing.T) {
	got := Check{Protocol: ProtocolHTTP, Port: 80}.withDefaults()
	want := Check{Protocol: ProtocolHTTP, Port: 80, Path: "/", Interval: 10 * time.Second, Timeout: time.Second,
		Thresholds: Thresholds{Failure: 3, Success: 1}}
	if got != want {
		t.Errorf("HTTP defaults %+v, want %+v", got, want)
	}
	if got := (Check{Protocol: ProtocolTCP, Port: 80}).withDefaults(); got.Path != "" {
		t.Errorf("TCP check got path %q", got.Path)
	}
	set := Check{Protocol: ProtocolHTTPS, Port: 443, Path: "/x", Interval: time.Minute, Timeout: 5 * time.Second,
		Thresholds: Thresholds{Failure: 7, Success: 2}}
	if got := set.withDefaults(); got != set {
		t.Errorf("explicit settings changed: %+v", got)
	}
}

func TestNewProbeValidation(t *testing.T) {
	http := Check{Protocol: ProtocolHTTP, Port: 8080, Path: "/healthz"}
	cases := []struct {
		name    string
		address string
		change  func(*Check)
		wantErr string // "" for valid
	}{
		{"HTTP", "127.0.0.1", nil, ""},
		{"HTTPS", "127.0.0.1", func(c *Check) { c.Protocol = ProtocolHTTPS }, ""},
		{"TCP ignores the path", "127.0.0.1", func(c *Check) { c.Protocol, c.Path = ProtocolTCP, "nonsense" }, ""},
		{"IPv6 address", "fd00::1", nil, ""},
		{"hostname", "a1b2.elb.us-east-1.amazonaws.com", nil, ""},
		{"upper-case hostname", "LB.Example.com", nil, ""},
		{"query in path", "127.0.0.1", func(c *Check) { c.Path = "/healthz?full=1" }, ""},
		{"host header", "127.0.0.1", func(c *Check) { c.Host = "shop.example.com" }, ""},
		{"lower-case protocol", "127.0.0.1", func(c *Check) { c.Protocol = "http" }, `protocol "http"`},
		{"unknown protocol", "127.0.0.1", func(c *Check) { c.Protocol = "UDP" }, `protocol "UDP"`},
		{"port 0", "127.0.0.1", func(c *Check) { c.Port = 0 }, "port 0"},
		{"port too large", "127.0.0.1", func(c *Check) { c.Port = 65536 }, "port 65536"},
		{"relative path", "127.0.0.1", func(c *Check) { c.Path = "healthz" }, `path "healthz"`},
		{"path that changes the host", "127.0.0.1", func(c *Check) { c.Path = "@evil.example.com/" }, "path"},
		{"path with a control character", "127.0.0.1", func(c *Check) { c.Path = "/x\x7f" }, "does not make a URL"},
		{"double slash stays a path", "127.0.0.1", func(c *Check) { c.Path = "//evil.example.com/" }, ""},
		{"address with a port", "127.0.0.1:80", nil, `address "127.0.0.1:80"`},
		{"address with user info", "user@127.0.0.1", nil, `address "user@127.0.0.1"`},
		{"address with a path", "127.0.0.1/x", nil, `address "127.0.0.1/x"`},
		{"URL as address", "http://127.0.0.1", nil, "address"},
		{"empty address", "", nil, `address ""`},
		{"IPv6 zone", "fe80::1%eth0", nil, "address"},
		{"host header with a path", "127.0.0.1", func(c *Check) { c.Host = "a.example.com/x" }, `host "a.example.com/x"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := http
			if tc.change != nil {
				tc.change(&c)
			}
			probe, err := newProbe(tc.address, c.withDefaults())
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr == "" && probe == nil:
				t.Fatal("no probe")
			case tc.wantErr != "" && (err == nil || !errors.Is(err, errInvalid) || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want errInvalid mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("x", 500)
	if got := shorten(long); len(got) > 210 || !strings.HasSuffix(got, "…") {
		t.Errorf("shorten(500 x) = %d bytes", len(got))
	}
	if got := shorten("  short \n"); got != "short" {
		t.Errorf("shorten = %q", got)
	}
}
