package dayinput

import (
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
)

// today is 1405/09/09 in Tehran.
var today = time.Date(2026, 11, 30, 9, 0, 0, 0, i18n.Tehran)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestRead(t *testing.T) {
	tests := []struct {
		lang i18n.Lang
		in   string
		want time.Time // zero when refused
		key  string    // the message of a refusal
	}{
		// Persian pages: Jalali, in any digits and either separator.
		{i18n.Fa, "1405/09/09", day(2026, 11, 30), ""},
		{i18n.Fa, "۱۳۷۰/۰۵/۱۲", day(1991, 8, 3), ""},
		{i18n.Fa, "١٣٧٠-٥-١٢", day(1991, 8, 3), ""},
		{i18n.Fa, " 1403/12/30 ", day(2025, 3, 20), ""}, // a leap Esfand
		{i18n.Fa, "1899/01/01", day(2520, 3, 20), ""},   // still Jalali: the plausibility checks catch it
		// A Gregorian-looking year is not read as a Jalali day centuries ahead.
		{i18n.Fa, "2026-11-20", time.Time{}, "err.date_gregorian"},
		{i18n.Fa, "1980/01/01", time.Time{}, "err.date_gregorian"},
		{i18n.Fa, "۱۹۸۰/۰۱/۰۱", time.Time{}, "err.date_gregorian"},
		{i18n.Fa, "2026-02-30", time.Time{}, "err.date"}, // not a Gregorian day either
		{i18n.Fa, "2405/01/01", day(3026, 3, 21), ""},    // no day at all: left to the field's plausibility check
		{i18n.Fa, "1404/12/30", time.Time{}, "err.date"}, // not a leap year
		{i18n.Fa, "1405/13/01", time.Time{}, "err.date"},
		{i18n.Fa, "", time.Time{}, "err.date"},
		{i18n.Fa, "1405.09.09", time.Time{}, "err.date"},
		{i18n.Fa, "14050909", time.Time{}, "err.date"},
		// English pages: Gregorian from 1700, Jalali before.
		{i18n.En, "2026-11-20", day(2026, 11, 20), ""},
		{i18n.En, "1980/01/01", day(1980, 1, 1), ""},
		{i18n.En, "۲۰۲۶-۱۱-۲۰", day(2026, 11, 20), ""},
		{i18n.En, "1405/09/09", day(2026, 11, 30), ""},
		{i18n.En, "1370-5-12", day(1991, 8, 3), ""},
		{i18n.En, "2026-02-29", time.Time{}, "err.date"},
		{i18n.En, "2024-02-29", day(2024, 2, 29), ""},
		{i18n.En, "1700-13-01", time.Time{}, "err.date"},
		{i18n.En, "1404/12/30", time.Time{}, "err.date"},
		{i18n.En, "30/11/2026", time.Time{}, "err.date"}, // day first is not read
		{i18n.En, "nonsense", time.Time{}, "err.date"},
	}
	for _, tt := range tests {
		got, msg := Read(tt.lang, tt.in, today)
		if !got.Equal(tt.want) || msg.Key != tt.key {
			t.Errorf("Read(%s, %q) = %v, %q; want %v, %q", tt.lang, tt.in, got, msg.Key, tt.want, tt.key)
		}
	}
}

// The messages say what to type in the reader's calendar: today as the example, and for a Gregorian day
// typed on a Persian page the Jalali day it is.
func TestReadMessages(t *testing.T) {
	_, msg := Read(i18n.Fa, "1980/01/01", today)
	if got := msg.In(i18n.Fa); !strings.Contains(got, "میلادی") || !strings.Contains(got, "۱۳۵۸/۱۰/۱۱") {
		t.Errorf("fa: %q", got)
	}
	_, msg = Read(i18n.Fa, "x", today)
	if got := msg.In(i18n.Fa); !strings.Contains(got, "۱۴۰۵/۰۹/۰۹") {
		t.Errorf("fa: %q", got)
	}
	_, msg = Read(i18n.En, "x", today)
	if got := msg.In(i18n.En); !strings.Contains(got, "2026-11-30") {
		t.Errorf("en: %q", got)
	}
}

func TestHint(t *testing.T) {
	if got := Hint(i18n.Fa, today); !strings.Contains(got, "شمسی") || !strings.Contains(got, "۱۴۰۵/۰۹/۰۹") {
		t.Errorf("fa: %q", got)
	}
	if got := Hint(i18n.En, today); !strings.Contains(got, "Gregorian") || !strings.Contains(got, "2026-11-30") ||
		!strings.Contains(got, "1405/09/09") {
		t.Errorf("en: %q", got)
	}
	// Just after midnight in Tehran it is already the next day there.
	if got := Hint(i18n.En, time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC)); !strings.Contains(got, "2026-12-01") {
		t.Errorf("en at 00:30 Tehran: %q", got)
	}
}
