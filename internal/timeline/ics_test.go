package timeline

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// feed is a calendar with what a feed must survive: Persian text long enough to be folded, the characters
// TEXT escapes, line breaks of every kind, and a one-day event.
func feed() Feed {
	return Feed{
		Name:  "ستاد: برنامه زمانبندی، مرودشت, فارس",
		Stamp: time.Date(2026, 1, 5, 8, 30, 15, 0, time.FixedZone("Tehran", 7*1800)),
		Events: []Event{
			{
				UID:         UID(3, 7, "county-marvdasht"),
				From:        date(2026, 1, 11),
				To:          date(2026, 1, 18),
				Summary:     "ثبت‌نام داوطلبان شهر, با تمدید; یک روز\nشهرهای بالای ۲۰۰٬۰۰۰ نفر، مرحله دوم؛ پایان",
				Description: "ماده ۳۱ قانون انتخابات شوراها\nثبت‌نام اینترنتی: ۷ روز, تمدید; یک روز\\ پایان\r\nخط سوم\rخط چهارم " + strings.Repeat("بلند ", 40),
			},
			{
				UID:     UID(3, 12, "district-12"),
				From:    time.Date(2026, 5, 1, 0, 0, 0, 0, time.FixedZone("Tehran", 7*1800)),
				To:      time.Date(2026, 5, 1, 0, 0, 0, 0, time.FixedZone("Tehran", 7*1800)),
				Summary: "Election day, voting; at least 10 hours",
			},
		},
	}
}

func writeFeed(t *testing.T, f Feed) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteICS(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A real iCalendar parser reads back every value written.
func TestICSParsed(t *testing.T) {
	f := feed()
	out := writeFeed(t, f)
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	props := map[string]string{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = p.Value
	}
	for name, want := range map[string]string{"VERSION": "2.0", "CALSCALE": "GREGORIAN",
		"PRODID": "-//Setad//Election timeline//EN", "X-WR-CALNAME": f.Name} {
		if props[name] != want {
			t.Errorf("%s = %q, want %q", name, props[name], want)
		}
	}
	events := cal.Events()
	if len(events) != len(f.Events) {
		t.Fatalf("%d events, want %d", len(events), len(f.Events))
	}
	wantEnds := []string{"20260119", "20260502"} // the day after the last: DTEND is exclusive
	wantStarts := []string{"20260111", "20260501"}
	for i, e := range events {
		w := f.Events[i]
		if e.Id() != w.UID {
			t.Errorf("event %d: UID %q, want %q", i, e.Id(), w.UID)
		}
		text := func(p ics.ComponentProperty) string {
			if prop := e.GetProperty(p); prop != nil {
				return prop.Value
			}
			return ""
		}
		wantDescription := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(w.Description)
		if got := text(ics.ComponentPropertySummary); got != w.Summary {
			t.Errorf("event %d: SUMMARY %q, want %q", i, got, w.Summary)
		}
		if got := text(ics.ComponentPropertyDescription); got != wantDescription {
			t.Errorf("event %d: DESCRIPTION %q, want %q", i, got, wantDescription)
		}
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyDtStart, ics.ComponentPropertyDtEnd} {
			if v := e.GetProperty(p).ICalParameters["VALUE"]; len(v) != 1 || v[0] != "DATE" {
				t.Errorf("event %d: %s has VALUE %v", i, p, v)
			}
		}
		start, err := e.GetAllDayStartAt()
		if err != nil || start.Format("20060102") != wantStarts[i] {
			t.Errorf("event %d: DTSTART %s, %v; want %s", i, start, err, wantStarts[i])
		}
		end, err := e.GetAllDayEndAt()
		if err != nil || end.Format("20060102") != wantEnds[i] {
			t.Errorf("event %d: DTEND %s, %v; want %s", i, end, err, wantEnds[i])
		}
		stamp, err := e.GetDtStampTime()
		if err != nil || !stamp.Equal(f.Stamp) || text(ics.ComponentPropertyDtstamp) != "20260105T050015Z" {
			t.Errorf("event %d: DTSTAMP %s (%q), %v; want %s in UTC", i, stamp, text(ics.ComponentPropertyDtstamp), err, f.Stamp)
		}
		if got := text(ics.ComponentPropertyTransp); got != "TRANSPARENT" {
			t.Errorf("event %d: TRANSP %q", i, got)
		}
	}
	if events[1].GetProperty(ics.ComponentPropertyDescription) != nil {
		t.Error("an event without a description has one")
	}
	if got := events[0].Id(); got != "milestone-7.election-3.county-marvdasht@setad" {
		t.Errorf("UID %q", got)
	}
}

// Octet by octet: every line ends in CRLF, none is longer than 75 octets or splits a UTF-8 sequence, each
// continuation starts with one space, and unfolded the lines are the properties as written.
func TestICSBytes(t *testing.T) {
	out := writeFeed(t, feed())
	if !bytes.HasSuffix(out, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("the feed ends %q", out[max(0, len(out)-20):])
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
	folded := 0
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 5 {
		t.Errorf("only %d continuation lines: the test does not exercise folding", folded)
	}
	unfolded := strings.Split(strings.ReplaceAll(string(out), "\r\n ", ""), "\r\n")
	for _, want := range []string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "CALSCALE:GREGORIAN", "X-WR-CALNAME:ستاد: برنامه زمانبندی، مرودشت\\, فارس",
		"BEGIN:VEVENT", "UID:milestone-7.election-3.county-marvdasht@setad", "DTSTAMP:20260105T050015Z",
		"DTSTART;VALUE=DATE:20260111", "DTEND;VALUE=DATE:20260119",
		`SUMMARY:ثبت‌نام داوطلبان شهر\, با تمدید\; یک روز\nشهرهای بالای ۲۰۰٬۰۰۰ نفر، مرحله دوم؛ پایان`,
		"SUMMARY:Election day\\, voting\\; at least 10 hours", "DTSTART;VALUE=DATE:20260501", "DTEND;VALUE=DATE:20260502",
		"END:VEVENT", "END:VCALENDAR",
	} {
		found := false
		for _, l := range unfolded {
			found = found || l == want
		}
		if !found {
			t.Errorf("no line %q in\n%s", want, out)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"short", "SUMMARY:x"},
		{"75 octets", "SUMMARY:" + strings.Repeat("a", 67)},
		{"76 octets", "SUMMARY:" + strings.Repeat("a", 68)},
		{"long ASCII", "DESCRIPTION:" + strings.Repeat("abcdefghij", 30)},
		{"Persian, two octets a letter, cut after an odd prefix", "SUMMARY:" + strings.Repeat("ب", 100)},
		{"Persian from an even prefix", "SUMMARY;X=1:" + strings.Repeat("ب", 100)},
		{"three octets a character", "SUMMARY:" + strings.Repeat("\u200c€", 60)},
		{"four octets a character", "SUMMARY:" + strings.Repeat("😀", 50)},
		{"mixed", "SUMMARY:" + strings.Repeat("aب€😀", 40)},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeFolded(&b, tt.in)
		out := b.String()
		if !strings.HasSuffix(out, "\r\n") {
			t.Errorf("%s: no CRLF at the end", tt.name)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		for i, l := range lines {
			if len(l) > 75 || !utf8.ValidString(l) || i > 0 && (!strings.HasPrefix(l, " ") || len(l) < 2) {
				t.Errorf("%s: line %d is %q (%d octets)", tt.name, i, l, len(l))
			}
			// Each line is as full as it can be without splitting a character.
			if i < len(lines)-1 && len(l) < 72 {
				t.Errorf("%s: line %d has only %d octets", tt.name, i, len(l))
			}
		}
		if got := strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n ", ""); got != tt.in {
			t.Errorf("%s: unfolds to %q", tt.name, got)
		}
		if wantLines := 1; len(tt.in) <= 75 && len(lines) != wantLines {
			t.Errorf("%s: %d lines for %d octets", tt.name, len(lines), len(tt.in))
		}
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a,b;c\\d", `a\,b\;c\\d`},
		{"one\ntwo\r\nthree\rfour", `one\ntwo\nthree\nfour`},
		{"\r\n\r\n", `\n\n`},
		{"tab\tkept", "tab\tkept"},
		{"bell\a null\x00 escape\x1b del\x7f", "bell null escape del"},
		{"ستاد، مرودشت؛ \"quoted\": yes", "ستاد، مرودشت؛ \"quoted\": yes"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{`\n is not a newline`, `\\n is not a newline`},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestICSInvalidEvents(t *testing.T) {
	tests := []Event{
		{UID: "", From: date(2026, 1, 1), To: date(2026, 1, 2), Summary: "no UID"},
		{UID: "x@setad", From: date(2026, 1, 2), To: date(2026, 1, 1), Summary: "ends before it starts"},
	}
	for _, e := range tests {
		f := feed()
		f.Events = append(f.Events, e)
		var b bytes.Buffer
		if err := WriteICS(&b, f); !errors.Is(err, ErrEvent) || b.Len() != 0 {
			t.Errorf("%s: %v, wrote %d bytes", e.Summary, err, b.Len())
		}
	}
	// No events is a valid, empty calendar.
	out := writeFeed(t, Feed{Name: "empty", Stamp: time.Now()})
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil || len(cal.Events()) != 0 {
		t.Errorf("an empty feed: %v, %d events", err, len(cal.Events()))
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestICSWriteError(t *testing.T) {
	if err := WriteICS(failingWriter{}, feed()); err == nil || err.Error() != "gone" {
		t.Errorf("WriteICS to a failing writer: %v", err)
	}
}
