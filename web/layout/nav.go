// Package layout is the frame every page is drawn in.
package layout

import (
	"context"
	"net/url"
	"strings"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
)

// NavItem is one area of the portal: its page and the message key of its name.
type NavItem struct {
	Href string
	Key  string
	perm auth.Perm
}

// nav lists every area; each is shown only to roles that may use it.
var nav = []NavItem{
	{"/", "nav.home", auth.ViewCounties},
	{"/counties", "nav.counties", auth.ViewCounties},
	{"/boards", "nav.boards", auth.ViewBoards},
	{"/candidates", "nav.candidates", auth.ViewCandidates},
	{"/timeline", "nav.timeline", auth.ViewTimeline},
	{"/guidance", "nav.guidance", auth.ViewCommitteeWork},
	{"/tasks", "nav.tasks", auth.ViewCommitteeWork},
	{"/questions", "nav.questions", auth.ViewCommitteeWork},
	{"/faq", "nav.faq", auth.ViewCommitteeWork},
	{"/trainings", "nav.trainings", auth.ViewCommitteeWork},
	{"/readiness", "nav.readiness", auth.ViewCommitteeWork},
	{"/incidents", "nav.incidents", auth.ViewIncidents},
	{"/admin/committees", "nav.committees", auth.ManageCommittees},
	{"/admin/systems", "nav.systems", auth.ManageSystems},
	{"/admin/users", "nav.users", auth.ManageUsers},
	{"/audit", "nav.audit", auth.ViewAudit},
	{"/profile", "nav.profile", auth.ChangeOwnPassword},
}

// NavItems are the areas p may use, in the navigation's order.
func NavItems(p *auth.Principal) []NavItem {
	var items []NavItem
	for _, it := range nav {
		if p.Can(it.perm) {
			items = append(items, it)
		}
	}
	return items
}

func isCurrent(ctx context.Context, href string) bool {
	path, _, _ := strings.Cut(reqctx.From(ctx).Path, "?")
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
}

func langHref(ctx context.Context, lang string) string {
	return "/lang/" + lang + "?next=" + url.QueryEscape(reqctx.From(ctx).Path)
}

// unreadCount is the header's count of unread notifications; past what the session's read counts, "99+".
func unreadCount(ctx context.Context, n int) string {
	if n >= store.MaxUnread {
		return i18n.Num(ctx, store.MaxUnread-1) + "+"
	}
	return i18n.Num(ctx, n)
}

func place(ctx context.Context, p *auth.Principal) string {
	return i18n.Pick(ctx, p.PlaceFa, p.PlaceEn)
}
