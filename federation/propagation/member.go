package propagation

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// fieldOwner is Meridian's server-side-apply field manager in members: fields it sends are its
// own, fields the member sets (a Service's clusterIP) stay the member's.
const fieldOwner = "meridian"

// Per-cluster status reasons, KubeFed's where it had one.
const (
	StatusClusterNotReady    = "ClusterNotReady"
	StatusApplyFailed        = "CreationFailed"
	StatusDeletionFailed     = "DeletionFailed"
	StatusAlreadyExists      = "AlreadyExists"
	StatusInvalidTemplate    = "ComputeResourceFailed"
	StatusPlacementFailed    = "ComputePlacementFailed"
	StatusOverridesFailed    = "ApplyOverridesFailed"
	StatusNamespaceNotPlaced = "NamespaceNotFederated"
	StatusUnknownCluster     = "ClusterNotFound"
)

// syncMember brings one member's object to the decision. It returns the per-cluster status
// reason and error ("" and nil when in sync, or when there is nothing there to remove).
func syncMember(ctx context.Context, c client.Client, gvk schema.GroupVersionKind, in Input) (string, error) {
	live, err := getLive(ctx, c, gvk, in.Namespace, in.Name)
	if err != nil {
		return StatusApplyFailed, fmt.Errorf("reading the member object: %w", err)
	}
	in.Live = live
	d, err := Decide(in)
	switch {
	case errors.Is(err, ErrNotManaged):
		return StatusAlreadyExists, err
	case err != nil && isOverrideError(err):
		return StatusOverridesFailed, err
	case err != nil:
		return StatusInvalidTemplate, err
	case d.Delete:
		if err := c.Delete(ctx, live, client.PropagationPolicy("Background")); err != nil && !apierrors.IsNotFound(err) {
			return StatusDeletionFailed, fmt.Errorf("deleting: %w", err)
		}
		return "", nil
	case d.Object == nil:
		return "", nil
	}
	if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(d.Object), client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
		return StatusApplyFailed, fmt.Errorf("applying: %w", err)
	}
	return "", nil
}

// getLive reads the member's object from its cache; nil when there is none.
func getLive(ctx context.Context, c client.Reader, gvk schema.GroupVersionKind, namespace, name string) (*unstructured.Unstructured, error) {
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(gvk)
	err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, live)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return live, nil
}

// deleteManaged removes the member's object if Meridian manages it; done reports it is gone.
func deleteManaged(ctx context.Context, c client.Client, gvk schema.GroupVersionKind, namespace, name string) (done bool, err error) {
	live, err := getLive(ctx, c, gvk, namespace, name)
	if err != nil || live == nil {
		return err == nil, err
	}
	if live.GetLabels()[ManagedLabel] != "true" {
		return true, nil // not ours: never deleted
	}
	if live.GetDeletionTimestamp() == nil {
		if err := c.Delete(ctx, live, client.PropagationPolicy("Background")); err != nil && !apierrors.IsNotFound(err) {
			return false, err
		}
	}
	return false, nil // gone once the cache sees it go
}
