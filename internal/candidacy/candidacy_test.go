package candidacy

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/setad/setad/internal/persian"
)

// at returns a time in Tehran on a Jalali day.
func at(y, m, d, hh, mm, ss int) time.Time {
	t := persian.Date{Year: y, Month: m, Day: d}.Time(tehran)
	if t.IsZero() {
		panic("not a Jalali date")
	}
	return t.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second)
}

// lawful lists every move of LAW.md's lifecycle, written out independently of the table.
var lawful = map[[2]string]bool{
	{Registered, UnderReview}:                 true,
	{UnderReview, ExecApproved}:               true,
	{UnderReview, ExecRejected}:               true,
	{ExecApproved, SupervisionReview}:         true,
	{ExecRejected, SupervisionReview}:         true,
	{SupervisionReview, PreliminaryAnnounced}: true,
	{PreliminaryAnnounced, ObjectionFiled}:    true,
	{PreliminaryAnnounced, FinalQualified}:    true,
	{PreliminaryAnnounced, FinalDisqualified}: true,
	{ObjectionFiled, ObjectionAccepted}:       true,
	{ObjectionFiled, ObjectionRejected}:       true,
	{ObjectionAccepted, FinalQualified}:       true,
	{ObjectionRejected, FinalDisqualified}:    true,
	{Registered, Withdrawn}:                   true,
	{UnderReview, Withdrawn}:                  true,
	{ExecApproved, Withdrawn}:                 true,
	{ExecRejected, Withdrawn}:                 true,
	{SupervisionReview, Withdrawn}:            true,
	{PreliminaryAnnounced, Withdrawn}:         true,
	{ObjectionFiled, Withdrawn}:               true,
	{ObjectionAccepted, Withdrawn}:            true,
	{ObjectionRejected, Withdrawn}:            true,
}

// statuses are the known statuses and some that are not.
var statuses = append(append([]string{}, Statuses...), "", "qualified", "REGISTERED", "withdrawn ")

func TestAllowedEveryPair(t *testing.T) {
	if len(Statuses) != 12 {
		t.Fatalf("%d statuses, want SPEC's 12", len(Statuses))
	}
	n := 0
	for _, from := range statuses {
		for _, to := range statuses {
			want := lawful[[2]string{from, to}]
			if got := Allowed(from, to); got != want {
				t.Errorf("Allowed(%q, %q) = %v, want %v", from, to, got, want)
			}
			if want {
				n++
			}
		}
	}
	if n != len(lawful) {
		t.Fatalf("%d lawful moves found among the statuses, want %d", n, len(lawful))
	}
}

// TestCheckEveryPair makes every move with a reason inside the objection window: the lawful ones pass
// and every other one is refused as illegal or unknown.
func TestCheckEveryPair(t *testing.T) {
	announced := at(1404, 12, 3, 10, 0, 0)
	for _, from := range statuses {
		for _, to := range statuses {
			err := Check(Change{From: from, To: to, Reason: "reason", Now: announced.Add(time.Hour), AnnouncedAt: &announced}, Defaults)
			var want error
			switch {
			case !Known(from) || !Known(to):
				want = ErrUnknownStatus
			case !lawful[[2]string{from, to}]:
				want = ErrIllegal
			}
			if !errors.Is(err, want) || (want == nil) != (err == nil) {
				t.Errorf("Check(%q → %q) = %v, want %v", from, to, err, want)
			}
		}
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		from string
		want []string
	}{
		{Registered, []string{UnderReview, Withdrawn}},
		{UnderReview, []string{ExecApproved, ExecRejected, Withdrawn}},
		{ExecApproved, []string{SupervisionReview, Withdrawn}},
		{ExecRejected, []string{SupervisionReview, Withdrawn}},
		{SupervisionReview, []string{PreliminaryAnnounced, Withdrawn}},
		{PreliminaryAnnounced, []string{ObjectionFiled, FinalQualified, FinalDisqualified, Withdrawn}},
		{ObjectionFiled, []string{ObjectionAccepted, ObjectionRejected, Withdrawn}},
		{ObjectionAccepted, []string{FinalQualified, Withdrawn}},
		{ObjectionRejected, []string{FinalDisqualified, Withdrawn}},
		{FinalQualified, nil},
		{FinalDisqualified, nil},
		{Withdrawn, nil},
		{"", nil},
		{"qualified", nil},
	}
	for _, tt := range tests {
		got := Next(tt.from)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Next(%q) = %v, want %v", tt.from, got, tt.want)
		}
		if len(got) > 0 {
			got[0] = "scribbled" // the caller's copy: the table must not change
		}
	}
	if Allowed(Registered, "scribbled") || !Allowed(Registered, UnderReview) {
		t.Fatal("Next handed out the table itself")
	}
}

func TestFinal(t *testing.T) {
	final := map[string]bool{FinalQualified: true, FinalDisqualified: true, Withdrawn: true}
	for _, s := range statuses {
		if got := Final(s); got != final[s] {
			t.Errorf("Final(%q) = %v", s, got)
		}
		if Known(s) && !Final(s) && !Allowed(s, Withdrawn) {
			t.Errorf("%q cannot withdraw", s)
		}
	}
}

func TestCheck(t *testing.T) {
	announced := at(1404, 12, 3, 10, 0, 0)
	late := at(1404, 12, 3, 23, 59, 59)
	midnight := at(1404, 12, 3, 0, 0, 0)
	ptr := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name string
		c    Change
		r    Rules
		want error
	}{
		{"unknown from", Change{From: "qualified", To: Withdrawn, Reason: "x"}, Defaults, ErrUnknownStatus},
		{"unknown to", Change{From: UnderReview, To: "approved"}, Defaults, ErrUnknownStatus},
		{"back to registered", Change{From: UnderReview, To: Registered}, Defaults, ErrIllegal},
		{"to the same status", Change{From: UnderReview, To: UnderReview}, Defaults, ErrIllegal},
		{"skipping the supervision board", Change{From: ExecApproved, To: PreliminaryAnnounced}, Defaults, ErrIllegal},
		{"withdrawn is final", Change{From: Withdrawn, To: UnderReview}, Defaults, ErrIllegal},
		{"illegal comes before a missing reason", Change{From: FinalQualified, To: Withdrawn}, Defaults, ErrIllegal},

		// Reasons.
		{"approval needs no reason", Change{From: UnderReview, To: ExecApproved}, Defaults, nil},
		{"rejection without reason", Change{From: UnderReview, To: ExecRejected}, Defaults, ErrReasonRequired},
		{"rejection with blank reason", Change{From: UnderReview, To: ExecRejected, Reason: " \t\n"}, Defaults, ErrReasonRequired},
		{"rejection with reason", Change{From: UnderReview, To: ExecRejected, Reason: "مدرک تحصیلی"}, Defaults, nil},
		{"disqualification without reason", Change{From: PreliminaryAnnounced, To: FinalDisqualified}, Defaults, ErrReasonRequired},
		{"disqualification with reason", Change{From: PreliminaryAnnounced, To: FinalDisqualified, Reason: "x"}, Defaults, nil},
		{"disqualification after a rejected objection, no reason", Change{From: ObjectionRejected, To: FinalDisqualified}, Defaults, ErrReasonRequired},
		{"objection rejected without reason", Change{From: ObjectionFiled, To: ObjectionRejected}, Defaults, ErrReasonRequired},
		{"objection rejected with reason", Change{From: ObjectionFiled, To: ObjectionRejected, Reason: "x"}, Defaults, nil},
		{"objection accepted needs no reason", Change{From: ObjectionFiled, To: ObjectionAccepted}, Defaults, nil},
		{"qualification needs no reason", Change{From: ObjectionAccepted, To: FinalQualified}, Defaults, nil},
		{"withdrawal without reason", Change{From: Registered, To: Withdrawn}, Defaults, ErrReasonRequired},
		{"withdrawal with reason", Change{From: Registered, To: Withdrawn, Reason: "personal"}, Defaults, nil},

		// The objection window: day 1 is the day after the announcement, day 4 is 1404/12/07.
		{"objection without announcement time", Change{From: PreliminaryAnnounced, To: ObjectionFiled, Now: announced}, Defaults, ErrObjectionClosed},
		{"objection with zero announcement time", Change{From: PreliminaryAnnounced, To: ObjectionFiled, Now: announced, AnnouncedAt: &time.Time{}}, Defaults, ErrObjectionClosed},
		{"objection on the announcement day", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: announced.Add(time.Minute), AnnouncedAt: &announced}, Defaults, nil},
		{"objection on day 1", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 4, 9, 0, 0), AnnouncedAt: &announced}, Defaults, nil},
		{"objection on day 4 at 23:59:59", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 7, 23, 59, 59), AnnouncedAt: &announced}, Defaults, nil},
		{"objection on day 5 at 00:00", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 8, 0, 0, 0), AnnouncedAt: &announced}, Defaults, ErrObjectionClosed},
		{"announced just before midnight, day 4", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 7, 23, 59, 0), AnnouncedAt: &late}, Defaults, nil},
		{"announced just before midnight, day 5", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 8, 0, 0, 0), AnnouncedAt: &late}, Defaults, ErrObjectionClosed},
		{"announced at midnight, day 4", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 7, 23, 59, 0), AnnouncedAt: &midnight}, Defaults, nil},
		{"announced at midnight, day 5", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 8, 0, 0, 0), AnnouncedAt: &midnight}, Defaults, ErrObjectionClosed},
		// 2026-02-21 20:45 UTC is 1404/12/03 00:15 in Tehran, though still 1404/12/02 in UTC; the
		// window ends at 1404/12/08 00:00 Tehran, 2026-02-26 20:30 UTC.
		{"UTC times, last minute", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: time.Date(2026, time.February, 26, 20, 29, 0, 0, time.UTC), AnnouncedAt: ptr(time.Date(2026, time.February, 21, 20, 45, 0, 0, time.UTC))}, Defaults, nil},
		{"UTC times, closed", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: time.Date(2026, time.February, 26, 20, 30, 0, 0, time.UTC), AnnouncedAt: ptr(time.Date(2026, time.February, 21, 20, 45, 0, 0, time.UTC))}, Defaults, ErrObjectionClosed},
		{"window length from the rules, open", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 5, 23, 59, 59), AnnouncedAt: &announced}, Rules{ObjectionDays: 2}, nil},
		{"window length from the rules, closed", Change{From: PreliminaryAnnounced, To: ObjectionFiled,
			Now: at(1404, 12, 6, 0, 0, 0), AnnouncedAt: &announced}, Rules{ObjectionDays: 2}, ErrObjectionClosed},
		{"the window only concerns objections", Change{From: PreliminaryAnnounced, To: FinalQualified,
			Now: at(1405, 1, 20, 0, 0, 0), AnnouncedAt: &announced}, Defaults, nil},
		{"withdrawal after the window", Change{From: PreliminaryAnnounced, To: Withdrawn, Reason: "x",
			Now: at(1405, 1, 20, 0, 0, 0), AnnouncedAt: &announced}, Defaults, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.c, tt.r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Check = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestObjectionDeadline(t *testing.T) {
	got := ObjectionDeadline(at(1404, 12, 3, 10, 0, 0), Defaults)
	if want := at(1404, 12, 8, 0, 0, 0); !got.Equal(want) {
		t.Fatalf("ObjectionDeadline = %v, want %v", got, want)
	}
	// Across the new year: announced on Esfand 28 of the common year 1404.
	got = ObjectionDeadline(at(1404, 12, 28, 18, 0, 0), Defaults)
	if want := at(1405, 1, 4, 0, 0, 0); !got.Equal(want) {
		t.Fatalf("ObjectionDeadline across Nowruz = %v, want %v", got, want)
	}
}

func TestConstituencyChange(t *testing.T) {
	e := at(1405, 2, 11, 0, 0, 0) // the 7th councils election; E−15 is 1405/01/27
	tests := []struct {
		name    string
		changes int
		same    bool
		now     time.Time
		r       Rules
		want    error
	}{
		{"first change, early", 0, true, at(1404, 12, 10, 12, 0, 0), Defaults, nil},
		{"E−15 at midnight", 0, true, at(1405, 1, 27, 0, 0, 0), Defaults, nil},
		{"E−15 at 23:59:59", 0, true, at(1405, 1, 27, 23, 59, 59), Defaults, nil},
		{"E−14 at 00:00", 0, true, at(1405, 1, 28, 0, 0, 0), Defaults, ErrChangeTooLate},
		{"election day", 0, true, e.Add(10 * time.Hour), Defaults, ErrChangeTooLate},
		{"E−15 late evening, given in UTC", 0, true, at(1405, 1, 27, 23, 0, 0).UTC(), Defaults, nil},
		{"second change", 1, true, at(1404, 12, 10, 12, 0, 0), Defaults, ErrChangeUsed},
		{"other county", 0, false, at(1404, 12, 10, 12, 0, 0), Defaults, ErrOtherCounty},
		{"used comes before county", 1, false, at(1405, 1, 28, 0, 0, 0), Defaults, ErrChangeUsed},
		{"county comes before date", 0, false, at(1405, 1, 28, 0, 0, 0), Defaults, ErrOtherCounty},
		{"two changes allowed by the rules", 1, true, at(1404, 12, 10, 12, 0, 0),
			Rules{ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 2}, nil},
		{"deadline from the rules, open", 0, true, at(1405, 1, 21, 23, 59, 59),
			Rules{ConstituencyChangeUntilDays: 21, MaxConstituencyChanges: 1}, nil},
		{"deadline from the rules, closed", 0, true, at(1405, 1, 22, 0, 0, 0),
			Rules{ConstituencyChangeUntilDays: 21, MaxConstituencyChanges: 1}, ErrChangeTooLate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ConstituencyChange(tt.changes, tt.same, tt.now, e, tt.r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("ConstituencyChange = %v, want %v", err, tt.want)
			}
		})
	}
	if got, want := ChangeDeadline(e, Defaults), at(1405, 1, 28, 0, 0, 0); !got.Equal(want) {
		t.Fatalf("ChangeDeadline = %v, want %v", got, want)
	}
}

func TestDefaults(t *testing.T) {
	if want := (Rules{ObjectionDays: 4, ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1}); Defaults != want {
		t.Fatalf("Defaults = %+v, want LAW.md's %+v", Defaults, want)
	}
}

// civil is a calendar date as the timeline gives one (midnight UTC) on a Jalali day.
func civil(y, m, d int) time.Time {
	return persian.Date{Year: y, Month: m, Day: d}.Time(time.UTC)
}

// Where the election's timeline fixes the objection window, it ends with the last day of its milestone,
// in Tehran, whenever the result was announced; the rule's number of days no longer counts.
func TestObjectionWindowFromTimeline(t *testing.T) {
	timeline := Rules{ObjectionDays: 4, ObjectionLastDay: civil(1404, 12, 6)} // E−68 … E−65 of the 7th election
	announced := at(1404, 12, 3, 10, 0, 0)
	early := at(1404, 11, 20, 10, 0, 0) // announced weeks before the window: it still ends on its last day
	tests := []struct {
		name      string
		now       time.Time
		announced time.Time
		r         Rules
		want      error
	}{
		{"within the window", at(1404, 12, 4, 9, 0, 0), announced, timeline, nil},
		{"last day at 23:59:59", at(1404, 12, 6, 23, 59, 59), announced, timeline, nil},
		{"the day after at 00:00", at(1404, 12, 7, 0, 0, 0), announced, timeline, ErrObjectionClosed},
		// Four days from the announcement would still be open on 1404/12/07: the timeline's day wins.
		{"the rule's fourth day, past the timeline's", at(1404, 12, 7, 12, 0, 0), announced, timeline, ErrObjectionClosed},
		{"the rule's fourth day without a timeline", at(1404, 12, 7, 12, 0, 0), announced, Rules{ObjectionDays: 4}, nil},
		{"announced early, objected weeks later within the window", at(1404, 12, 5, 12, 0, 0), early, timeline, nil},
		{"announced early, without a timeline", at(1404, 12, 5, 12, 0, 0), early, Rules{ObjectionDays: 4}, ErrObjectionClosed},
		// The last day ends at midnight in Tehran: 1404/12/06 24:00 is 2026-02-25 20:30 UTC.
		{"last minute, given in UTC", time.Date(2026, time.February, 25, 20, 29, 0, 0, time.UTC), announced, timeline, nil},
		{"closed, given in UTC", time.Date(2026, time.February, 25, 20, 30, 0, 0, time.UTC), announced, timeline, ErrObjectionClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(Change{From: PreliminaryAnnounced, To: ObjectionFiled, Now: tt.now, AnnouncedAt: &tt.announced}, tt.r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Check = %v, want %v", err, tt.want)
			}
		})
	}
	if got, want := ObjectionDeadline(announced, timeline), at(1404, 12, 7, 0, 0, 0); !got.Equal(want) {
		t.Fatalf("ObjectionDeadline = %v, want %v", got, want)
	}
}

// Where the election's timeline fixes the last day of a change of constituency, it counts instead of the
// rule's days before election day.
func TestConstituencyChangeFromTimeline(t *testing.T) {
	e := at(1405, 2, 11, 0, 0, 0)
	timeline := Rules{ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1, ChangeLastDay: civil(1405, 1, 20)} // E−22
	tests := []struct {
		name string
		now  time.Time
		r    Rules
		want error
	}{
		{"before the timeline's last day", at(1405, 1, 19, 12, 0, 0), timeline, nil},
		{"its last day at 23:59:59", at(1405, 1, 20, 23, 59, 59), timeline, nil},
		{"the day after at 00:00", at(1405, 1, 21, 0, 0, 0), timeline, ErrChangeTooLate},
		{"E−15 by the rule, past the timeline's day", at(1405, 1, 27, 12, 0, 0), timeline, ErrChangeTooLate},
		{"E−15 without a timeline", at(1405, 1, 27, 12, 0, 0), Defaults, nil},
		{"a later last day than the rule's", at(1405, 1, 30, 12, 0, 0),
			Rules{ConstituencyChangeUntilDays: 15, MaxConstituencyChanges: 1, ChangeLastDay: civil(1405, 2, 1)}, nil},
		{"used comes before the date", at(1405, 1, 19, 12, 0, 0),
			Rules{ConstituencyChangeUntilDays: 15, ChangeLastDay: civil(1405, 1, 20)}, ErrChangeUsed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ConstituencyChange(0, true, tt.now, e, tt.r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("ConstituencyChange = %v, want %v", err, tt.want)
			}
		})
	}
	if got, want := ChangeDeadline(e, timeline), at(1405, 1, 21, 0, 0, 0); !got.Equal(want) {
		t.Fatalf("ChangeDeadline = %v, want %v", got, want)
	}
}
