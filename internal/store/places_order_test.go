package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Every list of places is in its reader's alphabet: in Persian پ comes after ب and گ after ک (byte order
// puts both after ی), in English the English names' order.
func TestPlacesInAlphabeticalOrder(t *testing.T) {
	f := bareFixture(t)
	fa, en := i18n.NewContext(f.ctx, i18n.Fa), i18n.NewContext(f.ctx, i18n.En)
	fars := f.hq("fars")

	counties, err := f.st.Counties(fa, fars)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range counties {
		names = append(names, c.NameFa)
	}
	// A known stretch of the alphabet, then the whole list as the seed's file has it (written in
	// Persian alphabetical order by hand).
	known := []string{"بوانات", "بیضا", "پاسارگاد", "جویم", "جهرم", "کوار", "کوه\u200cچنار", "گراش", "لارستان"}
	if got := subsequence(names, known); !slices.Equal(got, known) {
		t.Errorf("counties in Persian: %v, want %v in this order", got, known)
	}
	var seedOrder []string
	for _, c := range f.fars.Counties {
		seedOrder = append(seedOrder, c.NameFa)
	}
	if !slices.Equal(names, seedOrder) {
		t.Errorf("counties in Persian:\n%v\nwant\n%v", names, seedOrder)
	}

	enCounties, err := f.st.Counties(en, fars)
	if err != nil {
		t.Fatal(err)
	}
	var enNames []string
	for _, c := range enCounties {
		enNames = append(enNames, c.NameEn)
	}
	if !slices.IsSortedFunc(enNames, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) ||
		len(enNames) != len(names) {
		t.Errorf("counties in English: %v", enNames)
	}

	// Districts by county, then by name.
	ds, err := f.st.Districts(fa, fars)
	if err != nil {
		t.Fatal(err)
	}
	countyRank := map[string]int{}
	for i, n := range names {
		countyRank[n] = i
	}
	if !slices.IsSortedFunc(ds, func(a, b store.District) int { return countyRank[a.CountyFa] - countyRank[b.CountyFa] }) {
		t.Error("districts are not grouped by county in Persian order")
	}
	_, marvdasht, err := f.st.County(fa, fars, "marvdasht")
	if err != nil {
		t.Fatal(err)
	}
	if got := placeNames(marvdasht); !slices.Equal(got, collated(t, f, got)) {
		t.Errorf("Marvdasht's districts: %v", got)
	}

	// Constituencies: the cities, then the villages by county; both in the same order as the counties.
	ks, err := f.st.Constituencies(fa, fars)
	if err != nil {
		t.Fatal(err)
	}
	var cities []string
	lastVillageCounty := -1
	for _, k := range ks {
		if k.Kind == "city" {
			cities = append(cities, k.NameFa)
			continue
		}
		if r := countyRank[k.CountyFa]; r < lastVillageCounty {
			t.Errorf("village constituency of %s after one of a later county", k.CountyFa)
		} else {
			lastVillageCounty = r
		}
	}
	if !slices.Equal(cities, names) {
		t.Errorf("city constituencies: %v", cities)
	}

	// The boards of an election: county boards by county, in each language.
	e := f.currentElection()
	for _, tt := range []struct {
		ctx  context.Context
		name func(store.Board) string
		want []string
	}{{fa, func(b store.Board) string { return b.CountyFa }, names}, {en, func(b store.Board) string { return b.CountyEn }, enNames}} {
		bs, err := f.st.Boards(tt.ctx, fars, e.ID, store.BoardFilter{Level: "county"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range bs {
			got = append(got, tt.name(b))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("county boards:\n%v\nwant\n%v", got, tt.want)
		}
	}
}

// subsequence keeps the items of list that are in want, in list's order.
func subsequence(list, want []string) []string {
	var got []string
	for _, s := range list {
		if slices.Contains(want, s) {
			got = append(got, s)
		}
	}
	return got
}

func placeNames(ds []store.District) []string {
	var names []string
	for _, d := range ds {
		names = append(names, d.NameFa)
	}
	return names
}

// collated sorts names with the database's Persian collation.
func collated(t *testing.T, f *fixture, names []string) []string {
	t.Helper()
	var sorted []string
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT array_agg(x ORDER BY x COLLATE "fa-IR-x-icu") FROM unnest($1::text[]) x`,
		names).Scan(&sorted); err != nil {
		t.Fatal(err)
	}
	return sorted
}
