package e2e

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// packetZone is the zone of the malformed-packet test.
const packetZone = "packets.example.com"

// noReply is the expected rcode of a packet the server must drop without answering.
const noReply = -1

// malformedPacket is one hostile packet and the rcode the server must answer it with.
type malformedPacket struct {
	name   string
	packet []byte
	rcode  int
}

// malformedPackets builds the packets for a name in zone (www.<zone>, which has an A record).
func malformedPackets(zone string) []malformedPacket {
	www := "www." + zone + "."
	var out []malformedPacket
	query := packQuery(www, dns.TypeA, nil)
	for n := 0; n < 12; n++ {
		out = append(out, malformedPacket{fmt.Sprintf("header of %d bytes", n), query[:n], noReply})
	}
	add := func(name string, packet []byte, rcode int) {
		out = append(out, malformedPacket{name, packet, rcode})
	}
	withCounts := func(p []byte, qd, an, ns, ar uint16) []byte {
		p = append([]byte(nil), p...)
		for i, v := range []uint16{qd, an, ns, ar} {
			binary.BigEndian.PutUint16(p[4+2*i:], v)
		}
		return p
	}
	// miekg/dns stops unpacking where the packet ends, so a question or record that is counted
	// but absent is no error: CoreDNS's server answers a query without a question SERVFAIL
	// before any plugin, and one missing only its additional record is answered as it is.
	add("header only, QDCOUNT=1", withCounts(query[:12], 1, 0, 0, 0), dns.RcodeServerFailure)
	add("QDCOUNT=2, one question", withCounts(query, 2, 0, 0, 0), dns.RcodeFormatError)
	two := append(withCounts(query, 2, 0, 0, 0), query[12:]...)
	add("QDCOUNT=2, two questions", two, dns.RcodeFormatError)
	add("QDCOUNT=0", withCounts(query[:12], 0, 0, 0, 0), dns.RcodeFormatError)
	add("ARCOUNT=1, no additional (answered)", withCounts(query, 1, 0, 0, 1), dns.RcodeSuccess)
	long := append(append(query[:12:12], 64), []byte(strings.Repeat("a", 64))...)
	long = append(append(long, 0), 0, 1, 0, 1)
	add("label of 64 bytes", long, dns.RcodeFormatError)
	loop := append(query[:12:12], 0xc0, 12, 0, 1, 0, 1) // the name points at itself
	add("compression loop", loop, dns.RcodeFormatError)
	forward := append(query[:12:12], 0xc0, 40, 0, 1, 0, 1)
	add("pointer past the end", forward, dns.RcodeFormatError)

	opt := func(version uint8, options ...[]byte) []byte {
		var rdata []byte
		for _, o := range options {
			rdata = append(rdata, o...)
		}
		rr := []byte{0, 0, 41, 0x04, 0xd0, 0, version, 0, 0}
		rr = binary.BigEndian.AppendUint16(rr, uint16(len(rdata)))
		return append(rr, rdata...)
	}
	withOPT := func(opts ...[]byte) []byte {
		p := withCounts(query, 1, 0, 0, uint16(len(opts)))
		for _, o := range opts {
			p = append(p, o...)
		}
		return p
	}
	option := func(code uint16, data ...byte) []byte {
		o := binary.BigEndian.AppendUint16(nil, code)
		o = binary.BigEndian.AppendUint16(o, uint16(len(data)))
		return append(o, data...)
	}
	ecs := func(family uint16, source, scope uint8, addr ...byte) []byte {
		return option(dns.EDNS0SUBNET, append([]byte{byte(family >> 8), byte(family), source, scope}, addr...)...)
	}
	truncatedOption := append(option(dns.EDNS0SUBNET), 0, 1) // length 0 with two stray bytes
	binary.BigEndian.PutUint16(truncatedOption[2:], 10)      // claims 10 bytes
	add("OPT with a truncated option", withOPT(opt(0, truncatedOption)), dns.RcodeFormatError)
	shortRData := opt(0, ecs(1, 24, 0, 192, 0, 2))
	binary.BigEndian.PutUint16(shortRData[9:], uint16(len(shortRData)-11+5)) // RDLENGTH past the end
	add("OPT RDLENGTH past the end", withOPT(shortRData), dns.RcodeFormatError)
	add("two OPT records", withOPT(opt(0), opt(0)), dns.RcodeFormatError)
	add("EDNS version 1", withOPT(opt(1)), dns.RcodeBadVers)
	add("ECS IPv4 source prefix 33", withOPT(opt(0, ecs(1, 33, 0, 192, 0, 2, 1, 0))), dns.RcodeFormatError)
	add("ECS IPv6 source prefix 129", withOPT(opt(0, ecs(2, 129, 0, make([]byte, 17)...))), dns.RcodeFormatError)
	add("ECS unknown family 3", withOPT(opt(0, ecs(3, 24, 0, 192, 0, 2))), dns.RcodeFormatError)
	// RFC 7871 lets a server answer FORMERR when the address is longer than the prefix needs;
	// gslb answers, placing the client by the prefix alone (and miekg/dns pads the address on
	// unpacking, so extra zero octets cannot even be seen).
	add("ECS address bits beyond the prefix (answered)", withOPT(opt(0, ecs(1, 24, 0, 192, 0, 2, 1))), dns.RcodeSuccess)
	add("ECS address octets beyond the prefix (answered)", withOPT(opt(0, ecs(1, 8, 0, 192, 0, 0, 0))), dns.RcodeSuccess)
	add("two ECS options", withOPT(opt(0, ecs(1, 24, 0, 192, 0, 2), ecs(1, 24, 0, 198, 51, 100))), dns.RcodeFormatError)
	add("unknown EDNS option (answered)", withOPT(opt(0, option(65001, 1, 2, 3))), dns.RcodeSuccess)
	add("valid ECS (answered)", withOPT(opt(0, ecs(1, 24, 0, 198, 51, 100))), dns.RcodeSuccess)

	withOpcode := func(opcode int) []byte {
		p := append([]byte(nil), query...)
		p[2] = p[2]&^0x78 | byte(opcode<<3)
		return p
	}
	add("opcode NOTIFY", withOpcode(dns.OpcodeNotify), dns.RcodeNotImplemented)
	add("opcode UPDATE", withOpcode(dns.OpcodeUpdate), dns.RcodeNotImplemented)
	add("opcode STATUS", withOpcode(dns.OpcodeStatus), dns.RcodeNotImplemented)
	response := append([]byte(nil), query...)
	response[2] |= 0x80
	add("a response (QR set)", response, noReply)
	add("AXFR", packQuery(zone+".", dns.TypeAXFR, nil), dns.RcodeRefused)
	add("IXFR", packQuery(zone+".", dns.TypeIXFR, nil), dns.RcodeRefused)
	add("name outside the zones", packQuery("www.example.net.", dns.TypeA, nil), dns.RcodeRefused)
	add("root NS (no open resolver)", packQuery(".", dns.TypeNS, nil), dns.RcodeRefused)
	chaos := packQuery(www, dns.TypeTXT, nil)
	binary.BigEndian.PutUint16(chaos[len(chaos)-2:], dns.ClassCHAOS)
	add("class CHAOS", chaos, dns.RcodeRefused)
	return out
}

// packQuery packs a query for name and qtype with extra records.
func packQuery(name string, qtype uint16, extra []dns.RR) []byte {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.Id = 0x4d52
	m.Extra = extra
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

// TestGSLBMalformedPackets sends hostile packets over UDP and TCP to bin/coredns with gslb: each
// gets the rcode CoreDNS or the plugin defines for it, or no reply when it cannot be parsed, and
// the server answers a normal query afterwards.
func TestGSLBMalformedPackets(t *testing.T) {
	ctx := testContext(t, 3*time.Minute)
	start := time.Now()
	etcdPut(t, ctx, "/skydns/"+strings.Join(reversed(strings.Split(packetZone, ".")), "/")+"/www/x1", `{"host":"192.0.2.53","ttl":30}`)
	server := startGSLB(t, ctx, packetZone)
	www := "www." + packetZone + "."
	waitAnswer(t, ctx, server.Addr, eastClient, netip.Prefix{}, www, "192.0.2.53")

	var failures int
	for _, network := range []string{"udp", "tcp"} {
		for _, p := range malformedPackets(packetZone) {
			reply, err := exchangeRaw(network, server.Addr, p.packet)
			got := noReply
			if err == nil {
				got = reply.Rcode
			}
			if got != p.rcode {
				failures++
				t.Errorf("%s %s: rcode %s, want %s (err %v)\n%v", network, p.name, rcodeName(got), rcodeName(p.rcode), err, reply)
				continue
			}
			if err == nil && reply.Id != 0x4d52 && len(p.packet) >= 2 {
				t.Errorf("%s %s: reply id %#x, want the query's", network, p.name, reply.Id)
			}
		}
	}
	if !server.Running() {
		t.Fatalf("CoreDNS exited:\n%s", server.LogTail(40))
	}
	for _, network := range []string{"udp", "tcp"} {
		reply, err := exchangeRaw(network, server.Addr, packQuery(www, dns.TypeA, nil))
		if err != nil || reply.Rcode != dns.RcodeSuccess || len(reply.Answer) != 1 {
			t.Errorf("%s: a normal query after the malformed ones: %v %v", network, err, reply)
		}
	}
	if log := readFile(t, server.LogPath); strings.Contains(log, "panic") {
		t.Errorf("CoreDNS logged a panic:\n%s", log)
	}
	t.Logf("%d packets over UDP and TCP in %v, %d wrong", 2*len(malformedPackets(packetZone)), time.Since(start).Round(time.Millisecond), failures)
}

// exchangeRaw sends packet as it is and returns the reply; an error when none comes within
// 700 ms (or the server closes the TCP connection).
func exchangeRaw(network, addr string, packet []byte) (*dns.Msg, error) {
	conn, err := net.DialTimeout(network, addr, time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(700 * time.Millisecond))
	buf := make([]byte, 65535)
	var n int
	if network == "tcp" {
		if _, err := conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(packet))), packet...)); err != nil {
			return nil, err
		}
		if _, err := io.ReadFull(conn, buf[:2]); err != nil {
			return nil, err
		}
		n = int(binary.BigEndian.Uint16(buf))
		if _, err := io.ReadFull(conn, buf[:n]); err != nil {
			return nil, err
		}
	} else {
		if _, err := conn.Write(packet); err != nil {
			return nil, err
		}
		if n, err = conn.Read(buf); err != nil {
			return nil, err
		}
	}
	reply := new(dns.Msg)
	if err := reply.Unpack(buf[:n]); err != nil {
		return nil, fmt.Errorf("reply does not unpack: %w", err)
	}
	if !reply.Response {
		return nil, errors.New("reply without QR")
	}
	return reply, nil
}

func rcodeName(rcode int) string {
	if rcode == noReply {
		return "no reply"
	}
	return dns.RcodeToString[rcode]
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
