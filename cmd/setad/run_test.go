package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/migrations"
)

// testPassword is long enough for auth.MinPasswordLen.
const testPassword = "correct-horse-1"

// app runs the command line against one fresh, migrated database and inspects that database.
type app struct {
	t   *testing.T
	env map[string]string
	db  *pgxpool.Pool
}

func newApp(t *testing.T) *app {
	t.Helper()
	u := dbtest.NewDatabase(t)
	db, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(db.Close)
	return &app{t: t, db: db, env: map[string]string{
		"DATABASE_URL":            u,
		"SETAD_ARGON2_TIME":       "1",
		"SETAD_ARGON2_MEMORY_KIB": "1024",
	}}
}

// in returns a copy of a whose helpers report to t, for use inside a subtest.
func (a *app) in(t *testing.T) *app {
	c := *a
	c.t = t
	return &c
}

func (a *app) getenv(k string) string { return a.env[k] }

// run runs `setad args...` with stdin and returns what it printed.
func (a *app) run(stdin string, args ...string) (string, error) {
	a.t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, append([]string{"setad"}, args...), a.getenv, strings.NewReader(stdin), &out)
	return out.String(), err
}

// mustRun is run that fails the test on an error.
func (a *app) mustRun(stdin string, args ...string) string {
	a.t.Helper()
	out, err := a.run(stdin, args...)
	if err != nil {
		a.t.Fatalf("setad %s: %v\noutput:\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// count returns the single integer a query answers, e.g. count(*).
func (a *app) count(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (a *app) id(query string, args ...any) int64 {
	a.t.Helper()
	var id int64
	if err := a.db.QueryRow(context.Background(), query, args...).Scan(&id); err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (a *app) exec(query string, args ...any) {
	a.t.Helper()
	if _, err := a.db.Exec(context.Background(), query, args...); err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
}

func (a *app) auditRows() int { return a.count(`SELECT count(*) FROM audit_log`) }

// tableCounts counts the rows of every table in the public schema.
func (a *app) tableCounts() map[string]int {
	a.t.Helper()
	rows, err := a.db.Query(context.Background(),
		`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		a.t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		a.t.Fatal(err)
	}
	counts := map[string]int{}
	for _, n := range names {
		counts[n] = a.count(`SELECT count(*) FROM ` + pgx.Identifier{n}.Sanitize())
	}
	return counts
}

func (a *app) auditIDs() []int64 {
	a.t.Helper()
	rows, err := a.db.Query(context.Background(), `SELECT id FROM audit_log ORDER BY id`)
	if err != nil {
		a.t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		a.t.Fatal(err)
	}
	return ids
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("tables before %v, after %v", before, after)
	}
	for table, n := range before {
		if after[table] != n {
			t.Errorf("table %s: %d rows before the second run, %d after", table, n, after[table])
		}
	}
}

func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", fragments)
	}
	if strings.Contains(err.Error(), "<nil>") {
		t.Errorf("error %q shows a nil error", err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err, f)
		}
	}
}

// csvRows counts the data rows (not the header) of one of the seed's CSV files.
func csvRows(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile("../../internal/seed/data/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.Split(strings.TrimSpace(string(b)), "\n")) - 1
}

func (a *app) checkReference(t *testing.T) {
	t.Helper()
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM provinces WHERE code = 'fars' AND name_en = 'Fars'`, 1},
		{`SELECT count(*) FROM provinces`, 1},
		{`SELECT count(*) FROM counties`, 37},
		{`SELECT count(*) FROM counties c JOIN provinces p ON p.id = c.province_id WHERE p.code = 'fars'`, 37},
		{`SELECT count(*) FROM districts`, csvRows(t, "fars-districts.csv")},
		{`SELECT count(*) FROM committees`, 6},
		{`SELECT count(*) FROM committees WHERE key IN ('training', 'legal', 'technology', 'security', 'publicity', 'inspection')`, 6},
		{`SELECT count(*) FROM election_kinds`, 4},
		{`SELECT count(*) FROM election_kinds WHERE key IN ('councils', 'majlis', 'presidential', 'by_election')`, 4},
		{`SELECT count(*) FROM elections WHERE code = 'councils-7' AND kind = 'councils' AND election_day = '2026-05-01'`, 1},
	} {
		if got := a.count(c.query); got != c.want {
			t.Errorf("%s = %d, want %d", c.query, got, c.want)
		}
	}
	if n := csvRows(t, "fars-counties.csv"); n != 37 {
		t.Errorf("fars-counties.csv has %d rows, want 37", n)
	}
}

func TestSeedTwice(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if out := a.mustRun("", "seed"); out != "reference data loaded\n" {
		t.Errorf("seed printed %q", out)
	}
	a.checkReference(t)
	if n := a.count(`SELECT count(*) FROM elections WHERE is_current`); n != 0 {
		t.Errorf("%d current elections after seed, want 0", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE actor = 'system' AND action IN ('reference.load', 'election.create')`); n != 2 {
		t.Errorf("%d audit rows for reference.load and election.create, want 2", n)
	}
	before, auditBefore := a.tableCounts(), a.auditRows()

	a.mustRun("", "seed")
	a.checkReference(t)
	sameCounts(t, before, a.tableCounts())
	if n := a.auditRows(); n != auditBefore {
		t.Errorf("audit rows: %d after the first seed, %d after the second", auditBefore, n)
	}
}

// The synthetic country loads once, with its counts and time on standard output and a line per step on
// standard error (no terminal here); a second load is refused, changing nothing.
func TestSeedSyntheticCountry(t *testing.T) {
	// Not parallel: it sets the country's size and where progress goes for the command.
	oldSize, oldProgress := countrySize, progressOut
	var progress bytes.Buffer
	countrySize = seed.CountryOptions{Provinces: 3, Counties: 40, Districts: 46, Users: 300, Candidates: 200, Tasks: 200, Audit: 300}
	progressOut = &progress
	t.Cleanup(func() { countrySize, progressOut = oldSize, oldProgress })
	a := newApp(t)
	if _, err := a.run("", "seed", "--synthetic", "5", "--synthetic-country"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("--synthetic with --synthetic-country: %v, want the usage", err)
	}
	out := a.mustRun("", "seed", "--synthetic-country")
	for _, want := range []string{"reference data loaded\n", "synthetic country loaded into election synthetic in ",
		"  provinces               2\n", "  counties                3\n", "  districts               3\n", "  candidates            200\n",
		"  audit rows            300\n", "  step candidates ", seed.DemoPassword} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if lines := strings.Split(strings.TrimSpace(progress.String()), "\n"); len(lines) != 7 || !strings.HasPrefix(lines[0], "places: 6 rows in ") {
		t.Errorf("progress:\n%s", progress.String())
	}
	if n := a.count(`SELECT count(*) FROM provinces`); n != 3 {
		t.Errorf("%d provinces, want Fars and two sample ones", n)
	}
	before, audits := a.tableCounts(), a.auditRows()
	_, err := a.run("", "seed", "--demo", "--synthetic-country")
	if err == nil || !strings.Contains(err.Error(), "already loaded") {
		t.Errorf("a second load: %v, want a refusal", err)
	}
	sameCounts(t, before, a.tableCounts())
	if a.auditRows() != audits {
		t.Errorf("the refused load wrote %d audit rows", a.auditRows()-audits)
	}
}

// Synthetic candidates are for measurement: beside the real ones of an election they need --force.
func TestSeedSyntheticBesideRealCandidates(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.mustRun("", "seed", "--demo")
	real := a.count(`SELECT count(*) FROM candidates c JOIN elections e ON e.id = c.election_id WHERE e.is_current`)
	if real == 0 {
		t.Fatal("the demo election has no candidates")
	}
	audits := a.auditRows()
	_, err := a.run("", "seed", "--synthetic", "20")
	if err == nil || !strings.Contains(err.Error(), "real (non-synthetic) candidates") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("seed --synthetic beside real candidates: %v, want a refusal naming --force", err)
	}
	if n := a.count(`SELECT count(*) FROM candidates WHERE tracking_id LIKE 'SYN-%'`); n != 0 || a.auditRows() != audits {
		t.Errorf("the refused load wrote %d synthetic candidates and %d audit rows", n, a.auditRows()-audits)
	}
	if _, err := a.run("", "seed", "--force"); err == nil {
		t.Error("--force without --synthetic was accepted")
	}
	a.mustRun("", "seed", "--synthetic", "20", "--force")
	if n := a.count(`SELECT count(*) FROM candidates WHERE tracking_id LIKE 'SYN-%'`); n != 20 {
		t.Errorf("%d synthetic candidates after --force, want 20", n)
	}
}

func TestSeedDemoTwice(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	started := time.Now().In(i18n.Tehran) // the demo counts from the day it is loaded, in Tehran
	out := a.mustRun("", "seed", "--demo")
	a.checkReference(t)
	// The load leaves the planner its statistics of what it loaded.
	if n := a.count(`SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'candidates' AND attname = 'status'`); n != 1 {
		t.Errorf("no statistics of the candidates after the seed (%d rows in pg_stats)", n)
	}
	if !strings.Contains(out, seed.DemoPassword) {
		t.Errorf("output does not show the password %q:\n%s", seed.DemoPassword, out)
	}
	for _, u := range seed.DemoUsers {
		if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(u.Username) + `\s+` + u.Role + `\b`).MatchString(out) {
			t.Errorf("output does not list %s (%s):\n%s", u.Username, u.Role, out)
		}
	}
	if n := a.count(`SELECT count(*) FROM users`); n != 14 || len(seed.DemoUsers) != 14 {
		t.Errorf("%d users (%d demo users), want 14", n, len(seed.DemoUsers))
	}
	for _, u := range seed.DemoUsers {
		if n := a.count(`SELECT count(*) FROM users WHERE username = $1 AND role = $2`, u.Username, u.Role); n != 1 {
			t.Errorf("user %s with role %s: %d rows", u.Username, u.Role, n)
		}
	}
	var hash string
	if err := a.db.QueryRow(context.Background(), `SELECT password_hash FROM users WHERE username = 'gov.marvdasht'`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	verifies(t, hash, seed.DemoPassword)

	rows, err := a.db.Query(context.Background(), `SELECT code, election_day FROM elections WHERE is_current`)
	if err != nil {
		t.Fatal(err)
	}
	type current struct {
		Code string
		Day  time.Time
	}
	cur, err := pgx.CollectRows(rows, pgx.RowToStructByPos[current])
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 1 || cur[0].Code != "demo-councils" {
		t.Fatalf("current elections %+v, want just demo-councils", cur)
	}
	y, m, d := started.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	days := int(cur[0].Day.Sub(today).Hours() / 24)
	if cur[0].Day.Weekday() != time.Friday || days < 90 || days > 96 {
		t.Errorf("demo election day %s (%s) is %d days after %s; want a Friday 90 to 96 days ahead",
			cur[0].Day.Format(time.DateOnly), cur[0].Day.Weekday(), days, today.Format(time.DateOnly))
	}

	before, auditBefore := a.tableCounts(), a.auditRows()
	out2 := a.mustRun("", "seed", "--demo")
	if out2 != out {
		t.Errorf("second run printed\n%s\nfirst printed\n%s", out2, out)
	}
	sameCounts(t, before, a.tableCounts())
	if n := a.auditRows(); n != auditBefore {
		t.Errorf("audit rows: %d after the first seed --demo, %d after the second", auditBefore, n)
	}
}

func verifies(t *testing.T, hash, pw string) {
	t.Helper()
	h := password.NewHasher(password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}, 1)
	ok, err := h.Verify(context.Background(), pw, hash)
	if err != nil || !ok {
		t.Errorf("hash %q does not verify %q: ok=%v err=%v", hash, pw, ok, err)
	}
	if ok, _ := h.Verify(context.Background(), pw+"x", hash); ok {
		t.Errorf("hash %q also verifies a different password", hash)
	}
}

func TestUserAdd(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.mustRun("", "seed")
	a.mustRun(testPassword+"\n", "user", "add", "--username", "taken.user", "--name", "Taken", "--role", "national")
	// A second province, so a county can be named with a province it is not in.
	a.exec(`INSERT INTO provinces (code, name_fa, name_en) VALUES ('yazd', 'یزد', 'Yazd')`)
	fars := a.id(`SELECT id FROM provinces WHERE code = 'fars'`)
	marvdasht := a.id(`SELECT id FROM counties WHERE code = 'marvdasht'`)
	central := a.id(`SELECT id FROM districts WHERE code = 'marvdasht-central'`)

	type place struct {
		Province, County, District int64
		Committee                  string
	}
	ok := []struct {
		name  string
		args  []string
		stdin string
		want  place
	}{
		{"governor", []string{"--username", "gov.one", "--name", "علی  رضایی", "--role", "governor", "--county", "marvdasht"},
			testPassword + "\n", place{Province: fars, County: marvdasht}},
		{"governor with its province", []string{"--username", "gov.two", "--name", "G", "--role", "governor", "--province", "fars", "--county", "marvdasht"},
			testPassword + "\n", place{Province: fars, County: marvdasht}},
		{"district head", []string{"--username", "dh.one", "--name", "D", "--role", "district_head", "--district", "marvdasht-central"},
			testPassword + "\r\nonly the first line is the password\n", place{Province: fars, County: marvdasht, District: central}},
		{"district head with its county", []string{"--username", "dh.two", "--name", "D", "--role", "district_head", "--county", "marvdasht", "--district", "marvdasht-central"},
			testPassword + "\n", place{Province: fars, County: marvdasht, District: central}},
		{"committee", []string{"--username", "legal.one", "--name", "C", "--role", "committee", "--province", "fars", "--committee", "legal"},
			testPassword, place{Province: fars, Committee: "legal"}},
		{"national, upper-case name", []string{"--username", "National.One", "--name", "N", "--role", "national"},
			testPassword + "\n", place{}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			a := a.in(t)
			auditBefore := a.auditRows()
			out, err := a.run(c.stdin, append([]string{"user", "add"}, c.args...)...)
			if err != nil {
				t.Fatalf("user add: %v", err)
			}
			username := strings.ToLower(c.args[1])
			m := regexp.MustCompile(`^user (\S+) created \(id (\d+)\)\n$`).FindStringSubmatch(out)
			if m == nil || m[1] != username {
				t.Fatalf("printed %q", out)
			}
			id, _ := strconv.ParseInt(m[2], 10, 64)
			var got place
			var hash, role string
			err = a.db.QueryRow(context.Background(), `
				SELECT coalesce(province_id, 0), coalesce(county_id, 0), coalesce(district_id, 0), coalesce(committee_key, ''),
				       password_hash, role
				FROM users WHERE id = $1 AND username = $2`, id, username).
				Scan(&got.Province, &got.County, &got.District, &got.Committee, &hash, &role)
			if err != nil {
				t.Fatalf("user %d: %v", id, err)
			}
			if got != c.want {
				t.Errorf("stored place %+v, want %+v", got, c.want)
			}
			if role != c.args[5] {
				t.Errorf("stored role %q, want %q", role, c.args[5])
			}
			verifies(t, hash, testPassword)
			if n := a.auditRows(); n != auditBefore+1 {
				t.Errorf("audit rows %d → %d, want one more", auditBefore, n)
			}
			var action, actor, entityID string
			if err := a.db.QueryRow(context.Background(),
				`SELECT action, actor, entity_id FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&action, &actor, &entityID); err != nil {
				t.Fatal(err)
			}
			if action != "user.create" || actor != "system" || entityID != m[2] {
				t.Errorf("last audit row: action %q actor %q entity_id %q; want user.create, system, %s", action, actor, entityID, m[2])
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM users WHERE username = 'gov.one' AND full_name = 'علی رضایی'`); n != 1 {
		t.Errorf("full name was not normalised")
	}

	bad := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{"unknown role", []string{"--username", "x.role", "--name", "X", "--role", "king"},
			testPassword, []string{"--role", "valid role"}},
		{"unknown county", []string{"--username", "x.county", "--name", "X", "--role", "governor", "--county", "atlantis"},
			testPassword, []string{"unknown county", `"atlantis"`}},
		{"unknown district", []string{"--username", "x.district", "--name", "X", "--role", "district_head", "--district", "atlantis-central"},
			testPassword, []string{"unknown district", `"atlantis-central"`}},
		{"unknown committee", []string{"--username", "x.committee", "--name", "X", "--role", "committee", "--province", "fars", "--committee", "cooking"},
			testPassword, []string{"unknown committee"}},
		{"unknown province", []string{"--username", "x.province", "--name", "X", "--role", "hq", "--province", "atlantis"},
			testPassword, []string{"unknown province", `"atlantis"`}},
		{"governor without county", []string{"--username", "x.gov", "--name", "X", "--role", "governor"},
			testPassword, []string{"--county", "county"}},
		{"short password", []string{"--username", "x.short", "--name", "X", "--role", "national"},
			"123456789\n", []string{"--password", "at least 10"}},
		{"no password", []string{"--username", "x.empty", "--name", "X", "--role", "national"},
			"", []string{"--password"}},
		{"username taken", []string{"--username", "Taken.User", "--name", "X", "--role", "national"},
			testPassword, []string{`"taken.user"`, "taken"}},
		{"county not in the province", []string{"--username", "x.yazd", "--name", "X", "--role", "governor", "--province", "yazd", "--county", "marvdasht"},
			testPassword, []string{"not in the province"}},
		{"district head with another county", []string{"--username", "x.dh", "--name", "X", "--role", "district_head", "--county", "shiraz", "--district", "marvdasht-central"},
			testPassword, []string{"not in the county"}},
		{"county given to an observer", []string{"--username", "x.obs", "--name", "X", "--role", "observer", "--province", "fars", "--county", "shiraz"},
			testPassword, []string{"--county", "does not use"}},
		{"bad username", []string{"--username", "-x", "--name", "X", "--role", "national"},
			testPassword, []string{"--username"}},
		{"missing name", []string{"--username", "x.noname", "--role", "national"},
			testPassword, []string{"--name"}},
		{"stray argument", []string{"--username", "x.stray", "--name", "X", "--role", "national", "extra"},
			testPassword, []string{`unexpected argument "extra"`, "usage:"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			a := a.in(t)
			users, auditBefore := a.count(`SELECT count(*) FROM users`), a.auditRows()
			out, err := a.run(c.stdin, append([]string{"user", "add"}, c.args...)...)
			wantErr(t, err, c.want...)
			if out != "" {
				t.Errorf("printed %q on failure", out)
			}
			if n := a.count(`SELECT count(*) FROM users`); n != users {
				t.Errorf("users %d → %d after a failed add", users, n)
			}
			if n := a.auditRows(); n != auditBefore {
				t.Errorf("audit rows %d → %d after a failed add", auditBefore, n)
			}
		})
	}
}

func TestElectionAdd(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.mustRun("", "seed", "--demo")
	demo := a.id(`SELECT id FROM elections WHERE code = 'demo-councils' AND is_current`)

	// The expected day comes from the Jalali conversion, and is checked against the calendar as well.
	jd, err := persian.ParseDate("1407/01/20")
	if err != nil {
		t.Fatal(err)
	}
	want := jd.Time(time.UTC)
	if want.Format(time.DateOnly) != "2028-04-08" || persian.FromTime(want) != jd {
		t.Fatalf("1407/01/20 converts to %s (and back to %s), want 2028-04-08", want.Format(time.DateOnly), persian.FromTime(want))
	}

	auditBefore := a.auditRows()
	out := a.mustRun("", "election", "add", "--kind", "majlis", "--title", "  انتخابات مجلس  ", "--day", "۱۴۰۷/۰۱/۲۰", "--current")
	id, err := strconv.ParseInt(strings.TrimSuffix(out, "\n"), 10, 64)
	if err != nil || !strings.HasSuffix(out, "\n") {
		t.Fatalf("printed %q, want the new id and a newline", out)
	}
	var (
		code, kind, titleFa, titleEn string
		day                          time.Time
		current                      bool
	)
	err = a.db.QueryRow(context.Background(), `
		SELECT code, kind, title_fa, title_en, election_day, is_current FROM elections WHERE id = $1`, id).
		Scan(&code, &kind, &titleFa, &titleEn, &day, &current)
	if err != nil {
		t.Fatalf("election %d: %v", id, err)
	}
	if code != "majlis-1407-01-20" || kind != "majlis" || titleFa != "انتخابات مجلس" || titleEn != titleFa {
		t.Errorf("stored code %q kind %q title_fa %q title_en %q", code, kind, titleFa, titleEn)
	}
	if !day.Equal(want) || !current {
		t.Errorf("stored election_day %s current %v, want %s and true", day.Format(time.DateOnly), current, want.Format(time.DateOnly))
	}
	if n := a.count(`SELECT count(*) FROM elections WHERE is_current`); n != 1 {
		t.Errorf("%d current elections, want 1", n)
	}
	if n := a.count(`SELECT count(*) FROM elections WHERE id = $1 AND NOT is_current`, demo); n != 1 {
		t.Errorf("the demo election is still current")
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE id > (SELECT max(id) - 1 FROM audit_log)
		AND action = 'election.create' AND actor = 'system' AND entity_id = $1`, strconv.FormatInt(id, 10)); n != 1 || a.auditRows() != auditBefore+1 {
		t.Errorf("want exactly one new audit row, election.create by system for %d", id)
	}

	// Without --current the current election stays as it is.
	out = a.mustRun("", "election", "add", "--kind", "presidential", "--title", "P", "--title-en", "Presidential", "--day", "1408/03/28")
	pid, _ := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if n := a.count(`SELECT count(*) FROM elections WHERE id = $1 AND NOT is_current AND title_en = 'Presidential'
		AND election_day = $2`, pid, mustDay(t, "1408/03/28")); n != 1 {
		t.Errorf("presidential election %q not stored as asked", out)
	}
	if n := a.count(`SELECT count(*) FROM elections WHERE id = $1 AND is_current`, id); n != 1 {
		t.Errorf("adding a non-current election changed the current one")
	}

	// A by-election with its parent kind.
	out, err = a.run("", "election", "add", "--kind", "by_election", "--parent", "majlis", "--title", "B", "--day", "1407/08/01")
	if err != nil {
		t.Errorf("by-election: %v", err)
	} else {
		bid, _ := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
		if n := a.count(`SELECT count(*) FROM elections WHERE id = $1 AND kind = 'by_election' AND parent_kind = 'majlis'`, bid); n != 1 {
			t.Errorf("by-election %q not stored with its parent", out)
		}
	}

	bad := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown kind", []string{"--kind", "referendum", "--title", "T", "--day", "1407/01/20"}, []string{"unknown kind", `"referendum"`}},
		{"bad date", []string{"--kind", "majlis", "--title", "T", "--day", "1407/13/01"}, []string{"--day", `"1407/13/01"`}},
		{"not a date", []string{"--kind", "majlis", "--title", "T", "--day", "tomorrow"}, []string{"--day", `"tomorrow"`}},
		{"by-election without parent", []string{"--kind", "by_election", "--title", "T", "--day", "1407/02/01"}, []string{"by-election"}},
		{"parent on a regular election", []string{"--kind", "majlis", "--parent", "councils", "--title", "T", "--day", "1407/02/01"}, []string{"by-election"}},
		{"by-election of a by-election", []string{"--kind", "by_election", "--parent", "by_election", "--title", "T", "--day", "1407/02/01"}, []string{"by-election"}},
		{"duplicate", []string{"--kind", "majlis", "--title", "Again", "--day", "1407/01/20"},
			[]string{"already exists", "majlis", "1407/01/20", fmt.Sprintf("(id %d)", id)}},
		{"missing title", []string{"--kind", "majlis", "--title", " ", "--day", "1407/02/01"}, []string{"--title"}},
		{"unknown flag", []string{"--kind", "majlis", "--title", "T", "--day", "1407/02/01", "--colour", "red"}, []string{"colour", "usage:"}},
		{"stray argument", []string{"--kind", "majlis", "--title", "T", "--day", "1407/02/01", "now"}, []string{`unexpected argument "now"`}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			a := a.in(t)
			before, auditBefore := a.tableCounts(), a.auditRows()
			out, err := a.run("", append([]string{"election", "add"}, c.args...)...)
			wantErr(t, err, c.want...)
			if out != "" {
				t.Errorf("printed %q on failure", out)
			}
			sameCounts(t, before, a.tableCounts())
			if n := a.auditRows(); n != auditBefore {
				t.Errorf("audit rows %d → %d after a failed add", auditBefore, n)
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM elections WHERE id = $1 AND is_current AND title_fa = 'انتخابات مجلس'`, id); n != 1 {
		t.Errorf("a failed add changed the current election")
	}
}

// Moving an election day from the command line records the move with its reason and keeps every mark.
func TestElectionMove(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.mustRun("", "seed", "--demo")
	var id int64
	var was time.Time
	if err := a.db.QueryRow(context.Background(), `SELECT id, election_day FROM elections WHERE code = 'demo-councils'`).Scan(&id, &was); err != nil {
		t.Fatal(err)
	}
	marks := a.count(`SELECT count(*) FROM milestone_marks WHERE election_id = $1`, id)
	if marks == 0 {
		t.Fatal("the demo has no marks")
	}
	to := persian.FromTime(was.AddDate(0, 0, 14))
	typed := persian.ToPersianDigits(to.String())

	bad := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown code", []string{"--code", "councils-99", "--day", typed, "--reason", "R"}, []string{`no election has the code "councils-99"`}},
		{"no reason", []string{"--code", "demo-councils", "--day", typed, "--reason", "  "}, []string{"--reason"}},
		{"no code", []string{"--day", typed, "--reason", "R"}, []string{"--code"}},
		{"bad date", []string{"--code", "demo-councils", "--day", "1405/13/01", "--reason", "R"}, []string{"--day", `"1405/13/01"`}},
		{"the same day", []string{"--code", "demo-councils", "--day", persian.FromTime(was).String(), "--reason", "R"},
			[]string{"already on", persian.FromTime(was).String()}},
		{"stray argument", []string{"--code", "demo-councils", "--day", typed, "--reason", "R", "now"}, []string{`unexpected argument "now"`}},
		{"a past day", []string{"--code", "demo-councils", "--day", persian.FromTime(time.Now().AddDate(0, 0, -2)).String(), "--reason", "R"},
			[]string{"before today"}},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			a := a.in(t)
			before, auditBefore := a.tableCounts(), a.auditRows()
			out, err := a.run("", append([]string{"election", "move"}, c.args...)...)
			wantErr(t, err, c.want...)
			if out != "" {
				t.Errorf("printed %q on failure", out)
			}
			sameCounts(t, before, a.tableCounts())
			if n := a.auditRows(); n != auditBefore {
				t.Errorf("audit rows %d → %d after a failed move", auditBefore, n)
			}
		})
	}

	auditBefore := a.auditRows()
	out := a.mustRun("", "election", "move", "--code", "demo-councils", "--day", typed, "--reason", "تعویق به دستور وزیر کشور")
	if want := fmt.Sprintf("election demo-councils moved from %s to %s\n", persian.FromTime(was), to); out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if n := a.count(`SELECT count(*) FROM elections WHERE id = $1 AND election_day = $2`, id, to.Time(time.UTC)); n != 1 {
		t.Error("the election day did not move")
	}
	if n := a.count(`SELECT count(*) FROM election_day_moves WHERE election_id = $1 AND old_day = $2 AND new_day = $3
		AND reason = 'تعویق به دستور وزیر کشور' AND moved_by IS NULL`, id, was, to.Time(time.UTC)); n != 1 {
		t.Error("the move is not recorded")
	}
	if n := a.count(`SELECT count(*) FROM milestone_marks WHERE election_id = $1`, id); n != marks {
		t.Errorf("%d marks after the move, %d before", n, marks)
	}
	if n := a.count(`SELECT count(*) FROM audit_log WHERE action = 'election.move' AND actor = 'system' AND entity_id = $1`,
		strconv.FormatInt(id, 10)); n != 1 || a.auditRows() != auditBefore+1 {
		t.Errorf("want exactly one new audit row, election.move by system")
	}
}

// The demo's timeline shows every status at once across Fars, and in Marvdasht alone: done, upcoming,
// open, due within three days, overdue; its marks were made by the governors where the demo has them.
func TestSeedDemoTimeline(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.mustRun("", "seed", "--demo")
	rows, err := a.db.Query(context.Background(), `
		WITH e AS (SELECT id, election_day FROM elections WHERE is_current),
		today AS (SELECT (now() AT TIME ZONE 'Asia/Tehran')::date AS d),
		cells AS (
			SELECT c.code, m.id AS milestone, e.election_day + m.start_offset AS start, e.election_day + m.end_offset AS finish
			FROM e JOIN milestones m ON m.kind = 'councils' AND m.level = 'county' AND m.retired_at IS NULL
			JOIN counties c ON c.province_id = (SELECT id FROM provinces WHERE code = 'fars')
			WHERE m.province_id IS NULL OR m.province_id = c.province_id)
		SELECT cells.code, CASE
			WHEN k.id IS NOT NULL THEN 'done'
			WHEN today.d < start THEN 'upcoming'
			WHEN today.d > finish THEN 'overdue'
			WHEN finish - today.d <= 3 THEN 'due_soon'
			ELSE 'open' END
		FROM cells CROSS JOIN today
		LEFT JOIN milestone_marks k ON k.election_id = (SELECT id FROM e) AND k.milestone_id = cells.milestone
		     AND k.county_id = (SELECT id FROM counties WHERE code = cells.code) AND k.district_id IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]map[string]int{}
	var county, status string
	if _, err := pgx.ForEachRow(rows, []any{&county, &status}, func() error {
		for _, k := range []string{"fars", county} {
			if statuses[k] == nil {
				statuses[k] = map[string]int{}
			}
			statuses[k][status]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, place := range []string{"fars", "marvdasht"} {
		for _, s := range []string{"done", "upcoming", "open", "due_soon", "overdue"} {
			if statuses[place][s] == 0 {
				t.Errorf("%s: no milestone %s (%v)", place, s, statuses[place])
			}
		}
	}
	if n := a.count(`SELECT count(*) FROM milestones WHERE province_id IS NOT NULL AND NOT legal`); n != 2 {
		t.Errorf("%d administrative milestones, want the 2 of Fars's HQ", n)
	}
	if n := a.count(`SELECT count(*) FROM milestone_marks k JOIN users u ON u.id = k.done_by JOIN counties c ON c.id = k.county_id
		WHERE c.code = 'pasargad' AND u.username <> 'gov.pasargad'`); n != 0 {
		t.Errorf("%d of Pasargad's marks were not made by its governor", n)
	}
	// The boards the marks call formed were first submitted in the formation window; Arsanjan's, after it.
	formed := `SELECT %s FROM boards b JOIN counties c ON c.id = b.county_id AND b.district_id IS NULL
		JOIN elections e ON e.id = b.election_id AND e.is_current JOIN milestones m ON m.code = 'boards-county'
		JOIN LATERAL (SELECT (min(s.submitted_at) AT TIME ZONE 'Asia/Tehran')::date AS d FROM board_submissions s WHERE s.board_id = b.id) f ON true
		WHERE %s`
	if n := a.count(fmt.Sprintf(formed, "count(*)", `f.d BETWEEN e.election_day + m.start_offset AND e.election_day + m.end_offset
		AND EXISTS (SELECT 1 FROM milestone_marks k WHERE k.milestone_id = m.id AND k.county_id = c.id)`)); n != 4 {
		t.Errorf("%d boards marked formed were first submitted in the window, want 4", n)
	}
	if n := a.count(fmt.Sprintf(formed, "f.d - (e.election_day + m.end_offset)", `c.code = 'arsanjan'`)); n != 2 {
		t.Errorf("Arsanjan's board was first submitted %d days after the window, want 2", n)
	}
	if n, marks := a.count(`SELECT count(*) FROM audit_log WHERE action = 'milestone.done'`), a.count(`SELECT count(*) FROM milestone_marks`); n != marks || n < 10 {
		t.Errorf("%d marks, %d audited", marks, n)
	}
}

func mustDay(t *testing.T, jalali string) time.Time {
	t.Helper()
	d, err := persian.ParseDate(jalali)
	if err != nil {
		t.Fatal(err)
	}
	return d.Time(time.UTC)
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tableExists := func() bool {
		return a.count(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'users'`) == 1
	}
	ups, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil || len(ups) == 0 {
		t.Fatalf("no migrations: %v", err)
	}
	// Versions are the files' numbers, which may have gaps.
	versions := make([]int, len(ups))
	for i, name := range ups {
		if versions[i], err = strconv.Atoi(strings.SplitN(name, "_", 2)[0]); err != nil {
			t.Fatalf("migration %s: %v", name, err)
		}
	}
	slices.Sort(versions)
	latest := fmt.Sprintf("version: %d\n", versions[len(versions)-1])
	previous := "version: none\n"
	if len(versions) > 1 {
		previous = fmt.Sprintf("version: %d\n", versions[len(versions)-2])
	}
	all := strconv.Itoa(len(ups))
	steps := []struct {
		args  []string
		want  string
		table bool
	}{
		{[]string{"migrate", "version"}, latest, true},
		{[]string{"migrate", "up"}, latest, true}, // nothing to do is not an error
		{[]string{"migrate", "down", all}, "version: none\n", false},
		{[]string{"migrate", "version"}, "version: none\n", false},
		{[]string{"migrate", "up"}, latest, true},
		{[]string{"migrate", "down", "1"}, previous, len(ups) > 1},
		{[]string{"migrate", "up"}, latest, true},
		{[]string{"migrate", "version"}, latest, true},
	}
	for _, s := range steps {
		if out := a.mustRun("", s.args...); out != s.want {
			t.Errorf("setad %s printed %q, want %q", strings.Join(s.args, " "), out, s.want)
		}
		if got := tableExists(); got != s.table {
			t.Errorf("after setad %s: table users exists = %v, want %v", strings.Join(s.args, " "), got, s.table)
		}
	}
	// The schema that came back works: seed loads into it.
	a.mustRun("", "seed")
	a.checkReference(t)

	for _, args := range [][]string{
		{"migrate", "down", "zero"},
		{"migrate", "down", "0"},
		{"migrate", "down", "-1"},
	} {
		_, err := a.run("", args...)
		wantErr(t, err, "positive number")
	}
	for _, args := range [][]string{{"migrate"}, {"migrate", "sideways"}, {"migrate", "up", "2"}} {
		_, err := a.run("", args...)
		wantErr(t, err, "usage: setad migrate")
	}
	if out := a.mustRun("", "migrate", "version"); out != latest {
		t.Errorf("bad migrate arguments changed the version: %q", out)
	}
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	rowRE := regexp.MustCompile(`^audit log intact: (\d+) rows, head (\d+):[0-9a-f]{64}\n$`)

	// setup returns a database after seed --demo, its audit ids, and checks that verify passes on it.
	setup := func(t *testing.T) (*app, []int64) {
		t.Helper()
		a := newApp(t)
		a.mustRun("", "seed", "--demo")
		ids := a.auditIDs()
		out := a.mustRun("", "audit", "verify")
		m := rowRE.FindStringSubmatch(out)
		if m == nil || m[1] != strconv.Itoa(len(ids)) || m[2] != strconv.FormatInt(ids[len(ids)-1], 10) {
			t.Fatalf("audit verify printed %q, want %d rows ending at row %d", out, len(ids), ids[len(ids)-1])
		}
		// At least reference.load, board_rules.load, two elections and ten users.
		if len(ids) < 14 {
			t.Errorf("%d audit rows after seed --demo, want at least 14", len(ids))
		}
		return a, ids
	}

	cases := []struct {
		name   string
		tamper func(a *app, ids []int64) (sql string, badID int64)
		want   string
	}{
		{"altered detail", func(a *app, ids []int64) (string, int64) {
			mid := ids[len(ids)/2]
			return fmt.Sprintf(`UPDATE audit_log SET detail = '{"x":1}' WHERE id = %d`, mid), mid
		}, "content does not match"},
		{"altered actor", func(a *app, ids []int64) (string, int64) {
			mid := ids[len(ids)/2]
			return fmt.Sprintf(`UPDATE audit_log SET actor = 'someone' WHERE id = %d`, mid), mid
		}, "content does not match"},
		{"middle row deleted", func(a *app, ids []int64) (string, int64) {
			mid := ids[len(ids)/2]
			return fmt.Sprintf(`DELETE FROM audit_log WHERE id = %d`, mid), ids[len(ids)/2+1]
		}, "was removed or altered"},
		{"first row deleted", func(a *app, ids []int64) (string, int64) {
			return fmt.Sprintf(`DELETE FROM audit_log WHERE id = %d`, ids[0]), ids[1]
		}, "previous hash does not match"},
		{"last row deleted", func(a *app, ids []int64) (string, int64) {
			return fmt.Sprintf(`DELETE FROM audit_log WHERE id = %d`, ids[len(ids)-1]), ids[len(ids)-1]
		}, "rows at the end were removed"},
		{"everything deleted", func(a *app, ids []int64) (string, int64) {
			return `DELETE FROM audit_log`, ids[len(ids)-1]
		}, "rows at the end were removed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a, ids := setup(t)
			sql, badID := c.tamper(a, ids)
			a.exec(sql)
			out, err := a.run("", "audit", "verify")
			wantErr(t, err, fmt.Sprintf("audit row %d:", badID), c.want)
			if out != "" {
				t.Errorf("printed %q for a broken chain", out)
			}
		})
	}

	t.Run("empty log", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		if out := a.mustRun("", "audit", "verify"); out != "audit log intact: 0 rows\n" {
			t.Errorf("printed %q", out)
		}
	})
	t.Run("extra argument", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		_, err := a.run("", "audit", "verify", "now")
		wantErr(t, err, `unexpected argument "now"`, "usage:")
	})
}

// The drill of the README: take the head, keep it outside, verify against it later. A chain rewritten
// from some row on with recomputed hashes passes `audit verify` alone but not against a head taken before.
func TestAuditHeadAnchor(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, err := a.run("", "audit", "head")
	wantErr(t, err, "audit log is empty")

	a.mustRun("", "seed")
	out := a.mustRun("", "audit", "head")
	if !regexp.MustCompile(`^\d+:[0-9a-f]{64}\n$`).MatchString(out) {
		t.Fatalf("audit head printed %q, want N:HASH and a newline", out)
	}
	early, err := audit.ParseHead(out)
	if err != nil {
		t.Fatalf("audit head printed %q, which --head does not accept: %v", out, err)
	}
	var headID int64
	var headHash string
	if err := a.db.QueryRow(context.Background(), `SELECT last_id, last_hash FROM audit_head`).Scan(&headID, &headHash); err != nil {
		t.Fatal(err)
	}
	if all := a.auditIDs(); early.ID != headID || early.Hash != headHash || early.ID != all[len(all)-1] {
		t.Fatalf("audit head printed %v; the head is %d:%s", early, headID, headHash)
	}
	for _, day := range []string{"1406/03/01", "1406/09/01", "1407/02/01"} {
		a.mustRun("", "election", "add", "--kind", "majlis", "--title", "مجلس "+day, "--day", day)
	}
	late, err := audit.ParseHead(a.mustRun("", "audit", "head"))
	if err != nil || late.ID <= early.ID {
		t.Fatalf("head after three more rows: %v, %v (before: %v)", late, err, early)
	}

	// Against its own heads, early and late, in both spellings of the flag.
	for _, args := range [][]string{{"--head", early.String()}, {"--head=" + late.String()}} {
		out := a.mustRun("", append([]string{"audit", "verify"}, args...)...)
		h, _ := audit.ParseHead(strings.TrimPrefix(args[len(args)-1], "--head="))
		if !strings.HasPrefix(out, "audit log intact: ") || !strings.Contains(out, fmt.Sprintf("row %d still has the recorded hash\n", h.ID)) {
			t.Errorf("verify %v printed %q", args, out)
		}
	}

	// A head beyond the chain: rows were removed since it was taken (or it is another database's).
	beyond := audit.Head{ID: late.ID + 100, Hash: late.Hash}
	out, err = a.run("", "audit", "verify", "--head", beyond.String())
	wantErr(t, err, fmt.Sprintf("audit row %d:", beyond.ID), "not in the chain")
	if out != "" {
		t.Errorf("printed %q for a failed check", out)
	}

	// Malformed heads are refused before the database is read.
	for _, bad := range []string{"abc", "12", "12:xyz", "0:" + late.Hash, late.String() + "0"} {
		_, err := a.run("", "audit", "verify", "--head", bad)
		wantErr(t, err, fmt.Sprintf("--head %q", bad), "64-character hash")
	}
	_, err = a.run("", "audit", "verify", "--head")
	wantErr(t, err, "audit verify", "head", "usage:")
	_, err = a.run("", "audit", "head", "now")
	wantErr(t, err, "unknown command")

	// Rewrite every row from the early head's on, recomputing each hash: a consistent chain again.
	rewriteAuditFrom(a, early.ID)
	if out := a.mustRun("", "audit", "verify"); !strings.HasPrefix(out, "audit log intact: ") {
		t.Fatalf("the rewritten chain does not verify, so the test proves nothing: %q", out)
	}
	for _, h := range []audit.Head{early, late} {
		out, err := a.run("", "audit", "verify", "--head", h.String())
		wantErr(t, err, fmt.Sprintf("audit row %d:", h.ID), "not the "+h.Hash+" recorded outside the database", "rewritten")
		if out != "" {
			t.Errorf("printed %q for a rewritten chain", out)
		}
	}
}

// rewriteAuditFrom alters every audit row from id on and recomputes the hashes and the head, as someone
// with write access to the database could.
func rewriteAuditFrom(a *app, from int64) {
	a.t.Helper()
	ctx := context.Background()
	rows, err := a.db.Query(ctx, `
		SELECT id, at, coalesce(actor_id, 0), actor, action, entity, entity_id, coalesce(province_id, 0),
		       remote, detail::text, prev_hash, hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		a.t.Fatal(err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[audit.Row])
	if err != nil {
		a.t.Fatal(err)
	}
	prev := ""
	for _, r := range all {
		if r.ID >= from {
			r.Actor, r.PrevHash = "someone-else", prev
			r.Hash = audit.Hash(r)
			a.exec(`UPDATE audit_log SET actor = $2, prev_hash = $3, hash = $4 WHERE id = $1`, r.ID, r.Actor, r.PrevHash, r.Hash)
			a.exec(`UPDATE audit_head SET last_hash = $1`, r.Hash)
		}
		prev = r.Hash
	}
}

// The server logs the head at start and then at every interval, as a JSON line that --head accepts.
func TestLogAuditHead(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.mustRun("", "seed")
	st := store.New(a.db)
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		logAuditHead(ctx, slog.New(slog.NewJSONHandler(logs, nil)), st, 50*time.Millisecond)
		close(done)
	}()
	type line struct {
		Msg  string
		ID   int64
		Hash string
		Head string
	}
	heads := func() []line {
		var ls []line
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var x line
			if err := json.Unmarshal([]byte(l), &x); err == nil && x.Msg == "audit head" {
				ls = append(ls, x)
			}
		}
		return ls
	}
	want, err := st.AuditHead(context.Background())
	if err != nil || want.ID == 0 {
		t.Fatalf("head after the seed: %v, %v", want, err)
	}
	eventually(t, 5*time.Second, "the head to be logged", func() bool { return len(heads()) > 0 })
	first := heads()[0]
	if first.ID != want.ID || first.Hash != want.Hash || first.Head != want.String() {
		t.Fatalf("logged %+v, want the head %v", first, want)
	}
	if h, err := audit.ParseHead(first.Head); err != nil || h != want {
		t.Fatalf("the logged head %q does not parse back: %v, %v", first.Head, h, err)
	}
	// A later line carries the head as it is then.
	a.mustRun("", "election", "add", "--kind", "majlis", "--title", "مجلس", "--day", "1406/03/01")
	moved, err := st.AuditHead(context.Background())
	if err != nil || moved.ID <= want.ID {
		t.Fatalf("head after one more row: %v, %v", moved, err)
	}
	eventually(t, 5*time.Second, "the new head to be logged", func() bool {
		ls := heads()
		return ls[len(ls)-1].ID == moved.ID && ls[len(ls)-1].Hash == moved.Hash
	})
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("logAuditHead did not return after its context ended")
	}
}

// syncBuffer is the server's log sink, written by its goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// eventually polls cond every 10ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(client *http.Client, url string) (int, string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestServe starts the server, checks it answers, and stops it the way SIGTERM does (by cancelling the
// context) while a request is held inside a handler: the request must still be answered and run must
// return nil once it is.
func TestServe(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	addr := freeAddr(t)
	a.env["SETAD_ADDR"] = addr
	a.env["SETAD_SHUTDOWN_TIMEOUT"] = "10s"
	base := "http://" + addr
	client := &http.Client{Timeout: 15 * time.Second}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"setad", "serve"}, a.getenv, strings.NewReader(""), logs) }()
	defer func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	}()

	eventually(t, 10*time.Second, "GET /healthz to answer 200", func() bool {
		select {
		case err := <-done:
			t.Fatalf("serve returned early: %v", err)
		default:
		}
		code, body, err := get(client, base+"/healthz")
		return err == nil && code == http.StatusOK && body == "ok\n"
	})
	if code, body, err := get(client, base+"/readyz"); err != nil || code != http.StatusOK || body != "ready\n" {
		t.Fatalf("GET /readyz: %d %q %v", code, body, err)
	}
	client.CloseIdleConnections()

	// Hold the next session lookup inside the handler: a cookie makes the server read the sessions table, which
	// this transaction locks.
	lockConn, err := a.db.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lockConn.Release()
	lockTx, err := lockConn.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer lockTx.Rollback(context.Background())
	if _, err := lockTx.Exec(context.Background(), `LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		code int
		body string
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
		req.AddCookie(&http.Cookie{Name: "setad_session", Value: "no-such-session-token"})
		resp, err := client.Do(req)
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inflight <- result{resp.StatusCode, string(b), err}
	}()
	eventually(t, 10*time.Second, "the request to wait on the sessions lock", func() bool {
		return a.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query LIKE '%sessions%'`) == 1
	})

	cancel() // what SIGTERM does
	// Shutdown closes the listener first: once new connections are refused, the server is draining.
	eventually(t, 5*time.Second, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
	select {
	case err := <-done:
		t.Fatalf("run returned (%v) while a request was still in flight", err)
	case r := <-inflight:
		t.Fatalf("the held request finished before the lock was released: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
	if err := lockTx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}

	select {
	case r := <-inflight:
		if r.err != nil || r.code != http.StatusOK || !strings.Contains(r.body, `name="password"`) {
			t.Errorf("in-flight GET /login: %d %v\n%.300s", r.code, r.err, r.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the in-flight request was not answered")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return within 5s of the last request")
	}
	logged := logs.String()
	// The freshly migrated log is empty: its head is logged at start all the same.
	for _, want := range []string{`"msg":"serving"`, `"msg":"audit head","id":0,"hash":""`, `"msg":"shutting down: draining requests"`, `"msg":"stopped"`} {
		if !strings.Contains(logged, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	if _, _, err := get(client, base+"/healthz"); err == nil {
		t.Error("the server still answers after run returned")
	}
}

// TestServeCancelledWhileWaitingForDatabase: serve retries its migration while the database is missing, and a cancelled
// context ends the wait cleanly.
func TestServeCancelledWhileWaitingForDatabase(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DATABASE_URL": dbtest.URLFor("setad_no_such_database"),
		"SETAD_ADDR":   freeAddr(t),
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"setad", "serve"}, func(k string) string { return env[k] }, strings.NewReader(""), logs)
	}()
	eventually(t, 10*time.Second, "the first retry to be logged", func() bool {
		return strings.Contains(logs.String(), "database not ready, retrying")
	})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after cancel")
	}
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	withDB := map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused?sslmode=disable"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"no command", withDB, nil, []string{"usage:", "setad serve"}},
		{"unknown command", withDB, []string{"frobnicate"}, []string{`unknown command "frobnicate"`, "usage:", "setad user add"}},
		{"user without add", withDB, []string{"user", "remove"}, []string{`unknown command "user remove"`, "usage:"}},
		{"election alone", withDB, []string{"election"}, []string{`unknown command "election"`, "usage:"}},
		{"missing DATABASE_URL", map[string]string{}, []string{"seed"}, []string{"DATABASE_URL"}},
		{"missing DATABASE_URL for serve", map[string]string{}, []string{"serve"}, []string{"DATABASE_URL"}},
		{"missing DATABASE_URL for migrate", map[string]string{}, []string{"migrate", "version"}, []string{"DATABASE_URL"}},
		{"not a postgres URL", map[string]string{"DATABASE_URL": "mysql://x"}, []string{"migrate", "version"}, []string{"postgres://"}},
		{"bad argon2 setting", map[string]string{"DATABASE_URL": "postgres://x", "SETAD_ARGON2_TIME": "fast"}, []string{"seed"}, []string{"SETAD_ARGON2_TIME"}},
		{"bad seed flag", withDB, []string{"seed", "--demo=maybe"}, []string{"usage: setad seed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"setad"}, c.args...), func(k string) string { return c.env[k] },
				strings.NewReader(""), &out)
			wantErr(t, err, c.want...)
			if out.Len() != 0 {
				t.Errorf("printed %q", out.String())
			}
		})
	}

	// help needs no database and prints the usage to stdout.
	for _, h := range []string{"help", "-h", "--help"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"setad", h}, func(string) string { return "" }, strings.NewReader(""), &out); err != nil {
			t.Errorf("%s: %v", h, err)
		}
		if out.String() != usage+"\n" {
			t.Errorf("%s printed %q", h, out.String())
		}
	}
}

// TestServePortInUse: a listen error ends serve with that error instead of hanging.
func TestServePortInUse(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a.env["SETAD_ADDR"] = l.Addr().String()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"setad", "serve"}, a.getenv, strings.NewReader(""), io.Discard)
	}()
	select {
	case err := <-done:
		wantErr(t, err, l.Addr().String(), "address already in use")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return although its address is taken")
	}
}
