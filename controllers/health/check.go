package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Protocol is how a target is probed, as spelled in spec.healthCheck.protocol.
type Protocol string

const (
	ProtocolHTTP  Protocol = "HTTP"
	ProtocolHTTPS Protocol = "HTTPS"
	ProtocolTCP   Protocol = "TCP"
)

// Kubernetes' probe defaults (periodSeconds 10, timeoutSeconds 1).
const (
	DefaultInterval = 10 * time.Second
	DefaultTimeout  = time.Second
)

// Check is how to probe an address: a record's spec.healthCheck. Zero durations and thresholds
// mean the defaults.
type Check struct {
	Protocol Protocol
	Port     int
	// Path is the HTTP(S) request path, with an optional query; "" means "/".
	Path string
	// Host is sent as the HTTP Host header and the TLS server name; "" means the address. An
	// Ingress shard usually needs one of its hosts here, since ingress controllers route by Host.
	Host       string
	Interval   time.Duration
	Timeout    time.Duration
	Thresholds Thresholds
}

func (c Check) withDefaults() Check {
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Path == "" && c.Protocol != ProtocolTCP {
		c.Path = "/"
	}
	c.Thresholds = c.Thresholds.withDefaults()
	return c
}

// errInvalid marks targets the Prober refuses; API validation should have caught them earlier.
var errInvalid = errors.New("invalid probe target")

// validate rejects what could make a probe go anywhere but address:port.
func (c Check) validate(address string) error {
	switch {
	case c.Protocol != ProtocolHTTP && c.Protocol != ProtocolHTTPS && c.Protocol != ProtocolTCP:
		return fmt.Errorf("%w: protocol %q is not HTTP, HTTPS or TCP", errInvalid, c.Protocol)
	case c.Port < 1 || c.Port > 65535:
		return fmt.Errorf("%w: port %d is not in 1-65535", errInvalid, c.Port)
	case c.Protocol != ProtocolTCP && !strings.HasPrefix(c.Path, "/"):
		return fmt.Errorf("%w: path %q does not start with /", errInvalid, c.Path)
	case c.Host != "" && !validHost(c.Host):
		return fmt.Errorf("%w: host %q is not an IP address or DNS name", errInvalid, c.Host)
	case !validHost(address):
		return fmt.Errorf("%w: address %q is not an IP address or DNS name", errInvalid, address)
	}
	return nil
}

// validHost accepts IP addresses and DNS names, and so rejects ports, user info and paths.
func validHost(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	return len(validation.IsDNS1123Subdomain(strings.ToLower(s))) == 0
}

// result is what one probe found.
type result struct {
	ok      bool
	timeout bool   // the probe ran out of time; ok is false
	message string // for people: what was probed and what happened
}

// probeFunc probes one target once, within the target's timeout.
type probeFunc func(context.Context) result

// describeError turns a dial or request error into a message, naming timeouts plainly.
func describeError(what string, err error, timeout time.Duration) result {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return result{timeout: true, message: fmt.Sprintf("%s timed out after %s", what, timeout)}
	}
	return result{message: fmt.Sprintf("%s failed: %s", what, shorten(err.Error()))}
}

// shorten keeps messages readable in kubectl output.
func shorten(s string) string {
	const limit = 200
	s = strings.TrimSpace(s)
	if len(s) > limit {
		return s[:limit] + "…"
	}
	return s
}
