package server

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	webg "github.com/setad/setad/web/guidance"
)

// The committees' circulars. Besides the contract's routes (the list and the new circular, a circular's
// page, its acknowledgement, the reminder and the attachments' downloads), a circular's own committee
// posts to /guidance/{id}/edit (a draft rewritten, or a published circular corrected: title, body,
// version; a draft's audience too), /guidance/{id}/publish (version) and /guidance/{id}/withdraw (reason,
// version) and /guidance/{id}/attachments (more files, field attachment). The new circular and the files
// added are multipart posts, read within their own limit (readsOwnBody).
func (s *Server) guidanceRoutes(r chi.Router) {
	r.With(s.keepPages).Get("/guidance", s.guidanceList)
	r.Post("/guidance", s.guidanceCreate)
	r.With(s.keepPages).Get("/guidance/{id}", s.guidanceShow)
	r.Post("/guidance/{id}/edit", s.guidanceEdit)
	r.Post("/guidance/{id}/publish", s.guidancePublish)
	r.Post("/guidance/{id}/withdraw", s.guidanceWithdraw)
	r.Post("/guidance/{id}/ack", s.guidanceAck)
	r.Post("/guidance/{id}/remind", s.guidanceRemind)
	r.Post("/guidance/{id}/attachments", s.guidanceAttach)
	r.Get("/guidance/{id}/attachments/{n}", s.guidanceAttachment)
	r.Head("/guidance/{id}/attachments/{n}", s.guidanceAttachment) // the same headers, for a client that asks before it downloads
}

// maxGuidanceSearch bounds the words the list's titles are searched for, in characters.
const maxGuidanceSearch = 100

// guidanceList lists the circulars in the reader's scope (the Ministry's in the province it chose, or in
// all), a page of them (?page=), their titles searched (?q=, with Persian normalisation), with a committee
// member's form of a new one.
func (s *Server) guidanceList(w http.ResponseWriter, r *http.Request) {
	s.renderGuidanceList(w, r, http.StatusOK, nil)
}

// renderGuidanceList draws the list; form is the new circular's form that came back, if any.
func (s *Server) renderGuidanceList(w http.ResponseWriter, r *http.Request, status int, form *components.Form) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	acked := q.Get("acked")
	if acked != "" && acked != webg.AckedNo {
		s.notFound(w, r)
		return
	}
	pf, ok := s.placeChosen(w, r, prov.ID(p.Scope.ProvinceID))
	if !ok {
		return
	}
	d := webg.ListData{Province: prov, Q: strings.TrimSpace(q.Get("q")), Page: listPage(r), Search: components.NewForm(),
		Unacked: acked == webg.AckedNo, FilterCounties: pf.Counties, Query: keptQuery(q, "province", "q", "county", "district", "level", "acked")}
	d.Search.Values.Set("q", d.Q)
	d.Search.Values.Set("county", q.Get("county"))
	d.Search.Values.Set("acked", acked)
	d.Applied = appliedPlace(ctx, "/guidance", d.Query, pf)
	if d.Unacked {
		d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "guidance.applied_unacked"),
			Remove: components.Without("/guidance", d.Query, "acked")})
	}
	if pf.County != nil && pf.District == nil && p.Scope.CountyID == 0 {
		d.ReceiptsOf = pf.County.Code
	}
	if utf8.RuneCountInString(d.Q) > maxGuidanceSearch {
		d.Search.Errors["q"] = i18n.M("err.too_long")
		status = http.StatusUnprocessableEntity
	}
	var b store.Batch
	if d.Search.Valid() {
		b.GuidanceList(p.Scope, store.GuidanceFilter{ProvinceID: prov.ID(0), Q: d.Q, Page: d.Page,
			CountyID: pf.Scope.CountyID, DistrictID: pf.Scope.DistrictID, Unacked: d.Unacked, Own: ownPlace(q)}, &d.Items, &d.Total)
	}
	if writesGuidance(p) {
		if form == nil {
			f := components.NewForm()
			f.Values.Set(audience.FieldAudience, "province")
			form = &f
		}
		d.New = form
		b.Counties(ctx, auth.Scope{ProvinceID: p.Scope.ProvinceID}, &d.Counties)
	}
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, webg.List(d))
}

// writesGuidance reports whether p writes circulars: a committee member who is on a committee.
func writesGuidance(p *auth.Principal) bool {
	return p.Can(auth.PostGuidance) && p.Scope.Committee != ""
}

// guidanceInput checks a circular's title and body (and, withAudience, its audience) on the form.
func guidanceInput(f components.Form, withAudience bool) store.GuidanceInput {
	in := store.GuidanceInput{Title: f.Get("title"), Body: f.Get("body")}
	requireText(f, "title", store.MaxGuidanceTitle, "err.required")
	requireText(f, "body", store.MaxGuidanceBody, "err.required")
	if withAudience {
		var errs map[string]string
		in.Audience, errs = audience.Parse(f.Values)
		for k, m := range components.KeyErrors(errs) {
			f.Errors[k] = m
		}
	}
	return in
}

// guidanceCreate writes a new circular of the member's committee with its attachments: a draft (to
// preview on its page) or, with publish, published at once. A refused file or field comes back with the
// form filled in (files must be chosen again).
func (s *Server) guidanceCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !writesGuidance(p) {
		s.forbidden(w, r)
		return
	}
	up, ok := s.readUploadForm(w, r, "attachment")
	if !ok {
		return
	}
	defer up.Close()
	f := up.form
	in := guidanceInput(f, true)
	if !f.Valid() {
		s.renderGuidanceList(w, r, http.StatusUnprocessableEntity, &f)
		return
	}
	files, err := up.attachments()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	publish := f.Get("publish") != ""
	id, err := s.store.CreateGuidance(formOnce(ctx, f), actor(r), p.Scope, in, publish, files)
	switch {
	case s.sentBefore(w, r, err):
	case err == nil && publish:
		s.redirectFlash(w, r, string(webg.Href(id)), "guidance.published")
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(id)), "guidance.draft_saved")
	case errors.Is(err, store.ErrUnknownCounty):
		f.Errors["county"] = i18n.M("err.audience_county")
		s.renderGuidanceList(w, r, http.StatusUnprocessableEntity, &f)
	case errors.Is(err, store.ErrTooManyAttachments):
		f.Errors["attachment"] = i18n.M("err.attachments_many", i18n.ArgNum("n", store.MaxAttachments))
		s.renderGuidanceList(w, r, http.StatusUnprocessableEntity, &f)
	case errors.Is(err, store.ErrNotYourCommittee):
		s.forbidden(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// guidanceShow is a circular's page.
func (s *Server) guidanceShow(w http.ResponseWriter, r *http.Request) {
	d, ok := s.guidancePage(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, webg.Show(d))
}

// guidancePage reads a circular in the reader's scope for its page, with the forms filled from it; one
// out of scope answers 404 (and false).
func (s *Server) guidancePage(w http.ResponseWriter, r *http.Request) (webg.ShowData, bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var d webg.ShowData
	if !p.Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return d, false
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return d, false
	}
	var b store.Batch
	b.GuidanceDetail(p.Scope, id, &d.D)
	if err := s.store.Run(ctx, &b); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	} else if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	g := d.D.Guidance
	cs, err := s.store.Counties(ctx, auth.Scope{ProvinceID: g.ProvinceID})
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	d.Counties = cs
	d.Follows = p.Scope.CountyID == 0
	d.Own = writesGuidance(p) && p.Scope.Committee == g.Committee && p.Scope.ProvinceID == g.ProvinceID
	d.CanAck = p.Can(auth.AckGuidance) && g.Mine && g.Status == store.GuidancePublished && g.MyAcked == nil
	d.CanRemind = p.Can(auth.RemindGuidance) && g.Status == store.GuidancePublished &&
		(p.Role == auth.HQ || p.Scope.Committee == g.Committee)
	d.Edit, d.Withdraw, d.Act, d.Attach = components.NewForm(), components.NewForm(), components.NewForm(), components.NewForm()
	if !filterReceipts(&d, r.URL.Query()) {
		s.notFound(w, r)
		return d, false
	}
	d.Edit.Values.Set("title", g.Title)
	d.Edit.Values.Set("body", g.Body)
	for k, vs := range g.Audience.Values() {
		d.Edit.Values[k] = vs
	}
	return d, true
}

// filterReceipts keeps the receipts the page's filter asks for (q): acknowledged or not (?acked=yes|no)
// and, for a province-wide reader, one county's (?county=code), and fills the filter's form. A value
// that is none of these answers false.
func filterReceipts(d *webg.ShowData, q url.Values) bool {
	acked, county := q.Get("acked"), strings.ToLower(q.Get("county"))
	if acked != "" && acked != webg.AckedYes && acked != webg.AckedNo ||
		county != "" && (!d.Follows || !slices.ContainsFunc(d.Counties, func(c store.County) bool { return c.Code == county })) {
		return false
	}
	d.ReceiptFilter = components.NewForm().WithPrefix("receipts-")
	d.ReceiptFilter.Values.Set("acked", acked)
	d.ReceiptFilter.Values.Set("county", county)
	if acked == "" && county == "" {
		return true
	}
	d.D.Receipts = slices.DeleteFunc(d.D.Receipts, func(r store.Receipt) bool {
		return county != "" && r.CountyCode != county || acked == webg.AckedYes && r.AckedAt == nil ||
			acked == webg.AckedNo && r.AckedAt != nil
	})
	return true
}

// guidanceRefused draws a circular's page again with a form that came back: status 409 when it was drawn
// before a change, 422 for what was typed.
func (s *Server) guidanceRefused(w http.ResponseWriter, r *http.Request, status int, d webg.ShowData, open string, f components.Form) {
	switch open {
	case "edit-form":
		f.Values.Set("version", strconv.Itoa(d.D.Guidance.Version))
		d.Edit = f
	case "withdraw-form":
		d.Withdraw = f
	case "attach-form":
		d.Attach = f
	default:
		d.Act = f
	}
	d.Open = open
	s.render(w, r, status, webg.Show(d))
}

// guidanceOwn reads the circular of the address for a change by its own committee: 404 out of scope, 403
// for anyone but its committee's members; and the posted form.
func (s *Server) guidanceOwn(w http.ResponseWriter, r *http.Request) (webg.ShowData, components.Form, bool) {
	d, ok := s.guidancePage(w, r)
	if !ok {
		return d, components.Form{}, false
	}
	if !d.Own {
		s.forbidden(w, r)
		return d, components.Form{}, false
	}
	f, ok := s.parseForm(w, r)
	return d, f, ok
}

// guidanceStoreError answers the errors every change of a circular may meet; it returns false for
// another error, which the caller answers.
func (s *Server) guidanceStoreError(w http.ResponseWriter, r *http.Request, err error, d webg.ShowData, open string, f components.Form) bool {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrNotYourCommittee):
		s.forbidden(w, r)
	case errors.Is(err, store.ErrConflict) && open == "edit-form" && d.D.Guidance.Status != store.GuidanceWithdrawn:
		// The form keeps what was typed; the circular as it is now is shown beside it, to compare.
		f.Errors[""] = i18n.M("guidance.err_conflict_edit")
		d.Stale = true
		s.guidanceRefused(w, r, http.StatusConflict, d, open, f)
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrGuidanceWithdrawn):
		f.Errors[""] = i18n.M("err.conflict") // d was read in this request: the page shows the circular as it is now
		s.guidanceRefused(w, r, http.StatusConflict, d, open, f)
	default:
		return false
	}
	return true
}

// guidanceEdit rewrites a draft, or corrects a published circular (a new revision; the places that
// received it are told), if nobody changed it since the form was drawn (else 409, what was typed kept).
func (s *Server) guidanceEdit(w http.ResponseWriter, r *http.Request) {
	d, f, ok := s.guidanceOwn(w, r)
	if !ok {
		return
	}
	g := d.D.Guidance
	draft := g.Status == store.GuidanceDraft
	in := guidanceInput(f, draft)
	if !draft {
		in.Audience = g.Audience
	}
	if !f.Valid() {
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "edit-form", f)
		return
	}
	err := s.store.UpdateGuidance(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, g.ID, formVersion(f), in)
	switch {
	case err == nil && draft:
		s.redirectFlash(w, r, string(webg.Href(g.ID)), "guidance.draft_saved")
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(g.ID)), "guidance.corrected")
	case errors.Is(err, store.ErrUnchanged):
		f.Errors["body"] = i18n.M("guidance.err_unchanged")
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "edit-form", f)
	case errors.Is(err, store.ErrUnknownCounty):
		f.Errors["county"] = i18n.M("err.audience_county")
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "edit-form", f)
	case s.guidanceStoreError(w, r, err, d, "edit-form", f):
	default:
		s.serverError(w, r, err)
	}
}

// guidancePublish publishes a draft (asked first): each place of its audience receives it and is told.
func (s *Server) guidancePublish(w http.ResponseWriter, r *http.Request) {
	d, f, ok := s.guidanceOwn(w, r)
	if !ok {
		return
	}
	g := d.D.Guidance
	if !s.confirmed(w, r, f, webg.PublishQuestion(), string(webg.Href(g.ID))) {
		return
	}
	err := s.store.PublishGuidance(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, g.ID, formVersion(f))
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(g.ID)), "guidance.published")
	case errors.Is(err, store.ErrUnknownCounty):
		f.Errors[""] = i18n.M("err.audience_county")
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "publish-form", f)
	case s.guidanceStoreError(w, r, err, d, "publish-form", f):
	default:
		s.serverError(w, r, err)
	}
}

// guidanceWithdraw withdraws a published circular for a reason (asked first): it is kept, marked so, and
// the places that received it are told.
func (s *Server) guidanceWithdraw(w http.ResponseWriter, r *http.Request) {
	d, f, ok := s.guidanceOwn(w, r)
	if !ok {
		return
	}
	g := d.D.Guidance
	requireText(f, "reason", store.MaxGuidanceReason, "err.reason_required")
	if !f.Valid() {
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "withdraw-form", f)
		return
	}
	if !s.confirmed(w, r, f, webg.WithdrawQuestion(), string(webg.Href(g.ID))) {
		return
	}
	err := s.store.WithdrawGuidance(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, g.ID, formVersion(f), f.Get("reason"))
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(g.ID)), "guidance.withdrawn")
	case s.guidanceStoreError(w, r, err, d, "withdraw-form", f):
	default:
		s.serverError(w, r, err)
	}
}

// guidanceAck acknowledges a circular for the reader's place: «read and will carry it out».
func (s *Server) guidanceAck(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d, ok := s.guidancePage(w, r)
	if !ok {
		return
	}
	if !p.Can(auth.AckGuidance) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	already, err := s.store.AckGuidance(ctx, actor(r), p.Scope, d.D.Guidance.ID)
	switch {
	case err == nil && already:
		s.redirectFlash(w, r, string(webg.Href(d.D.Guidance.ID)), "guidance.already_acked")
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(d.D.Guidance.ID)), "guidance.acked_done")
	case s.guidanceStoreError(w, r, err, d, "ack-form", f):
	default:
		s.serverError(w, r, err)
	}
}

// guidanceRemind reminds the places that have not acknowledged a circular (HQ, or its committee's
// members); a place is reminded once a day at most.
func (s *Server) guidanceRemind(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d, ok := s.guidancePage(w, r)
	if !ok {
		return
	}
	// HQ reminds for any committee, a member for his own: not one taken off his committee, whose scope
	// is HQ's.
	if !p.Can(auth.RemindGuidance) || p.Role != auth.HQ && p.Scope.Committee != d.D.Guidance.Committee {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	n, err := s.store.RemindGuidance(ctx, actor(r), p.Scope, d.D.Guidance.ID, s.now())
	switch {
	case err == nil && n == 0:
		s.redirectFlash(w, r, string(webg.Href(d.D.Guidance.ID))+"#remind-form", "guidance.reminded_none")
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(d.D.Guidance.ID))+"#remind-form", "guidance.reminded")
	case s.guidanceStoreError(w, r, err, d, "remind-form", f):
	default:
		s.serverError(w, r, err)
	}
}

// guidanceAttachment downloads attachment n of a circular in the reader's scope (404 out of it).
func (s *Server) guidanceAttachment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	id, ok := pathID(chi.URLParam(r, "id"))
	n, nOK := attachmentNumber(r)
	if !ok || !nOK {
		s.notFound(w, r)
		return
	}
	if _, err := s.store.Guidance(ctx, p.Scope, id); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	a, err := s.store.Attachment(ctx, store.OwnerGuidance, id, n)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.serveAttachment(w, r, a)
}

// guidanceAttach adds files to a draft or a published circular of the member's committee.
func (s *Server) guidanceAttach(w http.ResponseWriter, r *http.Request) {
	d, ok := s.guidancePage(w, r)
	if !ok {
		return
	}
	if !d.Own {
		s.forbidden(w, r)
		return
	}
	up, files, ok := s.readAddedFiles(w, r)
	if !ok {
		return
	}
	defer up.Close()
	f := up.form
	if !f.Valid() {
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "attach-form", f)
		return
	}
	err := s.store.AttachToGuidance(r.Context(), actor(r), auth.FromContext(r.Context()).Scope, d.D.Guidance.ID, files)
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webg.Href(d.D.Guidance.ID))+"#attach-form", "guidance.attached")
	case errors.Is(err, store.ErrTooManyAttachments):
		f.Errors["attachment"] = i18n.M("err.attachments_many", i18n.ArgNum("n", store.MaxAttachments))
		s.guidanceRefused(w, r, http.StatusUnprocessableEntity, d, "attach-form", f)
	case s.guidanceStoreError(w, r, err, d, "attach-form", f):
	default:
		s.serverError(w, r, err)
	}
}
