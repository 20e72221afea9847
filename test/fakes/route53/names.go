package route53fake

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Name handling follows "DNS domain name format" in the Route 53 Developer
// Guide: labels of at most 63 bytes, names of at most 255; a trailing dot is
// optional on input; letters are stored lower case "regardless of how you
// specify them"; any character other than a-z, 0-9, hyphen and underscore is
// returned "as escape codes in the format \three-digit octal code", whether
// it was sent as a character or as an escape (so "*.example.com" lists back
// as "\052.example.com.").

const (
	maxLabelLen = 63
	maxNameLen  = 255
)

var (
	errEmptyLabel   = errors.New("DomainLabelEmpty (Domain label is empty)")
	errLabelTooLong = errors.New("DomainLabelTooLong (Domain label is too long)")
	errNameTooLong  = errors.New("DomainNameTooLong (Domain name is too long)")
	errBadEscape    = errors.New("InvalidEscape (Escape code is not valid)")
)

// parseName splits a presentation-format name into raw, lower-cased labels,
// decoding \ooo (octal) and \c escapes. The root name yields no labels.
func parseName(s string) ([]string, error) {
	if s == "" {
		return nil, errEmptyLabel
	}
	var labels []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b, n, err := decodeEscape(s[i+1:])
			if err != nil {
				return nil, err
			}
			cur = append(cur, lower(b))
			i += n
		case c == '.':
			if len(cur) == 0 && !(i == 0 && len(s) == 1) {
				return nil, errEmptyLabel
			}
			if len(cur) > 0 {
				labels = append(labels, string(cur))
			}
			cur = cur[:0]
		default:
			cur = append(cur, lower(c))
		}
	}
	if len(cur) > 0 {
		labels = append(labels, string(cur))
	}
	return labels, checkLengths(labels)
}

// decodeEscape reads what follows a backslash and returns the byte it stands
// for and how many input bytes it used.
func decodeEscape(rest string) (byte, int, error) {
	if len(rest) == 0 {
		return 0, 0, errBadEscape
	}
	if !isOctal(rest[0]) {
		return rest[0], 1, nil
	}
	if len(rest) < 3 || !isOctal(rest[1]) || !isOctal(rest[2]) {
		return 0, 0, errBadEscape
	}
	v := int(rest[0]-'0')*64 + int(rest[1]-'0')*8 + int(rest[2]-'0')
	if v > 255 {
		return 0, 0, errBadEscape
	}
	return byte(v), 3, nil
}

func checkLengths(labels []string) error {
	total := 1 // the root
	for _, l := range labels {
		if len(l) > maxLabelLen {
			return errLabelTooLong
		}
		total += len(l) + 1
	}
	if total > maxNameLen {
		return errNameTooLong
	}
	return nil
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// formatName renders labels the way Route 53 returns names: lower case,
// trailing dot, octal escapes for everything but a-z, 0-9, '-' and '_'.
func formatName(labels []string) string {
	if len(labels) == 0 {
		return "."
	}
	var b strings.Builder
	for _, l := range labels {
		for i := 0; i < len(l); i++ {
			c := l[i]
			if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "\\%03o", c)
			}
		}
		b.WriteByte('.')
	}
	return b.String()
}

// canonicalName parses and re-renders a name.
func canonicalName(s string) (string, error) {
	labels, err := parseName(s)
	if err != nil {
		return "", err
	}
	return formatName(labels), nil
}

// sortKey orders names as ListResourceRecordSets and ListHostedZonesByName
// do: "first by DNS name with the labels reversed, for example
// com.example.www." compared in ASCII order, trailing dot included (API
// reference, ListResourceRecordSets, "Sort order"). The input is a canonical
// name, in which a literal dot is always escaped, so splitting on '.' is safe.
func sortKey(canonical string) string {
	if canonical == "." {
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(canonical, "."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".") + "."
}

// inZone reports whether a canonical name is the zone's apex or below it.
func inZone(name, zone string) bool {
	return name == zone || strings.HasSuffix(name, "."+zone) || zone == "."
}
