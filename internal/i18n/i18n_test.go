package i18n

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/persian"
)

func TestCataloguesComplete(t *testing.T) {
	for key, msg := range fa {
		if strings.TrimSpace(msg) == "" {
			t.Errorf("fa %q is empty", key)
		}
		if _, ok := en[key]; !ok {
			t.Errorf("en lacks %q", key)
		}
	}
	for key, msg := range en {
		if _, ok := fa[key]; !ok {
			t.Errorf("fa lacks %q", key)
		}
		if strings.TrimSpace(msg) == "" {
			t.Errorf("en %q is empty", key)
		}
	}
}

// Both languages of a key take the same named arguments, and a text holds nothing but placeholders that
// could be mistaken for one: no fmt verb, no brace outside a {name}.
func TestPlaceholdersAgree(t *testing.T) {
	for key, msg := range fa {
		faNames, enNames := nameSet(placeholders(msg)), nameSet(placeholders(en[key]))
		if !maps.Equal(faNames, enNames) {
			t.Errorf("%q: fa takes %v, en takes %v", key, slices.Sorted(maps.Keys(faNames)), slices.Sorted(maps.Keys(enNames)))
		}
		for lang, text := range map[Lang]string{Fa: msg, En: en[key]} {
			if strings.Contains(text, "%") {
				t.Errorf("%s %q has a %% sign: a placeholder is {name}", lang, key)
			}
			if rest := stripPlaceholders(text); strings.ContainsAny(rest, "{}") {
				t.Errorf("%s %q has a brace that is not a {name} placeholder: %q", lang, key, text)
			}
		}
	}
}

func nameSet(names []string) map[string]bool {
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	return set
}

func stripPlaceholders(msg string) string {
	var b strings.Builder
	for {
		_, before, after, ok := nextPlaceholder(msg)
		if !ok {
			return b.String() + msg
		}
		b.WriteString(before)
		msg = after
	}
}

func TestMessageArguments(t *testing.T) {
	faCtx := NewContext(context.Background(), Fa)
	enCtx := NewContext(context.Background(), En)
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC) // a Postgres date: midnight UTC
	tests := []struct {
		name   string
		m      Msg
		fa, en string
	}{
		{"number", M("home.days_left", ArgNum("days", 1234)), "۱٬۲۳۴ روز مانده به رأی‌گیری", "1,234 days to election day"},
		{"day in each calendar", M("elig.certificate_old", ArgDay("date", day)),
			"گواهی عدم سوء پیشینه باید پس از ۱۴۰۵/۰۹/۰۹ صادر شده باشد.", "The criminal-record certificate must be issued after 2026-11-30."},
		{"another message", M("elig.education_low", ArgKey("level", "education.bachelor")),
			"برای این حوزه دست‌کم مدرک «کارشناسی» لازم است.", "This constituency needs at least: Bachelor's degree."},
		{"name in both languages", M("err.candidate_duplicate", ArgName("county", "مرودشت", "Marvdasht")),
			"این کد ملی در همین انتخابات پیش‌تر در مرودشت ثبت‌نام کرده است.", "This national ID is already registered in this election, in Marvdasht."},
		{"text as it is", M("home.welcome", ArgText("name", "Sara {x}")), "Sara {x}، خوش آمدید.", "Welcome, Sara {x}."},
		{"typed text isolated", M("home.welcome", ArgUser("name", "سارا")), "\u2068سارا\u2069، خوش آمدید.", "Welcome, \u2068سارا\u2069."},
		{"two arguments in any order", M("pager.page_of", ArgNum("pages", 9), ArgNum("page", 2)), "صفحه ۲ از ۹", "Page 2 of 9"},
		{"no arguments", M("elig.required"), "این مورد لازم است.", "This is required."},
		{"plural: one", M("home.boards_awaiting", ArgNum("count", 1)), "۱ هیئت در انتظار بررسی شما", "1 board awaiting your review"},
		{"plural: other", M("home.boards_awaiting", ArgNum("count", 2)), "۲ هیئت در انتظار بررسی شما", "2 boards awaiting your review"},
		{"plural: none", M("home.boards_awaiting", ArgNum("count", 0)), "۰ هیئت در انتظار بررسی شما", "0 boards awaiting your review"},
		{"plural of a phrase", M("boards.check_count", ArgNum("count", 1)), "۱ مورد مغایرت با قانون:", "1 point breaks the law:"},
		// The tests below fail the build of any caller that does this; at run time it shows no debris.
		{"argument without a placeholder is ignored", M("elig.required", ArgText("x", "1405/09/09")), "این مورد لازم است.", "This is required."},
		{"placeholder without an argument is empty", M("elig.too_young"), "داوطلب باید دست‌کم  سال سن داشته باشد.", "A candidate must be at least  years old."},
		{"unknown key shows itself", M("no.such.key", ArgNum("n", 1)), "no.such.key", "no.such.key"},
	}
	for _, tt := range tests {
		if got := tt.m.Text(faCtx); got != tt.fa {
			t.Errorf("%s: fa %q, want %q", tt.name, got, tt.fa)
		}
		if got := tt.m.Text(enCtx); got != tt.en {
			t.Errorf("%s: en %q, want %q", tt.name, got, tt.en)
		}
		// A message kept as JSON (a previewed import's rejects) renders the same after reading it back.
		b, err := json.Marshal(tt.m)
		if err != nil {
			t.Fatal(err)
		}
		var back Msg
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.Text(faCtx) != tt.fa || back.Text(enCtx) != tt.en {
			t.Errorf("%s: renders differently after a JSON round trip: %s", tt.name, b)
		}
	}
	if !(Msg{}).IsZero() || M("elig.required").IsZero() {
		t.Error("IsZero")
	}
	if got := Placeholders("pager.page_of"); !slices.Equal(got, []string{"page", "pages"}) {
		t.Errorf("Placeholders = %v", got)
	}
}

// Every literal key that the code and the templates ask for exists; keys built at run time (role.X,
// error.N.title, …) are checked by prefix.
func TestEveryUsedKeyExists(t *testing.T) {
	// Where message keys are used; the store and audit packages name actions, not messages.
	roots := []string{"../../web", "../server", "../auth", "../filetype"}
	pattern := regexp.MustCompile(`"((?:app|nav|role|home|login|field|form|err|error|users|audit|counties|profile|action|boards|board_status|board_role|office|rule|rules|kind|entity|candidates|cstatus|education|gender|service|elig|crules|confirm|timeline|milestone|notice|notices|audience|committees|guidance|tasks|tstatus|questions|faq|trainings|attachment)\.[a-z0-9_.]+)"`)
	found := 0
	for _, root := range roots {
		if err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "artifacts") {
				return filepath.SkipDir
			}
			if !strings.HasSuffix(path, ".templ") && !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_templ.go") ||
				strings.HasSuffix(path, "_test.go") || strings.Contains(path, "internal/i18n/") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
				key := m[1]
				if strings.HasSuffix(key, ".") {
					continue
				}
				found++
				if _, ok := fa[key]; !ok {
					t.Errorf("%s uses %q, which the catalogue lacks", path, key)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if found < 100 {
		t.Fatalf("found only %d key uses: the scan is broken", found)
	}
	for _, prefix := range []string{"role.hq", "role.governor", "role.district_head", "role.committee", "role.observer", "role.national",
		"home.intro.hq", "home.intro.governor", "home.intro.district_head", "home.intro.committee", "home.intro.observer", "home.intro.national"} {
		if _, ok := fa[prefix]; !ok {
			t.Errorf("catalogue lacks %q", prefix)
		}
	}
}

// A plural choice {name|one|other} takes the form for its number in each language's rule; anything that
// is not such a choice stays text.
func TestPluralChoice(t *testing.T) {
	tests := []struct {
		msg        string
		name       string
		forms      []string
		before     string
		ok         bool
		lang       Lang
		n          int
		wantChoice string
	}{
		{"{count|board|boards} left", "count", []string{"board", "boards"}, "", true, En, 1, "board"},
		{"x {count|board|boards}", "count", []string{"board", "boards"}, "x ", true, En, 21, "boards"},
		{"{count|row is|rows are}", "count", []string{"row is", "rows are"}, "", true, En, 0, "rows are"},
		{"{count|a|b}", "count", []string{"a", "b"}, "", true, Fa, 0, "a"},
		{"{count||s}", "count", []string{"", "s"}, "", true, En, 3, "s"},
		{"{count|one}", "", nil, "", false, En, 1, ""},   // one form only: text
		{"{count|a|b|c}", "", nil, "", false, En, 1, ""}, // three forms: text
		{"{Count|a|b}", "", nil, "", false, En, 1, ""},   // not a name: text
		{"{count|a{b|c}", "", nil, "", false, En, 1, ""}, // a brace inside: text
	}
	for _, tt := range tests {
		p, before, _, ok := nextPlaceholder(tt.msg)
		if ok != tt.ok || p.name != tt.name || !slices.Equal(p.forms, tt.forms) || before != tt.before {
			t.Errorf("nextPlaceholder(%q) = %+v, %q, %v; want %s %q %q %v", tt.msg, p, before, ok, tt.name, tt.forms, tt.before, tt.ok)
			continue
		}
		if ok {
			if got := p.forms[ArgNum(tt.name, tt.n).pluralForm(tt.lang)]; got != tt.wantChoice {
				t.Errorf("%q with %d in %s chose %q, want %q", tt.msg, tt.n, tt.lang, got, tt.wantChoice)
			}
		}
	}
	if got := ArgText("count", "1").pluralForm(En); got != 1 {
		t.Errorf("a text argument chose form %d, want the other form", got)
	}
}

func TestFormatting(t *testing.T) {
	faCtx := NewContext(context.Background(), Fa)
	enCtx := NewContext(context.Background(), En)
	// 2026-04-30 21:00 UTC is already 1405/02/11 (2026-05-01) in Tehran.
	at := time.Date(2026, 4, 30, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		name, got, want string
	}{
		{"fa date", Date(faCtx, at), "۱۴۰۵/۰۲/۱۱"},
		{"en date", Date(enCtx, at), "2026-05-01"},
		{"fa date time", DateTime(faCtx, at), "۱۴۰۵/۰۲/۱۱ ۰۰:۳۰"},
		{"fa day", Day(faCtx, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)), "۱۴۰۵/۰۲/۱۱"},
		{"en day", Day(enCtx, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)), "2026-05-01"},
		{"fa long date", LongDate(faCtx, at), "جمعه ۱۱ اردیبهشت ۱۴۰۵"},
		{"en long date", LongDate(enCtx, at), "Friday 1 May 2026"},
		{"fa number", Num(faCtx, 12345), "۱۲٬۳۴۵"},
		{"en number", Num(enCtx, 12345), "12,345"},
		{"fa message with argument", T(faCtx, "home.days_left", ArgNum("days", 90)), "۹۰ روز مانده به رأی‌گیری"},
		{"unknown key shows itself", T(faCtx, "no.such.key"), "no.such.key"},
		{"default is Persian", T(context.Background(), "nav.home"), "خانه"},
		{"pick", Pick(enCtx, "مرودشت", "Marvdasht"), "Marvdasht"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if Dir(faCtx) != "rtl" || Dir(enCtx) != "ltr" {
		t.Error("wrong direction")
	}
	if l, ok := Parse("en"); !ok || l != En {
		t.Error("Parse(en)")
	}
	if l, ok := Parse("de"); ok || l != Fa {
		t.Error("Parse(de) should fall back to Fa")
	}
}

// The dates and times are written as they were by formatting them through fmt and converting their digits
// after: every hour and a half of three years in Tehran, across its old daylight-saving changes.
func TestDateFormattingAsFmt(t *testing.T) {
	faCtx := NewContext(context.Background(), Fa)
	enCtx := NewContext(context.Background(), En)
	for at := time.Date(2020, 1, 1, 0, 7, 0, 0, time.UTC); at.Year() < 2023; at = at.Add(90*time.Minute + 17*time.Second) {
		tt := at.In(Tehran)
		d := persian.FromTime(tt)
		date := persian.ToPersianDigits(fmt.Sprintf("%04d/%02d/%02d", d.Year, d.Month, d.Day))
		checks := []struct{ name, got, want string }{
			{"fa date", Date(faCtx, at), date},
			{"en date", Date(enCtx, at), tt.Format(time.DateOnly)},
			{"fa date time", DateTime(faCtx, at), date + " " + persian.ToPersianDigits(tt.Format("15:04"))},
			{"en date time", DateTime(enCtx, at), tt.Format(time.DateOnly) + " " + tt.Format("15:04")},
			{"fa long date", LongDate(faCtx, at), fmt.Sprintf("%s %s %s %s", weekdaysFa[tt.Weekday()],
				persian.ToPersianDigits(fmt.Sprint(d.Day)), persian.MonthName(d.Month), persian.ToPersianDigits(fmt.Sprint(d.Year)))},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Fatalf("%s of %s: %q, want %q", c.name, at, c.got, c.want)
			}
		}
	}
}
