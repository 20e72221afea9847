package registry

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/meridian-dns/meridian/providers"
)

// memory is a backend that stores record sets as given, like Route 53 or Cloud DNS: no owner.
type memory struct {
	sets    []providers.Record
	applied []providers.Changes
}

func (m *memory) Records(context.Context) ([]providers.Record, error) {
	return slices.Clone(m.sets), nil
}

func (m *memory) ApplyChanges(_ context.Context, c providers.Changes) error {
	m.applied = append(m.applied, c)
	for _, d := range c.Delete {
		m.remove(d)
	}
	for _, u := range c.Update {
		m.remove(u.Old)
		m.sets = append(m.sets, u.New)
	}
	m.sets = append(m.sets, c.Create...)
	return nil
}

func (m *memory) remove(r providers.Record) {
	m.sets = slices.DeleteFunc(m.sets, func(x providers.Record) bool { return x.Equal(&r) })
}

func txtSet(name, value string) providers.Record {
	return providers.Record{Name: name, Type: providers.TypeTXT, TTL: 300, Targets: []string{value}}
}

func aSet(name, setID string, targets ...string) providers.Record {
	return providers.Record{Name: name, Type: providers.TypeA, SetIdentifier: setID, TTL: 60, Targets: targets}
}

func TestTXTReadsOwnersInBothFormats(t *testing.T) {
	backend := &memory{sets: []providers.Record{
		aSet("new.example.com", "", "192.0.2.1"),
		txtSet("a-new.example.com", `"heritage=external-dns,external-dns/owner=default,external-dns/resource=ingress/a/b"`),
		aSet("old.example.com", "", "192.0.2.2"),
		txtSet("old.example.com", "heritage=external-dns,external-dns/owner=legacy"),
		aSet("mine.example.com", "earth", "192.0.2.3"),
		{Name: "a-mine.example.com", Type: providers.TypeTXT, SetIdentifier: "earth", TTL: 60,
			Targets: []string{"heritage=external-dns,external-dns/owner=meridian,external-dns/resource=dnsendpoint/shop/web"}},
		aSet("nobody.example.com", "", "192.0.2.4"),
		txtSet("spf.example.com", "v=spf1 -all"),
	}}
	got, err := NewTXT(backend).Records(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string][2]string{}
	for _, r := range got {
		owners[r.Type+" "+r.Name] = [2]string{r.Owner, r.Resource}
	}
	want := map[string][2]string{
		"A new.example.com":    {"default", "ingress/a/b"},
		"A old.example.com":    {"legacy", ""},
		"A mine.example.com":   {"meridian", "dnsendpoint/shop/web"},
		"A nobody.example.com": {"", ""},
		"TXT spf.example.com":  {"", ""},
	}
	if !reflect.DeepEqual(owners, want) {
		t.Fatalf("owners = %v, want %v (companions must be hidden)", owners, want)
	}
}

func TestTXTWritesAndRemovesCompanionsWithTheirSets(t *testing.T) {
	ctx := context.Background()
	backend := &memory{}
	reg := New(NewTXT(backend), "meridian")
	if _, err := reg.Records(ctx); err != nil {
		t.Fatal(err)
	}
	weight := int64(3)
	set := aSet("web.example.com", "earth", "192.0.2.1")
	set.Routing, set.Weight, set.Resource = providers.RoutingWeighted, &weight, "dnsendpoint/shop/web"
	if err := reg.ApplyChanges(ctx, providers.Changes{Create: []providers.Record{set}}); err != nil {
		t.Fatal(err)
	}
	comp := providers.Record{Name: "a-web.example.com", Type: providers.TypeTXT, SetIdentifier: "earth", TTL: 60,
		Targets: []string{"heritage=external-dns,external-dns/owner=meridian,external-dns/resource=dnsendpoint/shop/web"},
		Routing: providers.RoutingWeighted, Weight: &weight}
	if got := backend.applied[0].Create; len(got) != 2 || !got[1].Equal(&comp) {
		t.Fatalf("created %+v, want the set and its companion %+v", got, comp)
	}

	// A fresh instance reads the owner back, updates without touching the companion, deletes both.
	reg = New(NewTXT(backend), "meridian")
	sets, err := reg.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 || sets[0].Owner != "meridian" {
		t.Fatalf("read back %+v", sets)
	}
	moved := sets[0]
	moved.Targets = []string{"192.0.2.9"}
	if err := reg.ApplyChanges(ctx, providers.Changes{Update: []providers.Update{{Old: sets[0], New: moved}}}); err != nil {
		t.Fatal(err)
	}
	if last := backend.applied[len(backend.applied)-1]; len(last.Update) != 1 || len(last.Create)+len(last.Delete) != 0 {
		t.Fatalf("a target change rewrote the companion: %+v", last)
	}
	if err := reg.ApplyChanges(ctx, providers.Changes{Delete: []providers.Record{moved}}); err != nil {
		t.Fatal(err)
	}
	if len(backend.sets) != 0 {
		t.Fatalf("left behind: %+v", backend.sets)
	}
}

func TestTXTNeverTouchesForeignSets(t *testing.T) {
	ctx := context.Background()
	foreign := aSet("shared.example.com", "", "198.51.100.1")
	backend := &memory{sets: []providers.Record{foreign,
		txtSet("a-shared.example.com", "heritage=external-dns,external-dns/owner=default")}}
	reg := New(NewTXT(backend), "meridian")
	sets, err := reg.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.ApplyChanges(ctx, providers.Changes{Delete: sets}); err == nil {
		t.Fatal("deleting external-dns's set was accepted")
	}
	if len(backend.applied) != 0 {
		t.Fatalf("the backend saw %+v", backend.applied)
	}
}

func TestCompanionNames(t *testing.T) {
	for _, tc := range []struct{ typ, name, want string }{
		{"A", "www.example.com", "a-www.example.com"},
		{"AAAA", "www.example.com", "aaaa-www.example.com"},
		{"CNAME", "*.apps.example.com", "*.cname-apps.example.com"},
	} {
		got := companionName(tc.typ, tc.name)
		if got != tc.want {
			t.Errorf("companionName(%s, %s) = %s, want %s", tc.typ, tc.name, got, tc.want)
		}
		typ, name, ok := describedSet(got)
		if !ok || typ != tc.typ || name != tc.name {
			t.Errorf("describedSet(%s) = %s %s %v", got, typ, name, ok)
		}
	}
	if _, _, ok := describedSet("www.example.com"); ok {
		t.Error("a plain name read as a companion")
	}
}
