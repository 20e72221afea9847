package federate

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// fromYAML reads an object as the dynamic client returns it (JSON numbers as int64).
func fromYAML(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return normalize(m).(map[string]any)
}

// normalize turns float64 whole numbers into int64, as the API machinery decodes them.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalize(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalize(e)
		}
	case float64:
		if v == float64(int64(v)) {
			return int64(v)
		}
	}
	return v
}

// serverMeta is the metadata the API server adds to every object.
const serverMeta = `
  uid: 0f4e6a4c-2b9c-4d9e-9c57-6f1f1d3f9a11
  resourceVersion: "4711"
  generation: 3
  creationTimestamp: "2026-01-02T03:04:05Z"
  selfLink: /api/v1/x
  generateName: web-
  managedFields:
  - manager: kubectl
    operation: Apply
    apiVersion: v1
  finalizers: [example.com/keep]
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: 1}
`

func TestTemplate(t *testing.T) {
	cases := []struct {
		name string
		gk   schema.GroupKind
		obj  string
		want string
	}{
		{"ConfigMap: metadata and kubectl's record go, data stays", schema.GroupKind{Kind: "ConfigMap"}, `
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: shop` + serverMeta + `  deletionTimestamp: "2026-01-02T03:04:06Z"
  labels: {app: web}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1"}'
    team: shop
data: {a: "1"}
`, `
metadata:
  labels: {app: web}
  annotations: {team: shop}
data: {a: "1"}
`},
		{"no labels or annotations: no metadata", schema.GroupKind{Kind: "Secret"}, `
apiVersion: v1
kind: Secret
metadata:
  name: s
  namespace: shop
  annotations: {kubectl.kubernetes.io/last-applied-configuration: x}` + serverMeta + `type: Opaque
data: {k: dg==}
`, `
type: Opaque
data: {k: dg==}
`},
		{"ClusterIP Service: IPs, single-stack families and status go", schema.GroupKind{Kind: "Service"}, `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: ClusterIP
  clusterIP: 10.96.0.12
  clusterIPs: [10.96.0.12]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  internalTrafficPolicy: Cluster
  selector: {app: web}
  ports:
  - {name: http, port: 80, protocol: TCP, targetPort: 8080}
status:
  loadBalancer: {}
`, `
spec:
  type: ClusterIP
  internalTrafficPolicy: Cluster
  selector: {app: web}
  ports:
  - {name: http, port: 80, protocol: TCP, targetPort: 8080}
`},
		{"LoadBalancer Service: node ports and health-check node port go, dual stack stays", schema.GroupKind{Kind: "Service"}, `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  clusterIP: 10.96.0.12
  clusterIPs: [10.96.0.12, "fd00::12"]
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: PreferDualStack
  externalTrafficPolicy: Local
  healthCheckNodePort: 31999
  loadBalancerIP: 203.0.113.7
  ports:
  - {name: http, port: 80, nodePort: 30080}
  - {name: https, port: 443, nodePort: 30443}
status:
  loadBalancer:
    ingress: [{ip: 203.0.113.7}]
`, `
spec:
  type: LoadBalancer
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: PreferDualStack
  externalTrafficPolicy: Local
  loadBalancerIP: 203.0.113.7
  ports:
  - {name: http, port: 80}
  - {name: https, port: 443}
`},
		{"headless Service keeps clusterIP None", schema.GroupKind{Kind: "Service"}, `
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  clusterIPs: [None]
  ports: [{port: 5432}]
`, `
spec:
  clusterIP: None
  clusterIPs: [None]
  ports: [{port: 5432}]
`},
		{"a Service of another group is not a core Service", schema.GroupKind{Group: "serving.knative.dev", Kind: "Service"}, `
kind: Service
metadata: {name: fn}
spec: {clusterIP: keep}
`, `
spec: {clusterIP: keep}
`},
		{"ServiceAccount: token Secrets go", schema.GroupKind{Kind: "ServiceAccount"}, `
kind: ServiceAccount
metadata: {name: app, namespace: shop}
secrets: [{name: app-token-x1}]
imagePullSecrets: [{name: registry}]
automountServiceAccountToken: false
`, `
imagePullSecrets: [{name: registry}]
automountServiceAccountToken: false
`},
		{"Job: generated selector and controller labels go", schema.GroupKind{Group: "batch", Kind: "Job"}, `
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
  labels: {app: migrate, job-name: migrate, batch.kubernetes.io/job-name: migrate}
spec:
  backoffLimit: 2
  selector:
    matchLabels: {batch.kubernetes.io/controller-uid: 7d1c}
  template:
    metadata:
      labels:
        app: migrate
        controller-uid: 7d1c
        batch.kubernetes.io/controller-uid: 7d1c
        job-name: migrate
        batch.kubernetes.io/job-name: migrate
    spec:
      restartPolicy: Never
      containers: [{name: m, image: migrate:1}]
status: {succeeded: 1}
`, `
metadata:
  labels: {app: migrate}
spec:
  backoffLimit: 2
  template:
    metadata:
      labels: {app: migrate}
    spec:
      restartPolicy: Never
      containers: [{name: m, image: migrate:1}]
`},
		{"Job with only generated pod labels loses the pod template's metadata", schema.GroupKind{Group: "batch", Kind: "Job"}, `
kind: Job
metadata: {name: j}
spec:
  selector: {matchLabels: {controller-uid: u}}
  template:
    metadata:
      labels: {controller-uid: u, job-name: j}
    spec: {containers: [{name: c, image: i}]}
`, `
spec:
  template:
    spec: {containers: [{name: c, image: i}]}
`},
		{"Job with a manual selector keeps selector and labels", schema.GroupKind{Group: "batch", Kind: "Job"}, `
kind: Job
metadata: {name: j}
spec:
  manualSelector: true
  selector: {matchLabels: {job-name: j}}
  template:
    metadata:
      labels: {job-name: j}
    spec: {containers: [{name: c, image: i}]}
`, `
spec:
  manualSelector: true
  selector: {matchLabels: {job-name: j}}
  template:
    metadata:
      labels: {job-name: j}
    spec: {containers: [{name: c, image: i}]}
`},
		{"Namespace: the server's finalizer and name label go", schema.GroupKind{Kind: "Namespace"}, `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {kubernetes.io/metadata.name: shop, team: shop}
spec: {finalizers: [kubernetes]}
status: {phase: Active}
`, `
metadata:
  labels: {team: shop}
`},
		{"Deployment: the controller's revision goes", schema.GroupKind{Group: "apps", Kind: "Deployment"}, `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {deployment.kubernetes.io/revision: "3"}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
status: {readyReplicas: 2}
`, `
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`},
		{"a custom resource keeps everything but metadata and status", schema.GroupKind{Group: "example.com", Kind: "Widget"}, `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop, labels: {a: b}}
spec: {size: 3, clusterIP: mine}
status: {ready: true}
`, `
metadata: {labels: {a: b}}
spec: {size: 3, clusterIP: mine}
`},
	}
	for _, tc := range cases {
		obj := fromYAML(t, tc.obj)
		before := fromYAML(t, tc.obj)
		got := Template(tc.gk, obj)
		if want := fromYAML(t, tc.want); !equality.Semantic.DeepEqual(got, want) {
			g, _ := yaml.Marshal(got)
			w, _ := yaml.Marshal(want)
			t.Errorf("%s: template\n%s\nwant\n%s", tc.name, g, w)
		}
		if !equality.Semantic.DeepEqual(obj, before) {
			t.Errorf("%s: Template changed the object it was given", tc.name)
		}
	}
}
