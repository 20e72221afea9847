package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/controllers/dnsendpoint"
	"github.com/meridian-dns/meridian/federation/apis/multiclusterdns/v1alpha1"
)

const scenarioNamespace = "dns-lab"

// dnsLab is a Domain and a ServiceDNSRecord in KubeFed's YAML, with dnsPrefix and, so that the
// names and targets are KubeFed's exactly, routing all.
const dnsLab = `apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: Domain
metadata: {name: prod, namespace: kube-federation-system}
domain: example.com
---
apiVersion: v1
kind: Namespace
metadata: {name: dns-lab}
---
apiVersion: multiclusterdns.kubefed.io/v1alpha1
kind: ServiceDNSRecord
metadata: {name: web, namespace: dns-lab}
spec:
  domainRef: prod
  dnsPrefix: shop
  recordTTL: 60
  routing: {strategy: all}
`

// TestServiceDNSScenarios drives a Service in three members (earth and mars in us-east-1,
// zones a and b; vulcan in eu-west-1) through shard failures and checks the whole DNSEndpoint
// the controller writes after each, as KubeFed's names with Meridian's fail-open rule.
func TestServiceDNSScenarios(t *testing.T) {
	ctx := testContext(t, 5*time.Minute)
	setUpFederation(t, ctx)
	joinMembers(t, ctx)
	applyYAML(t, ctx, "dns-lab", dnsLab)
	ips := map[string]string{"earth": "192.0.2.11", "mars": "192.0.2.12", "vulcan": "198.51.100.13"}
	for _, m := range testEnv.Members {
		runLoadBalancedService(t, ctx, m.Client(), scenarioNamespace, "web", ips[m.Name])
	}
	host := hostClient(t)
	const (
		global = "web.dns-lab.prod.svc.example.com"
		east   = "web.dns-lab.prod.svc.us-east-1.example.com"
		west   = "web.dns-lab.prod.svc.eu-west-1.example.com"
		eastA  = "web.dns-lab.prod.svc.us-east-1a.us-east-1.example.com"
		eastB  = "web.dns-lab.prod.svc.us-east-1b.us-east-1.example.com"
		westA  = "web.dns-lab.prod.svc.eu-west-1a.eu-west-1.example.com"
		prefix = "shop.example.com"
	)
	expect := func(what string, lines ...string) {
		t.Helper()
		slices.Sort(lines)
		waitEndpointLines(t, ctx, host, what, lines)
	}
	expect("all healthy",
		global+" A 192.0.2.11,192.0.2.12,198.51.100.13",
		east+" A 192.0.2.11,192.0.2.12", west+" A 198.51.100.13",
		eastA+" A 192.0.2.11", eastB+" A 192.0.2.12", westA+" A 198.51.100.13",
		prefix+" CNAME "+global)

	scaleDeployment(t, ctx, testEnv.Cluster("earth").Client(), types.NamespacedName{Namespace: scenarioNamespace, Name: "web"}, 0)
	expect("earth without ready endpoints",
		global+" A 192.0.2.12,198.51.100.13",
		east+" A 192.0.2.12", west+" A 198.51.100.13",
		eastA+" CNAME "+east, eastB+" A 192.0.2.12", westA+" A 198.51.100.13",
		prefix+" CNAME "+global)

	scaleDeployment(t, ctx, testEnv.Cluster("mars").Client(), types.NamespacedName{Namespace: scenarioNamespace, Name: "web"}, 0)
	regionDown := []string{global + " A 198.51.100.13",
		east + " CNAME " + global, west + " A 198.51.100.13",
		eastA + " CNAME " + east, eastB + " CNAME " + east, westA + " A 198.51.100.13",
		prefix + " CNAME " + global}
	expect("the whole of us-east-1 down", regionDown...)

	scaleDeployment(t, ctx, testEnv.Cluster("vulcan").Client(), types.NamespacedName{Namespace: scenarioNamespace, Name: "web"}, 0)
	eventually(t, ctx, 30*time.Second, "the DNSEndpoint marked failed open", func(ctx context.Context) (bool, error) {
		ep := &v1alpha1.DNSEndpoint{}
		err := host.Get(ctx, client.ObjectKey{Namespace: scenarioNamespace, Name: "service-web"}, ep)
		return err == nil && ep.Annotations[dnsendpoint.AnnotationFailedOpen] == "true", err
	})
	expect("every shard down: the last answers stay", regionDown...)

	for _, name := range []string{"earth", "mars", "vulcan"} {
		scaleDeployment(t, ctx, testEnv.Cluster(name).Client(), types.NamespacedName{Namespace: scenarioNamespace, Name: "web"}, 1)
	}
	expect("all back",
		global+" A 192.0.2.11,192.0.2.12,198.51.100.13",
		east+" A 192.0.2.11,192.0.2.12", west+" A 198.51.100.13",
		eastA+" A 192.0.2.11", eastB+" A 192.0.2.12", westA+" A 198.51.100.13",
		prefix+" CNAME "+global)
}

// waitEndpointLines waits until DNSEndpoint service-web holds exactly lines ("name TYPE
// target,target", sorted), each endpoint with TTL 60.
func waitEndpointLines(t *testing.T, ctx context.Context, host client.Client, what string, want []string) {
	t.Helper()
	eventually(t, ctx, 30*time.Second, what, func(ctx context.Context) (bool, error) {
		ep := &v1alpha1.DNSEndpoint{}
		if err := host.Get(ctx, client.ObjectKey{Namespace: scenarioNamespace, Name: "service-web"}, ep); err != nil {
			return false, err
		}
		var got []string
		for _, e := range ep.Spec.Endpoints {
			if e.RecordTTL != 60 {
				return false, fmt.Errorf("%s has TTL %d, want 60", e.DNSName, e.RecordTTL)
			}
			got = append(got, fmt.Sprintf("%s %s %s", e.DNSName, e.RecordType, strings.Join(e.Targets, ",")))
		}
		slices.Sort(got)
		return slices.Equal(got, want), fmt.Errorf("endpoints:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	})
}
