package server

import (
	"net/http"
	"testing"
	"time"
)

// A phone is stored in one form whatever digits, separators and prefix were typed, in the form and in a
// file alike; what is not an Iranian mobile or landline with its area code is refused on its field.
func TestCandidatePhoneNormalised(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	gov := a.login("gov.marvdasht")
	for i, typed := range map[int]string{71: "+98 917 ۱۲۳ 45-67", 72: "۰۷۱-۴۳۲۰۱۲۳۴"} {
		f := candidateForm("علی رضایی", nid(i), "marvdasht")
		f.Set("phone", typed)
		if res := a.post(gov, "/candidates", f); res.status != http.StatusSeeOther {
			t.Fatalf("register with %q: %d\n%s", typed, res.status, res.body)
		}
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE phone IN ('09171234567', '07143201234')`); n != 2 {
		t.Errorf("%d phones stored normalised, want 2", n)
	}
	for _, typed := range []string{"43201234", "0917123456", "+1 415 555 0100", "0917abc4567"} {
		f := candidateForm("علی رضایی", nid(73), "marvdasht")
		f.Set("phone", typed)
		res := a.post(gov, "/candidates", f)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("register with %q: %d", typed, res.status)
		}
		mustContain(t, res.body, `id="e-phone"`, "شماره ثابت را با کد شهر")
	}

	file := importHeader + "سارا رضایی,حسن," + nid(74) + ",female,1370/01/15,bachelor,,marvdasht,0098 917 765 4321,,,,,1405/08/20,\n"
	res := a.upload(gov, "c.csv", []byte(file))
	a.confirmImport(gov, res)
	if n := a.count(`SELECT count(*) FROM candidates WHERE phone = '09177654321'`); n != 1 {
		t.Errorf("the imported phone is not stored normalised")
	}
}

// confirmImport confirms the preview res shows, failing the test unless it imported.
func (a *testApp) confirmImport(c *http.Client, res response) {
	a.t.Helper()
	m := confirmID.FindStringSubmatch(res.body)
	if m == nil {
		a.t.Fatalf("no preview to confirm: %d\n%s", res.status, res.body)
	}
	if res := a.upload(c, "", nil, "import", m[1], "confirm", "yes"); res.status != http.StatusSeeOther {
		a.t.Fatalf("confirm: %d\n%s", res.status, res.body)
	}
}
