package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// A form posted after its session ended (forms are long, filled on phones, and the idle timeout is half
// an hour) is not lost: it is kept for the user whose session it was, who finds it filled in on its page
// after he signs in again on the same browser, and nothing is applied until he submits it. Its token is
// held by this cookie until the login, then by his new session (store.Session.KeptForm).
const keptFormCookie = "setad_kept_form"

// keepForm answers a form posted without a live session. A form drawn by components.PostForm (it names
// its page) whose ended session still names its user is kept for him, under a random token held by a
// cookie and a row, and the login page says so; a file upload cannot be kept, and the login page says to
// choose the file again; anything else is dropped, and the login page says that too.
func (s *Server) keepForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	back := sameSiteReferer(r)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		s.toLogin(w, r, back, "login.upload_not_kept")
		return
	}
	// A form is kept within a form's limit, also where an import's own, larger limit let the body through.
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil || len(r.PostForm) == 0 {
		s.toLogin(w, r, back, "") // nothing was sent, as by the logout button
		return
	}
	page := r.PostForm.Get(components.PageField)
	userID := int64(0)
	if page != "" && localPath(page) == page {
		userID = s.formerUser(r)
	}
	values := keptValues(r.PostForm)
	if userID == 0 || values == nil {
		s.toLogin(w, r, back, "login.session_ended")
		return
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	err := s.store.KeepPendingForm(ctx, store.PendingForm{Token: token, UserID: userID, Action: r.URL.Path, Page: page, Values: values})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: keptFormCookie, Value: token, Path: "/", MaxAge: int(store.PendingFormLife / time.Second),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	s.toLogin(w, r, page, "login.form_kept")
}

// keptValues are the posted values worth keeping, as the forms read them (typedText): no password is
// ever stored, and no text the forms would refuse. It is nil when there is none.
func keptValues(posted url.Values) url.Values {
	out := url.Values{}
	for k, vs := range posted {
		if strings.Contains(k, "password") || !validText(k) {
			continue
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil
			}
			out.Add(k, typedText(v))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// toLogin sends the request to the login page with a one-time message (none if flash is ""), to return to
// next after signing in.
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request, next, flash string) {
	target := "/login"
	if next != "" && next != "/" && localPath(next) == next {
		target += "?next=" + url.QueryEscape(next)
	}
	if flash == "" {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	s.redirectFlash(w, r, target, flash)
}

// formerUser is the user whose session the request's cookie names, though it has ended, or 0. An ended
// session's row is kept a while for this (store.EndedSessionKept); one that was deleted (a logout) or
// whose user has since been disabled or changed his password names no one.
func (s *Server) formerUser(r *http.Request) int64 {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return 0
	}
	id, err := s.store.FormerSessionUser(r.Context(), tokenHash(c.Value), s.cfg.SessionIdle)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Warn("ended session", "request_id", reqctx.From(r.Context()).RequestID, "err", err.Error())
		}
		return 0
	}
	return id
}

// claimKeptForm hands the form kept in this browser to the user who is signing in, if it is his: it
// returns its page, where he is to go, and its token, for his new session to hold. Someone else's sign-in
// discards it, and next and "" are returned. The cookie goes either way.
func (s *Server) claimKeptForm(w http.ResponseWriter, r *http.Request, userID int64, next string) (page, token string) {
	c, err := r.Cookie(keptFormCookie)
	if err != nil {
		return next, ""
	}
	http.SetCookie(w, &http.Cookie{Name: keptFormCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	ctx := r.Context()
	f, err := s.store.PendingForm(ctx, c.Value)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return next, ""
	case err != nil:
		s.log.Warn("kept form", "request_id", reqctx.From(ctx).RequestID, "err", err.Error())
		return next, ""
	case f.UserID != userID:
		if err := s.store.DeletePendingForm(ctx, f.Token); err != nil {
			s.log.Warn("kept form", "request_id", reqctx.From(ctx).RequestID, "err", err.Error())
		}
		return next, ""
	}
	return f.Page, f.Token
}

// restoreKeptForm brings back, once, the form kept for the signed-in user when the request is for its
// page: the page's form that posts where it was posted shows it filled in (components.WithRestored).
func (s *Server) restoreKeptForm(ctx context.Context, r *http.Request, userID int64) context.Context {
	sess := sessionFrom(ctx)
	token := sess.KeptForm
	if token == "" {
		return ctx
	}
	forget := func() {
		sess.KeptForm = ""
		if err := s.store.ClearSessionKeptForm(ctx, sess.hash); err != nil {
			s.log.Warn("kept form", "request_id", reqctx.From(ctx).RequestID, "err", err.Error())
		}
	}
	f, err := s.store.PendingForm(ctx, token)
	if err != nil || f.UserID != userID {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.Warn("kept form", "request_id", reqctx.From(ctx).RequestID, "err", err.Error())
			return ctx
		}
		forget()
		return ctx
	}
	if page, _, _ := strings.Cut(f.Page, "?"); page != r.URL.Path {
		return ctx // another page first: the form waits for its own, within its life
	}
	forget()
	if err := s.store.DeletePendingForm(ctx, token); err != nil {
		s.log.Warn("kept form", "request_id", reqctx.From(ctx).RequestID, "err", err.Error())
	}
	return components.WithRestored(ctx, f.Action, f.Values)
}
