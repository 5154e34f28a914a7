package server

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/committees"
	"github.com/setad/setad/web/components"
)

// maxCommitteeName bounds a committee's name in each language (province_committees).
const maxCommitteeName = 100

// committeeRoutes adds HQ's pages of its province's committees.
func (s *Server) committeeRoutes(r chi.Router) {
	r.Route("/admin/committees", func(r chi.Router) {
		r.With(s.keepPages).Get("/", s.committeeList)
		r.Post("/", s.committeeCreate)
		r.With(s.keepPages).Get("/{key}", s.committeeShow)
		r.Post("/{key}", s.committeeRename)
		r.Post("/{key}/members", s.committeeMemberAdd)
		r.Post("/{key}/members/{user}/remove", s.committeeMemberRemove)
	})
}

// committeeKeeper returns HQ's principal, or answers 403 and returns nil.
func (s *Server) committeeKeeper(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ManageCommittees) {
		s.forbidden(w, r)
		return nil
	}
	return p
}

// committeesOf reads the province's committees and its committee-role users in one round trip.
func (s *Server) committeesOf(r *http.Request, provinceID int64) ([]store.Committee, []store.CommitteeMember, error) {
	var ks []store.Committee
	var ms []store.CommitteeMember
	var b store.Batch
	b.Committees(provinceID, &ks)
	b.CommitteeMembers(provinceID, &ms)
	return ks, ms, s.store.Run(r.Context(), &b)
}

func (s *Server) committeeList(w http.ResponseWriter, r *http.Request) {
	if p := s.committeeKeeper(w, r); p != nil {
		s.renderCommitteeList(w, r, p, http.StatusOK, components.NewForm())
	}
}

func (s *Server) renderCommitteeList(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, f components.Form) {
	ks, ms, err := s.committeesOf(r, p.Scope.ProvinceID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := committees.ListData{Form: f}
	d.Committees, d.Unassigned = committees.Group(ks, ms)
	s.render(w, r, status, committees.List(d))
}

// committeeNames reads and checks a committee's names from a form.
func committeeNames(f components.Form) store.CommitteeNames {
	requireText(f, "name_fa", maxCommitteeName, "err.required")
	requireText(f, "name_en", maxCommitteeName, "err.required")
	return store.CommitteeNames{NameFa: f.Get("name_fa"), NameEn: f.Get("name_en")}
}

// committeeCreate adds a committee to HQ's province.
func (s *Server) committeeCreate(w http.ResponseWriter, r *http.Request) {
	p := s.committeeKeeper(w, r)
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
	case utf8.RuneCountInString(key) > 40:
		f.Errors["key"] = i18n.M("err.too_long")
	case !committeeKey.MatchString(key):
		f.Errors["key"] = i18n.M("err.committee_key")
	}
	n := committeeNames(f)
	if f.Valid() {
		err := s.store.CreateCommittee(r.Context(), actor(r), p.Scope, key, n)
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/admin/committees/"+key, "committees.created")
			return
		case errors.Is(err, store.ErrExists):
			f.Errors["key"] = i18n.M("err.committee_exists")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderCommitteeList(w, r, p, http.StatusUnprocessableEntity, f)
}

// committeeOf finds the committee of the path in HQ's province, with the province's committee-role
// users, answering 403 or 404 itself.
func (s *Server) committeeOf(w http.ResponseWriter, r *http.Request) (*auth.Principal, committees.ShowData, bool) {
	p := s.committeeKeeper(w, r)
	if p == nil {
		return nil, committees.ShowData{}, false
	}
	ks, ms, err := s.committeesOf(r, p.Scope.ProvinceID)
	if err != nil {
		s.serverError(w, r, err)
		return nil, committees.ShowData{}, false
	}
	key := chi.URLParam(r, "key")
	d := committees.ShowData{Names: map[string]store.Committee{}, Rename: components.NewForm(), Add: components.NewForm()}
	found := false
	for _, k := range ks {
		d.Names[k.Key] = k
		if k.Key == key {
			d.Committee.Committee, found = k, true
		}
	}
	if !found {
		s.notFound(w, r)
		return nil, d, false
	}
	for _, m := range ms {
		if m.Committee == key {
			d.Committee.Members = append(d.Committee.Members, m)
		} else if m.DisabledAt == nil {
			d.Others = append(d.Others, m)
		}
	}
	d.Rename.Values.Set("name_fa", d.Committee.NameFa)
	d.Rename.Values.Set("name_en", d.Committee.NameEn)
	return p, d, true
}

func (s *Server) committeeShow(w http.ResponseWriter, r *http.Request) {
	if _, d, ok := s.committeeOf(w, r); ok {
		s.render(w, r, http.StatusOK, committees.Show(d))
	}
}

// committeeRename gives a committee new names, as of the version its form was drawn from: a stale form
// comes back (409) with what was typed and the names as they are now.
func (s *Server) committeeRename(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.committeeOf(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	n := committeeNames(f)
	if !f.Valid() {
		d.Rename = f
		s.render(w, r, http.StatusUnprocessableEntity, committees.Show(d))
		return
	}
	err := s.store.RenameCommittee(r.Context(), actor(r), p.Scope, d.Committee.Key, formVersion(f), n)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(committees.Href(d.Committee.Key)), "committees.renamed")
	case errors.Is(err, store.ErrConflict):
		f.Errors[""] = i18n.M("err.conflict")
		d.Rename = f
		s.render(w, r, http.StatusConflict, committees.Show(d))
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// committeeMemberAdd puts a committee-role user of the province on the committee.
func (s *Server) committeeMemberAdd(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.committeeOf(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	id, ok := pathID(latin(f, "user"))
	if !ok {
		f.Errors["user"] = i18n.M("err.committee_user")
		d.Add = f
		s.render(w, r, http.StatusUnprocessableEntity, committees.Show(d))
		return
	}
	s.afterMemberChange(w, r, d, f, s.store.SetCommitteeMember(r.Context(), actor(r), p.Scope, d.Committee.Key, id, true), "committees.member_added")
}

// committeeMemberRemove takes a member off the committee: he keeps his account and reads, and acts on
// nothing until he is put on a committee again.
func (s *Server) committeeMemberRemove(w http.ResponseWriter, r *http.Request) {
	p, d, ok := s.committeeOf(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	id, ok := pathID(chi.URLParam(r, "user"))
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.store.SetCommitteeMember(r.Context(), actor(r), p.Scope, d.Committee.Key, id, false)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	s.afterMemberChange(w, r, d, f, err, "committees.member_removed")
}

func (s *Server) afterMemberChange(w http.ResponseWriter, r *http.Request, d committees.ShowData, f components.Form, err error, flash string) {
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(committees.Href(d.Committee.Key)), flash)
	case errors.Is(err, store.ErrNotFound):
		f.Errors["user"] = i18n.M("err.committee_user")
		d.Add = f
		s.render(w, r, http.StatusUnprocessableEntity, committees.Show(d))
	case errors.Is(err, store.ErrUserDisabled):
		f.Errors["user"] = i18n.M("err.committee_user_disabled")
		d.Add = f
		s.render(w, r, http.StatusUnprocessableEntity, committees.Show(d))
	default:
		s.serverError(w, r, err)
	}
}
