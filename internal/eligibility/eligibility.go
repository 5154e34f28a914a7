// Package eligibility owns the registration checks of a candidate that need nothing but the candidate's
// own form and the constituency: a valid national ID, the minimum age, the education the constituency's
// size requires (one level lower for veterans), military service for men, a recent criminal-record
// certificate and, for holders of listed posts, an early enough resignation; and whether a registration
// falls within the window its election's timeline fixes (Window). The numbers are data (Rules, loaded per
// election kind; the windows, per election), never code. Checks that need the database (one registration per person per
// election, no board or pool member of the same election) belong to the caller. Dates are calendar days
// in Tehran, counted in the Jalali calendar. It has no I/O.
package eligibility

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Tehran must not depend on the host's zone files

	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/timeline"
)

// Rules holds the numbers of one election kind. The caller loads them from the database; none is code.
type Rules struct {
	MinAge                 int  // whole years on the reference day
	AgeOnElectionDay       bool // the reference day is election day instead of registration day
	VillageSmallHouseholds int  // a village of at most this many households needs only literacy
	CitySmallPopulation    int  // a city of at most this many people needs only an associate degree
	CertificateMaxMonths   int  // the criminal-record certificate is at most this many months old
	ResignationMinMonths   int  // a listed post was left at least this many months before registration
}

// CouncilsDefaults are LAW.md's numbers for the city and village councils, the defaults HQ sees and edits.
var CouncilsDefaults = Rules{
	MinAge: 25,
	// Uncertain: one text counts the age on election day, which would admit people up to some months
	// younger. Registration day is what the other texts say, and the stricter reading.
	AgeOnElectionDay:       false,
	VillageSmallHouseholds: 200,
	CitySmallPopulation:    20000,
	CertificateMaxMonths:   3,
	ResignationMinMonths:   3,
}

// Education levels, lowest first: the keys of the candidate form's education field.
const (
	Literate  = "literate"
	Diploma   = "diploma"
	Associate = "associate"
	Bachelor  = "bachelor"
	Master    = "master"
	Doctorate = "doctorate"
)

// Levels lists the education levels in rank order.
var Levels = []string{Literate, Diploma, Associate, Bachelor, Master, Doctorate}

// Genders.
const (
	Male   = "male"
	Female = "female"
)

// Military-service states of a man; "" means not stated.
const (
	ServiceCompleted = "completed" // end-of-service card
	ServiceExempt    = "exempt"    // permanent exemption card
	ServiceServing   = "serving"   // still serving: not eligible
	ServiceNone      = "none"      // no card (yet): an exemption may be pending
)

// Constituency kinds.
const (
	City    = "city"
	Village = "village"
)

// Candidate is what the checks read from the registration form.
type Candidate struct {
	NationalID      string
	Gender          string
	Education       string
	MilitaryService string
	BirthDate       time.Time
	Veteran         bool // veterans and the groups the law treats alike need one education level less
	ListedPost      bool // holds a post listed in Art. 41, so must have resigned in time
	CertificateDate *time.Time
	ResignationDate *time.Time
}

// Window is the days on which the candidates of a kind of constituency register, as an election's
// timeline fixes them (its milestones gated registration_city and registration_village): the first and the
// last, calendar dates held as midnight UTC, as the timeline gives them.
type Window struct{ From, To time.Time }

// Holds reports whether a registration at the instant registered falls on a day of the window, the day
// counted in Tehran (timeline.Today): from the first day's midnight to the end of the last.
func (w Window) Holds(registered time.Time) bool {
	d := timeline.Today(registered)
	return !d.Before(w.From) && !d.After(w.To)
}

// Constituency is the size the education rule depends on. Zero means unknown: the data of many
// constituencies is still being entered, and guessing would reject or admit people wrongly.
type Constituency struct {
	Kind       string // City or Village
	Population int    // read for a city
	Households int    // read for a village
}

// Plausibility bounds of the dates on a registration. They are not the law's numbers (MinAge is, and it
// applies on top): they catch a mistyped year, such as 0001/01/01 or 1045 for 1405, before it is stored as
// a fact about a person.
const (
	MinPlausibleAge  = 18   // a younger birth date is a typing mistake whatever the election
	MaxPlausibleAge  = 100  // an older one too
	MinPlausibleYear = 1300 // no certificate or resignation of a living candidate is older
	// A certificate or resignation date more than this many years after the registration year is a typing
	// mistake; one a little in the future has its own, more useful problem (certificate_future, resignation_late).
	MaxYearsAhead = 1
)

// Problem is one failed check. Field is the form field it belongs to, Code its message key, and Want
// the value that would pass, as text:
//
//	national_id       required, invalid
//	gender            required, invalid
//	birth_date        required, invalid (not a date), birth_future (after registration), birth_implausible (younger
//	                  than MinPlausibleAge or older than MaxPlausibleAge), too_young (Want: the age)
//	education         required, invalid, education_low (Want: the level), size_unknown (Want: the level
//	                  that passes in any constituency)
//	military_service  required, invalid, military_service
//	certificate_date  certificate_missing, date_implausible (see PlausibleDate), certificate_old (Want:
//	                  the earliest day), certificate_future (Want: the registration day)
//	resignation_date  date_implausible (whenever given), resignation_missing, resignation_late (Want:
//	                  the latest day)
//
// Days are Jalali, "1404/07/21". Overridable is true only where the law leaves judgement to the boards:
// the education of a constituency of unknown size, and a man with no card whose exemption may be pending.
type Problem struct {
	Field       string
	Code        string
	Overridable bool
	Want        string
}

// tehran is the time zone whose calendar days the law counts.
var tehran = mustLoad("Asia/Tehran")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}

// Check returns every problem of c registering at the registered time in constituency k, at most one per
// field, in the order of the form's fields. None means the automatable checks pass. electionDay is read
// only when r.AgeOnElectionDay.
func Check(c Candidate, k Constituency, r Rules, registered, electionDay time.Time) []Problem {
	var ps []Problem
	add := func(field, code string, overridable bool, want string) {
		ps = append(ps, Problem{Field: field, Code: code, Overridable: overridable, Want: want})
	}
	reg := day(registered)

	switch _, err := nationalid.Parse(c.NationalID); {
	case strings.TrimSpace(c.NationalID) == "":
		add("national_id", "required", false, "")
	case err != nil:
		add("national_id", "invalid", false, "")
	}

	switch c.Gender {
	case Male, Female:
	case "":
		add("gender", "required", false, "")
	default:
		add("gender", "invalid", false, "")
	}

	ref := reg
	if r.AgeOnElectionDay {
		ref = day(electionDay)
	}
	switch birth := day(c.BirthDate); {
	case c.BirthDate.IsZero():
		add("birth_date", "required", false, "")
	case !birth.Valid():
		add("birth_date", "invalid", false, "")
	case after(birth, reg):
		add("birth_date", "birth_future", false, "")
	case !PlausibleBirth(birth, reg):
		add("birth_date", "birth_implausible", false, "")
	case age(birth, ref) < r.MinAge:
		add("birth_date", "too_young", false, strconv.Itoa(r.MinAge))
	}

	if p, ok := checkEducation(c, k, r); !ok {
		ps = append(ps, p)
	}

	// A woman's answer is not read, but nonsense is still refused. With the gender unknown nothing can be
	// required; the gender's own problem already blocks the registration.
	switch c.MilitaryService {
	case "", ServiceCompleted, ServiceExempt, ServiceServing, ServiceNone:
	default:
		add("military_service", "invalid", false, "")
	}
	if c.Gender == Male {
		switch c.MilitaryService {
		case "":
			add("military_service", "required", false, "")
		case ServiceServing:
			add("military_service", "military_service", false, "")
		case ServiceNone:
			// The law asks for a card; whether an exemption in progress will do is the board's call.
			add("military_service", "military_service", true, "")
		}
	}

	if c.CertificateDate == nil || c.CertificateDate.IsZero() {
		add("certificate_date", "certificate_missing", false, "")
	} else {
		cert, earliest := day(*c.CertificateDate), monthsBefore(reg, r.CertificateMaxMonths)
		switch {
		case !PlausibleDate(cert, reg):
			add("certificate_date", "date_implausible", false, "")
		case after(cert, reg):
			add("certificate_date", "certificate_future", false, reg.String())
		case before(cert, earliest):
			add("certificate_date", "certificate_old", false, earliest.String())
		}
	}

	given := c.ResignationDate != nil && !c.ResignationDate.IsZero()
	if given && !PlausibleDate(day(*c.ResignationDate), reg) {
		// Checked even without a listed post: the date is stored all the same.
		add("resignation_date", "date_implausible", false, "")
	} else if c.ListedPost {
		if !given {
			add("resignation_date", "resignation_missing", false, "")
		} else if latest := monthsBefore(reg, r.ResignationMinMonths); after(day(*c.ResignationDate), latest) {
			add("resignation_date", "resignation_late", false, latest.String())
		}
	}
	return ps
}

// PlausibleBirth reports whether someone born on birth can be a candidate's age on the registration day
// reg at all: between MinPlausibleAge and MaxPlausibleAge years old, both included.
func PlausibleBirth(birth, reg persian.Date) bool {
	a := age(birth, reg)
	return a >= MinPlausibleAge && a <= MaxPlausibleAge
}

// PlausibleDate reports whether a certificate or resignation date can be meant for a registration on reg:
// from MinPlausibleYear to MaxYearsAhead years after reg's year.
func PlausibleDate(d, reg persian.Date) bool {
	return d.Valid() && d.Year >= MinPlausibleYear && d.Year <= reg.Year+MaxYearsAhead
}

// checkEducation returns the education problem, if any. When the size is unknown a candidate who meets
// the strictest requirement still passes: only the cases that really depend on the size are raised.
func checkEducation(c Candidate, k Constituency, r Rules) (Problem, bool) {
	p := Problem{Field: "education"}
	if c.Education == "" {
		p.Code = "required"
		return p, false
	}
	rank, ok := EducationRank(c.Education)
	if !ok {
		p.Code = "invalid"
		return p, false
	}
	need, known := RequiredEducation(k, c.Veteran, r)
	if !known {
		strictest, _ := RequiredEducation(Constituency{Kind: City, Population: r.CitySmallPopulation + 1}, c.Veteran, r)
		if n, _ := EducationRank(strictest); rank >= n {
			return Problem{}, true
		}
		p.Code, p.Overridable, p.Want = "size_unknown", true, strictest
		return p, false
	}
	if n, _ := EducationRank(need); rank < n {
		p.Code, p.Want = "education_low", need
		return p, false
	}
	return Problem{}, true
}

// RequiredEducation returns the lowest education level a candidate in k needs, or false when k's kind or
// size is unknown. A veteran needs one level less, never less than literate.
func RequiredEducation(k Constituency, veteran bool, r Rules) (string, bool) {
	var need string
	switch {
	case k.Kind == Village && k.Households > 0 && k.Households <= r.VillageSmallHouseholds:
		need = Literate
	case k.Kind == Village && k.Households > 0:
		need = Diploma
	case k.Kind == City && k.Population > 0 && k.Population <= r.CitySmallPopulation:
		need = Associate
	case k.Kind == City && k.Population > 0:
		need = Bachelor
	default:
		return "", false
	}
	rank, _ := EducationRank(need)
	if veteran && rank > 0 {
		rank--
	}
	return Levels[rank], true
}

// EducationRank returns the position of level in Levels (literate is 0), or false for an unknown key.
func EducationRank(level string) (int, bool) {
	for i, l := range Levels {
		if l == level {
			return i, true
		}
	}
	return 0, false
}

// Age returns the whole Jalali years from birth to on, both read as days in Tehran: birth certificates
// are Jalali, and a Jalali birthday can fall a day apart from the Gregorian one. Someone born on a
// leap Esfand 30 has a birthday on Farvardin 1 in other years: the year is complete only once Esfand is
// over. (Someone born on Gregorian 29 February has an ordinary Jalali birthday, Esfand 10.)
func Age(birth, on time.Time) int {
	return age(day(birth), day(on))
}

func age(birth, on persian.Date) int {
	a := on.Year - birth.Year
	if on.Month < birth.Month || on.Month == birth.Month && on.Day < birth.Day {
		a--
	}
	return a
}

// day returns t's calendar day in Tehran. A date stored as UTC midnight and one built as Tehran midnight
// both give the intended day, since Tehran is ahead of UTC.
func day(t time.Time) persian.Date {
	return persian.FromTime(t.In(tehran))
}

// monthsBefore returns the day n Jalali months before d. The months are Jalali, the official calendar in
// which the law's deadlines are written, and LAW.md's own timeline agrees: the resignation window
// 1404/07/21–27 is exactly three Jalali months before the registration window 1404/10/21–27, whereas three
// Gregorian months before 2026-01-11 (1404/10/21) is 1404/07/19. When that month is shorter, it is the month's
// last day (Farvardin 31 less three months is Dey 30): a month back never lands in the month after.
func monthsBefore(d persian.Date, n int) persian.Date {
	m := d.Year*12 + d.Month - 1 - n
	y, mo := m/12, m%12+1
	return persian.Date{Year: y, Month: mo, Day: min(d.Day, persian.MonthLength(y, mo))}
}

func before(a, b persian.Date) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

func after(a, b persian.Date) bool { return before(b, a) }
