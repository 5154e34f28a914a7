package persian

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	persianZero      = '\u06F0' // EXTENDED ARABIC-INDIC DIGIT ZERO, the digits Persian uses
	arabicIndicZero  = '\u0660' // ARABIC-INDIC DIGIT ZERO, common in text pasted from Arabic sources
	persianThousands = '\u066C' // ARABIC THOUSANDS SEPARATOR
)

// ToPersianDigits replaces Latin and Arabic-Indic digits with Persian ones (U+06F0 to U+06F9).
// Everything else, including invalid UTF-8, is left byte for byte as it was.
func ToPersianDigits(s string) string {
	return mapDigits(s, persianZero)
}

// ToLatinDigits replaces Persian and Arabic-Indic digits with ASCII 0 to 9. Everything else,
// including invalid UTF-8, is left byte for byte as it was.
func ToLatinDigits(s string) string {
	return mapDigits(s, '0')
}

// digitValue returns the value of a Latin, Persian or Arabic-Indic decimal digit.
func digitValue(r rune) (int, bool) {
	switch {
	case '0' <= r && r <= '9':
		return int(r - '0'), true
	case persianZero <= r && r <= persianZero+9:
		return int(r - persianZero), true
	case arabicIndicZero <= r && r <= arabicIndicZero+9:
		return int(r - arabicIndicZero), true
	}
	return 0, false
}

// mapDigits rewrites every digit into the script starting at zero. It copies bytes rather than
// using strings.Map, which would turn invalid UTF-8 into U+FFFD, and it returns s itself when
// nothing changes so the common already-converted case does not allocate.
func mapDigits(s string, zero rune) string {
	var b strings.Builder
	started := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		v, isDigit := digitValue(r)
		if !isDigit || r == zero+rune(v) {
			if started {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		if !started {
			// Each input byte yields at most RuneLen(zero) output bytes, so one allocation suffices.
			b.Grow(len(s) * utf8.RuneLen(zero))
			b.WriteString(s[:i])
			started = true
		}
		b.WriteRune(zero + rune(v))
		i += size
	}
	if !started {
		return s
	}
	return b.String()
}

// FormatInt formats n in decimal with thousands grouped: "1,234,567" in Latin, or "۱٬۲۳۴٬۵۶۷"
// with Persian digits and the Arabic thousands separator U+066C when persian is true. Negative
// numbers start with a plain '-' in both, so they stay searchable and copy-pastable.
func FormatInt(n int64, persian bool) string {
	// Unsigned negation gives |n| even for math.MinInt64, whose magnitude does not fit in int64.
	mag := uint64(n)
	if n < 0 {
		mag = -mag
	}
	digits := strconv.FormatUint(mag, 10)

	var b strings.Builder
	b.Grow(1 + 2*len(digits) + 2*(len(digits)/3)) // room for the Persian form, the wider one
	if n < 0 {
		b.WriteByte('-')
	}
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			if persian {
				b.WriteRune(persianThousands)
			} else {
				b.WriteByte(',')
			}
		}
		if persian {
			b.WriteRune(persianZero + rune(digits[i]-'0'))
		} else {
			b.WriteByte(digits[i])
		}
	}
	return b.String()
}

// AppendPadded appends n (not negative) in decimal to b, with zeros in front up to width digits, as
// fmt's %0*d writes it: in Persian digits when persianDigits is set, else in Latin ones.
func AppendPadded(b []byte, n, width int, persianDigits bool) []byte {
	var digits [20]byte
	i := len(digits)
	for u := uint64(n); u > 0 || i == len(digits); u /= 10 {
		i--
		digits[i] = byte('0' + u%10)
	}
	for range width - (len(digits) - i) {
		b = appendDigit(b, 0, persianDigits)
	}
	for _, c := range digits[i:] {
		b = appendDigit(b, c-'0', persianDigits)
	}
	return b
}

// appendDigit appends the digit v.
func appendDigit(b []byte, v byte, persianDigits bool) []byte {
	if !persianDigits {
		return append(b, '0'+v)
	}
	return utf8.AppendRune(b, persianZero+rune(v))
}
