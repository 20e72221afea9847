package registry

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/meridian-dns/meridian/providers"
)

// recorder is a Provider that keeps what it was asked to apply.
type recorder struct {
	records []providers.Record
	applied []providers.Changes
}

func (r *recorder) Records(context.Context) ([]providers.Record, error) { return r.records, nil }
func (r *recorder) ApplyChanges(_ context.Context, c providers.Changes) error {
	r.applied = append(r.applied, c)
	return nil
}

func set(name, owner string) providers.Record {
	return providers.Record{Name: name, Type: "A", TTL: 60, Targets: []string{"192.0.2.1"}, Owner: owner, Resource: "dnsendpoint/a/b"}
}

func TestApplyChangesStampsOwner(t *testing.T) {
	backend := &recorder{}
	r := New(backend, "me")
	unstamped := set("new.example.com", "")
	changes := providers.Changes{
		Create: []providers.Record{unstamped, set("other.example.com", "someone")},
		Update: []providers.Update{{Old: set("www.example.com", "me"), New: set("www.example.com", "")}},
		Delete: []providers.Record{set("old.example.com", "me")},
	}
	if err := r.ApplyChanges(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
	want := providers.Changes{
		Create: []providers.Record{set("new.example.com", "me"), set("other.example.com", "me")},
		Update: []providers.Update{{Old: set("www.example.com", "me"), New: set("www.example.com", "me")}},
		Delete: []providers.Record{set("old.example.com", "me")},
	}
	if len(backend.applied) != 1 || !reflect.DeepEqual(backend.applied[0], want) {
		t.Errorf("applied %+v\nwant %+v", backend.applied, want)
	}
	if changes.Create[0].Owner != "" {
		t.Error("the caller's changes were modified")
	}
}

func TestApplyChangesRefusesOthersSets(t *testing.T) {
	for name, changes := range map[string]providers.Changes{
		"update of a foreign set":  {Update: []providers.Update{{Old: set("www.example.com", "someone"), New: set("www.example.com", "me")}}},
		"update of an unowned set": {Update: []providers.Update{{Old: set("www.example.com", ""), New: set("www.example.com", "me")}}},
		"delete of a foreign set":  {Create: []providers.Record{set("a.example.com", "")}, Delete: []providers.Record{set("www.example.com", "someone")}},
	} {
		t.Run(name, func(t *testing.T) {
			backend := &recorder{}
			err := New(backend, "me").ApplyChanges(context.Background(), changes)
			if !errors.Is(err, ErrNotOwned) || providers.IsSoft(err) || !strings.Contains(err.Error(), "www.example.com") {
				t.Errorf("got %v, want ErrNotOwned naming www.example.com", err)
			}
			if len(backend.applied) != 0 {
				t.Error("something was applied")
			}
		})
	}
	if err := New(&recorder{}, "").ApplyChanges(context.Background(), providers.Changes{}); err == nil {
		t.Error("an empty owner was accepted")
	}
}

func TestRecordsPassThrough(t *testing.T) {
	backend := &recorder{records: []providers.Record{set("a.example.com", "someone"), set("b.example.com", "")}}
	got, err := New(backend, "me").Records(context.Background())
	if err != nil || !reflect.DeepEqual(got, backend.records) {
		t.Errorf("Records = %v, %v", got, err)
	}
}
