// Package notifications is the user's inbox: the unread notices one by one at the top, as many as the
// header counts, and those read grouped by day below, so that reminders never flood it.
package notifications

import (
	"context"
	"strconv"
	"time"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Inbox is the page's data: Fresh are the unread notices, events and reminders, newest first; Days the
// read ones, by day in Tehran, newest first.
type Inbox struct {
	Fresh  []store.Notification
	Days   []Day
	Unread int
}

// Day is a day's notices, with how many of each kind.
type Day struct {
	Day     time.Time
	Notices []store.Notification
	Kinds   []KindCount
}

// KindCount is how many notices of a kind a day has.
type KindCount struct {
	Kind string
	N    int
}

// Group sorts a user's notifications (newest first) into the page.
func Group(ns []store.Notification) Inbox {
	var in Inbox
	for _, n := range ns {
		if n.ReadAt == nil {
			in.Unread++
			in.Fresh = append(in.Fresh, n)
			continue
		}
		y, m, d := n.CreatedAt.In(i18n.Tehran).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if len(in.Days) == 0 || !in.Days[len(in.Days)-1].Day.Equal(day) {
			in.Days = append(in.Days, Day{Day: day})
		}
		g := &in.Days[len(in.Days)-1]
		g.Notices = append(g.Notices, n)
		found := false
		for i := range g.Kinds {
			if g.Kinds[i].Kind == n.Kind {
				g.Kinds[i].N++
				found = true
			}
		}
		if !found {
			g.Kinds = append(g.Kinds, KindCount{Kind: n.Kind, N: 1})
		}
	}
	return in
}

// Href is the page a notice is about.
func Href(n store.Notification) string {
	id := strconv.FormatInt(n.SubjectID, 10)
	switch n.Subject {
	case "guidance":
		return "/guidance/" + id
	case "task":
		return "/tasks/" + id
	case "question":
		return "/questions/" + id
	case "training":
		return "/trainings/" + id
	case "board":
		return "/boards/" + id
	case "incident":
		return "/incidents/" + id
	case "readiness_check":
		return "/readiness/" + id + "/file"
	}
	return "/timeline"
}

func kindLabel(ctx context.Context, k KindCount) string {
	return i18n.T(ctx, "notices.count."+k.Kind, i18n.ArgNum("n", k.N))
}

func dayID(d Day) string { return "day-" + d.Day.Format("20060102") }

// title is a notice's title as the inbox shows it: Lang is "" when it is in the reader's language, else
// the language it is shown in for want of one in his.
type title struct {
	Text string
	Lang i18n.Lang
}

// titleIn picks a notice's title in the reader's language, falling back to the other one.
func titleIn(ctx context.Context, n store.Notification) title {
	if i18n.From(ctx) == i18n.En {
		if n.TitleEn != "" || n.Title == "" {
			return title{Text: n.TitleEn}
		}
		return title{Text: n.Title, Lang: i18n.Fa}
	}
	if n.Title != "" || n.TitleEn == "" {
		return title{Text: n.Title}
	}
	return title{Text: n.TitleEn, Lang: i18n.En}
}

func dirOf(l i18n.Lang) string {
	if l == i18n.Fa {
		return "rtl"
	}
	return "ltr"
}
