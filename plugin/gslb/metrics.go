package gslb

import (
	"sync"
	"sync/atomic"

	"github.com/coredns/coredns/plugin"
	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	requests = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: pluginName,
		Name:      "requests_total",
		Help:      "Counter of queries gslb answered, by server, zone, query type and response code.",
	}, []string{"server", "zone", "type", "rcode"})

	answersByRegion = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: pluginName,
		Name:      "routed_answers_total",
		Help:      "Counter of record sets chosen for routed names (nearest, weighted, failover), by the chosen set's region.",
	}, []string{"server", "zone", "region"})

	relists = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: pluginName,
		Name:      "etcd_relists_total",
		Help:      "Counter of re-lists of the etcd prefix after the first list, by reason (compacted, watch_closed, error).",
	}, []string{"prefix", "reason"})

	indexNames = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: pluginName,
		Name:      "index_names",
		Help:      "Number of names with records in the in-memory index.",
	}, []string{"prefix"})

	indexRecords = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: pluginName,
		Name:      "index_records",
		Help:      "Number of records (etcd keys) in the in-memory index.",
	}, []string{"prefix"})

	lastSync = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: pluginName,
		Name:      "last_sync_timestamp_seconds",
		Help:      "Unix time at which the index was last known to match etcd (a list, a change or a progress notification).",
	}, []string{"prefix"})
)

// counters caches a zone's counters by label values. Looking a counter up in its vector hashes
// and validates every label on each query, more than the rest of an answer costs; here a query
// finds its counter by two array indexes after comparing the server name, without a lock.
type counters struct {
	mu      sync.Mutex // serializes additions
	servers atomic.Pointer[[]*serverCounters]
}

// serverCounters are one server's counters of a zone, created on first use.
type serverCounters struct {
	server   string
	requests [len(countedTypes) + 1][len(countedRcodes) + 1]atomic.Pointer[counterRef]
	regions  atomic.Pointer[map[string]prometheus.Counter]
}

type counterRef struct{ prometheus.Counter }

// countedTypes are the query types with a label of their own; the rest count as "other".
var countedTypes = [...]uint16{dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeTXT, dns.TypeSRV,
	dns.TypeSOA, dns.TypeNS, dns.TypeMX, dns.TypePTR, dns.TypeHTTPS, dns.TypeSVCB, dns.TypeCAA, dns.TypeANY}

func typeIndex(qtype uint16) int {
	for i, t := range countedTypes {
		if t == qtype {
			return i
		}
	}
	return len(countedTypes)
}

// typeLabel keeps the metric's type label to a fixed set.
func typeLabel(qtype uint16) string {
	if i := typeIndex(qtype); i < len(countedTypes) {
		return dns.TypeToString[qtype]
	}
	return "other"
}

// countedRcodes are the response codes gslb answers with; any other counts as "other".
var countedRcodes = [...]int{dns.RcodeSuccess, dns.RcodeNameError, dns.RcodeServerFailure, dns.RcodeFormatError, dns.RcodeRefused}

func rcodeIndex(rcode int) int {
	for i, c := range countedRcodes {
		if c == rcode {
			return i
		}
	}
	return len(countedRcodes)
}

func rcodeLabel(rcode int) string {
	if rcodeIndex(rcode) < len(countedRcodes) {
		return dns.RcodeToString[rcode]
	}
	return "other"
}

func (c *counters) forServer(server string) *serverCounters {
	if list := c.servers.Load(); list != nil {
		for _, s := range *list {
			if s.server == server {
				return s
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var list []*serverCounters
	if old := c.servers.Load(); old != nil {
		for _, s := range *old {
			if s.server == server {
				return s
			}
		}
		list = append(list, *old...)
	}
	s := &serverCounters{server: server}
	list = append(list, s)
	c.servers.Store(&list)
	return s
}

func (c *counters) request(server, zone string, qtype uint16, rcode int) prometheus.Counter {
	slot := &c.forServer(server).requests[typeIndex(qtype)][rcodeIndex(rcode)]
	if ref := slot.Load(); ref != nil {
		return ref.Counter
	}
	// Racing creators get the same counter from the vector; storing it twice is harmless.
	counter := requests.WithLabelValues(server, zone, typeLabel(qtype), rcodeLabel(rcode))
	slot.Store(&counterRef{counter})
	return counter
}

func (c *counters) region(server, zone, region string) prometheus.Counter {
	s := c.forServer(server)
	if m := s.regions.Load(); m != nil {
		if counter, ok := (*m)[region]; ok {
			return counter
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[string]prometheus.Counter{}
	if old := s.regions.Load(); old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	counter := answersByRegion.WithLabelValues(server, zone, region)
	m[region] = counter
	s.regions.Store(&m)
	return counter
}
