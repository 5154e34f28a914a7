package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/counties"
)

func (s *Server) countyList(w http.ResponseWriter, r *http.Request) {
	cs, err := s.store.Counties(r.Context(), auth.FromContext(r.Context()).Scope)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, counties.List(cs))
}

// countyShow answers 404 for a county outside the caller's scope, exactly as for one that does not exist.
func (s *Server) countyShow(w http.ResponseWriter, r *http.Request) {
	c, ds, err := s.store.County(r.Context(), auth.FromContext(r.Context()).Scope, chi.URLParam(r, "code"))
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, counties.Show(c, ds))
}
