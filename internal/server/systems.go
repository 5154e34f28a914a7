package server

import (
	"errors"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/systems"
)

// maxSystemName bounds a system's name in each language (migration 0032).
const maxSystemName = 200

// systemRoutes adds HQ's page of its province's election systems.
func (s *Server) systemRoutes(r chi.Router) {
	r.Route("/admin/systems", func(r chi.Router) {
		r.With(s.keepPages).Get("/", s.systemList)
		r.Post("/", s.systemAdd)
		r.Post("/{key}", s.systemEdit)
		r.Post("/{key}/retire", s.systemRetire(true))
		r.Post("/{key}/restore", s.systemRetire(false))
	})
}

// systemKeeper returns HQ's principal, or answers 403 and returns nil.
func (s *Server) systemKeeper(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ManageSystems) || p.Scope.ProvinceID == 0 {
		s.forbidden(w, r)
		return nil
	}
	return p
}

// systemsOf reads the province's systems and committees in one round trip, for the page d.
func (s *Server) systemsOf(r *http.Request, provinceID int64, d *systems.ListData) error {
	var b store.Batch
	b.Systems(provinceID, &d.Systems)
	b.Committees(provinceID, &d.Committees)
	return s.store.Run(r.Context(), &b)
}

func (s *Server) systemList(w http.ResponseWriter, r *http.Request) {
	if p := s.systemKeeper(w, r); p != nil {
		s.renderSystems(w, r, p, http.StatusOK, systems.ListData{Add: components.NewForm()})
	}
}

func (s *Server) renderSystems(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, d systems.ListData) {
	if err := s.systemsOf(r, p.Scope.ProvinceID, &d); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, systems.List(d))
}

// systemInput reads and checks a system's names and owner from a form.
func systemInput(f components.Form) store.SystemInput {
	requireText(f, "name_fa", maxSystemName, "err.required")
	requireText(f, "name_en", maxSystemName, "err.required")
	if !committeeKey.MatchString(f.Get("committee")) {
		f.Errors["committee"] = i18n.M("systems.err.committee")
	}
	return store.SystemInput{NameFa: f.Get("name_fa"), NameEn: f.Get("name_en"), Committee: f.Get("committee")}
}

// systemAdd adds a system to HQ's province.
func (s *Server) systemAdd(w http.ResponseWriter, r *http.Request) {
	p := s.systemKeeper(w, r)
	if p == nil {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	key := f.Get("key")
	switch {
	case key == "":
		f.Errors["key"] = i18n.M("err.required")
	case !systemKey.MatchString(key):
		f.Errors["key"] = i18n.M("systems.err.key")
	}
	in := systemInput(f)
	if f.Valid() {
		err := s.store.AddSystem(r.Context(), actor(r), p.Scope, key, in)
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/admin/systems", "systems.added")
			return
		case errors.Is(err, store.ErrExists):
			f.Errors["key"] = i18n.M("systems.err.exists")
		case errors.Is(err, store.ErrUnknownCommittee):
			f.Errors["committee"] = i18n.M("systems.err.committee")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderSystems(w, r, p, http.StatusUnprocessableEntity, systems.ListData{Add: f})
}

// systemOf checks that the system of the address is HQ's province's; it answers 403, 404 or 500 itself.
func (s *Server) systemOf(w http.ResponseWriter, r *http.Request) (*auth.Principal, string, bool) {
	p := s.systemKeeper(w, r)
	if p == nil {
		return nil, "", false
	}
	var d systems.ListData
	if err := s.systemsOf(r, p.Scope.ProvinceID, &d); err != nil {
		s.serverError(w, r, err)
		return nil, "", false
	}
	key := chi.URLParam(r, "key")
	if !slices.ContainsFunc(d.Systems, func(sys store.System) bool { return sys.Key == key }) {
		s.notFound(w, r)
		return nil, "", false
	}
	return p, key, true
}

// systemEdit renames a system or gives it to another committee, as of the version its form was drawn
// from: a stale form comes back (409) with what was typed.
func (s *Server) systemEdit(w http.ResponseWriter, r *http.Request) {
	p, key, ok := s.systemOf(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := systemInput(f)
	back := func(status int) {
		s.renderSystems(w, r, p, status, systems.ListData{Add: components.NewForm(), Edit: map[string]components.Form{key: f}})
	}
	if !f.Valid() {
		back(http.StatusUnprocessableEntity)
		return
	}
	err := s.store.EditSystem(r.Context(), actor(r), p.Scope, key, formVersion(f), in)
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/admin/systems", "systems.edited")
	case errors.Is(err, store.ErrConflict):
		f.Errors[""] = i18n.M("err.conflict")
		back(http.StatusConflict)
	case errors.Is(err, store.ErrUnknownCommittee):
		f.Errors["committee"] = i18n.M("systems.err.committee")
		back(http.StatusUnprocessableEntity)
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// systemRetire retires a system (no new incident names it) or restores it.
func (s *Server) systemRetire(retire bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, key, ok := s.systemOf(w, r)
		if !ok {
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		err := s.store.RetireSystem(r.Context(), actor(r), p.Scope, key, formVersion(f), retire)
		flash := "systems.retired_flash"
		if !retire {
			flash = "systems.restored_flash"
		}
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/admin/systems", flash)
		case errors.Is(err, store.ErrConflict):
			why := i18n.M("err.conflict")
			s.renderSystems(w, r, p, http.StatusConflict, systems.ListData{Add: components.NewForm(), Refused: &why})
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
		default:
			s.serverError(w, r, err)
		}
	}
}
