package taskflow

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/setad/setad/internal/i18n"
)

// The table of moves in the package's comment, cell by cell, with and without a note.
func TestCheck(t *testing.T) {
	type cell struct{ plain, noted error }
	yes, note, no := cell{nil, nil}, cell{ErrNoteRequired, nil}, cell{ErrNotAllowed, ErrNotAllowed}
	blocked := cell{ErrNoteRequired, nil}
	table := map[string]map[string]cell{
		Open:       {Open: no, InProgress: yes, Done: yes, Blocked: blocked},
		InProgress: {Open: no, InProgress: note, Done: yes, Blocked: blocked},
		Done:       {Open: no, InProgress: yes, Done: no, Blocked: no},
		Blocked:    {Open: no, InProgress: yes, Done: yes, Blocked: note},
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			want := table[from][to]
			if got := Check(from, to, ""); !errors.Is(got, want.plain) || (got == nil) != (want.plain == nil) {
				t.Errorf("%s → %s without a note: %v, want %v", from, to, got, want.plain)
			}
			if got := Check(from, to, "why"); !errors.Is(got, want.noted) || (got == nil) != (want.noted == nil) {
				t.Errorf("%s → %s with a note: %v, want %v", from, to, got, want.noted)
			}
		}
	}
	for _, tt := range []struct{ from, to string }{{Open, "closed"}, {"closed", Done}, {Open, ""}, {"", InProgress}} {
		if err := Check(tt.from, tt.to, "n"); !errors.Is(err, ErrUnknownStatus) {
			t.Errorf("%q → %q: %v, want ErrUnknownStatus", tt.from, tt.to, err)
		}
	}
}

func TestNext(t *testing.T) {
	for _, tt := range []struct {
		from string
		want []string
	}{
		{Open, []string{InProgress, Done, Blocked}},
		{InProgress, []string{InProgress, Done, Blocked}},
		{Done, []string{InProgress}},
		{Blocked, []string{InProgress, Done, Blocked}},
		{"closed", nil},
	} {
		if got := Next(tt.from); !slices.Equal(got, tt.want) {
			t.Errorf("Next(%s) = %v, want %v", tt.from, got, tt.want)
		}
		for _, to := range Next(tt.from) {
			if err := Check(tt.from, to, "n"); err != nil {
				t.Errorf("Next(%s) offers %s, which Check refuses: %v", tt.from, to, err)
			}
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestLateness(t *testing.T) {
	due := date(2026, 3, 10)
	for _, tt := range []struct {
		today time.Time
		done  bool
		want  Lateness
		words i18n.Msg
	}{
		{date(2026, 3, 1), false, OnTime, i18n.M("tasks.days_left", i18n.ArgNum("n", 9))},
		{date(2026, 3, 7), false, OnTime, i18n.M("tasks.days_left", i18n.ArgNum("n", 3))},
		{date(2026, 3, 8), false, DueSoon, i18n.M("tasks.days_left", i18n.ArgNum("n", 2))},
		{date(2026, 3, 10), false, DueSoon, i18n.M("tasks.due_today")},
		{date(2026, 3, 11), false, Overdue, i18n.M("tasks.days_over", i18n.ArgNum("n", 1))},
		{date(2026, 4, 10), false, Overdue, i18n.M("tasks.days_over", i18n.ArgNum("n", 31))},
		{date(2026, 4, 10), true, 0, i18n.M("tasks.days_over", i18n.ArgNum("n", 31))},
		// Only the day counts: late in the evening before is still the day before.
		{time.Date(2026, 3, 10, 23, 59, 0, 0, time.UTC), false, DueSoon, i18n.M("tasks.due_today")},
	} {
		if got := LatenessOf(tt.today, due, tt.done); got != tt.want {
			t.Errorf("LatenessOf(%s, done %v) = %v, want %v", tt.today.Format(time.DateOnly), tt.done, got, tt.want)
		}
		if got := DueInWords(tt.today, due); got.Key != tt.words.Key || !slices.Equal(got.Args, tt.words.Args) {
			t.Errorf("DueInWords(%s) = %+v, want %+v", tt.today.Format(time.DateOnly), got, tt.words)
		}
	}
	for _, l := range []Lateness{OnTime, DueSoon, Overdue} {
		if l.Key() == "" || l.Class() == "" {
			t.Errorf("lateness %d has no label or colour", l)
		}
	}
	if Lateness(0).Key() != "" || Lateness(0).Class() != "" {
		t.Error("a done copy has a lateness label")
	}
}
