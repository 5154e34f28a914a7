// Package candidates is the candidates area: the searchable list with counts by status, the registration
// form, and one candidate with its history, board conflicts and the next steps of its lifecycle.
package candidates

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/registration"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ListData is one page of the list.
type ListData struct {
	Election *store.Election
	Rows     []store.Candidate
	Total    int
	Cap      int  // how far the matches were counted (CandidateFilter.Cap)
	More     bool // more than Cap match: the list pages through the first Cap
	Counts   map[string]int
	Filter   components.Form
	Counties []store.County
	Page     int
	Pages    int
}

// NewData is the registration form.
type NewData struct {
	Form           components.Form
	Constituencies []store.Constituency
	CanOverride    bool
	Overridable    bool                // the form came back with problems HQ may override
	Windows        []components.Window // the registration windows of the current election's timeline
}

// EditData is the correction of a candidate's record.
type EditData struct {
	C           store.CandidateDetail
	Form        components.Form
	CanOverride bool
	Overridable bool // the form came back with problems HQ may override
	Stale       bool // the record changed since the form was opened: C is the record now
}

// ShowData is one candidate.
type ShowData struct {
	C                 store.CandidateDetail
	Status            components.Form
	Constituency      components.Form // the change-of-constituency form
	Constituencies    []store.Constituency
	ObjectionDeadline string              // when announced: the last moment an objection is accepted
	Windows           []components.Window // the objection window and the change of constituency
}

func href(id int64) templ.SafeURL { return templ.SafeURL("/candidates/" + strconv.FormatInt(id, 10)) }

func options(ctx context.Context, prefix string, keys []string) []components.Option {
	var opts []components.Option
	for _, k := range keys {
		opts = append(opts, components.Option{Value: k, Label: i18n.T(ctx, prefix+k)})
	}
	return opts
}

func statusOptions(ctx context.Context) []components.Option {
	return options(ctx, "cstatus.", candidacy.Statuses)
}

func educationOptions(ctx context.Context) []components.Option {
	return options(ctx, "education.", eligibility.Levels)
}

func genderOptions(ctx context.Context) []components.Option {
	return options(ctx, "gender.", []string{eligibility.Male, eligibility.Female})
}

func serviceOptions(ctx context.Context) []components.Option {
	return options(ctx, "service.", []string{eligibility.ServiceCompleted, eligibility.ServiceExempt, eligibility.ServiceServing, eligibility.ServiceNone})
}

func sortOptions(ctx context.Context) []components.Option {
	return options(ctx, "candidates.sort.", []string{"registered", "name", "status"})
}

// constituencyOptions are the constituencies to choose from; one whose size HQ has not recorded says so,
// since a candidate there may need more education than he has until HQ records it.
func constituencyOptions(ctx context.Context, ks []store.Constituency) []components.Option {
	var opts []components.Option
	for _, k := range ks {
		label := ConstituencyLabel(ctx, k)
		if !sizeKnown(k) {
			label = i18n.T(ctx, "candidates.size_missing_option", i18n.ArgText("constituency", label))
		}
		opts = append(opts, components.Option{Value: k.Code, Label: label})
	}
	return opts
}

// sizeKnown reports whether HQ has recorded the size that decides a constituency's education: a city's
// population, a district's village households (eligibility reads 0 as unknown too).
func sizeKnown(k store.Constituency) bool {
	if k.Kind == eligibility.Village {
		return k.Households > 0
	}
	return k.Population > 0
}

// sizeHint says, under the constituency field, what a constituency marked "size not recorded" means and
// who records it, when the list has one.
func sizeHint(ctx context.Context, ks []store.Constituency) []components.FieldOpt {
	for _, k := range ks {
		if !sizeKnown(k) {
			return []components.FieldOpt{components.Hint(i18n.T(ctx, "candidates.size_missing_hint"))}
		}
	}
	return nil
}

// ConstituencyLabel names a constituency in the request's language (registration.Label), as a file may
// name it too.
func ConstituencyLabel(ctx context.Context, k store.Constituency) string {
	return registration.Label(i18n.From(ctx), k)
}

// ConstituencyOf names where a candidate stands, as ConstituencyLabel does.
func ConstituencyOf(ctx context.Context, c store.Candidate) string {
	return constituencyIn(i18n.From(ctx), c)
}

// constituencyIn is ConstituencyOf in lang.
func constituencyIn(lang i18n.Lang, c store.Candidate) string {
	k := store.Constituency{Kind: eligibility.City, NameFa: c.ConstituencyFa, NameEn: c.ConstituencyEn, CountyFa: c.CountyFa, CountyEn: c.CountyEn}
	if c.DistrictID != 0 {
		k.Kind = eligibility.Village
	}
	return registration.Label(lang, k)
}

// eventChange is the event of a change of constituency as a labelled change between the constituencies'
// names (ks holds the county's, among which a change stays).
func eventChange(ctx context.Context, e store.CandidateEvent, ks []store.Constituency) (components.Change, bool) {
	from, to, ok := e.ConstituencyChange()
	if !ok {
		return components.Change{}, false
	}
	name := func(code string) string {
		for _, k := range ks {
			if k.Code == code {
				return ConstituencyLabel(ctx, k)
			}
		}
		return code
	}
	return components.Changed(i18n.T(ctx, "field.constituency"), name(from), name(to)), true
}

// statusHref is the list filtered to one status, within the county the counts were made for.
func statusHref(f components.Form, status string) templ.SafeURL {
	q := url.Values{"status": {status}}
	if c := f.Get("county"); c != "" {
		q.Set("county", c)
	}
	return templ.SafeURL("/candidates?" + q.Encode())
}

// orDash is a recorded text, or a dash when nothing was recorded.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// yesNo is a recorded yes or no in the reader's language.
func yesNo(ctx context.Context, b bool) string {
	if b {
		return i18n.T(ctx, "audit.yes")
	}
	return i18n.T(ctx, "audit.no")
}

func nextOptions(ctx context.Context, status string) []components.Option {
	return options(ctx, "cstatus.", candidacy.Next(status))
}

func canReview(ctx context.Context) bool { return auth.FromContext(ctx).Can(auth.ReviewCandidates) }

func canRegister(ctx context.Context) bool { return auth.FromContext(ctx).Can(auth.RegisterCandidates) }

func canExport(ctx context.Context) bool { return auth.FromContext(ctx).Can(auth.ExportCandidates) }

func filterValues(f components.Form) url.Values {
	q := url.Values{}
	for _, k := range []string{"q", "county", "status", "gender", "education", "sort"} {
		if v := f.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// pageHref keeps the filters and moves to page n.
func pageHref(f components.Form, n int) templ.SafeURL {
	q := filterValues(f)
	q.Set("page", strconv.Itoa(n))
	return templ.SafeURL("/candidates?" + q.Encode())
}

// exportHref is the list as a file, with the same filters.
func exportHref(f components.Form, ext string) templ.SafeURL {
	return templ.SafeURL("/candidates." + ext + "?" + filterValues(f).Encode())
}

// exportForImportHref is the list as a CSV file that the import reads back as it is: its column names,
// codes, Jalali days.
func exportForImportHref(f components.Form) templ.SafeURL {
	q := filterValues(f)
	q.Set("format", "import")
	return templ.SafeURL("/candidates.csv?" + q.Encode())
}

// reasonText says why the rows of a reason were refused, by the message of the first of them; when the
// others' messages differ in their details (another line, another county), it says so.
func reasonText(ctx context.Context, rs store.ImportReason) string {
	text := components.ProblemText(ctx, store.ImportProblem{Field: rs.Field, Msg: rs.First})
	if rs.Same {
		return text
	}
	return i18n.T(ctx, "candidates.reason_like", i18n.ArgText("reason", text))
}

// reasonLines lists the lines of a reason's rows that the preview holds, and how many more there are.
func reasonLines(ctx context.Context, rs store.ImportReason) string {
	nums := make([]string, len(rs.Lines))
	for i, l := range rs.Lines {
		nums[i] = i18n.Num(ctx, l)
	}
	text := strings.Join(nums, i18n.Pick(ctx, "، ", ", "))
	if more := rs.Rows - len(rs.Lines); more > 0 {
		text += " " + i18n.T(ctx, "candidates.reason_more", i18n.ArgNum("count", more))
	}
	return text
}

// ruleFields are the numbers of a candidate rule, in the order the law gives them.
var ruleFields = []string{"min_age", "village_small_households", "city_small_population", "certificate_max_months",
	"resignation_min_months", "objection_days", "constituency_change_until_days", "max_constituency_changes"}

// RuleValues are a rule's numbers by field name.
func RuleValues(r store.CandidateRule) map[string]int {
	return map[string]int{"min_age": r.MinAge, "village_small_households": r.VillageSmallHouseholds,
		"city_small_population": r.CitySmallPopulation, "certificate_max_months": r.CertificateMaxMonths,
		"resignation_min_months": r.ResignationMinMonths, "objection_days": r.ObjectionDays,
		"constituency_change_until_days": r.ConstituencyChangeUntilDays, "max_constituency_changes": r.MaxConstituencyChanges}
}

// ruleForm is the rule's form as it came back, or filled from the rule, its numbers in the reader's
// digits (the form reads any).
func ruleForm(ctx context.Context, d RulesData, r store.CandidateRule) components.Form {
	if f, ok := d.Forms[r.Kind]; ok {
		return f.WithPrefix(r.Kind + "-")
	}
	f := components.NewForm().WithPrefix(r.Kind + "-")
	for k, v := range RuleValues(r) {
		f.Values.Set(k, i18n.Digits(ctx, strconv.Itoa(v)))
	}
	f.Values.Set("version", strconv.Itoa(r.Version))
	if r.AgeOnElectionDay {
		f.Values.Set("age_on_election_day", "1")
	}
	return f
}

// ruleNotes are the notes for HQ on each kind's rule: what the law leaves open.
var ruleNotes = map[string]string{"councils": "crules.note.councils"}

// ruleNote is the note for HQ on rule r, or "" when there is none.
func ruleNote(ctx context.Context, r store.CandidateRule) string {
	if key, ok := ruleNotes[r.Kind]; ok {
		return i18n.T(ctx, key)
	}
	return ""
}

// uploadForm is the upload form's part of d.Form: with a preview shown, the form's own error is the
// preview's (it was not imported) and shows there.
func uploadForm(d ImportData) components.Form {
	if d.Preview == nil {
		return d.Form
	}
	return d.Form.Without("")
}

// ImportQuestion asks before the ready rows of a preview are registered.
func ImportQuestion(p store.CandidateImport) components.Question {
	return components.Question{What: i18n.M("confirm.import", i18n.ArgNum("ready", p.Ready), i18n.ArgText("file", p.FileName)),
		Yes: i18n.M("candidates.import_confirm", i18n.ArgNum("ready", p.Ready))}
}
