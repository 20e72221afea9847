package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
)

// interopZone is the zone of the interop test: the record's Domain, external-dns's
// --domain-filter and the zone CoreDNS's etcd plugin serves.
const interopZone = "interop.example.com"

// interopTTL is the record's TTL; not the default, so the test sees it travel.
const interopTTL = 60

// interopPrefix is where external-dns's CoreDNS provider keeps interopZone in etcd.
const interopPrefix = "/skydns/com/example/interop/"

// foreignKey is a SkyDNS record that external-dns did not write: with the TXT registry it must
// never touch it.
const foreignKey = interopPrefix + "foreign/x1"

// TestExternalDNSConsumesDNSEndpoints: stock external-dns v0.20.0 reads Meridian's DNSEndpoint
// (multiclusterdns.kubefed.io/v1alpha1) and writes it to etcd with its CoreDNS provider, and stock
// CoreDNS's etcd plugin answers every name as the DNSEndpoint says, through an update and the
// deletion, without rewriting etcd on every sync. The endpoints are what Meridian writes for
// routing `all` (dnsendpoint.Build), the only strategy whose endpoints carry no setIdentifier,
// which the CoreDNS provider cannot tell apart.
//
// AAAA endpoints are left out with --managed-record-types: v0.20.0's CoreDNS provider reads IPv6
// hosts back from etcd as type A, so an AAAA set never matches what it finds. It then rewrites the
// name's keys and adds an ownership TXT key on every sync, and leaves an address behind when the
// endpoint goes (an IPv6-only name is never deleted at all). Fixed upstream after v0.20.0
// (kubernetes-sigs/external-dns#6489, "return AAAA for IPv6 targets").
//
// The test writes the DNSEndpoint itself instead of letting the controller derive it from a
// ServiceDNSRecord: the record's status would have to come from member Services (the servicedns
// controller overwrites a status written by hand), and the controller's output is checked by the
// DNS scenario tests already; this test is about what external-dns does with that output.
func TestExternalDNSConsumesDNSEndpoints(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	ns := createNamespace(t, ctx, testEnv.Host.Client(), "externaldns")
	etcdPut(t, ctx, foreignKey, `{"host":"203.0.113.9","ttl":60}`)
	server := startInteropCoreDNS(t, ctx)
	startExternalDNS(t, ctx, ns)

	name := func(labels ...string) string { return strings.Join(append(labels, interopZone), ".") + "." }
	var (
		global  = name("web", ns, "prod", "svc")
		east    = name("web", ns, "prod", "svc", "us-east-1")
		eastA   = name("web", ns, "prod", "svc", "us-east-1a", "us-east-1")
		eastB   = name("web", ns, "prod", "svc", "us-east-1b", "us-east-1")
		west    = name("web", ns, "prod", "svc", "eu-west-1")
		westA   = name("web", ns, "prod", "svc", "eu-west-1a", "eu-west-1")
		www     = name("www")
		foreign = name("foreign")
	)
	// earth (us-east-1a) is dual-stack, mars (us-east-1b) has no ready endpoints, vulcan
	// (eu-west-1a) is healthy until the update.
	host := hostClient(t)
	obj := &v1alpha1.DNSEndpoint{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "service-web"}}
	obj.Spec.Endpoints = meridianEndpoints(t, ns, true)
	if err := host.Create(ctx, obj); err != nil {
		t.Fatal(err)
	}
	// Queries are A and AAAA, as clients ask. A CNAME query gets NXDOMAIN from the stock etcd
	// plugin here: it looks CNAMEs up at the name's own key only, and external-dns keeps every
	// target one level below (<name>/<random 8 hex digits>).
	cname := func(target string) string { return "CNAME " + target }
	want := answers{
		{global, dns.TypeA}:    {"A 192.0.2.10", "A 198.51.100.20"},
		{global, dns.TypeAAAA}: nil, // earth's 2001:db8::10 is in the DNSEndpoint, not managed
		{east, dns.TypeA}:      {"A 192.0.2.10"},
		{eastA, dns.TypeA}:     {"A 192.0.2.10"},
		{eastB, dns.TypeA}:     {cname(east), "A 192.0.2.10"},
		{west, dns.TypeA}:      {"A 198.51.100.20"},
		{westA, dns.TypeA}:     {"A 198.51.100.20"},
		{www, dns.TypeA}:       {cname(global), "A 192.0.2.10", "A 198.51.100.20"},
		{foreign, dns.TypeA}:   {"A 203.0.113.9"},
	}
	waitAnswers(t, ctx, server, "the DNSEndpoint as created", want)
	waitObservedGeneration(t, ctx, host, obj)
	waitSettled(t, ctx)
	for q, rrs := range want {
		assertDig(t, ctx, server, q, rrs)
	}

	// vulcan loses its endpoints: the global name drops its address, eu-west-1's names change
	// from A to CNAME (a type change at a name, which external-dns plans as delete and create).
	if err := host.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		t.Fatal(err)
	}
	obj.Spec.Endpoints = meridianEndpoints(t, ns, false)
	if err := host.Update(ctx, obj); err != nil {
		t.Fatal(err)
	}
	waitAnswers(t, ctx, server, "the DNSEndpoint without vulcan", answers{
		{global, dns.TypeA}: {"A 192.0.2.10"},
		{east, dns.TypeA}:   {"A 192.0.2.10"},
		{eastB, dns.TypeA}:  {cname(east), "A 192.0.2.10"},
		{west, dns.TypeA}:   {cname(global), "A 192.0.2.10"},
		{westA, dns.TypeA}:  {cname(west), cname(global), "A 192.0.2.10"},
		{www, dns.TypeA}:    {cname(global), "A 192.0.2.10"},
	})
	waitObservedGeneration(t, ctx, host, obj)
	waitSettled(t, ctx)

	if err := host.Delete(ctx, obj); err != nil {
		t.Fatal(err)
	}
	gone := answers{{foreign, dns.TypeA}: {"A 203.0.113.9"}}
	for _, n := range []string{global, east, eastA, eastB, west, westA, www} {
		gone[question{n, dns.TypeA}] = nxdomain
	}
	waitAnswers(t, ctx, server, "every name gone after the deletion, the foreign one kept", gone)
	if keys := etcdKeys(t, ctx, interopPrefix); !slices.Equal(keys, []string{foreignKey}) {
		t.Errorf("etcd keys under %s after the deletion: %q, want only %s", interopPrefix, keys, foreignKey)
	}
}

// meridianEndpoints are the endpoints Meridian writes for Service web in namespace ns with Domain
// prod (interopZone), dnsPrefix www and routing all, on members earth (us-east-1a, dual-stack),
// mars (us-east-1b, no ready endpoints) and vulcan (eu-west-1a, healthy or not).
func meridianEndpoints(t *testing.T, ns string, vulcanHealthy bool) []v1alpha1.Endpoint {
	t.Helper()
	lb := func(ips ...string) (out []dnsendpoint.LoadBalancerIngress) {
		for _, ip := range ips {
			out = append(out, dnsendpoint.LoadBalancerIngress{IP: ip})
		}
		return out
	}
	res, err := dnsendpoint.Build(dnsendpoint.Record{
		Kind: dnsendpoint.KindService, Name: "web", Namespace: ns, DomainRef: "prod", Domain: interopZone,
		RecordTTL: interopTTL, DNSPrefix: "www", Routing: dnsendpoint.Routing{Strategy: dnsendpoint.StrategyAll},
	}, []dnsendpoint.Shard{
		{Cluster: "earth", Region: "us-east-1", Zones: []string{"us-east-1a"}, LoadBalancer: lb("192.0.2.10", "2001:db8::10"), Healthy: true},
		{Cluster: "mars", Region: "us-east-1", Zones: []string{"us-east-1b"}, LoadBalancer: lb("192.0.2.11")},
		{Cluster: "vulcan", Region: "eu-west-1", Zones: []string{"eu-west-1a"}, LoadBalancer: lb("198.51.100.20"), Healthy: vulcanHealthy},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]v1alpha1.Endpoint, 0, len(res.Endpoints))
	for _, e := range res.Endpoints {
		if e.SetIdentifier != "" || len(e.Labels) > 0 || len(e.ProviderSpecific) > 0 {
			t.Fatalf("routing all gave %+v; the CoreDNS provider can publish only plain endpoints", e)
		}
		out = append(out, v1alpha1.Endpoint{DNSName: e.DNSName, Targets: e.Targets, RecordType: e.RecordType, RecordTTL: v1alpha1.TTL(e.RecordTTL)})
	}
	return out
}

// startInteropCoreDNS runs bin/coredns with nothing but the stock etcd plugin for interopZone,
// reading the environment's etcd under /skydns, where external-dns's CoreDNS provider writes.
func startInteropCoreDNS(t *testing.T, ctx context.Context) *env.CoreDNS {
	t.Helper()
	binary, err := env.BuildCommand(ctx, "coredns")
	if err != nil {
		t.Fatal(err)
	}
	corefile := fmt.Sprintf("%s {\n    bind 127.0.0.1\n    etcd {\n        path /skydns\n        endpoint %s\n    }\n}\n", interopZone, testEnv.Etcd.Endpoint)
	server, err := env.StartCoreDNS(ctx, binary, t.TempDir(), corefile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Stop() })
	return server
}

// startExternalDNS runs external-dns v0.20.0 on the DNSEndpoints of namespace ns until the test
// ends, showing its log and the zone's etcd keys if the test failed.
//
//   - The TXT registry (external-dns's default) records ownership in TXT records beside the ones
//     it manages (a-<name>, cname-<name>), so a sync never deletes records it did not create; the
//     noop registry would treat every record in the zone as its own.
//   - The owner id must not be the start of a target's key: whenever it writes a name, the
//     provider deletes the keys starting <name>/<owner id> (it takes the owner label for a
//     target's key). Target keys are <name>/<8 random hex digits>, so "meridian-interop" is safe.
//   - --interval=1s and no --events: an event only schedules a sync up to 5 s later.
//   - --managed-record-types without AAAA: see TestExternalDNSConsumesDNSEndpoints.
func startExternalDNS(t *testing.T, ctx context.Context, ns string) {
	t.Helper()
	x, err := env.StartExternalDNS(ctx, testEnv.Binaries.ExternalDNS, t.TempDir(),
		[]string{"ETCD_URLS=" + testEnv.Etcd.Endpoint},
		"--kubeconfig="+testEnv.Host.KubeconfigPath,
		"--source=crd",
		"--crd-source-apiversion=multiclusterdns.kubefed.io/v1alpha1",
		"--crd-source-kind=DNSEndpoint",
		"--namespace="+ns,
		"--provider=coredns",
		"--coredns-prefix=/skydns/",
		"--domain-filter="+interopZone,
		"--managed-record-types=A",
		"--managed-record-types=CNAME",
		"--registry=txt",
		"--txt-owner-id=meridian-interop",
		"--policy=sync",
		"--interval=1s",
		"--log-level=debug",
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("external-dns log (last lines):\n%s", x.LogTail(60))
			t.Logf("etcd under %s:\n%s", interopPrefix, etcdDump(interopPrefix))
		}
		_ = x.Stop()
	})
}

// waitSettled waits until external-dns leaves the zone's keys alone for three syncs in a row:
// a provider that cannot match what it reads back to what it wants rewrites keys every sync.
func waitSettled(t *testing.T, ctx context.Context) {
	t.Helper()
	before := etcdKeys(t, ctx, interopPrefix)
	for range 5 {
		select {
		case <-time.After(3 * time.Second):
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		}
		after := etcdKeys(t, ctx, interopPrefix)
		if slices.Equal(before, after) {
			return
		}
		before = after
	}
	t.Fatalf("external-dns still rewrites etcd after 15 s; keys under %s now:\n  %s", interopPrefix, strings.Join(before, "\n  "))
}

// question is a name and a query type.
type question struct {
	name  string
	qtype uint16
}

// answers maps questions to the answer section ("TYPE value", any order). nil means NOERROR
// without answers (the name exists, not with that type); nxdomain means the name does not exist.
type answers map[question][]string

var nxdomain = []string{"NXDOMAIN"}

// waitAnswers waits until CoreDNS gives every answer, each record with interopTTL.
func waitAnswers(t *testing.T, ctx context.Context, server *env.CoreDNS, what string, want answers) {
	t.Helper()
	eventually(t, ctx, 30*time.Second, what, func(ctx context.Context) (bool, error) {
		var wrong []string
		for q, rrs := range want {
			got, err := lookup(server.Addr, q)
			if err != nil {
				return false, err
			}
			if !slices.Equal(sorted(got), sorted(rrs)) {
				wrong = append(wrong, fmt.Sprintf("%s %s: %q, want %q", q.name, dns.TypeToString[q.qtype], got, rrs))
			}
		}
		slices.Sort(wrong)
		return len(wrong) == 0, fmt.Errorf("wrong answers:\n  %s", strings.Join(wrong, "\n  "))
	})
}

// lookup asks the server over UDP. A record with a TTL other than interopTTL is an error.
func lookup(addr string, q question) ([]string, error) {
	msg := new(dns.Msg)
	msg.SetQuestion(q.name, q.qtype)
	resp, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(msg, addr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", q.name, dns.TypeToString[q.qtype], err)
	}
	switch resp.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return nxdomain, nil
	default:
		return nil, fmt.Errorf("%s %s: rcode %s", q.name, dns.TypeToString[q.qtype], dns.RcodeToString[resp.Rcode])
	}
	var got []string
	for _, rr := range resp.Answer {
		if ttl := rr.Header().Ttl; ttl != interopTTL {
			return nil, fmt.Errorf("%s: TTL %d, want %d", rr, ttl, interopTTL)
		}
		got = append(got, rrString(rr))
	}
	return got, nil
}

func rrString(rr dns.RR) string {
	switch rr := rr.(type) {
	case *dns.A:
		return "A " + rr.A.String()
	case *dns.AAAA:
		return "AAAA " + rr.AAAA.String()
	case *dns.CNAME:
		return "CNAME " + rr.Target
	default:
		return rr.String()
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// assertDig checks an answer with dig +short, a client other than miekg/dns.
func assertDig(t *testing.T, ctx context.Context, server *env.CoreDNS, q question, rrs []string) {
	t.Helper()
	dig, err := exec.LookPath("dig")
	if err != nil {
		t.Fatal("dig is required (Debian package bind9-dnsutils; .ci/run installs it)")
	}
	out, err := exec.CommandContext(ctx, dig, "@127.0.0.1", "-p", strconv.Itoa(server.Port), "+short", "+tries=1", "+time=2",
		q.name, dns.TypeToString[q.qtype]).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s %s: %v\n%s", q.name, dns.TypeToString[q.qtype], err, out)
	}
	var want []string
	for _, rr := range rrs {
		_, value, _ := strings.Cut(rr, " ")
		want = append(want, value)
	}
	if got := strings.Fields(string(out)); !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("dig +short %s %s = %q, want %q", q.name, dns.TypeToString[q.qtype], got, want)
	}
}

// waitObservedGeneration waits until external-dns has recorded that it read obj's generation.
func waitObservedGeneration(t *testing.T, ctx context.Context, host client.Client, obj *v1alpha1.DNSEndpoint) {
	t.Helper()
	eventually(t, ctx, 30*time.Second, "external-dns records status.observedGeneration", func(ctx context.Context) (bool, error) {
		got := &v1alpha1.DNSEndpoint{}
		if err := host.Get(ctx, client.ObjectKeyFromObject(obj), got); err != nil {
			return false, err
		}
		if got.Status.ObservedGeneration != got.Generation {
			return false, fmt.Errorf("observedGeneration %d, generation %d", got.Status.ObservedGeneration, got.Generation)
		}
		return true, nil
	})
}

// etcdPut writes a key through etcd's JSON gateway (the module's etcd client is not a direct
// dependency of Meridian's tests).
func etcdPut(t *testing.T, ctx context.Context, key, value string) {
	t.Helper()
	if _, err := etcdCall(ctx, "/v3/kv/put", map[string]string{"key": b64(key), "value": b64(value)}); err != nil {
		t.Fatal(err)
	}
}

// etcdKeys lists the keys under prefix, sorted.
func etcdKeys(t *testing.T, ctx context.Context, prefix string) []string {
	t.Helper()
	kvs, err := etcdRange(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, kv := range kvs {
		keys = append(keys, kv[0])
	}
	return keys
}

// etcdDump lists the keys and values under prefix, for failure messages.
func etcdDump(prefix string) string {
	kvs, err := etcdRange(context.Background(), prefix)
	if err != nil {
		return err.Error()
	}
	var lines []string
	for _, kv := range kvs {
		lines = append(lines, "  "+kv[0]+" "+kv[1])
	}
	return strings.Join(lines, "\n")
}

// etcdRange returns the {key, value} pairs under prefix, sorted by key.
func etcdRange(ctx context.Context, prefix string) ([][2]string, error) {
	end := []byte(prefix)
	end[len(end)-1]++
	body, err := etcdCall(ctx, "/v3/kv/range", map[string]string{"key": b64(prefix), "range_end": b64(string(end))})
	if err != nil {
		return nil, err
	}
	var resp struct{ Kvs []struct{ Key, Value []byte } }
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("etcd range %s: %w", prefix, err)
	}
	var kvs [][2]string
	for _, kv := range resp.Kvs {
		kvs = append(kvs, [2]string{string(kv.Key), string(kv.Value)})
	}
	return kvs, nil
}

func etcdCall(ctx context.Context, path string, req map[string]string) ([]byte, error) {
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, testEnv.Etcd.Endpoint+path, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, fmt.Errorf("etcd %s: %w", path, err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("etcd %s: %s %s", path, resp.Status, body.String())
	}
	return body.Bytes(), nil
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
