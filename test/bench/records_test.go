package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"golang.org/x/sync/errgroup"

	"github.com/meridian-dns/meridian/skydns"
)

// zone is the one zone every server of the benchmark is authoritative for.
const zone = "example.org"

// The two regions routed names have a target in. The ECS subnet dnsperf sends (198.51.100.0/24)
// is mapped to eastRegion in the gslb Corefile, so ECS queries for a routed name must get only
// the east target.
const (
	eastRegion = "us-east-1"
	westRegion = "eu-west-1"
)

// recordSet is the benchmark's data: names svc-1 … svc-n under zone, each with two A targets.
// Odd-numbered names are routed (strategy nearest, one target per region, as the etcd provider
// writes a service federated to two clusters); even-numbered names are plain SkyDNS records. The
// file zone holds the same names with both targets, which is what stock readers serve.
type recordSet struct {
	n int
}

// name is the fully qualified name of record i (1-based). The width grows with n so that every
// name has the same length and the query mix does not depend on the index.
func (r recordSet) name(i int) string {
	return fmt.Sprintf("svc-%0*d.%s.", len(fmt.Sprint(r.n)), i, zone)
}

func (r recordSet) routed(i int) bool { return i%2 == 1 }

// hosts are the two targets of record i: the east one first. The addresses repeat every 100
// names; they are published data only, never contacted.
func (r recordSet) hosts(i int) [2]string {
	x := i%100 + 1
	return [2]string{fmt.Sprintf("192.0.2.%d", x), fmt.Sprintf("192.0.2.%d", x+128)}
}

// record is one etcd key of the set and the service stored at it.
type record struct {
	key     string
	service skydns.Service
}

// records are the etcd keys of name i under prefix: one per target.
func (r recordSet) records(prefix string, i int) []record {
	hosts := r.hosts(i)
	if !r.routed(i) {
		return []record{
			{skydns.Key(prefix, r.name(i), "a"), skydns.Service{Host: hosts[0], TTL: 300}},
			{skydns.Key(prefix, r.name(i), "b"), skydns.Service{Host: hosts[1], TTL: 300}},
		}
	}
	routedTo := func(host, cluster, region string) record {
		return record{skydns.Key(prefix, r.name(i), cluster), skydns.Service{
			Host: host, TTL: 300, Cluster: cluster, Region: region,
			SetIdentifier: cluster, Routing: "nearest",
		}}
	}
	return []record{routedTo(hosts[0], "east", eastRegion), routedTo(hosts[1], "west", westRegion)}
}

// expected is the sorted A set a server must answer for name i. nearestEast says whether the
// server routes and the client is located in the east region; any other client of a routing
// server, and every client of a stock one, gets every target.
func (r recordSet) expected(i int, nearestEast bool) []string {
	hosts := r.hosts(i)
	if nearestEast && r.routed(i) {
		return []string{hosts[0]}
	}
	out := hosts[:]
	slices.Sort(out)
	return out
}

// writeZone writes the file plugin's zone: the apex SOA and NS, then every name's targets.
func (r recordSet) writeZone(path string) error {
	return writeLines(path, func(w *bufio.Writer) {
		fmt.Fprintf(w, "$ORIGIN %s.\n", zone)
		fmt.Fprintf(w, "@ 3600 IN SOA ns1.%s. hostmaster.%[1]s. 2026112301 7200 3600 1209600 300\n", zone)
		fmt.Fprintf(w, "@ 3600 IN NS ns1.%s.\n", zone)
		fmt.Fprintln(w, "ns1 3600 IN A 192.0.2.253")
		for i := 1; i <= r.n; i++ {
			for _, host := range r.hosts(i) {
				fmt.Fprintf(w, "%s 300 IN A %s\n", r.name(i), host)
			}
		}
	})
}

// writeQueries writes dnsperf's input: one A query per name, in order.
func (r recordSet) writeQueries(path string) error {
	return writeLines(path, func(w *bufio.Writer) {
		for i := 1; i <= r.n; i++ {
			fmt.Fprintf(w, "%s A\n", r.name(i))
		}
	})
}

func writeLines(path string, write func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	write(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

// maxTxnOps is etcd's default --max-txn-ops.
const maxTxnOps = 128

// load writes every record of the set under prefix in transactions of maxTxnOps puts, a few
// at a time: sequential round trips would make the 100,000-name load dominate the run.
func (r recordSet) load(ctx context.Context, cli *clientv3.Client, prefix string) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	var ops []clientv3.Op
	flush := func() {
		batch := ops
		ops = nil
		g.Go(func() error { return commit(ctx, cli, batch) })
	}
	for i := 1; i <= r.n; i++ {
		for _, rec := range r.records(prefix, i) {
			value, err := json.Marshal(rec.service)
			if err != nil {
				return err
			}
			ops = append(ops, clientv3.OpPut(rec.key, string(value)))
			if len(ops) == maxTxnOps {
				flush()
			}
		}
	}
	if len(ops) > 0 {
		flush()
	}
	return g.Wait()
}

func commit(ctx context.Context, cli *clientv3.Client, ops []clientv3.Op) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := cli.Txn(ctx).Then(ops...).Commit(); err != nil {
		return fmt.Errorf("writing %d records to etcd: %w", len(ops), err)
	}
	return nil
}
