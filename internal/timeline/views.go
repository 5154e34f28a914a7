package timeline

import "time"

// Place is how far down a scope reaches, for which milestones concern it: a whole province (the HQ, its
// committees and observers; the national HQ the whole country), a county (its governor) or a district (its
// district head).
type Place int

// The places.
const (
	PlaceProvince Place = iota
	PlaceCounty
	PlaceDistrict
)

// Concerns reports whether a milestone of level, and for a candidates' window of constituencyKind (city,
// village, or "" for both), is one of a place's: what its calendar and its feed show. A province sees
// every milestone; a county too, as its governor marks its own, reads the province's, follows his
// districts' and the windows of his constituencies, which are cities and villages; a district sees the
// province's, its own and the windows of the village constituencies that it is, not the county's
// milestones nor the cities' windows, which are the governor's.
func Concerns(p Place, level, constituencyKind string) bool {
	if p != PlaceDistrict {
		return true
	}
	switch level {
	case LevelProvince, LevelDistrict:
		return true
	case LevelCandidates:
		return constituencyKind != "city"
	}
	return false
}

// Part is how a day stands in a milestone's window, as the calendar names it beside the milestone.
type Part int

// The parts of a window; the zero Part is a day outside it.
const (
	Starts  Part = iota + 1 // the first day of a window of several days
	Runs                    // a day between its first and its last
	Ends                    // the last day of a window of several days
	OnlyDay                 // the one day of a window of one day
)

// PartOn says how the civil day d stands in the window from from to to (both days included); 0 when it is
// outside the window. Only the dates of the three days count.
func PartOn(d, from, to time.Time) Part {
	d, from, to = day(d), day(from), day(to)
	switch {
	case d.Before(from) || d.After(to):
		return 0
	case from.Equal(to):
		return OnlyDay
	case d.Equal(from):
		return Starts
	case d.Equal(to):
		return Ends
	}
	return Runs
}

// ParseMonthFor reads a month parameter (see ParseMonth) for a reader of the calendar cal. A month of the
// other calendar is read too, since the supported years of the two never meet (a Jalali 1405 is no
// Gregorian year of theirs): it is turned into the month of cal that holds its fifteenth day, and converted
// is true, so that a link kept across a change of language (1405-02 in English) leads to the same weeks
// (May 2026). Anything else is ErrMonth.
func ParseMonthFor(cal Calendar, s string) (m Month, converted bool, err error) {
	if m, err := ParseMonth(cal, s); err == nil {
		return m, false, nil
	}
	other := Gregorian
	if cal == Gregorian {
		other = Jalali
	}
	o, err := ParseMonth(other, s)
	if err != nil {
		return Month{}, false, err
	}
	weeks, err := o.Weeks()
	if err != nil {
		return Month{}, false, err
	}
	for _, w := range weeks {
		for _, c := range w {
			if c.InMonth && c.Num == 15 {
				m = MonthOf(cal, c.Day)
				if !m.Valid() {
					return Month{}, false, ErrMonth
				}
				return m, true, nil
			}
		}
	}
	return Month{}, false, ErrMonth
}
