package server

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/citycheck"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/counties"
)

// maxCityRows bounds a list of cities: the country has about 1,300, a province at most a few hundred.
const maxCityRows = 2000

// cityColumns are the columns of a list of cities, headed by their fields' names or in Persian. The city
// column holds a code or a Persian name, as the county and district columns do.
func cityColumns() importColumns {
	return columnsNamed([]string{"city", "code", "name_fa", "name_en", "county", "district", "population"},
		"شهر", "city", "کد", "code", "نام شهر", "name_fa", "نام فارسی", "name_fa", "نام انگلیسی", "name_en",
		"شهرستان", "county", "بخش", "district", "جمعیت", "population")
}

// putProblems puts checked problems on the form's fields.
func putProblems(f components.Form, problems []citycheck.Problem) {
	for _, p := range problems {
		if !f.HasErr(p.Field) {
			f.Errors[p.Field] = p.Msg
		}
	}
}

// cityAdd adds a city to a county (HQ, within its province), checked as a row of a loaded list is. It
// returns to the form, so that the county's cities are added one after another.
func (s *Server) cityAdd(w http.ResponseWriter, r *http.Request) {
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
	known, err := s.store.CityKnown(ctx, p.Scope)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	row, problems := known.Check(citycheck.Input{District: f.Get("district"), Code: f.Get("code"), NameFa: f.Get("name_fa"),
		NameEn: f.Get("name_en"), Population: f.Get("population")}, d.County.Code, citycheck.Add)
	putProblems(f, problems)
	if f.Valid() {
		err = s.store.AddCity(ctx, actor(r), p.Scope, row)
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/counties/"+d.County.Code+"#add-city", "counties.city_added")
			return
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case errors.Is(err, store.ErrExists):
			f.Errors["code"] = i18n.M("err.city_code_taken")
		case errors.Is(err, store.ErrCityNameTaken):
			f.Errors["name_fa"] = i18n.M("err.city_name_taken", i18n.ArgName("county", d.County.NameFa, d.County.NameEn))
		default:
			s.serverError(w, r, err)
			return
		}
	}
	d.Sizes, d.AddCity = sizesForm(d.County, d.Cities, d.Districts), f
	s.render(w, r, http.StatusUnprocessableEntity, counties.Show(d))
}

// cityPage loads a city of a county in the caller's scope with the county's districts; it answers 404
// or 500 itself and returns false.
func (s *Server) cityPage(w http.ResponseWriter, r *http.Request) (counties.CityData, bool) {
	ctx := r.Context()
	sc := auth.FromContext(ctx).Scope
	var d counties.CityData
	var b store.Batch
	b.County(ctx, sc, chi.URLParam(r, "code"), &d.County, &d.Districts)
	b.City(sc, chi.URLParam(r, "code"), chi.URLParam(r, "city"), &d.City)
	err := s.store.Run(ctx, &b)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	d.Edit, d.Act = cityForm(d.City), cityForm(d.City)
	d.Edit.Values.Set("name_fa", d.City.NameFa)
	d.Edit.Values.Set("name_en", d.City.NameEn)
	d.Edit.Values.Set("district", d.City.DistrictCode)
	return d, true
}

func cityForm(c store.CityInfo) components.Form {
	f := components.NewForm()
	f.Values.Set("version", strconv.Itoa(c.Version))
	return f
}

// cityShow is one city: what is recorded, and HQ's forms to rename, retire or delete it.
func (s *Server) cityShow(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.cityPage(w, r); ok {
		s.render(w, r, http.StatusOK, counties.City(d))
	}
}

// cityRefused draws the city's page again after a change was refused. The rename form keeps what was
// typed and says why on its fields; a refused retirement or deletion says why at the top of the page. A
// change someone made first (409) shows the city as it is now, with forms of its current version.
func (s *Server) cityRefused(w http.ResponseWriter, r *http.Request, status int, d counties.CityData, edit *components.Form,
	why i18n.Msg) {
	if status == http.StatusConflict {
		now, ok := s.cityPage(w, r)
		if !ok {
			return
		}
		if edit != nil {
			edit.Values.Set("version", strconv.Itoa(now.City.Version))
		}
		d = now
		if why.Key == "" && edit == nil {
			why = i18n.M("counties.city_conflict")
		}
	}
	if edit != nil {
		d.Edit = *edit
	}
	if why.Key != "" {
		d.Refused = &why
	}
	s.render(w, r, status, counties.City(d))
}

// cityUpdate renames a city and sets its district (HQ), if nobody changed the city since the form was
// drawn (else 409).
func (s *Server) cityUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.EditReference) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.cityPage(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	fa, en, problems := citycheck.Names(f.Get("name_fa"), f.Get("name_en"))
	putProblems(f, problems)
	district := strings.ToLower(f.Get("district"))
	if !f.Valid() {
		s.cityRefused(w, r, http.StatusUnprocessableEntity, d, &f, i18n.Msg{})
		return
	}
	err := s.store.UpdateCity(ctx, actor(r), p.Scope, d.County.Code, d.City.Code, formVersion(f),
		store.CityNames{NameFa: fa, NameEn: en, District: district})
	switch {
	case err == nil:
		s.redirectFlash(w, r, cityHref(d), "counties.city_saved")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		f.Errors[""] = i18n.M("counties.city_conflict")
		s.cityRefused(w, r, http.StatusConflict, d, &f, i18n.Msg{})
	case errors.Is(err, store.ErrCityNameTaken):
		f.Errors["name_fa"] = i18n.M("err.city_name_taken", i18n.ArgName("county", d.County.NameFa, d.County.NameEn))
		s.cityRefused(w, r, http.StatusUnprocessableEntity, d, &f, i18n.Msg{})
	case errors.Is(err, store.ErrUnknownDistrict):
		f.Errors["district"] = i18n.M("err.city_district", i18n.ArgName("county", d.County.NameFa, d.County.NameEn))
		s.cityRefused(w, r, http.StatusUnprocessableEntity, d, &f, i18n.Msg{})
	default:
		s.serverError(w, r, err)
	}
}

func cityHref(d counties.CityData) string {
	return "/counties/" + d.County.Code + "/cities/" + d.City.Code
}

// cityRetire takes a city out of the constituencies offered from now on (retired, asked first) or brings
// it back (retired false). Its candidates keep it.
func (s *Server) cityRetire(retired bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		if !p.Can(auth.EditReference) {
			s.forbidden(w, r)
			return
		}
		d, ok := s.cityPage(w, r)
		if !ok {
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		if retired && !s.confirmed(w, r, f, counties.RetireQuestion(d.City), cityHref(d)) {
			return
		}
		err := s.store.RetireCity(ctx, actor(r), p.Scope, d.County.Code, d.City.Code, formVersion(f), retired)
		switch {
		case err == nil && retired:
			s.redirectFlash(w, r, cityHref(d), "counties.city_retired")
		case err == nil:
			s.redirectFlash(w, r, cityHref(d), "counties.city_restored")
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
		case errors.Is(err, store.ErrConflict):
			s.cityRefused(w, r, http.StatusConflict, d, nil, i18n.Msg{})
		case errors.Is(err, store.ErrCitySeat):
			s.cityRefused(w, r, http.StatusConflict, d, nil, i18n.M("err.city_seat"))
		default:
			s.serverError(w, r, err)
		}
	}
}

// cityDelete removes a city added by mistake (asked first). A city in which candidates stand, in any
// election, can only be retired (409), and the county's seat stays.
func (s *Server) cityDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.EditReference) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.cityPage(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	if !s.confirmed(w, r, f, counties.DeleteQuestion(d.City), cityHref(d)) {
		return
	}
	err := s.store.DeleteCity(ctx, actor(r), p.Scope, d.County.Code, d.City.Code, formVersion(f))
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/counties/"+d.County.Code, "counties.city_deleted")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		s.cityRefused(w, r, http.StatusConflict, d, nil, i18n.Msg{})
	case errors.Is(err, store.ErrCityInUse):
		s.cityRefused(w, r, http.StatusConflict, d, nil, i18n.M("err.city_in_use"))
	case errors.Is(err, store.ErrCitySeat):
		s.cityRefused(w, r, http.StatusConflict, d, nil, i18n.M("err.city_seat"))
	default:
		s.serverError(w, r, err)
	}
}

// cityImportPage is the form that loads a list of cities from a file (HQ).
func (s *Server) cityImportPage(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.EditReference) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.countyPage(w, r, chi.URLParam(r, "code"))
	if !ok {
		return
	}
	s.renderCityImport(w, r, http.StatusOK, d.County, components.NewForm(), nil)
}

// renderCityImport draws the import page: the upload form and, for a previewed list, its rows.
func (s *Server) renderCityImport(w http.ResponseWriter, r *http.Request, status int, c store.County, f components.Form,
	imp *store.CityImport) {
	d := counties.ImportData{County: c, Form: f, Preview: imp, MaxMB: maxImportBytes >> 20, MaxRows: maxCityRows}
	if imp != nil {
		var err error
		if d.Rows, err = s.store.CityImportRows(r.Context(), imp.UserID, imp.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, counties.Import(d))
}

// cityImport previews an uploaded list of cities (every row checked as the form checks a city, a city
// named twice included) or, with import (a preview's id) and confirm=yes, applies that preview. The list
// may hold the cities of any county of HQ's province; a row that names no county is the page's county's.
// The body is read part by part as it arrives, with the bounded reader of every import.
func (s *Server) cityImport(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.EditReference) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.countyPage(w, r, chi.URLParam(r, "code"))
	if !ok {
		return
	}
	form := components.NewForm()
	refuse := func(err error) {
		var fp *fileProblem
		if !errors.As(err, &fp) {
			s.serverError(w, r, err)
			return
		}
		form.Errors["file"] = fp.msg
		s.renderCityImport(w, r, http.StatusUnprocessableEntity, d.County, form, nil)
	}
	err := importPost(w, r, func(part *multipart.Part) { s.cityImportPreview(w, r, d.County, part) },
		func(id int64, answer string) { s.cityImportConfirm(w, r, d.County, id, answer) })
	if err != nil {
		refuse(err)
	}
}

// cityImportPreview checks every row of an uploaded list and keeps the result for its confirmation.
func (s *Server) cityImportPreview(w http.ResponseWriter, r *http.Request, c store.County, part *multipart.Part) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	form := components.NewForm()
	up, err := spoolUpload(part, cityColumns())
	if up != nil {
		defer up.Close()
	}
	var fp *fileProblem
	if errors.As(err, &fp) {
		form.Errors["file"] = fp.msg
		s.renderCityImport(w, r, http.StatusUnprocessableEntity, c, form, nil)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// The file has arrived (a slow upload holds no slot); its reading and checking wait for one.
	release, ok := s.importSlot(ctx)
	if !ok {
		form.Errors[""] = i18n.M("err.import_busy")
		w.Header().Set("Retry-After", "60")
		s.renderCityImport(w, r, http.StatusServiceUnavailable, c, form, nil)
		return
	}
	defer release()
	known, err := s.store.CityKnown(ctx, p.Scope)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var rows []store.CityImportRow
	seen := map[string]int{} // a city → the line that named it first
	err = up.rows(func(line importLine) error {
		if len(rows) == maxCityRows {
			return problem(i18n.M("err.file_too_many", i18n.ArgNum("rows", maxCityRows)))
		}
		v := line.values
		row, problems := known.Check(citycheck.Input{County: v["county"], District: v["district"], City: v["city"], Code: v["code"],
			NameFa: v["name_fa"], NameEn: v["name_en"], Population: v["population"]}, c.Code, citycheck.Load)
		f := components.NewForm()
		putProblems(f, problems)
		for _, name := range line.notUTF8 {
			f.Errors[name] = i18n.M("err.import_encoding")
		}
		if f.Valid() {
			if first, dup := seen[row.Key()]; dup {
				f.Errors[""] = i18n.M("err.city_twice", i18n.ArgNum("line", first))
			} else {
				seen[row.Key()] = line.line
			}
		}
		if !f.Valid() {
			rows = append(rows, store.CityImportRow{Line: line.line, Cells: v, Problems: importProblems(f)})
			return nil
		}
		if row.CityID == 0 {
			known.Take(row.Code) // the next new city of the county is given the next code
		}
		rows = append(rows, store.CityImportRow{Line: line.line, City: row})
		return nil
	})
	if errors.As(err, &fp) {
		form.Errors["file"] = fp.msg
		s.renderCityImport(w, r, http.StatusUnprocessableEntity, c, form, nil)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	imp, err := s.store.SaveCityImport(ctx, actor(r), p.Scope, c.Code, up.name, up.sha256, rows)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderCityImport(w, r, http.StatusOK, c, form, &imp)
}

// importProblems are a row's problems in the order of its fields, the row's own first.
func importProblems(f components.Form) []store.ImportProblem {
	var out []store.ImportProblem
	for _, field := range []string{"", "city", "code", "name_fa", "name_en", "county", "district", "population"} {
		if f.HasErr(field) {
			out = append(out, store.ImportProblem{Field: field, Msg: f.Err(field)})
		}
	}
	return out
}

// cityImportShow shows a previewed list again.
func (s *Server) cityImportShow(w http.ResponseWriter, r *http.Request) {
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
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	imp, err := s.store.CityImportByID(ctx, p.ID, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && imp.CountyCode != d.County.Code {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderCityImport(w, r, http.StatusOK, d.County, components.NewForm(), &imp)
}

// cityImportConfirm applies the ready rows of preview id once asked: confirm is the answer, yes.
func (s *Server) cityImportConfirm(w http.ResponseWriter, r *http.Request, c store.County, id int64, confirm string) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	imp, err := s.store.CityImportByID(ctx, p.ID, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && imp.CountyCode != c.Code {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	form := components.NewForm()
	switch {
	case imp.ImportedAt != nil:
		form.Errors[""] = i18n.M("err.import_imported")
		s.renderCityImport(w, r, http.StatusConflict, c, form, &imp)
		return
	case imp.Ready == 0:
		form.Errors[""] = i18n.M("err.import_nothing_ready")
		s.renderCityImport(w, r, http.StatusUnprocessableEntity, c, form, &imp)
		return
	}
	f := components.NewForm()
	f.Values.Set("import", strconv.FormatInt(id, 10))
	f.Values.Set("confirm", confirm)
	back := "/counties/" + c.Code + "/cities/import/" + strconv.FormatInt(id, 10)
	if !s.confirmed(w, r, f, counties.ImportQuestion(imp), back) {
		return
	}
	_, _, err = s.store.ConfirmCityImport(ctx, actor(r), p.Scope, id)
	var stale *store.StaleCityImportError
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/counties/"+c.Code, "counties.cities_imported")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrImported), errors.As(err, &stale):
		form.Errors[""] = i18n.M("err.import_imported")
		if stale != nil {
			lines := make([]string, len(stale.Lines))
			for i, l := range stale.Lines {
				lines[i] = i18n.Num(ctx, l)
			}
			form.Errors[""] = i18n.M("err.city_import_stale", i18n.ArgText("lines", strings.Join(lines, i18n.Pick(ctx, "، ", ", "))))
		}
		s.renderCityImport(w, r, http.StatusConflict, c, form, &imp)
	default:
		s.serverError(w, r, err)
	}
}
