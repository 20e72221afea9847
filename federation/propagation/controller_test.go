package propagation

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/event"
)

func TestMemberSpecChanged(t *testing.T) {
	obj := func(generation int64, labels map[string]string, replicas int64) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"readyReplicas": replicas}}}
		u.SetGeneration(generation)
		u.SetLabels(labels)
		return u
	}
	managed := map[string]string{ManagedLabel: "true"}
	tests := []struct {
		name     string
		old, new *unstructured.Unstructured
		want     bool
	}{
		{"status only: no reconcile", obj(2, managed, 0), obj(2, managed, 1), false},
		{"spec changed (new generation)", obj(2, managed, 1), obj(3, managed, 1), true},
		{"the managed label removed", obj(2, managed, 1), obj(2, nil, 1), true},
		{"a kind without generation", obj(0, managed, 0), obj(0, managed, 0), true},
	}
	for _, tt := range tests {
		if got := (memberSpecChanged{}).Update(event.UpdateEvent{ObjectOld: tt.old, ObjectNew: tt.new}); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if !(memberSpecChanged{}).Delete(event.DeleteEvent{Object: obj(1, managed, 0)}) {
		t.Error("a deleted member object must bring its federated object back to reconcile")
	}
}
