package route53fake

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Record value checks. Route 53 reports bad values inside the change batch
// error, e.g. "[Invalid Resource Record: 'FATAL problem:
// ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered
// with '300.1.1.1'']", so these return messages, not API errors. Formats
// follow "Supported DNS record types" in the Route 53 Developer Guide.

// maxCharacterString is the DNS limit on one TXT character-string (RFC 1035
// 3.3), which Route 53 enforces per quoted string.
const maxCharacterString = 255

func invalidRecord(problem, value string) string {
	return fmt.Sprintf("Invalid Resource Record: 'FATAL problem: %s encountered with '%s''", problem, value)
}

// rdataProblems returns one message per bad value of s, plus one per
// duplicate value ("Duplicate Resource Record: '...'").
func rdataProblems(s *rrset) []string {
	var msgs []string
	values := s.values()
	if s.Type == "CNAME" && len(values) > 1 {
		msgs = append(msgs, fmt.Sprintf("RRSet of type CNAME with DNS name %s contains more than one value.", s.Name))
	}
	seen := map[string]bool{}
	for _, v := range values {
		if seen[v] {
			msgs = append(msgs, fmt.Sprintf("Duplicate Resource Record: '%s'", v))
			continue
		}
		seen[v] = true
		if p := valueProblem(s.Type, v); p != "" {
			msgs = append(msgs, invalidRecord(p, v))
		}
	}
	return msgs
}

// valueProblem checks one value of a record of type typ.
func valueProblem(typ, v string) string {
	switch typ {
	case "A":
		return ipProblem(v, "ARRDATA", "IPv4", func(a netip.Addr) bool { return a.Is4() })
	case "AAAA":
		return ipProblem(v, "AAAARDATA", "IPv6", func(a netip.Addr) bool { return a.Is6() && a.Zone() == "" })
	case "CNAME", "NS", "PTR":
		return domainProblem(v)
	case "MX":
		return fieldsProblem(v, 2, []int{0})
	case "SRV":
		return fieldsProblem(v, 4, []int{0, 1, 2})
	case "TXT", "SPF":
		return characterStringsProblem(v)
	}
	return ""
}

func ipProblem(v, prefix, family string, ok func(netip.Addr) bool) string {
	if strings.ContainsAny(v, " \t") {
		return prefix + "NotSingleField (Value contains spaces)"
	}
	a, err := netip.ParseAddr(v)
	if err != nil || !ok(a) {
		return fmt.Sprintf("%sIllegal%sAddress (Value is not a valid %s address)", prefix, family, family)
	}
	return ""
}

func domainProblem(v string) string {
	if strings.ContainsAny(v, " \t") {
		return "DomainNameNotSingleField (Value contains spaces)"
	}
	if _, err := parseName(v); err != nil {
		return err.Error()
	}
	return ""
}

// fieldsProblem checks a value of n space-separated fields whose fields at
// the given positions are 16-bit integers and whose last field is a name.
func fieldsProblem(v string, n int, numeric []int) string {
	f := strings.Fields(v)
	if len(f) != n {
		return fmt.Sprintf("RRDATAIncorrectFieldCount (Value should have %d fields)", n)
	}
	for _, i := range numeric {
		if _, err := strconv.ParseUint(f[i], 10, 16); err != nil {
			return "RRDATAIllegalInteger (Value is not a valid 16-bit integer)"
		}
	}
	return domainProblem(f[n-1])
}

// characterStringsProblem checks a TXT value: one or more quoted
// character-strings separated by spaces, each at most 255 bytes once
// escapes are decoded.
func characterStringsProblem(v string) string {
	i := 0
	for i < len(v) {
		if v[i] == ' ' {
			i++
			continue
		}
		if v[i] != '"' {
			return "InvalidCharacterString (Value should be enclosed in quotation marks)"
		}
		n, next, ok := quotedLength(v, i+1)
		if !ok {
			return "InvalidCharacterString (Value should be enclosed in quotation marks)"
		}
		if n > maxCharacterString {
			return "CharacterStringTooLong (Value is too long)"
		}
		i = next
	}
	return ""
}

// quotedLength measures the quoted string starting after the opening quote
// at v[start-1], returning its decoded length and the index after the
// closing quote.
func quotedLength(v string, start int) (int, int, bool) {
	n := 0
	for i := start; i < len(v); i++ {
		switch v[i] {
		case '"':
			return n, i + 1, true
		case '\\':
			if i+3 < len(v) && isOctal(v[i+1]) && isOctal(v[i+2]) && isOctal(v[i+3]) {
				i += 3
			} else {
				i++
			}
		}
		n++
	}
	return 0, 0, false
}
