package users

import (
	"context"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

func roleOptions(ctx context.Context, roles []auth.Role) []components.Option {
	var opts []components.Option
	for _, r := range roles {
		opts = append(opts, components.Option{Value: string(r), Label: i18n.T(ctx, "role."+string(r))})
	}
	return opts
}

func districtOptions(ctx context.Context, ds []store.District) []components.Option {
	var opts []components.Option
	for _, d := range ds {
		// Many districts are called Central: the county tells them apart.
		opts = append(opts, components.Option{Value: d.Code, Label: i18n.Pick(ctx, d.NameFa, d.NameEn) + " (" + i18n.Pick(ctx, d.CountyFa, d.CountyEn) + ")"})
	}
	return opts
}

func committeeOptions(ctx context.Context, ks []store.Committee) []components.Option {
	var opts []components.Option
	for _, k := range ks {
		opts = append(opts, components.Option{Value: k.Key, Label: i18n.Pick(ctx, k.NameFa, k.NameEn)})
	}
	return opts
}

// placeOf is where a user works; a committee member taken off his committee is said to be on none.
func placeOf(ctx context.Context, u store.User) string {
	place := i18n.Pick(ctx, u.Principal().PlaceFa, u.Principal().PlaceEn)
	if u.Role == string(auth.Committee) && u.Committee == "" {
		return i18n.T(ctx, "committees.no_committee") + i18n.Pick(ctx, "، ", ", ") + place
	}
	return place
}

// isLocked reports whether u's account is locked out now; the page changes by itself when the lock ends.
func isLocked(ctx context.Context, u store.User) bool {
	info := reqctx.From(ctx)
	if u.LockedUntil == nil || !u.LockedUntil.After(info.Now) {
		return false
	}
	info.ChangesAt(*u.LockedUntil)
	return true
}

// DisableQuestion asks before HQ disables u's account.
func DisableQuestion(u store.User) components.Question {
	return components.Question{What: i18n.M("confirm.user_disable", i18n.ArgText("username", u.Username), i18n.ArgText("name", u.FullName)),
		Yes: i18n.M("users.disable"), Danger: true}
}
