package persian

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jalaali/go-jalaali"
)

// ErrInvalidDate is returned by ParseDate for input that is malformed or not a real Jalali date.
var ErrInvalidDate = errors.New("persian: invalid Jalali date")

// The supported year range. go-jalaali's leap-year table ends at 3177; it also accepts years down
// to -61, but year 0 and earlier have no use here and would not survive String and ParseDate.
const (
	minYear = 1
	maxYear = 3177
)

// Gregorian years that can hold a supported Jalali date. Checking them before calling go-jalaali
// keeps absurd years away from its arithmetic, which would otherwise overflow silently.
const (
	minGregorianYear = minYear + 621
	maxGregorianYear = maxYear + 621
)

// monthNames are the Persian names of the Jalali months, Farvardin first.
var monthNames = [12]string{
	"فروردین", "اردیبهشت", "خرداد",
	"تیر", "مرداد", "شهریور",
	"مهر", "آبان", "آذر",
	"دی", "بهمن", "اسفند",
}

// Date is a Jalali calendar date.
type Date struct{ Year, Month, Day int }

// FromTime converts t's calendar date, as seen in t's own location, to Jalali. The location
// matters: an instant just after midnight in Tehran is still the previous day in UTC. It returns
// the zero Date, which is not Valid, when t falls outside the supported range.
func FromTime(t time.Time) Date {
	gy, gm, gd := t.Date()
	if gy < minGregorianYear || gy > maxGregorianYear {
		return Date{}
	}
	jy, jm, jd, err := jalaali.ToJalaali(gy, gm, gd)
	if err != nil {
		return Date{}
	}
	d := Date{Year: jy, Month: int(jm), Day: jd}
	// The first days of Gregorian 622 map to Jalali year 0, which go-jalaali returns without error.
	if !d.Valid() {
		return Date{}
	}
	return d
}

// Time returns midnight at the start of d in loc. It returns the zero time.Time if d is not
// Valid. Like time.Date, it panics if loc is nil.
func (d Date) Time(loc *time.Location) time.Time {
	if !d.Valid() {
		return time.Time{}
	}
	gy, gm, gd, err := jalaali.ToGregorian(d.Year, jalaali.Month(d.Month), d.Day)
	if err != nil {
		return time.Time{}
	}
	return time.Date(gy, gm, gd, 0, 0, 0, 0, loc)
}

// Valid reports whether d is a real Jalali date in years 1 to 3177.
func (d Date) Valid() bool {
	return d.Year >= minYear && jalaali.IsValidDate(d.Year, d.Month, d.Day)
}

// String formats d as "1405/02/11" with Latin digits. The year is padded to four digits too, so
// that strings of dates sort in date order.
func (d Date) String() string {
	return string(d.Append(make([]byte, 0, 10), false))
}

// Persian formats d as String does, with Persian digits: "۱۴۰۵/۰۲/۱۱".
func (d Date) Persian() string {
	return string(d.Append(make([]byte, 0, 28), true))
}

// Append appends d as String writes it, with Persian digits when persianDigits is set, to b: a list of
// dates is written without formatting each through fmt and converting its digits after.
func (d Date) Append(b []byte, persianDigits bool) []byte {
	if d.Year < 0 || d.Month < 0 || d.Day < 0 { // not a date; fmt writes its signs
		s := fmt.Sprintf("%04d/%02d/%02d", d.Year, d.Month, d.Day)
		if persianDigits {
			s = ToPersianDigits(s)
		}
		return append(b, s...)
	}
	b = AppendPadded(b, d.Year, 4, persianDigits)
	b = append(b, '/')
	b = AppendPadded(b, d.Month, 2, persianDigits)
	b = append(b, '/')
	return AppendPadded(b, d.Day, 2, persianDigits)
}

// ParseDate parses a year/month/day Jalali date such as "1405/02/11", "1405-2-11" or
// "۱۴۰۵/۰۲/۱۱" (see SplitDate). Anything malformed, or not a real date, yields ErrInvalidDate.
func ParseDate(s string) (Date, error) {
	y, m, d, ok := SplitDate(s)
	date := Date{Year: y, Month: m, Day: d}
	if !ok || !date.Valid() {
		return Date{}, ErrInvalidDate
	}
	return date, nil
}

// SplitDate reads the three numbers of a date written year/month/day, in whatever calendar: a year of one
// to four digits, a month and a day of one or two. Digits may be Latin, Persian or Arabic-Indic, because
// users type all three; the separator is '/' or '-' but must be the same in both places. Surrounding white
// space is ignored. It does not say whether the numbers make a date.
func SplitDate(s string) (year, month, day int, ok bool) {
	s = ToLatinDigits(strings.TrimSpace(s))
	sep := "/"
	if !strings.Contains(s, sep) {
		sep = "-"
	}
	ys, rest, ok1 := strings.Cut(s, sep)
	ms, ds, ok2 := strings.Cut(rest, sep)
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	// A third separator, a sign or any other stray byte fails parseDigits.
	y, oky := parseDigits(ys, 4)
	m, okm := parseDigits(ms, 2)
	d, okd := parseDigits(ds, 2)
	return y, m, d, oky && okm && okd
}

// parseDigits parses 1 to maxLen ASCII digits. Unlike strconv.Atoi it rejects signs, and the
// length cap means the value can never overflow.
func parseDigits(s string, maxLen int) (int, bool) {
	if len(s) == 0 || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsLeap reports whether the Jalali year has 366 days (a 30-day Esfand). It reports false for
// years outside 1 to 3177.
func IsLeap(year int) bool {
	if year < minYear || year > maxYear {
		return false
	}
	leap, err := jalaali.IsLeapYear(year)
	return err == nil && leap
}

// MonthLength returns the number of days in the given Jalali month: 31 for the first six months,
// 30 for the next five, and 29 or 30 for Esfand. It returns 0 for a month outside 1 to 12 or a
// year outside 1 to 3177, which go-jalaali would otherwise answer for the first eleven months.
func MonthLength(year, month int) int {
	if year < minYear || year > maxYear || month < 1 || month > 12 {
		return 0
	}
	n, err := jalaali.MonthLength(year, month)
	if err != nil {
		return 0
	}
	return n
}

// MonthName returns the Persian name of a Jalali month, from فروردین for 1 to اسفند for 12, or
// "" for any other number.
func MonthName(month int) string {
	if month < 1 || month > 12 {
		return ""
	}
	return monthNames[month-1]
}
