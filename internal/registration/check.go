// Package registration is the one checking path of a candidate's record. The registration form, the
// correction of a record and every row of an imported file come here as typed text; a Checker turns it
// into a checked candidate or the problems of its fields, as typed messages, by the same rules (the
// fields' own, then the law's in package eligibility), and the Service stores what passed. The handlers
// parse a request and render the answer, so that an import cannot drift from the form.
package registration

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/phonenum"
	"github.com/setad/setad/internal/store"
)

// Fields are a record's fields in the form's order, which is also the order its problems are listed in.
var Fields = []string{"full_name", "father_name", "national_id", "gender", "birth_date", "education", "occupation",
	"constituency", "phone", "tracking_id", "veteran", "military_service", "listed_post", "certificate_date",
	"resignation_date"}

// Input is a record as typed: each field's text by the form's field name, which a file's columns use too.
type Input map[string]string

// FromForm is the input of a posted form: the first value of each field.
func FromForm(v url.Values) Input {
	in := make(Input, len(v))
	for k := range v {
		in[k] = v.Get(k)
	}
	return in
}

// Problems are what is wrong with a record: each field's message by its name, "" for the record as a whole.
type Problems map[string]i18n.Msg

// MaxReason is the most characters HQ's reason for an override may have.
const MaxReason = 1000

// Judgement is HQ's reason to accept the problems that the law leaves to judgement. A file carries none.
type Judgement struct {
	Allowed bool   // the user may override (auth.OverrideCandidates)
	Reason  string // why; without one nothing is overridden
	Board   bool   // accept a seat on an executive board or its pool of the same election
}

// Checked is a record that went through the checks.
type Checked struct {
	Candidate   store.NewCandidate
	Overrides   []store.Override // HQ's judgement on the problems the law leaves to it
	Problems    Problems
	Overridable bool // a problem left could be overridden by HQ with a reason
}

// OK reports whether the record passed every check.
func (c Checked) OK() bool { return len(c.Problems) == 0 }

// Checker holds what checking needs, loaded once whatever the number of records: the election, its rule,
// its registration windows, the constituencies in the caller's scope, and how the caller types (the
// language decides the calendar of a typed day).
type Checker struct {
	Election store.Election
	rule     store.CandidateRule
	// windows are the registration windows of the election's timeline by constituency kind; a kind without
	// one registers on any day. A correction's checker has none: its record was registered when it was.
	windows map[string]eligibility.Window
	places  places // the constituencies in the caller's scope
	lang    i18n.Lang
	now     time.Time
}

// ClosedError is why a Checker cannot be had: there is no current election, or no rule for its kind. Its
// message says which.
type ClosedError struct{ Msg i18n.Msg }

func (e *ClosedError) Error() string { return "registration: closed: " + e.Msg.Key }

// closed reports the message of a ClosedError, if err is one.
func closed(err error) (i18n.Msg, bool) {
	var c *ClosedError
	if errors.As(err, &c) {
		return c.Msg, true
	}
	return i18n.Msg{}, false
}

// Checker loads the checks of registrations in the current election for a caller in scope sc who types in
// lang. When nobody can register (no current election, no rule for its kind) the error is a *ClosedError.
func (s *Service) Checker(ctx context.Context, sc auth.Scope, lang i18n.Lang) (*Checker, error) {
	e, err := s.st.CurrentElection(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, &ClosedError{Msg: i18n.M("home.no_election")}
	}
	if err != nil {
		return nil, err
	}
	rule, err := s.st.CandidateRuleFor(ctx, e)
	if errors.Is(err, store.ErrNoRule) {
		return nil, &ClosedError{Msg: i18n.M("err.no_candidate_rules")}
	}
	if err != nil {
		return nil, err
	}
	ks, err := s.st.Constituencies(ctx, sc)
	if err != nil {
		return nil, err
	}
	ms, err := s.st.Milestones(ctx, auth.Scope{}, e.ID) // the law's: only they gate
	if err != nil {
		return nil, err
	}
	return &Checker{Election: e, rule: rule, windows: store.RegistrationWindows(ms), places: newPlaces(ks), lang: lang,
		now: s.now()}, nil
}

var trackingPattern = regexp.MustCompile(`^[0-9A-Za-z/-]{0,40}$`)

// Check checks a new registration on the checker's day, in one of its constituencies, putting each
// problem on its field; HQ's judgement turns the problems the law leaves to it into overrides.
func (c *Checker) Check(in Input, j Judgement) Checked {
	k, msg := c.places.find(in["constituency"])
	var ps Problems
	if !msg.IsZero() {
		ps = Problems{"constituency": msg}
	}
	return c.check(in, j, k, c.now, ps, nil)
}

// check reads and checks in, as registered on the registered day in constituency k, adding to the problems
// found already (nil for none). The law's problems that tolerated holds (by field and code) pass: a
// correction is held only to what it would change.
func (c *Checker) check(in Input, j Judgement, k store.Constituency, registered time.Time, ps Problems, tolerated map[problemKey]bool) Checked {
	if ps == nil {
		ps = Problems{}
	}
	r := Checked{Problems: ps}
	cand := store.NewCandidate{
		FullName: oneLine(in["full_name"]), FatherName: oneLine(in["father_name"]),
		Gender: genders.code(in["gender"]), Education: levels.code(in["education"]), Occupation: in["occupation"],
		TrackingID:      strings.TrimSpace(persian.ToLatinDigits(in["tracking_id"])),
		MilitaryService: services.code(in["military_service"]), Constituency: k,
	}
	for name, dst := range map[string]*bool{"veteran": &cand.Veteran, "listed_post": &cand.ListedPost} {
		v, ok := yesNo(in[name])
		if !ok {
			ps[name] = i18n.M("err.yes_no")
		}
		*dst = v
	}
	for name, v := range map[string]string{"full_name": cand.FullName, "father_name": cand.FatherName} {
		switch n := utf8.RuneCountInString(v); {
		case !strings.ContainsFunc(v, unicode.IsLetter): // marks alone do not make a name
			ps[name] = i18n.M("err.required")
		case n > 200:
			ps[name] = i18n.M("err.too_long")
		}
	}
	if utf8.RuneCountInString(cand.Occupation) > 200 {
		ps["occupation"] = i18n.M("err.too_long")
	}
	if !trackingPattern.MatchString(cand.TrackingID) {
		ps["tracking_id"] = i18n.M("err.tracking_id")
	} else if strings.HasPrefix(strings.ToUpper(cand.TrackingID), store.SyntheticTrackingPrefix) {
		ps["tracking_id"] = i18n.M("err.tracking_reserved")
	}
	if raw := in["phone"]; strings.TrimSpace(raw) != "" {
		if n, ok := phonenum.Normalize(raw); ok {
			cand.Phone = n
		} else {
			ps["phone"] = i18n.M("err.phone_number")
		}
	}
	if id, err := nationalid.Parse(in["national_id"]); err == nil {
		cand.NationalID = id
	}
	if birth := c.day(in, ps, "birth_date", true); birth != nil {
		cand.BirthDate = *birth
	}
	cand.CertificateDate = c.day(in, ps, "certificate_date", false)
	cand.ResignationDate = c.day(in, ps, "resignation_date", false)
	r.Candidate = cand

	reason := strings.TrimSpace(j.Reason)
	if utf8.RuneCountInString(reason) > MaxReason {
		ps["override_reason"] = i18n.M("err.too_long_max", i18n.ArgNum("max", MaxReason))
		reason = ""
	}
	canOverride := j.Allowed && reason != ""
	for _, pr := range c.law(cand, in["national_id"], k, registered) {
		if _, said := ps[pr.Field]; said {
			continue // the field's own problem says it already
		}
		if tolerated[problemKey{pr.Field, pr.Code}] {
			continue
		}
		if pr.Overridable && canOverride {
			r.Overrides = append(r.Overrides, store.Override{Field: pr.Field, Code: pr.Code, Reason: reason})
			continue
		}
		r.Overridable = r.Overridable || pr.Overridable
		switch {
		case pr.Field == "national_id" && pr.Code == "invalid":
			ps[pr.Field] = i18n.M("err.national_id")
		case pr.Code == OutsideWindow:
			w := c.windows[k.Kind]
			ps[pr.Field] = i18n.M("elig.outside_window", i18n.ArgDay("from", w.From), i18n.ArgDay("to", w.To))
		default:
			ps[pr.Field] = eligibilityMessage(pr)
		}
	}
	if canOverride && j.Board {
		r.Overrides = append(r.Overrides, store.Override{Field: "national_id", Code: "board_member", Reason: reason})
	}
	return r
}

// problemKey names a problem of the law: its field and its code.
type problemKey struct{ field, code string }

// OutsideWindow is the code of a registration made outside the window that the election's timeline fixes
// for its constituency's kind: a problem of the constituency field that HQ may override with a reason
// (recorded in candidate_overrides under this code), which refuses a governor's registration and a file's
// row.
const OutsideWindow = "outside_window"

// law is the law's problems of a record registered on the registered day in constituency k, the window
// of its kind included; nationalID is as typed, the record's own being empty when it is not valid.
func (c *Checker) law(cand store.NewCandidate, nationalID string, k store.Constituency, registered time.Time) []eligibility.Problem {
	ps := eligibility.Check(eligibility.Candidate{NationalID: nationalID, Gender: cand.Gender,
		Education: cand.Education, MilitaryService: cand.MilitaryService, BirthDate: cand.BirthDate, Veteran: cand.Veteran,
		ListedPost: cand.ListedPost, CertificateDate: cand.CertificateDate, ResignationDate: cand.ResignationDate},
		eligibility.Constituency{Kind: k.Kind, Population: k.Population, Households: k.Households},
		c.rule.Eligibility(), registered.In(i18n.Tehran), c.Election.ElectionDay)
	if w, ok := c.windows[k.Kind]; ok && !w.Holds(registered) {
		ps = append(ps, eligibility.Problem{Field: "constituency", Code: OutsideWindow, Overridable: true})
	}
	return ps
}

// day reads a date field as the checker's typist writes days (dayinput.Read); a malformed one is a problem
// of the field.
func (c *Checker) day(in Input, ps Problems, name string, required bool) *time.Time {
	v := in[name]
	if strings.TrimSpace(v) == "" {
		if required {
			ps[name] = i18n.M("err.required")
		}
		return nil
	}
	d, msg := dayinput.Read(c.lang, v, c.now)
	if !msg.IsZero() {
		ps[name] = msg
		return nil
	}
	return &d
}

// oneLine is a name with its spaces made single.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// eligibilityMessage says what a failed check of the law asks for. The rules give the value that would
// pass as text (a number, an education level, a Jalali day); here it becomes an argument of its kind, so
// that the reader's language writes it and only the messages that show it receive it.
func eligibilityMessage(pr eligibility.Problem) i18n.Msg {
	switch pr.Code {
	case "required":
		return i18n.M("elig.required")
	case "military_service":
		return i18n.M("elig.military_service")
	case "certificate_missing":
		return i18n.M("elig.certificate_missing")
	case "certificate_future":
		return i18n.M("elig.certificate_future")
	case "resignation_missing":
		return i18n.M("elig.resignation_missing")
	case "birth_future":
		return i18n.M("elig.birth_future")
	case "birth_implausible":
		return i18n.M("elig.birth_implausible")
	case "date_implausible":
		return i18n.M("elig.date_implausible")
	case "too_young":
		age, _ := strconv.Atoi(pr.Want)
		return i18n.M("elig.too_young", i18n.ArgNum("age", age))
	case "education_low":
		return i18n.M("elig.education_low", i18n.ArgKey("level", "education."+pr.Want))
	case "size_unknown":
		return i18n.M("elig.size_unknown", i18n.ArgKey("level", "education."+pr.Want))
	case "certificate_old":
		return i18n.M("elig.certificate_old", i18n.ArgDay("date", jalaliDay(pr.Want)))
	case "resignation_late":
		return i18n.M("elig.resignation_late", i18n.ArgDay("date", jalaliDay(pr.Want)))
	}
	return i18n.M("elig.invalid") // "invalid", and what a check added without a message of its own says
}

// jalaliDay reads a day the rules wrote.
func jalaliDay(s string) time.Time {
	d, err := persian.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d.Time(time.UTC)
}
