package store_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// auditSample is one row written for the audit list's tests.
type auditSample struct {
	actor, entity string
	province      string // "" for none
	old           bool   // moved to sampleDay
}

var sampleDay = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

// The rows the list tests read: each province's own, rows of no province, the national rules' rows written
// by the national HQ, and rule rows written (before the rules were national) by a province's HQ.
var auditSamples = []auditSample{
	{"hq.fars", "user", "fars", true},
	{"gov.marvdasht", "candidate", "fars", false},
	{"national", "board_rules", "", true},
	{"hq.tehran", "user", "tehran", false},
	{"anonymous", "user", "", false}, // a failed login with an unknown name
	{"hq.fars", "board_rules", "fars", false},
	{"hq.tehran", "candidate_rules", "tehran", true},
	{"national", "candidate_rules", "", false},
	{"hq.fars", "user", "fars", false},
	{"system", "election", "", true},
	{"hq.tehran", "board", "tehran", false},
	{"national", "board_rules", "", false},
}

// writeAuditSamples appends auditSamples in order and returns their ids.
func (f *fixture) writeAuditSamples() []int64 {
	f.t.Helper()
	ids := make([]int64, len(auditSamples))
	for i, r := range auditSamples {
		var province int64
		if r.province != "" {
			province = f.province[r.province]
		}
		err := audit.Write(f.ctx, f.st.Pool(), audit.Actor{Name: r.actor, Remote: "192.0.2.1"}, func(pgx.Tx) ([]audit.Entry, error) {
			return []audit.Entry{{Action: r.entity + ".test", Entity: r.entity, ProvinceID: province}}, nil
		})
		if err != nil {
			f.t.Fatal(err)
		}
		f.scan(`SELECT last_id FROM audit_head`, nil, &ids[i])
		if r.old {
			f.exec(`UPDATE audit_log SET at = $2 WHERE id = $1`, ids[i], sampleDay)
		}
	}
	return ids
}

// Each combination of scope and filter lists exactly the rows it should, newest first: a province sees
// its own rows and every row of the national rules, whoever wrote them, once; only the national scope sees
// the other rows of no province.
func TestAuditRowsFilters(t *testing.T) {
	f := newFixture(t)
	// Only the samples: the fixture's own rows (user creation) would blur the expectations.
	f.exec(`DELETE FROM audit_log`)
	ids := f.writeAuditSamples()
	national := map[string]bool{"board_rules": true, "candidate_rules": true}
	scopes := map[string]auth.Scope{"national": f.national(), "fars": f.hq("fars"), "tehran": f.hq("tehran")}
	days := map[string]store.AuditFilter{
		"any day":    {},
		"sample day": {From: sampleDay.Truncate(24 * time.Hour), To: sampleDay.Truncate(24*time.Hour).AddDate(0, 0, 1)},
	}
	checked := 0
	for scopeName, sc := range scopes {
		for _, actor := range []string{"", "hq.fars", "national", "hq.tehran", "nobody"} {
			for _, entity := range []string{"", "user", "board_rules", "candidate_rules", "board"} {
				for dayName, day := range days {
					for _, before := range []int64{0, ids[6]} {
						for _, limit := range []int{100, 2} {
							filter := store.AuditFilter{Actor: actor, Entity: entity, From: day.From, To: day.To, Before: before, Limit: limit}
							var want []int64
							for i := len(auditSamples) - 1; i >= 0; i-- {
								r := auditSamples[i]
								visible := scopeName == "national" || r.province == scopeName || national[r.entity]
								if visible && (actor == "" || r.actor == actor) && (entity == "" || r.entity == entity) &&
									(dayName == "any day" || r.old) && (before == 0 || ids[i] < before) {
									want = append(want, ids[i])
								}
							}
							want = want[:min(len(want), limit+1)]
							rows, err := f.st.AuditRows(f.ctx, sc, filter)
							if err != nil {
								t.Fatalf("%s %+v: %v", scopeName, filter, err)
							}
							got := make([]int64, len(rows))
							for i, r := range rows {
								got[i] = r.ID
							}
							if !slices.Equal(got, want) {
								t.Errorf("%s, actor %q, entity %q, %s, before %d, limit %d: rows %v, want %v",
									scopeName, actor, entity, dayName, before, limit, got, want)
							}
							checked++
						}
					}
				}
			}
		}
	}
	t.Logf("%d combinations", checked)
}

// The national rules' rows, written with no province by the national HQ, are in every province's list,
// for HQ and observers alike; a row of no province about anything else is not.
func TestAuditRowsNationalRulesInEveryProvince(t *testing.T) {
	f := newFixture(t)
	nationalHQ := audit.Actor{ID: f.user["national"], Name: "national", Remote: "192.0.2.5"}
	rules, err := f.st.CandidateRules(f.ctx)
	if err != nil || len(rules) == 0 {
		t.Fatalf("candidate rules: %d, %v", len(rules), err)
	}
	r := rules[0]
	r.MinAge++
	if err := f.st.UpdateCandidateRule(f.ctx, nationalHQ, r); err != nil {
		t.Fatal(err)
	}
	row := f.lastAudit("candidate_rules.update")
	if row.ProvinceID != 0 {
		t.Fatalf("the national HQ's rule change was written for province %d", row.ProvinceID)
	}
	for _, p := range []string{"fars", "tehran"} {
		rows, err := f.st.AuditRows(f.ctx, f.hq(p), store.AuditFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(rows, func(x store.AuditRow) bool { return x.ID == row.ID }) {
			t.Errorf("%s's audit list lacks the national rule change %d", p, row.ID)
		}
		// The seed's reference load (province Fars) and the fixture's users stay each in their province.
		for _, x := range rows {
			if x.ProvinceID != f.province[p] && x.Entity != "board_rules" && x.Entity != "candidate_rules" &&
				(x.ProvinceID != 0 || x.Entity != "milestone") {
				t.Errorf("%s sees row %d of province %d about %s", p, x.ID, x.ProvinceID, x.Entity)
			}
		}
	}
	// Filtered, a province sees the rules' rows of the seed's load and of the change, and nothing else of
	// no province or of another province.
	rows, err := f.st.AuditRows(f.ctx, f.hq("tehran"), store.AuditFilter{Entity: "candidate_rules", Limit: 50})
	if err != nil || len(rows) != 2 || rows[0].ID != row.ID || rows[1].Action != "candidate_rules.load" {
		t.Errorf("Tehran filtered by candidate_rules: %v, %v", rows, err)
	}
	rows, err = f.st.AuditRows(f.ctx, f.hq("tehran"), store.AuditFilter{Actor: "system", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, x := range rows {
		actions = append(actions, x.Action)
	}
	if !slices.Contains(actions, "board_rules.load") || !slices.Contains(actions, "candidate_rules.load") ||
		slices.Contains(actions, "reference.load") {
		t.Errorf("Tehran sees the system's rows %v, want the rules' loads and not Fars' reference data", actions)
	}
}

// The law's timeline is every province's too: a move of election day and a change to the law's milestones
// are in every province's audit list, unfiltered and filtered by their subject; a province's own
// milestones and its marks stay in its own list.
func TestAuditRowsNationalTimelineInEveryProvince(t *testing.T) {
	f := newFixture(t)
	national, nationwide := f.as("national"), f.national()
	e := f.election("councils-9", "councils", "", day(2030, 5, 3))
	if err := f.st.MoveElectionDay(f.ctx, national, e, day(2030, 5, 17), "تعویق"); err != nil {
		t.Fatal(err)
	}
	move := f.lastAudit("election.move").ID
	id := f.milestoneID("objections")
	m, err := f.st.Milestone(f.ctx, nationwide, id)
	if err != nil {
		t.Fatal(err)
	}
	in := inputOf(m)
	in.EndOffset = -63
	if err := f.st.UpdateMilestone(f.ctx, national, nationwide, id, m.Version, in); err != nil {
		t.Fatal(err)
	}
	law := f.lastAudit("milestone.update").ID
	f.addMilestone(f.as("hq.fars"), f.hq("fars"), store.MilestoneInput{Kind: "councils", TitleFa: "کار استان", TitleEn: "Fars task",
		Level: "county", StartOffset: -10, EndOffset: -5})
	own := f.lastAudit("milestone.create").ID
	if err := f.st.MarkDone(f.ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), e, f.milestoneID("boards-county"),
		f.mustID(f.county, "marvdasht"), 0, ""); err != nil {
		t.Fatal(err)
	}
	mark := f.lastAudit("milestone.done").ID
	for _, c := range []struct {
		province string
		entity   string
		want     []int64
	}{
		{"fars", "", []int64{mark, own, law, move}},
		{"fars", "milestone", []int64{mark, own, law}},
		{"fars", "election", []int64{move}},
		{"tehran", "", []int64{law, move}},
		{"tehran", "milestone", []int64{law}},
		{"tehran", "election", []int64{move}},
	} {
		rows, err := f.st.AuditRows(f.ctx, f.hq(c.province), store.AuditFilter{Entity: c.entity, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range rows {
			if slices.Contains([]int64{mark, own, law, move}, r.ID) {
				got = append(got, r.ID)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s, subject %q: rows %v of the timeline's, want %v", c.province, c.entity, got, c.want)
		}
	}
}

// planNode is the part of EXPLAIN (FORMAT JSON) the plan test reads.
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	PlanRows     float64    `json:"Plan Rows"`   // estimated, per loop
	ActualRows   float64    `json:"Actual Rows"` // found, per loop (genericRun)
	Plans        []planNode `json:"Plans"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

// genericPlan explains the generic plan of query with args, as a prepared statement gets it once
// PostgreSQL stops planning it for each set of values.
func (f *fixture) genericPlan(t *testing.T, query string, args []any) planNode {
	t.Helper()
	return f.explainGeneric(t, "FORMAT JSON", query, args)
}

// genericRun runs query with args by its generic plan and explains it with the rows each node found.
func (f *fixture) genericRun(t *testing.T, query string, args []any) planNode {
	t.Helper()
	return f.explainGeneric(t, "ANALYZE, FORMAT JSON", query, args)
}

func (f *fixture) explainGeneric(t *testing.T, options, query string, args []any) planNode {
	t.Helper()
	conn, err := f.st.Pool().Acquire(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var types, values []string
	for _, a := range args {
		switch v := a.(type) {
		case int64:
			types, values = append(types, "bigint"), append(values, strconv.FormatInt(v, 10))
		case int:
			types, values = append(types, "int"), append(values, strconv.Itoa(v))
		case string:
			types, values = append(types, "text"), append(values, "'"+strings.ReplaceAll(v, "'", "''")+"'")
		case bool:
			types, values = append(types, "boolean"), append(values, strconv.FormatBool(v))
		case *time.Time:
			if v == nil {
				types, values = append(types, "timestamptz"), append(values, "NULL")
			} else {
				types, values = append(types, "timestamptz"), append(values, "'"+v.Format(time.RFC3339)+"'")
			}
		case time.Time:
			types, values = append(types, "timestamptz"), append(values, "'"+v.Format(time.RFC3339)+"'")
		default:
			t.Fatalf("genericPlan: argument of type %T", a)
		}
	}
	prepare := `PREPARE audit_list AS `
	if len(types) > 0 {
		prepare = `PREPARE audit_list(` + strings.Join(types, ", ") + `) AS `
	}
	for _, q := range []string{`SET plan_cache_mode = force_generic_plan`, prepare + query} {
		if _, err := conn.Exec(f.ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer conn.Exec(f.ctx, `DEALLOCATE audit_list; RESET plan_cache_mode`)
	params := ""
	if len(values) > 0 {
		params = "(" + strings.Join(values, ", ") + ")"
	}
	var out []struct{ Plan planNode }
	if err := conn.QueryRow(f.ctx, `EXPLAIN (`+options+`) EXECUTE audit_list`+params).Scan(&out); err != nil {
		t.Fatal(err)
	}
	return out[0].Plan
}

// The list's query, planned once for any values as a prepared statement ends up, reads the newest rows
// of the caller's province from its index: it never scans the whole log.
func TestAuditQueryPlanUsesIndex(t *testing.T) {
	f := newFixture(t)
	// A log of 60,000 rows over 30 provinces, a few of them national rule changes.
	f.exec(`INSERT INTO provinces (code, name_fa, name_en)
		SELECT 'p' || g, 'استان ' || g, 'Province ' || g FROM generate_series(1, 28) g`)
	f.exec(`INSERT INTO audit_log (id, at, actor, action, entity, province_id, detail, prev_hash, hash)
		SELECT g, now() - make_interval(secs => 60000 - g), 'user' || (g % 300), 'test',
		       CASE WHEN g % 2000 = 0 THEN 'board_rules' WHEN g % 3 = 0 THEN 'candidate' ELSE 'user' END,
		       CASE WHEN g % 2000 = 0 THEN NULL ELSE (SELECT id FROM provinces ORDER BY id OFFSET g % 30 LIMIT 1) END,
		       '{}', '', md5(g::text)
		FROM generate_series(1000000, 1060000) g`)
	f.exec(`ANALYZE audit_log`)
	for _, c := range []struct {
		name    string
		sc      auth.Scope
		f       store.AuditFilter
		indexes []string // indexes the plan must use
	}{
		{"province, no filter", f.hq("fars"), store.AuditFilter{Limit: 50}, []string{"audit_log_entity_idx"}},
		{"province, next page", f.hq("fars"), store.AuditFilter{Before: 1050000, Limit: 50}, []string{"audit_log_entity_idx"}},
		{"province, actor", f.hq("fars"), store.AuditFilter{Actor: "user7", Limit: 50}, []string{"audit_log_actor_idx"}},
		{"province, entity", f.hq("tehran"), store.AuditFilter{Entity: "user", Limit: 50}, nil},
		{"province, day", f.hq("fars"), store.AuditFilter{From: sampleDay, To: sampleDay.AddDate(0, 0, 1), Limit: 50}, nil},
		{"national, no filter", f.national(), store.AuditFilter{Limit: 50}, []string{"audit_log_pkey"}},
		{"national, actor", f.national(), store.AuditFilter{Actor: "user7", Limit: 50}, []string{"audit_log_actor_idx"}},
		{"province, sign-ins", f.hq("fars"), store.AuditFilter{Group: store.AuditSignIns, Limit: 50}, nil},
		{"province, changes", f.hq("fars"), store.AuditFilter{Group: store.AuditChanges, Limit: 50}, []string{"audit_log_entity_idx"}},
		{"national, changes", f.national(), store.AuditFilter{Group: store.AuditChanges, Limit: 50}, []string{"audit_log_pkey"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, args := store.AuditQuery(c.sc, c.f)
			plan := f.genericPlan(t, q, args)
			used := map[string]bool{}
			plan.walk(func(n planNode) {
				if n.NodeType == "Seq Scan" && n.RelationName == "audit_log" {
					t.Errorf("the plan reads the whole audit log:\n%+v", plan)
				}
				used[n.IndexName] = true
			})
			for _, index := range c.indexes {
				if !used[index] {
					t.Errorf("the plan does not use %s: %+v", index, plan)
				}
			}
		})
	}
}

// Sign-ins (logins, failed logins, logouts and the locks they cause) are listed apart from the changes to
// records, in every scope; the national rules' rows are changes.
func TestAuditRowsGroups(t *testing.T) {
	f := newFixture(t)
	f.exec(`DELETE FROM audit_log`)
	type sample struct {
		action, entity, province string
		signIn                   bool
	}
	samples := []sample{
		{"login.success", "user", "fars", true},
		{"board.submit", "board", "fars", false},
		{"login.failure", "user", "", true},
		{"candidate_rules.update", "candidate_rules", "", false},
		{"user.lock", "user", "fars", true},
		{"logout", "user", "tehran", true},
		{"user.disable", "user", "fars", false},
	}
	ids := make([]int64, len(samples))
	for i, s := range samples {
		var province int64
		if s.province != "" {
			province = f.province[s.province]
		}
		err := audit.Write(f.ctx, f.st.Pool(), audit.Actor{Name: "x", Remote: "192.0.2.1"}, func(pgx.Tx) ([]audit.Entry, error) {
			return []audit.Entry{{Action: s.action, Entity: s.entity, ProvinceID: province}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f.scan(`SELECT last_id FROM audit_head`, nil, &ids[i])
	}
	for _, scope := range []string{"national", "fars", "tehran"} {
		sc := f.national()
		if scope != "national" {
			sc = f.hq(scope)
		}
		for _, group := range []string{"", store.AuditSignIns, store.AuditChanges} {
			var want []int64
			for i := len(samples) - 1; i >= 0; i-- {
				s := samples[i]
				visible := scope == "national" || s.province == scope || s.entity == "candidate_rules"
				if visible && (group == "" || (group == store.AuditSignIns) == s.signIn) {
					want = append(want, ids[i])
				}
			}
			rows, err := f.st.AuditRows(f.ctx, sc, store.AuditFilter{Group: group, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range rows {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s, group %q: rows %v, want %v", scope, group, got, want)
			}
		}
	}
}
