package timeline

import (
	"errors"
	"testing"
	"time"
)

// A province and a county see every milestone; a district the province's, its own and the windows of
// village constituencies.
func TestConcerns(t *testing.T) {
	tests := []struct {
		level, kind                string
		province, county, district bool
	}{
		{LevelProvince, "", true, true, true},
		{LevelCounty, "", true, true, false},
		{LevelDistrict, "", true, true, true},
		{LevelCandidates, "", true, true, true},
		{LevelCandidates, "city", true, true, false},
		{LevelCandidates, "village", true, true, true},
	}
	for _, tt := range tests {
		for p, want := range map[Place]bool{PlaceProvince: tt.province, PlaceCounty: tt.county, PlaceDistrict: tt.district} {
			if got := Concerns(p, tt.level, tt.kind); got != want {
				t.Errorf("Concerns(%d, %q, %q) = %v, want %v", p, tt.level, tt.kind, got, want)
			}
		}
	}
}

// A day before, on, within and after a window of several days, and on a window of one day.
func TestPartOn(t *testing.T) {
	from, to := date(2026, 5, 1), date(2026, 5, 8)
	tehran := time.FixedZone("Tehran", 7*1800)
	tests := []struct {
		day      time.Time
		from, to time.Time
		want     Part
	}{
		{date(2026, 4, 30), from, to, 0},
		{from, from, to, Starts},
		{date(2026, 5, 2), from, to, Runs},
		{date(2026, 5, 7), from, to, Runs},
		{to, from, to, Ends},
		{date(2026, 5, 9), from, to, 0},
		{from, from, from, OnlyDay},
		{date(2026, 5, 2), from, from, 0},
		{time.Date(2026, 5, 8, 23, 59, 0, 0, tehran), from, to, Ends}, // its date, as seen where it is
	}
	for _, tt := range tests {
		if got := PartOn(tt.day, tt.from, tt.to); got != tt.want {
			t.Errorf("PartOn(%s, %s, %s) = %d, want %d", tt.day, tt.from, tt.to, got, tt.want)
		}
	}
}

// A month of the reader's calendar is read as it is; one of the other calendar becomes the reader's month
// that holds its fifteenth day; anything else is refused.
func TestParseMonthFor(t *testing.T) {
	tests := []struct {
		cal       Calendar
		in        string
		want      Month
		converted bool
	}{
		{Jalali, "1405-02", Month{Jalali, 1405, 2}, false},
		{Jalali, "۱۴۰۵-۰۲", Month{Jalali, 1405, 2}, false},
		{Gregorian, "2026-05", Month{Gregorian, 2026, 5}, false},
		// Ordibehesht 1405 runs from 21 April to 21 May 2026; its fifteenth day is 5 May.
		{Gregorian, "1405-02", Month{Gregorian, 2026, 5}, true},
		// 15 May 2026 is 25 Ordibehesht 1405.
		{Jalali, "2026-05", Month{Jalali, 1405, 2}, true},
		// Esfand 1403 (leap) from 19 February 2025: its fifteenth day is 5 March 2025.
		{Gregorian, "1403-12", Month{Gregorian, 2025, 3}, true},
		// 15 March 2025 is 25 Esfand 1403; 15 April 2025 is 26 Farvardin 1404.
		{Jalali, "2025-03", Month{Jalali, 1403, 12}, true},
		{Jalali, "2025-04", Month{Jalali, 1404, 1}, true},
	}
	for _, tt := range tests {
		got, converted, err := ParseMonthFor(tt.cal, tt.in)
		if err != nil || got != tt.want || converted != tt.converted {
			t.Errorf("ParseMonthFor(%d, %q) = %v, %v, %v; want %v, %v", tt.cal, tt.in, got, converted, err, tt.want, tt.converted)
		}
	}
	for _, bad := range []string{"", "1405", "1405-13", "1405-00", "2026-5-1", "abcd-01", "1299-12", "1920-12", "2122-01", "1700-01",
		"1500-12", // Esfand 1500's fifteenth day is in 2122, past the Gregorian years
	} {
		if m, _, err := ParseMonthFor(Gregorian, bad); !errors.Is(err, ErrMonth) {
			t.Errorf("ParseMonthFor(Gregorian, %q) = %v, %v; want ErrMonth", bad, m, err)
		}
	}
	if m, _, err := ParseMonthFor(Jalali, "1921-01"); !errors.Is(err, ErrMonth) { // 15 January 1921 is in 1299
		t.Errorf("ParseMonthFor(Jalali, 1921-01) = %v, %v; want ErrMonth", m, err)
	}
}
