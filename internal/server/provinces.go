package server

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/setad/setad/internal/auth"
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
