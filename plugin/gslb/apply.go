package gslb

import (
	"encoding/json"

	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/meridian-dns/meridian/skydns"
)

// change is one key written or deleted, as etcd reports it.
type change struct {
	key, value []byte
	rev        int64 // ModRevision of the key (of the delete, for a delete)
	delete     bool
}

// applier feeds etcd's keys into an index. It is the index's only writer.
type applier struct {
	ix     *index
	prefix string // without a trailing slash
	// onRegions is told the cluster → region map whenever it changes (may be nil).
	onRegions func(map[string]string)
	// onInvalid is told of keys whose value is not a record (may be nil).
	onInvalid func(key string, err error)
}

// apply writes a batch of changes from the watch into the index.
func (a *applier) apply(changes []change) {
	ix := a.ix
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	var rev int64
	for _, c := range changes {
		if c.delete {
			a.remove(c.key)
		} else {
			a.put(c.key, c.value, c.rev, ix.gen)
		}
		rev = max(rev, c.rev)
	}
	a.finish(rev)
}

// A re-list replaces the index's content with the listed keys, all read at one revision:
// beginRelist starts a generation, putListed writes changed keys and marks unchanged ones
// seen, and endRelist sweeps every key the generation did not see. Keys that did not change
// keep their entries, so readers see no churn.
func (a *applier) beginRelist() uint32 {
	a.ix.wmu.Lock()
	defer a.ix.wmu.Unlock()
	a.ix.gen++
	return a.ix.gen
}

func (a *applier) putListed(kvs []*mvccpb.KeyValue, gen uint32) {
	a.ix.wmu.Lock()
	defer a.ix.wmu.Unlock()
	for _, kv := range kvs {
		a.put(kv.Key, kv.Value, kv.ModRevision, gen)
	}
}

func (a *applier) endRelist(gen uint32, rev int64) (swept int) {
	a.ix.wmu.Lock()
	defer a.ix.wmu.Unlock()
	swept = a.sweep(gen)
	a.finish(rev)
	return swept
}

func (a *applier) finish(rev int64) {
	ix := a.ix
	if rev > ix.revision.Load() {
		ix.revision.Store(rev)
	}
	if ix.regionsDirty && a.onRegions != nil {
		a.onRegions(ix.regions)
	}
	ix.regionsDirty = false
}

// put stores one key unless the index already holds it at the same revision, in which case it
// only marks it seen by generation gen.
func (a *applier) put(key, value []byte, rev int64, gen uint32) {
	parent, id, ok := splitKey(a.prefix, string(key))
	if !ok {
		return
	}
	ix := a.ix
	e := ix.get(parent)
	if e != nil {
		if r := e.find(id); r != nil && r.rev == rev && rev != 0 {
			r.seen = gen // readers never look at seen
			return
		}
	}
	var svc skydns.Service
	if err := json.Unmarshal(value, &svc); err != nil {
		if a.onInvalid != nil {
			a.onInvalid(string(key), err)
		}
		svc = skydns.Service{} // the key still makes its name exist, with no data
	}
	meta := ix.intern(routeMeta{
		set:         setKey(&svc),
		cluster:     svc.Cluster,
		region:      svc.Region,
		strategy:    parseStrategy(svc.Routing),
		hasWeight:   svc.RoutingWeight != nil,
		weight:      deref(svc.RoutingWeight),
		hasPriority: svc.FailoverPriority != nil,
		priority:    deref(svc.FailoverPriority),
	})
	fqdn := parentFQDN(e, parent)
	rec := buildRecord(fqdn, id, &svc, meta, rev)
	rec.seen = gen
	ix.put(parent, fqdn, rec)
}

func (a *applier) remove(key []byte) {
	parent, id, ok := splitKey(a.prefix, string(key))
	if ok {
		a.ix.remove(parent, id)
	}
}

// sweep removes every record that generation gen did not see.
func (a *applier) sweep(gen uint32) int {
	type stale struct{ parent, id string }
	var gone []stale
	ix := a.ix
	for i := range ix.shards {
		// Only the writer changes the maps, and it is us: reading without the lock is safe.
		for name, e := range ix.shards[i].m {
			for _, r := range e.records {
				if r.seen != gen {
					gone = append(gone, stale{name, r.id})
				}
			}
		}
	}
	for _, s := range gone {
		ix.remove(s.parent, s.id)
	}
	return len(gone)
}

// setKey names the record set a record belongs to: its SetIdentifier, else its cluster.
func setKey(s *skydns.Service) string {
	if s.SetIdentifier != "" {
		return s.SetIdentifier
	}
	return s.Cluster
}

func deref[T int | int64](p *T) T {
	if p == nil {
		return 0
	}
	return *p
}
