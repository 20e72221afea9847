package bench

import (
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/meridian-dns/meridian/skydns"
)

// The harness's pure parts run in `go test ./...`: a parser that misreads dnsperf or /proc
// would make every table wrong without failing anything.

const dnsperfSummary = `[Status] Testing complete (time limit)

Statistics:

  Queries sent:         87849
  Queries completed:    87843 (99.99%)
  Queries lost:         6 (0.01%)

  Response codes:       NOERROR 87840 (99.99%), SERVFAIL 3 (0.01%)
  Average packet size:  request 53, response 108
  Run time (s):         2.000568
  Queries per second:   43909.029836

  Average Latency (s):  0.003705 (min 0.000026, max 0.025604)
  Latency StdDev (s):   0.002179
`

// dnsperfNoAnswer is dnsperf's summary when the server never answered: no codes, no stddev.
const dnsperfNoAnswer = `Statistics:

  Queries sent:         100
  Queries completed:    0 (0.00%)
  Queries lost:         100 (100.00%)

  Response codes:       
  Average packet size:  request 31, response 0
  Run time (s):         1.000150
  Queries per second:   0.000000

  Average Latency (s):  0.000000 (min 0.000000, max 0.000000)
`

func TestParseDNSPerf(t *testing.T) {
	s, err := parseDNSPerf(dnsperfSummary)
	if err != nil {
		t.Fatal(err)
	}
	want := dnsperfStats{
		sent: 87849, completed: 87843, lost: 6, qps: 43909.029836,
		avgLatency: 3705 * time.Microsecond, stddev: 2179 * time.Microsecond,
		rcodes: map[string]int64{"NOERROR": 87840, "SERVFAIL": 3},
	}
	if s.sent != want.sent || s.completed != want.completed || s.lost != want.lost || s.qps != want.qps {
		t.Errorf("counts = %+v, want %+v", s, want)
	}
	if s.avgLatency.Round(time.Microsecond) != want.avgLatency || s.stddev.Round(time.Microsecond) != want.stddev {
		t.Errorf("latency = %s ± %s, want %s ± %s", s.avgLatency, s.stddev, want.avgLatency, want.stddev)
	}
	if len(s.rcodes) != 2 || s.rcodes["NOERROR"] != 87840 || s.rcodes["SERVFAIL"] != 3 {
		t.Errorf("rcodes = %v", s.rcodes)
	}
	if err := checkLoad(s); err == nil || !strings.Contains(err.Error(), "SERVFAIL 3") {
		t.Errorf("checkLoad with 3 SERVFAIL = %v, want an error naming them", err)
	}

	s, err = parseDNSPerf(dnsperfNoAnswer)
	if err != nil {
		t.Fatal(err)
	}
	if s.completed != 0 || s.lost != 100 || len(s.rcodes) != 0 {
		t.Errorf("no-answer summary = %+v", s)
	}
	if err := checkLoad(s); err == nil {
		t.Error("checkLoad accepted a run without answers")
	}

	truncated, _, _ := strings.Cut(dnsperfSummary, "  Queries per second")
	if _, err := parseDNSPerf(truncated); err == nil {
		t.Error("a summary without the rate parsed")
	}
	if _, err := parseDNSPerf("  Queries sent:  many\n"); err == nil {
		t.Error("a non-numeric count parsed")
	}
}

func TestCheckLoadAcceptsOnlyNOERROR(t *testing.T) {
	ok := dnsperfStats{sent: 10, completed: 9, lost: 1, rcodes: map[string]int64{"NOERROR": 9}}
	if err := checkLoad(ok); err != nil {
		t.Errorf("lost queries are a figure, not a failure: %v", err)
	}
	nx := dnsperfStats{sent: 10, completed: 10, rcodes: map[string]int64{"NOERROR": 5, "NXDOMAIN": 5}}
	if err := checkLoad(nx); err == nil {
		t.Error("NXDOMAIN answers were accepted")
	}
}

func TestParseStatCPU(t *testing.T) {
	// The command may hold spaces and ')'; utime 250 + stime 50 ticks = 3 s.
	stat := "4242 (co) re (dns)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 12 0 100 2000000 3000\n"
	got, err := parseStatCPU(stat)
	if err != nil || got != 3*time.Second {
		t.Errorf("parseStatCPU = %s, %v; want 3s", got, err)
	}
	for _, bad := range []string{"4242 coredns S 1", "4242 (coredns) S 1 2 3", "4242 (c) S 1 2 3 4 5 6 7 8 9 10 x 50 0"} {
		if _, err := parseStatCPU(bad); err == nil {
			t.Errorf("parseStatCPU(%q) accepted", bad)
		}
	}
}

func TestParseMachineBusy(t *testing.T) {
	// user 100 + system 20 + irq 1 + softirq 2 + steal 7 ticks; idle and iowait are not busy.
	stat := "cpu  100 0 20 5000 30 1 2 7 0 0\ncpu0 50 0 10 2500 15 1 1 3 0 0\n"
	got, err := parseMachineBusy(stat)
	if err != nil || got != 1300*time.Millisecond {
		t.Errorf("parseMachineBusy = %s, %v; want 1.3s", got, err)
	}
	if _, err := parseMachineBusy("intr 1 2 3\n"); err == nil {
		t.Error("a /proc/stat without the cpu line was accepted")
	}
}

func TestParseStatusMemory(t *testing.T) {
	status := "Name:\tcoredns\nVmPeak:\t 900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nThreads:\t12\n"
	m, err := parseStatusMemory(status)
	if err != nil || m.rss != 40<<20 || m.hwm != 50<<20 {
		t.Errorf("parseStatusMemory = %+v, %v; want 40 MiB and 50 MiB", m, err)
	}
	if _, err := parseStatusMemory("Name:\tcoredns\nVmRSS:\t 1 kB\n"); err == nil {
		t.Error("a status without VmHWM was accepted (a zombie has neither)")
	}
}

func TestRecordSetShapes(t *testing.T) {
	set := recordSet{n: 10_000}
	if got := set.name(7); got != "svc-00007.example.org." {
		t.Errorf("name(7) = %q", got)
	}
	if len(set.name(1)) != len(set.name(set.n)) {
		t.Error("names differ in length")
	}
	plain, routed := set.records(benchPrefix, 2), set.records(benchPrefix, 3)
	if len(plain) != 2 || plain[0].service.Routing != "" || plain[0].key != "/skydns/org/example/svc-00002/a" {
		t.Errorf("plain records = %+v", plain)
	}
	if len(routed) != 2 || routed[0].service.Routing != "nearest" || routed[0].service.Region != eastRegion ||
		routed[1].service.Region != westRegion || routed[1].service.SetIdentifier != "west" {
		t.Errorf("routed records = %+v", routed)
	}
	for _, rec := range append(plain, routed...) {
		if rec.service.Type() != skydns.TypeA || rec.service.TTL != 300 {
			t.Errorf("%s is not an A record with TTL 300: %+v", rec.key, rec.service)
		}
	}
	hosts := set.hosts(3)
	if got := set.expected(3, true); !slices.Equal(got, []string{hosts[0]}) {
		t.Errorf("routed name for an east client = %v, want the east target %s", got, hosts[0])
	}
	if got := set.expected(3, false); len(got) != 2 || !slices.IsSorted(got) {
		t.Errorf("routed name for an unknown client = %v, want both targets sorted", got)
	}
	if got := set.expected(2, true); len(got) != 2 {
		t.Errorf("plain name for an east client = %v, want both targets", got)
	}
}

// TestZoneFileParses reads the generated zone with miekg/dns, as CoreDNS's file plugin does.
func TestZoneFileParses(t *testing.T) {
	set := recordSet{n: 50}
	path := filepath.Join(t.TempDir(), "db")
	if err := set.writeZone(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zp := dns.NewZoneParser(f, "", path)
	answers := map[string][]dns.RR{}
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		answers[rr.Header().Name] = append(answers[rr.Header().Name], rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= set.n; i++ {
		if got := answerSet(answers[set.name(i)]); !slices.Equal(got, set.expected(i, false)) {
			t.Errorf("%s: zone has %v, want %v", set.name(i), got, set.expected(i, false))
		}
	}
	if apex := answers[zone+"."]; len(apex) != 2 {
		t.Errorf("apex records = %v, want SOA and NS", apex)
	}
}

// TestDNSPerfECSMatchesSubnet: dnsperf's -E value is hex written by hand; it must carry the
// subnet the Corefile rule and the sample queries use.
func TestDNSPerfECSMatchesSubnet(t *testing.T) {
	code, value, _ := strings.Cut(dnsperfECS, ":")
	raw, err := hex.DecodeString(value)
	if err != nil || code != "8" {
		t.Fatalf("%q: option %s, %v", dnsperfECS, code, err)
	}
	// RFC 7871: family (2 bytes), source prefix, scope prefix, then the address truncated to
	// the source prefix.
	if len(raw) < 4 {
		t.Fatalf("%q is too short for an ECS option", dnsperfECS)
	}
	var addr [4]byte
	copy(addr[:], raw[4:])
	got := netip.PrefixFrom(netip.AddrFrom4(addr), int(raw[2]))
	if family := int(raw[0])<<8 | int(raw[1]); got.String() != ecsSubnet || family != 1 || raw[3] != 0 {
		t.Errorf("dnsperf sends %s (family %d, scope %d), want %s", got, family, raw[3], ecsSubnet)
	}
	if !strings.Contains(gslbCorefile("http://127.0.0.1:2379", benchPrefix), "client "+ecsSubnet+" region "+eastRegion) {
		t.Error("the gslb Corefile does not map the ECS subnet to the east region")
	}
}

func TestCheckAnswer(t *testing.T) {
	a := func(name, ip string) dns.RR {
		return &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET}, A: net.ParseIP(ip)}
	}
	name := "svc-1.example.org."
	resp := &dns.Msg{Answer: []dns.RR{a(name, "192.0.2.9"), a(name, "192.0.2.1")}}
	if err := checkAnswer(resp, name, []string{"192.0.2.1", "192.0.2.9"}, false); err != nil {
		t.Error(err)
	}
	if err := checkAnswer(resp, name, []string{"192.0.2.1"}, false); err == nil {
		t.Error("an extra target was accepted")
	}
	resp.Rcode = dns.RcodeServerFailure
	if err := checkAnswer(resp, name, []string{"192.0.2.1", "192.0.2.9"}, false); err == nil {
		t.Error("SERVFAIL was accepted")
	}
	who := &dns.Msg{Extra: []dns.RR{a(name, "127.0.0.1")}}
	if err := checkAnswer(who, name, nil, true); err != nil {
		t.Error(err)
	}
}

func TestRatiosAndTable(t *testing.T) {
	run := func(qps float64, completed int64) *dnsperfRun {
		return &dnsperfRun{stats: dnsperfStats{qps: qps, completed: completed, rcodes: map[string]int64{"NOERROR": completed}},
			cpu: 10 * time.Second, elapsed: 20 * time.Second}
	}
	var r report
	r.add(result{row: "file", load: run(80_000, 1_600_000), coreCPU: 16 * time.Second})
	r.add(result{row: "etcd", load: run(10_000, 200_000), coreCPU: 10 * time.Second})
	r.add(result{row: "gslb", load: run(88_000, 1_760_000), coreCPU: 16 * time.Second})
	r.add(result{row: "gslb+ECS", err: errors.New(gslbMissing)})
	r.add(result{row: "gslb 100k names", mem: memory{rss: 350 << 20, hwm: 400 << 20}, ready: 3 * time.Second})

	got := map[string]ratio{}
	for _, q := range r.ratios() {
		got[q.name] = q
	}
	check := func(name string, value float64, met bool) {
		t.Helper()
		q := got[name]
		if !q.ok || q.value < value-0.001 || q.value > value+0.001 || q.met() != met {
			t.Errorf("%s = %+v, want %.3f (met %v)", name, q, value, met)
		}
	}
	check("gslb/file QPS", 1.1, true)
	check("gslb/file CPU per query", (16e6/1.76e6)/(16e6/1.6e6), true)
	check("gslb/etcd QPS", 8.8, true)
	check("gslb RSS at 100k names (MB)", 350, false)
	if q := got["gslb+ECS/file+ECS QPS"]; q.ok {
		t.Errorf("a ratio over a failed row was computed: %+v", q)
	}

	var table strings.Builder
	if err := r.writeTable(&table, "header"); err != nil {
		t.Fatal(err)
	}
	for _, cells := range r.cells() {
		if slices.Contains(cells, "") {
			t.Errorf("row %s has an empty cell: %q", cells[0], cells)
		}
	}
	for _, want := range []string{"gslb+ECS FAILED: " + gslbMissing, "not measured", "missed", "88000"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}
