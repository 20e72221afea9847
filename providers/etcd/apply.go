package etcd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meridian-dns/meridian/providers"
)

// keyChange is what one etcd key must go through: it held oldValue when the caller read it (old),
// and it must hold value (put) or be gone.
type keyChange struct {
	key             string
	old, put        bool
	oldValue, value string
}

// item is one guarded key of a transaction: the comparison that proves the key is as the caller
// read it, and the operation, or none when the key keeps its value but is part of the answer set
// the transaction asserts.
type item struct {
	key string
	cmp clientv3.Cmp
	op  *clientv3.Op
	put bool
}

// nameTxn is the part of a transaction that changes one name.
type nameTxn struct {
	name  string
	items []item
}

// ApplyChanges writes the changes, one etcd transaction per group of names: every key of a name
// changes in the same transaction, so readers never see half of a name's new answer set, and
// several names share a transaction up to MaxTxnOps keys. Each key is guarded: a key the caller
// read must still have the revision Records (or an earlier ApplyChanges) saw, and a key it creates
// must not exist. When a guard fails, that name is left entirely as it is, the other names are
// applied, and the error wraps providers.ErrStale. Sets that fail validation, or lie outside the
// zones (ErrOutsideZones), fail the call before anything is written.
//
// A single name with more than MaxTxnOps keys cannot change atomically: its puts go first and its
// deletes after, in as many transactions as needed, so that readers see old and new targets
// together for a moment but never an empty answer. If a guard fails in a later part, the earlier
// parts stay applied and the remaining ones are skipped.
func (p *Provider) ApplyChanges(ctx context.Context, changes providers.Changes) error {
	if changes.Empty() {
		return nil
	}
	byName, err := p.compile(changes)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var txns []*nameTxn
	var stale []string
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		t, ok := p.guard(name, byName[name])
		if !ok {
			stale = append(stale, name)
			continue
		}
		txns = append(txns, t)
	}
	failed, err := p.commitAll(ctx, p.pack(txns))
	stale = append(stale, failed...)
	if err != nil {
		return err
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		return fmt.Errorf("%w: %d names left unchanged: %s", providers.ErrStale, len(stale), abbreviate(stale, 10))
	}
	return nil
}

// compile validates the changes and works out, per name, what each key must become.
func (p *Provider) compile(changes providers.Changes) (map[string]map[string]*keyChange, error) {
	byName := map[string]map[string]*keyChange{}
	at := func(r *providers.Record, target string) *keyChange {
		keys := byName[r.Name]
		if keys == nil {
			keys = map[string]*keyChange{}
			byName[r.Name] = keys
		}
		k := p.targetKey(r, target)
		if keys[k] == nil {
			keys[k] = &keyChange{key: k}
		}
		return keys[k]
	}
	olds := slices.Clone(changes.Delete)
	news := slices.Clone(changes.Create)
	for _, u := range changes.Update {
		olds, news = append(olds, u.Old), append(news, u.New)
	}
	for _, r := range olds {
		if err := p.validate(&r); err != nil {
			return nil, err
		}
		for _, t := range r.Targets {
			k := at(&r, t)
			k.old, k.oldValue = true, mustEncode(&r, t)
		}
	}
	for _, r := range news {
		if err := p.validate(&r); err != nil {
			return nil, err
		}
		for _, t := range r.Targets {
			k := at(&r, t)
			if k.put {
				return nil, fmt.Errorf("%s %s: target %q is written twice", r.Type, r.Name, t)
			}
			k.put, k.value = true, mustEncode(&r, t)
		}
	}
	return byName, nil
}

func mustEncode(r *providers.Record, target string) string {
	v, err := encode(r, target)
	if err != nil {
		panic(fmt.Sprintf("encoding a SkyDNS service: %v", err)) // plain strings and numbers: cannot fail
	}
	return v
}

// guard turns a name's key changes into guarded items. It fails when the caller read a key this
// provider has no revision for: written by someone else since the last listing, or never listed.
func (p *Provider) guard(name string, keys map[string]*keyChange) (*nameTxn, bool) {
	t := &nameTxn{name: name}
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		k := keys[key]
		it := item{key: key, put: k.put}
		if k.old {
			rev, ok := p.revs[key]
			if !ok {
				return nil, false
			}
			it.cmp = clientv3.Compare(clientv3.ModRevision(key), "=", rev)
		} else {
			it.cmp = clientv3.Compare(clientv3.CreateRevision(key), "=", 0)
		}
		switch {
		case k.put && k.old && k.value == k.oldValue:
		case k.put:
			op := clientv3.OpPut(key, k.value)
			it.op = &op
		default:
			op := clientv3.OpDelete(key)
			it.op = &op
		}
		t.items = append(t.items, it)
	}
	return t, true
}

// pack groups whole names into transactions of at most maxTxnOps items (one comparison and at
// most one operation each, the two limits etcd checks), and splits the names that alone exceed
// it: puts first, deletes last.
func (p *Provider) pack(txns []*nameTxn) [][]*nameTxn {
	var batches [][]*nameTxn
	var cur []*nameTxn
	size := 0
	flush := func() {
		if len(cur) > 0 {
			batches = append(batches, cur)
		}
		cur, size = nil, 0
	}
	for _, t := range txns {
		if len(t.items) > p.maxTxnOps {
			flush()
			items := slices.Clone(t.items)
			slices.SortStableFunc(items, func(a, b item) int { return boolOrder(b.put || b.op == nil) - boolOrder(a.put || a.op == nil) })
			for chunk := range slices.Chunk(items, p.maxTxnOps) {
				batches = append(batches, []*nameTxn{{name: t.name, items: chunk}})
			}
			continue
		}
		if size+len(t.items) > p.maxTxnOps {
			flush()
		}
		cur = append(cur, t)
		size += len(t.items)
	}
	flush()
	return batches
}

func boolOrder(b bool) int {
	if b {
		return 1
	}
	return 0
}

// commitAll commits the batches in order. A batch whose guard fails is retried name by name, so
// one stale name does not hold back the others packed with it; the rest of a split name is
// skipped once one of its parts fails, so its deletes never run without its puts. It returns
// the stale names, and stops at the first error etcd returns.
func (p *Provider) commitAll(ctx context.Context, batches [][]*nameTxn) (stale []string, err error) {
	for i, batch := range batches {
		if len(batch) == 1 && slices.Contains(stale, batch[0].name) {
			continue
		}
		ok, err := p.commit(ctx, batch)
		if err != nil {
			return stale, fmt.Errorf("applying changes to etcd (transaction %d of %d): %w", i+1, len(batches), err)
		}
		if ok {
			continue
		}
		if len(batch) == 1 {
			stale = append(stale, batch[0].name)
			continue
		}
		for _, t := range batch {
			ok, err := p.commit(ctx, []*nameTxn{t})
			if err != nil {
				return stale, fmt.Errorf("applying changes to etcd (name %s): %w", t.name, err)
			}
			if !ok {
				stale = append(stale, t.name)
			}
		}
	}
	return stale, nil
}

// commit runs one transaction and, when it succeeds, records the revisions it wrote.
func (p *Provider) commit(ctx context.Context, batch []*nameTxn) (bool, error) {
	var cmps []clientv3.Cmp
	var ops []clientv3.Op
	for _, t := range batch {
		for _, it := range t.items {
			cmps = append(cmps, it.cmp)
			if it.op != nil {
				ops = append(ops, *it.op)
			}
		}
	}
	rctx, cancel := context.WithTimeout(ctx, p.requestTimeout)
	defer cancel()
	resp, err := p.client.Txn(rctx).If(cmps...).Then(ops...).Commit()
	if err != nil {
		return false, classify(err)
	}
	if !resp.Succeeded {
		return false, nil
	}
	for _, t := range batch {
		for _, it := range t.items {
			switch {
			case it.op == nil:
			case it.put:
				p.revs[it.key] = resp.Header.Revision
			default:
				delete(p.revs, it.key)
			}
		}
	}
	return true, nil
}

// classify marks the failures that retrying as they are can fix: etcd unreachable, no leader,
// timeouts, overload. A caller that cancelled gets its own error back.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return providers.Soft(err)
	}
	code := codes.Unknown
	var etcdErr rpctypes.EtcdError
	if errors.As(err, &etcdErr) {
		code = etcdErr.Code()
	} else if s, ok := status.FromError(err); ok {
		code = s.Code()
	}
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted:
		return providers.Soft(err)
	}
	return err
}

func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
