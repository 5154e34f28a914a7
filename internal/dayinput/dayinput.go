// Package dayinput reads the calendar days people type into the portal's date fields, and says under each
// field which calendar it wants. The Persian pages want Jalali days; the English pages show Gregorian days
// and take them, and Jalali ones too. Every date field reads through Read and shows Hint, so that a
// field, its hint and its messages agree in each language. It has no I/O.
package dayinput

import (
	"time"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// Years that tell the calendars apart. No Jalali day a form asks for is from 1700 on (that is Gregorian
// 2321), and no Gregorian one is before it. On a Persian page, a year from 1900 to 2099 is a Gregorian day
// typed by mistake (a birth date, a recent document); a later one is no day at all in either calendar, and
// is read as Jalali for the field's checks to call it implausible.
const (
	gregorianFrom       = 1700 // in English, a year from here on is Gregorian, one before it Jalali
	looksGregorianFrom  = 1900 // in Persian, a year in [looksGregorianFrom, looksGregorianUntil) looks Gregorian
	looksGregorianUntil = 2100
)

// Read reads a calendar day typed into a date field by a reader of lang: year/month/day or
// year-month-day, in any digits.
//
// The Persian pages want the Jalali calendar: a Gregorian-looking year (1900 to 2099) is refused with the
// Jalali day it would be, rather than read as a day centuries ahead. The English pages show Gregorian days,
// so they take them (a year from 1700), and still read a Jalali one (a year before 1700), which is what
// the Persian papers in a clerk's hands say.
//
// The day comes back as midnight UTC of its Gregorian date, as a calendar day is kept (see i18n.ArgDay); when
// it cannot be read, the message says why, with today as an example in the reader's calendar.
func Read(lang i18n.Lang, s string, today time.Time) (time.Time, i18n.Msg) {
	y, m, d, ok := persian.SplitDate(s)
	bad := i18n.M("err.date", i18n.ArgDay("example", dayOf(today)))
	if !ok {
		return time.Time{}, bad
	}
	if lang == i18n.En && y >= gregorianFrom || lang != i18n.En && y >= looksGregorianFrom && y < looksGregorianUntil {
		g := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if g.Year() != y || int(g.Month()) != m || g.Day() != d || !persian.FromTime(g).Valid() {
			return time.Time{}, bad
		}
		if lang == i18n.En {
			return g, i18n.Msg{}
		}
		return time.Time{}, i18n.M("err.date_gregorian", i18n.ArgDay("date", g))
	}
	j := persian.Date{Year: y, Month: m, Day: d}
	if !j.Valid() {
		return time.Time{}, bad
	}
	return j.Time(time.UTC), i18n.Msg{}
}

// Hint is the line under a date field that says which calendar it wants, with today as the example:
// Jalali in Persian; Gregorian in English, where a Jalali day is taken too.
func Hint(lang i18n.Lang, today time.Time) string {
	jalali := persian.FromTime(today.In(i18n.Tehran)).String()
	if lang == i18n.En {
		return i18n.Message(lang, "form.date_hint_gregorian", i18n.ArgDay("example", dayOf(today)), i18n.ArgText("jalali", jalali))
	}
	return i18n.Message(lang, "form.date_hint_jalali", i18n.ArgText("example", persian.ToPersianDigits(jalali)))
}

// dayOf is the calendar day of an instant in Tehran, as ArgDay takes it.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(i18n.Tehran).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
