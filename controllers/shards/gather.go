package shards

import (
	"context"
	"fmt"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meridian-dns/meridian/federation/apis/core/v1beta1"
	"github.com/meridian-dns/meridian/federation/cluster"
)

// memberReadTimeout bounds the reads of one member's cache. The first read of a kind waits for
// its informer to fill, which never ends for a member that went away before the health
// controller noticed; the other members must not wait with it.
const memberReadTimeout = 5 * time.Second

// ReadFunc reads the object of the record's name and namespace from a member's cache; found is
// false when the member has none.
type ReadFunc func(ctx context.Context, member client.Reader, key types.NamespacedName) (obj Object, found bool, err error)

// Gatherer observes a record's object in every member, through the members' watch caches.
type Gatherer struct {
	Host      client.Reader
	Namespace string // where the KubeFedClusters live
	Registry  *cluster.Registry
	Read      ReadFunc
}

// Observe returns one Observation per KubeFedCluster, by name. Members that are not Ready are
// not read: their caches hold what they said before they went away. A Ready member that cannot
// be read is Unknown, with the reason; the error is only the host's.
func (g *Gatherer) Observe(ctx context.Context, key types.NamespacedName) ([]Observation, error) {
	var list v1beta1.KubeFedClusterList
	if err := g.Host.List(ctx, &list, client.InNamespace(g.Namespace)); err != nil {
		return nil, fmt.Errorf("listing KubeFedClusters in %s: %w", g.Namespace, err)
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	out := make([]Observation, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, g.observe(ctx, &list.Items[i], key))
	}
	return out, nil
}

func (g *Gatherer) observe(ctx context.Context, kfc *v1beta1.KubeFedCluster, key types.NamespacedName) Observation {
	o := Observation{Cluster: kfc.Name, ClusterReady: cluster.IsReady(kfc), Zones: kfc.Status.Zones}
	if kfc.Status.Region != nil {
		o.Region = *kfc.Status.Region
	}
	if !o.ClusterReady {
		o.ClusterMessage = readyMessage(kfc)
		return o
	}
	m, ok := g.Registry.Get(kfc.Name)
	if !ok {
		o.ReadError = "not connected yet"
		return o
	}
	ctx, cancel := context.WithTimeout(ctx, memberReadTimeout)
	defer cancel()
	obj, found, err := g.Read(ctx, m.GetCache(), key)
	switch {
	case err != nil:
		o.ReadError = err.Error()
	case found:
		o.Presence, o.Object = Present, obj
	default:
		o.Presence = Absent
	}
	return o
}

func readyMessage(kfc *v1beta1.KubeFedCluster) string {
	for _, c := range kfc.Status.Conditions {
		if c.Type == v1beta1.ClusterReady && c.Message != nil {
			return *c.Message
		}
	}
	return ""
}

// AnyUnread reports a Ready cluster that could not be read: the caller looks again later, since
// no event may come when the member becomes readable.
func AnyUnread(obs []Observation) bool {
	for _, o := range obs {
		if o.ClusterReady && o.Presence == Unknown {
			return true
		}
	}
	return false
}
