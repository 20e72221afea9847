package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// badZone is the zone of the bad-input matrix: the valid record is published in it, and the
// hostile DNSEndpoints aim at it.
const badZone = "bad.example.com"

// badInput is one invalid or hostile object. The manifest's last document is the object under
// test; the documents before it are valid prerequisites (a Secret, say). want is what the API
// server's rejection, or else the object's status or Events, must contain: it names the field.
type badInput struct {
	object, field, manifest, want string
}

// badInputs builds the matrix. ns is the namespace of the namespaced objects; claimed is a
// name the valid record holds, which a hostile DNSEndpoint claims too.
func badInputs(ns, claimed string) []badInput {
	head := func(apiVersion, kind, namespace, name string) string {
		meta := "{name: " + name + "}"
		if namespace != "" {
			meta = "{name: " + name + ", namespace: " + namespace + "}"
		}
		return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: " + meta + "\n"
	}
	kfc := func(name, spec string) string {
		return head("core.kubefed.io/v1beta1", "KubeFedCluster", fedNamespace, name) + "spec: " + spec + "\n"
	}
	token := head("v1", "Secret", fedNamespace, "badinput-token") + "stringData: {token: not-a-real-token}\n---\n"
	kfconfig := func(spec string) string {
		return head("core.kubefed.io/v1beta1", "KubeFedConfig", fedNamespace, "kubefed") + "spec: " + spec + "\n"
	}
	ftc := func(name, target string) string {
		return head("core.kubefed.io/v1beta1", "FederatedTypeConfig", fedNamespace, name) +
			"spec:\n  propagation: Enabled\n  federatedType: {group: types.kubefed.io, kind: FederatedWidget, pluralName: federatedwidgets, scope: Namespaced, version: v1beta1}\n" +
			"  targetType: " + target + "\n"
	}
	fcm := func(name, spec string) string {
		return head("types.kubefed.io/v1beta1", "FederatedConfigMap", ns, name) +
			"spec:\n  template: {data: {a: b}}\n" + spec
	}
	override := func(name, op string) string {
		return fcm(name, "  placement: {clusters: [{name: earth}]}\n  overrides:\n  - clusterName: earth\n    clusterOverrides: ["+op+"]\n")
	}
	rsp := func(name, spec string) string {
		return head("scheduling.kubefed.io/v1alpha1", "ReplicaSchedulingPreference", ns, name) + "spec: " + spec + "\n"
	}
	domain := func(name, body string) string {
		return head("multiclusterdns.kubefed.io/v1alpha1", "Domain", fedNamespace, name) + body + "\n"
	}
	sdr := func(name, spec string) string {
		return head("multiclusterdns.kubefed.io/v1alpha1", "ServiceDNSRecord", ns, name) + "spec: " + spec + "\n"
	}
	idr := func(name, spec string) string {
		return head("multiclusterdns.kubefed.io/v1alpha1", "IngressDNSRecord", ns, name) + "spec: " + spec + "\n"
	}
	dnse := func(name string, endpoints ...string) string {
		return head("multiclusterdns.kubefed.io/v1alpha1", "DNSEndpoint", ns, name) +
			"spec:\n  endpoints:\n  - " + strings.Join(endpoints, "\n  - ") + "\n"
	}
	label63, label64 := strings.Repeat("a", 63), strings.Repeat("a", 64)
	longName := strings.Repeat(label63+".", 4)[:250] + ".com" // 254 characters, labels of 63
	manyTargets := make([]string, 1001)
	for i := range manyTargets {
		manyTargets[i] = fmt.Sprintf("10.%d.%d.1", i/250, i%250)
	}
	in := func(label string) string { return label + "." + badZone }

	return []badInput{
		// KubeFedCluster
		{"KubeFedCluster no-endpoint", "spec.apiEndpoint", kfc("badinput-a", "{secretRef: {name: x}}"), "spec.apiEndpoint: Required value"},
		{"KubeFedCluster space-endpoint", "spec.apiEndpoint", kfc("badinput-b", "{apiEndpoint: 'https://bad host', secretRef: {name: x}}"), "spec.apiEndpoint: Invalid value"},
		{"KubeFedCluster no-secretRef", "spec.secretRef", kfc("badinput-c", "{apiEndpoint: 'https://10.0.0.1'}"), "spec.secretRef: Required value"},
		{"KubeFedCluster tls-validation", "spec.disabledTLSValidations[0]", kfc("badinput-d", "{apiEndpoint: 'https://10.0.0.1', secretRef: {name: x}, disabledTLSValidations: [Everything]}"), "spec.disabledTLSValidations[0]: Unsupported value"},
		{"KubeFedCluster proxy-scheme", "spec.proxyURL", kfc("badinput-e", "{apiEndpoint: 'https://10.0.0.1', secretRef: {name: x}, proxyURL: 'ftp://proxy'}"), "spec.proxyURL: Invalid value"},
		{"KubeFedCluster caBundle-not-base64", "spec.caBundle", kfc("badinput-f", "{apiEndpoint: 'https://10.0.0.1', secretRef: {name: x}, caBundle: '!!!'}"), "spec.caBundle"},
		{"KubeFedCluster missing-secret", "spec.secretRef.name", kfc("badinput-g", "{apiEndpoint: 'https://127.0.0.1:1', secretRef: {name: badinput-nothing}}"), "spec.secretRef.name"},
		{"KubeFedCluster caBundle-not-PEM", "spec.caBundle", token + kfc("badinput-h", "{apiEndpoint: 'https://127.0.0.1:1', secretRef: {name: badinput-token}, caBundle: bm90IGEgY2VydGlmaWNhdGU=}"), "spec.caBundle holds no PEM certificate"},
		// KubeFedConfig (the only one the controller reads is named kubefed: it exists, so each
		// of these must fail validation before the name clash)
		{"KubeFedConfig scope", "spec.scope", kfconfig("{scope: Global}"), "spec.scope: Unsupported value"},
		{"KubeFedConfig failureThreshold", "spec.clusterHealthCheck.failureThreshold", kfconfig("{clusterHealthCheck: {failureThreshold: 0}}"), "spec.clusterHealthCheck.failureThreshold"},
		{"KubeFedConfig resourceLock", "spec.leaderElect.resourceLock", kfconfig("{leaderElect: {resourceLock: secrets}}"), "spec.leaderElect.resourceLock: Unsupported value"},
		{"KubeFedConfig featureGate", "spec.featureGates[0].configuration", kfconfig("{featureGates: [{name: PushReconciler, configuration: Maybe}]}"), "spec.featureGates[0].configuration: Unsupported value"},
		{"KubeFedConfig adoptResources", "spec.syncController.adoptResources", kfconfig("{syncController: {adoptResources: Sometimes}}"), "spec.syncController.adoptResources: Unsupported value"},
		// FederatedTypeConfig
		{"FederatedTypeConfig wrong-name", "metadata.name", ftc("widgets.example.io", "{group: other.io, kind: Widget, pluralName: widgets, scope: Namespaced, version: v1}"), "metadata.name: must be <spec.targetType.pluralName>.<spec.targetType.group>"},
		{"FederatedTypeConfig scope", "spec.targetType.scope", ftc("widgets.example.io", "{group: example.io, kind: Widget, pluralName: widgets, scope: Global, version: v1}"), "spec.targetType.scope: Unsupported value"},
		{"FederatedTypeConfig no-kind", "spec.targetType.kind", ftc("widgets.example.io", "{group: example.io, pluralName: widgets, scope: Namespaced, version: v1}"), "spec.targetType.kind: Required value"},
		{"FederatedTypeConfig plural-with-dot", "spec.targetType.pluralName", ftc("widgets.v2", "{kind: Widget, pluralName: widgets.v2, scope: Namespaced, version: v1}"), "spec.targetType.pluralName: Invalid value"},
		{"FederatedTypeConfig no-version", "spec.targetType.version", ftc("widgets.example.io", "{group: example.io, kind: Widget, pluralName: widgets, scope: Namespaced, version: ''}"), "spec.targetType.version"},
		// Federated<Kind>: placement and overrides
		{"FederatedConfigMap override-name", "spec.overrides[0].clusterOverrides[0].path", override("bad-name", "{path: /metadata/name, value: evil}"), "spec.overrides[0].clusterOverrides[0]: Invalid value: path: overrides cannot change the object's identity"},
		{"FederatedConfigMap override-namespace", "spec.overrides[0].clusterOverrides[0].path", override("bad-namespace", "{op: add, path: /metadata/namespace, value: kube-system}"), "spec.overrides[0].clusterOverrides[0]: Invalid value: path: overrides cannot change the object's identity"},
		{"FederatedConfigMap override-op", "spec.overrides[0].clusterOverrides[0].op", override("bad-op", "{op: move, path: /data/a}"), "spec.overrides[0].clusterOverrides[0].op: Unsupported value: \"move\""},
		{"FederatedConfigMap override-relative", "spec.overrides[0].clusterOverrides[0].path", override("bad-relative", "{path: data/a, value: c}"), "spec.overrides[0].clusterOverrides[0].path: Invalid value"},
		{"FederatedConfigMap override-root", "spec.overrides[0].clusterOverrides[0].path", override("bad-root", "{path: /, value: {}}"), "spec.overrides[0].clusterOverrides[0].path: Invalid value"},
		{"FederatedConfigMap override-metadata", "spec.overrides[0].clusterOverrides[0]", override("bad-metadata", "{path: /metadata, value: {name: evil}}"), "spec.overrides[0].clusterOverrides[0]"},
		{"FederatedConfigMap override-managed-label", "spec.overrides[0].clusterOverrides[0]", override("bad-managed", "{op: remove, path: /metadata/labels/kubefed.io~1managed}"), "spec.overrides[0].clusterOverrides[0]"},
		{"FederatedConfigMap override-bad-pointer", "spec.overrides[0].clusterOverrides[0].path", override("bad-pointer", "{path: /data/~2x, value: c}"), "spec.overrides[0].clusterOverrides[0].path: Invalid value"},
		{"FederatedConfigMap override-no-clusterName", "spec.overrides[0].clusterName", fcm("bad-clustername", "  overrides: [{clusterName: '', clusterOverrides: [{path: /data/a, value: c}]}]\n"), "spec.overrides[0].clusterName"},
		{"FederatedConfigMap placement-empty-name", "spec.placement.clusters[0].name", fcm("bad-empty", "  placement: {clusters: [{name: ''}]}\n"), "spec.placement.clusters[0].name"},
		{"FederatedConfigMap placement-unknown", "spec.placement.clusters", fcm("bad-unknown", "  placement: {clusters: [{name: pluto}]}\n"), `spec.placement.clusters: "pluto" is not a KubeFedCluster`},
		// ReplicaSchedulingPreference
		{"ReplicaSchedulingPreference negative-total", "spec.totalReplicas", rsp("bad-total", "{targetKind: FederatedDeployment, totalReplicas: -1}"), "spec.totalReplicas in body should be greater than or equal to 0"},
		{"ReplicaSchedulingPreference min-above-max", "spec.clusters.earth", rsp("bad-minmax", "{targetKind: FederatedDeployment, totalReplicas: 3, clusters: {earth: {minReplicas: 5, maxReplicas: 2}}}"), "minReplicas: must not be greater than maxReplicas"},
		{"ReplicaSchedulingPreference negative-min", "spec.clusters.earth.minReplicas", rsp("bad-min", "{targetKind: FederatedDeployment, totalReplicas: 3, clusters: {earth: {minReplicas: -1}}}"), "spec.clusters.earth.minReplicas in body should be greater than or equal to 0"},
		{"ReplicaSchedulingPreference negative-weight", "spec.clusters.*.weight", rsp("bad-weight", "{targetKind: FederatedDeployment, totalReplicas: 3, clusters: {'*': {weight: -1}}}"), "weight in body should be greater than or equal to 0"},
		{"ReplicaSchedulingPreference target-kind", "spec.targetKind", rsp("bad-kind", "{targetKind: FederatedPod, totalReplicas: 3}"), "spec.targetKind: Unsupported value"},
		{"ReplicaSchedulingPreference no-total", "spec.totalReplicas", rsp("bad-nototal", "{targetKind: FederatedDeployment}"), "spec.totalReplicas: Required value"},
		// Domain
		{"Domain label-64", "domain", domain("bad-label", "domain: "+label64+".example.com"), "domain: Invalid value"},
		{"Domain name-254", "domain", domain("bad-long", "domain: "+longName), "domain"},
		{"Domain wildcard", "domain", domain("bad-wildcard", "domain: '*.example.com'"), "domain: Invalid value"},
		// ServiceDNSRecord
		{"ServiceDNSRecord name-64", "metadata.name", sdr(label64, "{domainRef: near}"), "metadata.name"},
		{"ServiceDNSRecord ttl-negative", "spec.recordTTL", sdr("bad-ttl", "{domainRef: near, recordTTL: -1}"), "spec.recordTTL in body should be greater than or equal to 1"},
		{"ServiceDNSRecord weighted-and-failover", "spec.routing", sdr("bad-routing", "{domainRef: near, routing: {strategy: weighted, weights: {earth: 1}, failover: [earth]}}"), "failover: only strategy failover uses a failover order"},
		{"ServiceDNSRecord dnsPrefix-label-64", "spec.dnsPrefix", sdr("bad-prefix", "{domainRef: near, dnsPrefix: "+label64+"}"), "spec.dnsPrefix"},
		{"ServiceDNSRecord unknown-domain", "spec.domainRef", sdr("bad-domain", "{domainRef: nowhere}"), "(spec.domainRef) not found"},
		// IngressDNSRecord
		{"IngressDNSRecord host-label-64", "spec.hosts[0]", idr("bad-label", "{hosts: ["+label64+".example.com]}"), "spec.hosts[0]: Invalid value"},
		{"IngressDNSRecord host-254", "spec.hosts[0]", idr("bad-long", "{hosts: ["+longName+"]}"), "spec.hosts[0]"},
		{"IngressDNSRecord double-wildcard", "spec.hosts[0]", idr("bad-wild", "{hosts: ['*.*.example.com']}"), "spec.hosts[0]: Invalid value"},
		{"IngressDNSRecord bare-wildcard", "spec.hosts[0]", idr("bad-star", "{hosts: ['*']}"), "spec.hosts[0]: Invalid value"},
		{"IngressDNSRecord ttl-too-large", "spec.recordTTL", idr("bad-ttl", "{hosts: [a.example.com], recordTTL: 2147483648}"), "spec.recordTTL in body should be less than or equal to 2147483647"},
		{"IngressDNSRecord failover-and-all", "spec.routing", idr("bad-routing", "{hosts: [a.example.com], routing: {strategy: all, failover: [earth]}}"), "failover: only strategy failover uses a failover order"},
		// DNSEndpoint
		{"DNSEndpoint A-hostname", "spec.endpoints[0].targets[0]", dnse("bad-a", "{dnsName: "+in("a")+", recordType: A, targets: [www.example.com]}"), "spec.endpoints[0].targets[0]"},
		{"DNSEndpoint AAAA-ipv4", "spec.endpoints[0].targets[0]", dnse("bad-aaaa", "{dnsName: "+in("aaaa")+", recordType: AAAA, targets: [192.0.2.1]}"), "spec.endpoints[0].targets[0]"},
		{"DNSEndpoint A-ipv6", "spec.endpoints[0].targets[1]", dnse("bad-a6", "{dnsName: "+in("a6")+", recordType: A, targets: [192.0.2.1, '2001:db8::1']}"), "spec.endpoints[0].targets[1]"},
		{"DNSEndpoint A-zoned-address", "spec.endpoints[0].targets[0]", dnse("bad-zoned", "{dnsName: "+in("zoned")+", recordType: AAAA, targets: ['fe80::1%eth0']}"), "spec.endpoints[0].targets[0]"},
		{"DNSEndpoint CNAME-two-targets", "spec.endpoints[0]", dnse("bad-cname", "{dnsName: "+in("cname")+", recordType: CNAME, targets: [x.example.com, y.example.com]}"), "spec.endpoints[0]: Invalid value: targets: a CNAME record has a single target"},
		{"DNSEndpoint 1001-targets", "spec.endpoints[0].targets", dnse("bad-many", "{dnsName: "+in("many")+", recordType: A, targets: ["+strings.Join(manyTargets, ", ")+"]}"), "spec.endpoints[0].targets"},
		{"DNSEndpoint outside-zones", "spec.endpoints[0].dnsName", dnse("bad-zone", "{dnsName: evil.example.org, recordType: A, targets: [192.0.2.1]}"), "spec.endpoints[0].dnsName"},
		{"DNSEndpoint type-unknown", "spec.endpoints[0].recordType", dnse("bad-type", "{dnsName: "+in("type")+", recordType: BOGUS, targets: [x]}"), "spec.endpoints[0].recordType"},
		{"DNSEndpoint type-SRV", "spec.endpoints[0].recordType", dnse("bad-srv", "{dnsName: _sip._tcp."+badZone+", recordType: SRV, targets: ['0 0 5060 sip.example.com']}"), "spec.endpoints[0].recordType"},
		{"DNSEndpoint ttl-negative", "spec.endpoints[0].recordTTL", dnse("bad-ttl", "{dnsName: "+in("ttl")+", recordType: A, recordTTL: -1, targets: [192.0.2.1]}"), "spec.endpoints[0].recordTTL in body should be greater than or equal to 1"},
		{"DNSEndpoint name-255", "spec.endpoints[0].dnsName", dnse("bad-long", "{dnsName: "+longName+"a, recordType: A, targets: [192.0.2.1]}"), "spec.endpoints[0].dnsName"},
		{"DNSEndpoint double-wildcard", "spec.endpoints[0].dnsName", dnse("bad-wild", "{dnsName: '*.*."+badZone+"', recordType: A, targets: [192.0.2.1]}"), "spec.endpoints[0].dnsName: Invalid value"},
		{"DNSEndpoint no-targets", "spec.endpoints[0].targets", dnse("bad-empty", "{dnsName: "+in("empty")+", recordType: A}"), "spec.endpoints[0].targets"},
		{"DNSEndpoint duplicate", "spec.endpoints[1]", dnse("bad-dup", "{dnsName: "+in("dup")+", recordType: TXT, targets: [one]}", "{dnsName: "+in("dup")+", recordType: TXT, targets: [two]}"), "spec.endpoints[1]"},
		{"DNSEndpoint weight-label", "spec.endpoints[0].labels", dnse("bad-weight", "{dnsName: "+in("weight")+", recordType: A, targets: [192.0.2.1], labels: {meridian.io/weight: '-1'}}"), "spec.endpoints[0].labels"},
		{"DNSEndpoint routing-policy", "spec.endpoints[0].providerSpecific", dnse("bad-policy", "{dnsName: "+in("policy")+", recordType: A, targets: [192.0.2.1], providerSpecific: [{name: meridian.io/routing-policy, value: random}]}"), "spec.endpoints[0].providerSpecific"},
		{"DNSEndpoint claims-valid-name", "spec.endpoints[0]", dnse("bad-claim", "{dnsName: "+claimed+", recordType: A, targets: [203.0.113.66]}"), "spec.endpoints[0]: A " + claimed},
	}
}

// badOutcome is where one bad input was stopped.
type badOutcome struct {
	by, message string
}

// TestBadInputMatrix applies invalid and hostile objects of every kind next to one valid,
// published record, and checks that each is rejected by the API server or reported in its status
// or Events with the field named, and that none changes the valid record's etcd keys or answer.
func TestBadInputMatrix(t *testing.T) {
	ctx := testContext(t, 6*time.Minute)
	start := time.Now()
	setUpFederation(t, ctx, publishFlags(badZone)...)
	joinMembers(t, ctx)
	const ns = "badinput"
	ensureNamespaces(t, ctx, ns)
	applyDNSManifest(t, ctx, "valid", fmt.Sprintf(`apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: near, namespace: kube-federation-system}
domain: %s
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: %s}
spec: {domainRef: near, recordTTL: 5}
`, badZone, ns))
	ensureFederatedType(t, ctx, "configmaps", "{kind: ConfigMap, pluralName: configmaps, scope: Namespaced, version: v1}", "FederatedConfigMap", "federatedconfigmaps")
	const addr = "192.0.2.77"
	runLoadBalancedService(t, ctx, testEnv.Cluster("earth").Client(), ns, "web", addr)
	server := startGSLB(t, ctx, badZone)
	global := "web." + ns + ".near.svc." + badZone + "."
	waitAnswer(t, ctx, server.Addr, eastClient, netip.Prefix{}, global, addr)
	assertPublished(t, ctx, types.NamespacedName{Namespace: ns, Name: "service-web"})
	prefix := "/skydns/" + strings.Join(reversed(strings.Split(badZone, ".")), "/") + "/"
	before, err := etcdRange(ctx, prefix)
	if err != nil || len(before) == 0 {
		t.Fatalf("etcd keys under %s: %v %v", prefix, before, err)
	}
	t.Logf("valid record ready after %v; %d etcd keys", time.Since(start).Round(time.Second), len(before))

	host := hostClient(t)
	cases := badInputs(ns, strings.TrimSuffix(global, "."))
	outcomes := make([]badOutcome, len(cases))
	var accepted []int
	for i, c := range cases {
		objs, err := createManifest(ctx, host, c.manifest)
		for _, o := range objs {
			t.Cleanup(func() { _ = host.Delete(context.Background(), o) })
		}
		var status *apierrors.StatusError
		switch {
		case errors.As(err, &status):
			outcomes[i] = badOutcome{"api", status.Error()}
			if !strings.Contains(status.Error(), c.want) {
				t.Errorf("%s: rejected, but the message lacks %q: %v", c.object, c.want, status)
			}
		case err != nil:
			t.Fatalf("%s: %v", c.object, err)
		default:
			accepted = append(accepted, i)
		}
	}
	// Every accepted object must be reported: wait for all of them together, and name those
	// accepted silently.
	pending := slices.Clone(accepted)
	deadline := time.Now().Add(60 * time.Second)
	for len(pending) > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		pending = slices.DeleteFunc(pending, func(i int) bool {
			found, _ := reported(ctx, host, objsLast(t, cases[i].manifest), cases[i].want)
			outcomes[i] = badOutcome{"condition", found}
			return found != ""
		})
		time.Sleep(time.Second)
	}
	for _, i := range pending {
		_, err := reported(ctx, host, objsLast(t, cases[i].manifest), cases[i].want)
		outcomes[i] = badOutcome{"ACCEPTED", "silently"}
		t.Errorf("%s: accepted, and neither its status nor its Events say %q: %v", cases[i].object, cases[i].want, err)
	}
	// Let the controller go over everything once more (the DNSEndpoints are processed in any
	// order), then compare.
	time.Sleep(3 * time.Second)
	after, err := etcdRange(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	// The valid record's names (global, region, zone) must hold what they held. Elsewhere in the
	// zone only the valid half of a half-bad DNSEndpoint may appear: an invalid endpoint does not
	// hold up the others.
	validNames := func(kvs [][2]string) [][2]string {
		return slices.DeleteFunc(slices.Clone(kvs), func(kv [2]string) bool { return !strings.Contains(kv[0], "/near/"+ns+"/web/") })
	}
	if !slices.Equal(validNames(before), validNames(after)) {
		t.Errorf("the bad inputs changed the valid record's etcd keys:\nbefore %v\nafter  %v", before, after)
	}
	for _, kv := range after {
		if !slices.Contains(before, kv) && !strings.Contains(kv[1], `"resource":"dnsendpoint/`+ns+`/bad-dup"`) {
			t.Errorf("a bad input was published: %s %s", kv[0], kv[1])
		}
	}
	if got, _, err := ask(server.Addr, eastClient, netip.Prefix{}, global); err != nil || !slices.Equal(got, []string{addr}) {
		t.Errorf("the valid record's answer after the bad inputs: %v (%v), want %s", got, err, addr)
	}
	assertPublished(t, ctx, types.NamespacedName{Namespace: ns, Name: "service-web"})

	var table strings.Builder
	fmt.Fprintf(&table, "%d bad inputs (%d rejected by the API server, %d reported in status/Events), %v:\n",
		len(cases), len(cases)-len(accepted), len(accepted), time.Since(start).Round(time.Second))
	for i, c := range cases {
		msg := outcomes[i].message
		if len(msg) > 160 {
			msg = msg[:160] + "..."
		}
		fmt.Fprintf(&table, "| %-45s | %-46s | %-9s | %s\n", c.object, c.field, outcomes[i].by, msg)
	}
	t.Log(table.String())
}

// ensureFederatedType creates the FederatedTypeConfig <plural> for a core type if the host has
// none, and removes it again when the test ends.
func ensureFederatedType(t *testing.T, ctx context.Context, name, target, kind, plural string) {
	t.Helper()
	objs, err := createManifest(ctx, hostClient(t), fmt.Sprintf(`apiVersion: core.kubefed.io/v1beta1
kind: FederatedTypeConfig
metadata: {name: %s, namespace: %s}
spec:
  propagation: Enabled
  federatedType: {group: types.kubefed.io, kind: %s, pluralName: %s, scope: Namespaced, version: v1beta1}
  targetType: %s
`, name, fedNamespace, kind, plural, target))
	switch {
	case apierrors.IsAlreadyExists(err):
	case err != nil:
		t.Fatal(err)
	default:
		t.Cleanup(func() { _ = hostClient(t).Delete(context.Background(), objs[0]) })
	}
}

// createManifest creates the objects of a multi-document YAML manifest in order, stopping at the
// first error; it returns the objects created.
func createManifest(ctx context.Context, c client.Client, manifest string) ([]*unstructured.Unstructured, error) {
	docs, err := decodeManifest(manifest)
	if err != nil {
		return nil, err
	}
	var created []*unstructured.Unstructured
	for _, obj := range docs {
		if err := c.Create(ctx, obj); err != nil {
			return created, err
		}
		created = append(created, obj)
	}
	return created, nil
}

func decodeManifest(manifest string) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewBufferString(manifest), 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			return objs, nil
		} else if err != nil {
			return nil, fmt.Errorf("decoding %q: %w", manifest, err)
		}
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

// objsLast is the object under test of a manifest: its last document.
func objsLast(t *testing.T, manifest string) *unstructured.Unstructured {
	t.Helper()
	objs, err := decodeManifest(manifest)
	if err != nil || len(objs) == 0 {
		t.Fatalf("manifest %q: %v", manifest, err)
	}
	return objs[len(objs)-1]
}

// reported returns the status message or Event of obj whose text contains want, "" if none.
func reported(ctx context.Context, c client.Client, obj *unstructured.Unstructured, want string) (string, error) {
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(obj.GroupVersionKind())
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), got); err != nil {
		return "", err
	}
	if msg := findString(got.Object["status"], want); msg != "" {
		// A summary may hold several clusters' messages: show the one that matters.
		if i := strings.Index(msg, want); i > 40 {
			msg = "..." + msg[i-20:]
		}
		return "status: " + msg, nil
	}
	events, err := testEnv.Host.Client().CoreV1().Events(obj.GetNamespace()).List(ctx, metav1.ListOptions{
		FieldSelector: "involvedObject.name=" + obj.GetName() + ",involvedObject.kind=" + obj.GetKind()})
	if err != nil {
		return "", err
	}
	for _, e := range events.Items {
		if strings.Contains(e.Message, want) {
			return "Event " + e.Reason + ": " + e.Message, nil
		}
	}
	status, _ := json.Marshal(got.Object["status"])
	return "", fmt.Errorf("status %s", status)
}

// findString returns the first string in a JSON-like value that contains want.
func findString(v any, want string) string {
	switch v := v.(type) {
	case string:
		if strings.Contains(v, want) {
			return v
		}
	case []any:
		for _, x := range v {
			if s := findString(x, want); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, x := range v {
			if s := findString(x, want); s != "" {
				return s
			}
		}
	}
	return ""
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
