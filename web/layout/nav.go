// Package layout is the frame every page is drawn in.
package layout

import (
	"context"
	"net/url"
	"strings"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
)

type navItem struct {
	href string
	key  string
	perm auth.Perm
}

// nav lists every area; each is shown only to roles that may use it.
var nav = []navItem{
	{"/", "nav.home", auth.ViewCounties},
	{"/counties", "nav.counties", auth.ViewCounties},
	{"/boards", "nav.boards", auth.ViewBoards},
	{"/candidates", "nav.candidates", auth.ViewCandidates},
	{"/admin/users", "nav.users", auth.ManageUsers},
	{"/audit", "nav.audit", auth.ViewAudit},
	{"/profile", "nav.profile", auth.ChangeOwnPassword},
}

func navItems(p *auth.Principal) []navItem {
	var items []navItem
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

func place(ctx context.Context, p *auth.Principal) string {
	return i18n.Pick(ctx, p.PlaceFa, p.PlaceEn)
}
