package etcd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/meridian-dns/meridian/providers"
	"github.com/meridian-dns/meridian/skydns"
)

// listAttempts bounds the restarts of a listing whose revision was compacted while it paged.
const listAttempts = 3

// Records lists the zones at one revision, page by page, and groups the keys into sets. A key
// whose last segment is a Meridian record id is a target of its parent's name, with the Owner it
// stores. Any other key was written by someone else (external-dns's random ids, SkyDNS records
// at a name): it is reported without an owner at both names a reader may serve it at, its own and
// its parent's, so a plan sees everything it could collide with. Values that are not SkyDNS JSON
// are skipped, counted (Undecodable) and logged once per key.
func (p *Provider) Records(ctx context.Context) ([]providers.Record, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for attempt := 1; ; attempt++ {
		l := &listing{g: grouper{sets: map[setKey]*providers.Record{}}, revs: map[string]int64{}}
		err := p.list(ctx, l)
		if errors.Is(err, rpctypes.ErrCompacted) && attempt < listAttempts {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("listing zones %v in etcd: %w", p.zones, classify(err))
		}
		p.revs, p.undecodable = l.revs, l.undecodable
		return l.g.records(), nil
	}
}

// listing is one consistent read of the zones: every page at rev, the revision of the first.
type listing struct {
	rev         int64
	g           grouper
	revs        map[string]int64
	undecodable int
}

func (p *Provider) list(ctx context.Context, l *listing) error {
	for _, zone := range p.zones {
		path := skydns.Path(p.prefix, zone)
		// The apex key itself, then everything below it. One prefix range over path would
		// also take in the zones whose last label merely starts like this one's.
		if err := p.scan(ctx, l, zone, path, path+"\x00"); err != nil {
			return err
		}
		if err := p.scan(ctx, l, zone, path+"/", clientv3.GetPrefixRangeEnd(path+"/")); err != nil {
			return err
		}
	}
	return nil
}

// scan reads [from, end) in pages of p.pageSize keys, so a zone of 100,000 keys is as many
// bounded responses rather than one that strains the server, the client and the message limits.
func (p *Provider) scan(ctx context.Context, l *listing, zone, from, end string) error {
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(p.pageSize)}
		if l.rev != 0 {
			opts = append(opts, clientv3.WithRev(l.rev))
		}
		rctx, cancel := context.WithTimeout(ctx, p.requestTimeout)
		resp, err := p.client.Get(rctx, from, opts...)
		cancel()
		if err != nil {
			return err
		}
		if l.rev == 0 {
			l.rev = resp.Header.Revision
		}
		for _, kv := range resp.Kvs {
			p.add(ctx, l, zone, kv)
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return nil
		}
		from = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
}

func (p *Provider) add(ctx context.Context, l *listing, zone string, kv *mvccpb.KeyValue) {
	key := string(kv.Key)
	var s skydns.Service
	if err := json.Unmarshal(kv.Value, &s); err != nil {
		l.undecodable++
		if !p.logged[key] {
			p.logged[key] = true
			logger(ctx).Info("Skipping an etcd value that is not SkyDNS JSON; it is left as it is", "key", key, "error", err.Error())
		}
		return
	}
	if s.Type() == "" {
		return // neither host nor text: nothing Meridian models (nor stock CoreDNS serves)
	}
	own, ok := skydns.Name(p.prefix, key)
	if !ok {
		return
	}
	parentPath, last, _ := cutLast(key)
	parent, parentOK := skydns.Name(p.prefix, parentPath)
	parentOK = parentOK && inZone(parent, zone)
	if isRecordID(last) && parentOK {
		l.g.add(parent, &s)
		l.revs[key] = kv.ModRevision
		return
	}
	// Not Meridian's key, whatever its value claims: never offer it up for a change.
	s.Owner, s.Resource = "", ""
	l.g.add(own, &s)
	if parentOK {
		l.g.add(parent, &s)
	}
}

// cutLast splits a key at its last '/'.
func cutLast(key string) (parent, last string, ok bool) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return "", key, false
	}
	return key[:i], key[i+1:], true
}
