package main

import (
	"slices"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
)

// TestGSLBDirectiveOrder checks the whole list: gslb directly before etcd, and every stock
// directive still there, in its order.
func TestGSLBDirectiveOrder(t *testing.T) {
	stock := slices.Clone(dnsserver.Directives)
	got, err := insertBefore(dnsserver.Directives, gslbAnchor, "gslb")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(stock)+1 {
		t.Fatalf("got %d directives, want %d (the stock %d and gslb)", len(got), len(stock)+1, len(stock))
	}
	i := slices.Index(got, "gslb")
	if i < 0 || i+1 >= len(got) || got[i+1] != "etcd" {
		t.Fatalf("gslb at %d, not directly before etcd: %v", i, got)
	}
	if without := slices.Delete(slices.Clone(got), i, i+1); !slices.Equal(without, stock) {
		t.Fatalf("stock directives changed:\n got %v\nwant %v", without, stock)
	}
	if !slices.Equal(dnsserver.Directives, stock) {
		t.Fatal("insertBefore changed the list it was given")
	}
	// gslb must see queries after the plugins that shape them and before those it falls to.
	for _, before := range []string{"cache", "rewrite", "geoip", "metadata"} {
		if slices.Index(got, before) > i {
			t.Errorf("%s runs after gslb", before)
		}
	}
	for _, after := range []string{"etcd", "forward"} {
		if slices.Index(got, after) < i {
			t.Errorf("%s runs before gslb", after)
		}
	}
}

func TestInsertBeforeErrors(t *testing.T) {
	if _, err := insertBefore([]string{"cache", "forward"}, "etcd", "gslb"); err == nil {
		t.Error("a missing anchor was accepted")
	}
	if _, err := insertBefore([]string{"gslb", "etcd"}, "etcd", "gslb"); err == nil {
		t.Error("a second gslb was accepted")
	}
	got, err := insertBefore([]string{"a", "etcd", "b", "c"}, "etcd", "gslb")
	if err != nil || !slices.Equal(got, []string{"a", "gslb", "etcd", "b", "c"}) {
		t.Errorf("insertBefore = %v, %v", got, err)
	}
}
