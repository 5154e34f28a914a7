package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/web"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/errorpage"
)

// pageBuffer is a buffer for one page, from the server's pool: a page is not grown from nothing each time.
func (s *Server) pageBuffer() *bytes.Buffer {
	if b, ok := s.pageBuffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// putPageBuffer returns buf to the pool unless an unusually large page grew it: those are let go.
func (s *Server) putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 256<<10 {
		buf.Reset()
		s.pageBuffers.Put(buf)
	}
}

// render draws c into a buffer first, so a failing template becomes a clean 500 page, not half a page. The
// page goes out with its length, in one piece.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := s.pageBuffer()
	defer s.putPageBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	sendPage(w, status, buf.Bytes())
}

// htmlType is the type of every page.
const htmlType = "text/html; charset=utf-8"

// sendPage sends a drawn page with its status, type and length, in one piece.
func sendPage(w http.ResponseWriter, status int, page []byte) {
	h := w.Header()
	h.Set("Content-Type", htmlType)
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(status)
	_, _ = w.Write(page)
}

// errorPage answers with the localised page for status.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	var buf bytes.Buffer
	if err := errorpage.Page(status).Render(r.Context(), &buf); err != nil {
		s.log.Error("error page", "request_id", reqctx.From(r.Context()).RequestID, "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	sendPage(w, status, buf.Bytes())
}

// serverError logs err with the request id, user and path, and shows the generic 500 page (503 when
// password hashing is saturated and the request may simply be tried again).
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	info := reqctx.From(r.Context())
	if errors.Is(err, password.ErrBusy) {
		s.log.Warn("busy", "request_id", info.RequestID, "path", r.URL.Path)
		s.errorPage(w, r, http.StatusServiceUnavailable)
		return
	}
	s.log.Error("server error", "request_id", info.RequestID, "method", r.Method, "path", r.URL.Path,
		"user_id", info.UserID, "err", err.Error())
	s.errorPage(w, r, http.StatusInternalServerError)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound)
}
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusForbidden)
}

// redirectFlash sets a one-time message and redirects with 303 (post/redirect/get). When to names a form
// by its fragment (/boards/7#add-pool), the message is that form's: the page lands there and the form
// shows it, so that an "add another" form is filled again without scrolling back to it.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	_, form, _ := strings.Cut(to, "#")
	if err := s.setFlash(w, r, flashKey, form); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// confirmed reports whether an act that cannot be undone was posted with its confirmation (confirm=yes).
// If it was not, it answers with the confirmation page (200): what will happen, the same fields to post
// again with confirm=yes, and back, the way out; nothing has changed. The dialog of confirm.js, where
// JavaScript runs, adds confirm=yes itself, so this page is what a browser without it sees.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, f components.Form, q components.Question, back string) bool {
	if f.Get("confirm") == "yes" {
		return true
	}
	vals := url.Values{}
	for k, vs := range f.Values {
		if k != "confirm" {
			vals[k] = vs
		}
	}
	s.render(w, r, http.StatusOK, components.ConfirmPage(components.Confirmation{Question: q, Action: r.URL.Path, Values: vals,
		Back: localPath(back), Multipart: strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")}))
	return false
}

// actor is who makes a change in this request, for the audit log.
func actor(r *http.Request) audit.Actor {
	a := audit.Actor{Remote: reqctx.From(r.Context()).Remote}
	if p := auth.FromContext(r.Context()); p != nil {
		a.ID, a.Name = p.ID, p.Username
	}
	return a
}

// pathID parses a numeric route parameter written the one canonical way; anything else is not found.
func pathID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0 && strconv.FormatInt(id, 10) == s
}

func fmtAny(v any) string { return fmt.Sprint(v) }

// favicon serves the portal's icon (a ballot box) at the address browsers ask for, from the binary. It
// changes only with a release, so a browser may keep it for a day.
func favicon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeFileFS(w, r, web.Static, "static/favicon.ico")
}
