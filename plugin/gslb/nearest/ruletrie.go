package nearest

import (
	"encoding/binary"
	"net/netip"
)

// addrKey holds an address as 128 big-endian bits. IPv4 addresses fill the
// top 32 bits so that both families share one trie implementation.
type addrKey struct{ hi, lo uint64 }

func keyOf(a netip.Addr) addrKey {
	if a.Is4() {
		b := a.As4()
		return addrKey{hi: uint64(binary.BigEndian.Uint32(b[:])) << 32}
	}
	b := a.As16()
	return addrKey{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

// bit returns bit i (0 = most significant) of k.
func (k addrKey) bit(i int) int {
	if i < 64 {
		return int(k.hi>>(63-i)) & 1
	}
	return int(k.lo>>(127-i)) & 1
}

// ruleTrie is a binary trie of rule prefixes, one per address family.
//
// A trie rather than per-length maps because one walk yields both the longest
// matching rule and the ECS scope: the number of leading bits beyond which no
// other rule can change the answer (see lookup). Nodes live in one slice and
// link by index, which keeps a walk within a few cache lines for the rule
// counts a Corefile holds.
type ruleTrie struct {
	nodes []trieNode // nodes[0] is the root once anything is inserted
}

type trieNode struct {
	child [2]int32 // index into nodes; 0 means none, as the root is no child
	rule  int32    // index into Locator.ruleLocs plus one; 0 means none
}

// insert adds prefix key/bits for rule index r. It reports false when the
// same prefix is already present, which the caller turns into an error: two
// rules for one CIDR are a configuration mistake, not something to resolve
// silently by order.
func (t *ruleTrie) insert(key addrKey, bits int, r int) bool {
	if len(t.nodes) == 0 {
		t.nodes = append(t.nodes, trieNode{})
	}
	n := 0
	for depth := range bits {
		b := key.bit(depth)
		next := int(t.nodes[n].child[b])
		if next == 0 {
			next = len(t.nodes)
			t.nodes = append(t.nodes, trieNode{})
			t.nodes[n].child[b] = int32(next)
		}
		n = next
	}
	if t.nodes[n].rule != 0 {
		return false
	}
	t.nodes[n].rule = int32(r + 1)
	return true
}

// lookup walks key down the trie. It returns the index of the longest
// matching rule (-1 if none) and scope, the prefix length that an EDNS Client
// Subnet answer may claim: the walk stops at the first node whose child on
// key's path is missing, at depth d; if that node has another child, rules
// beneath it share exactly d leading bits with key, so the answer holds only
// for key's /d+1, otherwise for key's /d. The scope is always at least the
// matching rule's length.
func (t *ruleTrie) lookup(key addrKey, maxBits int) (rule, scope int) {
	rule = -1
	if len(t.nodes) == 0 {
		return rule, 0
	}
	n := &t.nodes[0]
	for depth := 0; ; depth++ {
		if n.rule != 0 {
			rule = int(n.rule) - 1
		}
		if depth == maxBits {
			return rule, depth
		}
		next := n.child[key.bit(depth)]
		if next == 0 {
			if n.child[0] != 0 || n.child[1] != 0 {
				return rule, depth + 1
			}
			return rule, depth
		}
		n = &t.nodes[next]
	}
}
