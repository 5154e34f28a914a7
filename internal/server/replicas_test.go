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
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/persian"
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
