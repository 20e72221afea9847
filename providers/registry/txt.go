package registry

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/meridian-dns/meridian/providers"
)

// TXT keeps the owner of each set in a companion TXT record, in external-dns's TXT registry
// format, for backends that store nothing but the records themselves (Route 53, Cloud DNS). The
// set A www.example.com owned by "meridian" for resource R has the companion
//
//	TXT a-www.example.com  "heritage=external-dns,external-dns/owner=meridian,external-dns/resource=R"
//
// with the set's TTL, set identifier and routing, as external-dns's "new format" writes it. So
// external-dns and Meridian sharing a zone each see the other's sets as foreign and leave them
// alone. Companions in external-dns's old format (a TXT at the set's own name) are read, never
// written. Records hides every companion; ApplyChanges writes and removes them with their sets.
//
// Wrap it in a Registry, which checks and stamps the owner: registry.New(NewTXT(p), owner).
type TXT struct {
	provider providers.Provider

	mu sync.Mutex
	// companions are the companion records as last read or written, by the key of the set they
	// describe, so that they can be replaced and deleted exactly as the backend holds them.
	companions map[providers.Key]providers.Record
}

var _ providers.Provider = (*TXT)(nil)

// NewTXT wraps p.
func NewTXT(p providers.Provider) *TXT {
	return &TXT{provider: p, companions: map[providers.Key]providers.Record{}}
}

const (
	heritage      = "heritage=external-dns"
	ownerLabel    = "external-dns/owner"
	resourceLabel = "external-dns/resource"
)

// companionName is external-dns's new-format TXT name for a set of recordType at name.
func companionName(recordType, name string) string {
	prefix := strings.ToLower(recordType) + "-"
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		return "*." + prefix + rest
	}
	return prefix + name
}

// parseHeritage reads an external-dns ownership value; ok is false for any other text.
func parseHeritage(value string) (labels map[string]string, ok bool) {
	value = strings.Trim(value, `"`)
	parts := strings.Split(value, ",")
	if len(parts) == 0 || parts[0] != heritage {
		return nil, false
	}
	labels = map[string]string{}
	for _, p := range parts[1:] {
		k, v, found := strings.Cut(p, "=")
		if !found {
			return nil, false
		}
		labels[k] = v
	}
	return labels, true
}

// formatHeritage writes owner and resource as external-dns does: heritage first, then the
// labels sorted by key.
func formatHeritage(owner, resource string) string {
	labels := map[string]string{ownerLabel: owner}
	if resource != "" {
		labels[resourceLabel] = resource
	}
	var b strings.Builder
	b.WriteString(heritage)
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		b.WriteString("," + k + "=" + labels[k])
	}
	return b.String()
}

// companion is the TXT record that says who owns r.
func companion(r providers.Record) providers.Record {
	return providers.Record{
		Name: companionName(r.Type, r.Name), Type: providers.TypeTXT, SetIdentifier: r.SetIdentifier, TTL: r.TTL,
		Targets: []string{formatHeritage(r.Owner, r.Resource)},
		Cluster: r.Cluster, Region: r.Region, Routing: r.Routing, Weight: r.Weight, FailoverPriority: r.FailoverPriority,
	}
}

// Canonical is the wrapped provider's.
func (t *TXT) Canonical(desired []providers.Record) []providers.Record {
	return providers.Canonical(t.provider, desired)
}

// Records returns the backend's sets without the companions, each with the owner and resource
// its companion names (none for sets without one).
func (t *TXT) Records(ctx context.Context) ([]providers.Record, error) {
	raw, err := t.provider.Records(ctx)
	if err != nil {
		return nil, err
	}
	newFormat := map[providers.Key]providers.Record{}
	oldFormat := map[[2]string]providers.Record{} // (name, set identifier) → companion
	var sets []providers.Record
	for _, r := range raw {
		if r.Type != providers.TypeTXT || len(r.Targets) != 1 {
			sets = append(sets, r)
			continue
		}
		if _, ok := parseHeritage(r.Targets[0]); !ok {
			sets = append(sets, r)
			continue
		}
		if typ, name, ok := describedSet(r.Name); ok {
			newFormat[providers.Key{Name: name, Type: typ, SetIdentifier: r.SetIdentifier}] = r
		}
		oldFormat[[2]string{r.Name, r.SetIdentifier}] = r
	}
	for i := range sets {
		c, ok := newFormat[sets[i].Key()]
		if !ok {
			c, ok = oldFormat[[2]string{sets[i].Name, sets[i].SetIdentifier}]
		}
		if ok {
			labels, _ := parseHeritage(c.Targets[0])
			sets[i].Owner, sets[i].Resource = labels[ownerLabel], labels[resourceLabel]
		}
	}
	t.mu.Lock()
	t.companions = newFormat
	t.mu.Unlock()
	return sets, nil
}

// describedSet splits a new-format companion name into the type and name of its set.
func describedSet(companionName string) (recordType, name string, ok bool) {
	wildcard := strings.HasPrefix(companionName, "*.")
	rest := strings.TrimPrefix(companionName, "*.")
	typ, name, found := strings.Cut(rest, "-")
	if !found || typ == "" || typ != strings.ToLower(typ) || strings.Contains(typ, ".") {
		return "", "", false
	}
	if wildcard {
		name = "*." + name
	}
	return strings.ToUpper(typ), name, true
}

// ApplyChanges applies the changes with their companions in the same call, so the backend's
// atomic batch (a Route 53 change batch, a Cloud DNS change) covers both.
func (t *TXT) ApplyChanges(ctx context.Context, changes providers.Changes) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := providers.Changes{Create: slices.Clone(changes.Create), Update: slices.Clone(changes.Update),
		Delete: slices.Clone(changes.Delete)}
	next := maps.Clone(t.companions)
	for _, r := range changes.Create {
		t.setCompanion(&out, next, r)
	}
	for _, u := range changes.Update {
		t.setCompanion(&out, next, u.New)
	}
	for _, r := range changes.Delete {
		if old, ok := next[r.Key()]; ok {
			out.Delete = append(out.Delete, old)
			delete(next, r.Key())
		}
	}
	if err := t.provider.ApplyChanges(ctx, out); err != nil {
		return err
	}
	t.companions = next
	return nil
}

// setCompanion adds the change that makes r's companion say what r says, if it does not yet.
func (t *TXT) setCompanion(out *providers.Changes, next map[providers.Key]providers.Record, r providers.Record) {
	want := companion(r)
	old, ok := next[r.Key()]
	switch {
	case !ok:
		out.Create = append(out.Create, want)
	case !old.Equal(&want):
		out.Update = append(out.Update, providers.Update{Old: old, New: want})
	default:
		return
	}
	next[r.Key()] = want
}
