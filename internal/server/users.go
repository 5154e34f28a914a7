package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/users"
)

// manager returns the HQ principal, or answers 403 and returns nil.
func (s *Server) manager(w http.ResponseWriter, r *http.Request) *auth.Principal {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ManageUsers) {
		s.forbidden(w, r)
		return nil
	}
	return p
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	p := s.manager(w, r)
	if p == nil {
		return
	}
	us, err := s.store.Users(r.Context(), p.Scope)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, users.List(us))
}

// creatableRoles are the roles HQ may give: everything inside its province.
var creatableRoles = []auth.Role{auth.HQ, auth.Governor, auth.DistrictHead, auth.Committee, auth.Observer}

// userChoices reads what the new-user form offers, in one round trip.
func (s *Server) userChoices(r *http.Request, sc auth.Scope) (users.Choices, error) {
	c := users.Choices{Roles: creatableRoles}
	var b store.Batch
	b.Counties(r.Context(), sc, &c.Counties)
	b.Districts(r.Context(), sc, &c.Districts)
	b.Committees(sc.ProvinceID, &c.Committees)
	return c, s.store.Run(r.Context(), &b)
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	p := s.manager(w, r)
	if p == nil {
		return
	}
	// A link may fill in the account it is for (the board of a district without a head links here with
	// role=district_head&district=CODE); the form shows the values, nothing more.
	f := components.NewForm()
	q := r.URL.Query()
	for _, k := range []string{"role", "county", "district", "committee"} {
		if v := q.Get(k); v != "" {
			f.Values.Set(k, v)
		}
	}
	s.renderUserForm(w, r, p, http.StatusOK, f)
}

func (s *Server) renderUserForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, f components.Form) {
	c, err := s.userChoices(r, p.Scope)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, users.New(f, c))
}

// userCreate adds a user in HQ's own province; the form comes back filled in (without the password) with
// each field's message when something is wrong.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := s.manager(w, r)
	if p == nil {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	acc := auth.Account{
		Username: persian.ToLatinDigits(f.Get("username")), FullName: f.Get("full_name"), Role: f.Get("role"),
		County: f.Get("county"), District: f.Get("district"), Committee: f.Get("committee"),
		Password: r.PostForm.Get("password"),
	}.Normalize()
	f.Values.Del("password")
	f.Values.Set("username", acc.Username)
	role, _ := auth.ParseRole(acc.Role)
	if needP, _, _, _ := role.Needs(); needP {
		acc.Province = s.provinceCode(r, p)
	}
	f.Errors = components.KeyErrors(acc.Validate(true))
	if role == auth.National {
		f.Errors["role"] = i18n.M("err.role")
	}
	if f.Valid() {
		hash, err := s.hasher.Hash(ctx, acc.Password)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		id, err := s.store.CreateUser(ctx, actor(r), p.Scope, acc, hash)
		switch {
		case err == nil:
			s.redirectFlash(w, r, "/admin/users/"+strconv.FormatInt(id, 10), "users.created")
			return
		case errors.Is(err, store.ErrExists):
			f.Errors["username"] = i18n.M("err.username_taken")
		case errors.Is(err, store.ErrUnknownCounty), errors.Is(err, store.ErrNotFound):
			f.Errors["county"] = i18n.M("err.unknown_county")
		case errors.Is(err, store.ErrUnknownDistrict):
			f.Errors["district"] = i18n.M("err.unknown_district")
		case errors.Is(err, store.ErrUnknownCommittee):
			f.Errors["committee"] = i18n.M("err.unknown_committee")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderUserForm(w, r, p, http.StatusUnprocessableEntity, f)
}

// provinceCode is the code of HQ's own province, which every user it creates belongs to.
func (s *Server) provinceCode(r *http.Request, p *auth.Principal) string {
	ps, err := s.store.Provinces(r.Context(), p.Scope)
	if err != nil || len(ps) != 1 {
		return ""
	}
	return ps[0].Code
}

// scopedUser loads the user named in the path within HQ's scope, answering 403 or 404 itself.
func (s *Server) scopedUser(w http.ResponseWriter, r *http.Request) (*auth.Principal, store.User, bool) {
	p := s.manager(w, r)
	if p == nil {
		return nil, store.User{}, false
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return nil, store.User{}, false
	}
	u, err := s.store.UserInScope(r.Context(), p.Scope, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return nil, u, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, u, false
	}
	return p, u, true
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) {
	if _, u, ok := s.scopedUser(w, r); ok {
		s.render(w, r, http.StatusOK, users.Show(u, components.NewForm()))
	}
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) { s.userSetDisabled(w, r, true) }
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request)  { s.userSetDisabled(w, r, false) }

func (s *Server) userSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	p, u, ok := s.scopedUser(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	if disabled && u.ID == p.ID {
		f.Errors[""] = i18n.M("err.disable_self")
		s.render(w, r, http.StatusUnprocessableEntity, users.Show(u, f))
		return
	}
	// Disabling ends the user's sessions: ask first, unless the page was drawn from an older version and
	// the change is refused anyway.
	if disabled && formVersion(f) == u.Version && !s.confirmed(w, r, f, users.DisableQuestion(u), userPath(u.ID)) {
		return
	}
	err := s.store.SetUserDisabled(r.Context(), actor(r), p.Scope, u.ID, formVersion(f), disabled)
	flash := "users.enabled"
	if disabled {
		flash = "users.disabled_done"
	}
	s.afterUserChange(w, r, u, err, flash)
}

// userPassword sets a new password chosen by HQ and lifts a lock-out.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	p, u, ok := s.scopedUser(w, r)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	pw := r.PostForm.Get("password")
	f.Values.Del("password")
	if key := auth.CheckPassword(pw); key != "" {
		f.Errors["password"] = i18n.M(key)
		s.render(w, r, http.StatusUnprocessableEntity, users.Show(u, f))
		return
	}
	hash, err := s.hasher.Hash(r.Context(), pw)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	err = s.store.ResetPassword(r.Context(), actor(r), p.Scope, u.ID, formVersion(f), hash)
	s.afterUserChange(w, r, u, err, "users.password_reset")
}

func userPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

// afterUserChange redirects on success, and on a version conflict shows the current record with a message.
func (s *Server) afterUserChange(w http.ResponseWriter, r *http.Request, u store.User, err error, flash string) {
	switch {
	case err == nil:
		s.redirectFlash(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10), flash)
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
		p := auth.FromContext(r.Context())
		cur, err := s.store.UserInScope(r.Context(), p.Scope, u.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		f := components.NewForm()
		f.Errors[""] = i18n.M("err.conflict")
		s.render(w, r, http.StatusConflict, users.Show(cur, f))
	default:
		s.serverError(w, r, err)
	}
}
