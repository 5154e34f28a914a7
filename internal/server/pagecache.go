package server

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/pagecache"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/web/components"
)

// keepPages serves a page that only reads from the page cache (package pagecache) when the same user
// drew it at the same data version of the same copy of the database, in the same language, on the same
// day, at the same address; else it draws it and keeps it. A kept page's create forms get new one-time ids
// each time it is served (components.RenewOnceIDs). A page with a flash or a restored form is drawn every
// time and not kept; so is every answer but a 200 HTML page without cookies. Only routes whose GET
// handler writes nothing are wrapped (Routes). A page for someone signed out (the login page) shows no
// data: it is kept apart, by language, day and address.
func (s *Server) keepPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := reqctx.From(r.Context())
		if r.Method != http.MethodGet || info.OnlyOnce {
			next.ServeHTTP(w, r)
			return
		}
		pages, user, version := s.openPages, int64(0), pagecache.Version{}
		if p := auth.FromContext(r.Context()); p != nil {
			if info.DataVersion == 0 {
				next.ServeHTTP(w, r)
				return
			}
			pages, user, version = s.pages, p.ID, dataVersion(info)
		}
		key := pageKey(user, i18n.From(r.Context()), info, r.URL.RequestURI())
		if body, ok := pages.Get(key, version, info.Now); ok {
			sendPage(w, http.StatusOK, components.RenewOnceIDs(body))
			return
		}
		kw := &keepWriter{statusWriter: statusWriter{ResponseWriter: w}}
		next.ServeHTTP(kw, r)
		h := w.Header()
		if kw.status == http.StatusOK && !kw.tooBig && h.Get("Content-Type") == htmlType && len(h.Values("Set-Cookie")) == 0 {
			pages.Put(key, version, kw.body.Bytes(), info.Until())
		}
	})
}

// dataVersion is the data version the request read, with the copy of the database it counts in: what
// a kept page or value (keepPages, figuresOf) is kept at.
func dataVersion(info *reqctx.Info) pagecache.Version {
	return pagecache.Version{Origin: info.DataOrigin, N: info.DataVersion}
}

// pageKey names what a page is drawn for besides the data: the user, the language, the day in Tehran
// (pages show today's date) and the address with its query.
func pageKey(user int64, lang i18n.Lang, info *reqctx.Info, uri string) string {
	y, m, d := info.Now.In(i18n.Tehran).Date()
	var b strings.Builder
	b.Grow(40 + len(uri))
	b.WriteString(strconv.FormatInt(user, 10))
	b.WriteByte(' ')
	b.WriteString(string(lang))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa((y*100+int(m))*100 + d))
	b.WriteByte(' ')
	b.WriteString(uri)
	return b.String()
}

// keepWriter passes a page through and keeps a copy of it, up to pagecache.MaxPage; its statusWriter
// notes the status.
type keepWriter struct {
	statusWriter
	body   bytes.Buffer
	tooBig bool
}

func (w *keepWriter) Write(b []byte) (int, error) {
	if !w.tooBig {
		if w.body.Len()+len(b) > pagecache.MaxPage {
			w.tooBig = true
			w.body = bytes.Buffer{}
		} else {
			w.body.Write(b)
		}
	}
	return w.statusWriter.Write(b)
}
