package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/login"
)

// The session cookie carries a random token, of which the store keeps only the SHA-256 (store.Session).
// It is a browser-session cookie, not one that expires with the session: after the idle timeout the
// browser still sends it, so that a form posted then can be kept for the user whose session it was
// (keepForm). The server alone decides whether a session is live.
const sessionCookie = "setad_session"

// session is the request's session as authenticate read it. Each change is written at once, in one
// statement, by the methods below; nothing is saved when the request ends, so that a page view that
// changes nothing writes nothing.
type session struct {
	hash []byte // the SHA-256 of the cookie's token; nil when the request has no live session
	store.Session
}

type sessionKey struct{}

// sessionFrom returns the request's session, never nil.
func sessionFrom(ctx context.Context) *session {
	if s, ok := ctx.Value(sessionKey{}).(*session); ok {
		return s
	}
	return &session{}
}

// tokenHash is what the store keeps of a token.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// startSession gives the browser a new token for sess, in place of the request's session or, when it
// has none live, of whatever session its cookie names: that one ends, or is forgotten if it had ended.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess store.Session) error {
	cur := sessionFrom(r.Context())
	old := cur.hash
	if c, err := r.Cookie(sessionCookie); old == nil && err == nil && c.Value != "" {
		old = tokenHash(c.Value)
	}
	token, hash := newSessionToken()
	if err := s.store.StartSession(r.Context(), old, hash, sess, s.cfg.SessionLifetime); err != nil {
		return err
	}
	cur.hash, cur.Session = hash, sess
	s.setSessionCookie(w, token)
	return nil
}

// renewSessionToken moves the request's live session to a new token, with the user's new session epoch:
// his other sessions, on the old epoch, end.
func (s *Server) renewSessionToken(w http.ResponseWriter, r *http.Request, epoch int) error {
	cur := sessionFrom(r.Context())
	token, hash := newSessionToken()
	if err := s.store.RenewSessionToken(r.Context(), cur.hash, hash, epoch); err != nil {
		return err
	}
	cur.hash, cur.Epoch = hash, epoch
	s.setSessionCookie(w, token)
	return nil
}

// setFlash sets the message the next page shows, in an anonymous session started for it if the request
// has no live one.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, key, form string) error {
	cur := sessionFrom(r.Context())
	if cur.hash == nil {
		return s.startSession(w, r, store.Session{Flash: key, FlashForm: form})
	}
	cur.Flash, cur.FlashForm = key, form
	return s.store.SetSessionFlash(r.Context(), cur.hash, key, form)
}

func newSessionToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode})
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if auth.FromContext(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, login.Page(components.NewForm(), localPath(r.URL.Query().Get("next"))))
}

// maxTypedName bounds what a failed login records of the typed name.
const maxTypedName = 64

// login checks the password. Every failure (unknown user, wrong password, disabled or locked account)
// gets the same answer after the same work: one password verification and one recorded failure.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	next := localPath(f.Get("next"))
	username := strings.ToLower(persian.ToLatinDigits(f.Get("username")))
	if utf8.RuneCountInString(username) > maxTypedName {
		username = string([]rune(username)[:maxTypedName]) // no account has a longer name
	}
	pw := r.PostForm.Get("password") // not trimmed: spaces may be part of a password
	f.Values.Del("password")
	if username == "" || pw == "" {
		f.Errors[""] = i18n.M("login.missing")
		s.render(w, r, http.StatusUnauthorized, login.Page(f, next))
		return
	}
	a := actor(r)
	n, err := s.store.RecentFailuresFrom(ctx, a.Remote)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if n >= s.cfg.LoginIPLimit {
		f.Errors[""] = i18n.M("login.too_many")
		s.render(w, r, http.StatusTooManyRequests, login.Page(f, next))
		return
	}
	var user *store.User
	u, err := s.store.UserByUsername(ctx, username)
	switch {
	case err == nil:
		user = &u
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	hash := ""
	if user != nil {
		hash = user.PasswordHash
	}
	match, err := s.hasher.Verify(ctx, pw, hash)
	if errors.Is(err, password.ErrBusy) {
		f.Errors[""] = i18n.M("login.busy")
		s.render(w, r, http.StatusTooManyRequests, login.Page(f, next))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	usable := user != nil && user.DisabledAt == nil && (user.LockedUntil == nil || user.LockedUntil.Before(s.now()))
	if match && usable {
		a.ID, a.Name = user.ID, user.Username
		// Checked again under the name's lock: a parallel burst of guesses may have locked the
		// account while this password was being verified.
		err = s.store.LoginSucceeded(ctx, a, *user, s.cfg.LoginIPLimit)
		switch {
		case errors.Is(err, store.ErrTooManyFrom):
			f.Errors[""] = i18n.M("login.too_many")
			s.render(w, r, http.StatusTooManyRequests, login.Page(f, next))
			return
		case errors.Is(err, store.ErrLoginRefused):
			match = false
			a.ID, a.Name = 0, ""
		case err != nil:
			s.serverError(w, r, err)
			return
		}
	}
	if !match || !usable {
		if _, err := s.store.LoginFailed(ctx, a, username, user); err != nil {
			s.serverError(w, r, err)
			return
		}
		f.Errors[""] = i18n.M("login.failed")
		s.render(w, r, http.StatusUnauthorized, login.Page(f, next))
		return
	}
	next, kept := s.claimKeptForm(w, r, user.ID, next)
	// A new token: whatever token the browser had before the login names nothing any more.
	if err := s.startSession(w, r, store.Session{UserID: user.ID, Epoch: user.SessionEpoch, KeptForm: kept}); err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := r.Cookie(langCookie); err != nil {
		setLangCookie(w, user.Lang, s.cfg.SecureCookies)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session and starts a fresh, anonymous one with a new token, which carries the message.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if err := s.store.LoggedOut(ctx, actor(r), p.Scope.ProvinceID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(w, r, store.Session{Flash: "login.logged_out"}); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLanguage sets the language cookie and returns to the page the link was on, or to its form's page
// when that address only takes a POST. It changes no stored state: a GET never does.
func (s *Server) setLanguage(pg pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang, ok := i18n.Parse(chi.URLParam(r, "lang"))
		if !ok {
			s.notFound(w, r)
			return
		}
		setLangCookie(w, string(lang), s.cfg.SecureCookies)
		next := r.URL.Query().Get("next")
		if next == "" {
			next = sameSiteReferer(r)
		}
		http.Redirect(w, r, pg.page(localPath(next)), http.StatusSeeOther)
	}
}

func setLangCookie(w http.ResponseWriter, lang string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// sameSiteReferer returns the referring page's path when it is on this host.
func sameSiteReferer(r *http.Request) string {
	ref := r.Referer()
	if ref == "" {
		return ""
	}
	u, err := r.URL.Parse(ref)
	if err != nil || u.Host != r.Host {
		return ""
	}
	return u.RequestURI()
}
