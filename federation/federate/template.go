package federate

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// lastApplied is kubectl's record of the last applied manifest; in a template it would be
// applied to every member as a stale copy of the host's object.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Template returns what a Federated<Kind>'s spec.template holds for an object read from the
// host: the object as its user wrote it, without what the API server or the host's controllers
// set. Each member sets those for its own copy; copied, they would clash there (a clusterIP from
// the host's service range, a Job selector with the host's uid) or freeze the host's state.
//
// Of metadata only labels and annotations stay: name and namespace are the federated object's,
// and everything else in metadata is set by the server. apiVersion and kind go too, as in
// kubefedctl's templates: the FederatedTypeConfig names the target kind.
func Template(gk schema.GroupKind, obj map[string]any) map[string]any {
	t := runtime.DeepCopyJSON(obj)
	delete(t, "apiVersion")
	delete(t, "kind")
	delete(t, "status")
	t["metadata"] = userMetadata(mapAt(t, "metadata"))
	if clean := kindCleanup[gk]; clean != nil {
		clean(t)
	}
	removeIfEmpty(t, "metadata")
	return t
}

// userMetadata keeps the labels and annotations of metadata, without kubectl's record.
func userMetadata(meta map[string]any) map[string]any {
	out := map[string]any{}
	for _, key := range []string{"labels", "annotations"} {
		if m := mapAt(meta, key); len(m) > 0 {
			out[key] = m
		}
	}
	deleteKeys(out, "annotations", lastApplied)
	return out
}

// kindCleanup removes what the server or a controller sets in objects of KubeFed's default
// kinds (and the Namespace) beyond metadata and status.
var kindCleanup = map[schema.GroupKind]func(map[string]any){
	{Group: "", Kind: "Service"}:        cleanService,
	{Group: "", Kind: "ServiceAccount"}: cleanServiceAccount,
	{Group: "", Kind: "Namespace"}:      cleanNamespace,
	{Group: "batch", Kind: "Job"}:       cleanJob,
	{Group: "apps", Kind: "Deployment"}: cleanDeployment,
}

// cleanService removes what each cluster allocates from its own ranges: the cluster IPs (a
// headless Service's "None" is the user's and stays), node ports and the health-check node
// port, and the IP families of a single-stack Service, which the host's service network chose.
//
// User-set node ports go too: they cannot be told apart from allocated ones once the Service
// exists, and a fixed node port in every member is what a federated Service should not pin —
// each member allocates a free one. A user who needs a fixed port sets it with an override.
func cleanService(t map[string]any) {
	spec := mapAt(t, "spec")
	if spec == nil {
		return
	}
	if ip, _ := spec["clusterIP"].(string); ip != "None" {
		delete(spec, "clusterIP")
		delete(spec, "clusterIPs")
	}
	delete(spec, "healthCheckNodePort")
	if ports, ok := spec["ports"].([]any); ok {
		for _, p := range ports {
			if port, ok := p.(map[string]any); ok {
				delete(port, "nodePort")
			}
		}
	}
	if policy, _ := spec["ipFamilyPolicy"].(string); policy == "" || policy == "SingleStack" {
		delete(spec, "ipFamilyPolicy")
		delete(spec, "ipFamilies")
	}
}

// cleanServiceAccount removes the token Secrets the token controller listed in secrets.
func cleanServiceAccount(t map[string]any) { delete(t, "secrets") }

// cleanNamespace removes the "kubernetes" finalizer and the name label the server sets.
func cleanNamespace(t map[string]any) {
	if spec := mapAt(t, "spec"); spec != nil {
		delete(spec, "finalizers")
		removeIfEmpty(t, "spec")
	}
	deleteKeys(mapAt(t, "metadata"), "labels", "kubernetes.io/metadata.name")
}

// jobLabels are set by the Job controller on the pod template, the selector and (when the Job
// has no labels of its own) the Job, all carrying the host Job's uid or name.
var jobLabels = []string{"controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"}

// cleanJob removes the selector and labels the server generates, unless the user chose the
// selector (spec.manualSelector), in which case both are theirs.
func cleanJob(t map[string]any) {
	spec := mapAt(t, "spec")
	if spec == nil || spec["manualSelector"] == true {
		return
	}
	delete(spec, "selector")
	deleteKeys(mapAt(t, "metadata"), "labels", jobLabels...)
	podMeta := mapAt(mapAt(spec, "template"), "metadata")
	deleteKeys(podMeta, "labels", jobLabels...)
	removeIfEmpty(mapAt(spec, "template"), "metadata")
}

// cleanDeployment removes the revision the Deployment controller counts in the host.
func cleanDeployment(t map[string]any) {
	deleteKeys(mapAt(t, "metadata"), "annotations", "deployment.kubernetes.io/revision")
}

// mapAt returns m[key] if it is an object, else nil.
func mapAt(m map[string]any, key string) map[string]any {
	if m == nil {
		return nil
	}
	v, _ := m[key].(map[string]any)
	return v
}

// deleteKeys removes keys from the object m[field], and m[field] itself when that empties it.
func deleteKeys(m map[string]any, field string, keys ...string) {
	inner := mapAt(m, field)
	if inner == nil {
		return
	}
	for _, k := range keys {
		delete(inner, k)
	}
	removeIfEmpty(m, field)
}

// removeIfEmpty removes m[field] when it is an empty object.
func removeIfEmpty(m map[string]any, field string) {
	if inner, ok := m[field].(map[string]any); ok && len(inner) == 0 {
		delete(m, field)
	}
}
