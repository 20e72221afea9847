package join

import (
	"context"
	"fmt"
	"io"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
)

// namespaceGoneTimeout bounds the wait for a namespace that is still being deleted, typically
// by an unjoin or a rolled-back join moments before.
const namespaceGoneTimeout = 90 * time.Second

// progress prints one line per step for the person running the command.
type progress struct{ w io.Writer }

func (p progress) printf(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// objectAPI is the part of a client-go typed client apply and delete use; kubeFedClusters
// provides it for KubeFedClusters.
type objectAPI[T metav1.Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// object says which object apply writes and how.
type object[T metav1.Object] struct {
	kind string
	api  objectAPI[T]
	// build returns a new object with its name and namespace set.
	build func() T
	// mutate sets what join decides on a new or an existing object; labels are set by apply.
	mutate func(T)
}

// describe is how progress lines and errors name an object: "Kind namespace/name".
func describe(kind string, obj metav1.Object) string {
	if obj.GetNamespace() == "" {
		return kind + " " + obj.GetName()
	}
	return kind + " " + obj.GetNamespace() + "/" + obj.GetName()
}

// apply creates the object and records how to delete it again, or updates it in place if a
// previous join of the same member created it. Anything else already under that name belongs to
// someone else and is an error, as is any existing object with --error-on-existing.
func apply[T metav1.Object](ctx context.Context, r *joinRun, c *conn, o object[T]) (T, error) {
	desired := o.build()
	what := describe(o.kind, desired)
	existing, err := o.api.Get(ctx, desired.GetName(), metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		o.mutate(desired)
		desired.SetLabels(withLabels(desired.GetLabels(), r.names.labels()))
		created, err := o.api.Create(ctx, desired, metav1.CreateOptions{})
		if err != nil {
			return created, fmt.Errorf("creating %s: %w", what, err)
		}
		r.undo.push(c.side, what, func(ctx context.Context) error { return deleteObject(ctx, o.api, desired.GetName()) })
		c.printf(r.progress, "%s created", what)
		return created, nil
	case err != nil:
		return existing, fmt.Errorf("reading %s: %w", what, err)
	case r.opts.ErrorOnExisting:
		return existing, fmt.Errorf("%s already exists in the %s (--error-on-existing)", what, c.side)
	case !r.names.ours(existing.GetLabels()):
		return existing, fmt.Errorf("%s already exists in the %s and was not created by meridianctl for member %q (labels %s=%s, %s=%s); "+
			"meridianctl never changes objects it did not create: delete or rename it first", what, c.side, r.names.cluster,
			LabelManagedBy, ManagedBy, LabelCluster, r.names.cluster)
	}
	updated, err := update(ctx, o, existing, r.names.labels())
	if err != nil {
		return updated, fmt.Errorf("updating %s: %w", what, err)
	}
	c.printf(r.progress, "%s updated", what)
	return updated, nil
}

// update writes o's fields into existing. A controller may write the object meanwhile (the
// cluster controller updates a KubeFedCluster's status every probe), so a conflict reads the
// object again and retries.
func update[T metav1.Object](ctx context.Context, o object[T], existing T, labels map[string]string) (T, error) {
	var updated T
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		o.mutate(existing)
		existing.SetLabels(withLabels(existing.GetLabels(), labels))
		var err error
		if updated, err = o.api.Update(ctx, existing, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
			return err
		}
		if fresh, getErr := o.api.Get(ctx, existing.GetName(), metav1.GetOptions{}); getErr == nil {
			existing = fresh
		}
		return err
	})
	return updated, err
}

func withLabels(labels, add map[string]string) map[string]string {
	out := maps.Clone(labels)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, add)
	return out
}

// deleteObject deletes by name; an object that is already gone is fine.
func deleteObject[T metav1.Object](ctx context.Context, api objectAPI[T], name string) error {
	policy := metav1.DeletePropagationBackground
	err := api.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// ensureNamespace uses the namespace if it exists, or creates it labelled as ours, so unjoin
// knows it may delete it again. A namespace still being deleted is waited for and created anew:
// nothing can be created in it.
func ensureNamespace(ctx context.Context, r *joinRun, c *conn) error {
	api := c.kube.CoreV1().Namespaces()
	name := r.names.namespace
	ns, err := api.Get(ctx, name, metav1.GetOptions{})
	if err == nil && ns.DeletionTimestamp != nil {
		c.printf(r.progress, "Namespace %s is being deleted, waiting until it is gone", name)
		err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, namespaceGoneTimeout, true, func(ctx context.Context) (bool, error) {
			_, err := api.Get(ctx, name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		})
		if err != nil {
			return fmt.Errorf("waiting for the deletion of Namespace %s to finish: %w", name, err)
		}
		err = apierrors.NewNotFound(corev1.Resource("namespaces"), name)
	}
	if err == nil {
		c.printf(r.progress, "Namespace %s exists, using it", name)
		return nil
	}
	if !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading Namespace %s: %w", name, err)
	}
	ns = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: r.names.labels()}}
	if _, err := api.Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating Namespace %s: %w", name, err)
	}
	r.undo.push(c.side, "Namespace "+name, func(ctx context.Context) error { return deleteObject(ctx, api, name) })
	c.printf(r.progress, "Namespace %s created", name)
	return nil
}
