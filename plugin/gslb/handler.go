package gslb

import (
	"context"

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
	if rcode := g.refuse(r.Opcode, question.Qtype, ecsOK); rcode != dns.RcodeSuccess {
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
func (g *GSLB) refuse(opcode int, qtype uint16, ecsOK bool) int {
	switch {
	case opcode != dns.OpcodeQuery:
		// CoreDNS lets NOTIFY through to the plugins; gslb is no secondary to be notified.
		return dns.RcodeNotImplemented
	case !g.synced.Load():
		// Before the first list we know nothing: an NXDOMAIN would be cached as a fact, a
		// SERVFAIL sends resolvers to another server or back later.
		return dns.RcodeServerFailure
	case qtype == dns.TypeAXFR || qtype == dns.TypeIXFR:
		return dns.RcodeRefused // no transfers of a zone whose answers differ per client
	case !ecsOK:
		return dns.RcodeFormatError // see readECS
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

// reply assembles the answer in m: authoritative, with the client's OPT echoed.
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
	if o := r.IsEdns0(); o != nil {
		m.Extra = append(m.Extra, q.opt(o))
	}
	// CoreDNS's server hands every plugin a ScrubWriter, which truncates the reply to the
	// client's buffer (TC set) on its way out: measuring it here too would cost a second Len.
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
