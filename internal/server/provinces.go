package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// chosenProvince is the province a page shows the Ministry's reader, chosen by ?province=code (in either
// case), with the provinces he chooses from; none chosen while the parameter is missing. A code that
// names no province is store.ErrNotFound. Any other reader's province is his own: the zero choice, the
// parameter ignored, and no query.
func (s *Server) chosenProvince(r *http.Request) (components.ProvinceChoice, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if p.Role != auth.National {
		return components.ProvinceChoice{}, nil
	}
	ps, err := s.store.Provinces(ctx, p.Scope)
	if err != nil {
		return components.ProvinceChoice{}, err
	}
	c := components.ProvinceChoice{Provinces: ps}
	code := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("province")))
	if code == "" {
		return c, nil
	}
	i := slices.IndexFunc(ps, func(pr store.Province) bool { return pr.Code == code })
	if i < 0 {
		return c, store.ErrNotFound
	}
	c.Chosen = &ps[i]
	return c, nil
}

// provinceChosen is chosenProvince for a handler: false when the page has been answered (404 for a code
// that names no province, 500 for a failed read).
func (s *Server) provinceChosen(w http.ResponseWriter, r *http.Request) (components.ProvinceChoice, bool) {
	c, err := s.chosenProvince(r)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return c, false
	case err != nil:
		s.serverError(w, r, err)
		return c, false
	}
	return c, true
}

// listPage is a paged list's page number from the query (?page=, in any digits), 1 when it is missing,
// malformed or beyond 99,999, so that no offset a reader types overflows a query.
func listPage(r *http.Request) int {
	if n, err := strconv.Atoi(persian.ToLatinDigits(r.URL.Query().Get("page"))); err == nil && n > 0 && n < 100000 {
		return n
	}
	return 1
}
