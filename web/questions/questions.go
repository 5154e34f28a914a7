// Package questions is the questions put to the committees, their answers, and the province's FAQ made of
// them.
package questions

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// Asks reports whether p may put questions to the committees and accept their answers: a role that asks,
// but not a committee member HQ has taken off his committee, who reads and acts on nothing.
func Asks(p *auth.Principal) bool {
	return p.Can(auth.AskQuestions) && (p.Role != auth.Committee || p.Scope.Committee != "")
}

// ListData is the list of questions in the reader's scope and, for those who ask, the form.
type ListData struct {
	Province   components.ProvinceChoice
	Committees []store.Committee
	Committee  string // the list's filter, "" for every committee
	Questions  []store.Question
	Total      int
	Page       int
	Ask        components.Form
	Now        time.Time
}

// Pages is how many pages the list has.
func (d ListData) Pages() int { return (d.Total + store.QuestionPageSize - 1) / store.QuestionPageSize }

func (d ListData) filterForm() components.Form {
	f := components.NewForm()
	f.Values.Set("province", d.Province.Code())
	f.Values.Set("committee", d.Committee)
	return f.WithPrefix("filter-")
}

// listHref is the list's page n with its filters.
func (d ListData) listHref(n int) templ.SafeURL {
	v := url.Values{}
	if d.Province.Chosen != nil {
		v.Set("province", d.Province.Chosen.Code)
	}
	if d.Committee != "" {
		v.Set("committee", d.Committee)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/questions"
	}
	return templ.SafeURL("/questions?" + v.Encode())
}

// CommitteeOptions are the province's committees as choices.
func CommitteeOptions(ctx context.Context, cs []store.Committee) []components.Option {
	opts := make([]components.Option, 0, len(cs))
	for _, c := range cs {
		opts = append(opts, components.Option{Value: c.Key, Label: i18n.Pick(ctx, c.NameFa, c.NameEn)})
	}
	return opts
}

// ShowData is one question with its answers and the forms of those who act on it.
type ShowData struct {
	Q       store.Question
	Answers []store.Answer
	Now     time.Time
	Answer  *components.Form // the committee's members
	Accepts bool             // the asker accepts an answer
	Publish *components.Form // HQ and the committee, once answered
	Refused *i18n.Msg
}

// Href is a question's page.
func Href(id int64) templ.SafeURL { return templ.SafeURL("/questions/" + strconv.FormatInt(id, 10)) }

func action(id int64, tail string) templ.SafeURL {
	return templ.SafeURL("/questions/" + strconv.FormatInt(id, 10) + tail)
}

func acceptAction(q, a int64) templ.SafeURL {
	return templ.SafeURL("/questions/" + strconv.FormatInt(q, 10) + "/answers/" + strconv.FormatInt(a, 10) + "/accept")
}

func version(q store.Question) string { return strconv.Itoa(q.Version) }

// place names where a question was asked from: a district with its county, a county, or the province.
func place(ctx context.Context, q store.Question) string {
	switch {
	case q.DistrictFa != "":
		return i18n.T(ctx, "questions.from_district", i18n.ArgName("district", q.DistrictFa, q.DistrictEn),
			i18n.ArgName("county", q.CountyFa, q.CountyEn))
	case q.CountyFa != "":
		return i18n.T(ctx, "questions.from_county", i18n.ArgName("county", q.CountyFa, q.CountyEn))
	}
	return i18n.T(ctx, "questions.from_province")
}

// Status is a question's state in words on its tone: waiting for an answer (for 48 hours or more, in
// red, with how long), answered, an answer accepted, published. A page that shows a question waiting
// changes when the question's wait passes 48 hours and then each day: the page says so (ChangesAt), so
// that a kept copy of it is not shown past then.
func Status(ctx context.Context, q store.Question, now time.Time) components.Badged {
	switch {
	case q.Waiting(now):
		return components.Badge(components.ToneBad, WaitingText(ctx, q, now))
	case q.Answers == 0:
		reqctx.From(ctx).ChangesAt(q.AskedAt.Add(store.WaitingAfter))
		return components.Badge(components.ToneDraft, i18n.T(ctx, "questions.status.open"))
	case q.Published():
		return components.Badge(components.ToneApproved, i18n.T(ctx, "questions.status.published"))
	case q.AcceptedAnswer != 0:
		return components.Badge(components.ToneOK, i18n.T(ctx, "questions.status.accepted"))
	}
	return components.Badge(components.ToneSubmitted, i18n.T(ctx, "questions.status.answered", i18n.ArgNum("n", q.Answers)))
}

// WaitingText says how long a question has waited for an answer: more than 48 hours, and from the third
// day on, how many days.
func WaitingText(ctx context.Context, q store.Question, now time.Time) string {
	days := int(now.Sub(q.AskedAt) / (24 * time.Hour))
	reqctx.From(ctx).ChangesAt(q.AskedAt.Add(time.Duration(max(days, 2)+1) * 24 * time.Hour))
	if days < 3 {
		return i18n.T(ctx, "questions.waiting_48h")
	}
	return i18n.T(ctx, "questions.waiting_days", i18n.ArgNum("n", days))
}

// answerOptions are a question's answers as the choices of its publication.
func answerOptions(ctx context.Context, as []store.Answer, accepted int64) []components.Option {
	opts := make([]components.Option, 0, len(as))
	for _, a := range as {
		label := i18n.T(ctx, "questions.answer_n", i18n.ArgNum("n", a.N), i18n.ArgText("name", a.AnswererName))
		if a.ID == accepted {
			label = i18n.T(ctx, "questions.answer_n_accepted", i18n.ArgNum("n", a.N), i18n.ArgText("name", a.AnswererName))
		}
		opts = append(opts, components.Option{Value: strconv.FormatInt(a.ID, 10), Label: label})
	}
	return opts
}

// actsOn reports whether the reader answers or publishes for the question's committee: its members.
func actsOn(ctx context.Context, q store.Question) bool {
	p := auth.FromContext(ctx)
	return p.Scope.Committee != "" && p.Scope.Committee == q.Committee
}

// FAQData is a page of the province's FAQ and its search.
type FAQData struct {
	Province components.ProvinceChoice
	Q        string
	Search   components.Form // the search refused, with its error; the zero Form otherwise
	Entries  []store.FAQEntry
	Total    int // to store.FAQCountCap and one more
	Page     int
}

// Pages is how many pages the FAQ's list has.
func (d FAQData) Pages() int {
	return (min(d.Total, store.FAQCountCap) + store.FAQPageSize - 1) / store.FAQPageSize
}

func (d FAQData) searchForm() components.Form {
	f := components.NewForm()
	f.Values.Set("province", d.Province.Code())
	f.Values.Set("q", d.Q)
	f.Errors = d.Search.Errors
	if f.Errors == nil {
		f.Errors = map[string]i18n.Msg{}
	}
	return f
}

// faqHref is the FAQ's page n with its search.
func (d FAQData) faqHref(n int) templ.SafeURL {
	v := url.Values{}
	if d.Province.Chosen != nil {
		v.Set("province", d.Province.Chosen.Code)
	}
	if d.Q != "" {
		v.Set("q", d.Q)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/faq"
	}
	return templ.SafeURL("/faq?" + v.Encode())
}

func faqID(e store.FAQEntry) string { return "faq-" + strconv.FormatInt(e.ID, 10) }

// HomeShown is how many of the questions waiting for an answer a home page names, oldest first.
const HomeShown = 5

// HomeData is the home page's section of the questions waiting for an answer: for a committee's member,
// those put to his committee; for HQ, the province's. Shown is false for the others.
type HomeData struct {
	Shown     bool
	Questions []store.Question // the oldest, at most HomeShown
	Open      int              // every question without an answer
	Waiting   int              // those of them asked WaitingAfter ago or more
	Now       time.Time
}
