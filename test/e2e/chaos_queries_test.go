package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/test/env"
)

// queryRate is the queries per second the loop sends to each server.
const queryRate = 20

// queryTarget is a name the loop asks for and the addresses an answer may hold.
type queryTarget struct {
	name    string
	allowed map[string]bool
}

// queryStats counts what the loop saw.
type queryStats struct {
	mu       sync.Mutex
	sent     int
	failed   int // SERVFAIL or any other error rcode
	timeouts int
	wrong    int // empty, or an address the name may not have
	samples  []string
}

func (s *queryStats) bad() int { return s.failed + s.timeouts + s.wrong }

func (s *queryStats) record(kind, sample string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch kind {
	case "failed":
		s.failed++
	case "timeout":
		s.timeouts++
	case "wrong":
		s.wrong++
	}
	if kind != "" && len(s.samples) < 10 {
		s.samples = append(s.samples, time.Now().Format("15:04:05.000")+" "+sample)
	}
}

func (s *queryStats) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%d sent, %d failed, %d timed out, %d wrong; first problems:\n  %s",
		s.sent, s.failed, s.timeouts, s.wrong, strings.Join(s.samples, "\n  "))
}

// queryLoop sends A queries at queryRate per second to each server, round robin over the
// targets, from a loopback address the Corefile maps to no region (so the answer is every
// healthy target), until stop or its hard cap of time, whichever comes first.
type queryLoop struct {
	stats  *queryStats
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startQueries(servers []*env.CoreDNS, targets []queryTarget, hardCap time.Duration) *queryLoop {
	ctx, cancel := context.WithTimeout(context.Background(), hardCap)
	l := &queryLoop{stats: &queryStats{}, cancel: cancel}
	maxQueries := int(hardCap.Seconds()+1) * queryRate
	for _, server := range servers {
		l.wg.Go(func() { l.run(ctx, server.Addr, targets, maxQueries) })
	}
	return l
}

func (l *queryLoop) run(ctx context.Context, addr string, targets []queryTarget, maxQueries int) {
	tick := time.NewTicker(time.Second / queryRate)
	defer tick.Stop()
	var inflight sync.WaitGroup
	defer inflight.Wait()
	for i := 0; i < maxQueries; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		target := targets[i%len(targets)]
		l.stats.mu.Lock()
		l.stats.sent++
		l.stats.mu.Unlock()
		inflight.Go(func() { l.stats.record(queryOnce(addr, target)) })
	}
}

// queryOnce asks for target once and classifies the answer ("" when it is good).
func queryOnce(addr string, target queryTarget) (string, string) {
	msg := new(dns.Msg)
	msg.SetQuestion(target.name, dns.TypeA)
	c := &dns.Client{Timeout: 2 * time.Second, Dialer: &net.Dialer{LocalAddr: &net.UDPAddr{IP: unknownClient.AsSlice()}}}
	resp, _, err := c.Exchange(msg, addr)
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout", fmt.Sprintf("%s %s: %v", addr, target.name, err)
	case err != nil:
		return "failed", fmt.Sprintf("%s %s: %v", addr, target.name, err)
	case resp.Rcode != dns.RcodeSuccess:
		return "failed", fmt.Sprintf("%s %s: %s", addr, target.name, dns.RcodeToString[resp.Rcode])
	}
	var got []string
	for _, rr := range resp.Answer {
		if a, ok := rr.(*dns.A); ok {
			got = append(got, a.A.String())
		}
	}
	if len(got) == 0 {
		return "wrong", fmt.Sprintf("%s %s: no address (%v)", addr, target.name, resp.Answer)
	}
	for _, a := range got {
		if !target.allowed[a] {
			slices.Sort(got)
			return "wrong", fmt.Sprintf("%s %s: %v, may hold only %v", addr, target.name, got, target.allowed)
		}
	}
	return "", ""
}

// stop ends the loop, waits for answers in flight and returns the counts.
func (l *queryLoop) stop() *queryStats {
	l.cancel()
	l.wg.Wait()
	return l.stats
}

// check fails the test on any failed, timed-out or wrong answer.
func (s *queryStats) check(t *testing.T) {
	t.Helper()
	if s.sent == 0 {
		t.Error("the query loop sent nothing")
	}
	if s.bad() > 0 {
		t.Errorf("DNS answers during the fault: %s", s)
	} else {
		t.Logf("DNS answers during the fault: %d sent, all good", s.sent)
	}
}
