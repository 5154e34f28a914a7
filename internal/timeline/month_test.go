package timeline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/persian"
)

// inMonth returns the days of a grid that are in its month, in order.
func inMonth(weeks []Week) []Cell {
	var cells []Cell
	for _, w := range weeks {
		for _, c := range w {
			if c.InMonth {
				cells = append(cells, c)
			}
		}
	}
	return cells
}

// Esfand has 30 days in a leap year (1403, 1408) and 29 otherwise (1404); its grid says so.
func TestJalaliEsfand(t *testing.T) {
	tests := []struct {
		year     int
		days     int
		lastDay  time.Time
		nextYear time.Time // 1 Farvardin of the year after
	}{
		{1403, 30, date(2025, 3, 20), date(2025, 3, 21)},
		{1404, 29, date(2026, 3, 20), date(2026, 3, 21)},
		{1407, 29, date(2029, 3, 19), date(2029, 3, 20)},
		{1408, 30, date(2030, 3, 20), date(2030, 3, 21)},
	}
	for _, tt := range tests {
		weeks, err := JalaliMonth(tt.year, 12)
		if err != nil {
			t.Fatal(err)
		}
		days := inMonth(weeks)
		last := days[len(days)-1]
		if len(days) != tt.days || last.Num != tt.days || !last.Day.Equal(tt.lastDay) {
			t.Errorf("Esfand %d: %d days, the last %d on %s; want %d, on %s", tt.year, len(days), last.Num, last.Day, tt.days, tt.lastDay)
		}
		// The day after the last is 1 Farvardin, shown after it in the grid if the week goes on.
		if next := last.Day.AddDate(0, 0, 1); !next.Equal(tt.nextYear) {
			t.Errorf("Esfand %d ends on %s, but %d/01/01 is %s", tt.year, last.Day, tt.year+1, tt.nextYear)
		}
		for _, w := range weeks {
			for _, c := range w {
				if !c.InMonth && c.Day.After(last.Day) && c.Num != int(c.Day.Sub(last.Day)/(24*time.Hour)) {
					t.Errorf("Esfand %d: the day %s after the month is numbered %d", tt.year, c.Day, c.Num)
				}
			}
		}
	}
}

// 1 Farvardin falls on 20 or 21 March, as the equinox falls; the grid puts it in its weekday's column.
func TestJalaliNewYear(t *testing.T) {
	tests := []struct {
		year   int
		day    time.Time
		column int
	}{
		{1403, date(2024, 3, 20), 4}, // a Wednesday
		{1404, date(2025, 3, 21), 6}, // a Friday
		{1405, date(2026, 3, 21), 0}, // a Saturday
		{1408, date(2029, 3, 20), 3}, // a Tuesday
		{1409, date(2030, 3, 21), 5}, // a Thursday
	}
	for _, tt := range tests {
		weeks, err := JalaliMonth(tt.year, 1)
		if err != nil {
			t.Fatal(err)
		}
		first := weeks[0][tt.column]
		if !first.InMonth || first.Num != 1 || !first.Day.Equal(tt.day) {
			t.Errorf("%d/01/01: column %d of the first week is %+v, want %s", tt.year, tt.column, first, tt.day)
		}
		if tt.column > 0 && weeks[0][tt.column-1].InMonth {
			t.Errorf("%d/01/01: the day before it is in the month", tt.year)
		}
		if first.Friday != (tt.column == 6) {
			t.Errorf("%d/01/01: Friday = %v", tt.year, first.Friday)
		}
	}
}

// One month written out: Ordibehesht 1405 starts on Tuesday 21 April 2026 and holds election day, Friday
// 1405/02/11 = 1 May 2026.
func TestJalaliMonthGrid(t *testing.T) {
	weeks, err := JalaliMonth(1405, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantNums := [][7]int{
		{29, 30, 31, 1, 2, 3, 4},
		{5, 6, 7, 8, 9, 10, 11},
		{12, 13, 14, 15, 16, 17, 18},
		{19, 20, 21, 22, 23, 24, 25},
		{26, 27, 28, 29, 30, 31, 1},
	}
	if len(weeks) != len(wantNums) {
		t.Fatalf("%d weeks, want %d", len(weeks), len(wantNums))
	}
	for i, w := range weeks {
		for j, c := range w {
			in := !(i == 0 && j < 3 || i == 4 && j == 6)
			if c.Num != wantNums[i][j] || c.InMonth != in || c.Friday != (j == 6) {
				t.Errorf("week %d day %d: %+v, want %d, in month %v", i, j, c, wantNums[i][j], in)
			}
		}
	}
	if !weeks[0][0].Day.Equal(date(2026, 4, 18)) || weeks[0][0].Day.Weekday() != time.Saturday {
		t.Errorf("the grid starts on %s", weeks[0][0].Day)
	}
	if e := weeks[1][6]; !e.Day.Equal(date(2026, 5, 1)) || e.Num != 11 || !e.Friday {
		t.Errorf("election day: %+v", e)
	}
}

// A Gregorian month has the same layout: February 2026 starts on a Sunday and ends on a Saturday, so its
// grid runs over five weeks, the last holding one day of the month.
func TestGregorianMonthGrid(t *testing.T) {
	weeks, err := GregorianMonth(2026, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(weeks) != 5 {
		t.Fatalf("%d weeks", len(weeks))
	}
	if c := weeks[0][0]; c.InMonth || !c.Day.Equal(date(2026, 1, 31)) || c.Num != 31 {
		t.Errorf("first cell: %+v", c)
	}
	if c := weeks[0][1]; !c.InMonth || !c.Day.Equal(date(2026, 2, 1)) || c.Num != 1 {
		t.Errorf("second cell: %+v", c)
	}
	if c := weeks[4][0]; !c.InMonth || c.Num != 28 {
		t.Errorf("the last day: %+v", c)
	}
	if c := weeks[4][1]; c.InMonth || !c.Day.Equal(date(2026, 3, 1)) || c.Num != 1 {
		t.Errorf("after the last day: %+v", c)
	}
	if c := weeks[0][6]; !c.Friday || !c.Day.Equal(date(2026, 2, 6)) {
		t.Errorf("the first Friday: %+v", c)
	}
	// A leap February.
	weeks, err = GregorianMonth(2024, 2)
	if err != nil {
		t.Fatal(err)
	}
	if days := inMonth(weeks); len(days) != 29 {
		t.Errorf("February 2024 has %d days", len(days))
	}
}

// Every month of the supported years, in both calendars: whole weeks from Saturday to Friday, consecutive
// days, the month's days all there and numbered from 1, no week without one of them, and each month ending
// the day before the next begins.
func TestEveryMonthGrid(t *testing.T) {
	for _, cal := range []Calendar{Jalali, Gregorian} {
		m := Month{Calendar: cal, Year: MinJalaliYear, Month: 1}
		if cal == Gregorian {
			m.Year = MinGregorianYear
		}
		var prevLast time.Time
		months := 0
		for {
			months++
			weeks, err := m.Weeks()
			if err != nil {
				t.Fatalf("%v: %v", m, err)
			}
			if len(weeks) < 4 || len(weeks) > 6 {
				t.Fatalf("%v: %d weeks", m, len(weeks))
			}
			days := inMonth(weeks)
			want := 0
			if cal == Jalali {
				want = persian.MonthLength(m.Year, m.Month)
			} else {
				want = time.Date(m.Year, time.Month(m.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			}
			if len(days) != want {
				t.Fatalf("%v: %d days in the month, want %d", m, len(days), want)
			}
			for i, c := range days {
				if c.Num != i+1 {
					t.Fatalf("%v: day %d numbered %d", m, i+1, c.Num)
				}
				if cal == Jalali {
					if j := persian.FromTime(c.Day); j != (persian.Date{Year: m.Year, Month: m.Month, Day: i + 1}) {
						t.Fatalf("%v: day %d is %v", m, i+1, j)
					}
				} else if y, mo, d := c.Day.Date(); y != m.Year || int(mo) != m.Month || d != i+1 {
					t.Fatalf("%v: day %d is %s", m, i+1, c.Day)
				}
			}
			if !prevLast.IsZero() && !days[0].Day.Equal(prevLast.AddDate(0, 0, 1)) {
				t.Fatalf("%v starts on %s, the month before ended on %s", m, days[0].Day, prevLast)
			}
			prevLast = days[len(days)-1].Day
			next := weeks[0][0].Day
			for i, w := range weeks {
				has := false
				for j, c := range w {
					if !c.Day.Equal(next) || c.Day.Location() != time.UTC || c.Day.Hour() != 0 {
						t.Fatalf("%v week %d day %d: %s, want %s", m, i, j, c.Day, next)
					}
					if wd := c.Day.Weekday(); wd != [7]time.Weekday{time.Saturday, time.Sunday, time.Monday,
						time.Tuesday, time.Wednesday, time.Thursday, time.Friday}[j] || c.Friday != (wd == time.Friday) {
						t.Fatalf("%v week %d: %s in column %d, Friday %v", m, i, wd, j, c.Friday)
					}
					has = has || c.InMonth
					next = next.AddDate(0, 0, 1)
				}
				if !has {
					t.Fatalf("%v: week %d holds no day of the month", m, i)
				}
			}
			var ok bool
			if m, ok = m.Next(); !ok || months > 201*12 {
				break
			}
		}
		if months != 201*12 {
			t.Errorf("%v: walked %d months", cal, months)
		}
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		cal  Calendar
		in   string
		want Month
		ok   bool
	}{
		{Jalali, "1405-02", Month{Jalali, 1405, 2}, true},
		{Jalali, "۱۴۰۵-۰۲", Month{Jalali, 1405, 2}, true},
		{Jalali, "١٤٠٥-٠٢", Month{Jalali, 1405, 2}, true},
		{Jalali, "1405-2", Month{Jalali, 1405, 2}, true},
		{Jalali, " 1405-12 ", Month{Jalali, 1405, 12}, true},
		{Jalali, "1300-01", Month{Jalali, 1300, 1}, true},
		{Jalali, "1500-12", Month{Jalali, 1500, 12}, true},
		{Gregorian, "2026-05", Month{Gregorian, 2026, 5}, true},
		{Gregorian, "1921-01", Month{Gregorian, 1921, 1}, true},
		{Gregorian, "2121-12", Month{Gregorian, 2121, 12}, true},
		{Jalali, "1299-12", Month{}, false},
		{Jalali, "1501-01", Month{}, false},
		{Jalali, "2026-05", Month{}, false}, // a Gregorian month on a Persian page
		{Gregorian, "1405-02", Month{}, false},
		{Gregorian, "1920-12", Month{}, false},
		{Gregorian, "2122-01", Month{}, false},
		{Jalali, "1405-13", Month{}, false},
		{Jalali, "1405-00", Month{}, false},
		{Jalali, "1405-0", Month{}, false},
		{Jalali, "1405-002", Month{}, false},
		{Jalali, "", Month{}, false},
		{Jalali, "1405", Month{}, false},
		{Jalali, "1405-", Month{}, false},
		{Jalali, "-02", Month{}, false},
		{Jalali, "1405/02", Month{}, false},
		{Jalali, "1405-02-01", Month{}, false},
		{Jalali, "405-02", Month{}, false},
		{Jalali, "01405-02", Month{}, false},
		{Jalali, "+405-02", Month{}, false},
		{Jalali, "1405-+2", Month{}, false},
		{Jalali, "1405--2", Month{}, false},
		{Jalali, "1405-0x", Month{}, false},
		{Jalali, "99999999999999999999-01", Month{}, false},
		{Jalali, strings.Repeat("1", 10000) + "-01", Month{}, false},
		{Jalali, "1405-02\x00", Month{}, false},
		{Jalali, "\xff\xfe-02", Month{}, false},
		{Calendar(7), "1405-02", Month{}, false},
	}
	for _, tt := range tests {
		got, err := ParseMonth(tt.cal, tt.in)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("ParseMonth(%v, %q) = %v, %v; want %v", tt.cal, tt.in, got, err, tt.want)
		}
		if !tt.ok && (!errors.Is(err, ErrMonth) || got != Month{}) {
			t.Errorf("ParseMonth(%v, %q) = %v, %v; want ErrMonth", tt.cal, tt.in, got, err)
		}
		if tt.ok {
			if back, err := ParseMonth(tt.cal, got.String()); err != nil || back != got {
				t.Errorf("%v does not read back from %q: %v, %v", got, got.String(), back, err)
			}
		}
	}
	if s := (Month{Jalali, 1405, 2}).String(); s != "1405-02" {
		t.Errorf("String = %q", s)
	}
}

// Whatever arrives in the month parameter, ParseMonth answers a valid month or ErrMonth, without a panic.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"1405-02", "۱۴۰۵-۱۲", "2026-5", "", "-", "1405-13", "\xd9", "0000-00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cal := range []Calendar{Jalali, Gregorian} {
			m, err := ParseMonth(cal, s)
			if err != nil {
				if !errors.Is(err, ErrMonth) || m != (Month{}) {
					t.Fatalf("ParseMonth(%q) = %v, %v", s, m, err)
				}
				continue
			}
			if !m.Valid() || m.Calendar != cal {
				t.Fatalf("ParseMonth(%q) = %v, which is not valid", s, m)
			}
			if _, err := m.Weeks(); err != nil {
				t.Fatalf("%v: %v", m, err)
			}
		}
	})
}

func TestPrevNext(t *testing.T) {
	tests := []struct {
		m              Month
		prev, next     Month
		prevOK, nextOK bool
	}{
		{Month{Jalali, 1405, 1}, Month{Jalali, 1404, 12}, Month{Jalali, 1405, 2}, true, true},
		{Month{Jalali, 1405, 12}, Month{Jalali, 1405, 11}, Month{Jalali, 1406, 1}, true, true},
		{Month{Jalali, 1300, 1}, Month{Jalali, 1299, 12}, Month{Jalali, 1300, 2}, false, true},
		{Month{Jalali, 1500, 12}, Month{Jalali, 1500, 11}, Month{Jalali, 1501, 1}, true, false},
		{Month{Gregorian, 2026, 1}, Month{Gregorian, 2025, 12}, Month{Gregorian, 2026, 2}, true, true},
		{Month{Gregorian, 1921, 1}, Month{Gregorian, 1920, 12}, Month{Gregorian, 1921, 2}, false, true},
		{Month{Gregorian, 2121, 12}, Month{Gregorian, 2121, 11}, Month{Gregorian, 2122, 1}, true, false},
		{Month{Jalali, 1405, 13}, Month{Jalali, 1405, 12}, Month{Jalali, 1406, 1}, false, false},
	}
	for _, tt := range tests {
		p, pok := tt.m.Prev()
		n, nok := tt.m.Next()
		if pok != tt.prevOK || nok != tt.nextOK || pok && p != tt.prev || nok && n != tt.next {
			t.Errorf("%v: prev %v %v, next %v %v; want %v %v, %v %v", tt.m, p, pok, n, nok, tt.prev, tt.prevOK, tt.next, tt.nextOK)
		}
	}
}

func TestMonthOf(t *testing.T) {
	tests := []struct {
		day  time.Time
		cal  Calendar
		want Month
	}{
		{date(2026, 5, 1), Jalali, Month{Jalali, 1405, 2}},
		{date(2026, 5, 1), Gregorian, Month{Gregorian, 2026, 5}},
		{date(2026, 3, 20), Jalali, Month{Jalali, 1404, 12}},
		{date(2026, 3, 21), Jalali, Month{Jalali, 1405, 1}},
		{date(2025, 3, 20), Jalali, Month{Jalali, 1403, 12}}, // 30 Esfand 1403
		{Today(time.Date(2026, 3, 20, 20, 30, 0, 0, time.UTC)), Jalali, Month{Jalali, 1405, 1}},
		{time.Date(2026, 3, 21, 0, 30, 0, 0, time.FixedZone("Tehran", 7*1800)), Jalali, Month{Jalali, 1405, 1}},
	}
	for _, tt := range tests {
		if got := MonthOf(tt.cal, tt.day); got != tt.want {
			t.Errorf("MonthOf(%v, %s) = %v, want %v", tt.cal, tt.day, got, tt.want)
		}
	}
}

func TestInvalidMonths(t *testing.T) {
	for _, m := range []Month{{Jalali, 1405, 0}, {Jalali, 1405, 13}, {Jalali, 1299, 1}, {Jalali, 1501, 1},
		{Gregorian, 1920, 12}, {Gregorian, 2122, 1}, {Gregorian, 2026, -1}, {Calendar(2), 1405, 1}} {
		if m.Valid() {
			t.Errorf("%v is valid", m)
		}
		if weeks, err := m.Weeks(); !errors.Is(err, ErrMonth) || weeks != nil {
			t.Errorf("%v: %v, %v", m, weeks, err)
		}
	}
	if _, err := JalaliMonth(1405, 13); !errors.Is(err, ErrMonth) {
		t.Errorf("JalaliMonth(1405, 13): %v", err)
	}
	if _, err := GregorianMonth(2200, 1); !errors.Is(err, ErrMonth) {
		t.Errorf("GregorianMonth(2200, 1): %v", err)
	}
}
