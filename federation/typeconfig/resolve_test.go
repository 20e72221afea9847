package typeconfig

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var allVerbs = metav1.Verbs{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// fixedDiscovery is what a host with one CRD (widgets.example.com, served at v1 and v1beta1)
// reports, trimmed to what the tests need.
func fixedDiscovery() ([]*metav1.APIGroup, []*metav1.APIResourceList) {
	group := func(name string, versions ...string) *metav1.APIGroup {
		g := &metav1.APIGroup{Name: name, PreferredVersion: metav1.GroupVersionForDiscovery{Version: versions[0]}}
		for _, v := range versions {
			g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: name + "/" + v, Version: v})
		}
		return g
	}
	res := func(name, singular, kind string, namespaced bool, short ...string) metav1.APIResource {
		return metav1.APIResource{Name: name, SingularName: singular, Kind: kind, Namespaced: namespaced, ShortNames: short, Verbs: allVerbs}
	}
	groups := []*metav1.APIGroup{
		{Name: "", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}}, PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "v1", Version: "v1"}},
		group("apps", "v1"), group("batch", "v1"), group("events.k8s.io", "v1"), group("example.com", "v1", "v1beta1"),
		group("types.kubefed.io", "v1beta1"),
	}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			res("pods", "pod", "Pod", true, "po"), res("services", "service", "Service", true, "svc"),
			res("configmaps", "configmap", "ConfigMap", true, "cm"), res("namespaces", "", "Namespace", false, "ns"),
			res("events", "event", "Event", true, "ev"), res("secrets", "secret", "Secret", true),
			{Name: "componentstatuses", SingularName: "componentstatus", Kind: "ComponentStatus", ShortNames: []string{"cs"}, Verbs: metav1.Verbs{"get", "list"}},
			{Name: "pods/status", Kind: "Pod", Namespaced: true, Verbs: metav1.Verbs{"get", "patch", "update"}},
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			res("deployments", "deployment", "Deployment", true, "deploy"), res("statefulsets", "statefulset", "StatefulSet", true, "sts"),
			{Name: "deployments/scale", Kind: "Scale", Group: "autoscaling", Version: "v1", Namespaced: true, Verbs: metav1.Verbs{"get", "patch", "update"}},
		}},
		{GroupVersion: "batch/v1", APIResources: []metav1.APIResource{res("jobs", "job", "Job", true)}},
		{GroupVersion: "events.k8s.io/v1", APIResources: []metav1.APIResource{res("events", "event", "Event", true, "ev")}},
		{GroupVersion: "example.com/v1beta1", APIResources: []metav1.APIResource{res("widgets", "widget", "Widget", true, "wdg")}},
		{GroupVersion: "example.com/v1", APIResources: []metav1.APIResource{res("widgets", "widget", "Widget", true, "wdg"), res("gadgets", "gadget", "Gadget", false, "svc")}},
		{GroupVersion: "types.kubefed.io/v1beta1", APIResources: []metav1.APIResource{res("federateddeployments", "federateddeployment", "FederatedDeployment", true)}},
	}
	return groups, lists
}

func fixedResources() []Resource { return resourcesFrom(fixedDiscovery()) }

func TestResolve(t *testing.T) {
	cases := []struct {
		arg, want, version string
	}{
		{"Deployment", "deployments.apps", "v1"},
		{"deployments", "deployments.apps", "v1"},
		{"deployment", "deployments.apps", "v1"},
		{"deploy", "deployments.apps", "v1"},
		{"DEPLOYMENTS", "deployments.apps", "v1"},
		{"deployments.apps", "deployments.apps", "v1"},
		{"Deployment.apps", "deployments.apps", "v1"},
		{"Deployment.v1.apps", "deployments.apps", "v1"},
		{"deployments.v1.apps", "deployments.apps", "v1"},
		{"configmaps", "configmaps", "v1"},
		{"cm", "configmaps", "v1"},
		{"ns", "namespaces", "v1"},
		{"namespace", "namespaces", "v1"}, // singular derived from the kind when discovery has none
		{"jobs.batch", "jobs.batch", "v1"},
		// A CRD: the preferred version unless one is named.
		{"widgets", "widgets.example.com", "v1"},
		{"Widget", "widgets.example.com", "v1"},
		{"wdg", "widgets.example.com", "v1"},
		{"widgets.example.com", "widgets.example.com", "v1"},
		{"widgets.v1beta1.example.com", "widgets.example.com", "v1beta1"},
		{"Widget.v1beta1.example.com", "widgets.example.com", "v1beta1"},
		// A name beats another type's short name: gadgets' short name "svc" does not make it ambiguous.
		{"services", "services", "v1"},
		{"svc", "", ""}, // two short names: ambiguous
		// Qualified names pick one of two groups.
		{"events.events.k8s.io", "events.events.k8s.io", "v1"},
		{"Event.v1", "", ""}, // "v1" is a group here, and there is none of that name
	}
	resources := fixedResources()
	for _, tc := range cases {
		got, err := Resolve(tc.arg, resources)
		if tc.want == "" {
			if err == nil {
				t.Errorf("Resolve(%q) = %s, want an error", tc.arg, got.Name())
			}
			continue
		}
		if err != nil || got.Name() != tc.want || got.Version != tc.version {
			t.Errorf("Resolve(%q) = %s %s, %v; want %s %s", tc.arg, got.Name(), got.Version, err, tc.want, tc.version)
		}
	}
}

func TestResolveErrorsSayWhatMatched(t *testing.T) {
	cases := []struct{ arg, want string }{
		{"events", `type "events" is ambiguous: it names events (v1 Event), events.events.k8s.io (events.k8s.io/v1 Event); ` +
			`give the full name, for example events`},
		{"svc", `type "svc" is ambiguous: it names gadgets.example.com (example.com/v1 Gadget), services (v1 Service)`},
		{"widgetz", `the host serves no resource type "widgetz"; did you mean widgets.example.com? (kubectl api-resources lists the types it serves)`},
		{"deploymnts", `did you mean deployments.apps?`},
		{"gizmos", `the host serves no resource type "gizmos" (kubectl api-resources lists the types it serves)`},
		{"widgets.example.org", `the host serves no resource type "widgets.example.org"; did you mean widgets.example.com?`},
		{"deployments.v2.apps", `no resource type "deployments.v2.apps"; did you mean deployments.apps?`},
	}
	resources := fixedResources()
	for _, tc := range cases {
		_, err := Resolve(tc.arg, resources)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Resolve(%q): error\n %v\nwant one containing\n %s", tc.arg, err, tc.want)
		}
	}
}

func TestResourcesFromDiscovery(t *testing.T) {
	resources := fixedResources()
	byKey := map[string]Resource{}
	for _, r := range resources {
		if strings.Contains(r.Plural, "/") {
			t.Errorf("subresource %s listed", r.Plural)
		}
		byKey[r.Group+"/"+r.Version+"/"+r.Plural] = r
	}
	if n := len(byKey); n != len(resources) || n != 15 {
		t.Errorf("%d resources (%d distinct), want 15", len(resources), n)
	}
	cases := []struct {
		key                        string
		preferred, namespaced      bool
		rank                       int
		singular, kind, firstShort string
	}{
		{"/v1/namespaces", true, false, 0, "namespace", "Namespace", "ns"},
		{"apps/v1/deployments", true, true, 0, "deployment", "Deployment", "deploy"},
		{"example.com/v1/widgets", true, true, 0, "widget", "Widget", "wdg"},
		{"example.com/v1beta1/widgets", false, true, 1, "widget", "Widget", "wdg"},
	}
	for _, tc := range cases {
		r, ok := byKey[tc.key]
		if !ok {
			t.Errorf("%s missing", tc.key)
			continue
		}
		if r.Preferred != tc.preferred || r.Namespaced != tc.namespaced || r.VersionRank != tc.rank || r.Singular != tc.singular ||
			r.Kind != tc.kind || r.ShortNames[0] != tc.firstShort {
			t.Errorf("%s: %+v", tc.key, r)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"widget", "widgets", 1}, {"deploymnts", "deployments", 1}, {"kitten", "sitting", 3},
	}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
