package server

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// inOrder fails unless the texts appear in body in this order.
func inOrder(t *testing.T, body string, texts ...string) {
	t.Helper()
	last, prev := -1, ""
	for _, s := range texts {
		i := strings.Index(body, s)
		if i < 0 {
			t.Errorf("page lacks %q", s)
			return
		}
		if i < last {
			t.Errorf("%q comes before %q", s, prev)
		}
		last, prev = i, s
	}
}

// Places are listed in the reader's alphabet: Persian order in Persian (پ after ب, گ after ک), English
// order in English.
func TestPlacesListedAlphabetically(t *testing.T) {
	a := newTestApp(t)
	a.withElection()
	hq := a.login("hq.fars")
	counties := a.get(hq, "/counties").body
	inOrder(t, counties, ">بوانات<", ">بیضا<", ">پاسارگاد<", ">جویم<", ">جهرم<", ">کوار<", ">گراش<", ">لارستان<")
	// The boards' county filter and the boards themselves.
	boards := a.get(hq, "/boards?level=county").body
	inOrder(t, boards, `<option value="bavanat">بوانات`, `<option value="beyza">بیضا`, `<option value="pasargad">پاسارگاد`,
		`<option value="gerash">گراش`)
	inOrder(t, boards, "شهرستان بوانات", "شهرستان بیضا", "شهرستان پاسارگاد", "شهرستان کوار", "شهرستان گراش")
	a.get(hq, "/lang/en")
	inOrder(t, a.get(hq, "/counties").body, ">Bavanat<", ">Beyza<", ">Darab<", ">Gerash<", ">Kavar<", ">Pasargad<")
}

// Where a district is named, its county is named beside it: there are 43 Central districts.
func TestDistrictNamedWithCounty(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return villageRegistration } // a village candidate registers in the villages' window
	a.withElection()
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/candidates", candidateForm("مریم نوری", nid(700), "marvdasht-central")); res.status != 303 {
		t.Fatalf("register: %d\n%s", res.status, res.body)
	}
	want := i18n.Message(i18n.Fa, "candidates.constituency_village", i18n.ArgName("district", "مرکزی", "Central"),
		i18n.ArgName("county", "مرودشت", "Marvdasht"))
	mustContain(t, a.get(gov, "/candidates").body, "<td>"+want+"</td>")
	mustContain(t, a.get(gov, "/candidates/"+a.candidateID(nid(700))).body, "<dd>"+want+"</dd>")
}

// Each status card of the lists links to the list filtered by that status (within the county the counts
// were made for).
func TestStatusCardsLink(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	hq := a.login("hq.fars")
	boards := a.get(hq, "/boards").body
	for _, s := range []string{"draft", "returned", "submitted", "approved"} {
		label := i18n.Message(i18n.Fa, "board_status."+s)
		mustContain(t, boards, fmt.Sprintf(`<dt><a href="/boards?status=%s">%s</a></dt>`, s, label))
		filtered := a.get(hq, "/boards?status="+s)
		if filtered.status != 200 || !strings.Contains(filtered.body, `<option value="`+s+`" selected>`) {
			t.Errorf("/boards?status=%s: %d, not filtered", s, filtered.status)
		}
	}
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/candidates", candidateForm("مریم نوری", nid(701), "marvdasht")); res.status != 303 {
		t.Fatalf("register: %d", res.status)
	}
	label := i18n.Message(i18n.Fa, "cstatus.registered")
	mustContain(t, a.get(hq, "/candidates").body, `<dt><a href="/candidates?status=registered">`+label+`</a></dt>`)
	mustContain(t, a.get(hq, "/candidates?county=marvdasht").body,
		`<dt><a href="/candidates?county=marvdasht&amp;status=registered">`+label+`</a></dt>`)
	if page := a.get(hq, "/candidates?county=marvdasht&status=registered").body; !strings.Contains(page, "مریم نوری") {
		t.Error("the filtered list lacks the registered candidate")
	}
}

// The candidate's page shows every field recorded: each column of candidates is either shown (with the
// value the test recorded) or named here as the machine's own.
func TestCandidatePageShowsEveryField(t *testing.T) {
	a := newTestApp(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	electionID := a.withElection()
	ctx := t.Context()
	e, rule, err := a.st.CandidateElection(ctx, electionID)
	if err != nil {
		t.Fatal(err)
	}
	k, err := a.st.ConstituencyByCode(ctx, auth.Scope{}, "marvdasht-central")
	if err != nil {
		t.Fatal(err)
	}
	certificate, resignation := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	id, err := a.st.RegisterCandidate(ctx, audit.Actor{ID: a.ids["gov.marvdasht"], Name: "gov.marvdasht", Remote: "192.0.2.1"}, e,
		store.NewCandidate{FullName: "رضا موسوی‌نژاد", FatherName: "کاظم", NationalID: nid(702), Gender: "male",
			BirthDate: time.Date(1985, 3, 21, 0, 0, 0, 0, time.UTC), Education: "master", Occupation: "کشاورز", Phone: "09171234567",
			TrackingID: "TR-7", Veteran: true, MilitaryService: "exempt", ListedPost: true, CertificateDate: &certificate,
			ResignationDate: &resignation, Constituency: k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hq := audit.Actor{ID: a.ids["hq.fars"], Name: "hq.fars", Remote: "192.0.2.1"}
	for _, to := range []string{"under_review", "exec_approved", "supervision_review", "preliminary_announced"} {
		v := a.count(`SELECT version FROM candidates WHERE id = $1`, id)
		if err := a.st.ChangeCandidateStatus(ctx, hq, auth.Scope{}, id, v, to, "", now, rule.Lifecycle()); err != nil {
			t.Fatal(err)
		}
	}
	page := html.UnescapeString(a.get(a.login("hq.fars"), "/candidates/"+itoa(id)).body)
	fa := func(key string) string { return i18n.Message(i18n.Fa, key) }
	fact := func(label, value string) string { return "<dt>" + label + "</dt><dd>" + value + "</dd>" }
	fact2 := func(label, value string) string { return "<dt>" + label + "</dt><dd dir=\"ltr\">" + value + "</dd>" }
	var registered, updated, announced time.Time
	if err := a.st.Pool().QueryRow(ctx, `SELECT created_at, updated_at, announced_at FROM candidates WHERE id = $1`, id).
		Scan(&registered, &updated, &announced); err != nil {
		t.Fatal(err)
	}
	faCtx := i18n.NewContext(ctx, i18n.Fa)
	shown := map[string]string{
		"election_id": fact(fa("candidates.election"), "انتخابات آزمایشی"),
		"county_id":   "(مرودشت)",
		"district_id": fact(fa("field.constituency"), i18n.Message(i18n.Fa, "candidates.constituency_village", i18n.ArgName("district", "مرکزی", "Central"), i18n.ArgName("county", "مرودشت", "Marvdasht"))),
		// a city or a district's villages: one constituency, shown as this one is
		"city_id":              fact(fa("field.constituency"), i18n.Message(i18n.Fa, "candidates.constituency_village", i18n.ArgName("district", "مرکزی", "Central"), i18n.ArgName("county", "مرودشت", "Marvdasht"))),
		"full_name":            "<h1>رضا موسوی‌نژاد</h1>",
		"father_name":          fact(fa("field.father_name"), "کاظم"),
		"national_id":          fact2(fa("field.national_id"), i18n.Digits(faCtx, nid(702))),
		"status":               fa("cstatus.preliminary_announced"),
		"gender":               fact(fa("field.gender"), fa("gender.male")),
		"birth_date":           fact(fa("field.birth_date"), "۱۳۶۴/۰۱/۰۱"),
		"education":            fact(fa("field.education"), fa("education.master")),
		"occupation":           fact(fa("field.occupation"), "کشاورز"),
		"phone":                fact2(fa("field.phone"), "۰۹۱۷۱۲۳۴۵۶۷"),
		"tracking_id":          fact2(fa("field.tracking_id"), "TR-۷"),
		"veteran":              fact(fa("field.veteran"), fa("audit.yes")),
		"military_service":     fact(fa("field.military_service"), fa("service.exempt")),
		"listed_post":          fact(fa("field.listed_post"), fa("audit.yes")),
		"certificate_date":     fact(fa("field.certificate_date"), "۱۴۰۵/۰۸/۱۹"),
		"resignation_date":     fact(fa("field.resignation_date"), "۱۴۰۵/۰۳/۱۱"),
		"registered_by":        fact(fa("candidates.registered_by"), "علی رضایی"),
		"announced_at":         fact(fa("candidates.announced_at"), i18n.DateTime(faCtx, announced)),
		"constituency_changes": fact(fa("candidates.constituency_changes"), "۰"),
		"created_at":           fact(fa("candidates.registered_at"), i18n.DateTime(faCtx, registered)),
		"updated_at":           fact(fa("candidates.updated_at"), i18n.DateTime(faCtx, updated)),
	}
	// Kept for the machine: the row's number, its province (the county's), the name folded for search and
	// the version that guards against a lost update.
	internal := map[string]bool{"id": true, "province_id": true, "name_norm": true, "version": true}
	rows, err := a.st.Pool().Query(ctx, `SELECT column_name FROM information_schema.columns WHERE table_name = 'candidates'`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var col string
		if err := rows.Scan(&col); err != nil {
			t.Fatal(err)
		}
		n++
		want, ok := shown[col]
		switch {
		case internal[col]:
		case !ok:
			t.Errorf("column %s is neither shown on the candidate's page nor named as internal", col)
		case !strings.Contains(page, want):
			t.Errorf("column %s: the page lacks %q", col, want)
		}
	}
	if n < 20 {
		t.Fatalf("%d columns", n)
	}
}
