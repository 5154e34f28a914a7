// Package citycheck turns a city as HQ types it in the form, or as a row of a loaded list gives it, into a
// checked city of a county: its county and district found by code or Persian name, its code (made from
// the county's when none is given), its names and its population. The form and the file go through the
// same Check, so a file cannot accept what the form refuses. It reads the province's places from a Known
// the caller loads once; it has no I/O. The store checks again, under the county's lock, what others may
// have changed since (a code or a name taken meanwhile).
package citycheck

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// Limits of a city's fields.
const (
	MaxNameChars = 100
	MaxCodeChars = 40
	// MaxSize bounds a population or a number of households: more people than the country has is a typo.
	MaxSize = 100_000_000
)

// Place is a county or a district: its id, code and names.
type Place struct {
	ID     int64
	Code   string
	NameFa string
	NameEn string
}

// County is a county with its districts.
type County struct {
	Place
	Districts []Place
}

// City is a city already recorded.
type City struct {
	ID         int64
	CountyID   int64
	DistrictID int64 // 0: not said
	Code       string
	NameFa     string
	NameEn     string
	Population *int
	Retired    bool
}

// Known is what the checks read: the counties of one province with their districts and cities, and every
// code in use anywhere (codes are shared by the cities and districts of the whole country).
type Known struct {
	counties map[string]*county // by code and by normalised Persian name
	taken    map[string]bool
}

type county struct {
	County
	districts map[string]Place // by code and by normalised Persian name
	cities    map[string]City  // by code and by normalised Persian name
}

// NewKnown indexes a province's counties and cities, and the codes in use.
func NewKnown(counties []County, cities []City, takenCodes []string) *Known {
	k := &Known{counties: map[string]*county{}, taken: map[string]bool{}}
	byID := map[int64]*county{}
	for _, c := range counties {
		kc := &county{County: c, districts: map[string]Place{}, cities: map[string]City{}}
		for _, d := range c.Districts {
			kc.districts[d.Code] = d
			kc.districts[norm(d.NameFa)] = d
		}
		k.counties[c.Code] = kc
		k.counties[norm(c.NameFa)] = kc
		byID[c.ID] = kc
	}
	for _, c := range cities {
		if kc := byID[c.CountyID]; kc != nil {
			kc.cities[c.Code] = c
			kc.cities[norm(c.NameFa)] = c
		}
	}
	for _, code := range takenCodes {
		k.taken[code] = true
	}
	return k
}

// norm is the form a Persian name is matched in: «خرم بید», «خرم‌بید» and «خرم‌بيد» are one name. A
// prefix keeps names apart from codes in the same map.
func norm(name string) string { return "\x00" + persian.Normalize(name) }

// Input is a city as typed or read: each field as text. County and District are a code or a Persian name;
// City, which a list may give instead of Code and NameFa, is either.
type Input struct {
	County, District string
	City             string
	Code             string
	NameFa, NameEn   string
	Population       string
}

// Row is a checked city: a new one (CityID 0) or the recorded city it updates.
type Row struct {
	CountyID   int64
	CountyCode string
	CityID     int64 // the city the row updates; 0 for a new city
	DistrictID int64 // 0: none said (a new city) or unchanged (an update)
	Code       string
	NameFa     string
	NameEn     string
	Population *int
}

// Problem is why a field (or, with Field "", the whole row) was refused.
type Problem struct {
	Field string
	Msg   i18n.Msg
}

// Mode says what a row may do with a city that is recorded already.
type Mode int

const (
	// Add makes a new city: a code or a name of a recorded city of the county is refused.
	Add Mode = iota + 1
	// Load makes a new city or updates the recorded city that the row names by code or by name: its
	// population and, when given, its district. A row that names one city by its code and another by its
	// name is refused, as is a retired city.
	Load
)

var codePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Check checks one city of the county named in in.County, or of the county with code defaultCounty when
// the row names none; it returns the row and every problem found, all at once.
func (k *Known) Check(in Input, defaultCounty string, mode Mode) (Row, []Problem) {
	var row Row
	var problems []Problem
	fail := func(field string, msg i18n.Msg) { problems = append(problems, Problem{Field: field, Msg: msg}) }

	in.County, in.District, in.Code = strings.TrimSpace(in.County), strings.TrimSpace(in.District), strings.ToLower(strings.TrimSpace(in.Code))
	if city := strings.TrimSpace(in.City); city != "" {
		if looksLikeCode(city) {
			in.Code = cmp.Or(in.Code, strings.ToLower(city))
		} else {
			in.NameFa = cmp.Or(in.NameFa, city)
		}
	}
	var names []Problem
	in.NameFa, in.NameEn, names = Names(in.NameFa, in.NameEn)
	countyRef := in.County
	if countyRef == "" {
		countyRef = defaultCounty
	}
	c := k.lookupCounty(countyRef)
	if c == nil {
		fail("county", i18n.M("err.city_county"))
	}
	pop, ok := ParseSize(in.Population)
	if !ok || pop != nil && *pop == 0 { // a city has people
		fail("population", i18n.M("err.city_population"))
		pop = nil
	}
	row.Population = pop
	if in.Code != "" && !validCode(in.Code) {
		fail("code", i18n.M("err.city_code"))
	}
	if c == nil {
		return row, problems
	}
	row.CountyID, row.CountyCode = c.ID, c.Code
	if in.District != "" {
		d, ok := c.districts[strings.ToLower(in.District)]
		if !ok {
			d, ok = c.districts[norm(in.District)]
		}
		if !ok {
			fail("district", i18n.M("err.city_district", i18n.ArgName("county", c.NameFa, c.NameEn)))
		}
		row.DistrictID = d.ID
	}

	byCode, codeKnown := c.cities[in.Code]
	byName, nameKnown := City{}, false
	if in.NameFa != "" {
		byName, nameKnown = c.cities[norm(in.NameFa)]
	}
	codeKnown = codeKnown && in.Code != ""
	if mode == Load && (codeKnown || nameKnown) {
		city := byCode
		if !codeKnown {
			city = byName
		}
		switch {
		case codeKnown && nameKnown && byName.ID != byCode.ID:
			fail("name_fa", i18n.M("err.city_code_other", i18n.ArgName("city", byCode.NameFa, byCode.NameEn)))
		case codeKnown && in.NameFa != "" && !nameKnown:
			// A new Persian name for the city of this code: a rename belongs on the city's page, where its
			// version guards it, not in a list of populations.
			fail("name_fa", i18n.M("err.city_code_other", i18n.ArgName("city", byCode.NameFa, byCode.NameEn)))
		case in.Code != "" && !codeKnown:
			fail("code", i18n.M("err.city_other_code", i18n.ArgName("city", byName.NameFa, byName.NameEn), i18n.ArgText("code", byName.Code)))
		case city.Retired:
			fail("", i18n.M("err.city_retired", i18n.ArgName("city", city.NameFa, city.NameEn)))
		}
		row.CityID, row.Code, row.NameFa, row.NameEn = city.ID, city.Code, city.NameFa, city.NameEn
		if row.Population == nil {
			row.Population = city.Population // an empty cell keeps what is recorded
		}
		return row, problems
	}

	// A new city.
	problems = append(problems, names...)
	if nameKnown {
		fail("name_fa", i18n.M("err.city_name_taken", i18n.ArgName("county", c.NameFa, c.NameEn)))
	}
	if in.Code != "" && (codeKnown || k.taken[in.Code]) {
		fail("code", i18n.M("err.city_code_taken"))
	}
	row.Code, row.NameFa, row.NameEn = in.Code, in.NameFa, in.NameEn
	if row.Code == "" {
		row.Code = k.NewCode(c.Code)
	}
	return row, problems
}

// Names checks a city's names, as the form, the list and the rename give them: the Persian name is
// required, neither is longer than MaxNameChars, and an English page shows the Persian name until HQ
// gives another. It returns them with their white space folded.
func Names(nameFa, nameEn string) (fa, en string, problems []Problem) {
	fa, en = strings.Join(strings.Fields(nameFa), " "), strings.Join(strings.Fields(nameEn), " ")
	if !strings.ContainsFunc(fa, unicode.IsLetter) {
		problems = append(problems, Problem{Field: "name_fa", Msg: i18n.M("err.required")})
	}
	for _, n := range []struct{ field, v string }{{"name_fa", fa}, {"name_en", en}} {
		if utf8.RuneCountInString(n.v) > MaxNameChars {
			problems = append(problems, Problem{Field: n.field, Msg: i18n.M("err.too_long")})
		}
	}
	if en == "" {
		en = fa
	}
	return fa, en, problems
}

// reserved are words of the cities' own addresses (/counties/{code}/cities/import), which no city's code
// may take.
var reserved = map[string]bool{"import": true, "new": true}

func validCode(code string) bool {
	return len(code) <= MaxCodeChars && codePattern.MatchString(code) && !reserved[code]
}

// looksLikeCode tells a code (Latin letters, digits and hyphens) from a Persian name in a list's city
// column.
func looksLikeCode(v string) bool { return codePattern.MatchString(strings.ToLower(v)) }

func (k *Known) lookupCounty(ref string) *county {
	if c, ok := k.counties[strings.ToLower(ref)]; ok {
		return c
	}
	return k.counties[norm(ref)]
}

// Key names the city a row is about, the same for every row about one city: a file that names a city
// twice is refused on the second row.
func (r Row) Key() string {
	if r.CityID != 0 {
		return strconv.FormatInt(r.CityID, 10)
	}
	return strconv.FormatInt(r.CountyID, 10) + norm(r.NameFa)
}

// Take marks a code as used (by a row checked before), so that the next rows cannot take it too.
func (k *Known) Take(code string) { k.taken[code] = true }

// NewCode makes a code for a new city of a county that was given none: the county's code and the first
// number after it that no place uses («marvdasht-2»).
func (k *Known) NewCode(countyCode string) string {
	for n := 2; ; n++ {
		code := countyCode + "-" + strconv.Itoa(n)
		if !k.taken[code] {
			return code
		}
	}
}

// ParseSize reads a population or a number of households typed in any digits, with or without thousands
// separators: empty is unknown (nil). It reports false for anything else, and for a number out of range
// (0 is in range: a district may have no villages).
func ParseSize(v string) (*int, bool) {
	v = strings.Map(func(r rune) rune {
		switch r {
		case ',', '٬', '\'', '’', ' ', '\u00A0', '\u202F', '_':
			return -1
		}
		return r
	}, persian.ToLatinDigits(strings.TrimSpace(v)))
	if v == "" {
		return nil, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > MaxSize || strings.HasPrefix(v, "+") {
		return nil, false
	}
	return &n, true
}
