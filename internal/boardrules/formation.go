package boardrules

import (
	"time"

	"github.com/setad/setad/internal/timeline"
)

// Formation is how a board's formation stands against the last day of its window in the election's
// timeline (the milestone gated board_county or board_district). A board is formed when it is first
// submitted. Lateness is a flag, never a lock: a late board is composed, submitted and approved as any
// other.
type Formation struct {
	Late bool
	// Days past the window's last day: the day of the first submission for a board formed late, today
	// for one still not formed after it; 0 when not late.
	Days int
}

// FormationOn tells, at the instant now, whether a board first submitted at firstSubmitted (nil: never
// submitted) is late for a window whose last day is lastDay (a calendar date, midnight UTC): it is late
// when first submitted on a later day, or not yet submitted once that day is over. Days are Tehran's
// (timeline.Today), so a board submitted at 23:59 on the last day is on time.
func FormationOn(firstSubmitted *time.Time, lastDay, now time.Time) Formation {
	day := timeline.Today(now)
	if firstSubmitted != nil {
		day = timeline.Today(*firstSubmitted)
	}
	if n := int(day.Sub(lastDay).Hours() / 24); n > 0 {
		return Formation{Late: true, Days: n}
	}
	return Formation{}
}
