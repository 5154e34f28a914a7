package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/config"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// replica is a second Setad process on a's database: its own pool, store, cache and notifications, its
// own server. The clients' cookies reach both (a cookie names a host, not a port).
func (a *testApp) replica() *testApp {
	a.t.Helper()
	pool, err := pgxpool.New(context.Background(), a.dbURL)
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(pool.Close)
	st := store.New(pool)
	cfg, err := config.Parse(func(string) string { return "" })
	if err != nil {
		a.t.Fatal(err)
	}
	cfg.Password = cheap
	ctx, cancel := context.WithCancel(context.Background())
	a.t.Cleanup(cancel)
	b := *a
	b.st, b.logs = st, &syncBuffer{}
	b.s = New(ctx, cfg, slog.New(slog.NewJSONHandler(b.logs, nil)), st, password.NewHasher(cheap, 2))
	b.srv = httptest.NewServer(b.s.Routes())
	a.t.Cleanup(b.srv.Close)
	for _, x := range []*testApp{a, &b} {
		for i := 0; !x.st.Caching(); i++ {
			if i == 1000 {
				a.t.Fatal("the cache's notifications do not connect")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return &b
}

// behindTheCaches changes the database without the triggers, as if it had not been changed at all: a
// page that still shows the old value comes from a cache.
func (a *testApp) behindTheCaches(sql string) {
	a.t.Helper()
	if _, err := a.st.Pool().Exec(context.Background(), `BEGIN; SET LOCAL session_replication_role = replica; `+sql+`; COMMIT`); err != nil {
		a.t.Fatal(err)
	}
}

// Two processes on one database: what one of them has acknowledged, the other shows on the next request,
// every time, though both cache the reference data.
func TestReplicasServeWhatTheOtherWrote(t *testing.T) {
	a := newTestApp(t)
	a.s.now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC) }
	a.withElection()
	b := a.replica()
	national, observer, hq := a.login("national"), a.login("observer"), a.login("hq.fars")

	t.Run("board rule", func(t *testing.T) {
		mustContain(t, b.get(observer, "/boards/rules").body, "۸ معتمد اصلی")
		a.behindTheCaches(`UPDATE board_rules SET trusted_main = 7 WHERE kind = 'councils' AND level = 'county'`)
		mustContain(t, b.get(observer, "/boards/rules").body, "۸ معتمد اصلی") // kept by b: its cache is in use
		for i := range 5 {
			n := 11 + i
			form := url.Values{"version": {strconv.Itoa(1 + i)}, "trusted_main": {strconv.Itoa(n)}, "alternates": {"5"}, "pool_size": {"30"},
				"quorum_num": {"2"}, "quorum_den": {"3"}, "formed_within_days": {"5"}, "ex_officio": {"civil_registration"}}
			if res := a.post(national, "/boards/rules/councils/county", form); res.status != http.StatusSeeOther {
				t.Fatalf("rule update %d: %d", i, res.status)
			}
			mustContain(t, b.get(observer, "/boards/rules").body, persian.ToPersianDigits(strconv.Itoa(n))+" معتمد اصلی")
			mustContain(t, b.get(observer, "/boards/rules").body, persian.ToPersianDigits(strconv.Itoa(n))+" معتمد اصلی")
		}
	})
	t.Run("candidate rule", func(t *testing.T) {
		b.get(observer, "/candidates/rules")
		for i := range 5 {
			age := 30 + i
			form := url.Values{"version": {strconv.Itoa(1 + i)}, "min_age": {strconv.Itoa(age)}, "village_small_households": {"200"},
				"city_small_population": {"20000"}, "certificate_max_months": {"3"}, "resignation_min_months": {"3"}, "objection_days": {"4"},
				"constituency_change_until_days": {"15"}, "max_constituency_changes": {"1"}}
			if res := a.post(national, "/candidates/rules/councils", form); res.status != http.StatusSeeOther {
				t.Fatalf("rule update %d: %d", i, res.status)
			}
			mustContain(t, b.get(observer, "/candidates/rules").body, "<dd>"+persian.ToPersianDigits(strconv.Itoa(age))+"</dd>")
		}
	})
	t.Run("county sizes and cities", func(t *testing.T) {
		mustNotContain(t, b.get(hq, "/counties/marvdasht").body, "۱۵٬۰۰۰", "Seyedan")
		if res := a.post(hq, "/counties/marvdasht/sizes", url.Values{"version": {"1"}, "population_marvdasht": {"15000"},
			"households_marvdasht-central": {"150"}}); res.status != http.StatusSeeOther {
			t.Fatalf("sizes: %d", res.status)
		}
		mustContain(t, b.get(hq, "/counties/marvdasht").body, "۱۵٬۰۰۰")
		b.get(hq, "/counties")
		if res := a.post(hq, "/counties/marvdasht/cities", url.Values{"name_fa": {"سیدان"}, "name_en": {"Seyedan"}, "code": {"seyedan"},
			"district": {"marvdasht-seyyedan"}}); res.status != http.StatusSeeOther {
			t.Fatalf("add city: %d\n%s", res.status, res.body)
		}
		mustContain(t, b.get(hq, "/counties/marvdasht").body, "سیدان")
		row := regexp.MustCompile(`(?s)<tr><td><a href="/counties/marvdasht">.*?</tr>`).FindString(b.get(hq, "/counties").body)
		cities := a.count(`SELECT count(*) FROM cities ci JOIN counties c ON c.id = ci.county_id WHERE c.code = 'marvdasht'`)
		mustContain(t, row, `<td class="num">`+persian.ToPersianDigits(strconv.Itoa(cities))+`</td></tr>`)
	})
	t.Run("a critical incident reported through server A is seen at once on server B's HQ dashboard (open critical count) and in HQ's inbox on B",
		func(t *testing.T) {
			critical := regexp.MustCompile(`href="/incidents\?[^"]*county=marvdasht[^"]*severity=critical[^"]*">\s*[^<]*<bdi>([^<]+)</bdi>`)
			before := b.get(hq, "/")
			if before.status != http.StatusOK || critical.MatchString(before.body) {
				t.Fatalf("HQ's dashboard on B before the report: %d, critical %v", before.status, critical.FindStringSubmatch(before.body))
			}
			mustNotContain(t, b.get(hq, "/notifications").body, "توقف سامانه شمارش")
			since := a.s.now().Add(-time.Hour).In(i18n.Tehran)
			res := a.post(a.login("gov.marvdasht"), "/incidents", url.Values{"system": {"counting"}, "title": {"توقف سامانه شمارش"},
				"body": {"شمارش متوقف شد"}, "severity": {"critical"}, "since": {persian.FromTime(since).String() + " " + since.Format("15:04")}})
			if res.status != http.StatusSeeOther || !incidentAddress.MatchString(res.header.Get("Location")) {
				t.Fatalf("report through A: %d %s", res.status, res.header.Get("Location"))
			}
			if m := critical.FindStringSubmatch(b.get(hq, "/").body); m == nil || m[1] != "۱" {
				t.Errorf("Marvdasht's open critical incidents on B's HQ dashboard: %v, want ۱", m)
			}
			inbox := regexp.MustCompile(`(?s)<li class="notice notice-unread"><span class="notice-kind">حادثه بحرانی در سامانه‌های انتخابات</span>.*?</li>`).
				FindString(b.get(hq, "/notifications").body)
			mustContain(t, inbox, "توقف سامانه شمارش")
		})
	t.Run("disabled user", func(t *testing.T) {
		gov := a.login("gov.pasargad")
		if res := b.get(gov, "/"); res.status != http.StatusOK {
			t.Fatalf("home on the other process: %d", res.status)
		}
		path := "/admin/users/" + itoa(a.ids["gov.pasargad"]) + "/disable"
		again := confirmation(t, a.post(hq, path, url.Values{"version": {"1"}}), path, "gov.pasargad")
		if res := a.post(hq, path, again); res.status != http.StatusSeeOther {
			t.Fatalf("disable: %d", res.status)
		}
		if res := b.get(gov, "/"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
			t.Errorf("a disabled user's session on the other process: %d %s", res.status, res.header.Get("Location"))
		}
	})
}

// Two processes on one database are one site: a session begun on one is the same on the other, and ended
// on either it is ended on both; a file uploaded through one downloads, the same bytes, from the other; a
// rule changed through one shows at once on the other.
func TestReplicasAreOneSite(t *testing.T) {
	a := newTestApp(t)
	b := a.replica()

	t.Run("session", func(t *testing.T) {
		c := a.login("gov.marvdasht")
		res := b.get(c, "/profile")
		if res.status != http.StatusOK {
			t.Fatalf("the profile on the other process: %d %s", res.status, res.header.Get("Location"))
		}
		mustContain(t, res.body, "علی رضایی")
		u, _ := url.Parse(a.srv.URL)
		cookies := c.Jar.Cookies(u)
		if len(cookies) == 0 {
			t.Fatal("no session cookie")
		}
		if res := b.post(c, "/logout", nil); res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
			t.Fatalf("logout on the other process: %d %s", res.status, res.header.Get("Location"))
		}
		// The old cookie, kept by whoever copied it, no longer opens a page on the first process.
		old := a.client()
		old.Jar.SetCookies(u, cookies)
		for _, x := range []*testApp{a, b} {
			if res := x.get(old, "/"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
				t.Errorf("the ended session: %d %s, want a redirect to /login", res.status, res.header.Get("Location"))
			}
		}
	})

	t.Run("attachment", func(t *testing.T) {
		committee, gov := a.login("committee"), b.login("gov.marvdasht")
		pdf := seed.DemoPDF()
		id := a.newGuidance(committee, guidanceFields("دستورالعمل دو سرور", "متن", "marvdasht"),
			filePart{"attachment", "راهنما.pdf", "application/pdf", pdf})
		page := "/guidance/" + itoa(id)
		v := formVersionOn(t, a.get(committee, page).body)
		if res := a.post(committee, page+"/publish", url.Values{"version": {v}, "confirm": {"yes"}}); res.status != http.StatusSeeOther {
			t.Fatalf("publish: %d", res.status)
		}
		fromA, fromB := a.get(gov, page+"/attachments/1"), b.get(gov, page+"/attachments/1")
		if fromB.status != http.StatusOK || fromB.body != string(pdf) {
			t.Fatalf("download from the other process: %d, %d bytes, want the %d uploaded", fromB.status, len(fromB.body), len(pdf))
		}
		for _, h := range []string{"Content-Type", "Content-Length", "Content-Disposition", "Content-Security-Policy"} {
			if fromA.header.Get(h) != fromB.header.Get(h) {
				t.Errorf("%s: %q from one, %q from the other", h, fromA.header.Get(h), fromB.header.Get(h))
			}
		}
	})

	t.Run("rule", func(t *testing.T) {
		hq := a.login("hq.fars")
		mustNotContain(t, b.get(hq, "/admin/committees").body, "کمیته فناوری اطلاعات")
		if res := a.post(hq, "/admin/committees/technology", url.Values{"name_fa": {"کمیته فناوری اطلاعات"},
			"name_en": {"IT committee"}, "version": {"1"}}); res.status != http.StatusSeeOther {
			t.Fatalf("rename: %d\n%s", res.status, res.body)
		}
		mustContain(t, b.get(hq, "/admin/committees").body, "کمیته فناوری اطلاعات")
	})
}
