package etcd

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
)

// TestRecordIDIsStable pins the id scheme: changing it would orphan every key already written.
func TestRecordIDIsStable(t *testing.T) {
	id := recordID("A", "", "192.0.2.1")
	if id != "m~9c7e1eead18c6086" {
		t.Errorf("recordID(A, \"\", 192.0.2.1) = %s; the scheme changed", id)
	}
	distinct := map[string]bool{}
	for _, in := range [][3]string{{"A", "", "192.0.2.1"}, {"A", "c1", "192.0.2.1"}, {"TXT", "", "192.0.2.1"}, {"A", "", "192.0.2.2"}, {"A", "192.0.2.1", ""}} {
		distinct[recordID(in[0], in[1], in[2])] = true
	}
	if len(distinct) != 5 {
		t.Errorf("ids collide: %v", distinct)
	}
	for seg, want := range map[string]bool{
		id: true, "m~0123456789abcdef": true, "m~0123456789ABCDEF": false, "m~0123": false,
		"a1b2c3d4": false, "www": false, "m-0123456789abcdef": false, "m~0123456789abcdeg": false,
	} {
		if isRecordID(seg) != want {
			t.Errorf("isRecordID(%q) = %v", seg, !want)
		}
	}
	// The id never makes a name of its own that a host name could be.
	if hostLabel(id) {
		t.Errorf("%s is a valid host name label", id)
	}
}

// hostLabel reports whether s is a letter-digit-hyphen or underscore label.
func hostLabel(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func TestEncodeDecode(t *testing.T) {
	r := routed("shop.example.test", "eu1", "192.0.2.1")
	v, err := encode(&r, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"host":"192.0.2.1","ttl":60,"owner":"meridian-test","resource":"dnsendpoint/shop/web","setIdentifier":"eu1",` +
		`"cluster":"eu1","region":"eu-west-1","zones":["eu-west-1a","eu-west-1b"],"routing":"weighted","routingWeight":3,"failoverPriority":1}`
	if v != want {
		t.Errorf("encoded\n %s\nwant\n %s", v, want)
	}
	txt := rec("t.example.test", "TXT", "192.0.2.1") // text that looks like an address stays text
	if v, _ := encode(&txt, "192.0.2.1"); v != `{"text":"192.0.2.1","ttl":60,"owner":"meridian-test","resource":"dnsendpoint/shop/web"}` {
		t.Errorf("TXT encoded as %s", v)
	}
}

func TestPack(t *testing.T) {
	p := &Provider{maxTxnOps: 4}
	name := func(n string, puts, dels int) *nameTxn {
		t := &nameTxn{name: n}
		for i := range dels {
			op := clientv3.OpDelete(fmt.Sprintf("%s/d%d", n, i))
			t.items = append(t.items, item{key: n, op: &op})
		}
		for i := range puts {
			op := clientv3.OpPut(fmt.Sprintf("%s/p%d", n, i), "v")
			t.items = append(t.items, item{key: n, op: &op, put: true})
		}
		return t
	}
	batches := p.pack([]*nameTxn{name("a", 1, 1), name("b", 2, 0), name("c", 3, 1), name("d", 1, 0), name("e", 3, 3)})
	var shape []string
	for _, b := range batches {
		s := ""
		for _, n := range b {
			s += fmt.Sprintf("%s%d", n.name, len(n.items))
			for _, it := range n.items {
				if it.put {
					s += "p"
				} else {
					s += "d"
				}
			}
			s += " "
		}
		shape = append(shape, s)
	}
	// Whole names up to four items; e (six items) alone, split with its puts first.
	want := []string{"a2dp b2pp ", "c4dppp ", "d1p ", "e4pppd ", "e2dd "}
	if fmt.Sprint(shape) != fmt.Sprint(want) {
		t.Errorf("batches %q, want %q", shape, want)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		soft bool
	}{
		{context.DeadlineExceeded, true},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), true},
		{context.Canceled, false},
		{rpctypes.ErrNoLeader, true},
		{rpctypes.ErrTimeout, true},
		{rpctypes.ErrTooManyRequests, true},
		{status.Error(codes.Unavailable, "connection refused"), true},
		{rpctypes.ErrPermissionDenied, false},
		{rpctypes.ErrAuthFailed, false},
		{rpctypes.ErrTooManyOps, false},
		{errors.New("other"), false},
	} {
		if got := providers.IsSoft(classify(tc.err)); got != tc.soft {
			t.Errorf("classify(%v) soft = %v, want %v", tc.err, got, tc.soft)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Zones: []string{"example.test"}},
		{Endpoints: []string{"http://127.0.0.1:1"}},
		{Endpoints: []string{"http://127.0.0.1:1"}, Zones: []string{"a/b.test"}},
		{Endpoints: []string{"http://127.0.0.1:1"}, Zones: []string{"example.test"}, Prefix: "skydns"},
		{Endpoints: []string{"http://127.0.0.1:1"}, Zones: []string{"example.test"}, CAFile: "/nonexistent"},
	} {
		if p, err := New(context.Background(), cfg); err == nil {
			p.Close()
			t.Errorf("%+v: accepted", cfg)
		}
	}
	p, err := New(context.Background(), Config{Endpoints: []string{"http://127.0.0.1:1"}, Zones: []string{"Example.Test."}})
	if err != nil {
		t.Fatalf("an unreachable etcd is not an error before the first request: %v", err)
	}
	defer p.Close()
	if p.prefix != skydns.DefaultPrefix || p.maxTxnOps != DefaultMaxTxnOps || p.zones[0] != "example.test" {
		t.Errorf("defaults: %+v", p)
	}
}
