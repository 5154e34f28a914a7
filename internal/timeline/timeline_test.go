package timeline

import (
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// date is a civil day, midnight UTC.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// jalali is the civil day of a Jalali date, midnight UTC.
func jalali(y, m, d int) time.Time {
	t := persian.Date{Year: y, Month: m, Day: d}.Time(time.UTC)
	if t.IsZero() {
		panic("not a Jalali date")
	}
	return t
}

func TestToday(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		want time.Time
	}{
		// Tehran is UTC+3:30 since 2022 (no daylight saving).
		{"23:59 in Tehran is still that day", time.Date(2026, 3, 20, 20, 29, 59, 0, time.UTC), date(2026, 3, 20)},
		{"00:00 in Tehran is the next day", time.Date(2026, 3, 20, 20, 30, 0, 0, time.UTC), date(2026, 3, 21)},
		{"the same instants given in Tehran", time.Date(2026, 3, 20, 23, 59, 0, 0, i18n.Tehran), date(2026, 3, 20)},
		{"midnight given in Tehran", time.Date(2026, 3, 21, 0, 0, 0, 0, i18n.Tehran), date(2026, 3, 21)},
		{"the zone of now does not matter", time.Date(2026, 3, 20, 16, 30, 0, 0, newYork), date(2026, 3, 21)},
		{"noon UTC", time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), date(2026, 5, 1)},
		// In 2020 Tehran kept daylight saving: UTC+4:30 in June.
		{"23:59 in summer 2020", time.Date(2020, 6, 1, 19, 29, 0, 0, time.UTC), date(2020, 6, 1)},
		{"00:00 in summer 2020", time.Date(2020, 6, 1, 19, 30, 0, 0, time.UTC), date(2020, 6, 2)},
	}
	for _, tt := range tests {
		got := Today(tt.now)
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: Today(%s) = %s, want %s", tt.name, tt.now, got, tt.want)
		}
	}
}

// The councils timeline of LAW.md: its offsets from E = 1405/02/11 give the announced Jalali dates.
func TestWindow(t *testing.T) {
	e := jalali(1405, 2, 11)
	if !e.Equal(date(2026, 5, 1)) {
		t.Fatalf("E = %s", e)
	}
	tests := []struct {
		name       string
		election   time.Time
		start, end int
		from, to   time.Time
	}{
		{"county boards formed", e, -133, -129, jalali(1404, 9, 28), jalali(1404, 10, 2)},
		{"city registration with its extension", e, -110, -103, jalali(1404, 10, 21), jalali(1404, 10, 28)},
		{"district boards formed", e, -100, -96, jalali(1404, 11, 1), jalali(1404, 11, 5)},
		{"village registration", e, -77, -71, jalali(1404, 11, 24), jalali(1404, 11, 30)},
		{"objections", e, -68, -65, jalali(1404, 12, 3), jalali(1404, 12, 6)},
		{"campaign", e, -8, -1, jalali(1405, 2, 3), jalali(1405, 2, 10)},
		{"election day", e, 0, 0, e, e},
		{"new councils' term", e, 48, 48, jalali(1405, 3, 28), jalali(1405, 3, 28)},
		// Only the date of election day counts, as seen in its own zone.
		{"election day at midnight in Tehran", time.Date(2026, 5, 1, 0, 0, 0, 0, i18n.Tehran), -1, 1, date(2026, 4, 30), date(2026, 5, 2)},
		{"election day late in UTC", time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC), 0, 0, e, e},
		{"across a leap Esfand (1403)", jalali(1404, 1, 10), -12, -10, jalali(1403, 12, 28), jalali(1403, 12, 30)},
	}
	for _, tt := range tests {
		from, to := Window(tt.election, tt.start, tt.end)
		if !from.Equal(tt.from) || !to.Equal(tt.to) || from.Location() != time.UTC || to.Location() != time.UTC {
			t.Errorf("%s: Window(%s, %d, %d) = %s … %s, want %s (%s) … %s (%s)", tt.name, tt.election, tt.start, tt.end,
				from, to, tt.from, persian.FromTime(tt.from), tt.to, persian.FromTime(tt.to))
		}
	}
}

func TestStatusOf(t *testing.T) {
	from, to := date(2026, 1, 11), date(2026, 1, 21) // ten days after the first
	tests := []struct {
		name     string
		today    time.Time
		done     bool
		markable bool
		want     Status
	}{
		{"long before", date(2025, 12, 1), false, true, Upcoming},
		{"the day before", date(2026, 1, 10), false, true, Upcoming},
		{"the first day", from, false, true, Open},
		{"four days left", date(2026, 1, 17), false, true, Open},
		{"three days left", date(2026, 1, 18), false, true, DueSoon},
		{"one day left", date(2026, 1, 20), false, true, DueSoon},
		{"due today", to, false, true, DueSoon},
		{"the day after", date(2026, 1, 22), false, true, Overdue},
		{"long after", date(2026, 6, 1), false, true, Overdue},
		{"a candidates' window the day after", date(2026, 1, 22), false, false, Past},
		{"a candidates' window open", date(2026, 1, 12), false, false, Open},
		{"a candidates' window due today", to, false, false, DueSoon},
		{"a candidates' window ahead", date(2026, 1, 1), false, false, Upcoming},
		{"done before it opens", date(2026, 1, 1), true, true, Done},
		{"done while open", date(2026, 1, 15), true, true, Done},
		{"done on its last day", to, true, true, Done},
		{"done, long after", date(2026, 6, 1), true, true, Done},
		// Only dates count: the hour of a day, or its zone, changes nothing.
		{"late on the last day", time.Date(2026, 1, 21, 23, 59, 0, 0, time.UTC), false, true, DueSoon},
		{"late on the last day in Tehran", time.Date(2026, 1, 21, 23, 59, 0, 0, i18n.Tehran), false, true, DueSoon},
	}
	for _, tt := range tests {
		if got := StatusOf(tt.today, from, to, tt.done, tt.markable); got != tt.want {
			t.Errorf("%s: StatusOf(%s) = %v, want %v", tt.name, tt.today.Format(time.DateOnly), got, tt.want)
		}
	}
	// A window of one day is due on that day.
	if got := StatusOf(from, from, from, false, true); got != DueSoon {
		t.Errorf("a one-day window on its day: %v", got)
	}
	// A window of exactly DueSoonDays+1 days opens as open, not due soon.
	if got := StatusOf(from, from, from.AddDate(0, 0, DueSoonDays+1), false, true); got != Open {
		t.Errorf("four days left on the first day: %v", got)
	}
}

// The day changes at midnight in Tehran: a milestone due on a day is due soon at 23:59 that day in Tehran
// and overdue a minute later, whatever the UTC date says.
func TestStatusAtMidnightInTehran(t *testing.T) {
	from, to := Window(date(2026, 5, 1), -68, -65) // 2026-02-22 … 2026-02-25
	lastMinute := time.Date(2026, 2, 25, 23, 59, 0, 0, i18n.Tehran)
	midnight := lastMinute.Add(time.Minute)
	if lastMinute.UTC().Day() != 25 || midnight.UTC().Day() != 25 {
		t.Fatalf("the test wants both instants on the 25th in UTC: %s, %s", lastMinute.UTC(), midnight.UTC())
	}
	if got := StatusOf(Today(lastMinute), from, to, false, true); got != DueSoon {
		t.Errorf("at 23:59 in Tehran on the last day: %v, want due soon", got)
	}
	if got := DaysInWords(Today(lastMinute), from, to).In(i18n.En); got != "Last day today" {
		t.Errorf("at 23:59 in Tehran on the last day: %q", got)
	}
	if got := StatusOf(Today(midnight), from, to, false, true); got != Overdue {
		t.Errorf("at 00:00 in Tehran the day after: %v, want overdue", got)
	}
	if got := DaysInWords(Today(midnight), from, to).In(i18n.Fa); got != "۱ روز گذشته" {
		t.Errorf("at 00:00 in Tehran the day after: %q", got)
	}
	// The same at the opening: 23:59 the day before is upcoming, 00:00 is open.
	before := time.Date(2026, 2, 21, 23, 59, 0, 0, i18n.Tehran)
	if got := StatusOf(Today(before), from, to, false, true); got != Upcoming {
		t.Errorf("at 23:59 in Tehran the day before: %v", got)
	}
	if got := StatusOf(Today(before.Add(time.Minute)), from, to, false, true); got != DueSoon {
		t.Errorf("at 00:00 in Tehran on the first day of a four-day window: %v", got)
	}
}

func TestStatusLabelsAndClasses(t *testing.T) {
	want := []struct {
		s            Status
		key, class   string
		fa, en, code string
	}{
		{Upcoming, "timeline.status.upcoming", "tl-upcoming", "پیش رو", "Upcoming", "upcoming"},
		{Open, "timeline.status.open", "tl-open", "در جریان", "Open now", "open"},
		{DueSoon, "timeline.status.due_soon", "tl-due-soon", "سررسید تا ۳ روز دیگر", "Due within 3 days", "due-soon"},
		{Overdue, "timeline.status.overdue", "tl-overdue", "از مهلت گذشته", "Overdue", "overdue"},
		{Past, "timeline.status.past", "tl-past", "پایان یافته", "Closed", "past"},
		{Done, "timeline.status.done", "tl-done", "انجام شد", "Done", "done"},
	}
	if len(Statuses) != len(want) {
		t.Fatalf("Statuses = %v", Statuses)
	}
	for i, w := range want {
		s := Statuses[i]
		if s != w.s || s.Key() != w.key || s.Class() != w.class || s.String() != w.code {
			t.Errorf("status %d: %v, key %q, class %q, code %q; want %v %q %q %q", i, s, s.Key(), s.Class(), s.String(), w.s, w.key, w.class, w.code)
		}
		if got := i18n.Message(i18n.Fa, s.Key()); got != w.fa {
			t.Errorf("%v in fa: %q, want %q", s, got, w.fa)
		}
		if got := i18n.Message(i18n.En, s.Key()); got != w.en {
			t.Errorf("%v in en: %q, want %q", s, got, w.en)
		}
	}
	var zero Status
	if zero.Key() != "" || zero.Class() != "" || zero.String() != "" {
		t.Errorf("the zero Status has key %q, class %q, code %q", zero.Key(), zero.Class(), zero.String())
	}
}

func TestDaysInWords(t *testing.T) {
	from, to := date(2026, 1, 11), date(2026, 1, 21)
	tests := []struct {
		today  time.Time
		fa, en string
	}{
		{date(2025, 12, 30), "۱۲ روز تا شروع", "Starts in 12 days"},
		{date(2026, 1, 10), "۱ روز تا شروع", "Starts in 1 day"},
		{from, "۱۰ روز مانده", "10 days left"},
		{date(2026, 1, 9), "۲ روز تا شروع", "Starts in 2 days"},
		{date(2026, 1, 20), "۱ روز مانده", "1 day left"},
		{to, "امروز آخرین روز", "Last day today"},
		{date(2026, 1, 24), "۳ روز گذشته", "3 days ago"},
		{date(2029, 1, 21), "۱٬۰۹۶ روز گذشته", "1,096 days ago"},
		{date(2026, 1, 9).Add(23 * time.Hour), "۲ روز تا شروع", "Starts in 2 days"},
	}
	for _, tt := range tests {
		m := DaysInWords(tt.today, from, to)
		if got := m.In(i18n.Fa); got != tt.fa {
			t.Errorf("%s in fa: %q, want %q", tt.today, got, tt.fa)
		}
		if got := m.In(i18n.En); got != tt.en {
			t.Errorf("%s in en: %q, want %q", tt.today, got, tt.en)
		}
	}
	// A one-day window on its day.
	if got := DaysInWords(from, from, from).In(i18n.Fa); got != "امروز آخرین روز" {
		t.Errorf("a one-day window on its day: %q", got)
	}
}

func TestMarkable(t *testing.T) {
	for level, want := range map[string]bool{LevelProvince: true, LevelCounty: true, LevelDistrict: true,
		LevelCandidates: false, "": false, "County": false} {
		if got := Markable(level); got != want {
			t.Errorf("Markable(%q) = %v", level, got)
		}
	}
}
