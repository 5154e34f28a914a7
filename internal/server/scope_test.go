package server

import (
	"net/http"
	"net/url"
	"testing"
)

// Every role reaches exactly its own part of the country; outside it a page does not exist (404), and an
// action the role may not take is forbidden (403).
func TestScope(t *testing.T) {
	a := newTestApp(t)
	tests := []struct {
		user   string
		path   string
		status int
		wants  []string
	}{
		{"gov.marvdasht", "/counties/marvdasht", 200, []string{"شهرستان مرودشت", "مرکزی"}},
		{"gov.marvdasht", "/counties/pasargad", 404, []string{"صفحه پیدا نشد"}},
		{"gov.marvdasht", "/counties/no-such-county", 404, nil},
		{"gov.pasargad", "/counties/marvdasht", 404, nil},
		{"dh.marvdasht", "/counties/marvdasht", 200, []string{"مرکزی"}},
		{"dh.marvdasht", "/counties/pasargad", 404, nil},
		{"hq.fars", "/counties/pasargad", 200, []string{"پاسارگاد"}},
		{"committee", "/counties/beyza", 200, nil},
		{"observer", "/counties/beyza", 200, nil},
		{"national", "/counties/beyza", 200, nil},
		{"gov.marvdasht", "/admin/users", 403, []string{"دسترسی مجاز نیست"}},
		{"dh.marvdasht", "/admin/users/new", 403, nil},
		{"observer", "/admin/users", 403, nil},
		{"national", "/admin/users", 403, nil},
		{"committee", "/admin/users", 403, nil},
		{"hq.fars", "/admin/users", 200, []string{"gov.marvdasht", "observer"}},
		{"gov.marvdasht", "/audit", 403, nil},
		{"committee", "/audit", 403, nil},
		{"observer", "/audit", 200, nil},
		{"national", "/audit", 200, nil},
		{"hq.fars", "/audit", 200, nil},
	}
	clients := map[string]*http.Client{}
	for _, tt := range tests {
		t.Run(tt.user+tt.path, func(t *testing.T) {
			c, ok := clients[tt.user]
			if !ok {
				c = a.login(tt.user)
				clients[tt.user] = c
			}
			res := a.get(c, tt.path)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d", res.status, tt.status)
			}
			mustContain(t, res.body, tt.wants...)
		})
	}
}

func TestCountyListIsScoped(t *testing.T) {
	a := newTestApp(t)
	gov := a.get(a.login("gov.marvdasht"), "/counties")
	mustContain(t, gov.body, "/counties/marvdasht")
	mustNotContain(t, gov.body, "/counties/pasargad", "/counties/shiraz")
	hq := a.get(a.login("hq.fars"), "/counties")
	mustContain(t, hq.body, "/counties/marvdasht", "/counties/pasargad", "/counties/shiraz", "۳۷ شهرستان")
	// A district head sees only its own district inside its county.
	dh := a.get(a.login("dh.marvdasht"), "/counties/marvdasht")
	mustContain(t, dh.body, "marvdasht-central")
	mustNotContain(t, dh.body, "marvdasht-seyyedan", "marvdasht-kamfiruz")
}

// An HQ user of one province cannot see or change the users of another.
func TestUsersAreScopedToTheProvince(t *testing.T) {
	a := newTestApp(t)
	ctx := t.Context()
	var otherID int64
	err := a.st.Pool().QueryRow(ctx, `
		WITH p AS (INSERT INTO provinces (code, name_fa, name_en) VALUES ('yazd', 'یزد', 'Yazd') RETURNING id)
		INSERT INTO users (username, full_name, role, province_id, password_hash)
		SELECT 'hq.yazd', 'کارشناس یزد', 'hq', id, 'x' FROM p RETURNING id`).Scan(&otherID)
	if err != nil {
		t.Fatal(err)
	}
	hq := a.login("hq.fars")
	if res := a.get(hq, "/admin/users"); res.status != 200 || contains(res.body, "hq.yazd") {
		t.Fatalf("HQ Fars sees Yazd's users (status %d)", res.status)
	}
	if res := a.get(hq, "/admin/users/"+itoa(otherID)); res.status != http.StatusNotFound {
		t.Fatalf("HQ Fars opens a Yazd user: %d", res.status)
	}
	if res := a.post(hq, "/admin/users/"+itoa(otherID)+"/disable", url.Values{"version": {"1"}}); res.status != http.StatusNotFound {
		t.Fatalf("HQ Fars disables a Yazd user: %d", res.status)
	}
	if n := a.count(`SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL`, otherID); n != 1 {
		t.Fatal("the Yazd user was changed")
	}
	// The national view sees both provinces' users' audit rows but no user admin.
	if res := a.get(a.login("national"), "/"); !contains(res.body, "یزد") || !contains(res.body, "فارس") {
		t.Error("the national home page does not list both provinces")
	}
}
