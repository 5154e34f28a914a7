package server

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
	"github.com/setad/setad/web/components"
	webtl "github.com/setad/setad/web/timeline"
)

// maxMarkText bounds a mark's note and an undoing's reason.
const maxMarkText = 1000

// timelineRoutes adds the timeline's own pages: a place's milestones and their marks, the milestones'
// template and the move of election day. The pages that only read are kept (keepPages).
func (s *Server) timelineRoutes(r chi.Router) {
	r.With(s.keepPages).Get("/timeline", s.timelinePage)
	r.Post("/timeline/{milestone}/done", s.timelineMark(true))
	r.Post("/timeline/{milestone}/undone", s.timelineMark(false))
	r.Post("/timeline/election-day", s.electionDayMove)
	r.With(s.keepPages).Get("/timeline/template", s.milestoneTemplate)
	r.Post("/timeline/template/add", s.milestoneAdd)
	r.With(s.keepPages).Get("/timeline/template/{milestone:[0-9]+}", s.milestoneShow)
	r.Post("/timeline/template/{milestone:[0-9]+}", s.milestoneUpdate)
	r.Post("/timeline/template/{milestone:[0-9]+}/retire", s.milestoneRetire(true))
	r.Post("/timeline/template/{milestone:[0-9]+}/restore", s.milestoneRetire(false))
}

// tlPlace is the place whose timeline a page shows: a province (0 while the Ministry has not chosen one),
// perhaps one of its counties with the districts of it in the reader's scope, and the choices of a reader
// who chooses them.
type tlPlace struct {
	provinceID int64
	province   components.ProvinceChoice // the Ministry's choice
	county     *store.County
	districts  []store.District
	counties   []store.County // a province-wide reader's choice
}

// chooses reports whether the reader chooses a county: every province-wide reader, the Ministry once it
// has chosen a province.
func (pl tlPlace) chooses(p *auth.Principal) bool {
	return p.Role != auth.Governor && p.Role != auth.DistrictHead && pl.provinceID != 0
}

// address is the page of the place, as a link back to it names it.
func (pl tlPlace) address() string {
	q := pl.province.Query()
	if pl.county != nil && len(pl.counties) > 0 {
		if q != "" {
			q += "&"
		}
		q += "county=" + pl.county.Code
	}
	if q == "" {
		return "/timeline"
	}
	return "/timeline?" + q
}

// timelinePlace finds the place a reader's timeline shows: a governor's county and its districts, a
// district head's county and district, or for the others the province (the Ministry's by its code) and
// the county they chose by its code, with its districts (chosenProvince). A province or county not in the reader's scope
// is ErrNotFound, a governor's or district head's naming another county than his own too (his own page
// under another county's address would pass for that county's).
func (s *Server) timelinePlace(r *http.Request, countyCode string) (tlPlace, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var pl tlPlace
	switch p.Role {
	case auth.Governor, auth.DistrictHead:
		var cs []store.County
		var b store.Batch
		b.Counties(ctx, p.Scope, &cs)
		b.Districts(ctx, p.Scope, &pl.districts)
		if err := s.store.Run(ctx, &b); err != nil {
			return pl, err
		}
		if len(cs) != 1 || countyCode != "" && countyCode != cs[0].Code {
			return pl, store.ErrNotFound
		}
		pl.provinceID, pl.county = p.Scope.ProvinceID, &cs[0]
		return pl, nil
	case auth.National:
		var err error
		if pl.province, err = s.chosenProvince(r); err != nil || pl.province.Chosen == nil {
			return pl, err
		}
		pl.provinceID = pl.province.Chosen.ID
	default:
		pl.provinceID = p.Scope.ProvinceID
	}
	province := auth.Scope{ProvinceID: pl.provinceID}
	cs, err := s.store.Counties(ctx, province)
	if err != nil {
		return pl, err
	}
	pl.counties = cs
	if countyCode == "" {
		return pl, nil
	}
	i := slices.IndexFunc(cs, func(c store.County) bool { return c.Code == countyCode })
	if i < 0 {
		return pl, store.ErrNotFound
	}
	pl.county = &cs[i]
	province.CountyID = pl.county.ID
	pl.districts, err = s.store.Districts(ctx, province)
	return pl, err
}

// queueTimeline queues the reads of a place's timeline in an election: its milestones and the marks that
// it shows (a district head's, his district's own).
func queueTimeline(b *store.Batch, r *http.Request, pl tlPlace, electionID int64, ms *[]store.Milestone, marks *[]store.Mark) {
	if pl.provinceID == 0 {
		return
	}
	ctx := r.Context()
	p := auth.FromContext(ctx)
	b.Milestones(ctx, auth.Scope{ProvinceID: pl.provinceID}, electionID, ms)
	switch {
	case p.Role == auth.DistrictHead:
		b.Marks(p.Scope, electionID, marks)
	case pl.county != nil:
		b.PlaceMarks(pl.provinceID, pl.county.ID, electionID, marks)
	default:
		b.PlaceMarks(pl.provinceID, 0, electionID, marks)
	}
}

// tlBack is a mark's form that came back with its errors, for the item whose form it is.
type tlBack struct {
	item string
	form components.Form
}

// itemID is the element id of a milestone at a place: its county's or its district's code after it.
func itemID(milestone int64, county, district string) string {
	id := "ms-" + strconv.FormatInt(milestone, 10)
	switch {
	case district != "":
		id += "-d-" + district
	case county != "":
		id += "-c-" + county
	}
	return id
}

// markKey is a mark's milestone and place.
type markKey struct{ milestone, county, district int64 }

// timelineSections groups a place's milestones for its reader, each with its status on the day today and
// its mark: the province's own (HQ's to mark), the county's (its governor's or HQ's), each district's
// (its head's or HQ's), and the candidates' windows of the place's kinds of constituency (nobody's). A
// district head sees his district's and the candidates'.
func timelineSections(p *auth.Principal, today time.Time, pl tlPlace, ms []store.Milestone, marks []store.Mark,
	back *tlBack) []webtl.Section {
	done := make(map[markKey]*store.Mark, len(marks))
	for i, k := range marks {
		done[markKey{k.MilestoneID, k.CountyID, k.DistrictID}] = &marks[i]
	}
	item := func(m store.Milestone, countyID, districtID int64, county, district string, can bool) webtl.Item {
		k := done[markKey{m.ID, countyID, districtID}]
		it := webtl.Item{M: m, Mark: k, CanMark: can, ID: itemID(m.ID, county, district), Form: components.NewForm()}
		if p.Role == auth.HQ {
			it.County, it.District = county, district
		}
		it.Status = tl.StatusOf(today, m.From, m.To, k != nil, tl.Markable(m.Level))
		if k == nil {
			it.Days = tl.DaysInWords(today, m.From, m.To)
		}
		if back != nil && back.item == it.ID {
			it.Form, it.Open = back.form, true
		}
		return it
	}
	of := func(level string) []store.Milestone {
		var out []store.Milestone
		for _, m := range ms {
			if m.Level == level {
				out = append(out, m)
			}
		}
		return out
	}
	hq := p.Role == auth.HQ
	var sections []webtl.Section
	add := func(s webtl.Section, note string, can bool) {
		if len(s.Items) == 0 {
			return
		}
		if !can {
			s.Note = i18n.M(note)
		}
		sections = append(sections, s)
	}
	if pl.provinceID != 0 && p.Role != auth.DistrictHead {
		s := webtl.Section{ID: "tl-province", Title: i18n.M("timeline.section_province")}
		for _, m := range of(tl.LevelProvince) {
			s.Items = append(s.Items, item(m, 0, 0, "", "", hq))
		}
		add(s, "timeline.note_province", hq)
	}
	if c := pl.county; c != nil {
		can := hq || p.Role == auth.Governor
		if p.Role != auth.DistrictHead {
			s := webtl.Section{ID: "tl-county", Title: i18n.M("timeline.section_county", i18n.ArgName("county", c.NameFa, c.NameEn))}
			for _, m := range of(tl.LevelCounty) {
				s.Items = append(s.Items, item(m, c.ID, 0, c.Code, "", can))
			}
			add(s, "timeline.note_county", can)
		}
		for i, d := range pl.districts {
			can := hq || p.Role == auth.DistrictHead && d.ID == p.Scope.DistrictID
			s := webtl.Section{ID: "tl-" + d.Code, Title: i18n.M("timeline.section_district", i18n.ArgName("district", d.NameFa, d.NameEn),
				i18n.ArgName("county", c.NameFa, c.NameEn))}
			for _, m := range of(tl.LevelDistrict) {
				s.Items = append(s.Items, item(m, c.ID, d.ID, c.Code, d.Code, can))
			}
			s.Brief = i > 0 // the first district's says what each milestone is
			add(s, "timeline.note_district", can)
		}
	}
	if pl.provinceID != 0 {
		// A county's constituencies are its cities and its districts' villages; a district head's, his
		// district's villages and the cities in it.
		kinds := map[string]bool{"": true, "city": true, "village": true}
		if c := pl.county; c != nil {
			kinds["city"], kinds["village"] = c.Cities > 0, len(pl.districts) > 0
		}
		s := webtl.Section{ID: "tl-candidates", Title: i18n.M("timeline.section_candidates")}
		for _, m := range of(tl.LevelCandidates) {
			if kinds[m.ConstituencyKind] {
				s.Items = append(s.Items, item(m, 0, 0, "", "", false))
			}
		}
		add(s, "timeline.note_candidates", false)
	}
	return sections
}

// timelinePage is /timeline: the reader's place, or the one he chose (?county=code; the Ministry first
// ?province=code).
func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pl, err := s.timelinePlace(r, strings.ToLower(q.Get("county")))
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.renderTimeline(w, r, http.StatusOK, pl, nil, nil)
	}
}

// renderTimeline draws a place's timeline in the current election, with a mark's form that came back and
// a refusal to say at the top.
func (s *Server) renderTimeline(w http.ResponseWriter, r *http.Request, status int, pl tlPlace, back *tlBack, refused *i18n.Msg) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	d := webtl.PageData{Province: pl.province, County: pl.county, Choose: pl.chooses(p), Refused: refused}
	if d.Choose {
		d.Counties = pl.counties
	}
	e, err := s.store.CurrentElection(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.render(w, r, status, webtl.Page(d))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	d.Election = &e
	var ms []store.Milestone
	var marks []store.Mark
	var b store.Batch
	queueTimeline(&b, r, pl, e.ID, &ms, &marks)
	if err := s.store.Run(ctx, &b); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Sections = timelineSections(p, tl.Today(s.now()), pl, ms, marks, back)
	q := r.URL.Query()
	// The county's own milestones only (?level=county), or one district's (?district=code, one of the
	// place's districts).
	if ownPlace(q) && pl.county != nil {
		d.Sections = slices.DeleteFunc(d.Sections, func(s webtl.Section) bool { return s.ID != "tl-county" })
		d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "list.filter_own"),
			Remove: components.Without("/timeline", q, "level")})
	}
	if code := placeCode(q.Get("district")); code != "" {
		i := slices.IndexFunc(pl.districts, func(x store.District) bool { return x.Code == code })
		if i < 0 {
			s.notFound(w, r)
			return
		}
		dt := pl.districts[i]
		d.Sections = slices.DeleteFunc(d.Sections, func(s webtl.Section) bool { return s.ID != "tl-"+dt.Code })
		for i := range d.Sections {
			d.Sections[i].Brief = false
		}
		d.Applied = append(d.Applied, components.AppliedFilter{
			Label:  i18n.T(ctx, "list.filter_district", i18n.ArgName("district", dt.NameFa, dt.NameEn)),
			Remove: components.Without("/timeline", q, "district")})
	}
	if q.Get("overdue") == "1" {
		d.Overdue, d.Sections = true, statusOnly(d.Sections, tl.Overdue)
		d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "timeline.applied_overdue"),
			Remove: components.Without("/timeline", q, "overdue")})
	}
	if q.Get("done") == "1" {
		d.Sections = statusOnly(d.Sections, tl.Done)
		d.Applied = append(d.Applied, components.AppliedFilter{Label: i18n.T(ctx, "timeline.applied_done"),
			Remove: components.Without("/timeline", q, "done")})
	}
	s.render(w, r, status, webtl.Page(d))
}

// statusOnly keeps of a place's sections the county's and its districts' milestones of a status (past
// their window and not done, or done): the province's own are HQ's, not the county's, and the candidates'
// windows are nobody's.
func statusOnly(sections []webtl.Section, status tl.Status) []webtl.Section {
	var out []webtl.Section
	for _, s := range sections {
		s.Items = slices.DeleteFunc(slices.Clone(s.Items), func(it webtl.Item) bool {
			return it.Status != status || it.M.Level == tl.LevelProvince
		})
		if len(s.Items) > 0 {
			s.Brief = false
			out = append(out, s)
		}
	}
	return out
}

// timelineMark marks a milestone of the current election done at a place (done, with an optional note)
// or takes the mark back (with a reason, required): the governor at his county, the district head at his
// district, HQ at the province or at the county (field county) and district (field district) it names.
// Another province's milestone, a level that is not the user's, or a place outside his scope is not
// found; a mark that someone made or took back first is refused (409) with the page as it is now.
func (s *Server) timelineMark(done bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		if !p.Can(auth.MarkMilestones) {
			s.forbidden(w, r)
			return
		}
		id, ok := pathID(chi.URLParam(r, "milestone"))
		if !ok {
			s.notFound(w, r)
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		e, err := s.store.CurrentElection(ctx)
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r)
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
		m, err := s.store.Milestone(ctx, auth.Scope{ProvinceID: p.Scope.ProvinceID}, id)
		if errors.Is(err, store.ErrNotFound) || err == nil && (m.RetiredAt != nil || !marksLevel(p.Role, m.Level)) {
			s.notFound(w, r)
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
		county := ""
		if p.Role == auth.HQ && m.Level != tl.LevelProvince {
			county = strings.ToLower(f.Get("county"))
			if county == "" {
				s.notFound(w, r)
				return
			}
		}
		pl, err := s.timelinePlace(r, county)
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r)
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
		// A governor and a district head act at their own place: naming another is not found, as HQ naming
		// a county or district outside its province is.
		district := strings.ToLower(f.Get("district"))
		if p.Role != auth.HQ {
			if c := strings.ToLower(f.Get("county")); c != "" && c != pl.county.Code {
				s.notFound(w, r)
				return
			}
			if i := slices.IndexFunc(pl.districts, func(d store.District) bool { return d.ID == p.Scope.DistrictID }); i >= 0 && district == "" {
				district = pl.districts[i].Code
			}
		}
		var countyID, districtID int64
		countyCode, districtCode := "", ""
		switch m.Level {
		case tl.LevelCounty:
			countyID, countyCode = pl.county.ID, pl.county.Code
		case tl.LevelDistrict:
			i := slices.IndexFunc(pl.districts, func(d store.District) bool { return d.Code == district })
			if i < 0 || p.Role != auth.HQ && pl.districts[i].ID != p.Scope.DistrictID {
				s.notFound(w, r)
				return
			}
			countyID, districtID = pl.county.ID, pl.districts[i].ID
			countyCode, districtCode = pl.county.Code, pl.districts[i].Code
		}
		item := itemID(m.ID, countyCode, districtCode)
		reqctx.From(ctx).Path = pl.address()
		field := "note"
		if !done {
			field = "reason"
			if f.Get(field) == "" {
				f.Errors[field] = i18n.M("err.reason_required")
			}
		}
		if utf8.RuneCountInString(f.Get(field)) > maxMarkText {
			f.Errors[field] = i18n.M("err.too_long_max", i18n.ArgNum("max", maxMarkText))
		}
		if !f.Valid() {
			// A form drawn before someone else marked or took the mark back is stale whatever it holds:
			// the page now offers the other form, so it is refused as the store would refuse it.
			ks, err := s.store.PlaceMarks(ctx, p.Scope.ProvinceID, countyID, e.ID)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			marked := slices.ContainsFunc(ks, func(k store.Mark) bool {
				return k.MilestoneID == m.ID && k.CountyID == countyID && k.DistrictID == districtID
			})
			if marked == done {
				why := i18n.M("timeline.not_done", i18n.ArgName("milestone", m.TitleFa, m.TitleEn))
				if done {
					why = i18n.M("timeline.already_done", i18n.ArgName("milestone", m.TitleFa, m.TitleEn))
				}
				s.renderTimeline(w, r, http.StatusConflict, pl, nil, &why)
				return
			}
			s.renderTimeline(w, r, http.StatusUnprocessableEntity, pl, &tlBack{item: item, form: f}, nil)
			return
		}
		if done {
			err = s.store.MarkDone(ctx, actor(r), p.Scope, e.ID, m.ID, countyID, districtID, f.Get(field))
		} else {
			err = s.store.MarkUndone(ctx, actor(r), p.Scope, e.ID, m.ID, countyID, districtID, f.Get(field))
		}
		var why i18n.Msg
		switch {
		case err == nil && done:
			s.redirectFlash(w, r, pl.address()+"#"+item, "timeline.marked_done")
			return
		case err == nil:
			s.redirectFlash(w, r, pl.address()+"#"+item, "timeline.marked_undone")
			return
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case errors.Is(err, store.ErrAlreadyDone):
			why = i18n.M("timeline.already_done", i18n.ArgName("milestone", m.TitleFa, m.TitleEn))
		case errors.Is(err, store.ErrNotDone):
			why = i18n.M("timeline.not_done", i18n.ArgName("milestone", m.TitleFa, m.TitleEn))
		default:
			s.serverError(w, r, err)
			return
		}
		s.renderTimeline(w, r, http.StatusConflict, pl, nil, &why)
	}
}

// marksLevel reports whether a role marks milestones of a level at all: HQ the province's, a county's and a
// district's; the governor his county's; the district head his district's. Nobody marks a candidates'
// window.
func marksLevel(role auth.Role, level string) bool {
	switch role {
	case auth.HQ:
		return tl.Markable(level)
	case auth.Governor:
		return level == tl.LevelCounty
	case auth.DistrictHead:
		return level == tl.LevelDistrict
	}
	return false
}

// homeTimelineShown is how many of his own milestones a home page lists.
const homeTimelineShown = 5

// homeTimeline picks a home page's milestones from its reader's timeline: his own that are not done, the
// overdue first, then those due within days, then the open ones by their last day and the upcoming by
// their first; a few of them, and how many more there are.
func homeTimeline(sections []webtl.Section) (shown []webtl.Item, more int) {
	var own []webtl.Item
	for _, s := range sections {
		for _, it := range s.Items {
			if it.CanMark && it.Mark == nil {
				own = append(own, it)
			}
		}
	}
	rank := map[tl.Status]int{tl.Overdue: 0, tl.DueSoon: 1, tl.Open: 2, tl.Upcoming: 3}
	slices.SortStableFunc(own, func(a, b webtl.Item) int {
		if c := cmp.Compare(rank[a.Status], rank[b.Status]); c != 0 {
			return c
		}
		if a.Status == tl.Upcoming {
			return a.M.From.Compare(b.M.From)
		}
		return a.M.To.Compare(b.M.To)
	})
	if len(own) > homeTimelineShown {
		return own[:homeTimelineShown], len(own) - homeTimelineShown
	}
	return own, 0
}
