package readiness

import (
	"testing"
	"time"

	"github.com/setad/setad/internal/store"
)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// A matrix shows up to store.MatrixDays of the check's days ending at the day asked for, the latest
// first, held within the check's days, with the days before and after it to go to.
func TestMatrixDays(t *testing.T) {
	c := store.Check{First: day(11, 1), Last: day(11, 30)}
	for _, tt := range []struct {
		name                        string
		c                           store.Check
		to                          time.Time
		first, last, earlier, later time.Time
		n                           int
	}{
		{"mid-span", c, day(11, 20), day(11, 20), day(11, 7), day(11, 6), day(11, 30), 14},
		{"before the first day", c, day(10, 20), day(11, 1), day(11, 1), time.Time{}, day(11, 15), 1},
		{"after the last day", c, day(12, 20), day(11, 30), day(11, 17), day(11, 16), time.Time{}, 14},
		{"a short span", store.Check{First: day(11, 1), Last: day(11, 5)}, day(11, 3), day(11, 3), day(11, 1), time.Time{}, day(11, 5), 3},
		{"once", store.Check{First: day(11, 9), Last: day(11, 9)}, day(11, 26), day(11, 9), day(11, 9), time.Time{}, time.Time{}, 1},
	} {
		days, earlier, later := MatrixDays(tt.c, tt.to)
		if len(days) != tt.n || !days[0].Equal(tt.first) || !days[len(days)-1].Equal(tt.last) || !earlier.Equal(tt.earlier) || !later.Equal(tt.later) {
			t.Errorf("%s: %d days %v..%v, earlier %v, later %v", tt.name, len(days), days[0], days[len(days)-1], earlier, later)
		}
	}
}
