package gslb

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/meridian-dns/meridian/skydns"
)

// shardCount spreads the names over independently locked maps, so that a reader on one core
// rarely shares a lock's cache line with a reader on another, and a writer holds one shard.
const shardCount = 64

type shard struct {
	mu sync.RWMutex
	m  map[string]*entry // canonical name → entry
	_  [32]byte          // keep neighbouring shards' locks off one cache line
}

// index is the in-memory copy of the records under the prefix, keyed by canonical name.
//
// A key /prefix/<reversed labels>/<id> lives in the entry of its parent's name, under id. Its
// own name (<id>.<parent>) has no entry of its own unless something lives below it: a reader
// finds it through the parent. This keeps one entry per name instead of one per target.
//
// A name has an entry while any key lies at or below it (counts), so that an empty
// non-terminal answers NODATA rather than NXDOMAIN. Readers take one shard's read lock for a
// map lookup; entries are immutable, and writers replace them whole.
type index struct {
	seed   maphash.Seed
	shards [shardCount]shard

	// Writer state, under wmu: one writer at a time, never a reader.
	wmu          sync.Mutex
	counts       map[string]int32 // name → keys at or below it
	metas        map[routeMeta]*routeMeta
	regions      map[string]string // cluster → region, for the locator
	regionsDirty bool              // regions changed since the locator was last told
	gen          uint32

	names, records atomic.Int64 // names with records; records
	revision       atomic.Int64 // etcd revision of the newest change applied
}

func newIndex() *index {
	ix := &index{
		seed:    maphash.MakeSeed(),
		counts:  map[string]int32{},
		metas:   map[routeMeta]*routeMeta{},
		regions: map[string]string{},
	}
	for i := range ix.shards {
		ix.shards[i].m = map[string]*entry{}
	}
	return ix
}

func (ix *index) shard(name string) *shard {
	return &ix.shards[maphash.String(ix.seed, name)%shardCount]
}

// get returns the entry of a canonical name, or nil.
func (ix *index) get(name string) *entry {
	s := ix.shard(name)
	s.mu.RLock()
	e := s.m[name]
	s.mu.RUnlock()
	return e
}

// lookup returns what the index holds for a canonical name: its entry (nil if none) and the
// record stored at the name itself, found in its parent's entry (nil if none).
func (ix *index) lookup(name string) (*entry, *record) {
	e := ix.get(name)
	if name == "" {
		return e, nil
	}
	label, parent := splitFirst(name)
	var self *record
	if p := ix.get(parent); p != nil && len(p.records) > 0 {
		self = p.find(label)
	}
	return e, self
}

// splitFirst splits a canonical name into its first label and the rest.
func splitFirst(name string) (label, parent string) {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}

func fqdnOf(name string) string { return name + "." }

// store publishes e as the entry of name, or removes the name when e is nil.
func (ix *index) store(name string, e *entry) {
	s := ix.shard(name)
	s.mu.Lock()
	if e == nil {
		delete(s.m, name)
	} else {
		s.m[name] = e
	}
	s.mu.Unlock()
}

// put adds or replaces the record id at parent, whose fully qualified form is fqdn. The caller
// holds wmu.
func (ix *index) put(parent, fqdn string, rec record) {
	old := ix.get(parent)
	if old == nil || old.find(rec.id) == nil {
		ix.addKey(fqdn)
		old = ix.get(parent)
		ix.records.Add(1)
		if len(old.records) == 0 {
			ix.names.Add(1)
		}
	}
	records := make([]record, 0, len(old.records)+1)
	i, _ := slices.BinarySearchFunc(old.records, rec.id, func(r record, id string) int { return strings.Compare(r.id, id) })
	records = append(records, old.records[:i]...)
	records = append(records, rec)
	if i < len(old.records) && old.records[i].id == rec.id {
		i++
	}
	records = append(records, old.records[i:]...)
	ix.store(keyOf(old), newEntry(old.fqdn, records))
	ix.noteRegion(rec.meta)
}

// remove deletes the record id at parent, if there is one. The caller holds wmu.
func (ix *index) remove(parent, id string) bool {
	old := ix.get(parent)
	if old == nil || old.find(id) == nil {
		return false
	}
	records := make([]record, 0, len(old.records)-1)
	for _, r := range old.records {
		if r.id != id {
			records = append(records, r)
		}
	}
	ix.store(keyOf(old), newEntry(old.fqdn, records))
	ix.records.Add(-1)
	if len(records) == 0 {
		ix.names.Add(-1)
	}
	ix.removeKey(parent)
	return true
}

// keyOf is e's name as a slice of its fqdn: the map key that keeps no string of its own.
func keyOf(e *entry) string { return e.fqdn[:len(e.fqdn)-1] }

// parentFQDN is the owner name for records at parent: the entry's own string when it has
// one, so that all the names of a key's ancestry share one allocation.
func parentFQDN(e *entry, parent string) string {
	if e != nil {
		return e.fqdn
	}
	return fqdnOf(parent)
}

// addKey counts one more key below the name fqdn and each of its ancestors, giving an empty
// entry to each name that had none. The map keys and owner names are slices of fqdn.
func (ix *index) addKey(fqdn string) {
	for off := 0; ; {
		name := fqdn[off : len(fqdn)-1]
		ix.counts[name]++
		if ix.counts[name] == 1 {
			ix.store(name, &entry{fqdn: fqdn[off:]})
		}
		if name == "" {
			return
		}
		if i := strings.IndexByte(name, '.'); i >= 0 {
			off += i + 1
		} else {
			off = len(fqdn) - 1
		}
	}
}

// removeKey undoes addKey, dropping the entries of names nothing lies below any more.
func (ix *index) removeKey(parent string) {
	for name := parent; ; {
		ix.counts[name]--
		if ix.counts[name] <= 0 {
			delete(ix.counts, name)
			ix.store(name, nil)
		}
		if name == "" {
			return
		}
		_, name = splitFirst(name)
	}
}

// intern returns the shared copy of m, or nil for a record that carries no routing at all.
func (ix *index) intern(m routeMeta) *routeMeta {
	if m == (routeMeta{}) {
		return nil
	}
	if p, ok := ix.metas[m]; ok {
		return p
	}
	p := &m
	ix.metas[m] = p
	return p
}

// noteRegion remembers which region a cluster is in, for placing clients that a cluster rule
// located in a cluster that does not serve the name asked for.
func (ix *index) noteRegion(m *routeMeta) {
	if m == nil || m.cluster == "" || m.region == "" || ix.regions[m.cluster] == m.region {
		return
	}
	ix.regions[m.cluster] = m.region
	ix.regionsDirty = true
}

// splitKey maps an etcd key under prefix to the canonical name of its parent and its id.
func splitKey(prefix, key string) (parent, id string, ok bool) {
	rest, found := strings.CutPrefix(key, prefix+"/")
	rest = strings.TrimSuffix(rest, "/")
	if !found || rest == "" || strings.Contains(rest, "//") {
		return "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	// The id is kept in the index: a copy, so that it does not pin the whole key in memory.
	if i < 0 {
		return "", strings.Clone(strings.ToLower(rest)), true
	}
	parent, _ = skydns.Name(prefix, prefix+"/"+rest[:i])
	return parent, strings.Clone(strings.ToLower(rest[i+1:])), true
}
