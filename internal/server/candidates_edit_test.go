package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/persian"
)

// correction is the record of candidateForm as the correction form posts it, from version.
func correction(name, id, version string) map[string][]string {
	f := candidateForm(name, id, "marvdasht")
	f.Del("constituency")
	f.Set("version", version)
	return f
}

// A candidate's record is corrected by whoever may register in its scope, checked as a registration is,
// against the version it was drawn from, and audited with the fields that changed.
func TestCandidateCorrection(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/candidates", candidateForm("سارا رضاي", nid(101), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}
	if res := a.post(gov, "/candidates", candidateForm("مینا کاظمی", nid(102), "marvdasht")); res.status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.status)
	}
	id := a.candidateID(nid(101))
	path := "/candidates/" + id + "/edit"

	mustContain(t, a.get(gov, "/candidates/"+id).body, `href="`+path+`"`)
	mustNotContain(t, a.get(a.login("observer"), "/candidates/"+id).body, `href="`+path+`"`)
	if res := a.get(a.login("observer"), path); res.status != http.StatusForbidden {
		t.Errorf("an observer's correction form: %d", res.status)
	}
	if res := a.post(a.login("gov.pasargad"), path, correction("x", nid(101), "1")); res.status != http.StatusNotFound {
		t.Errorf("another county's governor correcting: %d", res.status)
	}
	form := a.get(gov, path)
	mustContain(t, form.body, `value="سارا رضاي"`, `value="`+nid(101)+`"`, `value="۱۳۷۰/۰۱/۱۵"`, `value="۱۴۰۵/۰۸/۲۰"`,
		`name="version" value="1"`, "تاریخ شمسی، به شکل سال/ماه/روز")

	// The law's checks run again: a correction does not bring in an ineligible birth date.
	for _, tt := range []struct{ birth, want string }{
		{"1382/01/01", "دست‌کم ۲۵ سال"},
		{"1395/01/01", "تاریخ تولد باورپذیر نیست"},
		{"1980/01/01", "این تاریخ میلادی به نظر می‌رسد"},
	} {
		f := correction("سارا رضایی", nid(101), "1")
		f["birth_date"] = []string{tt.birth}
		res := a.post(gov, path, f)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("correcting the birth date to %s: %d", tt.birth, res.status)
		}
		mustContain(t, res.body, tt.want, `value="`+tt.birth+`"`, `href="/lang/en?next=%2Fcandidates%2F`+id+`%2Fedit"`)
	}
	// A national ID that another candidate has, or that sits on a board, is refused as at registration.
	board := mustInt(t, a.boardID("kazerun", ""))
	if err := a.st.AddPoolMember(t.Context(), audit.System, auth.Scope{}, board, boardrules.Member{FullName: "عضو", NationalID: nid(103)}); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{102: "پیش‌تر در مرودشت ثبت‌نام کرده است", 103: "(کازرون)"} {
		res := a.post(gov, path, correction("سارا رضایی", nid(n), "1"))
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("correcting the national ID to %s: %d", nid(n), res.status)
		}
		mustContain(t, res.body, want)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.correct'`); n != 0 {
		t.Fatalf("%d corrections audited before any was accepted", n)
	}

	f := correction("سارا رضایی", nid(101), "1")
	f["phone"] = []string{"+98 917 000 1122"}
	f["birth_date"] = []string{"۱۳۷۱/۰۲/۰۳"}
	f["veteran"] = []string{"1"}
	if res := a.post(gov, path, f); res.status != http.StatusSeeOther {
		t.Fatalf("correct: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE id = $1 AND full_name = 'سارا رضایی' AND name_norm = $2
		AND phone = '09170001122' AND birth_date = '1992-04-23' AND veteran AND version = 2`, mustInt(t, id), persian.Normalize("سارا رضایی")); n != 1 {
		var s string
		_ = a.st.Pool().QueryRow(t.Context(), `SELECT row_to_json(k)::text FROM candidates k WHERE id = $1`, mustInt(t, id)).Scan(&s)
		t.Fatal("the correction was not stored: ", s)
	}
	var detail string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT detail FROM audit_log WHERE action = 'candidate.correct' AND entity_id = $1`,
		id).Scan(&detail); err != nil {
		t.Fatalf("the correction's audit row: %v", err)
	}
	var change struct{ Before, After map[string]any }
	if err := json.Unmarshal([]byte(detail), &change); err != nil {
		t.Fatal(err)
	}
	want := []string{"birth_date", "full_name", "phone", "veteran"}
	if got := slices.Sorted(maps.Keys(change.After)); !slices.Equal(got, want) || change.Before["full_name"] != "سارا رضاي" ||
		change.After["phone"] != "09170001122" || change.Before["birth_date"] != "1991-04-04" {
		t.Errorf("audit detail %s: want the fields %v before and after", detail, want)
	}
	log := a.get(a.login("hq.fars"), "/audit?entity=candidate").body
	mustContain(t, log, "اصلاح پرونده داوطلب")
	mustContain(t, strings.Join(changeLines(log), "\n"), "نام و نام خانوادگی: سارا رضاي ← سارا رضایی", "تلفن: ۰۹۱۷۱۲۳۴۵۶۷ ← ۰۹۱۷۰۰۰۱۱۲۲")

	// Drawn from version 1, which is gone: 409, the record as it is now, what was typed kept.
	f = correction("سارا رضایی‌نیا", nid(101), "1")
	res := a.post(gov, path, f)
	if res.status != http.StatusConflict {
		t.Fatalf("a stale correction: %d", res.status)
	}
	mustContain(t, res.body, "کاربر دیگری این پرونده را تغییر داده است", "پرونده کنونی", "۰۹۱۷۰۰۰۱۱۲۲",
		`value="سارا رضایی‌نیا"`, `name="version" value="2"`)
	if n := a.count(`SELECT count(*) FROM candidates WHERE full_name = 'سارا رضایی‌نیا'`); n != 0 {
		t.Fatal("a stale correction was stored")
	}

	// Nothing changed: nothing written.
	f = correction("سارا رضایی", nid(101), "2")
	f["phone"], f["birth_date"], f["veteran"] = []string{"09170001122"}, []string{"1371/02/03"}, []string{"1"}
	if res := a.post(gov, path, f); res.status != http.StatusSeeOther {
		t.Fatalf("an unchanged correction: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'candidate.correct'`); n != 1 {
		t.Errorf("%d corrections audited, want 1", n)
	}

	// What the record had before the law's numbers changed does not hold up a correction of another field;
	// a new problem does.
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE candidate_rules SET min_age = 60`); err != nil {
		t.Fatal(err)
	}
	f["phone"] = []string{"07143201234"}
	if res := a.post(gov, path, f); res.status != http.StatusSeeOther {
		t.Fatalf("correcting the phone of a record the new minimum age would refuse: %d\n%s", res.status, res.body)
	}
	f["version"], f["education"] = []string{"3"}, []string{"diploma"}
	if res := a.post(gov, path, f); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a correction to too low an education: %d", res.status)
	}

	// In English, Gregorian days are read.
	en := a.login("gov.marvdasht")
	a.get(en, "/lang/en")
	mustContain(t, a.get(en, path).body, `value="1992-04-23"`)
	f = correction("Sara Rezaei", nid(101), "3")
	f["birth_date"] = []string{"1990-01-02"}
	if res := a.post(en, path, f); res.status != http.StatusSeeOther {
		t.Fatalf("an English correction: %d\n%s", res.status, res.body)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE id = $1 AND birth_date = '1990-01-02'`, mustInt(t, id)); n != 1 {
		t.Error("the Gregorian birth date was not stored")
	}
}
