package registration

import (
	"testing"

	"github.com/setad/setad/internal/store"
)

func TestChoices(t *testing.T) {
	for _, tt := range []struct {
		c        choices
		in, want string
	}{
		{genders, "female", "female"},
		{genders, " زن ", "female"},
		{genders, "Female", "female"},
		{genders, "FEMALE", "female"},
		{genders, "مرد", "male"},
		{genders, "", ""},
		{genders, "نامعلوم", "نامعلوم"}, // left for the law's check to refuse
		{levels, "کارشناسی", "bachelor"},
		{levels, "كارشناسي", "bachelor"},    // Arabic letters
		{levels, "کارشناسی‌ارشد", "master"}, // a ZWNJ instead of the space
		{levels, "Bachelor's degree", "bachelor"},
		{levels, "diploma", "diploma"},
		{services, "پایان خدمت", "completed"},
		{services, "No card", "none"},
	} {
		if got := tt.c.code(tt.in); got != tt.want {
			t.Errorf("code(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestYesNo(t *testing.T) {
	for _, tt := range []struct {
		in      string
		yes, ok bool
	}{
		{"", false, true}, {"0", false, true}, {"۰", false, true}, {"no", false, true}, {"No", false, true},
		{"خیر", false, true}, {"ندارد", false, true}, {"false", false, true},
		{"1", true, true}, {"۱", true, true}, {"yes", true, true}, {"YES", true, true}, {"بله", true, true},
		{"دارد", true, true}, {"on", true, true}, {"true", true, true},
		{"شاید", false, false}, {"2", false, false}, {"x", false, false},
	} {
		if yes, ok := yesNo(tt.in); yes != tt.yes || ok != tt.ok {
			t.Errorf("yesNo(%q) = %v, %v; want %v, %v", tt.in, yes, ok, tt.yes, tt.ok)
		}
	}
}

func TestPlaces(t *testing.T) {
	p := newPlaces([]store.Constituency{
		{Code: "marvdasht", NameFa: "مرودشت", NameEn: "Marvdasht", Kind: "city", CountyFa: "مرودشت", CountyEn: "Marvdasht"},
		{Code: "marvdasht-central", NameFa: "مرکزی", NameEn: "Central", Kind: "village", CountyFa: "مرودشت", CountyEn: "Marvdasht"},
		{Code: "shiraz-central", NameFa: "مرکزی", NameEn: "Central", Kind: "village", CountyFa: "شیراز", CountyEn: "Shiraz"},
	})
	for _, tt := range []struct{ in, code, problem string }{
		{"marvdasht", "marvdasht", ""},
		{"MARVDASHT-CENTRAL", "marvdasht-central", ""},
		{"مرودشت", "marvdasht", ""},
		{"Marvdasht", "marvdasht", ""},
		{"شهر مرودشت", "marvdasht", ""},
		{"City of Marvdasht", "marvdasht", ""},
		{"روستاهای بخش مرکزی (مرودشت)", "marvdasht-central", ""},
		{"Villages of Central District (Shiraz)", "shiraz-central", ""},
		{"مرکزی", "", "err.constituency_ambiguous"},
		{"Central", "", "err.constituency_ambiguous"},
		{"کازرون", "", "err.constituency"},
		{"", "", "err.constituency"},
	} {
		k, msg := p.find(tt.in)
		if k.Code != tt.code || msg.Key != tt.problem {
			t.Errorf("find(%q) = %q, %q; want %q, %q", tt.in, k.Code, msg.Key, tt.code, tt.problem)
		}
	}
}
