package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// incidentFixture is a fixture with the default systems in both provinces and a member of the Fars legal
// committee (legal.fars) beside the technology one (committee.fars).
func incidentFixture(t *testing.T) *fixture {
	t.Helper()
	f := questionFixture(t)
	if _, err := f.st.UpsertSystems(f.ctx, audit.System, seed.Systems); err != nil {
		t.Fatal(err)
	}
	return f
}

// report reports an incident as username from sc and returns its id.
func (f *fixture) report(username string, sc auth.Scope, system, severity, title string, districts ...string) int64 {
	f.t.Helper()
	id, err := f.st.ReportIncident(f.ctx, f.as(username), sc, store.NewIncident{System: system, Title: title, Body: "متن " + title,
		Severity: severity, Since: time.Now().Add(-time.Hour), Districts: districts})
	if err != nil {
		f.t.Fatalf("%s reports %q: %v", username, title, err)
	}
	return id
}

func (f *fixture) incident(sc auth.Scope, id int64) (store.Incident, []store.IncidentEvent, error) {
	var i store.Incident
	var es []store.IncidentEvent
	var ds []store.IncidentDistrict
	var b store.Batch
	b.Incident(sc, id, &i)
	b.IncidentThread(f.ctx, sc, id, &es, &ds)
	err := f.st.Run(f.ctx, &b)
	return i, es, err
}

// incidentIDs lists the ids of the incidents a scope reads with a filter, newest first, and the total.
func (f *fixture) incidentIDs(sc auth.Scope, flt store.IncidentFilter) ([]int64, int) {
	f.t.Helper()
	var is []store.Incident
	var total int
	var b store.Batch
	b.Incidents(sc, flt, &is, &total)
	if err := f.st.Run(f.ctx, &b); err != nil {
		f.t.Fatal(err)
	}
	var ids []int64
	for _, i := range is {
		ids = append(ids, i.ID)
	}
	return ids, total
}

// notices counts the notifications of kind about an incident, by user name.
func (f *fixture) notices(kind string, id int64) map[string]int {
	f.t.Helper()
	rows, err := f.st.Pool().Query(f.ctx, `
		SELECT u.username, count(*)::int FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.kind = $1 AND n.subject = 'incident' AND n.subject_id = $2 GROUP BY u.username`, kind, id)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var u string
		var n int
		if err := rows.Scan(&u, &n); err != nil {
			f.t.Fatal(err)
		}
		m[u] = n
	}
	return m
}

// The seed gives every province the default systems once, owned by its technology committee; a system HQ
// retired or renamed is kept as it is.
func TestUpsertSystems(t *testing.T) {
	f := newFixture(t)
	fars, tehran := f.province["fars"], f.province["tehran"]
	if n := f.count(`SELECT count(*) FROM election_systems WHERE province_id = $1 AND owner_committee = 'technology'`, fars); n != 4 {
		t.Fatalf("Fars has %d systems after the seed, want 4", n)
	}
	before := f.auditCount("system.load")
	added, err := f.st.UpsertSystems(f.ctx, audit.System, seed.Systems)
	if err != nil || added != 4 {
		t.Fatalf("upsert = %d, %v; want Tehran's 4", added, err)
	}
	if got := f.auditCount("system.load") - before; got != 1 {
		t.Errorf("%d audit rows, want 1 (Tehran)", got)
	}
	if row := f.lastAudit("system.load"); row.EntityID != "tehran" || !strings.Contains(row.Detail, `"added":4`) {
		t.Errorf("audit row %s %s", row.EntityID, row.Detail)
	}
	hq := audit.Actor{ID: f.user["hq.fars"], Name: "hq.fars"}
	if err := f.st.EditSystem(f.ctx, hq, f.hq("fars"), "counting", 1, store.SystemInput{NameFa: "شمارش", NameEn: "Count", Committee: "legal"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RetireSystem(f.ctx, hq, f.hq("fars"), "counting", 2, true); err != nil {
		t.Fatal(err)
	}
	if added, err := f.st.UpsertSystems(f.ctx, audit.System, seed.Systems); err != nil || added != 0 {
		t.Fatalf("again = %d, %v; want 0", added, err)
	}
	ss, err := f.st.Systems(f.ctx, fars)
	if err != nil {
		t.Fatal(err)
	}
	last := ss[len(ss)-1]
	if last.Key != "counting" || last.NameFa != "شمارش" || last.Committee != "legal" || !last.Retired() || last.Version != 3 {
		t.Errorf("the retired system comes last as HQ left it: %+v", last)
	}
	if ts, _ := f.st.Systems(f.ctx, tehran); len(ts) != 4 || ts[0].Key != "candidate-registration" {
		t.Errorf("Tehran's systems: %+v", ts)
	}
	// HQ's acts: a key taken, an unknown committee, a stale version.
	sc := f.hq("fars")
	if err := f.st.AddSystem(f.ctx, hq, sc, "counting", store.SystemInput{NameFa: "x", NameEn: "x", Committee: "technology"}); !errors.Is(err, store.ErrExists) {
		t.Errorf("a key taken: %v", err)
	}
	if err := f.st.AddSystem(f.ctx, hq, sc, "sms", store.SystemInput{NameFa: "پیامک", NameEn: "SMS", Committee: "nope"}); !errors.Is(err, store.ErrUnknownCommittee) {
		t.Errorf("an unknown committee: %v", err)
	}
	if err := f.st.AddSystem(f.ctx, hq, sc, "sms", store.SystemInput{NameFa: "پیامک", NameEn: "SMS", Committee: "technology"}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.EditSystem(f.ctx, hq, sc, "sms", 2, store.SystemInput{NameFa: "پیامک", NameEn: "SMS", Committee: "technology"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale: %v", err)
	}
	if err := f.st.EditSystem(f.ctx, hq, f.hq("tehran"), "sms", 1, store.SystemInput{NameFa: "پیامک", NameEn: "SMS", Committee: "technology"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another province's: %v", err)
	}
	for _, action := range []string{"system.add", "system.edit", "system.retire"} {
		if f.auditCount(action) == 0 {
			t.Errorf("no audit row of %s", action)
		}
	}
	f.verifyChain()
}

// An incident goes report → acknowledge → note → severity → resolve → reopen; only the owner
// committee acknowledges and resolves; every act checks its version, is audited and tells whom it
// should, in its own transaction.
func TestIncidentWorkflow(t *testing.T) {
	f := incidentFixture(t)
	gov := f.governor("marvdasht")
	tech := f.committeeScope("fars", "technology")
	legal := f.committeeScope("fars", "legal")
	id := f.report("gov.marvdasht", gov, "counting", "high", "کندی شمارش", "marvdasht-central", "marvdasht-dorudzan")

	i, es, err := f.incident(tech, id)
	if err != nil || i.Status != "open" || i.Severity != "high" || i.Committee != "technology" || i.CountyCode != "marvdasht" ||
		i.Version != 1 || len(es) != 1 || es[0].Kind != "reported" {
		t.Fatalf("reported: %+v %+v %v", i, es, err)
	}
	if got := f.notices(store.NoticeIncidentNew, id); len(got) != 1 || got["committee.fars"] != 1 {
		t.Errorf("incident_new told %v, want the technology committee", got)
	}
	if got := f.notices(store.NoticeIncidentCritical, id); len(got) != 0 {
		t.Errorf("a high incident told %v as critical", got)
	}
	if row := f.lastAudit("incident.report"); row.EntityID != itoa(id) || !strings.Contains(row.Detail, `"severity":"high"`) ||
		!strings.Contains(row.Detail, `"marvdasht-central"`) {
		t.Errorf("report audit: %s", row.Detail)
	}

	// Only the owner committee acknowledges; a stale version is a conflict.
	if err := f.st.AcknowledgeIncident(f.ctx, f.as("legal.fars"), legal, id, 1); !errors.Is(err, store.ErrNotYours) {
		t.Errorf("legal acknowledges: %v", err)
	}
	if err := f.st.AcknowledgeIncident(f.ctx, f.as("gov.marvdasht"), gov, id, 1); !errors.Is(err, store.ErrNotYours) {
		t.Errorf("the governor acknowledges: %v", err)
	}
	if err := f.st.AcknowledgeIncident(f.ctx, f.as("committee.fars"), tech, id, 2); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale acknowledge: %v", err)
	}
	if err := f.st.AcknowledgeIncident(f.ctx, f.as("committee.fars"), tech, id, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AcknowledgeIncident(f.ctx, f.as("committee.fars"), tech, id, 2); !errors.Is(err, store.ErrIncidentState) {
		t.Errorf("acknowledged twice: %v", err)
	}
	if got := f.notices(store.NoticeIncidentUpdate, id); len(got) != 1 || got["gov.marvdasht"] != 1 {
		t.Errorf("incident_update told %v, want the reporting governor", got)
	}

	// Notes by the committee and the reporting place, not by another committee.
	if err := f.st.NoteIncident(f.ctx, f.as("committee.fars"), tech, id, "بررسی شد"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.NoteIncident(f.ctx, f.as("gov.marvdasht"), gov, id, "هنوز کند است"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.NoteIncident(f.ctx, f.as("legal.fars"), legal, id, "x"); !errors.Is(err, store.ErrNotYours) {
		t.Errorf("legal notes: %v", err)
	}

	// The governor raises it to critical: HQ and the committee are told at once.
	if err := f.st.ChangeIncidentSeverity(f.ctx, f.as("gov.marvdasht"), gov, id, 1, "critical"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale severity: %v", err)
	}
	if err := f.st.ChangeIncidentSeverity(f.ctx, f.as("gov.marvdasht"), gov, id, 2, "critical"); err != nil {
		t.Fatal(err)
	}
	if got := f.notices(store.NoticeIncidentCritical, id); len(got) != 2 || got["hq.fars"] != 1 || got["committee.fars"] != 1 {
		t.Errorf("critical told %v, want hq.fars and committee.fars", got)
	}
	if err := f.st.ChangeIncidentSeverity(f.ctx, f.as("committee.fars"), tech, id, 3, "high"); err != nil {
		t.Fatal(err)
	}
	f.exec(`UPDATE notifications SET read_at = now()`)
	if err := f.st.ChangeIncidentSeverity(f.ctx, f.as("committee.fars"), tech, id, 4, "critical"); err != nil {
		t.Fatal(err)
	}
	// Raised again after it was lowered: HQ is told again (the committee member who raised it is not).
	if got := f.notices(store.NoticeIncidentCritical, id); got["hq.fars"] != 2 || got["committee.fars"] != 1 {
		t.Errorf("raised to critical again: told %v, want a second notice to HQ", got)
	}

	// Only the owner committee resolves.
	if err := f.st.ResolveIncident(f.ctx, f.as("gov.marvdasht"), gov, id, 5, "حل شد"); !errors.Is(err, store.ErrNotYours) {
		t.Errorf("the governor resolves: %v", err)
	}
	if err := f.st.ResolveIncident(f.ctx, f.as("committee.fars"), tech, id, 5, "خط پشتیبان وصل شد"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.NoteIncident(f.ctx, f.as("committee.fars"), tech, id, "x"); !errors.Is(err, store.ErrIncidentState) {
		t.Errorf("a note on a resolved incident: %v", err)
	}
	i, _, _ = f.incident(gov, id)
	if i.Status != "resolved" || i.Resolution != "خط پشتیبان وصل شد" || i.ResolvedAt == nil || i.Version != 6 {
		t.Errorf("resolved: %+v", i)
	}

	// The reporting place reopens it: open again, to acknowledge anew.
	if err := f.st.ReopenIncident(f.ctx, f.as("legal.fars"), legal, id, 6, "x"); !errors.Is(err, store.ErrNotYours) {
		t.Errorf("legal reopens: %v", err)
	}
	if err := f.st.ReopenIncident(f.ctx, f.as("gov.marvdasht"), gov, id, 6, "دوباره کند شد"); err != nil {
		t.Fatal(err)
	}
	i, es, _ = f.incident(gov, id)
	if i.Status != "open" || i.AckedAt != nil || i.ResolvedAt != nil || i.Resolution != "" || i.Version != 7 {
		t.Errorf("reopened: %+v", i)
	}
	var kinds []string
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	want := []string{"reported", "acknowledged", "note", "note", "severity", "severity", "severity", "resolved", "reopened"}
	if !slices.Equal(kinds, want) {
		t.Errorf("thread %v, want %v", kinds, want)
	}
	if es[4].Severity != "critical" || es[1].ByName != "سارا جعفری" || es[8].Note != "دوباره کند شد" {
		t.Errorf("thread lines: %+v", es)
	}
	for action, n := range map[string]int{"incident.report": 1, "incident.acknowledge": 1, "incident.note": 2, "incident.severity": 3,
		"incident.resolve": 1, "incident.reopen": 1} {
		if got := f.auditCount(action); got != n {
			t.Errorf("%d rows of %s, want %d", got, action, n)
		}
	}
	f.verifyChain()
}

// A critical report tells HQ and the committee in the transaction of the report: when it fails, nobody
// is told and no incident is left.
func TestCriticalIncidentTellsAtOnce(t *testing.T) {
	f := incidentFixture(t)
	f.failAfterAudit()
	_, err := f.st.ReportIncident(f.ctx, f.as("gov.pasargad"), f.governor("pasargad"), store.NewIncident{System: "voter-authentication",
		Title: "قطع", Body: "قطع شد", Severity: "critical", Since: time.Now()})
	if err == nil {
		t.Fatal("the report did not fail")
	}
	if n := f.count(`SELECT count(*) FROM incidents`) + f.count(`SELECT count(*) FROM notifications`); n != 0 {
		t.Fatalf("%d rows left by a failed report", n)
	}
	f.stopFailing()
	id := f.report("gov.pasargad", f.governor("pasargad"), "voter-authentication", "critical", "قطع احراز هویت")
	if got := f.notices(store.NoticeIncidentCritical, id); len(got) != 2 || got["hq.fars"] != 1 || got["committee.fars"] != 1 {
		t.Errorf("critical told %v", got)
	}
	if got := f.notices(store.NoticeIncidentCritical, id)["hq.tehran"]; got != 0 {
		t.Error("another province's HQ was told")
	}
	// Resolved, then reopened while still critical: HQ and the committee, having read the first notice,
	// are told again.
	tech := f.committeeScope("fars", "technology")
	f.exec(`UPDATE notifications SET read_at = now()`)
	if err := f.st.ResolveIncident(f.ctx, f.as("committee.fars"), tech, id, 1, "وصل شد"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.ReopenIncident(f.ctx, f.as("gov.pasargad"), f.governor("pasargad"), id, 2, "دوباره قطع شد"); err != nil {
		t.Fatal(err)
	}
	if got := f.notices(store.NoticeIncidentCritical, id); got["hq.fars"] != 2 || got["committee.fars"] != 2 {
		t.Errorf("a critical incident reopened told %v", got)
	}
}

// The districts named are of the reporter's county; a district head's incident is his district's,
// whatever he names; a retired or unknown system is refused.
func TestIncidentReportChecks(t *testing.T) {
	f := incidentFixture(t)
	gov := f.governor("marvdasht")
	report := func(sc auth.Scope, user, system string, districts ...string) error {
		_, err := f.st.ReportIncident(f.ctx, f.as(user), sc, store.NewIncident{System: system, Title: "t", Body: "b", Severity: "low",
			Since: time.Now(), Districts: districts})
		return err
	}
	if err := report(gov, "gov.marvdasht", "counting", "shemiranat-central"); !errors.Is(err, store.ErrUnknownDistrict) {
		t.Errorf("another county's district: %v", err)
	}
	if err := report(gov, "gov.marvdasht", "nope"); !errors.Is(err, store.ErrUnknownSystem) {
		t.Errorf("an unknown system: %v", err)
	}
	if err := f.st.RetireSystem(f.ctx, f.as("hq.fars"), f.hq("fars"), "counting", 1, true); err != nil {
		t.Fatal(err)
	}
	if err := report(gov, "gov.marvdasht", "counting"); !errors.Is(err, store.ErrUnknownSystem) {
		t.Errorf("a retired system: %v", err)
	}
	if err := report(f.hq("fars"), "hq.fars", "voter-authentication"); !errors.Is(err, store.ErrNotReporter) {
		t.Errorf("HQ reports: %v", err)
	}
	id := f.report("dh.marvdasht-central", f.districtHead("marvdasht-central"), "voter-authentication", "low", "بخش", "marvdasht-dorudzan")
	var ds []string
	rows, _ := f.st.Pool().Query(f.ctx, `SELECT d.code FROM incident_districts x JOIN districts d ON d.id = x.district_id WHERE incident_id = $1`, id)
	for rows.Next() {
		var c string
		_ = rows.Scan(&c)
		ds = append(ds, c)
	}
	if !slices.Equal(ds, []string{"marvdasht-central"}) {
		t.Errorf("a district head's incident affects %v", ds)
	}
}

// Each reads the incidents of his scope: the province's readers all of it, a governor his county's, a
// district head those his district reported or that affect it; the filters narrow the list.
func TestIncidentScopeAndFilters(t *testing.T) {
	f := incidentFixture(t)
	a := f.report("gov.marvdasht", f.governor("marvdasht"), "counting", "critical", "الف", "marvdasht-central")
	b := f.report("gov.marvdasht", f.governor("marvdasht"), "counting", "low", "ب")
	c := f.report("dh.marvdasht-dorudzan", f.districtHead("marvdasht-dorudzan"), "result-transmission", "high", "پ")
	d := f.report("gov.pasargad", f.governor("pasargad"), "voter-authentication", "critical", "ت")
	e := f.report("gov.shemiranat", f.governor("shemiranat"), "counting", "critical", "ث")
	tech := f.committeeScope("fars", "technology")
	if err := f.st.ResolveIncident(f.ctx, f.as("committee.fars"), tech, d, 1, "حل شد"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AcknowledgeIncident(f.ctx, f.as("committee.fars"), tech, c, 1); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		what string
		sc   auth.Scope
		flt  store.IncidentFilter
		want []int64
	}{
		{"hq", f.hq("fars"), store.IncidentFilter{}, []int64{d, c, b, a}},
		{"committee", tech, store.IncidentFilter{}, []int64{d, c, b, a}},
		{"governor", f.governor("marvdasht"), store.IncidentFilter{}, []int64{c, b, a}},
		{"district head of central: affected", f.districtHead("marvdasht-central"), store.IncidentFilter{}, []int64{a}},
		{"district head of dorudzan: reported", f.districtHead("marvdasht-dorudzan"), store.IncidentFilter{}, []int64{c}},
		{"national", f.national(), store.IncidentFilter{}, []int64{e, d, c, b, a}},
		{"tehran hq", f.hq("tehran"), store.IncidentFilter{}, []int64{e}},
		{"county", f.hq("fars"), store.IncidentFilter{County: "pasargad"}, []int64{d}},
		{"critical open", f.hq("fars"), store.IncidentFilter{Severity: "critical", Open: true}, []int64{a}},
		{"critical", f.hq("fars"), store.IncidentFilter{Severity: "critical"}, []int64{d, a}},
		{"resolved", f.hq("fars"), store.IncidentFilter{Status: "resolved"}, []int64{d}},
		{"acknowledged", f.hq("fars"), store.IncidentFilter{Status: "acknowledged"}, []int64{c}},
		{"unresolved", f.hq("fars"), store.IncidentFilter{Status: "unresolved"}, []int64{c, b, a}},
		{"open state", f.hq("fars"), store.IncidentFilter{Status: "open"}, []int64{b, a}},
		{"system", f.hq("fars"), store.IncidentFilter{System: "counting"}, []int64{b, a}},
		{"county of marvdasht, open, critical", f.hq("fars"), store.IncidentFilter{County: "marvdasht", Severity: "critical", Open: true}, []int64{a}},
		{"another province's county", f.hq("fars"), store.IncidentFilter{County: "shemiranat"}, nil},
	} {
		got, total := f.incidentIDs(tt.sc, tt.flt)
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("%s: %v (%d), want %v", tt.what, got, total, tt.want)
		}
	}
	// Out of scope is not found, for reading and acting alike.
	if _, _, err := f.incident(f.governor("pasargad"), a); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another county's governor reads it: %v", err)
	}
	if _, _, err := f.incident(f.districtHead("marvdasht-central"), b); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a district head reads an incident that does not affect him: %v", err)
	}
	if err := f.st.NoteIncident(f.ctx, f.as("hq.tehran"), f.hq("tehran"), a, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another province's HQ notes: %v", err)
	}
	// A district head reads an incident that affects his district but acts only on his district's own.
	if err := f.st.NoteIncident(f.ctx, f.as("dh.marvdasht-central"), f.districtHead("marvdasht-central"), a, "x"); !errors.Is(err, store.ErrNotYours) {
		t.Errorf("a district head notes his county's incident: %v", err)
	}
}
