package server

import (
	"encoding/csv"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/persian"
)

// The registration form says each problem once, exactly: a required value with nothing after it, a
// certificate dated after registration without the registration day pasted after the sentence (both once
// showed "%!(EXTRA string=…)"), and a date in the reader's calendar.
func TestCandidateFormMessages(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) } // 1405/09/05
	a.withElection()
	gov := a.login("gov.marvdasht")

	form := candidateForm("سارا", nid(1), "marvdasht")
	form.Del("gender")
	form.Set("certificate_date", "۱۴۰۵/۰۹/۰۹")
	res := a.post(gov, "/candidates", form)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("registration with problems: %d", res.status)
	}
	mustContain(t, res.body,
		`<p class="error" id="e-gender">این مورد لازم است.</p>`,
		`<p class="error" id="e-certificate_date">تاریخ گواهی هنوز نرسیده است.</p>`)
	mustNotContain(t, res.body, "%!", "EXTRA", "{date}")

	form = candidateForm("سارا", nid(1), "marvdasht")
	form.Set("certificate_date", "1405/01/01")
	form.Set("birth_date", "1385/01/01") // 20: a plausible date, under the law's age
	res = a.post(gov, "/candidates", form)
	mustContain(t, res.body,
		`<p class="error" id="e-certificate_date">گواهی عدم سوء پیشینه باید پس از ۱۴۰۵/۰۶/۰۵ صادر شده باشد.</p>`,
		`<p class="error" id="e-birth_date">داوطلب باید دست‌کم ۲۵ سال سن داشته باشد.</p>`)
	a.get(gov, "/lang/en")
	res = a.post(gov, "/candidates", form)
	mustContain(t, res.body,
		`<p class="error" id="e-certificate_date">The criminal-record certificate must be issued after 2026-08-27.</p>`,
		`<p class="error" id="e-birth_date">A candidate must be at least 25 years old.</p>`)
	mustNotContain(t, res.body, "%!", "EXTRA")
}

// The preview of an import, the rejects it keeps and rejected.csv say the same exact messages. What is
// kept is the message with its arguments, not its text: the file reads in the language of whoever
// downloads it, and previews kept before messages were typed still read without debris.
func TestCandidateImportMessages(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	file := importHeader +
		"بی‌جنسیت,رضا," + nid(31) + ",,1365/11/01,master,,marvdasht,,,,,,1405/09/09,\n" +
		"جوان,رضا," + nid(32) + ",female,1385/01/01,master,,marvdasht,,,,,,1405/08/25,\n"
	res := a.upload(gov, "c.csv", []byte(file))
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, res.body)
	}
	mustContain(t, res.body,
		"<li>جنسیت: این مورد لازم است.</li>",
		"<li>تاریخ گواهی عدم سوء پیشینه: تاریخ گواهی هنوز نرسیده است.</li>",
		"<li>تاریخ تولد: داوطلب باید دست‌کم ۲۵ سال سن داشته باشد.</li>")
	mustNotContain(t, res.body, "%!", "EXTRA")
	id := a.lastImport()

	want := map[string]string{
		nid(31): "جنسیت: این مورد لازم است.؛ تاریخ گواهی عدم سوء پیشینه: تاریخ گواهی هنوز نرسیده است.",
		nid(32): "تاریخ تولد: داوطلب باید دست‌کم ۲۵ سال سن داشته باشد.",
	}
	if got := a.rejectedProblems(gov, id); !maps.Equal(got, want) {
		t.Errorf("rejected.csv problems:\n got %q\nwant %q", got, want)
	}
	a.get(gov, "/lang/en")
	want = map[string]string{
		nid(31): "Gender: This is required.؛ Criminal-record certificate date: The certificate's date has not come yet.",
		nid(32): "Birth date: A candidate must be at least 25 years old.",
	}
	if got := a.rejectedProblems(gov, id); !maps.Equal(got, want) {
		t.Errorf("rejected.csv problems in English:\n got %q\nwant %q", got, want)
	}

	// A preview kept in the earlier shape (its rows moved as they were into candidate_import_rejects):
	// "column␟key|argument", the argument given even where the message took none.
	for line, problems := range map[int]string{
		2: `["gender\u001felig.required|","certificate_date\u001felig.certificate_future|۱۴۰۵/۰۹/۰۵"]`,
		3: `["birth_date\u001felig.too_young|۲۵"]`,
	} {
		if _, err := a.st.Pool().Exec(t.Context(), `UPDATE candidate_import_rejects SET problems = $3 WHERE import_id = $1 AND line = $2`,
			id, line, problems); err != nil {
			t.Fatal(err)
		}
	}
	want = map[string]string{
		nid(31): "Gender: This is required.؛ Criminal-record certificate date: The certificate's date has not come yet.",
		nid(32): "Birth date: A candidate must be at least ۲۵ years old.",
	}
	if got := a.rejectedProblems(gov, id); !maps.Equal(got, want) {
		t.Errorf("rejected.csv problems of an earlier preview:\n got %q\nwant %q", got, want)
	}
}

// lastImport is the id of the latest previewed file.
func (a *testApp) lastImport() string {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT max(id) FROM candidate_imports`).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return itoa(id)
}

// rejectedProblems reads an import's rejected.csv and returns each row's problems by national ID.
func (a *testApp) rejectedProblems(c *http.Client, id string) map[string]string {
	a.t.Helper()
	res := a.get(c, "/candidates/import/"+id+"/rejected.csv")
	if res.status != http.StatusOK {
		a.t.Fatalf("rejected.csv: %d", res.status)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll()
	if err != nil {
		a.t.Fatal(err)
	}
	header := records[0]
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		a.t.Fatalf("rejected.csv has no %s column: %q", name, header)
		return -1
	}
	ids, problems := col("national_id"), col("problems")
	got := map[string]string{}
	for _, rec := range records[1:] {
		got[persian.ToLatinDigits(rec[ids])] = rec[problems]
	}
	return got
}
