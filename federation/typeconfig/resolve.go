package typeconfig

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Resource is one resource type a cluster serves, as discovery describes it.
type Resource struct {
	Group, Version string
	Kind           string
	// Plural is the resource name, for example "deployments"; Singular "deployment".
	Plural, Singular string
	ShortNames       []string
	Namespaced       bool
	Verbs            []string
	// Preferred says Version is the group's preferred version; VersionRank orders the group's
	// versions, 0 first, for resources the preferred version does not serve.
	Preferred   bool
	VersionRank int
}

// Name is how users and FederatedTypeConfigs name the type: "plural.group", or just "plural"
// for the core group.
func (r Resource) Name() string {
	if r.Group == "" {
		return r.Plural
	}
	return r.Plural + "." + r.Group
}

// describe says what a name resolved to, for error messages: "deployments.apps (apps/v1 Deployment)".
func (r Resource) describe() string {
	gv := r.Version
	if r.Group != "" {
		gv = r.Group + "/" + r.Version
	}
	return fmt.Sprintf("%s (%s %s)", r.Name(), gv, r.Kind)
}

// query is one way of reading a TYPE argument: a name and, when qualified, a group and version.
type query struct {
	name, group, version string
	anyGroup             bool
}

// parseType reads TYPE the ways kubectl does: "name", "name.group" and "name.version.group",
// where name is a kind, plural, singular or short name. "deployments.v1.apps" is read both as
// version v1 of group apps and as group "v1.apps"; only the first matches anything.
func parseType(arg string) []query {
	arg = strings.ToLower(strings.TrimSpace(arg))
	name, rest, qualified := strings.Cut(arg, ".")
	if !qualified {
		return []query{{name: name, anyGroup: true}}
	}
	qs := []query{{name: name, group: rest}}
	if version, group, ok := strings.Cut(rest, "."); ok && looksLikeVersion(version) {
		qs = append(qs, query{name: name, group: group, version: version})
	}
	return qs
}

// looksLikeVersion matches Kubernetes API versions: v1, v1beta1, v2alpha3.
func looksLikeVersion(s string) bool {
	return len(s) >= 2 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9'
}

// Match strengths: a kind, plural or singular name beats a short name, so a CRD whose short
// name happens to be another type's plural does not make that plural ambiguous.
const (
	noMatch = iota
	shortNameMatch
	nameMatch
)

func (q query) strength(r Resource) int {
	if !q.anyGroup && q.group != strings.ToLower(r.Group) {
		return noMatch
	}
	if q.version != "" && q.version != r.Version {
		return noMatch
	}
	switch {
	case q.name == strings.ToLower(r.Kind), q.name == r.Plural, q.name == r.Singular:
		return nameMatch
	case slices.Contains(r.ShortNames, q.name):
		return shortNameMatch
	}
	return noMatch
}

// Resolve finds the type TYPE names among resources, as kubectl would: by kind, plural,
// singular or short name, optionally qualified by group or version and group. Unknown names
// get suggestions; names that match several types list them all, since picking one could
// federate the wrong kind.
func Resolve(arg string, resources []Resource) (Resource, error) {
	best, matches := noMatch, []Resource(nil)
	for _, q := range parseType(arg) {
		for _, r := range resources {
			switch s := q.strength(r); {
			case s > best:
				best, matches = s, []Resource{r}
			case s == best && s != noMatch:
				matches = append(matches, r)
			}
		}
	}
	if len(matches) == 0 {
		return Resource{}, unknownType(arg, resources)
	}
	byName := map[string][]Resource{}
	for _, m := range matches {
		byName[m.Name()] = append(byName[m.Name()], m)
	}
	if len(byName) > 1 {
		return Resource{}, ambiguousType(arg, byName)
	}
	versions := matches
	sort.SliceStable(versions, func(i, j int) bool { return rank(versions[i]) < rank(versions[j]) })
	return versions[0], nil
}

// rank orders the versions of one type: the group's preferred version first.
func rank(r Resource) int {
	if r.Preferred {
		return -1
	}
	return r.VersionRank
}

func ambiguousType(arg string, byName map[string][]Resource) error {
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	described := make([]string, len(names))
	for i, name := range names {
		described[i] = byName[name][0].describe()
	}
	return fmt.Errorf("type %q is ambiguous: it names %s; give the full name, for example %s",
		arg, strings.Join(described, ", "), names[0])
}

// unknownType suggests the types whose names are closest to arg: the same name in another
// group, a prefix either way, or a typo of one or two letters.
func unknownType(arg string, resources []Resource) error {
	name, _, _ := strings.Cut(strings.ToLower(arg), ".")
	best, near := -1, []string(nil)
	for _, r := range resources {
		d := -1
		for _, candidate := range append([]string{strings.ToLower(r.Kind), r.Plural, r.Singular}, r.ShortNames...) {
			if c := nameDistance(name, candidate); c >= 0 && (d < 0 || c < d) {
				d = c
			}
		}
		switch {
		case d < 0 || (best >= 0 && d > best) || slices.Contains(near, r.Name()):
		case best < 0 || d < best:
			best, near = d, []string{r.Name()}
		default:
			near = append(near, r.Name())
		}
	}
	sort.Strings(near)
	msg := fmt.Sprintf("the host serves no resource type %q", arg)
	if len(near) > 0 {
		if len(near) > 5 {
			near = near[:5]
		}
		msg += fmt.Sprintf("; did you mean %s?", strings.Join(near, ", "))
	}
	return fmt.Errorf("%s (kubectl api-resources lists the types it serves)", msg)
}

// nameDistance says how close a typed name is to a known one: 0 the same, 1 a prefix of at
// least three letters either way, else 1 + the number of edits between them if that is at most
// one (two for names longer than four letters); -1 not close.
func nameDistance(typed, known string) int {
	switch {
	case typed == known:
		return 0
	case len(typed) >= 3 && len(known) >= 3 && (strings.HasPrefix(known, typed) || strings.HasPrefix(typed, known)):
		return 1
	}
	edits := 1
	if len(typed) > 4 {
		edits = 2
	}
	if d := editDistance(typed, known); d <= edits {
		return 1 + d
	}
	return -1
}

// editDistance is the Levenshtein distance between two short names.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
