package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
)

const maxBodyBytes = 1 << 20

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives the request an id and the page its Info, and logs one JSON line when it ends.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		info := &reqctx.Info{RequestID: hex.EncodeToString(b), Method: r.Method, Path: r.URL.RequestURI(), Now: s.now(),
			Remote: clientAddr(r, s.cfg.TrustedProxies)}
		w.Header().Set("X-Request-Id", info.RequestID)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(reqctx.NewContext(r.Context(), info)))
		s.log.Info("request", "request_id", info.RequestID, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "duration_ms", float64(time.Since(start).Microseconds())/1000, "user_id", info.UserID,
			"remote", info.Remote)
	})
}

// recoverPanics turns a panic into the 500 page; the log has the panic with the request id.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, panicError{v: v, stack: debug.Stack()})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// panicError carries a recovered panic to the log with the stack where it happened, which the page
// never shows.
type panicError struct {
	v     any
	stack []byte
}

func (p panicError) Error() string {
	return "panic: " + strings.TrimSpace(fmtAny(p.v)) + "\n" + string(p.stack)
}

// securityHeaders sets a strict policy: only this origin's scripts, styles, fonts and images; no framing;
// and, when the portal is served over HTTPS, HTTPS only from then on.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBodies bounds every request body; the imports, which take files, set their own bound (readsOwnBody).
func limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !readsOwnBody(r.URL.Path) {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginProtection refuses cross-origin state-changing requests with the 403 page.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "request_id", reqctx.From(r.Context()).RequestID,
			"method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		s.errorPage(w, r, http.StatusForbidden)
	})))
	return cop.Handler(next)
}

// authenticate reads the request's session with its user in one query and puts the user, if any, into the
// context, with the flash message to show. A request without a session cookie costs no query; a page view
// writes only to take its flash away or, at most once a minute, to renew the session's idle deadline. A
// session whose user was disabled, or whose password changed since it began, is ended. The same query
// reads the generation of the cached reference data, which the store then serves no older
// (store.SeeGeneration), and the data version that kept pages are served at (keepPages). It also wraps
// the handlers that answer before the routes (an error page of the middleware or the router), so that
// their pages keep the user's header and navigation like every other page.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := &session{}
		ctx := context.WithValue(r.Context(), sessionKey{}, sess)
		r = r.WithContext(ctx)
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		hash := tokenHash(c.Value)
		read, err := s.store.ReadSession(ctx, hash, s.cfg.SessionIdle)
		switch {
		case errors.Is(err, store.ErrNotFound): // unknown or ended: the cookie stays, to tell keepForm whose it was
			next.ServeHTTP(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		case read.Refused():
			if err := s.store.DeleteSession(ctx, hash); err != nil {
				s.serverError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		sess.hash, sess.Session = hash, read.Session
		ctx = store.SeeGeneration(ctx, read.Generation, read.Origin)
		info := reqctx.From(ctx)
		info.Flash, info.FlashForm = read.Flash, read.FlashForm
		info.DataVersion, info.DataOrigin, info.OnlyOnce = read.DataVersion, read.Origin, read.Flash != "" || read.KeptForm != ""
		if read.Stale || read.Flash != "" {
			if err := s.store.TouchSession(ctx, hash, read.Stale, read.Flash); err != nil {
				s.serverError(w, r, err)
				return
			}
			sess.Flash, sess.FlashForm = "", ""
		}
		if read.User.ID == 0 { // an anonymous session, carrying a flash
			next.ServeHTTP(w, r)
			return
		}
		info.UserID, info.Unread = read.User.ID, read.Unread
		ctx = auth.NewContext(ctx, read.User.Principal())
		if r.Method == http.MethodGet {
			ctx = s.restoreKeptForm(ctx, r, read.User.ID)
		}
		if _, err := r.Cookie(langCookie); err != nil {
			lang, _ := i18n.Parse(read.User.Lang) // the browser has no choice of its own: use the saved one
			ctx = i18n.NewContext(ctx, lang)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

const langCookie = "lang"

// language picks the request's language from its cookie, else Persian; authenticate may then apply the
// signed-in user's saved choice.
func language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Fa
		if c, err := r.Cookie(langCookie); err == nil {
			lang, _ = i18n.Parse(c.Value)
		}
		next.ServeHTTP(w, r.WithContext(i18n.NewContext(r.Context(), lang)))
	})
}

// requireLogin sends anonymous requests to the login page, remembering where they were going; a form
// posted after its session ended is kept for its user (keepForm).
func (s *Server) requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()) == nil {
			if r.Method == http.MethodPost {
				s.keepForm(w, r)
				return
			}
			target := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// localPath returns next when it is a path on this site, else "/": never an open redirect.
func localPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// clientAddr is the client's address without the port. When the connection comes from a trusted proxy,
// it is the right-most address of X-Forwarded-For that is not itself a trusted proxy: entries further
// left were written by the client and prove nothing.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !isTrusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break
		}
		if !isTrusted(hop) {
			return hop
		}
	}
	return host
}

// validText rejects, in an address or the name of a form's field, the NUL byte and invalid UTF-8, which
// PostgreSQL refuses, and the bidirectional embedding, override and isolate controls, which could make a
// printed name read otherwise than it is stored. A field's value is cleaned of them instead (typedText).
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r == 0 || bidiControl(r) })
}

// dropBidi removes the bidirectional controls (strings.Map).
func dropBidi(r rune) rune {
	if bidiControl(r) {
		return -1
	}
	return r
}

// bidiControl reports the bidirectional embedding, override and isolate controls.
func bidiControl(r rune) bool { return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 }

// rejectBadText answers 400 for a path or query string that is not valid text. A query's value (a search
// typed in a form sent by GET) is cleaned as a posted field is: the direction controls pasted text carries
// unseen are dropped and the request goes on; invalid UTF-8 and NUL are refused.
func (s *Server) rejectBadText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok := validText(r.URL.Path)
		q, cleaned := r.URL.Query(), false
		for k, vs := range q {
			ok = ok && validText(k)
			for i, v := range vs {
				if !utf8.ValidString(v) {
					ok = false
				} else if c := strings.Map(dropBidi, v); c != v {
					vs[i], cleaned = c, true
				}
				ok = ok && validText(vs[i])
			}
		}
		if ok && cleaned {
			r = r.Clone(r.Context())
			r.URL.RawQuery = q.Encode()
		}
		if !ok {
			language(s.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s.errorPage(w, r, http.StatusBadRequest)
			}))).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}
