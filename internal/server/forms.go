package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// parseForm reads a posted form into a Form. It answers the error page itself (400 for a form that is not
// UTF-8 or names a field no form has, 413 for a body over the limit) and returns false when the form
// cannot be read. What was typed is kept, without the characters no field stores (dropInvisible).
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) (components.Form, bool) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.errorPage(w, r, http.StatusBadRequest)
		}
		return components.Form{}, false
	}
	f := components.NewForm()
	for k, vs := range r.PostForm {
		for _, v := range vs {
			if !validText(k) || !utf8.ValidString(v) {
				s.errorPage(w, r, http.StatusBadRequest)
				return components.Form{}, false
			}
			f.Values.Add(k, typedText(v))
		}
	}
	return f, true
}

// parseFormWithin is parseForm for a form of short fields, with a bound of its own under every form's
// (maxBodyBytes): a body over limit is refused (413) when the reader reaches it, before more is read or
// anything is checked. Call it once the reader may take the act, so that one who may not is told so (403,
// 404) and his body is never read.
func (s *Server) parseFormWithin(w http.ResponseWriter, r *http.Request, limit int64) (components.Form, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return s.parseForm(w, r)
}

// formBytes is the body bound of a form whose typed text is at most chars characters in all: each may be
// four bytes of UTF-8, each byte percent-encoded in three, with room for the form's other fields (its
// version, page, one-time id, confirmation). A text within its bound always fits, so that one a little
// too long comes back with its message (422), and only a body far over it is refused unread (413).
func formBytes(chars int) int64 { return int64(chars)*4*3 + 4<<10 }

// typedText is a field's value as the forms check and store it: trimmed, without the characters
// dropInvisible removes. Pasted text often carries them unseen (a direction mark from a word processor),
// so they are dropped rather than the form refused, as the imports drop them from a file's cells.
func typedText(v string) string { return strings.TrimSpace(strings.Map(dropInvisible, v)) }

// dropInvisible removes from typed text the control characters other than tab and line feed (NUL, which
// PostgreSQL refuses, a terminal's escape codes, a carriage return), the bidirectional embedding, override
// and isolate controls, which could make a printed name read otherwise than it is stored, and the
// invisible marks; line and paragraph separators become line feeds.
func dropInvisible(r rune) rune {
	switch {
	case r == '\t' || r == '\n':
		return r
	case r == '\u2028' || r == '\u2029':
		return '\n'
	case unicode.IsControl(r) || bidiControl(r) || invisibleMark(r):
		return -1
	}
	return r
}

// invisibleMark reports the marks that show nothing yet make a field look filled or two equal names
// differ: the byte-order mark, the zero-width space, the word joiner and the invisible operators, the
// soft hyphen, and the direction marks (left-to-right, right-to-left, Arabic letter). The zero-width
// non-joiner and joiner, which Persian words need, are not among them.
func invisibleMark(r rune) bool {
	switch r {
	case '\uFEFF', '\u200B', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\u00AD', '\u200E', '\u200F', '\u061C':
		return true
	}
	return false
}

// requireText puts an error on a field that is empty or shows nothing (only spaces and joiners: the
// missing message) or longer than max characters (also when a multipart form's reader dropped it as too
// long).
func requireText(f components.Form, name string, max int, missing string) {
	switch n := utf8.RuneCountInString(f.Get(name)); {
	case n > 0 && strings.TrimFunc(f.Get(name), unseen) == "":
		f.Errors[name] = i18n.M(missing)
	case n == 0 && f.Errors[name].Key == "err.too_long":
		// A multipart form's reader drops a value over its own bound (see readUploadForm): too long, not
		// missing, and the field's own bound is the one to tell.
		f.Errors[name] = i18n.M("err.too_long_max", i18n.ArgNum("max", max))
	case n == 0:
		f.Errors[name] = i18n.M(missing)
	case n > max:
		f.Errors[name] = i18n.M("err.too_long")
	}
}

// unseen reports the characters that typed text keeps yet that show nothing alone: white space and the
// zero-width non-joiner and joiner, which Persian words need between their letters.
func unseen(r rune) bool { return unicode.IsSpace(r) || r == '\u200C' || r == '\u200D' }

// latin returns a field with Persian and Arabic-Indic digits made Latin, for codes, numbers and dates.
func latin(f components.Form, name string) string { return persian.ToLatinDigits(f.Get(name)) }

// formVersion is the record version the form was drawn from; a missing or malformed one never matches,
// so the edit is refused as a conflict rather than applied blindly.
func formVersion(f components.Form) int {
	v, err := strconv.Atoi(latin(f, "version"))
	if err != nil || v < 1 {
		return -1
	}
	return v
}

// formOnce returns ctx carrying the create form's one-time id (components.OnceField), when it was posted
// with a well-formed one, for the store to create its record once however often the form is posted.
func formOnce(ctx context.Context, f components.Form) context.Context {
	if v := f.Get(components.OnceFieldName); components.ValidOnceID(v) {
		return store.WithFormOnce(ctx, v)
	}
	return ctx
}

// createdPages are the pages of what the create forms make, by the subject of its audit entry.
var createdPages = map[string]string{"question": "/questions/", "guidance": "/guidance/", "task": "/tasks/", "training": "/trainings/",
	"readiness_check": "/readiness/",
	"incident":        "/incidents/"}

// sentBefore answers a create form posted again (store.FormSentError): it goes to what the form's first
// post created, saying that nothing was recorded again, and returns true; any other err returns false.
func (s *Server) sentBefore(w http.ResponseWriter, r *http.Request, err error) bool {
	var sent *store.FormSentError
	if !errors.As(err, &sent) {
		return false
	}
	target := r.URL.Path
	if page, ok := createdPages[sent.Entity]; ok {
		if id, ok := pathID(sent.EntityID); ok {
			target = page + strconv.FormatInt(id, 10)
		}
	}
	s.redirectFlash(w, r, target, "forms.already_sent")
	return true
}

// furthestDay is the latest day a task may be due or a session held, two years from today: a date past it
// is a slip (a year mistyped), not a plan.
// Two years are counted in the Persian calendar: 1405/09/05 gives 1407/09/05 (the 30th of Esfand the
// 29th when the year two ahead is not a leap year).
func furthestDay(today time.Time) time.Time {
	d := persian.FromTime(today)
	d.Year += 2
	d.Day = min(d.Day, persian.MonthLength(d.Year, d.Month))
	return d.Time(today.Location())
}
