package join

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// conflictingAPI fails the first Update with a conflict, as when the cluster controller wrote the
// object's status between join's read and write.
type conflictingAPI struct {
	stored    *corev1.ConfigMap
	conflicts int
	updates   int
}

func (a *conflictingAPI) Get(context.Context, string, metav1.GetOptions) (*corev1.ConfigMap, error) {
	return a.stored.DeepCopy(), nil
}

func (a *conflictingAPI) Create(context.Context, *corev1.ConfigMap, metav1.CreateOptions) (*corev1.ConfigMap, error) {
	panic("not used")
}

func (a *conflictingAPI) Update(_ context.Context, obj *corev1.ConfigMap, _ metav1.UpdateOptions) (*corev1.ConfigMap, error) {
	a.updates++
	if a.conflicts > 0 {
		a.conflicts--
		a.stored.ResourceVersion += "1" // someone else wrote it
		return nil, apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, obj.Name, nil)
	}
	if obj.ResourceVersion != a.stored.ResourceVersion {
		return nil, apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, obj.Name, nil)
	}
	a.stored = obj.DeepCopy()
	return obj, nil
}

func (a *conflictingAPI) Delete(context.Context, string, metav1.DeleteOptions) error {
	panic("not used")
}

func TestUpdateRetriesOnConflict(t *testing.T) {
	api := &conflictingAPI{stored: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x", ResourceVersion: "1"}}, conflicts: 1}
	o := object[*corev1.ConfigMap]{kind: "ConfigMap", api: api,
		mutate: func(c *corev1.ConfigMap) { c.Data = map[string]string{"joined": "yes"} }}
	got, err := update(context.Background(), o, api.stored.DeepCopy(), map[string]string{"meridian.io/cluster": "mars"})
	if err != nil {
		t.Fatal(err)
	}
	if api.updates != 2 || got.Data["joined"] != "yes" || got.Labels["meridian.io/cluster"] != "mars" {
		t.Fatalf("after %d updates: %+v", api.updates, got)
	}
}
