// Package bench measures Meridian's DNS data plane against stock CoreDNS (issue 6). `go test
// ./...` runs only the unit tests of the harness's parsers; `make bench` runs the benchmark.
//
// BenchmarkDNS starts, one at a time, CoreDNS with the stock file plugin, the stock etcd plugin,
// whoami (the ceiling of CoreDNS itself) and Meridian's gslb plugin, all serving the same 10,000
// names, and loads each with dnsperf on loopback. It then starts file and gslb on 100,000 names
// and reads their resident set. The table and the ratios the issue sets goals for are printed and
// written to bin/bench-dns.txt; goals are reported, only correct answers are asserted.
package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/test/env"
)

const (
	benchNames  = 10_000  // names in the throughput rows
	memoryNames = 100_000 // names in the memory rows
	// Both prefixes hold records for the zone; neither is a string prefix of the other, so a
	// reader of one never lists the other.
	benchPrefix  = "/skydns"
	memoryPrefix = "/meridian-bench-100k"
)

// harness is what the rows share: the binaries, one etcd, the data sets loaded so far and the
// report.
type harness struct {
	ctx      context.Context
	dir      string
	coredns  string
	plugins  map[string]bool
	etcd     *env.EtcdCluster
	client   *clientv3.Client // of etcd, to load the data sets
	datasets map[int]*dataset
	report   report
	dnsperf  bytes.Buffer // every dnsperf output, written next to the table
	loadavg  string       // the machine's load average when the benchmark started
}

// dataset is a record set in all three forms the servers and dnsperf read.
type dataset struct {
	set                 recordSet
	prefix              string
	zoneFile, queryFile string
}

// serverConfig is one CoreDNS configuration and the rows it is measured in.
type serverConfig struct {
	plugin   string
	corefile func(h *harness, d *dataset) string
	routes   bool   // applies nearest routing, so ECS rows expect the east target only
	whoami   bool   // answers with the client's address instead of the records
	variants []bool // for each row: whether dnsperf sends ECS
}

var (
	fileConfig = serverConfig{
		plugin:   "file",
		corefile: func(_ *harness, d *dataset) string { return fileCorefile(d.zoneFile) },
		variants: []bool{false, true},
	}
	etcdConfig = serverConfig{
		plugin:   "etcd",
		corefile: func(h *harness, d *dataset) string { return etcdCorefile(h.etcd.Endpoints[0], d.prefix) },
		variants: []bool{false},
	}
	whoamiConfig = serverConfig{
		plugin:   "whoami",
		corefile: func(*harness, *dataset) string { return whoamiCorefile() },
		whoami:   true,
		variants: []bool{false},
	}
	gslbConfig = serverConfig{
		plugin:   "gslb",
		corefile: func(h *harness, d *dataset) string { return gslbCorefile(h.etcd.Endpoints[0], d.prefix) },
		routes:   true,
		variants: []bool{false, true},
	}
)

func BenchmarkDNS(b *testing.B) {
	h := newHarness(b)
	for _, s := range []serverConfig{fileConfig, etcdConfig, whoamiConfig, gslbConfig} {
		b.Run(s.plugin, func(b *testing.B) { h.runServer(b, s) })
	}
	b.Run("memory", func(b *testing.B) {
		for _, s := range []serverConfig{fileConfig, gslbConfig} {
			b.Run(s.plugin+"-100k", func(b *testing.B) { h.memoryRow(b, s) })
		}
	})
	b.Run("goals", func(b *testing.B) {
		b.ReportMetric(0, "ns/op")
		for _, q := range h.report.ratios() {
			if q.ok {
				b.ReportMetric(q.value, q.unit)
			}
		}
	})
	h.writeReport(b)
}

func newHarness(b *testing.B) *harness {
	if _, err := exec.LookPath("dnsperf"); err != nil {
		b.Fatal("dnsperf is required (Debian package dnsperf; .ci/run installs it)")
	}
	// Building the pinned tools on a cold machine takes far longer than the benchmark (make
	// bench builds them first), so it has its own deadline.
	buildCtx, cancelBuild := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancelBuild()
	bins, err := env.EnsureBinaries(buildCtx, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	b.Cleanup(cancel)
	h := &harness{ctx: ctx, dir: b.TempDir(), datasets: map[int]*dataset{}}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		h.loadavg = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	if h.coredns, err = env.BuildCommand(ctx, "coredns"); err != nil {
		b.Fatal(err)
	}
	if h.plugins, err = compiledPlugins(ctx, h.coredns); err != nil {
		b.Fatal(err)
	}
	if h.etcd, err = env.StartEtcd(ctx, bins.Etcd, filepath.Join(h.dir, "etcd"), env.EtcdOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.etcd.Stop() })
	if h.client, err = h.etcd.Client(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.client.Close() })
	return h
}

// dataset returns the set of n names, writing its zone and query files and loading it into
// etcd under prefix the first time it is asked for.
func (h *harness) dataset(b *testing.B, n int, prefix string) *dataset {
	if d, ok := h.datasets[n]; ok {
		return d
	}
	d := &dataset{
		set:       recordSet{n: n},
		prefix:    prefix,
		zoneFile:  filepath.Join(h.dir, fmt.Sprintf("db.%s.%d", zone, n)),
		queryFile: filepath.Join(h.dir, fmt.Sprintf("queries.%d", n)),
	}
	start := time.Now()
	if err := d.set.writeZone(d.zoneFile); err != nil {
		b.Fatal(err)
	}
	if err := d.set.writeQueries(d.queryFile); err != nil {
		b.Fatal(err)
	}
	if err := d.set.load(h.ctx, h.client, prefix); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d names written to the zone file and to etcd under %s in %s", n, prefix, time.Since(start).Round(time.Millisecond))
	h.datasets[n] = d
	return d
}

// fail records row as failed in the table and ends the (sub-)benchmark.
func (h *harness) fail(b *testing.B, err error, rows ...string) {
	for _, row := range rows {
		h.report.add(result{row: row, err: err})
	}
	b.Fatal(err)
}

func rowName(plugin string, ecs bool) string {
	if ecs {
		return plugin + "+ECS"
	}
	return plugin
}

// startServer starts s on d and waits until it answers the last name of d correctly: gslb
// serves before it has listed etcd, and a row must not measure a half-loaded server.
func (h *harness) startServer(s serverConfig, d *dataset, readyWithin time.Duration) (*env.CoreDNS, error) {
	if s.plugin == "gslb" && !h.plugins["gslb"] {
		return nil, fmt.Errorf("%s", gslbMissing)
	}
	ctx, cancel := context.WithTimeout(h.ctx, readyWithin)
	defer cancel()
	dir := filepath.Join(h.dir, fmt.Sprintf("%s-%d", s.plugin, d.set.n))
	srv, err := env.StartCoreDNS(ctx, h.coredns, dir, s.corefile(h, d))
	if err != nil {
		return nil, err
	}
	if s.whoami {
		return srv, nil
	}
	last := d.set.name(d.set.n)
	if err := waitAnswers(ctx, srv.Addr, last, d.set.expected(d.set.n, false), readyWithin); err != nil {
		_ = srv.Stop()
		return nil, fmt.Errorf("%s on %d names: %s: %w\n%s", s.plugin, d.set.n, last, err, srv.LogTail(15))
	}
	return srv, nil
}

// runServer measures one server in each of its rows, with one CoreDNS process for all of them.
func (h *harness) runServer(b *testing.B, s serverConfig) {
	var rows []string
	for _, ecs := range s.variants {
		rows = append(rows, rowName(s.plugin, ecs))
	}
	d := h.dataset(b, benchNames, benchPrefix)
	srv, err := h.startServer(s, d, time.Minute)
	if err != nil {
		h.fail(b, err, rows...)
	}
	defer srv.Stop()
	for _, ecs := range s.variants {
		variant := "plain"
		if ecs {
			variant = "ECS"
		}
		b.Run(variant, func(b *testing.B) {
			res := h.measure(s, srv, d, ecs)
			if res.err != nil {
				h.fail(b, res.err, res.row)
			}
			h.report.add(res)
			reportMetrics(b, res)
		})
	}
}

// measure runs dnsperf once against srv, between two checks of the sample names, and reads the
// CPU time CoreDNS, etcd and the whole machine used meanwhile.
func (h *harness) measure(s serverConfig, srv *env.CoreDNS, d *dataset, ecs bool) result {
	res := result{row: rowName(s.plugin, ecs)}
	if err := verify(h.ctx, srv.Addr, d.set, ecs, s.routes, s.whoami); err != nil {
		res.err = fmt.Errorf("before the load: %w", err)
		return res
	}
	before, err := h.cpuSample(srv.Pid())
	if err != nil {
		res.err = err
		return res
	}
	run, err := runDNSPerf(h.ctx, srv.Port, d.queryFile, ecs)
	fmt.Fprintf(&h.dnsperf, "==== %s\n%s\n", res.row, run.output)
	if err != nil {
		res.err = err
		return res
	}
	after, err := h.cpuSample(srv.Pid())
	if err == nil {
		res.mem, err = memoryOf(srv.Pid())
	}
	if err != nil {
		res.err = fmt.Errorf("after the load (did CoreDNS exit?): %w", err)
		return res
	}
	res.load, res.coreCPU, res.etcdCPU = &run, after.core-before.core, after.etcd-before.etcd
	res.otherCPU = max(0, after.busy-before.busy-res.coreCPU-res.etcdCPU-run.cpu)
	if err := checkLoad(run.stats); err != nil {
		res.err = fmt.Errorf("under load: %w", err)
		return res
	}
	// A server that broke during the load (crashed, lost its data) must not count as fast.
	if err := verify(h.ctx, srv.Addr, d.set, ecs, s.routes, s.whoami); err != nil {
		res.err = fmt.Errorf("after the load: %w", err)
	}
	return res
}

// cpuSample is the CPU time used so far by CoreDNS (pid), by etcd and by the whole machine.
type cpuSample struct{ core, etcd, busy time.Duration }

func (h *harness) cpuSample(pid int) (cpuSample, error) {
	var s cpuSample
	var err [3]error
	s.core, err[0] = cpuTime(pid)
	s.etcd, err[1] = cpuTime(h.etcd.Members[0].Pid())
	s.busy, err[2] = machineBusy()
	return s, errors.Join(err[:]...)
}

// memoryRow starts s on the 100,000-name set and reads its resident set once the last name is
// answered: for gslb that is when the whole set is in its index.
func (h *harness) memoryRow(b *testing.B, s serverConfig) {
	row := s.plugin + " 100k names"
	d := h.dataset(b, memoryNames, memoryPrefix)
	start := time.Now()
	srv, err := h.startServer(s, d, 3*time.Minute)
	if err != nil {
		h.fail(b, err, row)
	}
	defer srv.Stop()
	res := result{row: row, ready: time.Since(start)}
	if res.mem, err = memoryOf(srv.Pid()); err != nil {
		h.fail(b, err, row)
	}
	if err := verify(h.ctx, srv.Addr, d.set, true, s.routes, false); err != nil {
		h.fail(b, err, row)
	}
	h.report.add(res)
	reportMetrics(b, res)
}

// writeReport prints the table and writes it, and every dnsperf output, under bin/ for later.
func (h *harness) writeReport(b *testing.B) {
	header := fmt.Sprintf("DNS benchmark (issue 6), %s, %d CPUs (load average %s at the start), %s\n"+
		"dnsperf -c %d -T %d -q %d -l %d over %d names (A queries); RSS read when the last name first answers",
		time.Now().Format(time.RFC3339), runtime.NumCPU(), h.loadavg, h.coredns,
		loadClients, loadThreads, loadOutstanding, int(loadDuration.Seconds()), benchNames)
	var table bytes.Buffer
	if err := h.report.writeTable(&table, header); err != nil {
		b.Fatal(err)
	}
	fmt.Print("\n" + table.String() + "\n")
	root, err := env.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(root, "bin", "bench-dns.txt")
	if err := os.WriteFile(out, table.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "bench-dns-dnsperf.log"), h.dnsperf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("table written to %s", out)
}
