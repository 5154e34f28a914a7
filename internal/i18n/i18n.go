// Package i18n owns the user's language: the two message catalogues (Persian first, English complete),
// the locale carried in the request context, and the formatting of numbers and dates for it: Persian
// digits and the Jalali calendar in fa, Latin digits and the Gregorian calendar in en, always in Tehran
// time.
package i18n

import (
	"context"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Tehran must not depend on the host's zone files

	"github.com/setad/setad/internal/persian"
)

// Lang is a supported language.
type Lang string

// The supported languages; Fa is the default.
const (
	Fa Lang = "fa"
	En Lang = "en"
)

// Parse returns the language for code, or Fa and false for anything else.
func Parse(code string) (Lang, bool) {
	switch Lang(code) {
	case Fa, En:
		return Lang(code), true
	}
	return Fa, false
}

var catalogues = map[Lang]map[string]string{Fa: fa, En: en}

// merge adds an area's messages to a catalogue: an area whose messages are many keeps them in a file of
// its own (var _ = merge(fa, …) beside merge(en, …)). A key given twice is a mistake in the code.
func merge(into, area map[string]string) bool {
	for k, v := range area {
		if _, dup := into[k]; dup {
			panic("i18n: message " + k + " is given twice")
		}
		into[k] = v
	}
	return true
}

// Tehran is the time zone every time is shown in.
var Tehran = mustLoad("Asia/Tehran")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}

type ctxKey struct{}

// NewContext returns ctx carrying lang.
func NewContext(ctx context.Context, lang Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// From returns the request's language (Fa when none was set).
func From(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return Fa
}

// Dir is the writing direction of the request's language.
func Dir(ctx context.Context) string {
	if From(ctx) == Fa {
		return "rtl"
	}
	return "ltr"
}

// Message returns the text of key in lang with its placeholders filled from args: {name} is the
// argument's value, and {name|one|other} is a plural choice, the word that goes with the number name in
// lang ("{count} {count|board|boards}": "1 board", "2 boards"). An unknown key returns the key itself so
// that a gap is visible; a placeholder without an argument renders empty and an argument without a
// placeholder is ignored, and the tests fail on both so that neither reaches a page.
func Message(lang Lang, key string, args ...Arg) string {
	msg, ok := catalogues[lang][key]
	if !ok {
		return key
	}
	if !strings.Contains(msg, "{") {
		return msg // most messages have no placeholder: nothing to build
	}
	var b strings.Builder
	for {
		p, before, after, ok := nextPlaceholder(msg)
		if !ok {
			break
		}
		b.WriteString(before)
		for _, a := range args {
			if a.Name == p.name {
				if p.forms != nil {
					b.WriteString(p.forms[a.pluralForm(lang)])
				} else {
					b.WriteString(a.in(lang))
				}
				break
			}
		}
		msg = after
	}
	b.WriteString(msg)
	return b.String()
}

// The functions below write in the request's language, which each finds in the request's context. A page
// that writes many texts (a long list's cells) takes the language once, with From, and writes them with
// Message and the methods of Lang of the same names: the context of a component deep in a page is a long
// chain to walk.

// T is Message in the request's language.
func T(ctx context.Context, key string, args ...Arg) string {
	return Message(From(ctx), key, args...)
}

// Num formats an integer with the request's digits and thousands separator.
func Num(ctx context.Context, n int) string { return From(ctx).Num(n) }

// Num formats an integer with l's digits and thousands separator.
func (l Lang) Num(n int) string { return persian.FormatInt(int64(n), l == Fa) }

// Digits turns Latin digits in s into Persian ones in fa.
func Digits(ctx context.Context, s string) string { return From(ctx).Digits(s) }

// Digits turns Latin digits in s into Persian ones when l is fa.
func (l Lang) Digits(s string) string {
	if l == Fa {
		return persian.ToPersianDigits(s)
	}
	return s
}

// Date formats t's day in Tehran: ۱۴۰۵/۰۲/۱۱ in fa, 2026-05-01 in en.
func Date(ctx context.Context, t time.Time) string { return dateIn(From(ctx), t) }

// Date is Date in l.
func (l Lang) Date(t time.Time) string { return dateIn(l, t) }

func dateIn(lang Lang, t time.Time) string {
	t = t.In(Tehran)
	if lang == Fa {
		return persian.FromTime(t).Persian()
	}
	return t.Format(time.DateOnly)
}

// Day formats a calendar date (a Postgres date, read as midnight UTC) without shifting it between zones.
func Day(ctx context.Context, d time.Time) string { return dayIn(From(ctx), d) }

// Day is Day in l.
func (l Lang) Day(d time.Time) string { return dayIn(l, d) }

func dayIn(lang Lang, d time.Time) string {
	return dateIn(lang, time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, Tehran))
}

// DateTime formats an instant in Tehran with its time of day: ۱۴۰۵/۰۲/۱۱ ۰۰:۳۰ in fa, 2026-05-01 00:30 in en.
func DateTime(ctx context.Context, t time.Time) string { return From(ctx).DateTime(t) }

// DateTime is DateTime in l.
func (l Lang) DateTime(t time.Time) string {
	t = t.In(Tehran)
	if l == En {
		return t.Format("2006-01-02 15:04")
	}
	b := persian.FromTime(t).Append(make([]byte, 0, 48), true)
	b = append(b, ' ')
	b = persian.AppendPadded(b, t.Hour(), 2, true)
	b = append(b, ':')
	return string(persian.AppendPadded(b, t.Minute(), 2, true))
}

// LongDate is the date for a page header: "پنجشنبه ۵ آذر ۱۴۰۵" in fa, "Thursday 26 November 2026" in en.
func LongDate(ctx context.Context, t time.Time) string {
	t = t.In(Tehran)
	if From(ctx) == En {
		return t.Format("Monday 2 January 2006")
	}
	d := persian.FromTime(t)
	b := append(make([]byte, 0, 64), weekdaysFa[t.Weekday()]...)
	b = persian.AppendPadded(append(b, ' '), d.Day, 1, true)
	b = append(append(append(b, ' '), persian.MonthName(d.Month)...), ' ')
	return string(persian.AppendPadded(b, d.Year, 1, true))
}

var weekdaysFa = [...]string{"یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"}

// Pick returns the Persian or the English form of a name stored in both.
func Pick(ctx context.Context, fa, en string) string { return From(ctx).Pick(fa, en) }

// Pick is Pick in l.
func (l Lang) Pick(fa, en string) string {
	if l == En {
		return en
	}
	return fa
}
