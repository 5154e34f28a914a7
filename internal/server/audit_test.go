package server

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
)

// The law's rules are national: their audit rows, written with no province by the national HQ, are in
// every province's log, for HQ and observers; other rows of no province stay the national HQ's.
func TestAuditPageShowsNationalRules(t *testing.T) {
	a := newTestApp(t)
	write := func(actor audit.Actor, e audit.Entry) {
		t.Helper()
		err := audit.Write(context.Background(), a.st.Pool(), actor, func(pgx.Tx) ([]audit.Entry, error) {
			return []audit.Entry{e}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(audit.Actor{ID: a.ids["national"], Name: "national", Remote: "192.0.2.77"},
		audit.Entry{Action: "candidate_rules.update", Entity: "candidate_rules", EntityID: "councils"})
	write(audit.Actor{Name: "anonymous", Remote: "192.0.2.88"},
		audit.Entry{Action: "login.failure", Entity: "user", Detail: map[string]string{"username": "nobody"}})
	for _, user := range []string{"hq.fars", "observer"} {
		c := a.login(user)
		mustContain(t, a.get(c, "/audit").body, "192.0.2.77")
		mustNotContain(t, a.get(c, "/audit").body, "192.0.2.88")
		mustContain(t, a.get(c, "/audit?entity=candidate_rules").body, "192.0.2.77")
		mustNotContain(t, a.get(c, "/audit?entity=user").body, "192.0.2.77")
	}
	mustContain(t, a.get(a.login("national"), "/audit").body, "192.0.2.77", "192.0.2.88")
}

var (
	changeItem   = regexp.MustCompile(`(?s)(<span class="change-label">.*?)</(?:li|td|p)>`)
	hiddenSpan   = regexp.MustCompile(`(?s)<span class="visually-hidden">.*?</span>`)
	anyTag       = regexp.MustCompile(`<[^>]*>`)
	spaceRun     = regexp.MustCompile(`\s+`)
	visibleSpace = strings.NewReplacer("&nbsp;", " ")
)

// changeLines are the changes a page shows, in lists or alone, as a reader sees them: "label: before ← after".
func changeLines(body string) []string {
	var lines []string
	for _, m := range changeItem.FindAllStringSubmatch(body, -1) {
		text := anyTag.ReplaceAllString(hiddenSpan.ReplaceAllString(m[1], ""), " ")
		text = html.UnescapeString(visibleSpace.Replace(text))
		text = strings.ReplaceAll(spaceRun.ReplaceAllString(strings.TrimSpace(text), " "), " :", ":")
		lines = append(lines, text)
	}
	return lines
}
