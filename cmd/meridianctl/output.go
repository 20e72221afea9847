package main

import (
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// printYAML writes objects as a YAML stream that kubectl apply -f accepts, without the empty
// status and creationTimestamp of objects never stored.
func printYAML(w io.Writer, objs []runtime.Object) error {
	for i, obj := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return fmt.Errorf("encoding %T: %w", obj, err)
		}
		delete(m, "status")
		unstructured.RemoveNestedField(m, "metadata", "creationTimestamp")
		data, err := yaml.Marshal(m)
		if err != nil {
			return fmt.Errorf("encoding %T: %w", obj, err)
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return nil
}
