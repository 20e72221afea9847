package gslb

import (
	"context"
	"net"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/miekg/dns"
)

// ServeDNS implements plugin.Handler. It answers from the index alone: no etcd read, no
// formatting, and one allocation for a typical reply, plus the copies that carry the
// question's spelling when it differs from the records' lower case.
func (g *GSLB) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) != 1 {
		return dns.RcodeFormatError, nil
	}
	question := r.Question[0]
	name := canonical(question.Name)
	z := g.zoneOf(name)
	if z == nil || question.Qclass != dns.ClassINET {
		return plugin.NextOrFailure(g.Name(), g.Next, ctx, w, r)
	}
	server := metrics.WithServer(ctx)
	ecs, ecsOK := readECS(r)
	if rcode := g.refuse(question.Qtype, ecsOK); rcode != dns.RcodeSuccess {
		z.metrics.request(server, z.fqdn, question.Qtype, rcode).Inc()
		return rcode, nil // CoreDNS writes the error
	}
	out := new(replyBuf)
	q := query{g: g, zone: z, server: server, remote: w.RemoteAddr(), ecs: ecs, serial: g.serial(),
		answer: out.answer[:0], ns: out.ns[:0], extra: out.extra[:0]}
	q.resolve(question.Name, name, question.Qtype)
	if q.rcode == dns.RcodeNameError && q.chainLen == 1 && g.Fall.Through(question.Name) {
		return plugin.NextOrFailure(g.Name(), g.Next, ctx, w, r)
	}
	w.WriteMsg(q.reply(r, &out.msg))
	z.metrics.request(server, z.fqdn, question.Qtype, q.rcode).Inc()
	return dns.RcodeSuccess, nil
}

// refuse returns the error rcode for a query of ours that gets no answer, or RcodeSuccess.
func (g *GSLB) refuse(qtype uint16, ecsOK bool) int {
	switch {
	case !g.synced.Load():
		// Before the first list we know nothing: an NXDOMAIN would be cached as a fact, a
		// SERVFAIL sends resolvers to another server or back later.
		return dns.RcodeServerFailure
	case qtype == dns.TypeAXFR || qtype == dns.TypeIXFR:
		return dns.RcodeRefused // no transfers of a zone whose answers differ per client
	case !ecsOK:
		return dns.RcodeFormatError // two client subnet options (RFC 7871)
	}
	return dns.RcodeSuccess
}

// replyBuf is a reply with room for a typical answer, so that most replies cost one allocation.
type replyBuf struct {
	msg    dns.Msg
	answer [2]dns.RR
	ns     [1]dns.RR
	extra  [1]dns.RR
}

// reply assembles the answer in m: authoritative, with the client's OPT echoed and the whole
// cut to the client's UDP buffer (TC set) when it does not fit.
func (q *query) reply(r *dns.Msg, m *dns.Msg) *dns.Msg {
	m.MsgHdr = dns.MsgHdr{
		Id:               r.Id,
		Response:         true,
		Opcode:           r.Opcode,
		Authoritative:    true,
		RecursionDesired: r.RecursionDesired,
		CheckingDisabled: r.CheckingDisabled,
		Rcode:            q.rcode,
	}
	m.Question = r.Question[:1:1] // shared with the query, which nothing changes any more
	m.Answer, m.Ns, m.Extra = q.answer, q.ns, q.extra
	_, tcp := q.remote.(*net.TCPAddr)
	o := r.IsEdns0()
	if o == nil {
		if !tcp {
			m.Truncate(dns.MinMsgSize)
		}
		return m
	}
	size := int(o.UDPSize())
	opt := q.opt(o)
	// Measure without the OPT, whose ECS option miekg/dns would pack (and allocate) to size
	// it; Truncate keeps the OPT out of its budget the same way. Below 512 bytes Truncate
	// would round the budget up, so then it gets the OPT and does the sum itself.
	if budget := size - optLen(opt); !tcp && budget >= dns.MinMsgSize {
		m.Truncate(budget)
		m.Extra = append(m.Extra, opt)
		return m
	}
	m.Extra = append(m.Extra, opt)
	if !tcp {
		m.Truncate(size)
	}
	return m
}

// opt turns the query's OPT record into the reply's, as CoreDNS's own scrubbing does: version
// 0, flags cleared but DO, and of the options only the client subnet, with our scope.
func (q *query) opt(o *dns.OPT) *dns.OPT {
	do := o.Do()
	o.Hdr.Name, o.Hdr.Rrtype, o.Hdr.Ttl = ".", dns.TypeOPT, 0
	if do {
		o.SetDo()
	}
	o.Option = o.Option[:0]
	if q.ecs != nil {
		q.ecs.SourceScope = q.ecsScope()
		o.Option = append(o.Option, q.ecs)
	}
	return o
}

// optLen is the packed length of an OPT record holding at most a client subnet option.
func optLen(o *dns.OPT) int {
	n := 11 // root name, type, class, TTL, RDLENGTH
	for _, opt := range o.Option {
		if s, ok := opt.(*dns.EDNS0_SUBNET); ok {
			n += 4 + 4 + (int(s.SourceNetmask)+7)/8
		}
	}
	return n
}
