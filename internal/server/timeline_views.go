package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/profile"
	tlview "github.com/setad/setad/web/timeline"
)

// The timeline's views beside the timeline itself: the matrix of a province's counties (or a county's
// districts) by their milestones, the month calendar of the milestones of the user's scope, and the
// calendar feed that a calendar application reads with a token of its own, which the profile page makes.

// timelineMatrix is the matrix of the current election: a province's counties by the county milestones
// (the law's and the province's own), or with ?county=code the county's districts by the district
// milestones, each cell the place's status on the milestone. HQ and the observer read their province's;
// the national HQ any province's, chosen with ?province=code. The milestones, the places and the marks
// are read in one batch (a county's marks after the county, in a second).
func (s *Server) timelineMatrix(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if !p.Can(auth.ViewTimelineMatrix) {
		s.forbidden(w, r)
		return
	}
	q := r.URL.Query()
	d := tlview.MatrixData{}
	prov, ok := s.provinceChosen(w, r)
	if !ok {
		return
	}
	d.Province = prov
	province := auth.Scope{ProvinceID: prov.ID(p.Scope.ProvinceID)}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.render(w, r, http.StatusOK, tlview.MatrixPage(d))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	d.Election = &e
	if province.ProvinceID == 0 { // the national HQ, before choosing a province
		s.render(w, r, http.StatusOK, tlview.MatrixPage(d))
		return
	}
	var (
		ms    []store.Milestone
		marks []store.Mark
		b     store.Batch
	)
	b.Milestones(ctx, province, e.ID, &ms)
	code := q.Get("county")
	var counties []store.County
	var county store.County
	var districts []store.District
	if code == "" {
		b.Counties(ctx, province, &counties)
		b.Marks(province, e.ID, &marks)
	} else {
		b.County(ctx, province, code, &county, &districts)
	}
	if err := s.store.Run(ctx, &b); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	level := timeline.LevelCounty
	var places []matrixPlace
	if code == "" {
		for _, c := range counties {
			places = append(places, matrixPlace{id: c.ID, code: c.Code, fa: c.NameFa, en: c.NameEn, county: c.Code, districts: c.Districts})
		}
	} else {
		d.County, level = &county, timeline.LevelDistrict
		b = store.Batch{}
		b.Marks(auth.Scope{ProvinceID: province.ProvinceID, CountyID: county.ID}, e.ID, &marks)
		if err := s.store.Run(ctx, &b); err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, dt := range districts {
			places = append(places, matrixPlace{id: dt.ID, code: dt.Code, fa: dt.NameFa, en: dt.NameEn, county: county.Code})
		}
	}
	for _, m := range ms {
		if m.Level == level {
			d.Milestones = append(d.Milestones, m)
		}
	}
	fillMatrix(&d, timeline.Today(s.now()), places, marks, level == timeline.LevelDistrict, d.Province.Code())
	s.render(w, r, http.StatusOK, tlview.MatrixPage(d))
}

// matrixPlace is a row of the matrix before its cells: a county, or a district of county.
type matrixPlace struct {
	id           int64
	code, fa, en string
	county       string // the county's code, whose timeline the cells link to
	districts    int    // a county's, whose matrix it links to when it has any
}

// fillMatrix makes the matrix's rows, one per place, and counts its overdue cells: each cell is the place's
// status on a milestone on the day today, done where marks hold the milestone's mark of the place (a
// county's own, districtID 0, or with districts a district's).
func fillMatrix(d *tlview.MatrixData, today time.Time, places []matrixPlace, marks []store.Mark, districts bool, provinceCode string) {
	col := make(map[int64]int, len(d.Milestones))
	for i, m := range d.Milestones {
		col[m.ID] = i
	}
	row := make(map[int64]int, len(places))
	for i, p := range places {
		row[p.id] = i
	}
	done := make([][]bool, len(places))
	for i := range done {
		done[i] = make([]bool, len(d.Milestones))
	}
	for _, k := range marks {
		place := k.CountyID
		if districts {
			place = k.DistrictID
		} else if k.DistrictID != 0 {
			continue
		}
		c, okc := col[k.MilestoneID]
		r, okr := row[place]
		if okc && okr && place != 0 {
			done[r][c] = true
		}
	}
	d.Overdue = make([]int, len(d.Milestones))
	d.Rows = make([]tlview.MatrixRow, len(places))
	for i, p := range places {
		mr := tlview.MatrixRow{Code: p.code, NameFa: p.fa, NameEn: p.en, Timeline: tlview.TimelineHref(provinceCode, p.county),
			Cells: make([]timeline.Status, len(d.Milestones))}
		if !districts && p.districts > 0 {
			mr.Districts = tlview.MatrixHref(provinceCode, p.code)
		}
		for j, m := range d.Milestones {
			st := timeline.StatusOf(today, m.From, m.To, done[i][j], timeline.Markable(m.Level))
			mr.Cells[j] = st
			if st == timeline.Overdue {
				mr.Overdue++
				d.Overdue[j]++
				d.Total++
			}
		}
		d.Rows[i] = mr
	}
}

// placeOf is how far down a principal's scope reaches, for which milestones concern him.
func placeOf(sc auth.Scope) timeline.Place {
	switch {
	case sc.DistrictID != 0:
		return timeline.PlaceDistrict
	case sc.CountyID != 0:
		return timeline.PlaceCounty
	}
	return timeline.PlaceProvince
}

// scopeMilestones lists the live milestones of an election that concern a scope (timeline.Concerns): of
// its province (the law's and the province's own; the national HQ's, the law's alone), of the levels of
// its place.
func (s *Server) scopeMilestones(ctx context.Context, sc auth.Scope, electionID int64) ([]store.Milestone, error) {
	ms, err := s.store.Milestones(ctx, auth.Scope{ProvinceID: sc.ProvinceID}, electionID)
	if err != nil {
		return nil, err
	}
	place := placeOf(sc)
	return slices.DeleteFunc(ms, func(m store.Milestone) bool { return !timeline.Concerns(place, m.Level, m.ConstituencyKind) }), nil
}

// timelineCalendar is a month of the reader's calendar with the milestones of the user's scope on the
// days they start, run and end: ?month=YYYY-MM, Jalali in Persian and Gregorian in English, this month in
// Tehran without it. A month of the other calendar (a link kept across a change of language) is sent to
// the reader's month that holds its middle; anything else is not a month, and the answer is the 400 page.
func (s *Server) timelineCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	cal := timeline.Jalali
	if i18n.From(ctx) == i18n.En {
		cal = timeline.Gregorian
	}
	today := timeline.Today(s.now())
	this := timeline.MonthOf(cal, today)
	month := this
	if v := r.URL.Query().Get("month"); v != "" {
		m, converted, err := timeline.ParseMonthFor(cal, v)
		if err != nil {
			s.errorPage(w, r, http.StatusBadRequest)
			return
		}
		if converted {
			http.Redirect(w, r, "/timeline/calendar?month="+m.String(), http.StatusSeeOther)
			return
		}
		month = m
	}
	weeks, err := month.Weeks()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := tlview.CalendarData{Month: month}
	if prev, ok := month.Prev(); ok {
		d.Prev = prev.String()
	}
	if next, ok := month.Next(); ok {
		d.Next = next.String()
	}
	if month != this {
		d.This = this.String()
	}
	var ms []store.Milestone
	e, err := s.store.CurrentElection(ctx)
	switch {
	case err == nil:
		d.Election = &e
		if ms, err = s.scopeMilestones(ctx, p.Scope, e.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	d.Weeks = make([]tlview.CalendarWeek, len(weeks))
	for i, wk := range weeks {
		for j, c := range wk {
			day := tlview.CalendarDay{Cell: c, Column: j, Today: c.Day.Equal(today)}
			if c.InMonth {
				for _, m := range ms {
					if part := timeline.PartOn(c.Day, m.From, m.To); part != 0 {
						day.Items = append(day.Items, tlview.CalendarItem{TitleFa: m.TitleFa, TitleEn: m.TitleEn, Part: part})
					}
				}
				if len(day.Items) > 0 {
					d.Days = append(d.Days, day)
				}
			}
			d.Weeks[i][j] = day
		}
	}
	s.render(w, r, http.StatusOK, tlview.CalendarPage(d))
}

// icsTokenBytes is the length of a calendar feed's token before its encoding: 256 random bits.
const icsTokenBytes = 32

// maxICSToken bounds what is hashed of a token asked for: a real one is 43 characters.
const maxICSToken = 64

// timelineFeed is the calendar feed of the user whose token it is given (?token=…), read without a session
// by calendar applications: an all-day event for each live milestone of the current election that concerns
// the user's scope, in the user's language. A missing, wrong or replaced token, or a disabled user's, finds
// nothing (404). The feed is not kept by the page cache: it is drawn at every read.
func (s *Server) timelineFeed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.URL.Query().Get("token")
	if token == "" || len(token) > maxICSToken {
		s.notFound(w, r)
		return
	}
	hash := sha256.Sum256([]byte(token))
	u, err := s.store.UserByICSToken(ctx, hash[:])
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	lang, _ := i18n.Parse(u.Lang)
	sc := auth.Scope{ProvinceID: u.ProvinceID, CountyID: u.CountyID, DistrictID: u.DistrictID}
	feed := timeline.Feed{Name: i18n.Message(lang, "app.name"), Stamp: s.now()}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case err == nil:
		feed.Name = i18n.Message(lang, "timeline.ics.name", i18n.ArgName("election", e.TitleFa, e.TitleEn))
		ms, err := s.scopeMilestones(ctx, sc, e.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		scope := feedScope(u)
		for _, m := range ms {
			feed.Events = append(feed.Events, timeline.Event{UID: timeline.UID(e.ID, m.ID, scope), From: m.From, To: m.To,
				Summary: lang.Pick(m.TitleFa, m.TitleEn), Description: feedDescription(lang, m)})
		}
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := timeline.WriteICS(&buf, feed); err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="setad-timeline.ics"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// feedScope names a user's scope in the feed's event identifiers, so that each scope's events are its own:
// "county-marvdasht", "province-fars", "national".
func feedScope(u store.User) string {
	switch {
	case u.DistrictCode != "":
		return "district-" + u.DistrictCode
	case u.CountyCode != "":
		return "county-" + u.CountyCode
	case u.ProvinceCode != "":
		return "province-" + u.ProvinceCode
	}
	return "national"
}

// feedDescription is an event's description: the milestone's, its window in the reader's calendar (a
// calendar application shows the Gregorian days) and its legal reference.
func feedDescription(lang i18n.Lang, m store.Milestone) string {
	window := i18n.Message(lang, "timeline.ics.window", i18n.ArgDay("from", m.From), i18n.ArgDay("to", m.To))
	if m.From.Equal(m.To) {
		window = i18n.Message(lang, "timeline.ics.day", i18n.ArgDay("day", m.From))
	}
	text := window
	if desc := lang.Pick(m.DescriptionFa, m.DescriptionEn); desc != "" {
		text = desc + "\n" + window
	}
	if m.LegalRef != "" {
		text += "\n" + i18n.Message(lang, "timeline.ics.legal_ref", i18n.ArgText("ref", m.LegalRef))
	}
	return text
}

// profileICSToken makes the user a calendar feed token, in place of the one he had (which stops working at
// once: asked first), and shows the profile page with the feed's address, this once: only its hash is kept.
func (s *Server) profileICSToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	has, err := s.store.HasICSToken(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if has && !s.confirmed(w, r, f, profile.ICSQuestion(), "/profile") {
		return
	}
	raw := make([]byte, icsTokenBytes)
	_, _ = rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(token))
	if err := s.store.SetICSToken(ctx, actor(r), p.ID, hash[:]); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, profile.Page(components.NewForm(), string(i18n.From(ctx)),
		profile.ICS{Has: true, URL: s.feedURL(r, token)}))
}

// feedURL is the feed's address as a calendar application reaches it: this request's host, over HTTPS
// when the portal is served so (itself, or behind a proxy that it marks cookies Secure for).
func (s *Server) feedURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil || s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/timeline.ics?token=" + url.QueryEscape(token)
}
