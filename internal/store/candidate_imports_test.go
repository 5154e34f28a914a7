package store_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// importFixture is a fixture with a current election and two constituencies of Marvdasht (the county's
// city and its Central district).
func importFixture(t *testing.T) (*fixture, int64, map[string]store.Constituency) {
	t.Helper()
	f := newFixture(t)
	e, err := f.st.AddElection(f.ctx, audit.System, store.NewElection{Code: "test", Kind: "councils", TitleFa: "آزمایشی",
		TitleEn: "Test", ElectionDay: time.Date(2027, 2, 26, 0, 0, 0, 0, time.UTC), Current: true})
	if err != nil {
		t.Fatal(err)
	}
	ks, err := f.st.Constituencies(f.ctx, f.governor("marvdasht"))
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]store.Constituency{}
	for _, k := range ks {
		byCode[k.Code] = k
	}
	return f, e, byCode
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// The rows of a previewed file are read back a page at a time, by their owner only, in the file's order.
func TestImportRowsPages(t *testing.T) {
	f, e, ks := importFixture(t)
	gov := audit.Actor{ID: f.user["gov.marvdasht"], Name: "gov.marvdasht"}
	imp, err := f.st.SaveImport(f.ctx, gov, f.province["fars"], e, "c.csv", "ab12", func(w *store.ImportRows) error {
		for batch := range 3 { // batches of 10 lines: 2 ready and 8 rejected each
			var ready []store.ReadyRow
			var rejected []store.ImportRow
			for i := range 10 {
				line := 2 + batch*10 + i
				if i%5 == 0 {
					ready = append(ready, store.ReadyRow{Line: line, Candidate: store.NewCandidate{FullName: "الف", FatherName: "ب",
						NationalID: "0012345679", Gender: "female", BirthDate: day(1987, 1, 21), Education: "master",
						Constituency: ks["marvdasht-central"]}})
					continue
				}
				rejected = append(rejected, store.ImportRow{Line: line, Values: map[string]string{"full_name": "ردیف"},
					Problems: []store.ImportProblem{{Field: "national_id", Msg: i18n.M("err.national_id")}}})
			}
			if err := w.Add(f.ctx, ready, rejected); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Ready != 6 || imp.Rejected != 24 {
		t.Fatalf("counts %d ready, %d rejected; want 6, 24", imp.Ready, imp.Rejected)
	}
	if got, err := f.st.ImportByID(f.ctx, gov.ID, imp.ID); err != nil || got != imp {
		t.Errorf("ImportByID = %+v, %v; want %+v", got, err, imp)
	}
	lines := func(rows []store.ImportRow) []int {
		var ls []int
		for _, r := range rows {
			ls = append(ls, r.Line)
		}
		return ls
	}
	page, err := f.st.ImportRejected(f.ctx, gov.ID, imp.ID, 5, 4)
	if want := []int{9, 10, 11, 13}; err != nil || !reflect.DeepEqual(lines(page), want) {
		t.Errorf("rejected rows 6 to 9: lines %v, %v; want %v", lines(page), err, want)
	}
	ready, err := f.st.ImportReady(f.ctx, gov.ID, imp.ID, 1, 10)
	if err != nil || len(ready) != 5 || ready[0].Line != 7 || ready[0].Candidate.Constituency.NameEn != "Central" {
		t.Errorf("ready rows from the second: %+v, %v", ready, err)
	}
	other := f.user["gov.pasargad"]
	if _, err := f.st.ImportByID(f.ctx, other, imp.ID); err != store.ErrNotFound {
		t.Errorf("another user's ImportByID: %v", err)
	}
	if rows, _ := f.st.ImportRejected(f.ctx, other, imp.ID, 0, 100); len(rows) != 0 {
		t.Errorf("another user reads %d rejected rows", len(rows))
	}
	if rows, _ := f.st.ImportReady(f.ctx, other, imp.ID, 0, 100); len(rows) != 0 {
		t.Errorf("another user reads %d ready rows", len(rows))
	}
}

// Previews kept before 0006 held their rows as two JSON values; the migration moves them into rows, the
// way back restores them, and a moved preview reads and imports as one made today.
func TestImportRowsMigration(t *testing.T) {
	f, e, ks := importFixture(t)
	gov := audit.Actor{ID: f.user["gov.marvdasht"], Name: "gov.marvdasht"}
	cert := day(2026, 11, 16)
	ready := []store.ReadyRow{
		{Line: 2, Candidate: store.NewCandidate{FullName: "علی رضایی", FatherName: "حسن", NationalID: "0012345679",
			Gender: "male", BirthDate: day(1987, 1, 21), Education: "master", Occupation: "معلم", Phone: "09171234567",
			TrackingID: "1405-1", Veteran: true, MilitaryService: "completed", ListedPost: true, CertificateDate: &cert,
			Constituency: ks["marvdasht-central"]}},
		{Line: 4, Candidate: store.NewCandidate{FullName: "سارا احمدی", FatherName: "رضا", NationalID: "0084575948",
			Gender: "female", BirthDate: day(1990, 3, 21), Education: "bachelor", Constituency: ks["marvdasht"]}},
	}
	rejected := []store.ImportRow{{Line: 3, Values: map[string]string{"full_name": "نادرست", "national_id": "0012345670"},
		Problems: []store.ImportProblem{{Field: "national_id", Msg: i18n.M("err.national_id")}}}}

	// What a preview kept before 0006 looked like: the JSON of the whole file, its problems as the strings
	// of the time.
	m, err := store.Migrator(f.st.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Migrate(5); err != nil {
		t.Fatalf("down to 0005: %v", err)
	}
	oldReady := make([]map[string]any, len(ready))
	for i, r := range ready {
		oldReady[i] = map[string]any{"line": r.Line, "candidate": r.Candidate}
	}
	readyJSON, _ := json.Marshal(oldReady)
	f.exec(`INSERT INTO candidate_imports (user_id, election_id, file_name, file_sha256, ready, rejected) VALUES ($1, $2, 'old.csv', 'cd34', $3, $4)`,
		gov.ID, e, string(readyJSON), `[{"line":3,"values":{"full_name":"نادرست","national_id":"0012345670"},"problems":["national_id\u001ferr.national_id|"]}]`)
	if err := m.Up(); err != nil {
		t.Fatalf("up from 0005: %v", err)
	}
	f.st.Pool().Reset() // statements prepared before the tables changed
	var id int64
	f.scan(`SELECT id FROM candidate_imports WHERE file_name = 'old.csv'`, nil, &id)

	check := func(when string) {
		t.Helper()
		imp, err := f.st.ImportByID(f.ctx, gov.ID, id)
		if err != nil || imp.Ready != 2 || imp.Rejected != 1 || imp.FileSHA256 != "cd34" {
			t.Fatalf("%s: %+v, %v", when, imp, err)
		}
		got, err := f.st.ImportReady(f.ctx, gov.ID, id, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			want := ready[i].Candidate
			want.Constituency = store.Constituency{Code: want.Constituency.Code, NameFa: want.Constituency.NameFa,
				NameEn: want.Constituency.NameEn, ProvinceID: want.Constituency.ProvinceID, CountyID: want.Constituency.CountyID,
				DistrictID: want.Constituency.DistrictID, CityID: want.Constituency.CityID}
			g := got[i].Candidate
			g.BirthDate = g.BirthDate.UTC()
			if g.CertificateDate != nil {
				c := g.CertificateDate.UTC()
				g.CertificateDate = &c
			}
			if got[i].Line != ready[i].Line || !reflect.DeepEqual(g, want) {
				t.Errorf("%s: ready row %d\n got %+v\nwant %+v", when, i, g, want)
			}
		}
		rej, err := f.st.ImportRejected(f.ctx, gov.ID, id, 0, 10)
		if err != nil || !reflect.DeepEqual(rej, rejected) {
			t.Errorf("%s: rejected %+v, %v", when, rej, err)
		}
	}
	check("moved by 0006")

	// Down and up again: the way back keeps the rows too.
	if err := m.Migrate(5); err != nil {
		t.Fatalf("down to 0005 with rows: %v", err)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up from 0005 again: %v", err)
	}
	f.st.Pool().Reset()
	check("down and up")

	if n, err := f.st.ConfirmImport(f.ctx, gov, f.province["fars"], id, nil); err != nil || n != 2 {
		t.Fatalf("confirm the moved preview: %d, %v", n, err)
	}
	if n := f.count(`SELECT count(*) FROM candidates WHERE election_id = $1 AND name_norm <> '' AND
		((national_id = '0012345679' AND district_id IS NOT NULL AND birth_date = '1987-01-21' AND certificate_date = '2026-11-16' AND veteran)
		OR (national_id = '0084575948' AND district_id IS NULL AND certificate_date IS NULL))`, e); n != 2 {
		t.Errorf("%d of the moved rows imported as they were, want 2", n)
	}
}
