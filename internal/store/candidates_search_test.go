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
