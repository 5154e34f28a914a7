package eligibility

import (
	"reflect"
	"testing"
	"time"

	"github.com/setad/setad/internal/persian"
)

// j returns midnight in Tehran of a Jalali day.
func j(y, m, d int) time.Time {
	t := persian.Date{Year: y, Month: m, Day: d}.Time(tehran)
	if t.IsZero() {
		panic("not a Jalali date")
	}
	return t
}

func jp(y, m, d int) *time.Time {
	t := j(y, m, d)
	return &t
}

// registration is the first day of city registration for the 7th councils (E−110), election the day.
var (
	registration = j(1404, 10, 21)
	election     = j(1405, 2, 11)
)

// eligible is a man who passes every check in a large city on the registration day.
func eligible() Candidate {
	return Candidate{
		NationalID:      "0012345679",
		Gender:          Male,
		Education:       Bachelor,
		MilitaryService: ServiceCompleted,
		BirthDate:       j(1370, 1, 1),
		CertificateDate: jp(1404, 9, 1),
	}
}

var bigCity = Constituency{Kind: City, Population: 100000}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Candidate, *Constituency, *Rules, *time.Time)
		want []Problem
	}{
		{"eligible man", func(*Candidate, *Constituency, *Rules, *time.Time) {}, nil},
		{"eligible woman without military service", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.Gender, c.MilitaryService = Female, ""
		}, nil},

		// National ID: never overridable.
		{"national ID missing", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.NationalID = " " },
			[]Problem{{Field: "national_id", Code: "required"}}},
		{"national ID checksum", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.NationalID = "0012345670" },
			[]Problem{{Field: "national_id", Code: "invalid"}}},
		{"national ID repeated digit", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.NationalID = "1111111111" },
			[]Problem{{Field: "national_id", Code: "invalid"}}},
		{"national ID in Persian digits", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.NationalID = "۰۰۱۲۳۴۵۶۷۹" }, nil},

		// Gender.
		{"gender missing", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.Gender = "" },
			[]Problem{{Field: "gender", Code: "required"}}},
		{"gender unknown", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.Gender = "other" },
			[]Problem{{Field: "gender", Code: "invalid"}}},
		{"gender missing does not require military service", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.Gender, c.MilitaryService = "", ""
		}, []Problem{{Field: "gender", Code: "required"}}},

		// Age on registration day.
		{"birth date missing", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = time.Time{} },
			[]Problem{{Field: "birth_date", Code: "required"}}},
		{"born after registration", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1404, 10, 22) },
			[]Problem{{Field: "birth_date", Code: "birth_future"}}},
		{"born centuries ahead (a Gregorian year read as Jalali)", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.BirthDate = j(1980, 1, 1)
		}, []Problem{{Field: "birth_date", Code: "birth_future"}}},
		{"25th birthday on registration day", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1379, 10, 21) }, nil},
		{"25th birthday the day after registration", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1379, 10, 22) },
			[]Problem{{Field: "birth_date", Code: "too_young", Want: "25"}}},
		{"25 before election day only", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1380, 2, 11) },
			[]Problem{{Field: "birth_date", Code: "too_young", Want: "25"}}},
		{"age on election day: 25th birthday on election day", func(c *Candidate, _ *Constituency, r *Rules, _ *time.Time) {
			c.BirthDate, r.AgeOnElectionDay = j(1380, 2, 11), true
		}, nil},
		{"age on election day: 25th birthday the day after", func(c *Candidate, _ *Constituency, r *Rules, _ *time.Time) {
			c.BirthDate, r.AgeOnElectionDay = j(1380, 2, 12), true
		}, []Problem{{Field: "birth_date", Code: "too_young", Want: "25"}}},
		{"minimum age from the rules", func(c *Candidate, _ *Constituency, r *Rules, _ *time.Time) {
			c.BirthDate, r.MinAge = j(1374, 10, 22), 30
		}, []Problem{{Field: "birth_date", Code: "too_young", Want: "30"}}},
		// A plausible birth date before the law's minimum age: a candidate is 18 to 100 on registration day.
		{"born in year 1", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1, 1, 1) },
			[]Problem{{Field: "birth_date", Code: "birth_implausible"}}},
		{"100 on registration day", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1304, 10, 21) }, nil},
		{"101 on registration day", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.BirthDate = j(1303, 10, 21) },
			[]Problem{{Field: "birth_date", Code: "birth_implausible"}}},
		{"17 on registration day is not plausible, whatever the law", func(c *Candidate, _ *Constituency, r *Rules, _ *time.Time) {
			c.BirthDate, r.MinAge = j(1386, 10, 22), 10
		}, []Problem{{Field: "birth_date", Code: "birth_implausible"}}},
		{"18 on registration day is plausible, the law then decides", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.BirthDate = j(1386, 10, 21)
		}, []Problem{{Field: "birth_date", Code: "too_young", Want: "25"}}},
		{"born on a leap Esfand 30, Esfand 29 of a common year", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			c.BirthDate, *reg = j(1379, 12, 30), j(1404, 12, 29)
			c.CertificateDate = jp(1404, 12, 1)
		}, []Problem{{Field: "birth_date", Code: "too_young", Want: "25"}}},
		{"born on a leap Esfand 30, Farvardin 1 after a common year", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			c.BirthDate, *reg = j(1379, 12, 30), j(1405, 1, 1)
			c.CertificateDate = jp(1404, 12, 1)
		}, nil},

		// Education by constituency.
		{"education missing", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.Education = "" },
			[]Problem{{Field: "education", Code: "required"}}},
		{"education unknown", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.Education = "phd" },
			[]Problem{{Field: "education", Code: "invalid"}}},
		{"large city, associate", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.Education = Associate },
			[]Problem{{Field: "education", Code: "education_low", Want: Bachelor}}},
		{"large city, doctorate", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.Education = Doctorate }, nil},
		{"large city, veteran with associate", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.Education, c.Veteran = Associate, true
		}, nil},
		{"large city, veteran with diploma", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.Education, c.Veteran = Diploma, true
		}, []Problem{{Field: "education", Code: "education_low", Want: Associate}}},
		{"small city at the limit, associate", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, k.Population = Associate, 20000
		}, nil},
		{"small city, diploma", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, k.Population = Diploma, 20000
		}, []Problem{{Field: "education", Code: "education_low", Want: Associate}}},
		{"city one above the limit, associate", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, k.Population = Associate, 20001
		}, []Problem{{Field: "education", Code: "education_low", Want: Bachelor}}},
		{"large village, literate", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, *k = Literate, Constituency{Kind: Village, Households: 201}
		}, []Problem{{Field: "education", Code: "education_low", Want: Diploma}}},
		{"large village, veteran literate", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, c.Veteran, *k = Literate, true, Constituency{Kind: Village, Households: 201}
		}, nil},
		{"small village at the limit, literate", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, *k = Literate, Constituency{Kind: Village, Households: 200}
		}, nil},
		{"village reads households, not population", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, *k = Literate, Constituency{Kind: Village, Population: 100, Households: 500}
		}, []Problem{{Field: "education", Code: "education_low", Want: Diploma}}},
		{"thresholds from the rules", func(c *Candidate, k *Constituency, r *Rules, _ *time.Time) {
			c.Education, k.Population, r.CitySmallPopulation = Associate, 100000, 200000
		}, nil},

		// Unknown size: overridable, and only when the size matters.
		{"size unknown, associate", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, k.Population = Associate, 0
		}, []Problem{{Field: "education", Code: "size_unknown", Overridable: true, Want: Bachelor}}},
		{"size unknown, bachelor passes anywhere", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			k.Population = 0
		}, nil},
		{"size unknown, veteran with associate passes anywhere", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, c.Veteran, k.Population = Associate, true, 0
		}, nil},
		{"size unknown, veteran with diploma", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, c.Veteran, k.Population = Diploma, true, 0
		}, []Problem{{Field: "education", Code: "size_unknown", Overridable: true, Want: Associate}}},
		{"village of unknown size", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, *k = Literate, Constituency{Kind: Village, Population: 900}
		}, []Problem{{Field: "education", Code: "size_unknown", Overridable: true, Want: Bachelor}}},
		{"kind unknown", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, k.Kind = Master, ""
		}, nil},
		{"kind unknown, diploma", func(c *Candidate, k *Constituency, _ *Rules, _ *time.Time) {
			c.Education, k.Kind = Diploma, ""
		}, []Problem{{Field: "education", Code: "size_unknown", Overridable: true, Want: Bachelor}}},

		// Military service, men only.
		{"man, service not stated", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.MilitaryService = "" },
			[]Problem{{Field: "military_service", Code: "required"}}},
		{"man, exempt", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.MilitaryService = ServiceExempt }, nil},
		{"man, serving", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.MilitaryService = ServiceServing },
			[]Problem{{Field: "military_service", Code: "military_service"}}},
		{"man, no card", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.MilitaryService = ServiceNone },
			[]Problem{{Field: "military_service", Code: "military_service", Overridable: true}}},
		{"woman, no card", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.Gender, c.MilitaryService = Female, ServiceNone
		}, nil},
		{"service value unknown", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.MilitaryService = "done" },
			[]Problem{{Field: "military_service", Code: "invalid"}}},
		{"service value unknown, woman", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.Gender, c.MilitaryService = Female, "done"
		}, []Problem{{Field: "military_service", Code: "invalid"}}},

		// Criminal-record certificate: at most three Jalali months old, inclusive.
		{"certificate missing", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.CertificateDate = nil },
			[]Problem{{Field: "certificate_date", Code: "certificate_missing"}}},
		{"certificate zero", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.CertificateDate = &time.Time{} },
			[]Problem{{Field: "certificate_date", Code: "certificate_missing"}}},
		{"certificate exactly three months old", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.CertificateDate = jp(1404, 7, 21)
		}, nil},
		{"certificate a day older", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.CertificateDate = jp(1404, 7, 20)
		}, []Problem{{Field: "certificate_date", Code: "certificate_old", Want: "1404/07/21"}}},
		{"certificate issued on registration day", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.CertificateDate = jp(1404, 10, 21)
		}, nil},
		{"certificate issued after registration", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.CertificateDate = jp(1404, 10, 22)
		}, []Problem{{Field: "certificate_date", Code: "certificate_future", Want: "1404/10/21"}}},
		{"certificate in year 1", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.CertificateDate = jp(1, 1, 1) },
			[]Problem{{Field: "certificate_date", Code: "date_implausible"}}},
		{"certificate far in the future", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.CertificateDate = jp(1499, 1, 1) },
			[]Problem{{Field: "certificate_date", Code: "date_implausible"}}},
		{"certificate months from the rules", func(c *Candidate, _ *Constituency, r *Rules, _ *time.Time) {
			c.CertificateDate, r.CertificateMaxMonths = jp(1404, 7, 21), 2
		}, []Problem{{Field: "certificate_date", Code: "certificate_old", Want: "1404/08/21"}}},
		{"three months before Farvardin 31 is Dey 30", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			*reg, c.CertificateDate = j(1405, 1, 31), jp(1404, 10, 30)
		}, nil},
		{"three months before Farvardin 31, Dey 29", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			*reg, c.CertificateDate = j(1405, 1, 31), jp(1404, 10, 29)
		}, []Problem{{Field: "certificate_date", Code: "certificate_old", Want: "1404/10/30"}}},
		{"certificate stored as UTC midnight, registration late at night", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			// 1404/07/21 is 2025-10-13; 23:59 in Tehran is 20:29 UTC, still 1404/10/21.
			utc := time.Date(2025, time.October, 13, 0, 0, 0, 0, time.UTC)
			c.CertificateDate, *reg = &utc, j(1404, 10, 21).Add(24*time.Hour-time.Minute).UTC()
		}, nil},
		{"registration just after midnight in Tehran is still evening in UTC", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			// 2026-01-10 20:31 UTC is 1404/10/21 00:01 in Tehran.
			c.CertificateDate, *reg = jp(1404, 7, 21), time.Date(2026, time.January, 10, 20, 31, 0, 0, time.UTC)
		}, nil},

		// Listed posts (Art. 41): resignation at least three months before registration, inclusive.
		{"no listed post, no resignation", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ResignationDate = jp(1404, 10, 1)
		}, nil},
		{"no listed post, resignation in year 1", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ResignationDate = jp(1, 1, 1)
		}, []Problem{{Field: "resignation_date", Code: "date_implausible"}}},
		{"listed post, resignation before 1300", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ListedPost, c.ResignationDate = true, jp(1299, 12, 29)
		}, []Problem{{Field: "resignation_date", Code: "date_implausible"}}},
		{"listed post, resignation far in the future", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ListedPost, c.ResignationDate = true, jp(2404, 7, 1)
		}, []Problem{{Field: "resignation_date", Code: "date_implausible"}}},
		{"listed post, resignation missing", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) { c.ListedPost = true },
			[]Problem{{Field: "resignation_date", Code: "resignation_missing"}}},
		{"listed post, resignation zero", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ListedPost, c.ResignationDate = true, &time.Time{}
		}, []Problem{{Field: "resignation_date", Code: "resignation_missing"}}},
		{"city: resignation on the last day of LAW.md's window", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ListedPost, c.ResignationDate = true, jp(1404, 7, 21)
		}, nil},
		{"city: resignation a day late", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ListedPost, c.ResignationDate = true, jp(1404, 7, 22)
		}, []Problem{{Field: "resignation_date", Code: "resignation_late", Want: "1404/07/21"}}},
		{"city: the last registration day pairs with the last resignation day", func(c *Candidate, _ *Constituency, _ *Rules, reg *time.Time) {
			c.ListedPost, c.ResignationDate, *reg = true, jp(1404, 7, 27), j(1404, 10, 27)
		}, nil},
		{"village: resignation on 1404/08/24 for registration on 1404/11/24", func(c *Candidate, k *Constituency, _ *Rules, reg *time.Time) {
			*k, c.Education = Constituency{Kind: Village, Households: 150}, Literate
			c.ListedPost, c.ResignationDate, *reg = true, jp(1404, 8, 24), j(1404, 11, 24)
		}, nil},
		{"village: resignation on 1404/08/25", func(c *Candidate, k *Constituency, _ *Rules, reg *time.Time) {
			*k, c.Education = Constituency{Kind: Village, Households: 150}, Literate
			c.ListedPost, c.ResignationDate, *reg = true, jp(1404, 8, 25), j(1404, 11, 24)
		}, []Problem{{Field: "resignation_date", Code: "resignation_late", Want: "1404/08/24"}}},
		{"resignation after registration", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			c.ListedPost, c.ResignationDate = true, jp(1404, 10, 25)
		}, []Problem{{Field: "resignation_date", Code: "resignation_late", Want: "1404/07/21"}}},

		// Everything at once, in the form's order.
		{"empty form", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			*c = Candidate{ListedPost: true}
		}, []Problem{
			{Field: "national_id", Code: "required"},
			{Field: "gender", Code: "required"},
			{Field: "birth_date", Code: "required"},
			{Field: "education", Code: "required"},
			{Field: "certificate_date", Code: "certificate_missing"},
			{Field: "resignation_date", Code: "resignation_missing"},
		}},
		{"every field wrong", func(c *Candidate, _ *Constituency, _ *Rules, _ *time.Time) {
			*c = Candidate{NationalID: "0012345670", Gender: Male, Education: Diploma, MilitaryService: ServiceServing,
				BirthDate: j(1385, 1, 1), ListedPost: true, CertificateDate: jp(1404, 1, 1), ResignationDate: jp(1404, 9, 1)}
		}, []Problem{
			{Field: "national_id", Code: "invalid"},
			{Field: "birth_date", Code: "too_young", Want: "25"},
			{Field: "education", Code: "education_low", Want: Bachelor},
			{Field: "military_service", Code: "military_service"},
			{Field: "certificate_date", Code: "certificate_old", Want: "1404/07/21"},
			{Field: "resignation_date", Code: "resignation_late", Want: "1404/07/21"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, k, r, reg := eligible(), bigCity, CouncilsDefaults, registration
			tt.edit(&c, &k, &r, &reg)
			got := Check(c, k, r, reg, election)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Check = %+v\nwant    %+v", got, tt.want)
			}
		})
	}
}

func TestOverridable(t *testing.T) {
	// Only the two judgement calls of the law may ever be overridden.
	allowed := map[string]bool{"education/size_unknown": true, "military_service/military_service": true}
	c := Candidate{NationalID: "0012345670", Gender: Male, Education: Literate, MilitaryService: ServiceNone,
		BirthDate: j(1390, 1, 1), ListedPost: true, CertificateDate: jp(1400, 1, 1), ResignationDate: jp(1404, 10, 1)}
	ps := Check(c, Constituency{Kind: City}, CouncilsDefaults, registration, election)
	if len(ps) != 6 {
		t.Fatalf("want six problems, got %+v", ps)
	}
	for _, p := range ps {
		if p.Overridable != allowed[p.Field+"/"+p.Code] {
			t.Errorf("%s/%s overridable = %v", p.Field, p.Code, p.Overridable)
		}
	}
}

func TestPlausible(t *testing.T) {
	reg := persian.Date{Year: 1404, Month: 10, Day: 21}
	births := []struct {
		birth persian.Date
		want  bool
	}{
		{persian.Date{Year: 1, Month: 1, Day: 1}, false},
		{persian.Date{Year: 1303, Month: 10, Day: 20}, false}, // 101
		{persian.Date{Year: 1303, Month: 10, Day: 22}, true},  // 100 and a day short of 101
		{persian.Date{Year: 1304, Month: 10, Day: 21}, true},  // 100th birthday
		{persian.Date{Year: 1386, Month: 10, Day: 21}, true},  // 18th birthday
		{persian.Date{Year: 1386, Month: 10, Day: 22}, false}, // 18 tomorrow
		{persian.Date{Year: 1404, Month: 1, Day: 1}, false},
	}
	for _, tt := range births {
		if got := PlausibleBirth(tt.birth, reg); got != tt.want {
			t.Errorf("PlausibleBirth(%s) = %v, want %v", tt.birth, got, tt.want)
		}
	}
	dates := []struct {
		d    persian.Date
		want bool
	}{
		{persian.Date{Year: 1, Month: 1, Day: 1}, false},
		{persian.Date{Year: 1299, Month: 12, Day: 29}, false},
		{persian.Date{Year: 1300, Month: 1, Day: 1}, true},
		{persian.Date{Year: 1404, Month: 10, Day: 22}, true}, // in the future: another check says so
		{persian.Date{Year: 1405, Month: 12, Day: 29}, true},
		{persian.Date{Year: 1406, Month: 1, Day: 1}, false},
		{persian.Date{Year: 3000, Month: 1, Day: 1}, false},
		{persian.Date{Year: 1404, Month: 13, Day: 1}, false},
	}
	for _, tt := range dates {
		if got := PlausibleDate(tt.d, reg); got != tt.want {
			t.Errorf("PlausibleDate(%s) = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestRequiredEducation(t *testing.T) {
	r := CouncilsDefaults
	tests := []struct {
		k       Constituency
		veteran bool
		want    string
		ok      bool
	}{
		{Constituency{Kind: Village, Households: 1}, false, Literate, true},
		{Constituency{Kind: Village, Households: 200}, false, Literate, true},
		{Constituency{Kind: Village, Households: 200}, true, Literate, true}, // never below literate
		{Constituency{Kind: Village, Households: 201}, false, Diploma, true},
		{Constituency{Kind: Village, Households: 201}, true, Literate, true},
		{Constituency{Kind: City, Population: 1}, false, Associate, true},
		{Constituency{Kind: City, Population: 20000}, false, Associate, true},
		{Constituency{Kind: City, Population: 20000}, true, Diploma, true},
		{Constituency{Kind: City, Population: 20001}, false, Bachelor, true},
		{Constituency{Kind: City, Population: 20001}, true, Associate, true},
		{Constituency{Kind: City, Population: 1600000}, false, Bachelor, true},
		{Constituency{Kind: City}, false, "", false},
		{Constituency{Kind: City, Households: 500}, false, "", false},
		{Constituency{Kind: Village}, true, "", false},
		{Constituency{Kind: Village, Population: 900}, false, "", false},
		{Constituency{Kind: City, Population: -1}, false, "", false},
		{Constituency{Kind: "tribe", Population: 900, Households: 90}, false, "", false},
		{Constituency{Population: 900, Households: 90}, false, "", false},
	}
	for _, tt := range tests {
		got, ok := RequiredEducation(tt.k, tt.veteran, r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RequiredEducation(%+v, %v) = %q, %v; want %q, %v", tt.k, tt.veteran, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEducationRank(t *testing.T) {
	tests := []struct {
		level string
		want  int
		ok    bool
	}{
		{"literate", 0, true},
		{"diploma", 1, true},
		{"associate", 2, true},
		{"bachelor", 3, true},
		{"master", 4, true},
		{"doctorate", 5, true},
		{"", 0, false},
		{"Bachelor", 0, false},
		{"phd", 0, false},
	}
	for _, tt := range tests {
		got, ok := EducationRank(tt.level)
		if got != tt.want || ok != tt.ok {
			t.Errorf("EducationRank(%q) = %d, %v; want %d, %v", tt.level, got, ok, tt.want, tt.ok)
		}
	}
	for i, l := range Levels {
		if r, _ := EducationRank(l); r != i {
			t.Errorf("Levels[%d] = %q ranks %d", i, l, r)
		}
	}
}

func TestAge(t *testing.T) {
	if !persian.IsLeap(1379) || persian.IsLeap(1404) || !persian.IsLeap(1383) || !persian.IsLeap(1408) {
		t.Fatal("the leap years this test relies on moved")
	}
	g := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, tehran) }
	tests := []struct {
		name      string
		birth, on time.Time
		want      int
	}{
		{"the day before the birthday", j(1379, 10, 21), j(1404, 10, 20), 24},
		{"on the birthday", j(1379, 10, 21), j(1404, 10, 21), 25},
		{"the day after the birthday", j(1379, 10, 21), j(1404, 10, 22), 25},
		{"earlier month", j(1379, 10, 21), j(1404, 9, 30), 24},
		{"later month", j(1379, 10, 21), j(1404, 11, 1), 25},
		{"born on Nowruz, last day of the year", j(1380, 1, 1), j(1404, 12, 29), 24},
		{"born on Nowruz, Nowruz", j(1380, 1, 1), j(1405, 1, 1), 25},
		{"on the day of birth", j(1380, 1, 1), j(1380, 1, 1), 0},
		{"born before the reference day", j(1405, 1, 2), j(1405, 1, 1), -1},
		// Esfand 30 exists only in leap years; in other years the birthday is Farvardin 1.
		{"Esfand 30, Esfand 29 of a common year", j(1379, 12, 30), j(1404, 12, 29), 24},
		{"Esfand 30, Farvardin 1 after a common year", j(1379, 12, 30), j(1405, 1, 1), 25},
		{"Esfand 30, Esfand 29 of a leap year", j(1383, 12, 30), j(1408, 12, 29), 24},
		{"Esfand 30, Esfand 30 of a leap year", j(1383, 12, 30), j(1408, 12, 30), 25},
		// Gregorian 29 February 2000 is Esfand 10, 1378: the Jalali birthday falls on 28 February 2025.
		{"29 February, 27 February", g(2000, time.February, 29), g(2025, time.February, 27), 24},
		{"29 February, 28 February", g(2000, time.February, 29), g(2025, time.February, 28), 25},
		{"29 February, 1 March", g(2000, time.February, 29), g(2025, time.March, 1), 25},
		{"29 February, 29 February of a leap year", g(2000, time.February, 29), g(2024, time.February, 29), 24},
		// The days are Tehran's: 20:31 UTC is already the next day there.
		{"instant in UTC", j(1379, 10, 21), time.Date(2026, time.January, 10, 20, 31, 0, 0, time.UTC), 25},
		{"instant in UTC, a minute earlier", j(1379, 10, 21), time.Date(2026, time.January, 10, 20, 29, 0, 0, time.UTC), 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Age(tt.birth, tt.on); got != tt.want {
				t.Fatalf("Age = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestMonthsBefore(t *testing.T) {
	d := func(y, m, dd int) persian.Date { return persian.Date{Year: y, Month: m, Day: dd} }
	tests := []struct {
		from persian.Date
		n    int
		want persian.Date
	}{
		{d(1404, 10, 21), 3, d(1404, 7, 21)},
		{d(1404, 11, 24), 3, d(1404, 8, 24)},
		{d(1404, 10, 21), 0, d(1404, 10, 21)},
		{d(1405, 2, 11), 3, d(1404, 11, 11)}, // across the new year
		{d(1405, 1, 31), 3, d(1404, 10, 30)}, // Dey has 30 days
		{d(1405, 1, 31), 1, d(1404, 12, 29)}, // Esfand of a common year
		{d(1404, 3, 30), 3, d(1403, 12, 30)}, // Esfand of a leap year
		{d(1404, 4, 31), 3, d(1404, 1, 31)},
		{d(1404, 10, 21), 12, d(1403, 10, 21)},
		{d(1404, 10, 21), 15, d(1403, 7, 21)},
	}
	for _, tt := range tests {
		if got := monthsBefore(tt.from, tt.n); got != tt.want {
			t.Errorf("monthsBefore(%v, %d) = %v, want %v", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestCouncilsDefaults(t *testing.T) {
	want := Rules{MinAge: 25, VillageSmallHouseholds: 200, CitySmallPopulation: 20000, CertificateMaxMonths: 3, ResignationMinMonths: 3}
	if CouncilsDefaults != want {
		t.Fatalf("CouncilsDefaults = %+v, want LAW.md's %+v", CouncilsDefaults, want)
	}
	// The dates the tests use are LAW.md's.
	if got := registration.Format("2006-01-02"); got != "2026-01-11" {
		t.Fatalf("1404/10/21 = %s", got)
	}
	if got := election.Format("2006-01-02"); got != "2026-05-01" {
		t.Fatalf("1405/02/11 = %s", got)
	}
}

// A registration falls within its window on any instant of the window's days in Tehran, the first day's
// midnight and the last day's 23:59:59 included, whatever zone the instant is given in.
func TestWindowHolds(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	// City registration of the 7th councils election: E−110 … E−103, 1404/10/21 … 1404/10/28.
	w := Window{From: time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 18, 0, 0, 0, 0, time.UTC)}
	at := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, tehran)
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"the day before, last second", at(2026, 1, 10, 23, 59, 59), false},
		{"the first day at midnight", at(2026, 1, 11, 0, 0, 0), true},
		{"within", at(2026, 1, 14, 12, 0, 0), true},
		{"the last day at 23:59:59", at(2026, 1, 18, 23, 59, 59), true},
		{"the day after at midnight", at(2026, 1, 19, 0, 0, 0), false},
		// 2026-01-10 21:00 UTC is already 2026-01-11 00:30 in Tehran; 2026-01-18 20:30 UTC is the 19th there.
		{"the first day in Tehran, the day before in UTC", time.Date(2026, 1, 10, 21, 0, 0, 0, time.UTC), true},
		{"the last day in UTC, the day after in Tehran", time.Date(2026, 1, 18, 20, 30, 0, 0, time.UTC), false},
		{"a year later", at(2027, 1, 14, 12, 0, 0), false},
	} {
		if got := w.Holds(tt.at); got != tt.want {
			t.Errorf("%s: Holds(%v) = %v, want %v", tt.name, tt.at, got, tt.want)
		}
	}
	one := Window{From: time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 11, 0, 0, 0, 0, time.UTC)}
	if !one.Holds(at(2026, 1, 11, 23, 0, 0)) || one.Holds(at(2026, 1, 12, 0, 0, 0)) {
		t.Error("a window of one day")
	}
}
