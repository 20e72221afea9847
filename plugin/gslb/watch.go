package gslb

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	v3rpc "go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// etcdClient is the part of the etcd client the watcher uses.
type etcdClient interface {
	Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error)
	Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan
	RequestProgress(ctx context.Context) error
}

var _ etcdClient = (*clientv3.Client)(nil)

// Watcher timings. Every unary call has a timeout; a failed list or watch is retried after a
// delay that doubles, with jitter, up to backoffMax, and starts over once a watch has run
// healthily for a while.
const (
	callTimeout   = 5 * time.Second
	backoffMin    = 100 * time.Millisecond
	backoffMax    = 5 * time.Second
	healthyWatch  = 30 * time.Second
	progressEvery = 10 * time.Second
	// listPage is the keys read per list request. etcd counts the rest of the range on every
	// page, so small pages make a large prefix slow to list: 300,000 keys take 14 s in pages
	// of 1,000 and 5 s in pages of 10,000 (a few MB each).
	listPage = 10000
)

var errWatchClosed = errors.New("watch channel closed")

// watcher keeps the index equal to the keys under the prefix: it lists them once, then
// watches from the listed revision + 1. When the watch breaks, or etcd has compacted the
// revision it needs, it lists again and sweeps what vanished; it never reopens the watch at
// "now", which would lose the changes in between.
type watcher struct {
	client   etcdClient
	applier  *applier
	prefix   string // without a trailing slash
	onSync   func() // after every list and every batch of changes
	pageSize int64
	timeout  time.Duration
	progress time.Duration

	cancel context.CancelFunc
	done   chan struct{}
}

func newWatcher(client etcdClient, a *applier, onSync func()) *watcher {
	return &watcher{client: client, applier: a, prefix: a.prefix, onSync: onSync,
		pageSize: listPage, timeout: callTimeout, progress: progressEvery}
}

// start runs the watcher until stop.
func (w *watcher) start() {
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel, w.done = cancel, make(chan struct{})
	go w.run(ctx)
}

func (w *watcher) stop() {
	if w.cancel != nil {
		w.cancel()
		<-w.done
	}
}

func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	delay := backoffMin
	for {
		rev, err := w.list(ctx)
		if err == nil {
			started := time.Now()
			err = w.watch(ctx, rev+1)
			if time.Since(started) > healthyWatch {
				delay = backoffMin
			}
		}
		if ctx.Err() != nil {
			return
		}
		reason := relistReason(err)
		relists.WithLabelValues(w.prefix, reason).Inc()
		wait := delay/2 + rand.N(delay/2+1)
		log.Warningf("etcd watch of %s/ ended (%s): %v; listing again in %s", w.prefix, reason, err, wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		delay = min(delay*2, backoffMax)
	}
}

func relistReason(err error) string {
	switch {
	case errors.Is(err, v3rpc.ErrCompacted):
		return "compacted"
	case errors.Is(err, errWatchClosed):
		return "watch_closed"
	}
	return "error"
}

// list reads every key under the prefix, page by page at one revision, into the index, then
// sweeps the keys it did not see. A failure part way leaves the sweep undone: the index then
// mixes keys from this list with older ones, each a state etcd really had, until the next list.
func (w *watcher) list(ctx context.Context) (int64, error) {
	from := w.prefix + "/"
	end := clientv3.GetPrefixRangeEnd(from)
	gen := w.applier.beginRelist()
	var rev int64
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(w.pageSize)}
		if rev != 0 {
			opts = append(opts, clientv3.WithRev(rev))
		}
		cctx, cancel := context.WithTimeout(ctx, w.timeout)
		resp, err := w.client.Get(cctx, from, opts...)
		cancel()
		if err != nil {
			return 0, err
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		w.applier.putListed(resp.Kvs, gen)
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		from = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
	w.applier.endRelist(gen, rev)
	w.onSync()
	return rev, nil
}

// watch applies changes from revision from on until the watch fails or ctx ends. It asks etcd
// for a progress notification now and then, so that the last-sync metric shows a quiet prefix
// as fresh and a lost etcd as stale.
func (w *watcher) watch(ctx context.Context, from int64) error {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	ch := w.client.Watch(wctx, w.prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(from),
		clientv3.WithPrevKV(), clientv3.WithProgressNotify())
	tick := time.NewTicker(w.progress)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			pctx, pcancel := context.WithTimeout(wctx, w.timeout)
			_ = w.client.RequestProgress(pctx) // a failure shows as a stale last-sync time
			pcancel()
		case resp, ok := <-ch:
			if !ok {
				return errWatchClosed
			}
			if err := resp.Err(); err != nil {
				return err
			}
			if len(resp.Events) > 0 {
				w.applier.apply(changesOf(resp.Events))
			}
			w.onSync()
		}
	}
}

// changesOf converts watch events into index changes.
func changesOf(events []*clientv3.Event) []change {
	changes := make([]change, 0, len(events))
	for _, ev := range events {
		if ev.Kv == nil {
			continue
		}
		changes = append(changes, change{
			key:    ev.Kv.Key,
			value:  ev.Kv.Value,
			rev:    ev.Kv.ModRevision,
			delete: ev.Type == mvccpb.Event_DELETE,
		})
	}
	return changes
}
