package boardrules

import (
	"testing"
	"time"
)

func TestFormationOn(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	at := func(d, hh, mm int) time.Time { return time.Date(2025, 12, d, hh, mm, 0, 0, tehran) }
	ptr := func(t time.Time) *time.Time { return &t }
	last := time.Date(2025, 12, 23, 0, 0, 0, 0, time.UTC) // 1404/10/02, the last day of the county boards' five days
	for _, tt := range []struct {
		name      string
		submitted *time.Time
		now       time.Time
		want      Formation
	}{
		{"not submitted, before the last day", nil, at(20, 12, 0), Formation{}},
		{"not submitted, on the last day at 23:59", nil, at(23, 23, 59), Formation{}},
		{"not submitted, the day after at 00:00", nil, at(24, 0, 0), Formation{Late: true, Days: 1}},
		{"not submitted, a week after", nil, at(30, 9, 0), Formation{Late: true, Days: 7}},
		{"submitted within the window", ptr(at(21, 10, 0)), at(30, 9, 0), Formation{}},
		{"submitted on the last day at 23:59", ptr(at(23, 23, 59)), at(30, 9, 0), Formation{}},
		{"submitted the day after at 00:00", ptr(at(24, 0, 0)), at(30, 9, 0), Formation{Late: true, Days: 1}},
		{"submitted three days late, seen much later", ptr(at(26, 10, 0)), at(31, 9, 0), Formation{Late: true, Days: 3}},
		{"submitted before the window opened", ptr(at(1, 10, 0)), at(30, 9, 0), Formation{}},
		// 2025-12-23 20:45 UTC is already the 24th in Tehran.
		{"submitted late in Tehran, on the last day in UTC", ptr(time.Date(2025, 12, 23, 20, 45, 0, 0, time.UTC)), at(30, 9, 0),
			Formation{Late: true, Days: 1}},
		{"now given in UTC, still the last day in Tehran", nil, time.Date(2025, 12, 23, 20, 0, 0, 0, time.UTC), Formation{}},
	} {
		if got := FormationOn(tt.submitted, last, tt.now); got != tt.want {
			t.Errorf("%s: FormationOn = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
