package e2e

import (
	"context"
	"flag"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
	"github.com/meridian-dns/meridian/test/env"
)

// chaosOutage is how long each fault of TestChaos lasts: short in `make test`, 30 s in
// `make chaos`.
var chaosOutage = flag.Duration("chaos.outage", 5*time.Second, "how long each fault of TestChaos lasts")

const (
	chaosZone   = "chaos.example.com"
	chaosNS     = "chaos-lab"
	chaosDomain = "chaos"
	// chaosUnmanaged names the ConfigMap and Deployment created directly in each member.
	chaosUnmanaged = "chaos-unmanaged"
)

// The web Service's load balancers, one per member, and the static name's targets.
var chaosLB = map[string]string{"earth": "192.0.2.71", "vulcan": "198.51.100.72", "mars": "192.0.2.73"}

const (
	staticName = "static." + chaosZone
	staticA    = "192.0.2.99"
	staticB    = "192.0.2.98"
)

// chaosRow is one line of the summary table.
type chaosRow struct {
	scenario string
	sent     int
	bad      int
	converge time.Duration
	note     string
}

// TestChaos injects one fault at a time into the whole stack — DNS etcd, member and host API
// servers, the leading controller, Route 53 and Cloud DNS, the network to a member — and checks
// after each that DNS kept answering, the published records converge to exactly what the
// DNSEndpoints ask for, and nothing Meridian does not own changed. -chaos.outage sets how long
// each fault lasts.
func TestChaos(t *testing.T) {
	ctx := testContext(t, 25*time.Minute)
	lab := setUpChaos(t, ctx)
	var rows []chaosRow
	t.Cleanup(func() { printChaosTable(t, rows) })
	scenarios := chaosScenarios()
	for i, s := range scenarios {
		var row chaosRow
		ran := false
		ok := t.Run(s.name, func(t *testing.T) {
			row = s.run(lab, t, ctx)
			ran = true
		})
		row.scenario = s.name
		switch {
		case !ok:
			row.note = "FAILED"
		case !ran:
			row.note = "skipped"
		}
		rows = append(rows, row)
		if !ok {
			// Later scenarios start from the state this one should have restored.
			for _, rest := range scenarios[i+1:] {
				rows = append(rows, chaosRow{scenario: rest.name, note: "not run"})
			}
			return
		}
	}
}

func printChaosTable(t *testing.T, rows []chaosRow) {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "scenario\tqueries sent\twrong or failed\ttime to converge\tnote\n")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%d\t%d\t%v\t%s\n", r.scenario, r.sent, r.bad, r.converge.Round(100*time.Millisecond), r.note)
	}
	_ = w.Flush()
	fmt.Printf("\nTestChaos (outage %v):\n%s\n", *chaosOutage, b.String())
	t.Logf("outage %v:\n%s", *chaosOutage, b.String())
}

// chaosLab is what TestChaos sets up once and every scenario acts on.
type chaosLab struct {
	etcd        *env.EtcdCluster
	controllers *controllerPair
	dns         []*env.CoreDNS
	state       *dnsState
	// expected is the owned record set every scenario converges back to.
	expected recordSet
	foreign  map[string]etcdValue
	// static is the static name's current target.
	static string
	// faultStart is when the current scenario began injecting its fault.
	faultStart time.Time
}

// global and the other names of the web record, with the clusters that serve each.
func webNames() map[string][]string {
	base := "web." + chaosNS + "." + chaosDomain + ".svc."
	return map[string][]string{
		base + chaosZone + ".":                           {"earth", "vulcan", "mars"},
		base + "us-east-1." + chaosZone + ".":            {"earth", "mars"},
		base + "eu-west-1." + chaosZone + ".":            {"vulcan"},
		base + "us-east-1a.us-east-1." + chaosZone + ".": {"earth"},
		base + "us-east-1b.us-east-1." + chaosZone + ".": {"mars"},
		base + "eu-west-1a.eu-west-1." + chaosZone + ".": {"vulcan"},
	}
}

func webGlobal() string { return "web." + chaosNS + "." + chaosDomain + ".svc." + chaosZone + "." }

func setUpChaos(t *testing.T, ctx context.Context) *chaosLab {
	t.Helper()
	bins, err := env.EnsureBinaries(ctx, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	lab := &chaosLab{static: staticA}
	lab.etcd, err = env.StartEtcd(ctx, bins.Etcd, t.TempDir(), env.EtcdOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lab.etcd.Stop() })
	lab.state = newDNSState(t, lab.etcd, chaosZone)
	lab.foreign = writeForeignRecords(t, ctx, lab.state)

	flags := []string{"--provider=etcd", "--zone=" + chaosZone, "--etcd-endpoints=" + strings.Join(lab.etcd.Endpoints, ",")}
	lab.controllers = startControllerPair(t, ctx, flags...)
	joinMembers(t, ctx)
	applyYAML(t, ctx, "chaos-record", webRecordYAML(chaosDomain, chaosZone, chaosNS)+fmt.Sprintf(`---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: DNSEndpoint
metadata: {name: static, namespace: %s}
spec:
  endpoints:
  - {dnsName: %s, recordType: A, recordTTL: 5, targets: [%s]}
`, chaosNS, staticName, staticA))
	t.Cleanup(func() {
		kubectl(t, context.Background(), "delete", "--ignore-not-found", "--wait=false", "namespace", chaosNS)
		kubectl(t, context.Background(), "delete", "--ignore-not-found", "-n", fedNamespace, "domain", chaosDomain)
	})
	for _, m := range testEnv.Members {
		runLoadBalancedService(t, ctx, m.Client(), chaosNS, "web", chaosLB[m.Name])
		createUnmanaged(t, ctx, m)
	}
	endpoints := strings.Join(lab.etcd.Endpoints, " ")
	for range 2 {
		lab.dns = append(lab.dns, startCoreDNS(t, ctx, gslbCorefile(chaosZone, endpoints)))
	}

	// The baseline: every shard published, both servers answering with all three.
	eventually(t, ctx, 90*time.Second, "the web record published with its three shards", func(ctx context.Context) (bool, error) {
		desired, err := lab.state.desired(ctx)
		if err != nil {
			return false, err
		}
		want := 0
		for _, clusters := range webNames() {
			want += len(clusters)
		}
		got := desired.count(hasPrefix("web."))
		return got == want && desired.count(hasPrefix("static.")) == 1, fmt.Errorf("%d web records desired, want %d:\n%s", got, want, desired)
	})
	if lab.expected, err = lab.state.desired(ctx); err != nil {
		t.Fatal(err)
	}
	lab.waitConverged(t, ctx, time.Minute, lab.expected)
	return lab
}

// createUnmanaged creates, directly in member m, a ConfigMap and a Deployment that Meridian does
// not manage (no kubefed.io/managed label): no fault may make them disappear.
func createUnmanaged(t *testing.T, ctx context.Context, m *env.Cluster) {
	t.Helper()
	c := m.Client()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: chaosUnmanaged, Namespace: chaosNS}, Data: map[string]string{"owner": "someone else"}}
	if _, err := c.CoreV1().ConfigMaps(chaosNS).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app": chaosUnmanaged}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: chaosUnmanaged, Namespace: chaosNS},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](0), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "x", Image: "registry.k8s.io/pause:3.10"}}}}},
	}
	if _, err := c.AppsV1().Deployments(chaosNS).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// checkUnmanaged fails unless every member still has its unmanaged ConfigMap and Deployment.
func checkUnmanaged(ctx context.Context) error {
	for _, m := range testEnv.Members {
		c := m.Client()
		if _, err := c.CoreV1().ConfigMaps(chaosNS).Get(ctx, chaosUnmanaged, metav1.GetOptions{}); err != nil {
			return fmt.Errorf("member %s: unmanaged ConfigMap: %w", m.Name, err)
		}
		if _, err := c.AppsV1().Deployments(chaosNS).Get(ctx, chaosUnmanaged, metav1.GetOptions{}); err != nil {
			return fmt.Errorf("member %s: unmanaged Deployment: %w", m.Name, err)
		}
	}
	return nil
}

// queryTargets are the names the query loop asks for during a scenario in which the clusters
// in down may leave DNS: every web name that keeps a cluster outside down, answering a
// non-empty subset of its load balancers, and the static name with the targets it may have.
func queryTargets(down []string, static ...string) []queryTarget {
	var out []queryTarget
	for name, clusters := range webNames() {
		allowed := map[string]bool{}
		unaffected := false
		for _, c := range clusters {
			allowed[chaosLB[c]] = true
			if !slices.Contains(down, c) {
				unaffected = true
			}
		}
		if unaffected {
			out = append(out, queryTarget{name: name, allowed: allowed})
		}
	}
	if len(static) == 0 {
		static = []string{staticA}
	}
	allowed := map[string]bool{}
	for _, s := range static {
		allowed[s] = true
	}
	return append(out, queryTarget{name: staticName + ".", allowed: allowed})
}

// waitAnswersAll waits until every gslb server answers the global name with all three shards.
func (lab *chaosLab) waitAnswersAll(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, s := range lab.dns {
		waitAnswer(t, ctx, s.Addr, unknownClient, netip.Prefix{}, webGlobal(), chaosLB["earth"], chaosLB["vulcan"], chaosLB["mars"])
	}
}

// chaosEndpoint returns a DNSEndpoint of the lab namespace.
func chaosEndpoint(name string, endpoints []v1alpha1.Endpoint) *v1alpha1.DNSEndpoint {
	return &v1alpha1.DNSEndpoint{ObjectMeta: metav1.ObjectMeta{Namespace: chaosNS, Name: name},
		Spec: v1alpha1.DNSEndpointSpec{Endpoints: endpoints}}
}

func hasPrefix(prefix string) func(string) bool {
	return func(line string) bool { return strings.HasPrefix(line, prefix) }
}
