package publish

import (
	"reflect"
	"testing"

	"github.com/meridian-dns/meridian/providers"
)

func set(name, setID, resource string, targets ...string) providers.Record {
	owner := ""
	if resource != "" {
		owner = "meridian"
	}
	return providers.Record{Name: name, Type: "A", SetIdentifier: setID, TTL: 60, Targets: targets, Owner: owner, Resource: resource}
}

func keys(records []providers.Record) []providers.Key {
	var out []providers.Key
	for _, r := range records {
		out = append(out, r.Key())
	}
	return out
}

func TestPublishedScope(t *testing.T) {
	web := "dnsendpoint/shop/service-web"
	foreign := set("web.example.com", "", "", "198.51.100.1")
	p := newPublished([]providers.Record{
		set("web.example.com", "earth", web, "192.0.2.1"),
		set("web.example.com", "mars", web, "192.0.2.2"),
		set("old.example.com", "", web, "192.0.2.3"),
		foreign,
		set("other.example.com", "", "dnsendpoint/shop/service-other", "192.0.2.4"),
	})
	// The resource's current names plus the desired ones, with every owner's sets there.
	got := keys(p.scope(web, []providers.Record{set("new.example.com", "", web, "192.0.2.5")}))
	want := []providers.Key{key("old.example.com", ""), key("web.example.com", ""),
		key("web.example.com", "earth"), key("web.example.com", "mars")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("scope = %v, want %v", got, want)
	}

	p.apply(providers.Changes{
		Delete: []providers.Record{set("old.example.com", "", web, "192.0.2.3"), set("web.example.com", "mars", web, "192.0.2.2")},
		Create: []providers.Record{set("new.example.com", "", web, "192.0.2.5")},
		Update: []providers.Update{{Old: set("web.example.com", "earth", web, "192.0.2.1"), New: set("web.example.com", "earth", web, "192.0.2.9")}},
	})
	got = keys(p.scope(web, nil))
	want = []providers.Key{key("new.example.com", ""), key("web.example.com", ""), key("web.example.com", "earth")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("scope after apply = %v, want %v", got, want)
	}
	for _, r := range p.names["web.example.com"] {
		if r.SetIdentifier == "earth" && !reflect.DeepEqual(r.Targets, []string{"192.0.2.9"}) {
			t.Errorf("update not recorded: %v", r.Targets)
		}
	}
	if _, ok := p.names["old.example.com"]; ok {
		t.Error("a name with no sets left is still indexed")
	}
	if got := len(p.byResource); got != 2 {
		t.Errorf("%d resources indexed, want 2", got)
	}
	if got := p.owned("meridian"); got != 3 {
		t.Errorf("owned = %d, want 3", got)
	}
}

func TestPublishedForgetsAResourceOnlyWhenItsLastSetAtANameGoes(t *testing.T) {
	web := "dnsendpoint/shop/service-web"
	earth, mars := set("web.example.com", "earth", web, "192.0.2.1"), set("web.example.com", "mars", web, "192.0.2.2")
	p := newPublished([]providers.Record{earth, mars})
	p.apply(providers.Changes{Delete: []providers.Record{earth}})
	if got := keys(p.scope(web, nil)); len(got) != 1 {
		t.Fatalf("scope = %v, want mars only", got)
	}
	p.apply(providers.Changes{Delete: []providers.Record{mars}})
	if len(p.byResource) != 0 || len(p.all()) != 0 {
		t.Fatalf("state not empty: %v", p.all())
	}
}

func key(name, setID string) providers.Key {
	return providers.Key{Name: name, Type: "A", SetIdentifier: setID}
}

func TestPublishedKeepsTwoSetsOfOneKey(t *testing.T) {
	ours, foreign := set("web.example.com", "", "dnsendpoint/shop/service-web", "192.0.2.1"), set("web.example.com", "", "", "198.51.100.1")
	p := newPublished([]providers.Record{ours, foreign})
	if got := p.scope("dnsendpoint/shop/service-web", nil); len(got) != 2 {
		t.Fatalf("scope = %v, want both sets", got)
	}
	p.apply(providers.Changes{Delete: []providers.Record{ours}})
	if got := p.all(); !reflect.DeepEqual(got, []providers.Record{foreign}) {
		t.Fatalf("after deleting ours: %v, want the foreign set alone", got)
	}
}
