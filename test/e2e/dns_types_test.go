package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/meridian-dns/meridian/test/env"
)

// kubefedDNSManifests are KubeFed's DNS objects as its guides (servicedns-with-externaldns.md,
// ingressdns-with-externaldns.md) show them, comments included. The DNSEndpoints are the guides'
// `kubectl get -o yaml` output without what the server sets (uid, resourceVersion, selfLink,
// creationTimestamp, generation) and with the $CLUSTER*_IP placeholders filled in.
const kubefedDNSManifests = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata:
  # Corresponds to <federation> in the resource records.
  name: test-domain
  # The namespace running kubefed-controller-manager.
  namespace: kube-federation-system
# The domain/subdomain that is setup in your external-dns provider.
domain: your.domain.name
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata:
  # The name of the sample service.
  name: test-service
  # The namespace of the sample deployment/service.
  namespace: test-namespace
spec:
  # The name of the corresponding ` + "`Domain`" + `.
  domainRef: test-domain
  recordTTL: 300
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: IngressDNSRecord
metadata:
  name: test-ingress
  namespace: test-namespace
spec:
  hosts:
  - ingress.example.com
  recordTTL: 300
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: DNSEndpoint
metadata:
  name: service-test-service
  namespace: test-namespace
spec:
  endpoints:
  - dnsName: test-service.test-namespace.test-domain.svc.your.domain.name
    recordTTL: 300
    recordType: A
    targets:
    - 192.168.20.0
    - 172.168.20.0
  - dnsName: test-service.test-namespace.test-domain.svc.us-west1-b.us-west1.your.domain.name
    recordTTL: 300
    recordType: A
    targets:
    - 192.168.20.0
    - 172.168.20.0
  - dnsName: test-service.test-namespace.test-domain.svc.us-west1.your.domain.name
    recordTTL: 300
    recordType: A
    targets:
    - 192.168.20.0
    - 172.168.20.0
status: {}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: DNSEndpoint
metadata:
  name: ingress-test-ingress
  namespace: test-namespace
spec:
  endpoints:
  - dnsName: ingress.example.com
    recordTTL: 300
    recordType: A
    targets:
    - 192.168.20.1
    - 172.168.20.1
status: {}
`

// meridianDNSManifests use Meridian's additions: routing, health checks, and the external-dns
// fields KubeFed's DNSEndpoint lacked.
const meridianDNSManifests = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: prod, namespace: kube-federation-system}
domain: example.com
nameServer: ns1.example.com
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: test-namespace}
spec:
  domainRef: prod
  recordTTL: 30
  dnsPrefix: www.eu
  externalName: shop-web
  allowServiceWithoutEndpoints: true
  routing:
    strategy: weighted
    weights: {earth: 1, vulcan: 255, moon: 0}
  healthCheck:
    protocol: HTTPS
    port: 8443
    path: /healthz?full=1
    interval: 5s
    timeout: 1500ms
    failureThreshold: 2
    successThreshold: 2
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: api, namespace: test-namespace}
spec:
  domainRef: prod
  routing: {}
  healthCheck: {port: 80}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: IngressDNSRecord
metadata: {name: shop, namespace: test-namespace}
spec:
  hosts: [shop.example.com, "*.shop.example.com"]
  routing:
    strategy: failover
    failover: [vulcan, earth]
  healthCheck: {protocol: TCP, port: 443}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: DNSEndpoint
metadata: {name: service-web, namespace: test-namespace}
spec:
  endpoints:
  - dnsName: shop-web.test-namespace.prod.svc.example.com
    recordType: AAAA
    recordTTL: 30
    setIdentifier: earth
    targets: ["2001:db8::1"]
    labels: {cluster: earth, region: us-east-1, zone: us-east-1a, weight: "1"}
    providerSpecific:
    - {name: aws/weight, value: "1"}
  - dnsName: www.eu.example.com.
    recordType: CNAME
    targets: [shop-web.test-namespace.prod.svc.example.com]
  - dnsName: "*.wild.example.com"
    recordType: A
    targets: [192.0.2.1]
  - dnsName: _acme-challenge.example.com
    recordType: TXT
    targets: ["token"]
`

// TestDNSKubeFedManifestsApplyUnchanged applies KubeFed's DNS YAML with kubectl and reads it back.
func TestDNSKubeFedManifestsApplyUnchanged(t *testing.T) {
	ctx := testContext(t, time.Minute)
	ensureNamespaces(t, ctx, fedNamespace, "test-namespace")
	out := applyDNSManifest(t, ctx, "kubefed-dns", kubefedDNSManifests)
	for _, want := range []string{
		"domain.multiclusterdns.kubefed.io/test-domain created",
		"servicednsrecord.multiclusterdns.kubefed.io/test-service created",
		"ingressdnsrecord.multiclusterdns.kubefed.io/test-ingress created",
		"dnsendpoint.multiclusterdns.kubefed.io/service-test-service created",
		"dnsendpoint.multiclusterdns.kubefed.io/ingress-test-ingress created",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl apply output lacks %q:\n%s", want, out)
		}
	}
	for _, c := range []struct{ args, want string }{
		{"domain test-domain -n kube-federation-system -o jsonpath={.domain}", "your.domain.name"},
		{"servicednsrecord test-service -n test-namespace -o jsonpath={.spec.domainRef}/{.spec.recordTTL}", "test-domain/300"},
		{"ingressdnsrecord test-ingress -n test-namespace -o jsonpath={.spec.hosts[0]}/{.spec.recordTTL}", "ingress.example.com/300"},
		{"dnsendpoint.multiclusterdns.kubefed.io service-test-service -n test-namespace -o jsonpath={.spec.endpoints[1].dnsName}/{.spec.endpoints[1].targets[1]}/{.spec.endpoints[1].recordTTL}",
			"test-service.test-namespace.test-domain.svc.us-west1-b.us-west1.your.domain.name/172.168.20.0/300"},
	} {
		if got := kubectl(t, ctx, append([]string{"get"}, strings.Fields(c.args)...)...); got != c.want {
			t.Errorf("kubectl get %s = %q, want %q", c.args, got, c.want)
		}
	}
}

// TestDNSMeridianAdditionsApply applies records with routing, health checks and external-dns's
// newer endpoint fields, and checks that the defaults are filled in.
func TestDNSMeridianAdditionsApply(t *testing.T) {
	ctx := testContext(t, time.Minute)
	ensureNamespaces(t, ctx, fedNamespace, "test-namespace")
	applyDNSManifest(t, ctx, "meridian-dns", meridianDNSManifests)
	for _, c := range []struct{ args, want string }{
		{"sdr web -n test-namespace -o jsonpath={.spec.routing.weights.vulcan}/{.spec.healthCheck.timeout}/{.spec.healthCheck.path}", "255/1500ms//healthz?full=1"},
		// Defaults: nearest, and KubeFed's cluster health check timings.
		{"sdr api -n test-namespace -o jsonpath={.spec.routing.strategy}/{.spec.healthCheck.protocol}/{.spec.healthCheck.interval}/{.spec.healthCheck.timeout}/{.spec.healthCheck.failureThreshold}/{.spec.healthCheck.successThreshold}",
			"nearest/HTTP/10s/3s/3/1"},
		{"idr shop -n test-namespace -o jsonpath={.spec.routing.failover[0]}/{.spec.hosts[1]}/{.spec.healthCheck.path}", "vulcan/*.shop.example.com/"},
		{"dnsendpoint.multiclusterdns.kubefed.io service-web -n test-namespace -o jsonpath={.spec.endpoints[0].setIdentifier}/{.spec.endpoints[0].providerSpecific[0].name}/{.spec.endpoints[0].labels.zone}",
			"earth/aws/weight/us-east-1a"},
	} {
		if got := kubectl(t, ctx, append([]string{"get"}, strings.Fields(c.args)...)...); got != c.want {
			t.Errorf("kubectl get %s = %q, want %q", c.args, got, c.want)
		}
	}
}

// TestDNSInvalidManifestsAreRejected checks that the API server refuses each broken object with
// a message that names the field.
func TestDNSInvalidManifestsAreRejected(t *testing.T) {
	ctx := testContext(t, 2*time.Minute)
	ensureNamespaces(t, ctx, fedNamespace, "test-namespace")
	const (
		domain = "apiVersion: multiclusterdns.kubefed.io/v1alpha1\nkind: Domain\nmetadata: {name: %NAME%, namespace: kube-federation-system}\n"
		sdr    = "apiVersion: multiclusterdns.kubefed.io/v1alpha1\nkind: ServiceDNSRecord\nmetadata: {name: %NAME%, namespace: test-namespace}\nspec:\n"
		idr    = "apiVersion: multiclusterdns.kubefed.io/v1alpha1\nkind: IngressDNSRecord\nmetadata: {name: bad, namespace: test-namespace}\nspec:\n"
		dnse   = "apiVersion: multiclusterdns.kubefed.io/v1alpha1\nkind: DNSEndpoint\nmetadata: {name: bad, namespace: test-namespace}\nspec:\n  endpoints:\n"
	)
	named := func(head, name string) string { return strings.Replace(head, "%NAME%", name, 1) }
	cases := []struct{ name, manifest, want string }{
		{"domain upper case", named(domain, "bad") + "domain: Example.COM\n", "domain: Invalid value"},
		{"domain trailing dot", named(domain, "bad") + "domain: example.com.\n", "must be a lowercase DNS name such as example.com"},
		{"domain missing", named(domain, "bad"), "domain: Required value"},
		{"domain name with a dot", named(domain, "prod.eu") + "domain: example.com\n", "metadata.name: must be a DNS label"},
		{"name server with a space", named(domain, "bad") + "domain: example.com\nnameServer: ns 1\n", "nameServer: Invalid value"},
		{"no domainRef", named(sdr, "bad") + "  recordTTL: 30\n", "spec.domainRef: Required value"},
		{"domainRef with a dot", named(sdr, "bad") + "  domainRef: prod.eu\n", "spec.domainRef: Invalid value"},
		{"ttl zero", named(sdr, "bad") + "  domainRef: prod\n  recordTTL: 0\n", "spec.recordTTL: Invalid value: 0: spec.recordTTL in body should be greater than or equal to 1"},
		{"ttl too large", named(sdr, "bad") + "  domainRef: prod\n  recordTTL: 2147483648\n", "spec.recordTTL in body should be less than or equal to 2147483647"},
		{"dnsPrefix underscore", named(sdr, "bad") + "  domainRef: prod\n  dnsPrefix: www_1\n", "spec.dnsPrefix: Invalid value"},
		{"dnsPrefix wildcard", named(sdr, "bad") + "  domainRef: prod\n  dnsPrefix: '*.www'\n", "spec.dnsPrefix: Invalid value"},
		{"externalName with a dot", named(sdr, "bad") + "  domainRef: prod\n  externalName: web.v2\n", "spec.externalName: Invalid value"},
		{"record name with a dot", named(sdr, "web.v2") + "  domainRef: prod\n", "metadata.name: must be the name of a Service"},
		{"unknown strategy", named(sdr, "bad") + "  domainRef: prod\n  routing: {strategy: random}\n", `spec.routing.strategy: Unsupported value: "random"`},
		{"weights without weighted", named(sdr, "bad") + "  domainRef: prod\n  routing: {weights: {earth: 1}}\n", "spec.routing: Invalid value: weights: only strategy weighted uses weights"},
		{"weighted without weights", named(sdr, "bad") + "  domainRef: prod\n  routing: {strategy: weighted}\n", "weights: strategy weighted needs at least one cluster with a weight above 0"},
		{"weighted all zero", named(sdr, "bad") + "  domainRef: prod\n  routing: {strategy: weighted, weights: {earth: 0}}\n", "weights: strategy weighted needs at least one cluster with a weight above 0"},
		{"weight too large", named(sdr, "bad") + "  domainRef: prod\n  routing: {strategy: weighted, weights: {earth: 256}}\n", "spec.routing.weights: Invalid value: each weight must be between 0 and 255"},
		{"failover without list", named(sdr, "bad") + "  domainRef: prod\n  routing: {strategy: failover}\n", "failover: strategy failover needs the clusters in order of preference"},
		{"failover list with nearest", named(sdr, "bad") + "  domainRef: prod\n  routing: {failover: [earth]}\n", "failover: only strategy failover uses a failover order"},
		{"failover duplicate", named(sdr, "bad") + "  domainRef: prod\n  routing: {strategy: failover, failover: [earth, earth]}\n", "spec.routing.failover[1]: Duplicate value"},
		{"timeout above interval", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, interval: 5s, timeout: 10s}\n", "spec.healthCheck: Invalid value: timeout: must be shorter than interval"},
		{"timeout above default interval", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, timeout: 1m}\n", "timeout: must be shorter than interval"},
		{"timeout equal to interval", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, interval: 2s, timeout: 2000ms}\n", "timeout: must be shorter than interval"},
		{"path with TCP", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {protocol: TCP, port: 80, path: /}\n", "path: a TCP health check has no path"},
		{"relative path", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, path: healthz}\n", "spec.healthCheck.path: Invalid value"},
		{"failure threshold zero", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, failureThreshold: 0}\n", "spec.healthCheck.failureThreshold in body should be greater than or equal to 1"},
		{"success threshold zero", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, successThreshold: 0}\n", "spec.healthCheck.successThreshold in body should be greater than or equal to 1"},
		{"port zero", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 0}\n", "spec.healthCheck.port in body should be greater than or equal to 1"},
		{"port too large", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 65536}\n", "spec.healthCheck.port in body should be less than or equal to 65535"},
		{"port missing", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {protocol: TCP}\n", "spec.healthCheck.port: Required value"},
		{"unknown protocol", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {protocol: UDP, port: 53}\n", `spec.healthCheck.protocol: Unsupported value: "UDP"`},
		{"interval not a duration", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, interval: 10 seconds}\n", "spec.healthCheck.interval: Invalid value: \"10 seconds\": must be a duration"},
		{"interval too short", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, interval: 500ms, timeout: 100ms}\n", "spec.healthCheck.interval: Invalid value: \"500ms\": must be at least 1s"},
		{"timeout zero", named(sdr, "bad") + "  domainRef: prod\n  healthCheck: {port: 80, timeout: 0s}\n", "spec.healthCheck.timeout: Invalid value: \"0s\": must be longer than 0s"},
		{"host upper case", idr + "  hosts: [Shop.Example.com]\n", "spec.hosts[0]: Invalid value"},
		{"host inner wildcard", idr + "  hosts: [ok.example.com, 'shop.*.example.com']\n", "spec.hosts[1]: Invalid value"},
		{"host duplicate", idr + "  hosts: [a.example.com, a.example.com]\n", "spec.hosts[1]: Duplicate value"},
		{"ingress ttl negative", idr + "  hosts: [a.example.com]\n  recordTTL: -5\n", "spec.recordTTL in body should be greater than or equal to 1"},
		{"ingress weights without weighted", idr + "  routing: {strategy: all, weights: {earth: 1}}\n", "weights: only strategy weighted uses weights"},
		{"dnsName with a space", dnse + "  - {dnsName: bad name.example.com, recordType: A, targets: [192.0.2.1]}\n", "spec.endpoints[0].dnsName: Invalid value"},
		{"dnsName label too long", dnse + "  - {dnsName: " + strings.Repeat("a", 64) + ".example.com, recordType: A}\n", "spec.endpoints[0].dnsName: Invalid value"},
		{"dnsName missing", dnse + "  - {recordType: A, targets: [192.0.2.1]}\n", "spec.endpoints[0].dnsName: Required value"},
		{"endpoint ttl zero", dnse + "  - {dnsName: a.example.com, recordType: A, recordTTL: 0}\n", "spec.endpoints[0].recordTTL in body should be greater than or equal to 1"},
		{"endpoint ttl too large", dnse + "  - {dnsName: a.example.com, recordType: A, recordTTL: 4294967296}\n", "spec.endpoints[0].recordTTL in body should be less than or equal to 2147483647"},
		{"record type lower case", dnse + "  - {dnsName: a.example.com, recordType: cname}\n", "spec.endpoints[0].recordType: Invalid value"},
		{"CNAME with two targets", dnse + "  - {dnsName: a.example.com, recordType: A}\n  - {dnsName: b.example.com, recordType: CNAME, targets: [x.example.com, y.example.com]}\n", "spec.endpoints[1]: Invalid value: targets: a CNAME record has a single target"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		p := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(p, []byte(c.manifest), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(ctx, testEnv.Binaries.Kubectl, "--kubeconfig", testEnv.KubeconfigPath, "--context", env.HostContext,
			"apply", "--dry-run=server", "-f", p).CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("case %d (%s): want a rejection containing %q, got %v:\n%s", i, c.name, c.want, err, out)
		}
	}
}

// TestDNSPrinterColumns checks what kubectl get shows for each kind, including the Ready column
// once a condition is written through the status subresource.
func TestDNSPrinterColumns(t *testing.T) {
	ctx := testContext(t, time.Minute)
	ensureNamespaces(t, ctx, fedNamespace, "test-namespace")
	applyDNSManifest(t, ctx, "printer-dns", `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: columns, namespace: kube-federation-system}
domain: columns.example.com
nameServer: ns1.example.com
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: columns, namespace: test-namespace}
spec: {domainRef: columns, routing: {strategy: all}}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: IngressDNSRecord
metadata: {name: columns, namespace: test-namespace}
spec: {hosts: [columns.example.com]}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: DNSEndpoint
metadata: {name: columns, namespace: test-namespace}
spec:
  endpoints:
  - {dnsName: a.columns.example.com, recordType: A, targets: [192.0.2.1]}
  - {dnsName: b.columns.example.com, recordType: A, targets: [192.0.2.2]}
`)
	ready := `{"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"Published","message":"ok","lastTransitionTime":"2024-01-01T00:00:00Z"}]}}`
	kubectl(t, ctx, "patch", "servicednsrecord", "columns", "-n", "test-namespace", "--subresource=status", "--type=merge", "-p", ready)
	kubectl(t, ctx, "patch", "ingressdnsrecord", "columns", "-n", "test-namespace", "--subresource=status", "--type=merge", "-p", ready)

	lines := func(args ...string) []string {
		return strings.Split(strings.TrimSpace(kubectl(t, ctx, append([]string{"get"}, args...)...)), "\n")
	}
	for _, c := range []struct {
		args         []string
		header, row  []string
		notInDefault string
	}{
		{[]string{"servicednsrecords", "-n", "test-namespace", "columns"}, []string{"NAME", "READY", "DOMAIN", "AGE"}, []string{"columns", "True", "columns"}, "STRATEGY"},
		{[]string{"sdr", "-n", "test-namespace", "columns", "-o", "wide"}, []string{"NAME", "READY", "DOMAIN", "STRATEGY", "REASON", "AGE"}, []string{"columns", "True", "columns", "all", "Published"}, ""},
		{[]string{"ingressdnsrecords", "-n", "test-namespace", "columns"}, []string{"NAME", "READY", "HOSTS", "AGE"}, []string{"columns", "True", `["columns.example.com"]`}, ""},
		{[]string{"domains.multiclusterdns.kubefed.io", "-n", "kube-federation-system", "columns"}, []string{"NAME", "DOMAIN", "NAME-SERVER", "AGE"}, []string{"columns", "columns.example.com", "ns1.example.com"}, ""},
		{[]string{"dnsendpoints.multiclusterdns.kubefed.io", "-n", "test-namespace", "columns"}, []string{"NAME", "AGE"}, []string{"columns"}, ""},
	} {
		got := lines(c.args...)
		if !containsRow(got[:1], c.header...) || !containsRow(got[1:], c.row...) {
			t.Errorf("kubectl get %s:\n%s\nwant header %v and row %v", strings.Join(c.args, " "), strings.Join(got, "\n"), c.header, c.row)
		}
		if c.notInDefault != "" && strings.Contains(got[0], c.notInDefault) {
			t.Errorf("kubectl get %s shows %s without -o wide:\n%s", strings.Join(c.args, " "), c.notInDefault, got[0])
		}
	}
	// The category lists all four kinds.
	got := kubectl(t, ctx, "get", "multiclusterdns", "-A", "-o", "name")
	for _, want := range []string{"domain.multiclusterdns.kubefed.io/columns", "servicednsrecord.multiclusterdns.kubefed.io/columns",
		"ingressdnsrecord.multiclusterdns.kubefed.io/columns", "dnsendpoint.multiclusterdns.kubefed.io/columns"} {
		if !strings.Contains(got, want) {
			t.Errorf("kubectl get multiclusterdns lacks %s:\n%s", want, got)
		}
	}
}

// applyDNSManifest applies manifest with kubectl and deletes its objects when the test ends
// (never the namespaces, which other tests share).
func applyDNSManifest(t *testing.T, ctx context.Context, name, manifest string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, []byte(manifest), 0o600); err != nil {
		t.Fatal(err)
	}
	out := kubectl(t, ctx, "apply", "-f", path)
	t.Cleanup(func() {
		kubectl(t, context.Background(), "delete", "-f", path, "--wait=false", "--ignore-not-found")
	})
	return out
}

// ensureNamespaces creates the namespaces that do not exist, first waiting out the deletion of
// one that another test is removing.
func ensureNamespaces(t *testing.T, ctx context.Context, names ...string) {
	t.Helper()
	c := testEnv.Host.Client().CoreV1().Namespaces()
	for _, name := range names {
		eventually(t, ctx, 30*time.Second, "namespace "+name+" exists", func(ctx context.Context) (bool, error) {
			ns, err := c.Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				_, err = c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
				return err == nil || apierrors.IsAlreadyExists(err), err
			}
			if err != nil {
				return false, err
			}
			return ns.DeletionTimestamp == nil, nil
		})
	}
}
