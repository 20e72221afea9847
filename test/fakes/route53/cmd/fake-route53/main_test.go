package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

func TestRunServesZones(t *testing.T) {
	r, w := io.Pipe()
	stop := make(chan os.Signal, 1)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"--listen", "127.0.0.1:0", "--zone", "example.com", "--zone", "Example.ORG", "--rate", "0"}, w, stop)
		w.Close()
	}()
	lines := bufio.NewScanner(r)
	var out []string
	for len(out) < 3 && lines.Scan() {
		out = append(out, lines.Text())
	}
	if len(out) != 3 || !strings.HasPrefix(out[0], "http://127.0.0.1:") || !strings.HasPrefix(out[2], "zone example.org. /hostedzone/Z") {
		t.Fatalf("printed %q", out)
	}
	go func() { _, _ = io.Copy(io.Discard, r) }()

	c := route53.NewFromConfig(aws.Config{Region: "us-east-1", Retryer: func() aws.Retryer { return aws.NopRetryer{} },
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")},
		func(o *route53.Options) { o.BaseEndpoint = aws.String(out[0]) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	zones, err := c.ListHostedZones(ctx, &route53.ListHostedZonesInput{})
	if err != nil || len(zones.HostedZones) != 2 {
		t.Fatalf("ListHostedZones: %v %v", zones, err)
	}
	stop <- os.Interrupt
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run([]string{"--rate", "fast"}, io.Discard, nil); err == nil {
		t.Fatal("bad flag accepted")
	}
}
