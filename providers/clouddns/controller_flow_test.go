package clouddns

import (
	"slices"
	"testing"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/providers/plan"
	clouddnsfake "github.com/meridian-dns/meridian/test/fakes/clouddns"
)

// view is the publish controller's picture of the provider: listed once, then kept up to date
// with the changes it applied, without listing again.
type view []providers.Record

func (v view) apply(c providers.Changes) view {
	gone := func(r providers.Record) func(providers.Record) bool {
		return func(x providers.Record) bool {
			return x.Key() == r.Key() && x.Owner == r.Owner && x.Resource == r.Resource
		}
	}
	out := slices.Clone(v)
	for _, r := range c.Delete {
		out = slices.DeleteFunc(out, gone(r))
	}
	for _, u := range c.Update {
		out = append(slices.DeleteFunc(out, gone(u.Old)), u.New)
	}
	return append(out, c.Create...)
}

// TestIncrementalLikeTheController plans each step against the controller's own view rather than
// a fresh listing, so updates and deletions name sets as the previous plan wrote them. Every
// step must apply cleanly, and a fresh listing must then agree with the view.
func TestIncrementalLikeTheController(t *testing.T) {
	f := newFake(t, clouddnsfake.Options{})
	reg := wrap(newProvider(t, f, Config{}))
	ctx := testContext(t)
	current, err := reg.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	state := view(current)
	web, api := "dnsendpoint/shop/web", "dnsendpoint/shop/api"
	steps := []struct {
		resource string
		desired  []providers.Record
	}{
		{web, []providers.Record{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.1"),
			share("web.example.com", "c2", "eu-west-1", "nearest", "192.0.2.2")}},
		{api, []providers.Record{weighted("c1", 1, "192.0.2.1"), weighted("c2", 1, "192.0.2.2")}},
		{web, []providers.Record{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.1")}},
		{web, []providers.Record{share("web.example.com", "c1", "us-east1", "nearest", "192.0.2.7"),
			plain("www.example.com", "CNAME", "web.example.com")}},
		{web, nil},
	}
	// api's weighted set is at web.example.com too in the helper; move it to its own name.
	for i := range steps[1].desired {
		steps[1].desired[i].Name = "api.example.com"
	}
	for i, s := range steps {
		desired := providers.Canonical(reg, s.desired)
		result, err := plan.Calculate(state, desired, owner, s.resource)
		if err != nil {
			t.Fatal(err)
		}
		if err := reg.ApplyChanges(ctx, result.Changes); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		state = state.apply(result.Changes)
		listed, err := reg.Records(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range []string{web, api} {
			var want []providers.Record
			for _, r := range state {
				if r.Resource == res {
					want = append(want, r)
				}
			}
			again, err := plan.Calculate(listed, want, owner, res)
			if err != nil {
				t.Fatal(err)
			}
			if !again.Changes.Empty() {
				t.Errorf("step %d: the listing differs from the controller's view of %s: %s", i, res, dump(again.Changes))
			}
		}
	}
}
