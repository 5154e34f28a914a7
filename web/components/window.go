package components

import (
	"context"
	"time"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/timeline"
)

// Window is a window of an election's timeline as a page shows it beside the action it gates: what it is
// for, its days, and where it stands on the day the page is drawn, as a badge and in words (open, closes
// in N days, closed). A window that the timeline does not set says so instead (None).
type Window struct {
	Label    string    // what the window is for, in the reader's language
	From, To time.Time // calendar days; a zero From: only the last day is known
	None     i18n.Msg  // why there is no window, and what holds instead; the rest is then empty
	Status   timeline.Status
	Words    i18n.Msg
}

// NewWindow is the window of label from from to to (calendar days, both included; from may be zero) on the
// instant now: its status (timeline.StatusOf, markable when someone is late once it has closed, done when
// its work is done) and its days in words.
func NewWindow(label string, from, to, now time.Time, done, markable bool) Window {
	today := timeline.Today(now)
	w := Window{Label: label, From: from, To: to, Status: timeline.StatusOf(today, from, to, done, markable)}
	if !done {
		w.Words = timeline.DaysInWords(today, from, to)
	}
	return w
}

// NoWindow is a window that the timeline does not set, with what holds instead.
func NoWindow(label string, why i18n.Msg) Window { return Window{Label: label, None: why} }

// days are the window's days in the reader's calendar.
func (w Window) days(ctx context.Context) string {
	switch {
	case w.From.IsZero():
		return i18n.T(ctx, "window.until", i18n.ArgDay("to", w.To))
	case w.From.Equal(w.To):
		return i18n.T(ctx, "window.day", i18n.ArgDay("to", w.To))
	}
	return i18n.T(ctx, "window.days", i18n.ArgDay("from", w.From), i18n.ArgDay("to", w.To))
}

// windowTone is the badge's colour of a window's status; its words always say it too.
func windowTone(s timeline.Status) Tone {
	switch s {
	case timeline.Open, timeline.Done:
		return ToneOK
	case timeline.DueSoon:
		return ToneWarn
	case timeline.Overdue:
		return ToneBad
	}
	return ToneDraft
}
