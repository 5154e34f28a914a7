package server

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	webq "github.com/setad/setad/web/questions"
)

// The bounds of a question's fields and of a search of the FAQ, in characters.
const (
	maxQuestionTitle = 200
	maxQuestionBody  = 20000
	maxFAQSearch     = 100
)

// committeeKey is the form of a committee's key (migration 0024).
var committeeKey = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// questionsScope is the scope a page of questions or of the FAQ is read in: the reader's own, or the
// province the Ministry's reader chose (none yet: the zero scope, which reads nothing).
func questionsScope(p *auth.Principal, prov components.ProvinceChoice) auth.Scope {
	if !prov.Offered() {
		return p.Scope
	}
	return auth.Scope{ProvinceID: prov.ID(0)}
}

// questionList is the questions in the reader's scope and, for those who ask, the form.
func (s *Server) questionList(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	s.renderQuestionList(w, r, http.StatusOK, components.NewForm())
}

// renderQuestionList draws the list with the ask form as given.
func (s *Server) renderQuestionList(w http.ResponseWriter, r *http.Request, status int, ask components.Form) {
	ctx := r.Context()
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	sc := questionsScope(auth.FromContext(ctx), prov)
	d := webq.ListData{Province: prov, Page: listPage(r), Ask: ask, Now: s.now()}
	if c := r.URL.Query().Get("committee"); committeeKey.MatchString(c) {
		d.Committee = c
	}
	if sc.ProvinceID != 0 {
		var b store.Batch
		b.Committees(sc.ProvinceID, &d.Committees)
		b.Questions(sc, d.Committee, d.Page, &d.Questions, &d.Total)
		if err := s.store.Run(ctx, &b); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, webq.List(d))
}

// questionAsk records a question to a committee of the asker's province, asked from his place.
func (s *Server) questionAsk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !webq.Asks(p) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	if !committeeKey.MatchString(f.Get("committee")) {
		f.Errors["committee"] = i18n.M("questions.err.committee")
	}
	requireText(f, "title", maxQuestionTitle, "questions.err.title")
	requireText(f, "body", maxQuestionBody, "questions.err.body")
	if f.Valid() {
		id, err := s.store.AskQuestion(formOnce(ctx, f), actor(r), p.Scope, store.NewQuestion{Committee: f.Get("committee"), Title: f.Get("title"),
			Body: f.Get("body")})
		switch {
		case s.sentBefore(w, r, err):
			return
		case err == nil:
			s.redirectFlash(w, r, "/questions/"+strconv.FormatInt(id, 10), "questions.asked")
			return
		case errors.Is(err, store.ErrUnknownCommittee):
			f.Errors["committee"] = i18n.M("questions.err.committee")
		default:
			s.serverError(w, r, err)
			return
		}
	}
	s.renderQuestionList(w, r, http.StatusUnprocessableEntity, f)
}

// questionPage loads the question of the address, in the reader's scope, with its answers and the forms
// the reader may use; it answers 404 or 500 itself and returns false.
func (s *Server) questionPage(w http.ResponseWriter, r *http.Request) (webq.ShowData, bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d := webq.ShowData{Now: s.now()}
	id, ok := pathID(chi.URLParam(r, "id"))
	if !ok {
		s.notFound(w, r)
		return d, false
	}
	var b store.Batch
	b.Question(p.Scope, id, &d.Q)
	b.Answers(p.Scope, id, &d.Answers)
	err := s.store.Run(ctx, &b)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return d, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return d, false
	}
	if answers(p, d.Q) {
		f := components.NewForm()
		d.Answer = &f
	}
	d.Accepts = webq.Asks(p) && d.Q.AskedBy == p.ID
	if publishes(p, d.Q) && d.Q.Answers > 0 {
		f := components.NewForm()
		f.Values.Set("version", strconv.Itoa(d.Q.Version))
		if a := cmpOr(d.Q.FAQAnswer, d.Q.AcceptedAnswer); a != 0 {
			f.Values.Set("answer", strconv.FormatInt(a, 10))
		}
		d.Publish = &f
	}
	return d, true
}

func cmpOr(a, b int64) int64 {
	if a != 0 {
		return a
	}
	return b
}

// answers reports whether p answers q: a member of the committee it was put to.
func answers(p *auth.Principal, q store.Question) bool {
	return p.Can(auth.AnswerQuestions) && p.Scope.Committee != "" && p.Scope.Committee == q.Committee
}

// publishes reports whether p publishes q to the FAQ: HQ, or a member of the committee it was put to.
func publishes(p *auth.Principal, q store.Question) bool {
	return p.Can(auth.PublishFAQ) && (p.Role == auth.HQ || p.Scope.Committee != "" && p.Scope.Committee == q.Committee)
}

// questionShow is one question with its answers.
func (s *Server) questionShow(w http.ResponseWriter, r *http.Request) {
	if !auth.FromContext(r.Context()).Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	if d, ok := s.questionPage(w, r); ok {
		s.render(w, r, http.StatusOK, webq.Show(d))
	}
}

// questionRefused draws the question again after an act was refused: a form kept with what was typed and
// why on its fields, or a reason at the top of the page. An act refused as stale (409) shows the question
// as it is now, and a kept form gets its current version.
func (s *Server) questionRefused(w http.ResponseWriter, r *http.Request, status int, d webq.ShowData, answer, publish *components.Form,
	why i18n.Msg) {
	if status == http.StatusConflict {
		now, ok := s.questionPage(w, r)
		if !ok {
			return
		}
		d = now
		if publish != nil {
			publish.Values.Set("version", strconv.Itoa(d.Q.Version))
		}
	}
	if answer != nil && d.Answer != nil {
		d.Answer = answer
	}
	if publish != nil && d.Publish != nil {
		d.Publish = publish
	}
	if why.Key != "" {
		d.Refused = &why
	}
	s.render(w, r, status, webq.Show(d))
}

// questionAnswer records an answer by a member of the committee the question was put to, and tells the
// asker.
func (s *Server) questionAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.AnswerQuestions) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.questionPage(w, r)
	if !ok {
		return
	}
	if !answers(p, d.Q) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	requireText(f, "body", maxQuestionBody, "questions.err.answer_body")
	if !f.Valid() {
		s.questionRefused(w, r, http.StatusUnprocessableEntity, d, &f, nil, i18n.Msg{})
		return
	}
	_, err := s.store.AnswerQuestion(formOnce(ctx, f), actor(r), p.Scope, d.Q.ID, f.Get("body"))
	switch {
	case s.sentBefore(w, r, err):
	case err == nil:
		s.redirectFlash(w, r, string(webq.Href(d.Q.ID)), "questions.answered")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrNotYours):
		s.forbidden(w, r)
	default:
		s.serverError(w, r, err)
	}
}

// questionAccept makes an answer the accepted one of the asker's own question; he may accept another
// later, which replaces it.
func (s *Server) questionAccept(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !webq.Asks(p) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.questionPage(w, r)
	if !ok {
		return
	}
	answerID, ok := pathID(chi.URLParam(r, "a"))
	if !ok || !slices.ContainsFunc(d.Answers, func(a store.Answer) bool { return a.ID == answerID }) {
		s.notFound(w, r)
		return
	}
	if d.Q.AskedBy != p.ID {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	err := s.store.AcceptAnswer(ctx, actor(r), p.Scope, d.Q.ID, answerID, formVersion(f))
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webq.Href(d.Q.ID)), "questions.accepted_flash")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrNotYours):
		s.forbidden(w, r)
	case errors.Is(err, store.ErrConflict):
		s.questionRefused(w, r, http.StatusConflict, d, nil, nil, i18n.M("questions.conflict"))
	default:
		s.serverError(w, r, err)
	}
}

// questionPublish puts an answered question into the province's FAQ with the answer chosen (the accepted
// one unless another is), or publishes it again with another answer.
func (s *Server) questionPublish(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.PublishFAQ) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.questionPage(w, r)
	if !ok {
		return
	}
	if !publishes(p, d.Q) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	var answerID int64
	if v := latin(f, "answer"); v != "" {
		if answerID, ok = pathID(v); !ok {
			f.Errors["answer"] = i18n.M("questions.err.answer")
			s.questionRefused(w, r, http.StatusUnprocessableEntity, d, nil, &f, i18n.Msg{})
			return
		}
	}
	err := s.store.PublishQuestion(ctx, actor(r), p.Scope, p.Role == auth.HQ, d.Q.ID, answerID, formVersion(f))
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webq.Href(d.Q.ID)), "questions.published_flash")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrNotYours):
		s.forbidden(w, r)
	case errors.Is(err, store.ErrConflict):
		f.Errors[""] = i18n.M("questions.conflict")
		s.questionRefused(w, r, http.StatusConflict, d, nil, &f, i18n.Msg{})
	case errors.Is(err, store.ErrNotAnswered):
		s.questionRefused(w, r, http.StatusConflict, d, nil, nil, i18n.M("questions.err.not_answered"))
	case errors.Is(err, store.ErrNoAnswerChosen):
		f.Errors["answer"] = i18n.M("questions.err.answer")
		s.questionRefused(w, r, http.StatusUnprocessableEntity, d, nil, &f, i18n.Msg{})
	default:
		s.serverError(w, r, err)
	}
}

// questionUnpublish takes a question off the province's FAQ.
func (s *Server) questionUnpublish(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.PublishFAQ) {
		s.forbidden(w, r)
		return
	}
	d, ok := s.questionPage(w, r)
	if !ok {
		return
	}
	if !publishes(p, d.Q) {
		s.forbidden(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	err := s.store.UnpublishQuestion(ctx, actor(r), p.Scope, p.Role == auth.HQ, d.Q.ID, formVersion(f))
	switch {
	case err == nil:
		s.redirectFlash(w, r, string(webq.Href(d.Q.ID)), "questions.unpublished_flash")
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrNotYours):
		s.forbidden(w, r)
	case errors.Is(err, store.ErrConflict):
		s.questionRefused(w, r, http.StatusConflict, d, nil, nil, i18n.M("questions.conflict"))
	case errors.Is(err, store.ErrNotPublished):
		s.questionRefused(w, r, http.StatusConflict, d, nil, nil, i18n.M("questions.err.not_published"))
	default:
		s.serverError(w, r, err)
	}
}

// faqPage is the province's published questions and answers, searched (?q=) with Persian normalisation.
func (s *Server) faqPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !auth.FromContext(ctx).Can(auth.ViewCommitteeWork) {
		s.forbidden(w, r)
		return
	}
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	sc := questionsScope(auth.FromContext(ctx), prov)
	d := webq.FAQData{Province: prov, Q: strings.TrimSpace(r.URL.Query().Get("q")), Page: listPage(r)}
	if utf8.RuneCountInString(d.Q) > maxFAQSearch {
		d.Search = components.NewForm()
		d.Search.Values.Set("q", d.Q)
		d.Search.Errors["q"] = i18n.M("err.too_long")
		s.render(w, r, http.StatusUnprocessableEntity, webq.FAQ(d))
		return
	}
	if sc.ProvinceID != 0 {
		var b store.Batch
		b.FAQ(sc.ProvinceID, d.Q, d.Page, &d.Entries, &d.Total)
		if err := s.store.Run(ctx, &b); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, webq.FAQ(d))
}
