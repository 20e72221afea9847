package env

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/miekg/dns"
)

// CoreDNS is a CoreDNS process serving a Corefile on 127.0.0.1.
type CoreDNS struct {
	*Process
	// Addr is 127.0.0.1:PORT, for UDP and TCP.
	Addr string
	Port int
}

// StartCoreDNS runs binary (usually bin/coredns from BuildCommand) with corefile. The server
// blocks of the Corefile that name no port get a free one (CoreDNS's -dns.port); they should
// `bind 127.0.0.1`. dir receives the Corefile and the log. It returns once CoreDNS answers.
func StartCoreDNS(ctx context.Context, binary, dir, corefile string) (*CoreDNS, error) {
	return StartCoreDNSOnPort(ctx, binary, dir, corefile, 0)
}

// StartCoreDNSOnPort is StartCoreDNS on a given port; 0 picks a free one.
func StartCoreDNSOnPort(ctx context.Context, binary, dir, corefile string, port int) (*CoreDNS, error) {
	if port == 0 {
		var err error
		if port, err = freeDNSPort(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "Corefile")
	if err := os.WriteFile(conf, []byte(corefile), 0o644); err != nil {
		return nil, fmt.Errorf("writing Corefile: %w", err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	c := &CoreDNS{Addr: addr, Port: port}
	c.Process = &Process{
		Name:    "coredns",
		Path:    binary,
		Args:    []string{"-conf", conf, "-dns.port", strconv.Itoa(port)},
		LogPath: filepath.Join(dir, "coredns.log"),
		ready:   dnsAnswers(addr),
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// dnsAnswers is ready once the server replies to a query at all, whatever the rcode.
func dnsAnswers(addr string) readyFunc {
	return func(ctx context.Context) error {
		msg := new(dns.Msg)
		msg.SetQuestion(".", dns.TypeNS)
		_, _, err := new(dns.Client).ExchangeContext(ctx, msg, addr)
		return err
	}
}
