package server

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/setad/setad/internal/auth"
)

// withTehran adds a second province with a county and its HQ user, hq.tehran.
func (a *testApp) withTehran() {
	a.t.Helper()
	a.exec(`WITH p AS (INSERT INTO provinces (code, name_fa, name_en) VALUES ('tehran', 'تهران', 'Tehran') RETURNING id)
		INSERT INTO counties (province_id, code, name_fa, name_en) SELECT id, 'shemiranat', 'شمیرانات', 'Shemiranat' FROM p`)
	a.addUser(auth.Account{Username: "hq.tehran", FullName: "نرگس تهرانی", Role: "hq", Province: "tehran"})
}

// HQ keeps its province's committees: lists them with their members, creates one (a malformed or taken
// key is refused on its field), renames one as of its version (a stale form is refused, kept), moves a
// member on and takes him off; the member taken off acts on nothing from his next request. Others may
// not, and another province's HQ finds none of them.
func TestCommitteesAdminPages(t *testing.T) {
	a := newTestApp(t)
	a.withTehran()
	member := a.ids["committee"]
	gov, hq, tehran := a.login("gov.marvdasht"), a.login("hq.fars"), a.login("hq.tehran")
	for _, c := range []*http.Client{gov, a.login("observer"), a.login("committee"), a.login("national")} {
		if res := a.get(c, "/admin/committees"); res.status != http.StatusForbidden {
			t.Fatalf("a non-HQ user opens the committees: %d", res.status)
		}
	}
	if res := a.post(gov, "/admin/committees", url.Values{"key": {"media"}, "name_fa": {"رسانه"}, "name_en": {"Media"}}); res.status != http.StatusForbidden {
		t.Fatalf("a governor creates a committee: %d", res.status)
	}
	res := a.get(hq, "/admin/committees")
	if res.status != http.StatusOK {
		t.Fatalf("list: %d", res.status)
	}
	mustContain(t, res.body, "کمیته آموزش", "کمیته فناوری", "سارا جعفری", `href="/admin/committees/technology"`)

	// Creating: a malformed key, a missing name, a key taken; then a good one.
	res = a.post(hq, "/admin/committees", url.Values{"key": {"Bad Key"}, "name_fa": {"کمیته رسانه"}, "name_en": {""}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a malformed key: %d", res.status)
	}
	mustContain(t, res.body, "شناسه باید با حرف کوچک لاتین آغاز شود", `value="کمیته رسانه"`, `value="Bad Key"`, "این فیلد را پر کنید.")
	res = a.post(hq, "/admin/committees", url.Values{"key": {"legal"}, "name_fa": {"حقوقی دوم"}, "name_en": {"Legal 2"}})
	if res.status != http.StatusUnprocessableEntity || !contains(res.body, "کمیته‌ای با این شناسه در استان هست.") {
		t.Fatalf("a taken key: %d", res.status)
	}
	res = a.post(hq, "/admin/committees", url.Values{"key": {"media"}, "name_fa": {"کمیته رسانه"}, "name_en": {"Media committee"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/admin/committees/media" {
		t.Fatalf("create: %d %s", res.status, res.header.Get("Location"))
	}

	// Tehran's HQ finds none of Fars's.
	for _, path := range []string{"/admin/committees/media", "/admin/committees/nosuch"} {
		if res := a.get(tehran, path); res.status != http.StatusNotFound {
			t.Fatalf("Tehran opens %s: %d", path, res.status)
		}
	}
	if res := a.post(tehran, "/admin/committees/media", url.Values{"name_fa": {"x"}, "name_en": {"x"}, "version": {"1"}}); res.status != http.StatusNotFound {
		t.Fatalf("Tehran renames Fars's committee: %d", res.status)
	}
	if res := a.post(tehran, "/admin/committees/technology/members/"+itoa(member)+"/remove", nil); res.status != http.StatusNotFound {
		t.Fatalf("Tehran takes a Fars member off: %d", res.status)
	}
	if res := a.post(tehran, "/admin/committees/technology/members", url.Values{"user": {itoa(member)}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("Tehran adds a Fars member: %d", res.status)
	}
	if k := a.count(`SELECT count(*) FROM users WHERE id = $1 AND committee_key = 'technology'`, member); k != 1 {
		t.Fatal("Tehran's HQ changed a Fars member")
	}

	// Renaming, as of the version the form was drawn from.
	res = a.post(hq, "/admin/committees/media", url.Values{"name_fa": {"کمیته رسانه و اطلاع‌رسانی"}, "name_en": {"Media"}, "version": {"1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("rename: %d", res.status)
	}
	res = a.post(hq, "/admin/committees/media", url.Values{"name_fa": {"نام دیرهنگام"}, "name_en": {"Late"}, "version": {"1"}})
	if res.status != http.StatusConflict {
		t.Fatalf("a stale rename: %d", res.status)
	}
	mustContain(t, res.body, `value="نام دیرهنگام"`, "کاربر دیگری همین حالا تغییر داده است", "<title>کمیته رسانه و اطلاع‌رسانی")
	res = a.post(hq, "/admin/committees/media", url.Values{"name_fa": {""}, "name_en": {"Media"}, "version": {"2"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty name: %d", res.status)
	}

	// The member signed in, then moved to media and taken off it.
	mc := a.login("committee")
	page := a.get(hq, "/admin/committees/media").body
	mustContain(t, page, "سارا جعفری (کمیته فناوری)", `href="/admin/users/new?role=committee&amp;committee=media"`)
	if res := a.post(hq, "/admin/committees/media/members", url.Values{"user": {itoa(a.ids["gov.marvdasht"])}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a governor added: %d", res.status)
	}
	if res := a.post(hq, "/admin/committees/media/members", url.Values{"user": {"x"}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a malformed user: %d", res.status)
	}
	if res := a.post(hq, "/admin/committees/media/members", url.Values{"user": {itoa(member)}}); res.status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.status)
	}
	mustContain(t, a.get(hq, "/admin/committees").body, "کمیته رسانه و اطلاع‌رسانی")
	if !contains(a.get(mc, "/trainings").body, `id="schedule"`) {
		t.Fatal("a member of media has no schedule form")
	}
	if res := a.post(hq, "/admin/committees/technology/members/"+itoa(member)+"/remove", nil); res.status != http.StatusNotFound {
		t.Fatalf("taking him off a committee he left: %d", res.status)
	}
	if res := a.post(hq, "/admin/committees/media/members/"+itoa(member)+"/remove", nil); res.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.status)
	}
	// His next request reads him afresh: he reads, and schedules nothing.
	res = a.get(mc, "/trainings")
	if res.status != http.StatusOK || contains(res.body, `id="schedule"`) {
		t.Fatalf("off his committee, /trainings: %d, schedule form %v", res.status, contains(res.body, `id="schedule"`))
	}
	if res := a.post(mc, "/trainings", url.Values{"title": {"x"}}); res.status != http.StatusForbidden {
		t.Fatalf("off his committee, he schedules: %d", res.status)
	}
	// Nor does he put questions to the committees: no form, and a post is refused.
	res = a.get(mc, "/questions")
	if res.status != http.StatusOK || contains(res.body, `id="ask"`) {
		t.Fatalf("off his committee, /questions: %d, ask form %v", res.status, contains(res.body, `id="ask"`))
	}
	if res := a.post(mc, "/questions", url.Values{"committee": {"legal"}, "title": {"مهلت"}, "body": {"چند روز؟"}}); res.status != http.StatusForbidden {
		t.Fatalf("off his committee, he asks: %d", res.status)
	}
	mustContain(t, a.get(hq, "/admin/users").body, "بدون کمیته، فارس")
	mustContain(t, a.get(hq, "/admin/committees").body, "اعضای بدون کمیته", "سارا جعفری")
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'committee.%'`); n != 4 {
		t.Fatalf("%d committee rows audited, want 4", n)
	}
	// In English too.
	a.get(hq, "/lang/en")
	mustContain(t, a.get(hq, "/admin/users").body, "No committee, Fars")
	mustContain(t, a.get(hq, "/admin/committees/media").body, "This committee has no members.", "Add a member", "(No committee)")
}

// HQ puts on a committee only an enabled committee-role account of its province: a disabled one, another
// province's, another role's are refused with the form and a message (422), and nothing changes.
func TestCommitteeMemberRefused(t *testing.T) {
	a := newTestApp(t)
	a.withTehran()
	a.addUser(auth.Account{Username: "left.fars", FullName: "کاربر کنارگذاشته", Role: "committee", Province: "fars"})
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE users SET disabled_at = now() WHERE id = $1`, a.ids["left.fars"]); err != nil {
		t.Fatal(err)
	}
	hq := a.login("hq.fars")
	for _, tt := range []struct {
		user, want string
	}{
		{"left.fars", "حساب این کاربر غیرفعال است و او را نمی‌توان به کمیته افزود."},
		{"hq.tehran", "یکی از کاربران با نقش عضو کمیته در این استان را برگزینید."},
		{"gov.marvdasht", "یکی از کاربران با نقش عضو کمیته در این استان را برگزینید."},
	} {
		res := a.post(hq, "/admin/committees/legal/members", url.Values{"user": {itoa(a.ids[tt.user])}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s put on a committee: %d", tt.user, res.status)
		}
		mustContain(t, res.body, tt.want)
	}
	if n := a.count(`SELECT count(*) FROM users WHERE committee_key = 'legal'`); n != 0 {
		t.Fatalf("%d users put on the legal committee", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'committee.member_add'`); n != 0 {
		t.Fatalf("%d additions audited", n)
	}
}
