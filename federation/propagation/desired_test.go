package propagation

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

var (
	deployment = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	service    = schema.GroupVersionKind{Version: "v1", Kind: "Service"}
	svcAccount = schema.GroupVersionKind{Version: "v1", Kind: "ServiceAccount"}
)

func doc(t *testing.T, s string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func live(t *testing.T, s string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: doc(t, s)}
}

func TestDecide(t *testing.T) {
	three := int64(3)
	tests := []struct {
		name string
		in   Input
		want string // the expected object as YAML; "" with wantDelete for a deletion or nothing
		del  bool
		err  string
	}{
		{
			name: "template becomes the member object with identity and the managed label",
			in: Input{Target: deployment, Name: "web", Namespace: "shop", Placed: true,
				Template: doc(t, "spec: {replicas: 1, template: {spec: {containers: [{name: app, image: httpbin}]}}}")},
			want: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {kubefed.io/managed: "true"}}
spec: {replicas: 1, template: {spec: {containers: [{name: app, image: httpbin}]}}}`,
		},
		{
			name: "template labels are kept next to the managed label",
			in:   Input{Target: deployment, Name: "web", Namespace: "shop", Placed: true, Template: doc(t, "metadata: {labels: {app: web}}")},
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: shop, labels: {app: web, kubefed.io/managed: "true"}}}`,
		},
		{
			name: "overrides apply after the template: replace, add, remove, list append",
			in: Input{Target: deployment, Name: "web", Namespace: "shop", Placed: true,
				Template: doc(t, "spec: {replicas: 1, paused: false, template: {spec: {containers: [{name: app, image: v1}]}}}"),
				Overrides: []Override{
					{Op: OpReplace, Path: "/spec/replicas", Value: int64(3)},
					{Op: OpAdd, Path: "/metadata/annotations", Value: map[string]any{"tier": "gold"}},
					{Op: OpRemove, Path: "/spec/paused"},
					{Op: OpReplace, Path: "/spec/template/spec/containers/0/image", Value: "v2"},
					{Op: OpAdd, Path: "/spec/template/spec/containers/-", Value: map[string]any{"name": "sidecar"}},
				}},
			want: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {kubefed.io/managed: "true"}, annotations: {tier: gold}}
spec: {replicas: 3, template: {spec: {containers: [{name: app, image: v2}, {name: sidecar}]}}}`,
		},
		{
			name: "scheduler replicas, then an override still wins",
			in: Input{Target: deployment, Name: "web", Placed: true, Replicas: &three, Template: doc(t, "spec: {replicas: 1}"),
				Overrides: []Override{{Op: OpReplace, Path: "/spec/replicas", Value: int64(5)}}},
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, labels: {kubefed.io/managed: "true"}}, spec: {replicas: 5}}`,
		},
		{
			name: "scheduler replicas without overrides",
			in:   Input{Target: deployment, Name: "web", Placed: true, Replicas: &three, Template: doc(t, "spec: {replicas: 1}")},
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, labels: {kubefed.io/managed: "true"}}, spec: {replicas: 3}}`,
		},
		{
			name: "a Service's member-set fields are not sent, so apply leaves them to the member",
			in: Input{Target: service, Name: "web", Namespace: "shop", Placed: true, Template: doc(t, "spec: {type: LoadBalancer, ports: [{port: 80}]}"),
				Live: live(t, `{metadata: {name: web, resourceVersion: "42", labels: {kubefed.io/managed: "true"}},
spec: {clusterIP: 10.96.0.7, clusterIPs: [10.96.0.7], healthCheckNodePort: 30111, type: LoadBalancer, ports: [{port: 80}]}}`)},
			want: `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {kubefed.io/managed: "true"}}
spec: {type: LoadBalancer, ports: [{port: 80}]}`,
		},
		{
			name: "a template clusterIP is the user's choice",
			in: Input{Target: service, Name: "dns", Placed: true, Template: doc(t, "spec: {clusterIP: None}"),
				Live: live(t, `{metadata: {labels: {kubefed.io/managed: "true"}}, spec: {clusterIP: None}}`)},
			want: `{apiVersion: v1, kind: Service, metadata: {name: dns, labels: {kubefed.io/managed: "true"}}, spec: {clusterIP: None}}`,
		},
		{
			name: "a ServiceAccount's token secrets are not sent",
			in: Input{Target: svcAccount, Name: "bot", Placed: true, Template: doc(t, "{}"),
				Live: live(t, `{metadata: {labels: {kubefed.io/managed: "true"}}, secrets: [{name: bot-token-x}]}`)},
			want: `{apiVersion: v1, kind: ServiceAccount, metadata: {name: bot, labels: {kubefed.io/managed: "true"}}}`,
		},
		{
			name: "not placed, managed: delete",
			in:   Input{Target: deployment, Name: "web", Live: live(t, `{metadata: {labels: {kubefed.io/managed: "true"}}}`)},
			del:  true,
		},
		{
			name: "not placed, not ours: leave it",
			in:   Input{Target: deployment, Name: "web", Live: live(t, `{metadata: {name: web}}`)},
		},
		{
			name: "not placed, nothing there: nothing to do",
			in:   Input{Target: deployment, Name: "web"},
		},
		{
			name: "placed over an unmanaged object without adoption: refused",
			in:   Input{Target: deployment, Name: "web", Placed: true, Live: live(t, `{metadata: {name: web}}`)},
			err:  "not managed by Meridian",
		},
		{
			name: "placed over an unmanaged object with adoption: taken over",
			in: Input{Target: deployment, Name: "web", Placed: true, Adopt: true, Template: doc(t, "spec: {replicas: 1}"),
				Live: live(t, `{metadata: {name: web, resourceVersion: "7"}}`)},
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, labels: {kubefed.io/managed: "true"}}, spec: {replicas: 1}}`,
		},
		{
			name: "a template of the wrong kind",
			in:   Input{Target: deployment, Name: "web", Placed: true, Template: doc(t, "{kind: StatefulSet}")},
			err:  "spec.template.kind",
		},
		{
			name: "a template of the wrong apiVersion",
			in:   Input{Target: deployment, Name: "web", Placed: true, Template: doc(t, "{apiVersion: extensions/v1beta1}")},
			err:  "spec.template.apiVersion",
		},
		{
			name: "an override path that does not exist",
			in: Input{Target: deployment, Name: "web", Placed: true, Template: doc(t, "spec: {}"),
				Overrides: []Override{{Op: OpReplace, Path: "/spec/strategy/type", Value: "Recreate"}}},
			err: "/spec/strategy",
		},
		{
			name: "an override cannot remove the managed label",
			in: Input{Target: deployment, Name: "web", Placed: true, Template: doc(t, "{}"),
				Overrides: []Override{{Op: OpRemove, Path: "/metadata/labels"}}},
			err: "overrides cannot change /metadata/labels/kubefed.io~1managed",
		},
		{
			name: "an override cannot rename the object",
			in: Input{Target: deployment, Name: "web", Placed: true, Template: doc(t, "{}"),
				Overrides: []Override{{Op: OpReplace, Path: "/metadata/name", Value: "other"}}},
			err: "overrides cannot change /metadata/name",
		},
		{
			name: "a list index out of range",
			in: Input{Target: deployment, Name: "web", Placed: true, Template: doc(t, "spec: {template: {spec: {containers: [{name: a}]}}}"),
				Overrides: []Override{{Op: OpReplace, Path: "/spec/template/spec/containers/3/image", Value: "x"}}},
			err: "containers/3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := copyJSON(tt.in.Template)
			got, err := Decide(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Delete != tt.del {
				t.Errorf("Delete = %v, want %v", got.Delete, tt.del)
			}
			if tt.want == "" {
				if got.Object != nil {
					t.Errorf("unexpected object %v", got.Object.Object)
				}
				return
			}
			if want := doc(t, tt.want); !reflect.DeepEqual(normalise(t, got.Object.Object), want) {
				y, _ := yaml.Marshal(got.Object.Object)
				t.Errorf("object\n%s\nwant\n%s", y, tt.want)
			}
			if !reflect.DeepEqual(before, copyJSON(tt.in.Template)) {
				t.Error("Decide changed the template it was given")
			}
		})
	}
}

// normalise round-trips through YAML so numbers compare as the test's YAML decodes them.
func normalise(t *testing.T, m map[string]any) map[string]any {
	data, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return doc(t, string(data))
}

func TestOverridesFor(t *testing.T) {
	fed := federated(t, `spec:
  overrides:
  - clusterName: earth
    clusterOverrides:
    - path: /spec/replicas
      value: 3
    - op: add
      path: /metadata/annotations
      value: {a: b}
  - clusterName: vulcan
    clusterOverrides:
    - {op: remove, path: /spec/paused}`)
	got, err := OverridesFor(fed, "earth")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Op != OpReplace || got[0].Path != "/spec/replicas" || got[1].Op != OpAdd {
		t.Errorf("earth overrides %+v; want replace (the default) then add", got)
	}
	if got, _ := OverridesFor(fed, "mars"); len(got) != 0 {
		t.Errorf("mars has no overrides, got %+v", got)
	}
	bad := federated(t, `spec: {overrides: [{clusterName: earth, clusterOverrides: [{op: move, path: /spec/a}]}]}`)
	if _, err := OverridesFor(bad, "earth"); err == nil || !strings.Contains(err.Error(), "spec.overrides[0].clusterOverrides[0]") {
		t.Errorf("an unknown op should be reported with its field, got %v", err)
	}
	for _, path := range []string{"/data/~2x", "/data/a~", "/metadata/labels/a~b"} {
		bad := federated(t, `spec: {overrides: [{clusterName: earth, clusterOverrides: [{path: "`+path+`", value: x}]}]}`)
		if _, err := OverridesFor(bad, "earth"); err == nil || !strings.Contains(err.Error(), "spec.overrides[0].clusterOverrides[0]: path") {
			t.Errorf("path %s: a bad escape should be reported with its field, got %v", path, err)
		}
	}
	ok := federated(t, `spec: {overrides: [{clusterName: earth, clusterOverrides: [{path: /metadata/labels/a~1b~0c, value: x}]}]}`)
	if _, err := OverridesFor(ok, "earth"); err != nil {
		t.Errorf("~0 and ~1 are valid escapes: %v", err)
	}
}
