package propagation

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Override is one spec.overrides[].clusterOverrides[] entry: a JSON-patch operation limited, as
// in KubeFed, to add, replace (the default) and remove.
type Override struct {
	Op    string
	Path  string
	Value any
	// Field locates the operation in the federated object for error messages, for example
	// spec.overrides[0].clusterOverrides[1]; empty in tests that build overrides by hand.
	Field string
}

// Override operations.
const (
	OpAdd     = "add"
	OpReplace = "replace"
	OpRemove  = "remove"
)

// protectedPaths are fields an override must not change: they decide which object it is, and
// Meridian's bookkeeping.
var protectedPaths = []string{"/apiVersion", "/kind", "/metadata/name", "/metadata/namespace", "/metadata/generateName",
	"/metadata/resourceVersion", "/metadata/uid", "/metadata/labels/kubefed.io~1managed"}

// OverridesFor reads the overrides for one cluster from a federated object.
func OverridesFor(fed *unstructured.Unstructured, cluster string) ([]Override, error) {
	list, _, err := unstructured.NestedSlice(fed.Object, "spec", "overrides")
	if err != nil {
		return nil, fmt.Errorf("spec.overrides: %w", err)
	}
	var out []Override
	for i, item := range list {
		entry, _ := item.(map[string]any)
		if name, _ := entry["clusterName"].(string); name != cluster {
			continue
		}
		ops, _ := entry["clusterOverrides"].([]any)
		for j, raw := range ops {
			op, _ := raw.(map[string]any)
			o := Override{Value: op["value"], Field: fmt.Sprintf("spec.overrides[%d].clusterOverrides[%d]", i, j)}
			o.Op, _ = op["op"].(string)
			o.Path, _ = op["path"].(string)
			if o.Op == "" {
				o.Op = OpReplace
			}
			if err := o.validate(); err != nil {
				return nil, fmt.Errorf("spec.overrides[%d].clusterOverrides[%d]: %w", i, j, err)
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func (o Override) validate() error {
	switch o.Op {
	case OpAdd, OpReplace, OpRemove:
	default:
		return fmt.Errorf("op %q: must be add, replace or remove", o.Op)
	}
	if !strings.HasPrefix(o.Path, "/") || o.Path == "/" {
		return fmt.Errorf("path %q: must be a JSON pointer such as /spec/replicas", o.Path)
	}
	if !validEscapes(o.Path) {
		return fmt.Errorf("path %q: a JSON pointer escapes only ~0 (~) and ~1 (/)", o.Path)
	}
	for _, p := range protectedPaths {
		if o.Path == p || strings.HasPrefix(p, o.Path+"/") {
			return fmt.Errorf("path %q: overrides cannot change %s", o.Path, p)
		}
	}
	return nil
}

// validEscapes reports whether every "~" of a JSON pointer starts ~0 or ~1 (RFC 6901).
func validEscapes(path string) bool {
	for i := 0; i < len(path); i++ {
		if path[i] == '~' && (i+1 == len(path) || (path[i+1] != '0' && path[i+1] != '1')) {
			return false
		}
	}
	return true
}

// applyOverrides applies ops in order to obj (a JSON-like map). replace and remove need the
// path to exist; add creates the last element (and appends with "-" in lists), not parents.
func applyOverrides(obj map[string]any, ops []Override) error {
	for _, o := range ops {
		if err := o.validate(); err != nil {
			return err
		}
		if err := apply(obj, o); err != nil {
			where := o.Field
			if where == "" {
				where = "spec.overrides"
			}
			return fmt.Errorf("%s: %s %s: %w", where, o.Op, o.Path, err)
		}
	}
	return nil
}

func apply(obj map[string]any, o Override) error {
	tokens := pointerTokens(o.Path)
	parentPath, last := tokens[:len(tokens)-1], tokens[len(tokens)-1]
	var parent any = obj
	for i, t := range parentPath {
		next, err := child(parent, t)
		if err != nil {
			return fmt.Errorf("no field at /%s", strings.Join(tokens[:i+1], "/"))
		}
		parent = next
	}
	switch p := parent.(type) {
	case map[string]any:
		_, exists := p[last]
		if !exists && o.Op != OpAdd {
			return fmt.Errorf("no field at %s", o.Path)
		}
		if o.Op == OpRemove {
			delete(p, last)
		} else {
			p[last] = copyJSON(o.Value)
		}
		return nil
	case []any:
		return applyToList(obj, parentPath, p, last, o)
	default:
		return fmt.Errorf("the parent of %s is not an object or a list", o.Path)
	}
}

// applyToList changes a list element; the list is replaced in its parent since it may grow or shrink.
func applyToList(root map[string]any, parentPath []string, list []any, last string, o Override) error {
	var idx int
	if last == "-" && o.Op == OpAdd {
		idx = len(list)
	} else {
		n, err := strconv.Atoi(last)
		if err != nil || n < 0 || n > len(list) || (n == len(list) && o.Op != OpAdd) {
			return fmt.Errorf("index %q is out of range for a list of %d", last, len(list))
		}
		idx = n
	}
	switch o.Op {
	case OpAdd:
		list = append(list[:idx], append([]any{copyJSON(o.Value)}, list[idx:]...)...)
	case OpReplace:
		list[idx] = copyJSON(o.Value)
	case OpRemove:
		list = append(list[:idx], list[idx+1:]...)
	}
	return setAt(root, parentPath, list)
}

func setAt(root map[string]any, path []string, value any) error {
	var cur any = root
	for _, t := range path[:len(path)-1] {
		cur, _ = child(cur, t)
	}
	switch p := cur.(type) {
	case map[string]any:
		p[path[len(path)-1]] = value
	case []any:
		i, _ := strconv.Atoi(path[len(path)-1])
		p[i] = value
	}
	return nil
}

func child(parent any, token string) (any, error) {
	switch p := parent.(type) {
	case map[string]any:
		v, ok := p[token]
		if !ok {
			return nil, fmt.Errorf("missing %q", token)
		}
		return v, nil
	case []any:
		i, err := strconv.Atoi(token)
		if err != nil || i < 0 || i >= len(p) {
			return nil, fmt.Errorf("bad index %q", token)
		}
		return p[i], nil
	}
	return nil, fmt.Errorf("not a container")
}

// pointerTokens splits a JSON pointer and unescapes ~1 and ~0.
func pointerTokens(path string) []string {
	tokens := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, t := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens
}
