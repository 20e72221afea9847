package propagation

import "k8s.io/apimachinery/pkg/runtime"

// runtimeConverter turns unstructured maps into typed values at the package's edge.
var runtimeConverter = runtime.DefaultUnstructuredConverter

// copyJSON copies a JSON-like value (maps, slices, scalars). Unlike runtime.DeepCopyJSONValue it
// accepts every scalar type a decoder may produce, such as int.
func copyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = copyJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyJSON(e)
		}
		return out
	}
	return v
}
