package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/migrations"
)

// registerNamed registers one candidate of Marvdasht's city in a fresh current election per fixture.
func (f *fixture) registerNamed(e store.Election, name, nationalID string) int64 {
	f.t.Helper()
	k, err := f.st.ConstituencyByCode(f.ctx, f.national(), "marvdasht")
	if err != nil {
		f.t.Fatal(err)
	}
	id, err := f.st.RegisterCandidate(f.ctx, audit.System, e, store.NewCandidate{FullName: name, FatherName: "حسن",
		NationalID: nationalID, Gender: "male", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Education: "bachelor",
		Constituency: k}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) currentElection() store.Election {
	f.t.Helper()
	id, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: "search", Kind: "councils", TitleFa: "آزمایشی",
		TitleEn: "Test", ElectionDay: time.Date(2027, 2, 26, 0, 0, 0, 0, time.UTC), Current: true})
	if err != nil {
		f.t.Fatal(err)
	}
	e, _, err := f.st.CandidateElection(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// A name whose parts are written with a space, a ZWNJ or nothing is found whichever of the three is typed.
func TestCandidateSearchFoldsSeparators(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	zwnj := f.registerNamed(e, "علی موسوی\u200cنژاد", "0000000018")
	space := f.registerNamed(e, "مریم موسوی نژاد", "0000000026")
	joined := f.registerNamed(e, "حسین موسوینژاد", "0000000034")
	other := f.registerNamed(e, "رضا موسوی", "0000000042")
	for _, q := range []string{"موسوی نژاد", "موسوی\u200cنژاد", "موسوینژاد", "  موسوي  نژاد ", "موسوی\u00a0نژاد"} {
		rows, total, err := f.st.Candidates(f.ctx, f.hq("fars"), e.ID, store.CandidateFilter{Q: q, Sort: "name"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, r := range rows {
			got[r.ID] = true
		}
		if total != 3 || !got[zwnj] || !got[space] || !got[joined] || got[other] {
			t.Errorf("search %q found %d: %v, want the three «موسوی‌نژاد»", q, total, got)
		}
	}
	// «علی موسوی» typed with a space finds the name written with one.
	if _, total, err := f.st.Candidates(f.ctx, f.hq("fars"), e.ID, store.CandidateFilter{Q: "علی موسوی"}); err != nil || total != 1 {
		t.Errorf("search «علی موسوی»: %d, %v", total, err)
	}
}

// Migration 0008 brings the names stored in the earlier form (a space kept between parts) to today's form.
func TestMigrationRecomputesNormalisedNames(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	names := []string{"علی موسوی\u200cنژاد", "  مريم   كاظمي ", "Sara Smith"}
	for i, name := range names {
		id := f.registerNamed(e, name, []string{"0000000018", "0000000026", "0000000034"}[i])
		// The form the earlier Normalize stored: each word folded, one space between words.
		var words []string
		for _, w := range strings.Fields(name) {
			words = append(words, persian.Normalize(w))
		}
		f.exec(`UPDATE candidates SET name_norm = $2 WHERE id = $1`, id, strings.Join(words, " "))
	}
	up, err := migrations.FS.ReadFile("0008_names_and_places.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	f.exec(string(up))
	rows, err := f.st.Pool().Query(f.ctx, `SELECT full_name, name_norm FROM candidates`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var full, norm string
		if err := rows.Scan(&full, &norm); err != nil {
			t.Fatal(err)
		}
		if want := persian.Normalize(full); norm != want {
			t.Errorf("%q: stored %q after the migration, Normalize gives %q", full, norm, want)
		}
		n++
	}
	if n != len(names) {
		t.Fatalf("%d candidates", n)
	}
}

// addNamed adds n candidates of Marvdasht to election e, named prefix and their number (1 to n), with
// national IDs from first on; returns nothing, the names are what a search finds.
func (f *fixture) addNamed(e store.Election, prefix string, n, first int) {
	f.t.Helper()
	f.exec(`INSERT INTO candidates (election_id, province_id, county_id, full_name, name_norm, national_id, tracking_id,
		gender, education)
		SELECT $1, $2, $3, $4 || ' ' || g, $5 || g, lpad(($6 + g)::text, 10, '0'), 'T-' || ($6 + g), 'male', 'diploma'
		FROM generate_series(1, $7::int) g`,
		e.ID, f.province["fars"], f.county["marvdasht"], prefix, persian.Normalize(prefix), first, n)
}

// A search counts its matches as far as SearchCap + 1 and pages through the first SearchCap of them in
// the list's order; a page past the last match still carries the count.
func TestCandidateSearchCountsToItsCap(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	f.addNamed(e, "علی رضایی", 150, 0)
	f.addNamed(e, "زهرا کریمی", 120, 1000)
	hq := f.hq("fars")
	search := func(q, sort string, page int) ([]store.Candidate, int) {
		t.Helper()
		rows, total, err := f.st.Candidates(f.ctx, hq, e.ID, store.CandidateFilter{Q: q, Sort: sort, Page: page, PageSize: 50})
		if err != nil {
			t.Fatal(err)
		}
		return rows, total
	}
	names := func(rows []store.Candidate) []string {
		var ns []string
		for _, r := range rows {
			ns = append(ns, r.FullName)
		}
		return ns
	}
	// Below the cap: the exact number, and every page of it in order; «علي» with an Arabic yeh finds the same.
	for _, q := range []string{"علی", "علي", "  عَلی "} {
		rows, total := search(q, "name", 1)
		if total != 150 || len(rows) != 50 || rows[0].FullName != "علی رضایی 1" || rows[1].FullName != "علی رضایی 10" {
			t.Errorf("search %q: total %d, %d rows, first %v", q, total, len(rows), names(rows[:min(len(rows), 2)]))
		}
	}
	if rows, total := search("علی", "", 3); total != 150 || len(rows) != 50 || rows[0].FullName != "علی رضایی 50" ||
		rows[49].FullName != "علی رضایی 1" {
		t.Errorf("page 3, newest first: total %d, %d rows %v", total, len(rows), names(rows))
	}
	if rows, total := search("علی", "", 4); total != 150 || len(rows) != 0 {
		t.Errorf("page 4 of 3: total %d, %d rows", total, len(rows))
	}
	// Above the cap: counted to SearchCap + 1, paged through the first SearchCap in the list's order.
	f.addNamed(e, "محمدعلی کاظمی", 100, 2000)
	rows, total := search("علی", "", 1)
	if total != store.SearchCap+1 || len(rows) != 50 || rows[0].FullName != "محمدعلی کاظمی 100" {
		t.Errorf("above the cap: total %d, want %d; %d rows, first %v", total, store.SearchCap+1, len(rows), names(rows[:1]))
	}
	rows, total = search("علی", "", 4)
	if total != store.SearchCap+1 || len(rows) != 50 || rows[0].FullName != "علی رضایی 100" || rows[49].FullName != "علی رضایی 51" {
		t.Errorf("page 4 above the cap: total %d, %d rows %v", total, len(rows), names(rows))
	}
	if rows, total := search("علی", "", 6); total != store.SearchCap+1 || len(rows) != 0 {
		t.Errorf("page 6 above the cap: total %d, %d rows", total, len(rows))
	}
	if rows, total := search("رضایی 7", "name", 1); total != 11 || len(rows) != 11 || rows[0].FullName != "علی رضایی 7" {
		t.Errorf("«رضایی 7»: total %d, %v", total, names(rows))
	}
	// The list without a search counts to CountCap, from the summary.
	if _, total, err := f.st.Candidates(f.ctx, hq, e.ID, store.CandidateFilter{}); err != nil || total != 370 {
		t.Errorf("the whole list: total %d, %v", total, err)
	}
	if got := (store.CandidateFilter{Q: "علی"}).Cap(); got != store.SearchCap {
		t.Errorf("a search's cap: %d", got)
	}
	if got := (store.CandidateFilter{Gender: "female"}).Cap(); got != store.CountCap {
		t.Errorf("a filter's cap: %d", got)
	}
}

// Digits are a national or a tracking ID, matched whole, in Persian or Latin digits; a tracking ID with
// letters is found as typed, beside the names that contain it.
func TestCandidateSearchByID(t *testing.T) {
	f := newFixture(t)
	e := f.currentElection()
	f.addNamed(e, "علی رضایی", 30, 0)
	hq := f.hq("fars")
	for _, c := range []struct {
		q     string
		names []string
	}{
		{"0000000012", []string{"علی رضایی 12"}},
		{"۰۰۰۰۰۰۰۰۱۲", []string{"علی رضایی 12"}},
		{" 0000000012 ", []string{"علی رضایی 12"}},
		{"000000001", nil}, // a part of a national ID is not one
		{"12", nil},        // nor is a number in a name
		{"T-7", []string{"علی رضایی 7"}},
		{"t-7", nil},
	} {
		rows, total, err := f.st.Candidates(f.ctx, hq, e.ID, store.CandidateFilter{Q: c.q})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.FullName)
		}
		if total != len(c.names) || strings.Join(got, ",") != strings.Join(c.names, ",") {
			t.Errorf("search %q: total %d, %v; want %v", c.q, total, got, c.names)
		}
	}
}
