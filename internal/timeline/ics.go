package timeline

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Feed is a calendar feed of all-day events (RFC 5545), as a calendar application subscribes to it.
type Feed struct {
	Name   string    // the calendar's name in the application (X-WR-CALNAME)
	Stamp  time.Time // when the feed was made: every event's DTSTAMP
	Events []Event
}

// Event is one milestone's window as an all-day event.
type Event struct {
	UID         string    // stable across feeds (see UID), so that an application updates the event in place
	From, To    time.Time // the first and the last day, both included (civil days)
	Summary     string
	Description string
}

// UID is the stable identifier of a milestone's event in one scope of one election, such as
// "milestone-7.election-3.county-marvdasht@setad": the same event keeps it when its dates move.
func UID(election, milestone int64, scope string) string {
	return fmt.Sprintf("milestone-%d.election-%d.%s@setad", milestone, election, scope)
}

// ErrEvent is WriteICS's error for an event without a UID or whose last day is before its first.
var ErrEvent = errors.New("timeline: an event needs a UID and a last day not before its first")

// maxLine is RFC 5545's limit on a content line, in octets, without its CRLF.
const maxLine = 75

// WriteICS writes f to w as an iCalendar object: CRLF line ends, lines folded at 75 octets between UTF-8
// sequences, TEXT values escaped, and each event all-day (DTSTART;VALUE=DATE, and DTEND;VALUE=DATE the day
// after its last, since the end of a date range is exclusive). The events are free time (TRANSP:TRANSPARENT):
// a deadline does not make anyone busy. It writes nothing when an event is invalid (ErrEvent).
func WriteICS(w io.Writer, f Feed) error {
	for _, e := range f.Events {
		if e.UID == "" || day(e.To).Before(day(e.From)) {
			return fmt.Errorf("%w: %q", ErrEvent, e.UID)
		}
	}
	var b strings.Builder
	line := func(name, value string) {
		writeFolded(&b, name+":"+value)
	}
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Setad//Election timeline//EN")
	line("CALSCALE", "GREGORIAN")
	line("X-WR-CALNAME", escapeText(f.Name))
	stamp := f.Stamp.UTC().Format("20060102T150405Z")
	for _, e := range f.Events {
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID))
		line("DTSTAMP", stamp)
		line("DTSTART;VALUE=DATE", day(e.From).Format("20060102"))
		line("DTEND;VALUE=DATE", day(e.To).AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeText writes s as an RFC 5545 TEXT value: a backslash, a semicolon and a comma are escaped, every
// line break (CRLF, CR or LF) becomes \n, and the other control characters, which TEXT may not hold, are
// dropped. Invalid UTF-8 becomes U+FFFD, so that folding can find where each character ends.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == ';' || c == ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t' || c >= 0x20 && c != 0x7f:
			b.WriteByte(c) // a byte of a multi-byte sequence is ≥ 0x80, never one of the above
		}
	}
	return b.String()
}

// writeFolded writes one content line and its CRLF, folded (RFC 5545 section 3.1): no line longer than 75
// octets, each continuation starting with a space, and no UTF-8 sequence split across two lines.
func writeFolded(b *strings.Builder, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
