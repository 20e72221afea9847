package clouddns

import (
	"strings"
)

// maxCharString is the longest character-string a TXT record holds (RFC 1035 3.3.14: one
// length octet); longer text is written as several strings, which resolvers join.
const maxCharString = 255

// quoteTXT writes text as TXT rrdata: quoted character-strings of at most 255 bytes each, with
// quotes and backslashes escaped. Cloud DNS stores rrdata in presentation form, so unquoted text
// with spaces would be split into several strings and read back with them lost.
func quoteTXT(text string) string {
	var b strings.Builder
	for first := true; first || text != ""; first = false {
		chunk := text[:min(len(text), maxCharString)]
		text = text[len(chunk):]
		if !first {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		for i := range len(chunk) {
			if c := chunk[i]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(chunk[i])
		}
		b.WriteByte('"')
	}
	return b.String()
}

// unquoteTXT reads TXT rrdata back into text: its character-strings, quoted or not, joined
// without separators (as SPF and DKIM readers join them), escapes resolved (\X and \DDD).
func unquoteTXT(data string) string {
	var b strings.Builder
	for i := 0; i < len(data); {
		switch data[i] {
		case ' ', '\t':
			i++
		case '"':
			i = readString(&b, data, i+1, func(c byte) bool { return c == '"' })
			i++ // the closing quote
		default:
			i = readString(&b, data, i, func(c byte) bool { return c == ' ' || c == '\t' })
		}
	}
	return b.String()
}

// readString copies one character-string from data[i:] up to a byte for which end is true,
// resolving escapes, and returns the index of that byte (or len(data)).
func readString(b *strings.Builder, data string, i int, end func(byte) bool) int {
	for ; i < len(data) && !end(data[i]); i++ {
		if data[i] != '\\' || i+1 == len(data) {
			b.WriteByte(data[i])
			continue
		}
		if n, ok := decimalEscape(data[i+1:]); ok {
			b.WriteByte(n)
			i += 3
			continue
		}
		i++
		b.WriteByte(data[i])
	}
	return i
}

// decimalEscape reads the DDD of a \DDD escape (RFC 1035 5.1).
func decimalEscape(s string) (byte, bool) {
	if len(s) < 3 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s[:3]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n > 255 {
		return 0, false
	}
	return byte(n), true
}
