package clouddnsfake

import (
	"net/netip"
	"strconv"
	"strings"
)

// supportedTypes are the record types the "Supported DNS record types" table of
// https://cloud.google.com/dns/docs/records-overview lists. Any other type is invalid.
var supportedTypes = map[string]bool{
	"A": true, "AAAA": true, "ALIAS": true, "CAA": true, "CNAME": true, "DNSKEY": true, "DS": true,
	"HTTPS": true, "IPSECKEY": true, "MX": true, "NAPTR": true, "NS": true, "PTR": true, "SOA": true,
	"SPF": true, "SRV": true, "SSHFP": true, "SVCB": true, "TLSA": true, "TXT": true,
}

// rrdataChecks validate one rrdata string in the presentation format the API documents for
// rrdatas ("As defined in RFC 1035 (section 5) and RFC 1034 (section 3.6.1)"). Types without an
// entry are only checked for being non-empty.
var rrdataChecks = map[string]func(string) bool{
	"A":     validIPv4,
	"AAAA":  validIPv6,
	"CNAME": func(s string) bool { return validDomainName(s, false) },
	"NS":    func(s string) bool { return validDomainName(s, false) },
	"PTR":   func(s string) bool { return validDomainName(s, false) },
	"ALIAS": func(s string) bool { return validDomainName(s, false) },
	"MX":    validMX,
	"SRV":   validSRV,
	"CAA":   validCAA,
	"SOA":   validSOA,
	"TXT":   validTXT,
	"SPF":   validTXT,
}

func validRRData(typ, data string) bool {
	if strings.TrimSpace(data) == "" {
		return false
	}
	if check, ok := rrdataChecks[typ]; ok {
		return check(data)
	}
	return true
}

// validIPv4 accepts dotted-quad IPv4 only (RFC 1035 3.4.1); netip already refuses leading zeros.
func validIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// validIPv6 accepts an IPv6 address without a zone (RFC 3596), including IPv4-mapped forms.
func validIPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

// validDomainName checks a fully qualified name in presentation form: a trailing dot (the API
// takes absolute names only; the real service rejects "ns1.example.com" as rrdata of an NS rrset,
// DNSControl/dnscontrol#349), at most 253 characters without it and labels of 1-63 characters
// (RFC 1035 2.3.4) made of letters, digits, "-" and "_" (service labels such as _acme-challenge).
// A leading "*" label is allowed where wildcard is true (RFC 4592).
func validDomainName(name string, wildcard bool) bool {
	if name == "." {
		return true
	}
	if !strings.HasSuffix(name, ".") || len(name) > 254 {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	for i, l := range labels {
		if wildcard && i == 0 && l == "*" {
			continue
		}
		if !validLabel(l) {
			return false
		}
	}
	return true
}

func validLabel(l string) bool {
	if len(l) < 1 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

func uintField(s string, bits int) bool {
	_, err := strconv.ParseUint(s, 10, bits)
	return err == nil
}

// validMX is "preference exchange." (RFC 1035 3.3.9); "0 ." is the null MX of RFC 7505.
func validMX(s string) bool {
	f := strings.Fields(s)
	return len(f) == 2 && uintField(f[0], 16) && validDomainName(f[1], false)
}

// validSRV is "priority weight port target." (RFC 2782).
func validSRV(s string) bool {
	f := strings.Fields(s)
	return len(f) == 4 && uintField(f[0], 16) && uintField(f[1], 16) && uintField(f[2], 16) &&
		validDomainName(f[3], false)
}

// validCAA is "flags tag value" (RFC 8659 4.1.1): flags 0-255, an alphanumeric tag.
func validCAA(s string) bool {
	f := strings.SplitN(s, " ", 3)
	if len(f) != 3 || !uintField(f[0], 8) || f[1] == "" || f[2] == "" {
		return false
	}
	for _, c := range f[1] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validSOA is "mname. rname. serial refresh retry expire minimum" (RFC 1035 3.3.13).
func validSOA(s string) bool {
	f := strings.Fields(s)
	if len(f) != 7 || !validDomainName(f[0], false) || !validDomainName(f[1], false) {
		return false
	}
	for _, n := range f[2:] {
		if !uintField(n, 32) {
			return false
		}
	}
	return true
}

// validTXT accepts unquoted words or quoted strings with balanced quotes; every
// character-string is at most 255 bytes (RFC 1035 3.3.14: one length octet).
func validTXT(s string) bool {
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ':
			i++
		case s[i] == '"':
			chars, raw, ok := quoted(s[i+1:])
			if !ok || chars > 255 {
				return false
			}
			i += raw + 2
		default:
			j := strings.IndexByte(s[i:], ' ')
			if j < 0 {
				j = len(s) - i
			}
			if j > 255 || strings.Contains(s[i:i+j], `"`) {
				return false
			}
			i += j
		}
	}
	return true
}

// quoted measures a quoted string's body (s starts just after the opening quote): its length in
// characters, counting an escape pair as one, its length in raw bytes up to the closing quote,
// and whether there is a closing quote.
func quoted(s string) (chars, raw int, ok bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return chars, i, true
		}
		chars++
	}
	return 0, 0, false
}
