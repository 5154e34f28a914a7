package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/citycheck"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/counties"
	"github.com/setad/setad/web/readiness"
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
	d, ok := s.countyPage(w, r, chi.URLParam(r, "code"))
	if !ok {
		return
	}
	d.Sizes = sizesForm(d.County, d.Cities, d.Districts)
	s.render(w, r, http.StatusOK, counties.Show(d))
}

// countyPage loads a county's page in the caller's scope (its districts and cities), with empty forms;
// it answers 404 or 500 itself and returns false.
func (s *Server) countyPage(w http.ResponseWriter, r *http.Request, code string) (counties.ShowData, bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	sc := p.Scope
	var d counties.ShowData
	var b store.Batch
	b.County(ctx, sc, code, &d.County, &d.Districts)
	b.Cities(ctx, sc, code, &d.Cities)
	// The county's readiness, when there is a current election (readDashboard).
	var dash *dashboardRead
	if p.Can(auth.ViewDashboard) {
		switch e, err := s.store.CurrentElection(ctx); {
		case err == nil:
			if dash, err = s.readDashboard(r, sc, e, store.ByPlace, code, components.ProvinceChoice{}); err != nil {
				s.serverError(w, r, err)
				return d, false
			}
			// A governor's own county: what it has yet to file today (another county's page is not found).
			if p.Can(auth.FileChecks) && sc.CountyID != 0 && sc.DistrictID == 0 {
				d.ToFile = &readiness.ToFileData{Today: timeline.Today(s.now())}
				b.ToFileToday(sc, e.ID, d.ToFile.Today, &d.ToFile.Checks)
			}
		case !errors.Is(err, store.ErrNotFound):
			s.serverError(w, r, err)
			return d, false
		}
	}
	err := s.store.Run(ctx, &b)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	d.Sizes, d.AddCity = components.NewForm(), components.NewForm()
	if dash != nil {
		d.Dashboard = dash.done(r)
		// The Ministry's reader reads every province: its lists show a province's rows once it is chosen.
		if sc.ProvinceID == 0 {
			d.Dashboard.Province = d.County.ProvinceCode
		}
	}
	return d, true
}

func sizesForm(c store.County, cs []store.City, ds []store.District) components.Form {
	f := components.NewForm()
	f.Values.Set("version", strconv.Itoa(c.SizesVersion))
	for _, ci := range cs {
		if ci.Population != nil && ci.RetiredAt == nil {
			f.Values.Set("population_"+ci.Code, strconv.Itoa(*ci.Population))
		}
	}
	for _, d := range ds {
		if d.Households != nil {
			f.Values.Set("households_"+d.Code, strconv.Itoa(*d.Households))
		}
	}
	return f
}

// countySizes records the sizes that decide the education a constituency requires: each city's
// population and each district's village households; an empty field is unknown. A save drawn from sizes
// that someone has saved since is refused (409): the page shows the recorded values and keeps what the
// user typed, now against the current version.
func (s *Server) countySizes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.EditReference) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.countyPage(w, r, chi.URLParam(r, "code"))
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	size := func(name string, people bool) *int {
		n, ok := citycheck.ParseSize(f.Get(name))
		switch {
		case people && (!ok || n != nil && *n == 0):
			f.Errors[name] = i18n.M("err.city_population")
			return nil
		case !ok:
			f.Errors[name] = i18n.M("err.size")
			return nil
		}
		return n
	}
	populations, households := map[string]*int{}, map[string]*int{}
	for _, c := range d.Cities {
		if c.RetiredAt == nil {
			populations[c.Code] = size("population_"+c.Code, true)
		}
	}
	for _, dt := range d.Districts {
		households[dt.Code] = size("households_"+dt.Code, false)
	}
	d.Sizes = f
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, counties.Show(d))
		return
	}
	err := s.store.SetSizes(ctx, actor(r), p.Scope, d.County.Code, formVersion(f), populations, households)
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/counties/"+d.County.Code, "counties.sizes_saved")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		now, ok := s.countyPage(w, r, d.County.Code)
		if !ok {
			return
		}
		f.Values.Set("version", strconv.Itoa(now.County.SizesVersion))
		f.Errors[""] = i18n.M("counties.sizes_conflict")
		now.Sizes, now.Stale = f, true
		s.render(w, r, http.StatusConflict, counties.Show(now))
	default:
		s.serverError(w, r, err)
	}
}
