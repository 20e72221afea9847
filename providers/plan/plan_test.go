package plan

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/meridian-dns/meridian/providers"
)

const (
	me   = "meridian-a"
	web  = "dnsendpoint/shop/web"
	api  = "dnsendpoint/shop/api"
	gone = "dnsendpoint/shop/old"
)

func key(name, typ string) providers.Key { return providers.Key{Name: name, Type: typ} }

func ptr[T any](v T) *T { return &v }

// set builds a set; options after the targets change it.
func set(name, typ string, targets []string, opts ...func(*providers.Record)) providers.Record {
	r := providers.Record{Name: name, Type: typ, TTL: 60, Targets: targets}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func owned(owner, resource string) func(*providers.Record) {
	return func(r *providers.Record) { r.Owner, r.Resource = owner, resource }
}
func ttl(t int64) func(*providers.Record) { return func(r *providers.Record) { r.TTL = t } }
func setID(id string) func(*providers.Record) {
	return func(r *providers.Record) { r.SetIdentifier = id }
}
func weight(w int64) func(*providers.Record) {
	return func(r *providers.Record) { r.Routing, r.Weight = "weighted", ptr(w) }
}
func ours(resource string) func(*providers.Record) { return owned(me, resource) }

func TestCalculate(t *testing.T) {
	a := []string{"192.0.2.1", "192.0.2.2"}
	tests := []struct {
		name             string
		current, desired []providers.Record
		want             providers.Changes
		conflicts        []Conflict
	}{
		{name: "nothing at all"},
		{
			name:    "new set is created and stamped",
			desired: []providers.Record{set("www.example.com", "A", a)},
			want:    providers.Changes{Create: []providers.Record{set("www.example.com", "A", a, ours(web))}},
		},
		{
			name:    "identical set changes nothing",
			current: []providers.Record{set("www.example.com", "A", a, ours(web))},
			desired: []providers.Record{set("www.example.com", "A", a)},
		},
		{
			name:    "case, trailing dot, target order and duplicates do not matter",
			current: []providers.Record{set("www.example.com", "A", a, ours(web))},
			desired: []providers.Record{set("WWW.Example.COM.", "a", []string{"192.0.2.2", "192.0.2.1", "192.0.2.2"})},
		},
		{
			name:    "address spelling does not matter",
			current: []providers.Record{set("v6.example.com", "AAAA", []string{"2001:db8::1"}, ours(web))},
			desired: []providers.Record{set("v6.example.com", "AAAA", []string{"2001:DB8:0::1"})},
		},
		{
			name:    "current in provider order: Old is passed on as given",
			current: []providers.Record{set("www.example.com", "A", []string{"192.0.2.2", "192.0.2.1"}, ours(web))},
			desired: []providers.Record{set("www.example.com", "A", a, ttl(30))},
			want: providers.Changes{Update: []providers.Update{{
				Old: set("www.example.com", "A", []string{"192.0.2.2", "192.0.2.1"}, ours(web)),
				New: set("www.example.com", "A", a, ttl(30), ours(web)),
			}}},
		},
		{
			name:    "TTL change only",
			current: []providers.Record{set("www.example.com", "A", a, ours(web))},
			desired: []providers.Record{set("www.example.com", "A", a, ttl(300))},
			want: providers.Changes{Update: []providers.Update{{
				Old: set("www.example.com", "A", a, ours(web)),
				New: set("www.example.com", "A", a, ttl(300), ours(web)),
			}}},
		},
		{
			name:    "routing field change only",
			current: []providers.Record{set("www.example.com", "A", a, setID("c1"), weight(1), ours(web))},
			desired: []providers.Record{set("www.example.com", "A", a, setID("c1"), weight(5))},
			want: providers.Changes{Update: []providers.Update{{
				Old: set("www.example.com", "A", a, setID("c1"), weight(1), ours(web)),
				New: set("www.example.com", "A", a, setID("c1"), weight(5), ours(web)),
			}}},
		},
		{
			name:    "set no longer desired is deleted",
			current: []providers.Record{set("www.example.com", "A", a, ours(web)), set("www.example.com", "TXT", []string{"x"}, ours(web))},
			desired: []providers.Record{set("www.example.com", "A", a)},
			want:    providers.Changes{Delete: []providers.Record{set("www.example.com", "TXT", []string{"x"}, ours(web))}},
		},
		{
			name:      "foreign set with the same key",
			current:   []providers.Record{set("www.example.com", "A", a, owned("meridian-b", web))},
			desired:   []providers.Record{set("www.example.com", "A", a)},
			conflicts: []Conflict{{key("www.example.com", "A"), web, `owner "meridian-b"`, ErrForeign}},
		},
		{
			name:      "set nobody owns with the same key",
			current:   []providers.Record{set("www.example.com", "A", []string{"198.51.100.1"})},
			desired:   []providers.Record{set("www.example.com", "A", a)},
			conflicts: []Conflict{{key("www.example.com", "A"), web, "records Meridian did not write", ErrForeign}},
		},
		{
			name:      "foreign set next to ours at one key: ours is left alone",
			current:   []providers.Record{set("www.example.com", "A", a, ours(web)), set("www.example.com", "A", []string{"198.51.100.1"})},
			desired:   []providers.Record{set("www.example.com", "A", a, ttl(5))},
			conflicts: []Conflict{{key("www.example.com", "A"), web, "records Meridian did not write", ErrForeign}},
		},
		{
			name:      "set of another resource of ours",
			current:   []providers.Record{set("www.example.com", "A", a, ours(api))},
			desired:   []providers.Record{set("www.example.com", "A", a)},
			conflicts: []Conflict{{key("www.example.com", "A"), web, "resource " + api, ErrOtherResource}},
		},
		{
			name:    "other set identifiers of another owner are other keys",
			current: []providers.Record{set("www.example.com", "A", a, setID("c1"), owned("external-dns-eu", "x"))},
			desired: []providers.Record{set("www.example.com", "A", a, setID("c2"))},
			want:    providers.Changes{Create: []providers.Record{set("www.example.com", "A", a, setID("c2"), ours(web))}},
		},
		{
			// Answers merge the sets of a name: web would add its addresses to api's name.
			name:      "another resource of ours holds the name and type under another set identifier",
			current:   []providers.Record{set("www.example.com", "A", a, setID("c1"), ours(api))},
			desired:   []providers.Record{set("www.example.com", "A", []string{"203.0.113.66"}), set("www.example.com", "TXT", []string{"t"})},
			want:      providers.Changes{Create: []providers.Record{set("www.example.com", "TXT", []string{"t"}, ours(web))}},
			conflicts: []Conflict{{key("www.example.com", "A"), web, "resource " + api, ErrOtherResource}},
		},
		{
			name:      "CNAME wanted where someone holds an A",
			current:   []providers.Record{set("www.example.com", "A", a)},
			desired:   []providers.Record{set("www.example.com", "CNAME", []string{"lb.example.net"})},
			conflicts: []Conflict{{key("www.example.com", "CNAME"), web, "records Meridian did not write", ErrCNAME}},
		},
		{
			name:      "A wanted where another resource holds a CNAME",
			current:   []providers.Record{set("www.example.com", "CNAME", []string{"lb.example.net"}, ours(api))},
			desired:   []providers.Record{set("www.example.com", "A", a), set("other.example.com", "A", a)},
			want:      providers.Changes{Create: []providers.Record{set("other.example.com", "A", a, ours(web))}},
			conflicts: []Conflict{{key("www.example.com", "A"), web, "resource " + api, ErrCNAME}},
		},
		{
			name:    "our own A gives way to our CNAME",
			current: []providers.Record{set("www.example.com", "A", a, ours(web))},
			desired: []providers.Record{set("www.example.com", "CNAME", []string{"LB.example.net."})},
			want: providers.Changes{
				Create: []providers.Record{set("www.example.com", "CNAME", []string{"lb.example.net"}, ours(web))},
				Delete: []providers.Record{set("www.example.com", "A", a, ours(web))},
			},
		},
		{
			name: "two sets of ours at one key: the first is updated, the other deleted",
			current: []providers.Record{
				set("www.example.com", "A", []string{"192.0.2.9"}, ttl(5), ours(web)),
				set("www.example.com", "A", []string{"192.0.2.1"}, ours(web)),
			},
			desired: []providers.Record{set("www.example.com", "A", a)},
			want: providers.Changes{
				Update: []providers.Update{{Old: set("www.example.com", "A", []string{"192.0.2.1"}, ours(web)), New: set("www.example.com", "A", a, ours(web))}},
				Delete: []providers.Record{set("www.example.com", "A", []string{"192.0.2.9"}, ttl(5), ours(web))},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Calculate(tt.current, tt.desired, me, web)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, got, Result{Changes: tt.want, Conflicts: tt.conflicts})
		})
	}
}

func checkResult(t *testing.T, got, want Result) {
	t.Helper()
	if !reflect.DeepEqual(emptyAsNil(got), emptyAsNil(want)) {
		t.Errorf("plan differs\n got: %+v\nwant: %+v", got, want)
	}
}

// emptyAsNil lets test tables leave lists out, and compares targets and zones ignoring nil vs empty.
func emptyAsNil(r Result) Result {
	fix := func(rs []providers.Record) []providers.Record {
		if len(rs) == 0 {
			return nil
		}
		out := make([]providers.Record, len(rs))
		for i, x := range rs {
			if len(x.Zones) == 0 {
				x.Zones = nil
			}
			out[i] = x
		}
		return out
	}
	r.Changes.Create, r.Changes.Delete = fix(r.Changes.Create), fix(r.Changes.Delete)
	if len(r.Changes.Update) == 0 {
		r.Changes.Update = nil
	}
	for i, u := range r.Changes.Update {
		r.Changes.Update[i] = providers.Update{Old: fix([]providers.Record{u.Old})[0], New: fix([]providers.Record{u.New})[0]}
	}
	if len(r.Conflicts) == 0 {
		r.Conflicts = nil
	}
	return r
}

func TestCalculateRejects(t *testing.T) {
	a := []string{"192.0.2.1"}
	tests := []struct {
		name    string
		desired []providers.Record
		owner   string
	}{
		{"duplicate keys", []providers.Record{set("www.example.com", "A", a), set("WWW.example.com.", "A", a)}, me},
		{"CNAME next to another type", []providers.Record{set("www.example.com", "A", a), set("www.example.com", "CNAME", []string{"x.example.net"})}, me},
		{"CNAME with two targets", []providers.Record{set("www.example.com", "CNAME", []string{"x.example.net", "y.example.net"})}, me},
		{"empty name", []providers.Record{set("", "A", a)}, me},
		{"empty owner", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Calculate(nil, tt.desired, tt.owner, web); !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func TestRepair(t *testing.T) {
	a := []string{"192.0.2.1"}
	b := []string{"192.0.2.2"}
	current := []providers.Record{
		set("web.example.com", "A", a, ours(web)),
		set("old.example.com", "A", a, ours(gone)),
		set("taken.example.com", "A", a, ours(gone)),
		set("theirs.example.com", "A", a, owned("meridian-b", gone)),
		set("plain.example.com", "A", a),
	}
	desired := map[string][]providers.Record{
		web: {set("web.example.com", "A", b), set("both.example.com", "A", a)},
		api: {set("both.example.com", "A", b), set("taken.example.com", "A", b), set("plain.example.com", "A", b)},
	}
	got, err := Repair(current, desired, me)
	if err != nil {
		t.Fatal(err)
	}
	want := Result{
		Changes: providers.Changes{
			// api sorts before web, so api gets both.example.com.
			Create: []providers.Record{set("both.example.com", "A", b, ours(api)), set("taken.example.com", "A", b, ours(api))},
			Update: []providers.Update{{Old: set("web.example.com", "A", a, ours(web)), New: set("web.example.com", "A", b, ours(web))}},
			Delete: []providers.Record{set("old.example.com", "A", a, ours(gone)), set("taken.example.com", "A", a, ours(gone))},
		},
		Conflicts: []Conflict{
			{key("both.example.com", "A"), web, "resource " + api, ErrOtherResource},
			{key("plain.example.com", "A"), api, "records Meridian did not write", ErrForeign},
		},
	}
	checkResult(t, got, want)

	if _, err := Repair(current, map[string][]providers.Record{web: {set("x.example.com", "A", a), set("x.example.com", "A", b)}}, me); !errors.Is(err, ErrInvalid) {
		t.Errorf("duplicate key in one resource: got %v, want ErrInvalid", err)
	}
	empty, err := Repair(nil, nil, me)
	if err != nil || !empty.Changes.Empty() || len(empty.Conflicts) != 0 {
		t.Errorf("empty repair: %+v, %v", empty, err)
	}
}

// TestDeterministic shuffles the inputs: the plan must not depend on their order.
func TestDeterministic(t *testing.T) {
	var current, desired []providers.Record
	for i, name := range []string{"a.example.com", "b.example.com", "c.example.com", "d.example.com", "e.example.com"} {
		current = append(current, set(name, "A", []string{"192.0.2.1"}, ours(web)), set(name, "TXT", []string{"t"}, ours(web)))
		if i%2 == 0 {
			desired = append(desired, set(name, "A", []string{"192.0.2.2"}), set(name, "AAAA", []string{"2001:db8::1"}))
		}
	}
	first, err := Calculate(current, desired, me, web)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Changes.Create) != 3 || len(first.Changes.Update) != 3 || len(first.Changes.Delete) != 7 {
		t.Fatalf("unexpected plan: %+v", first.Changes)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		rng.Shuffle(len(current), func(i, j int) { current[i], current[j] = current[j], current[i] })
		rng.Shuffle(len(desired), func(i, j int) { desired[i], desired[j] = desired[j], desired[i] })
		again, err := Calculate(current, desired, me, web)
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, again, first)
	}
}
