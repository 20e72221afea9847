// Command fake-clouddns runs the Cloud DNS fake (test/fakes/clouddns) as a server, for demos and
// for trying the Cloud DNS provider by hand. It prints the endpoint to give the client and, unless
// --quiet, one line per API call.
//
//	fake-clouddns --listen 127.0.0.1:8085 --project meridian-test --zone example=example.com.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return
	}
	fmt.Fprintln(os.Stderr, "fake-clouddns: error:", err)
	os.Exit(2)
}

// zoneFlags collects repeated --zone name=dnsName values.
type zoneFlags [][2]string

func (z *zoneFlags) String() string {
	var parts []string
	for _, v := range *z {
		parts = append(parts, v[0]+"="+v[1])
	}
	return strings.Join(parts, ",")
}

func (z *zoneFlags) Set(v string) error {
	name, dnsName, ok := strings.Cut(v, "=")
	if !ok || name == "" || dnsName == "" {
		return fmt.Errorf("want name=dnsName, got %q", v)
	}
	*z = append(*z, [2]string{name, dnsName})
	return nil
}

type config struct {
	opts                   clouddnsfake.Options
	zones                  zoneFlags
	failureRate, throttled float64
	latency                time.Duration
	quiet                  bool
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("fake-clouddns", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.opts.Addr, "listen", "127.0.0.1:8085", "address to listen on (keep it on loopback)")
	fs.StringVar(&c.opts.Project, "project", clouddnsfake.DefaultProject, "the project the fake serves")
	fs.Var(&c.zones, "zone", "a managed zone as name=dnsName; repeatable")
	fs.Float64Var(&c.opts.Rate, "rate", 0, "token bucket rate in requests per second past which calls get 429 (0: off)")
	fs.IntVar(&c.opts.Burst, "burst", 0, "token bucket size (default: the rate, at least 1)")
	fs.DurationVar(&c.opts.ChangeDelay, "change-delay", 2*time.Second, "how long a change stays pending")
	fs.Float64Var(&c.failureRate, "failure-rate", 0, "share of calls answered 500 or 503")
	fs.Float64Var(&c.throttled, "throttle-rate", 0, "share of calls answered 429")
	fs.DurationVar(&c.latency, "latency", 0, "delay before every call is served")
	fs.Int64Var(&c.opts.Seed, "seed", 1, "seed of the random failures")
	fs.BoolVar(&c.quiet, "quiet", false, "do not print a line per call")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c, nil
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, out io.Writer) error {
	c, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	if !c.quiet {
		c.opts.Observe = func(call clouddnsfake.Call) {
			fmt.Fprintf(out, "%s %-28s zone=%s status=%d %s adds=%d dels=%d\n", call.Time.Format(time.TimeOnly),
				call.Method, call.Zone, call.Status, call.Reason, call.Additions, call.Deletions)
		}
	}
	f, err := clouddnsfake.Start(c.opts)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, z := range c.zones {
		if err := f.CreateZone(z[0], z[1]); err != nil {
			return err
		}
	}
	f.SetFailureRate(c.failureRate)
	f.SetThrottleRate(c.throttled)
	f.SetLatency(c.latency)
	fmt.Fprintf(out, "fake Cloud DNS for project %q at %s\n", f.Project(), f.URL)
	fmt.Fprintf(out, "client: dns.NewService(ctx, option.WithEndpoint(%q), option.WithoutAuthentication())\n", f.Endpoint())
	<-ctx.Done()
	return nil
}
