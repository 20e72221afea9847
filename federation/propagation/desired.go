package propagation

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ManagedLabel marks member objects Meridian propagated (KubeFed's label, so both tools agree).
const ManagedLabel = "kubefed.io/managed"

// ErrNotManaged means the member already has an object of that name that Meridian did not
// create, and adoption is off: it is left alone and the status says why.
var ErrNotManaged = errors.New("an object of this name already exists in the cluster and is not managed by Meridian (adoption is disabled in KubeFedConfig spec.syncController.adoptResources)")

// Input is everything the decision for one federated object in one member cluster depends on.
type Input struct {
	// Target is the member kind, e.g. apps/v1 Deployment.
	Target schema.GroupVersionKind
	// Name and Namespace of the federated object, which the member object takes.
	Name, Namespace string
	// Template is spec.template of the federated object.
	Template map[string]any
	// Placed says the placement (and, for namespaced kinds, the FederatedNamespace's placement)
	// picks this cluster.
	Placed bool
	// Overrides for this cluster, in order.
	Overrides []Override
	// Replicas, when set, is what the replica scheduler assigned to this cluster; overrides
	// still apply after it.
	Replicas *int64
	// Live is the member's current object, nil when there is none.
	Live *unstructured.Unstructured
	// Adopt allows taking over an existing object that lacks the managed label.
	Adopt bool
}

// Decision is what the member should hold: Object (create or update), or Delete the live
// object, or neither (nothing to do).
type Decision struct {
	Object *unstructured.Unstructured
	Delete bool
}

// Decide computes the member object for one cluster. Errors name the field at fault.
//
// The object holds only what the federated object says. It is sent with server-side apply, so
// fields the member sets itself (a Service's clusterIP, clusterIPs and healthCheckNodePort, a
// ServiceAccount's secrets, every resourceVersion) are never sent and stay the member's — which
// is what KubeFed achieved by copying them from the live object before each update.
func Decide(in Input) (Decision, error) {
	managed := in.Live != nil && in.Live.GetLabels()[ManagedLabel] == "true"
	if !in.Placed {
		// Only what Meridian manages is removed; an unmanaged object of the same name is the user's.
		return Decision{Delete: managed}, nil
	}
	if in.Live != nil && !managed && !in.Adopt {
		return Decision{}, ErrNotManaged
	}
	obj, err := fromTemplate(in)
	if err != nil {
		return Decision{}, err
	}
	setIdentity(obj, in) // overrides may add below metadata, as users write them against the member object
	if in.Replicas != nil {
		if err := unstructured.SetNestedField(obj.Object, *in.Replicas, "spec", "replicas"); err != nil {
			return Decision{}, fmt.Errorf("spec.replicas: %w", err)
		}
	}
	if err := applyOverrides(obj.Object, in.Overrides); err != nil {
		return Decision{}, overrideError{err}
	}
	// Set again after overrides, so no override can change identity or the managed label.
	setIdentity(obj, in)
	return Decision{Object: obj}, nil
}

// fromTemplate copies the template and checks it describes the target kind.
func fromTemplate(in Input) (*unstructured.Unstructured, error) {
	obj := &unstructured.Unstructured{Object: map[string]any{}}
	if in.Template != nil {
		obj.Object = copyJSON(in.Template).(map[string]any)
	}
	if k := obj.GetKind(); k != "" && k != in.Target.Kind {
		return nil, fmt.Errorf("spec.template.kind: %q, but this federated type propagates %s", k, in.Target.Kind)
	}
	if v := obj.GetAPIVersion(); v != "" && v != in.Target.GroupVersion().String() {
		return nil, fmt.Errorf("spec.template.apiVersion: %q, but this federated type propagates %s", v, in.Target.GroupVersion())
	}
	return obj, nil
}

func setIdentity(obj *unstructured.Unstructured, in Input) {
	obj.SetGroupVersionKind(in.Target)
	obj.SetName(in.Name)
	obj.SetNamespace(in.Namespace)
	labels := obj.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels[ManagedLabel] = "true"
	obj.SetLabels(labels)
}

// overrideError marks a failure to apply overrides, reported as ApplyOverridesFailed.
type overrideError struct{ error }

func (e overrideError) Unwrap() error { return e.error }

func isOverrideError(err error) bool {
	var o overrideError
	return errors.As(err, &o)
}
