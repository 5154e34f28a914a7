package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestUserCreate(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	if res := a.get(hq, "/admin/users/new"); res.status != 200 {
		t.Fatalf("new user form: %d", res.status)
	}
	res := a.post(hq, "/admin/users", url.Values{
		"username": {"Gov.Beyza"}, "full_name": {"رضا  احمدی"}, "role": {"governor"}, "county": {"beyza"},
		"password": {"long-password-1"},
	})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/admin/users/") {
		t.Fatalf("create: %d %q\n%s", res.status, res.header.Get("Location"), res.body)
	}
	var role, county, fullName string
	err := a.st.Pool().QueryRow(t.Context(), `SELECT u.role, c.code, u.full_name FROM users u JOIN counties c ON c.id = u.county_id
		WHERE u.username = 'gov.beyza'`).Scan(&role, &county, &fullName)
	if err != nil || role != "governor" || county != "beyza" || fullName != "رضا احمدی" {
		t.Fatalf("stored: %q %q %q %v", role, county, fullName, err)
	}
	page := a.get(hq, res.header.Get("Location"))
	mustContain(t, page.body, "کاربر ایجاد شد", "رضا احمدی")
	var detail string
	_ = a.st.Pool().QueryRow(t.Context(), `SELECT detail::text FROM audit_log WHERE action = 'user.create' AND actor = 'hq.fars'`).Scan(&detail)
	if !strings.Contains(detail, `"county":"beyza"`) || strings.Contains(detail, "argon2") {
		t.Fatalf("audit detail %q", detail)
	}
	// The new governor can log in with the password HQ set.
	c := a.client()
	if res := a.post(c, "/login", url.Values{"username": {"gov.beyza"}, "password": {"long-password-1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("new user login: %d", res.status)
	}
}

func TestUserCreateValidation(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	tests := []struct {
		name  string
		form  url.Values
		wants []string
	}{
		{"empty", url.Values{}, []string{"نام کاربری باید", "این فیلد را پر کنید", "نقش معتبری انتخاب کنید", "گذرواژه باید دست‌کم"}},
		{"governor without county", url.Values{"username": {"gov.new"}, "full_name": {"علی"}, "role": {"governor"}, "password": {"long-password-1"}},
			[]string{"شهرستان فرماندار را انتخاب کنید", `value="gov.new"`, `value="علی"`, `<option value="governor" selected>`}},
		{"taken", url.Values{"username": {"gov.marvdasht"}, "full_name": {"علی"}, "role": {"governor"}, "county": {"marvdasht"}, "password": {"long-password-1"}},
			[]string{"این نام کاربری پیش‌تر ثبت شده است"}},
		{"unknown county", url.Values{"username": {"gov.new"}, "full_name": {"علی"}, "role": {"governor"}, "county": {"atlantis"}, "password": {"long-password-1"}},
			[]string{"این شهرستان در استان شما نیست"}},
		{"national", url.Values{"username": {"nat.new"}, "full_name": {"علی"}, "role": {"national"}, "password": {"long-password-1"}},
			[]string{"نقش معتبری انتخاب کنید"}},
		{"Persian digits in username are read as Latin", url.Values{"username": {"gov۱"}, "full_name": {"علی"}, "role": {"governor"}, "password": {"short"}},
			[]string{`value="gov1"`, "گذرواژه باید دست‌کم"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.count(`SELECT count(*) FROM users`)
			res := a.post(hq, "/admin/users", tt.form)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.status)
			}
			mustContain(t, res.body, tt.wants...)
			mustContain(t, res.body, `aria-invalid="true"`)
			mustNotContain(t, res.body, "long-password-1")
			if after := a.count(`SELECT count(*) FROM users`); after != before {
				t.Fatal("an invalid form created a user")
			}
		})
	}
}

func TestUserDisableEnableReset(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	id := itoa(a.ids["observer"])
	if res := a.post(hq, "/admin/users/"+id+"/disable", url.Values{"version": {"1"}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.status)
	}
	mustContain(t, a.get(hq, "/admin/users/"+id).body, "غیرفعال")
	// A second admin working from the old page (version 1) is told, not silently obeyed.
	res := a.post(hq, "/admin/users/"+id+"/enable", url.Values{"version": {"1"}})
	if res.status != http.StatusConflict {
		t.Fatalf("stale enable: %d, want 409", res.status)
	}
	mustContain(t, res.body, "کاربر دیگری همین حالا تغییر داده است", `name="version" value="2"`)
	if res := a.post(hq, "/admin/users/"+id+"/enable", url.Values{"version": {"2"}}); res.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", res.status)
	}
	// Missing version: refused as a conflict.
	if res := a.post(hq, "/admin/users/"+id+"/disable", url.Values{}); res.status != http.StatusConflict {
		t.Fatalf("disable without version: %d", res.status)
	}
	// Reset: short password refused with its message; a good one works and lifts a lock.
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE users SET locked_until = now() + interval '10 minutes' WHERE id = $1`, a.ids["observer"]); err != nil {
		t.Fatal(err)
	}
	res = a.post(hq, "/admin/users/"+id+"/password", url.Values{"version": {"3"}, "password": {"short"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("short reset: %d", res.status)
	}
	mustContain(t, res.body, "گذرواژه باید دست‌کم")
	if res := a.post(hq, "/admin/users/"+id+"/password", url.Values{"version": {"3"}, "password": {"brand-new-password"}}); res.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.status)
	}
	c := a.client()
	if res := a.post(c, "/login", url.Values{"username": {"observer"}, "password": {"brand-new-password"}}); res.status != http.StatusSeeOther {
		t.Fatalf("login with the reset password: %d", res.status)
	}
	// HQ cannot disable itself.
	if res := a.post(hq, "/admin/users/"+itoa(a.ids["hq.fars"])+"/disable", url.Values{"version": {"1"}}); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("self-disable: %d", res.status)
	}
	for _, action := range []string{"user.disable", "user.enable", "user.password_reset"} {
		if n := a.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2 AND detail::text LIKE '%before%after%'`, action, id); n != 1 {
			t.Errorf("%s audit rows with before/after = %d, want 1", action, n)
		}
	}
	// Non-HQ roles may not act.
	gov := a.login("gov.marvdasht")
	if res := a.post(gov, "/admin/users/"+id+"/disable", url.Values{"version": {"4"}}); res.status != http.StatusForbidden {
		t.Fatalf("governor disabling a user: %d", res.status)
	}
}

func TestProfile(t *testing.T) {
	a := newTestApp(t)
	c := a.login("gov.marvdasht")
	res := a.post(c, "/profile/password", url.Values{"current_password": {"wrong-password"}, "new_password": {"new-password-1"}, "confirm_password": {"other-password"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad change: %d", res.status)
	}
	mustContain(t, res.body, "گذرواژه کنونی نادرست است", "تکرار گذرواژه با گذرواژه جدید یکسان نیست")
	if n := a.count(`SELECT count(*) FROM login_failures WHERE username = 'gov.marvdasht'`); n != 1 {
		t.Fatalf("a wrong current password was not counted as a failed login (%d)", n)
	}
	res = a.post(c, "/profile/password", url.Values{"current_password": {testPassword}, "new_password": {"new-password-1"}, "confirm_password": {"new-password-1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.status)
	}
	if res := a.post(a.client(), "/login", url.Values{"username": {"gov.marvdasht"}, "password": {"new-password-1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", res.status)
	}
	// The saved language follows the user to a new browser.
	if res := a.post(c, "/profile/lang", url.Values{"lang": {"en"}}); res.status != http.StatusSeeOther {
		t.Fatalf("save language: %d", res.status)
	}
	fresh := a.client()
	a.post(fresh, "/login", url.Values{"username": {"gov.marvdasht"}, "password": {"new-password-1"}})
	mustContain(t, a.get(fresh, "/").body, `lang="en"`, "County governor", "Marvdasht")
}

func TestLanguageSwitch(t *testing.T) {
	a := newTestApp(t)
	c := a.login("hq.fars")
	res := a.get(c, "/lang/en?next=%2Fcounties")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/counties" {
		t.Fatalf("switch: %d %q", res.status, res.header.Get("Location"))
	}
	page := a.get(c, "/counties")
	mustContain(t, page.body, `lang="en"`, `dir="ltr"`, "Counties", "Marvdasht", "37 counties")
	mustNotContain(t, page.body, "مرودشت")
	a.get(c, "/lang/fa?next=https://evil.example/")
	page = a.get(c, "/counties")
	mustContain(t, page.body, `lang="fa"`, "مرودشت", "۳۷")
	if res := a.get(c, "/lang/de"); res.status != http.StatusNotFound {
		t.Fatalf("unknown language: %d", res.status)
	}
	if res := a.get(c, "/lang/en?next=https://evil.example/"); res.header.Get("Location") != "/" {
		t.Fatalf("open redirect to %q", res.header.Get("Location"))
	}
}

func TestAuditPage(t *testing.T) {
	a := newTestApp(t)
	hq := a.login("hq.fars")
	a.login("gov.marvdasht")
	res := a.get(hq, "/audit?actor=gov.marvdasht")
	mustContain(t, res.body, "ورود", "gov.marvdasht")
	mustNotContain(t, res.body, ">hq.fars<")
	// Newest first.
	all := a.get(hq, "/audit").body
	if strings.Index(all, ">gov.marvdasht<") > strings.Index(all, ">hq.fars<") {
		t.Error("the log is not newest first")
	}
	res = a.get(hq, "/audit?day=۱۴۰۵/۱۳/۰۱")
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad day: %d", res.status)
	}
	mustContain(t, res.body, "تاریخ را به شکل", `value="۱۴۰۵/۱۳/۰۱"`)
	if res := a.get(hq, "/audit?day=1390/01/01"); !strings.Contains(res.body, "رویدادی با این مشخصات ثبت نشده است") {
		t.Error("a day without events shows events")
	}
	// Pages of 50, linked by id.
	for range 60 {
		a.login("committee")
	}
	first := a.get(hq, "/audit?entity=user")
	if n := strings.Count(first.body, "<tr>") - 1; n != auditPageSize {
		t.Fatalf("first page has %d rows", n)
	}
	i := strings.Index(first.body, `rel="next" href="`)
	if i < 0 {
		t.Fatal("no link to older events")
	}
	href := first.body[i+len(`rel="next" href="`):]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	second := a.get(hq, href)
	if second.status != 200 || !strings.Contains(second.body, "<tbody>") {
		t.Fatalf("second page: %d", second.status)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := newTestApp(t)
	laptop, phone := a.login("gov.marvdasht"), a.login("gov.marvdasht")
	res := a.post(laptop, "/profile/password", url.Values{"current_password": {testPassword}, "new_password": {"new-password-1"}, "confirm_password": {"new-password-1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.status)
	}
	if res := a.get(laptop, "/"); res.status != http.StatusOK {
		t.Fatalf("the session that changed the password ended: %d", res.status)
	}
	if res := a.get(phone, "/"); res.status != http.StatusSeeOther {
		t.Fatalf("another session outlived the password change: %d", res.status)
	}
	// HQ setting a new password ends every session of the user.
	hq := a.login("hq.fars")
	res = a.post(hq, "/admin/users/"+itoa(a.ids["gov.marvdasht"])+"/password", url.Values{"version": {"2"}, "password": {"hq-set-password"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.status)
	}
	if res := a.get(laptop, "/"); res.status != http.StatusSeeOther {
		t.Fatalf("a session outlived the reset: %d", res.status)
	}
}
