package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

func TestUsersAreScoped(t *testing.T) {
	f := newFixture(t)
	want := map[string][]string{
		"national": {"committee.fars", "dh.marvdasht-central", "dh.marvdasht-dorudzan", "dh.shemiranat-lavasanat",
			"gov.marvdasht", "gov.pasargad", "gov.shemiranat", "hq.fars", "hq.tehran", "national", "observer.fars"},
		"hq fars": {"committee.fars", "dh.marvdasht-central", "dh.marvdasht-dorudzan", "gov.marvdasht", "gov.pasargad",
			"hq.fars", "observer.fars"},
		"hq tehran":                          {"dh.shemiranat-lavasanat", "gov.shemiranat", "hq.tehran"},
		"governor marvdasht":                 {"dh.marvdasht-central", "dh.marvdasht-dorudzan", "gov.marvdasht"},
		"governor shemiranat":                {"dh.shemiranat-lavasanat", "gov.shemiranat"},
		"district head marvdasht-central":    {"dh.marvdasht-central"},
		"district head shemiranat-lavasanat": {"dh.shemiranat-lavasanat"},
	}
	roleOf := map[string]string{}
	for _, acc := range fixtureUsers {
		roleOf[acc.Username] = acc.Role
	}
	for _, sc := range scopeCases {
		t.Run(sc.name, func(t *testing.T) {
			scope := sc.scope(f)
			users, err := f.st.Users(f.ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range users {
				got = append(got, u.Username)
			}
			// Users are ordered by role, then username.
			wantOrdered := slices.Clone(want[sc.name])
			slices.SortFunc(wantOrdered, func(a, b string) int {
				if c := strings.Compare(roleOf[a], roleOf[b]); c != 0 {
					return c
				}
				return strings.Compare(a, b)
			})
			if !slices.Equal(got, wantOrdered) {
				t.Fatalf("Users = %v, want %v", got, wantOrdered)
			}
			// UserInScope agrees with Users for every user.
			for name, id := range f.user {
				u, err := f.st.UserInScope(f.ctx, scope, id)
				if slices.Contains(want[sc.name], name) {
					if err != nil || u.ID != id || u.Username != name {
						t.Errorf("UserInScope(%s) = %d %q, %v; want the user", name, u.ID, u.Username, err)
					}
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("UserInScope(%s) outside scope: err = %v, want ErrNotFound", name, err)
				}
			}
		})
	}
	t.Run("unknown id", func(t *testing.T) {
		if _, err := f.st.UserInScope(f.ctx, auth.Scope{}, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}

// The principal a user becomes carries the scope the scoped queries take.
func TestUserPrincipal(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		username string
		scope    auth.Scope
		placeEn  string
	}{
		{"national", f.national(), "Whole country"},
		{"hq.fars", f.hq("fars"), "Fars"},
		{"observer.fars", f.hq("fars"), "Fars"},
		{"gov.marvdasht", f.governor("marvdasht"), "Marvdasht"},
		{"dh.marvdasht-central", f.districtHead("marvdasht-central"), "Central District, Marvdasht"},
		{"committee.fars", auth.Scope{ProvinceID: f.province["fars"], Committee: "technology"}, "Technology committee, Fars"},
		{"hq.tehran", f.hq("tehran"), "Tehran"},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			u, err := f.st.UserByUsername(f.ctx, strings.ToUpper(tt.username)) // the lookup ignores case
			if err != nil {
				t.Fatal(err)
			}
			p := u.Principal()
			if p.Scope != tt.scope || p.PlaceEn != tt.placeEn || p.ID != f.user[tt.username] || string(p.Role) != u.Role {
				t.Fatalf("Principal = %+v, want scope %+v and place %q", p, tt.scope, tt.placeEn)
			}
		})
	}
}

// userRow is what the users table holds for a user's scope.
type userRow struct {
	Province, County, District, Committee string
}

func (f *fixture) userRow(id int64) (userRow, bool) {
	f.t.Helper()
	var r userRow
	var n int
	f.scan(`SELECT count(*) FROM users WHERE id = $1`, []any{id}, &n)
	if n == 0 {
		return r, false
	}
	f.scan(`SELECT coalesce(p.code, ''), coalesce(c.code, ''), coalesce(d.code, ''), coalesce(u.committee_key, '')
		FROM users u LEFT JOIN provinces p ON p.id = u.province_id LEFT JOIN counties c ON c.id = u.county_id
		LEFT JOIN districts d ON d.id = u.district_id WHERE u.id = $1`, []any{id},
		&r.Province, &r.County, &r.District, &r.Committee)
	return r, true
}

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	hqFars := f.hq("fars")
	tests := []struct {
		name    string
		scope   auth.Scope
		acc     auth.Account
		wantErr error
		want    userRow
	}{
		// What each role stores: its own levels and nothing more, whatever else was typed.
		{"national creates hq", auth.Scope{}, auth.Account{Username: "hq.two", Role: "hq", Province: "fars"}, nil,
			userRow{Province: "fars"}},
		{"national creates national", auth.Scope{}, auth.Account{Username: "national.two", Role: "national"}, nil,
			userRow{}},
		{"national creates hq in the other province", auth.Scope{}, auth.Account{Username: "hq.tehran2", Role: "hq", Province: "tehran"}, nil,
			userRow{Province: "tehran"}},
		{"hq creates governor", hqFars, auth.Account{Username: "gov.arsanjan", Role: "governor", County: "arsanjan"}, nil,
			userRow{Province: "fars", County: "arsanjan"}},
		{"hq creates governor naming the province", hqFars, auth.Account{Username: "gov.beyza", Role: "governor", Province: "fars", County: "beyza"}, nil,
			userRow{Province: "fars", County: "beyza"}},
		{"governor has no district even if one is typed", hqFars, auth.Account{Username: "gov.marv2", Role: "governor", District: "marvdasht-kamfiruz"}, nil,
			userRow{Province: "fars", County: "marvdasht"}},
		{"hq creates district head", hqFars, auth.Account{Username: "dh.seyyedan", Role: "district_head", District: "marvdasht-seyyedan"}, nil,
			userRow{Province: "fars", County: "marvdasht", District: "marvdasht-seyyedan"}},
		{"hq has no county even if one is typed", hqFars, auth.Account{Username: "hq.three", Role: "hq", Province: "fars", County: "marvdasht"}, nil,
			userRow{Province: "fars"}},
		{"observer has no county or district", hqFars, auth.Account{Username: "observer.two", Role: "observer", District: "marvdasht-central"}, nil,
			userRow{Province: "fars"}},
		{"hq creates committee member", hqFars, auth.Account{Username: "committee.legal", Role: "committee", Province: "fars", Committee: "legal"}, nil,
			userRow{Province: "fars", Committee: "legal"}},

		// Outside the caller's province: ErrNotFound, as if the place did not exist.
		{"hq fars cannot create hq tehran", hqFars, auth.Account{Username: "hq.x", Role: "hq", Province: "tehran"}, store.ErrNotFound, userRow{}},
		{"hq fars cannot create a governor in tehran", hqFars, auth.Account{Username: "gov.x", Role: "governor", County: "shemiranat"}, store.ErrNotFound, userRow{}},
		{"hq fars cannot create a district head in tehran", hqFars, auth.Account{Username: "dh.x", Role: "district_head", District: "rey-central"}, store.ErrNotFound, userRow{}},
		{"hq fars cannot create a national user", hqFars, auth.Account{Username: "national.x", Role: "national"}, store.ErrNotFound, userRow{}},
		{"hq fars cannot create a national user naming fars", hqFars, auth.Account{Username: "national.y", Role: "national", Province: "fars"}, store.ErrNotFound, userRow{}},
		{"hq fars cannot create a user with no place", hqFars, auth.Account{Username: "hq.x", Role: "hq"}, store.ErrNotFound, userRow{}},
		{"hq tehran cannot create in fars", f.hq("tehran"), auth.Account{Username: "gov.x", Role: "governor", County: "marvdasht"}, store.ErrNotFound, userRow{}},

		// Bad input.
		{"duplicate username", hqFars, auth.Account{Username: "gov.marvdasht", Role: "governor", County: "pasargad"}, store.ErrExists, userRow{}},
		{"duplicate of another province's user", hqFars, auth.Account{Username: "hq.tehran", Role: "hq", Province: "fars"}, store.ErrExists, userRow{}},
		{"unknown committee", hqFars, auth.Account{Username: "committee.x", Role: "committee", Province: "fars", Committee: "catering"}, store.ErrUnknownCommittee, userRow{}},
		{"unknown county", hqFars, auth.Account{Username: "gov.x", Role: "governor", County: "atlantis"}, store.ErrUnknownCounty, userRow{}},
		{"unknown district", hqFars, auth.Account{Username: "dh.x", Role: "district_head", District: "atlantis"}, store.ErrUnknownDistrict, userRow{}},
		{"unknown province", auth.Scope{}, auth.Account{Username: "hq.x", Role: "hq", Province: "atlantis"}, store.ErrUnknownProvince, userRow{}},
		{"county not in the province", auth.Scope{}, auth.Account{Username: "gov.x", Role: "governor", Province: "tehran", County: "marvdasht"}, store.ErrPlaceMismatch, userRow{}},
	}
	actor := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars", Remote: "192.0.2.7"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc := tt.acc
			acc.FullName = "نام " + acc.Username
			users, audits := f.count(`SELECT count(*) FROM users`), f.auditCount("")
			id, err := f.st.CreateUser(f.ctx, actor, tt.scope, acc, testHash)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if n := f.count(`SELECT count(*) FROM users`); n != users {
					t.Errorf("a failed create left %d users", n-users)
				}
				if n := f.auditCount(""); n != audits {
					t.Errorf("a failed create left %d audit rows", n-audits)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := f.userRow(id)
			if !ok {
				t.Fatalf("user %d not stored", id)
			}
			if got != tt.want {
				t.Errorf("stored scope = %+v, want %+v", got, tt.want)
			}
			u, err := f.st.UserByUsername(f.ctx, acc.Username)
			if err != nil || u.ID != id || u.PasswordHash != testHash || u.Version != 1 || u.Role != acc.Role ||
				u.FullName != acc.FullName || u.DisabledAt != nil || u.LockedUntil != nil || u.Lang != "fa" {
				t.Errorf("UserByUsername = %+v, %v", u, err)
			}
			// Exactly one audit row, user.create, for this user, in its province, by the actor.
			if n := f.auditCount(""); n != audits+1 {
				t.Fatalf("%d audit rows added, want 1", n-audits)
			}
			r := f.lastAudit("user.create")
			if r.EntityID != strconv.FormatInt(id, 10) || r.Entity != "user" || r.ActorID != actor.ID ||
				r.Actor != actor.Name || r.Remote != actor.Remote || r.ProvinceID != f.province[tt.want.Province] {
				t.Errorf("audit row = %+v", r)
			}
			var d struct {
				Before map[string]any
				After  map[string]any
			}
			if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
				t.Fatal(err)
			}
			if d.Before != nil || d.After["username"] != acc.Username || d.After["role"] != acc.Role || d.After["full_name"] != acc.FullName {
				t.Errorf("audit detail = %s", r.Detail)
			}
			if strings.Contains(r.Detail, "argon2") || strings.Contains(r.Detail, "SECRET") || strings.Contains(r.Detail, "password") {
				t.Errorf("audit detail holds the password hash: %s", r.Detail)
			}
		})
	}
	f.verifyChain()
}

// Usernames are unique whatever their case; the store never holds two that differ only by case.
func TestCreateUserUsernameCase(t *testing.T) {
	f := newFixture(t)
	users, audits := f.count(`SELECT count(*) FROM users`), f.auditCount("")
	for _, name := range []string{"HQ.Fars", "GOV.MARVDASHT"} {
		_, err := f.st.CreateUser(f.ctx, audit.System, auth.Scope{}, auth.Account{Username: name, FullName: "x", Role: "hq", Province: "fars"}, testHash)
		if err == nil {
			t.Errorf("CreateUser(%q) succeeded while its lower-case name exists", name)
		}
	}
	if n := f.count(`SELECT count(*) FROM users`); n != users {
		t.Errorf("%d users added", n-users)
	}
	if n := f.count(`SELECT count(*) FROM users WHERE lower(username) = 'hq.fars'`); n != 1 {
		t.Errorf("%d users named hq.fars in any case, want 1", n)
	}
	if n := f.auditCount(""); n != audits {
		t.Errorf("%d audit rows added", n-audits)
	}
}

// The user row and its audit row are written in one transaction: when the audit append fails after
// inserting its row, neither the user nor the audit row is left.
func TestCreateUserRollsBackWithItsAudit(t *testing.T) {
	f := newFixture(t)
	users, audits := f.count(`SELECT count(*) FROM users`), f.auditCount("")
	f.failAfterAudit()
	_, err := f.st.CreateUser(f.ctx, audit.System, f.hq("fars"),
		auth.Account{Username: "gov.arsanjan", FullName: "x", Role: "governor", County: "arsanjan"}, testHash)
	if err == nil || !strings.Contains(err.Error(), "forced failure") {
		t.Fatalf("err = %v, want the forced failure", err)
	}
	f.stopFailing()
	if n := f.count(`SELECT count(*) FROM users WHERE username = 'gov.arsanjan'`); n != 0 {
		t.Fatal("the user was created although its audit row failed")
	}
	if n := f.count(`SELECT count(*) FROM users`); n != users {
		t.Fatalf("%d users added", n-users)
	}
	if n := f.auditCount(""); n != audits {
		t.Fatalf("%d audit rows left", n-audits)
	}
	// The store still works and the chain is whole.
	if _, err := f.st.CreateUser(f.ctx, audit.System, f.hq("fars"),
		auth.Account{Username: "gov.arsanjan", FullName: "x", Role: "governor", County: "arsanjan"}, testHash); err != nil {
		t.Fatal(err)
	}
	f.verifyChain()
}

// userState is what SetUserDisabled and ResetPassword may change.
type userState struct {
	Version  int
	Disabled bool
	Locked   bool
	Hash     string
	Epoch    int // session_epoch: raised when the user's sessions must end
}

func (f *fixture) userState(id int64) userState {
	f.t.Helper()
	var s userState
	f.scan(`SELECT version, disabled_at IS NOT NULL, locked_until IS NOT NULL, password_hash, session_epoch FROM users WHERE id = $1`,
		[]any{id}, &s.Version, &s.Disabled, &s.Locked, &s.Hash, &s.Epoch)
	return s
}

func TestUpdateUser(t *testing.T) {
	const newHash = "$argon2id$v=19$m=1024,t=1,p=1$bmV3LXNhbHQ$NEW-SECRET-HASH"
	type op struct {
		action string
		run    func(f *fixture, sc auth.Scope, id int64, version int) error
	}
	disable := op{"user.disable", func(f *fixture, sc auth.Scope, id int64, v int) error {
		return f.st.SetUserDisabled(f.ctx, audit.System, sc, id, v, true)
	}}
	enable := op{"user.enable", func(f *fixture, sc auth.Scope, id int64, v int) error {
		return f.st.SetUserDisabled(f.ctx, audit.System, sc, id, v, false)
	}}
	reset := op{"user.password_reset", func(f *fixture, sc auth.Scope, id int64, v int) error {
		return f.st.ResetPassword(f.ctx, audit.System, sc, id, v, newHash)
	}}
	tests := []struct {
		name       string
		op         op
		prepare    string // SQL run on the user (id $1) first
		scope      func(*fixture) auth.Scope
		version    func(current int) int
		wantErr    error
		wantBefore userState
		wantAfter  userState
		// the "disabled" flag of the audit detail before and after
		auditBefore, auditAfter bool
	}{
		{name: "disable", op: disable, scope: func(f *fixture) auth.Scope { return f.hq("fars") },
			version:    func(v int) int { return v },
			wantBefore: userState{Version: 1, Hash: testHash, Epoch: 1}, wantAfter: userState{Version: 2, Disabled: true, Hash: testHash, Epoch: 2},
			auditAfter: true},
		{name: "disable with a stale version", op: disable, prepare: `UPDATE users SET version = 3 WHERE id = $1`,
			scope: func(f *fixture) auth.Scope { return f.hq("fars") }, version: func(v int) int { return v - 1 }, wantErr: store.ErrConflict,
			wantBefore: userState{Version: 3, Hash: testHash, Epoch: 1}},
		{name: "disable with a future version", op: disable,
			scope: func(f *fixture) auth.Scope { return f.hq("fars") }, version: func(v int) int { return v + 1 }, wantErr: store.ErrConflict,
			wantBefore: userState{Version: 1, Hash: testHash, Epoch: 1}},
		// The handlers send -1 for a missing or malformed version; only 0 (the user's own changes) skips the check.
		{name: "disable with a missing version", op: disable,
			scope: func(f *fixture) auth.Scope { return f.hq("fars") }, version: func(v int) int { return -1 }, wantErr: store.ErrConflict,
			wantBefore: userState{Version: 1, Hash: testHash, Epoch: 1}},
		{name: "disable outside the scope", op: disable,
			scope: func(f *fixture) auth.Scope { return f.hq("tehran") }, version: func(v int) int { return v }, wantErr: store.ErrNotFound,
			wantBefore: userState{Version: 1, Hash: testHash, Epoch: 1}},
		{name: "enable lifts the lock", op: enable, prepare: `UPDATE users SET disabled_at = now(), locked_until = now() + interval '1 hour', version = 4 WHERE id = $1`,
			scope: func(f *fixture) auth.Scope { return f.national() }, version: func(v int) int { return v },
			wantBefore: userState{Version: 4, Disabled: true, Locked: true, Hash: testHash, Epoch: 1}, wantAfter: userState{Version: 5, Hash: testHash, Epoch: 1},
			auditBefore: true},
		{name: "enable with a stale version", op: enable, prepare: `UPDATE users SET disabled_at = now(), version = 2 WHERE id = $1`,
			scope: func(f *fixture) auth.Scope { return f.hq("fars") }, version: func(v int) int { return 1 }, wantErr: store.ErrConflict,
			wantBefore: userState{Version: 2, Disabled: true, Hash: testHash, Epoch: 1}},
		{name: "reset password lifts the lock", op: reset, prepare: `UPDATE users SET locked_until = now() + interval '1 hour' WHERE id = $1`,
			scope: func(f *fixture) auth.Scope { return f.hq("fars") }, version: func(v int) int { return v },
			wantBefore: userState{Version: 1, Locked: true, Hash: testHash, Epoch: 1}, wantAfter: userState{Version: 2, Hash: newHash, Epoch: 2}},
		{name: "reset password with a stale version", op: reset, prepare: `UPDATE users SET version = 7, locked_until = now() + interval '1 hour' WHERE id = $1`,
			scope: func(f *fixture) auth.Scope { return f.hq("fars") }, version: func(v int) int { return 6 }, wantErr: store.ErrConflict,
			wantBefore: userState{Version: 7, Locked: true, Hash: testHash, Epoch: 1}},
		{name: "reset password outside the scope", op: reset,
			scope: func(f *fixture) auth.Scope { return f.governor("pasargad") }, version: func(v int) int { return v }, wantErr: store.ErrNotFound,
			wantBefore: userState{Version: 1, Hash: testHash, Epoch: 1}},
		{name: "reset password by the district's own scope", op: reset,
			scope: func(f *fixture) auth.Scope { return f.districtHead("marvdasht-central") }, version: func(v int) int { return v },
			wantErr: store.ErrNotFound, wantBefore: userState{Version: 1, Hash: testHash, Epoch: 1}}, // the governor is not in a district
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.user["gov.marvdasht"]
			if tt.prepare != "" {
				f.exec(tt.prepare, id)
			}
			before := f.userState(id)
			if before != tt.wantBefore {
				t.Fatalf("before = %+v, want %+v", before, tt.wantBefore)
			}
			audits := f.auditCount("")
			err := tt.op.run(f, tt.scope(f), id, tt.version(before.Version))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if after := f.userState(id); after != before {
					t.Errorf("a refused change changed the user: %+v, was %+v", after, before)
				}
				if n := f.auditCount(""); n != audits {
					t.Errorf("a refused change left %d audit rows", n-audits)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if after := f.userState(id); after != tt.wantAfter {
				t.Errorf("after = %+v, want %+v", after, tt.wantAfter)
			}
			if n := f.auditCount(""); n != audits+1 {
				t.Fatalf("%d audit rows added, want 1", n-audits)
			}
			r := f.lastAudit(tt.op.action)
			if r.EntityID != strconv.FormatInt(id, 10) || r.ProvinceID != f.province["fars"] || r.Entity != "user" {
				t.Errorf("audit row = %+v", r)
			}
			var d struct{ Before, After map[string]any }
			if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
				t.Fatal(err)
			}
			for _, m := range []map[string]any{d.Before, d.After} {
				if m["username"] != "gov.marvdasht" || m["county"] != "marvdasht" || m["province"] != "fars" || m["role"] != "governor" {
					t.Errorf("audit detail = %s", r.Detail)
				}
			}
			if d.Before["disabled"] != tt.auditBefore || d.After["disabled"] != tt.auditAfter {
				t.Errorf("audit detail disabled %v → %v, want %v → %v", d.Before["disabled"], d.After["disabled"], tt.auditBefore, tt.auditAfter)
			}
			for _, secret := range []string{"argon2", "SECRET", "password_hash", "PasswordHash"} {
				if strings.Contains(r.Detail, secret) {
					t.Errorf("audit detail holds %q: %s", secret, r.Detail)
				}
			}
			f.verifyChain()
		})
	}
}

// A disabled user drops out of ActiveUser and the Summary but stays listed.
func TestDisabledUser(t *testing.T) {
	f := newFixture(t)
	id := f.user["gov.pasargad"]
	if _, err := f.st.ActiveUser(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetUserDisabled(f.ctx, audit.System, f.hq("fars"), id, 1, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ActiveUser(f.ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ActiveUser of a disabled user: err = %v, want ErrNotFound", err)
	}
	u, err := f.st.UserInScope(f.ctx, f.hq("fars"), id)
	if err != nil || u.DisabledAt == nil || time.Since(*u.DisabledAt) > time.Minute || u.Version != 2 {
		t.Fatalf("UserInScope = %+v, %v", u, err)
	}
	// The version that was just used is stale now.
	if err := f.st.SetUserDisabled(f.ctx, audit.System, f.hq("fars"), id, 1, false); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("re-enable with the old version: err = %v, want ErrConflict", err)
	}
}

// The update and its audit row are one transaction.
func TestUpdateUserRollsBackWithItsAudit(t *testing.T) {
	f := newFixture(t)
	id := f.user["gov.marvdasht"]
	before, audits := f.userState(id), f.auditCount("")
	f.failAfterAudit()
	if err := f.st.SetUserDisabled(f.ctx, audit.System, f.hq("fars"), id, 1, true); err == nil {
		t.Fatal("disable succeeded although its audit row failed")
	}
	if err := f.st.ResetPassword(f.ctx, audit.System, f.hq("fars"), id, 1, "other"); err == nil {
		t.Fatal("reset succeeded although its audit row failed")
	}
	f.stopFailing()
	if after := f.userState(id); after != before {
		t.Fatalf("user changed to %+v, was %+v", after, before)
	}
	if n := f.auditCount(""); n != audits {
		t.Fatalf("%d audit rows left", n-audits)
	}
}

// The signed-in user's own changes: no version check, scoped to the user itself.
func TestOwnChanges(t *testing.T) {
	const newHash = "$argon2id$v=19$m=1024,t=1,p=1$b3du$OWN-SECRET-HASH"
	tests := []struct {
		name   string
		action string
		run    func(*fixture, audit.Actor) error
		want   func(before userState, lang string) (userState, string)
	}{
		{"change own password", "user.password_change",
			func(f *fixture, a audit.Actor) error { return f.st.ChangeOwnPassword(f.ctx, a, newHash) },
			func(b userState, lang string) (userState, string) {
				b.Version++
				b.Epoch++
				b.Hash = newHash
				return b, lang
			}},
		{"set language", "user.language",
			func(f *fixture, a audit.Actor) error { return f.st.SetLang(f.ctx, a, "en") },
			func(b userState, lang string) (userState, string) {
				b.Version++
				return b, "en"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.user["dh.marvdasht-central"]
			f.exec(`UPDATE users SET version = 3 WHERE id = $1`, id) // any version: own changes do not check it
			before, lang := f.userState(id), ""
			f.scan(`SELECT lang FROM users WHERE id = $1`, []any{id}, &lang)
			a := audit.Actor{ID: id, Name: "dh.marvdasht-central", Remote: "192.0.2.9"}
			if err := tt.run(f, a); err != nil {
				t.Fatal(err)
			}
			wantState, wantLang := tt.want(before, lang)
			var gotLang string
			f.scan(`SELECT lang FROM users WHERE id = $1`, []any{id}, &gotLang)
			if got := f.userState(id); got != wantState || gotLang != wantLang {
				t.Fatalf("after = %+v lang %q, want %+v lang %q", got, gotLang, wantState, wantLang)
			}
			// Nobody else changed.
			if n := f.count(`SELECT count(*) FROM users WHERE id <> $1 AND (version <> 1 OR session_epoch <> 1 OR lang <> 'fa')`, id); n != 0 {
				t.Fatalf("%d other users changed", n)
			}
			r := f.lastAudit(tt.action)
			if r.ActorID != id || r.EntityID != itoa(id) || r.ProvinceID != f.province["fars"] ||
				strings.Contains(r.Detail, "SECRET") || strings.Contains(r.Detail, "argon2") {
				t.Fatalf("audit row %+v", r)
			}
		})
	}
}
