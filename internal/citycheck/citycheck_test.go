package citycheck

import (
	"slices"
	"testing"
)

func size(n int) *int { return &n }

// known is Marvdasht (its seat, Seyedan, and a retired city) and Khorrambid (written with a ZWNJ), with
// their districts, and codes other provinces use.
func known() *Known {
	return NewKnown([]County{
		{Place: Place{ID: 1, Code: "marvdasht", NameFa: "مرودشت", NameEn: "Marvdasht"}, Districts: []Place{
			{ID: 11, Code: "marvdasht-central", NameFa: "مرکزی", NameEn: "Central"},
			{ID: 12, Code: "marvdasht-seyyedan", NameFa: "سیدان", NameEn: "Seyyedan"}}},
		{Place: Place{ID: 2, Code: "khorrambid", NameFa: "خرم‌بید", NameEn: "Khorrambid"}, Districts: []Place{
			{ID: 21, Code: "khorrambid-central", NameFa: "مرکزی", NameEn: "Central"}}},
	}, []City{
		{ID: 100, CountyID: 1, DistrictID: 11, Code: "marvdasht", NameFa: "مرودشت", NameEn: "Marvdasht", Population: size(148858)},
		{ID: 101, CountyID: 1, DistrictID: 12, Code: "seyedan", NameFa: "سیدان", NameEn: "Seyedan"},
		{ID: 102, CountyID: 1, Code: "old-town", NameFa: "شهر قدیم", NameEn: "Old Town", Retired: true},
		{ID: 200, CountyID: 2, Code: "khorrambid", NameFa: "صفاشهر", NameEn: "Safashahr"},
	}, []string{"marvdasht", "seyedan", "old-town", "khorrambid", "marvdasht-central", "marvdasht-seyyedan", "khorrambid-central",
		"marvdasht-2", "tehran-x"})
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		county   string // the page's county
		mode     Mode
		want     Row
		problems []string // field: message key, in order
	}{
		{"a new city, every field", Input{Code: "Kamfiruz", NameFa: " کام  فیروز ", NameEn: "Kamfiruz", District: "marvdasht-seyyedan",
			Population: "۳٬۵۰۰"}, "marvdasht", Add,
			Row{CountyID: 1, CountyCode: "marvdasht", DistrictID: 12, Code: "kamfiruz", NameFa: "کام فیروز", NameEn: "Kamfiruz", Population: size(3500)}, nil},
		{"a new city without a code gets the county's next free one, and the Persian name in English", Input{NameFa: "کامفیروز"},
			"marvdasht", Add, Row{CountyID: 1, CountyCode: "marvdasht", Code: "marvdasht-3", NameFa: "کامفیروز", NameEn: "کامفیروز"}, nil},
		{"a district by its Persian name", Input{NameFa: "کامفیروز", District: "سيدان"}, "marvdasht", Add,
			Row{CountyID: 1, CountyCode: "marvdasht", DistrictID: 12, Code: "marvdasht-3", NameFa: "کامفیروز", NameEn: "کامفیروز"}, nil},
		{"the form refuses a recorded name, however typed, and a code in use anywhere", Input{Code: "tehran-x", NameFa: "سيدان"},
			"marvdasht", Add, Row{}, []string{"name_fa:err.city_name_taken", "code:err.city_code_taken"}},
		{"the form refuses a recorded city's code", Input{Code: "seyedan", NameFa: "سیدان نو"}, "marvdasht", Add, Row{},
			[]string{"code:err.city_code_taken"}},
		{"every problem at once", Input{Code: "Not a code", NameFa: "۱۲", District: "nowhere", Population: "many"}, "marvdasht", Add, Row{},
			[]string{"population:err.city_population", "code:err.city_code", "district:err.city_district", "name_fa:err.required"}},
		{"reserved words are no codes", Input{Code: "import", NameFa: "شهر"}, "marvdasht", Add, Row{}, []string{"code:err.city_code"}},
		{"a city has people", Input{NameFa: "شهر", Population: "0"}, "marvdasht", Add, Row{}, []string{"population:err.city_population"}},
		{"an unknown county", Input{County: "yazd", NameFa: "شهر"}, "marvdasht", Add, Row{}, []string{"county:err.city_county"}},

		{"a list names a recorded city by its Persian name: its population is updated", Input{City: "سيدان", Population: "6,100"},
			"marvdasht", Load, Row{CountyID: 1, CountyCode: "marvdasht", CityID: 101, Code: "seyedan", NameFa: "سیدان", NameEn: "Seyedan",
				Population: size(6100)}, nil},
		{"by its code, in another county named by its Persian name written otherwise", Input{County: "خرم بيد", City: "khorrambid",
			Population: "40000"}, "marvdasht", Load, Row{CountyID: 2, CountyCode: "khorrambid", CityID: 200, Code: "khorrambid",
			NameFa: "صفاشهر", NameEn: "Safashahr", Population: size(40000)}, nil},
		{"an empty population keeps the recorded one; a district given moves the city", Input{Code: "marvdasht", District: "marvdasht-seyyedan"},
			"marvdasht", Load, Row{CountyID: 1, CountyCode: "marvdasht", CityID: 100, DistrictID: 12, Code: "marvdasht", NameFa: "مرودشت",
				NameEn: "Marvdasht", Population: size(148858)}, nil},
		{"a list adds a city not recorded", Input{City: "کامفیروز", Population: "3500"}, "marvdasht", Load,
			Row{CountyID: 1, CountyCode: "marvdasht", Code: "marvdasht-3", NameFa: "کامفیروز", NameEn: "کامفیروز", Population: size(3500)}, nil},
		{"a code of one city and the name of another", Input{Code: "seyedan", NameFa: "مرودشت"}, "marvdasht", Load, Row{},
			[]string{"name_fa:err.city_code_other"}},
		{"a recorded city's code with a new name is no rename", Input{Code: "seyedan", NameFa: "سیدان نو"}, "marvdasht", Load, Row{},
			[]string{"name_fa:err.city_code_other"}},
		{"a recorded city's name with another code", Input{Code: "seyedan-2", NameFa: "سیدان"}, "marvdasht", Load, Row{},
			[]string{"code:err.city_other_code"}},
		{"a retired city", Input{City: "شهر قدیم", Population: "100"}, "marvdasht", Load, Row{}, []string{":err.city_retired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, problems := known().Check(tt.in, tt.county, tt.mode)
			var got []string
			for _, p := range problems {
				got = append(got, p.Field+":"+p.Msg.Key)
			}
			if !slices.Equal(got, tt.problems) {
				t.Fatalf("problems %v, want %v", got, tt.problems)
			}
			if tt.problems != nil {
				return
			}
			if row.Population != nil && tt.want.Population != nil && *row.Population == *tt.want.Population {
				row.Population = tt.want.Population
			}
			if row != tt.want {
				t.Errorf("row\n %+v\nwant\n %+v", row, tt.want)
			}
		})
	}
}

// A list's rows are told apart by the city they name, new or recorded, and each new city takes a code of
// its own.
func TestRowsOfOneList(t *testing.T) {
	k := known()
	first, _ := k.Check(Input{City: "کامفیروز"}, "marvdasht", Load)
	k.Take(first.Code)
	second, _ := k.Check(Input{City: "کام فیروز"}, "marvdasht", Load)
	if first.Key() != second.Key() {
		t.Errorf("one new city written two ways has keys %q and %q", first.Key(), second.Key())
	}
	other, _ := k.Check(Input{City: "خانیمن"}, "marvdasht", Load)
	if other.Code != "marvdasht-4" || other.Key() == first.Key() {
		t.Errorf("the next new city: code %q, key %q", other.Code, other.Key())
	}
	byCode, _ := k.Check(Input{Code: "seyedan"}, "marvdasht", Load)
	byName, _ := k.Check(Input{NameFa: "سیدان"}, "marvdasht", Load)
	if byCode.Key() != byName.Key() || byCode.CityID != 101 {
		t.Errorf("a recorded city by code and by name: %q and %q", byCode.Key(), byName.Key())
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want *int
		ok   bool
	}{
		{"", nil, true},
		{"  ", nil, true},
		{"148858", size(148858), true},
		{"۱۴۸٬۸۵۸", size(148858), true},
		{"148,858", size(148858), true},
		{"١٤٨ ٨٥٨", size(148858), true},
		{"0", size(0), true},
		{"-5", nil, false},
		{"+5", nil, false},
		{"12.5", nil, false},
		{"many", nil, false},
		{"100000001", nil, false},
	}
	for _, tt := range tests {
		got, ok := ParseSize(tt.in)
		if ok != tt.ok || (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
			t.Errorf("ParseSize(%q) = %v, %v", tt.in, got, ok)
		}
	}
}
