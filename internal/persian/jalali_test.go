package persian

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// tehran loads Asia/Tehran, falling back to its fixed offset (Iran dropped DST in 2022) where the
// system has no time zone database.
func tehran(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		return time.FixedZone("IRST", 3*3600+1800)
	}
	return loc
}

func TestConversion(t *testing.T) {
	tests := []struct {
		name string
		j    Date
		g    time.Time
	}{
		{"ordinary day", Date{1405, 2, 11}, gregorian(2026, time.May, 1)},
		{"Nowruz 1405", Date{1405, 1, 1}, gregorian(2026, time.March, 21)},
		{"Nowruz 1404", Date{1404, 1, 1}, gregorian(2025, time.March, 21)},
		{"Nowruz 1403", Date{1403, 1, 1}, gregorian(2024, time.March, 20)},
		{"last day of Esfand, leap year", Date{1403, 12, 30}, gregorian(2025, time.March, 20)},
		{"last day of Esfand, common year", Date{1404, 12, 29}, gregorian(2026, time.March, 20)},
		{"last day of Shahrivar", Date{1404, 6, 31}, gregorian(2025, time.September, 22)},
		{"first day of Mehr", Date{1404, 7, 1}, gregorian(2025, time.September, 23)},
		{"Gregorian leap day", Date{1402, 12, 10}, gregorian(2024, time.February, 29)},
		{"first supported year", Date{1, 1, 1}, gregorian(622, time.March, 22)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromTime(tt.g); got != tt.j {
				t.Errorf("FromTime(%s) = %v, want %v", tt.g.Format(time.DateOnly), got, tt.j)
			}
			if got := tt.j.Time(time.UTC); !got.Equal(tt.g) {
				t.Errorf("%v.Time(UTC) = %v, want %v", tt.j, got, tt.g)
			}
		})
	}
}

func gregorian(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TestConversionDayByDay walks forty years a day at a time: every Gregorian day must map to the
// Jalali day after the previous one, and back to itself.
func TestConversionDayByDay(t *testing.T) {
	prev := FromTime(gregorian(1999, time.December, 31))
	for g := gregorian(2000, time.January, 1); g.Year() < 2040; g = g.AddDate(0, 0, 1) {
		j := FromTime(g)
		if !j.Valid() {
			t.Fatalf("FromTime(%s) = %v, not valid", g.Format(time.DateOnly), j)
		}
		if want := nextDay(prev); j != want {
			t.Fatalf("FromTime(%s) = %v, want %v (the day after %v)", g.Format(time.DateOnly), j, want, prev)
		}
		if back := j.Time(time.UTC); !back.Equal(g) {
			t.Fatalf("%v.Time(UTC) = %v, want %v", j, back, g)
		}
		prev = j
	}
}

func nextDay(d Date) Date {
	switch {
	case d.Day < MonthLength(d.Year, d.Month):
		return Date{d.Year, d.Month, d.Day + 1}
	case d.Month < 12:
		return Date{d.Year, d.Month + 1, 1}
	default:
		return Date{d.Year + 1, 1, 1}
	}
}

func TestFromTimeUsesLocation(t *testing.T) {
	loc := tehran(t)
	instant := time.Date(2026, time.April, 30, 21, 0, 0, 0, time.UTC) // 00:30 on 1 May in Tehran
	tests := []struct {
		name string
		t    time.Time
		want Date
	}{
		{"Tehran", instant.In(loc), Date{1405, 2, 11}},
		{"UTC", instant, Date{1405, 2, 10}},
		{"Tehran wall clock", time.Date(2026, time.May, 1, 0, 30, 0, 0, loc), Date{1405, 2, 11}},
		{"Tehran just before midnight", time.Date(2026, time.April, 30, 23, 59, 59, 0, loc), Date{1405, 2, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromTime(tt.t); got != tt.want {
				t.Errorf("FromTime(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestFromTimeOutOfRange(t *testing.T) {
	for _, g := range []time.Time{
		{},
		gregorian(622, time.March, 21), // Jalali year 0
		gregorian(3799, time.June, 1),
		gregorian(-5000, time.January, 1),
		gregorian(1_000_000_000, time.January, 1),
	} {
		if got := FromTime(g); got != (Date{}) {
			t.Errorf("FromTime(%v) = %v, want the zero Date", g, got)
		}
	}
}

func TestTimeInLocation(t *testing.T) {
	loc := tehran(t)
	got := Date{1405, 2, 11}.Time(loc)
	want := time.Date(2026, time.May, 1, 0, 0, 0, 0, loc)
	if !got.Equal(want) || got.Location() != loc {
		t.Errorf("Time(Tehran) = %v, want %v", got, want)
	}
	if got := (Date{1404, 12, 30}).Time(loc); !got.IsZero() {
		t.Errorf("Time of an invalid date = %v, want the zero time", got)
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		d    Date
		want bool
	}{
		{Date{1405, 2, 11}, true},
		{Date{1403, 12, 30}, true},
		{Date{1404, 12, 30}, false},
		{Date{1404, 12, 29}, true},
		{Date{1405, 6, 31}, true},
		{Date{1405, 7, 31}, false},
		{Date{1405, 11, 30}, true},
		{Date{1405, 0, 1}, false},
		{Date{1405, 13, 1}, false},
		{Date{1405, 1, 0}, false},
		{Date{1405, 1, 32}, false},
		{Date{1, 1, 1}, true},
		{Date{0, 1, 1}, false},
		{Date{-1, 1, 1}, false},
		{Date{3177, 1, 1}, true},
		{Date{3178, 1, 1}, false},
		{Date{}, false},
	}
	for _, tt := range tests {
		if got := tt.d.Valid(); got != tt.want {
			t.Errorf("%v.Valid() = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{1405, 2, 11}, "1405/02/11"},
		{Date{1403, 12, 30}, "1403/12/30"},
		{Date{999, 1, 1}, "0999/01/01"},
		{Date{}, "0000/00/00"},
		{Date{-1, 2, 3}, "-001/02/03"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		if got, want := tt.d.Persian(), ToPersianDigits(tt.want); got != want {
			t.Errorf("Persian() = %q, want %q", got, want)
		}
	}
	// Every day of a century reads as fmt writes it.
	for g := gregorian(1990, time.January, 1); g.Year() < 2090; g = g.AddDate(0, 0, 1) {
		d := FromTime(g)
		want := fmt.Sprintf("%04d/%02d/%02d", d.Year, d.Month, d.Day)
		if got := d.String(); got != want {
			t.Fatalf("%v.String() = %q, want %q", d, got, want)
		}
		if got := d.Persian(); got != ToPersianDigits(want) {
			t.Fatalf("%v.Persian() = %q, want %q", d, got, ToPersianDigits(want))
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
	}{
		{"1405/02/11", Date{1405, 2, 11}},
		{"۱۴۰۵/۰۲/۱۱", Date{1405, 2, 11}},
		{"١٤٠٥/٠٢/١١", Date{1405, 2, 11}},
		{"1405-02-11", Date{1405, 2, 11}},
		{"۱۴۰۵-۲-۱۱", Date{1405, 2, 11}},
		{"1405/2/11", Date{1405, 2, 11}},
		{"1405/2/1", Date{1405, 2, 1}},
		{"  1405/02/11\t", Date{1405, 2, 11}},
		{"\u00a01405/02/11\n", Date{1405, 2, 11}},
		{"1403/12/30", Date{1403, 12, 30}},
		{"0999/01/01", Date{999, 1, 1}},
		{"999/1/1", Date{999, 1, 1}},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, nil", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDateErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"abc",
		"1405/02",
		"1405/02/11/1",
		"1405/13/01",
		"1405/00/01",
		"1405/01/00",
		"1405/07/31",
		"1404/12/30",
		"0/01/01",
		"3178/01/01",
		"1405-02/11",
		"1405/02-11",
		"1405//11",
		"/02/11",
		"1405/02/",
		"+1405/02/11",
		"1405/+2/11",
		"1405/-2/11",
		"14050/02/11",
		"1405/002/11",
		"1405/02/011",
		"1405 /02/11",
		"1405/02/11x",
		"1405.02.11",
		"99999999999999999999/01/01",
	} {
		got, err := ParseDate(in)
		if !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) = %v, %v; want ErrInvalidDate", in, got, err)
		}
		if got != (Date{}) {
			t.Errorf("ParseDate(%q) returned %v alongside its error, want the zero Date", in, got)
		}
	}
}

func TestIsLeap(t *testing.T) {
	tests := []struct {
		year int
		want bool
	}{
		{1399, true},
		{1400, false},
		{1403, true},
		{1404, false},
		{1405, false},
		{0, false},
		{3178, false},
	}
	for _, tt := range tests {
		if got := IsLeap(tt.year); got != tt.want {
			t.Errorf("IsLeap(%d) = %v, want %v", tt.year, got, tt.want)
		}
	}
}

func TestMonthLength(t *testing.T) {
	tests := []struct {
		year, month, want int
	}{
		{1405, 1, 31},
		{1405, 6, 31},
		{1405, 7, 30},
		{1405, 11, 30},
		{1403, 12, 30},
		{1404, 12, 29},
		{1405, 0, 0},
		{1405, 13, 0},
		{0, 1, 0},
		{3178, 1, 0},
	}
	for _, tt := range tests {
		if got := MonthLength(tt.year, tt.month); got != tt.want {
			t.Errorf("MonthLength(%d, %d) = %d, want %d", tt.year, tt.month, got, tt.want)
		}
	}
}

func TestMonthName(t *testing.T) {
	tests := []struct {
		month int
		want  string
	}{
		{1, "فروردین"},
		{2, "اردیبهشت"},
		{7, "مهر"},
		{12, "اسفند"},
		{0, ""},
		{13, ""},
	}
	for _, tt := range tests {
		if got := MonthName(tt.month); got != tt.want {
			t.Errorf("MonthName(%d) = %q, want %q", tt.month, got, tt.want)
		}
	}
}

// FuzzParseDate checks that whatever ParseDate accepts is a valid date that survives a trip
// through String, in Latin and in Persian digits.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"1405/02/11", "۱۴۰۵/۰۲/۱۱", "١٤٠٥/٠٢/١١", "1405-2-11", " 1403/12/30 ",
		"1404/12/30", "1405/13/01", "abc", "1405/02", "1405/02/11/1", "", "0999/01/01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ParseDate(%q) error %v is not ErrInvalidDate", s, err)
			}
			return
		}
		if !d.Valid() {
			t.Fatalf("ParseDate(%q) = %v, which is not Valid", s, d)
		}
		for _, text := range []string{d.String(), ToPersianDigits(d.String())} {
			again, err := ParseDate(text)
			if err != nil || again != d {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v (from ParseDate(%q))", text, again, err, d, s)
			}
		}
	})
}
