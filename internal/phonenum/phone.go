// Package phonenum reads Iranian phone numbers as people type them and gives each one canonical form, the
// national one with its leading zero: 09123456789 for a mobile, 07143201234 for a landline with its area
// code. People type Persian, Arabic-Indic or Latin digits, with spaces, dashes or brackets between groups,
// and the international forms (+98…, 0098…, 98…); all of them read as the same number, so that a number is
// stored, searched and compared one way. It has no I/O.
package phonenum

import (
	"strings"
	"unicode"

	"github.com/setad/setad/internal/persian"
)

// Normalize returns s in the national form (eleven digits, the first a zero) and true when it is an
// Iranian mobile (09…) or a landline with its area code (0, a two-digit area code whose first digit is 1 to
// 8, then an eight-digit number not starting with 0); otherwise "" and false. A landline typed without its area code
// is refused: eight digits alone do not say which province they ring in.
func Normalize(s string) (string, bool) {
	digits, intl, ok := onlyDigits(s)
	if !ok {
		return "", false
	}
	// The country code, written +98, 0098 or (on twelve digits) 98; some write the national zero after it
	// too, as in +98 (0)71….
	rest, cc := "", false
	switch {
	case strings.HasPrefix(digits, "0098"):
		rest, cc = digits[4:], true
	case strings.HasPrefix(digits, "98") && (intl || len(digits) == 12):
		rest, cc = digits[2:], true
	}
	if cc {
		digits = "0" + strings.TrimPrefix(rest, "0")
	}
	if len(digits) != 11 || digits[0] != '0' {
		return "", false
	}
	switch a := digits[1]; {
	case a == '9': // a mobile: 09 and nine digits
	case a >= '1' && a <= '8' && digits[3] != '0': // an area code, then the number
	default:
		return "", false
	}
	return digits, true
}

// Valid reports whether s reads as a phone number (see Normalize).
func Valid(s string) bool {
	_, ok := Normalize(s)
	return ok
}

// onlyDigits keeps the digits of s in Latin form, skipping the separators people put between groups
// (white space, dashes, brackets, dots) and invisible formatting marks pasted with the number; intl is
// true when s starts with a plus. Any other character means s is not a phone number.
func onlyDigits(s string) (digits string, intl, ok bool) {
	s, intl = strings.CutPrefix(persian.ToLatinDigits(strings.TrimSpace(s)), "+")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), unicode.Is(unicode.Cf, r), strings.ContainsRune("().", r):
		default:
			return "", false, false
		}
	}
	return b.String(), intl, b.Len() > 0
}
