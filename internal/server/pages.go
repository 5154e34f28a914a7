package server

import (
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/reqctx"
)

// pages knows which addresses a browser can open (GET), so that a page answered to a POST (a form sent
// back with its errors, a refusal, a confirmation) can name the page its form lives on. The language
// switch, a reload from the address bar and the links back to "this page" then never land on an address
// that only takes a POST, which would answer "method not allowed". It reads the routes themselves, so every
// route added later gets this without being listed anywhere.
type pages struct{ routes chi.Routes }

// hasGet reports whether path has a GET route.
func (p pages) hasGet(path string) bool {
	return p.routes.Match(chi.NewRouteContext(), http.MethodGet, path)
}

// formPage is the page to show for an address that a form posts to: for a POST that creates (POST
// /candidates), its form's page when there is one (a GET route written …/new, GET /candidates/new, not a
// parameter that "new" would fill); else the address itself when it has a GET route (POST
// /boards/5/members/7 → GET /boards/5/members/7); else the nearest address above it that has one (POST
// /boards/5/members → /boards/5), and at worst the home page.
func (p pages) formPage(target string) string {
	target = path.Clean("/" + target)
	form := strings.TrimSuffix(target, "/") + "/new"
	if strings.HasSuffix(p.routes.Find(chi.NewRouteContext(), http.MethodGet, form), "/new") {
		return form
	}
	for target != "/" {
		if p.hasGet(target) {
			return target
		}
		target = path.Dir(target)
	}
	return "/"
}

// page is where a link to the address next (a path with its query) may go: next itself when a browser can
// open it, else its form's page.
func (p pages) page(next string) string {
	pth, _, _ := strings.Cut(next, "?")
	if p.hasGet(pth) {
		return next
	}
	return p.formPage(pth)
}

// pageAddress gives the answer to a request other than GET its form's page as the page's address.
func (p pages) pageAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			reqctx.From(r.Context()).Path = p.formPage(r.URL.Path)
		}
		next.ServeHTTP(w, r)
	})
}

// methodNotAllowed sends a GET of an address that only takes a POST (the address bar after a form was
// sent back, a reload that does not post again) to the page of its form; any other method that the
// address does not take gets the 405 page, HEAD included (it may be refused on a page that a GET opens,
// which must not redirect to itself).
func (s *Server) methodNotAllowed(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, p.formPage(r.URL.Path), http.StatusSeeOther)
			return
		}
		s.errorPage(w, r, http.StatusMethodNotAllowed)
	}
}
