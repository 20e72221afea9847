package etcd

import (
	"errors"
	"testing"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
	"github.com/meridian-dns/meridian/providers/registry"
)

// TestPlanAndRegistryOverEtcd runs the publish loop's sequence: list once, plan, apply through
// the registry, then apply a second plan computed from the first listing updated in memory (no
// re-list), next to data of external-dns that must end up as a conflict, not a change.
func TestPlanAndRegistryOverEtcd(t *testing.T) {
	ctx := needEtcd(t)
	p := newProvider(t, Config{})
	seedForeign(t, p.prefix) // www.example.test holds records of others
	reg := registry.New(p, owner)
	current, err := reg.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	desired := []providers.Record{
		{Name: "www.example.test", Type: "A", TTL: 60, Targets: []string{"192.0.2.1"}},
		{Name: "shop.example.test", Type: "A", TTL: 60, Targets: []string{"192.0.2.2"}},
	}
	first, err := plan.Calculate(current, desired, owner, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Conflicts) != 1 || first.Conflicts[0].Key.Name != "www.example.test" || !errors.Is(first.Conflicts[0].Reason, plan.ErrForeign) {
		t.Fatalf("conflicts %v, want www.example.test held by others", first.Conflicts)
	}
	if err := reg.ApplyChanges(ctx, first.Changes); err != nil {
		t.Fatal(err)
	}

	// The caller's cache: what it read plus what it created.
	current = append(current, first.Changes.Create...)
	desired[1].Targets = []string{"192.0.2.3"}
	second, err := plan.Calculate(current, desired, owner, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Changes.Update) != 1 {
		t.Fatalf("second plan %+v, want one update", second.Changes)
	}
	if err := reg.ApplyChanges(ctx, second.Changes); err != nil {
		t.Fatalf("incremental change without a re-list: %v", err)
	}
	got := mustRecords(t, ctx, p)
	again, err := plan.Calculate(got, desired, owner, res)
	if err != nil || !again.Changes.Empty() {
		t.Errorf("after applying, a fresh plan still changes %+v (%v)", again.Changes, err)
	}

	// A foreign set, even planned by mistake, never reaches etcd.
	var foreign providers.Record
	for _, r := range got {
		if r.Owner == "" && r.Name == "www.example.test" {
			foreign = r
		}
	}
	if err := reg.ApplyChanges(ctx, providers.Changes{Delete: []providers.Record{foreign}}); !errors.Is(err, registry.ErrNotOwned) {
		t.Errorf("deleting a foreign set: %v, want ErrNotOwned", err)
	}
}
