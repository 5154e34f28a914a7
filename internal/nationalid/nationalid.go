// Package nationalid validates the Iranian national ID (کد ملی): ten digits whose last is a check digit
// over the first nine. Input may use Persian, Arabic-Indic or Latin digits, spaces or dashes between
// groups, and 8 or 9 digits (left-padded with zeros). It has no I/O.
package nationalid

import (
	"errors"
	"strings"

	"github.com/setad/setad/internal/persian"
)

// Errors of Parse.
var (
	ErrFormat   = errors.New("nationalid: not 8 to 10 digits")
	ErrChecksum = errors.New("nationalid: check digit does not match")
	ErrRepeated = errors.New("nationalid: one digit repeated ten times")
)

// Parse returns the canonical ten Latin digits of s, or why s is not a national ID.
func Parse(s string) (string, error) {
	s = persian.ToLatinDigits(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u200c' {
			return -1
		}
		return r
	}, s)
	if len(s) < 8 || len(s) > 10 {
		return "", ErrFormat
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrFormat
		}
	}
	s = strings.Repeat("0", 10-len(s)) + s
	if strings.Count(s, s[:1]) == 10 {
		return "", ErrRepeated
	}
	if s[9]-'0' != CheckDigit(s[:9]) {
		return s, ErrChecksum
	}
	return s, nil
}

// Valid reports whether s is a national ID.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// CheckDigit computes the tenth digit for nine Latin digits: S = d0×10 + d1×9 + … + d8×2, r = S mod 11,
// and the check digit is r when r < 2, else 11 − r.
func CheckDigit(nine string) byte {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(nine[i]-'0') * (10 - i)
	}
	r := sum % 11
	if r < 2 {
		return byte(r)
	}
	return byte(11 - r)
}
