// Package schedule reads when and where a training session is held, as its form gives them: the time of
// day typed as HH:MM in any digits, the day and the time made one instant in Tehran, and the place, which
// is shown as a link only when it is an https address. It has no I/O.
package schedule

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// ReadClock reads a time of day typed as H:MM or HH:MM (Persian, Arabic-Indic or Latin digits; the
// Persian and Arabic colon-like separators too), 00:00 to 23:59. It returns the hour and the minute.
func ReadClock(s string) (hour, minute int, ok bool) {
	s = strings.TrimSpace(persian.ToLatinDigits(s))
	s = strings.NewReplacer("٫", ":", "：", ":", ".", ":").Replace(s)
	h, m, found := strings.Cut(s, ":")
	if !found || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, 0, false
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || strings.ContainsAny(h+m, "+-") {
		return 0, 0, false
	}
	return hour, minute, true
}

// At is the instant of a calendar day (midnight UTC of its Gregorian date, as dayinput.Read gives it) at
// hour:minute in Tehran.
func At(day time.Time, hour, minute int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, i18n.Tehran)
}

// Clock writes an instant's time of day in Tehran as HH:MM, Latin digits (the form's own value).
func Clock(t time.Time) string { return t.In(i18n.Tehran).Format("15:04") }

// Day is an instant's calendar day in Tehran, as midnight UTC of its date (the form of a day dayinput
// reads and i18n.Day writes).
func Day(t time.Time) time.Time {
	y, m, d := t.In(i18n.Tehran).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// OnlineLink returns the place as a link when it is one https address and nothing else (no spaces, a
// host, no user name or password in it); else "". Any other text, an http:// or javascript: address
// among them, is shown as text.
func OnlineLink(place string) string {
	place = strings.TrimSpace(place)
	if place == "" || strings.ContainsAny(place, " \t\n\"'<>`\\") || !strings.HasPrefix(strings.ToLower(place), "https://") {
		return ""
	}
	u, err := url.Parse(place)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return u.String()
}
