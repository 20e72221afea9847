package bench

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The load every row gets, as agreed for issue 6: 4 clients on one thread with 200 queries
// outstanding for 20 seconds. One thread leaves the second core of a 2-core machine to CoreDNS.
const (
	loadClients     = 4
	loadThreads     = 1
	loadOutstanding = 200
	loadDuration    = 20 * time.Second
)

// dnsperfStats is what the benchmark reads from dnsperf's summary.
type dnsperfStats struct {
	sent, completed, lost int64
	qps                   float64
	avgLatency, stddev    time.Duration
	rcodes                map[string]int64
}

// dnsperfRun is one run of dnsperf: its summary, its output, and the CPU time the load
// generator used, to show whether it rather than the server was the bottleneck.
type dnsperfRun struct {
	stats   dnsperfStats
	output  string
	cpu     time.Duration
	elapsed time.Duration
}

// runDNSPerf loads the server on 127.0.0.1:port with the queries in queryFile, with the ECS
// option when ecs is set.
func runDNSPerf(ctx context.Context, port int, queryFile string, ecs bool) (dnsperfRun, error) {
	args := []string{
		"-s", "127.0.0.1", "-p", strconv.Itoa(port), "-d", queryFile,
		"-c", strconv.Itoa(loadClients), "-T", strconv.Itoa(loadThreads),
		"-q", strconv.Itoa(loadOutstanding), "-l", strconv.Itoa(int(loadDuration.Seconds())),
	}
	if ecs {
		args = append(args, "-E", dnsperfECS)
	}
	// dnsperf ends by itself after -l seconds; the context only guards against a hang.
	ctx, cancel := context.WithTimeout(ctx, loadDuration+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "dnsperf", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	run := dnsperfRun{elapsed: time.Since(start), output: out.String()}
	if err != nil {
		return run, fmt.Errorf("dnsperf %s: %w\n%s", strings.Join(args, " "), err, tail(run.output, 20))
	}
	run.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if run.stats, err = parseDNSPerf(run.output); err != nil {
		return run, fmt.Errorf("%w\n%s", err, tail(run.output, 20))
	}
	return run, nil
}

// parseDNSPerf reads the "Statistics:" block dnsperf prints at the end of a run. Lines it does
// not know are skipped; the counts and the rate must be there.
func parseDNSPerf(out string) (dnsperfStats, error) {
	s := dnsperfStats{rcodes: map[string]int64{}}
	var seen []string
	for _, line := range strings.Split(out, "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		first, _, _ := strings.Cut(value, " ")
		var err error
		switch key {
		case "Queries sent":
			s.sent, err = strconv.ParseInt(first, 10, 64)
		case "Queries completed":
			s.completed, err = strconv.ParseInt(first, 10, 64)
		case "Queries lost":
			s.lost, err = strconv.ParseInt(first, 10, 64)
		case "Queries per second":
			s.qps, err = strconv.ParseFloat(first, 64)
		case "Average Latency (s)":
			s.avgLatency, err = parseSeconds(first)
		case "Latency StdDev (s)":
			s.stddev, err = parseSeconds(first)
		case "Response codes":
			s.rcodes, err = parseRcodes(value)
		default:
			continue
		}
		if err != nil {
			return s, fmt.Errorf("dnsperf output line %q: %w", line, err)
		}
		seen = append(seen, key)
	}
	for _, need := range []string{"Queries sent", "Queries completed", "Queries lost", "Queries per second"} {
		if !slices.Contains(seen, need) {
			return s, fmt.Errorf("dnsperf output lacks %q", need)
		}
	}
	return s, nil
}

func parseSeconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	return time.Duration(f * float64(time.Second)), err
}

// parseRcodes reads "NOERROR 87843 (99.90%), SERVFAIL 88 (0.10%)"; no responses leave it empty.
func parseRcodes(value string) (map[string]int64, error) {
	rcodes := map[string]int64{}
	for _, item := range strings.Split(value, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("response code item %q", item)
		}
		n, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("response code item %q: %w", item, err)
		}
		rcodes[fields[0]] = n
	}
	return rcodes, nil
}

// checkLoad is the correctness side of a run: the server answered, and answered every query
// it answered with NOERROR (every name exists). Lost queries are a performance figure and are
// only reported.
func checkLoad(s dnsperfStats) error {
	if s.completed == 0 {
		return fmt.Errorf("no query answered out of %d sent", s.sent)
	}
	if s.rcodes["NOERROR"] != s.completed {
		return fmt.Errorf("%d of %d answers are not NOERROR: %s", s.completed-s.rcodes["NOERROR"], s.completed, formatRcodes(s.rcodes))
	}
	return nil
}

// tail is the last n lines of s, for error messages.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
