package server

import (
	"net/http"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/profile"
)

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	s.profilePage(w, r, http.StatusOK, components.NewForm())
}

// profilePage draws the profile page with the password form f, and whether the user has a calendar feed.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, status int, f components.Form) {
	ctx := r.Context()
	has, err := s.store.HasICSToken(ctx, auth.FromContext(ctx).ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, profile.Page(f, string(i18n.From(ctx)), profile.ICS{Has: has}))
}

// profilePassword changes the user's own password after checking the current one.
func (s *Server) profilePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	current, next, confirm := r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), r.PostForm.Get("confirm_password")
	for _, k := range []string{"current_password", "new_password", "confirm_password"} {
		f.Values.Del(k) // passwords are never sent back
	}
	u, err := s.store.ActiveUser(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	locked := u.LockedUntil != nil && u.LockedUntil.After(s.now())
	match, err := s.hasher.Verify(ctx, current, u.PasswordHash)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !match || locked {
		// A wrong current password counts as a failed login, so a borrowed session cannot guess it.
		if _, err := s.store.LoginFailed(ctx, actor(r), u.Username, &u); err != nil {
			s.serverError(w, r, err)
			return
		}
		f.Errors["current_password"] = i18n.M("err.current_password")
		if locked {
			f.Errors["current_password"] = i18n.M("err.locked")
		}
	}
	if key := auth.CheckPassword(next); key != "" {
		f.Errors["new_password"] = i18n.M(key)
	} else if next != confirm {
		f.Errors["confirm_password"] = i18n.M("err.password_mismatch")
	}
	if !f.Valid() {
		s.profilePage(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.store.ChangeOwnPassword(ctx, actor(r), hash); err != nil {
		s.serverError(w, r, err)
		return
	}
	// This session carries on with the new epoch; every other session of the user ends.
	if err := s.renewSessionToken(w, r, u.SessionEpoch+1); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/profile", "profile.password_changed")
}

// profileLang saves the user's language and sets it for this browser too.
func (s *Server) profileLang(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	lang, valid := i18n.Parse(f.Get("lang"))
	if !valid {
		f.Errors["lang"] = i18n.M("err.choose")
		s.profilePage(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := s.store.SetLang(r.Context(), actor(r), string(lang)); err != nil {
		s.serverError(w, r, err)
		return
	}
	setLangCookie(w, string(lang), s.cfg.SecureCookies)
	s.redirectFlash(w, r, "/profile", "profile.language_saved")
}
