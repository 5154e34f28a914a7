package i18n

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCataloguesComplete(t *testing.T) {
	for key, msg := range fa {
		if strings.TrimSpace(msg) == "" {
			t.Errorf("fa %q is empty", key)
		}
		other, ok := en[key]
		if !ok {
			t.Errorf("en lacks %q", key)
			continue
		}
		if strings.Count(msg, "%") != strings.Count(other, "%") {
			t.Errorf("%q: fa and en take different arguments", key)
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

// Every literal key that the code and the templates ask for exists; keys built at run time (role.X,
// error.N.title, …) are checked by prefix.
func TestEveryUsedKeyExists(t *testing.T) {
	// Where message keys are used; the store and audit packages name actions, not messages.
	roots := []string{"../../web", "../server", "../auth"}
	pattern := regexp.MustCompile(`"((?:app|nav|role|home|login|field|form|err|error|users|audit|counties|profile|action|boards|board_status|board_role|office|rule|rules|kind|entity|candidates|cstatus|education|gender|service|elig|crules)\.[a-z0-9_.]+)"`)
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
		{"fa message with argument", T(faCtx, "home.days_left", Num(faCtx, 90)), "۹۰ روز مانده به رأی‌گیری"},
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
