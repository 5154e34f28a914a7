package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
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
	s.render(w, r, http.StatusOK, counties.Show(counties.ShowData{County: c, Districts: ds, Sizes: sizesForm(c, ds)}))
}

func sizesForm(c store.County, ds []store.District) components.Form {
	f := components.NewForm()
	f.Values.Set("version", strconv.Itoa(c.SizesVersion))
	if c.Population != nil {
		f.Values.Set("population", strconv.Itoa(*c.Population))
	}
	for _, d := range ds {
		if d.Households != nil {
			f.Values.Set("households_"+d.Code, strconv.Itoa(*d.Households))
		}
	}
	return f
}

// countySizes records the sizes that decide the education a constituency requires; an empty field is
// unknown. A save drawn from sizes that someone has saved since is refused (409): the page shows the
// recorded values and keeps what the user typed, now against the current version.
func (s *Server) countySizes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.EditReference) {
		s.forbidden(w, r)
		return
	}
	c, ds, err := s.store.County(ctx, p.Scope, chi.URLParam(r, "code"))
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	size := func(name string) *int {
		v := latin(f, name)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100_000_000 {
			f.Errors[name] = i18n.M("err.size")
			return nil
		}
		return &n
	}
	population := size("population")
	households := map[string]*int{}
	for _, d := range ds {
		households[d.Code] = size("households_" + d.Code)
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, counties.Show(counties.ShowData{County: c, Districts: ds, Sizes: f}))
		return
	}
	err = s.store.SetSizes(ctx, actor(r), p.Scope, c.Code, formVersion(f), population, households)
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/counties/"+c.Code, "counties.sizes_saved")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		c, ds, err := s.store.County(ctx, p.Scope, c.Code)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		f.Values.Set("version", strconv.Itoa(c.SizesVersion))
		f.Errors[""] = i18n.M("counties.sizes_conflict")
		s.render(w, r, http.StatusConflict, counties.Show(counties.ShowData{County: c, Districts: ds, Sizes: f, Stale: true}))
	default:
		s.serverError(w, r, err)
	}
}
