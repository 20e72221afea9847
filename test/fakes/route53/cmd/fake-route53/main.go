// Command fake-route53 runs the Route 53 fake as a standalone server for
// demos and manual runs. It prints its URL and the IDs of the zones it
// created, then serves until interrupted.
//
//	fake-route53 --listen 127.0.0.1:8053 --zone example.com --zone example.org
//
// Point a client at it with the SDK's endpoint override (BaseEndpoint, or
// AWS_ENDPOINT_URL_ROUTE_53 for SDKs that read it) and any static
// credentials in region us-east-1.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	route53fake "github.com/meridian-dns/meridian/test/fakes/route53"
)

// zoneList collects repeated --zone flags.
type zoneList []string

func (z *zoneList) String() string     { return strings.Join(*z, ",") }
func (z *zoneList) Set(v string) error { *z = append(*z, v); return nil }

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	if err := run(os.Args[1:], os.Stdout, stop); err != nil {
		fmt.Fprintln(os.Stderr, "fake-route53:", err)
		os.Exit(1)
	}
}

// run serves until stop delivers, printing the URL and zones to out.
func run(args []string, out io.Writer, stop <-chan os.Signal) error {
	fs := flag.NewFlagSet("fake-route53", flag.ContinueOnError)
	var zones zoneList
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (keep it on loopback)")
	fs.Var(&zones, "zone", "hosted zone to create (repeatable)")
	rate := fs.Float64("rate", route53fake.DocumentedRate, "requests per second per account (0 disables throttling)")
	burst := fs.Int("burst", route53fake.DocumentedRate, "token bucket burst")
	delay := fs.Duration("propagation-delay", 2*time.Second, "how long a change stays PENDING")
	prior := fs.Bool("reject-while-pending", false, "answer PriorRequestNotComplete while a zone's change is PENDING")
	latency := fs.Duration("latency", 0, "latency added to every answer")
	failureRate := fs.Float64("failure-rate", 0, "share of calls answered with 500/503")
	throttleRate := fs.Float64("throttle-rate", 0, "share of calls answered with Throttling")
	seed := fs.Int64("seed", 1, "seed for the injected failure and throttle shares")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fake, err := route53fake.Start(route53fake.Options{
		Addr: *listen, Rate: *rate, Burst: *burst, PropagationDelay: *delay,
		RejectWhilePending: *prior, Latency: *latency, Seed: *seed,
	})
	if err != nil {
		return err
	}
	defer fake.Close()
	fake.SetFailureRate(*failureRate)
	fake.SetThrottleRate(*throttleRate)
	fmt.Fprintln(out, fake.URL)
	for _, z := range zones {
		id := fake.CreateZone(z)
		fmt.Fprintf(out, "zone %s /hostedzone/%s\n", fake.ZoneName(id), id)
	}
	<-stop
	return nil
}
