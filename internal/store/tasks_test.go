package store_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/taskflow"
)

// assignTask assigns a task of the fixture committee due on due to the audience.
func (f *fixture) assignTask(title string, due time.Time, a audience.Audience) int64 {
	f.t.Helper()
	id, err := f.st.AssignTask(f.ctx, f.as("committee.fars"), f.committeeScope("fars", "technology"), store.NewTask{Title: title, Body: "شرح",
		DueDate: due, Audience: a})
	if err != nil {
		f.t.Fatalf("assign %s: %v", title, err)
	}
	return id
}

// copyOf returns the copy of a task at a county (and district, "" for the county's own).
func (f *fixture) copyOf(d store.TaskDetail, county, district string) store.TaskAssignee {
	f.t.Helper()
	for _, a := range d.Assignees {
		if a.CountyCode == county && a.DistrictCode == district {
			return a
		}
	}
	f.t.Fatalf("no copy of %s/%s among %d", county, district, len(d.Assignees))
	return store.TaskAssignee{}
}

func places(d store.TaskDetail) []string {
	var out []string
	for _, a := range d.Assignees {
		out = append(out, a.CountyCode+"/"+a.DistrictCode)
	}
	slices.Sort(out)
	return out
}

// A task assigned to Marvdasht with its districts has a copy for the county and each district, all open;
// their governor and district heads are told, nobody else; each reader sees the copies of his scope
// only, and another province's readers nothing.
func TestAssignTaskScope(t *testing.T) {
	f := newFixture(t)
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	id := f.assignTask("بررسی سامانه", due, audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true})
	other := f.assignTask("پاسارگاد", due, audience.Audience{Counties: []string{"pasargad"}})

	d, err := f.st.Task(f.ctx, f.hq("fars"), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"marvdasht/"}
	for _, code := range f.farsDistrictCodes("marvdasht") {
		want = append(want, "marvdasht/"+code)
	}
	slices.Sort(want)
	if got := places(d); !slices.Equal(got, want) {
		t.Fatalf("HQ sees the copies %v, want %v", got, want)
	}
	for _, a := range d.Assignees {
		if a.Status != taskflow.Open || a.Version != 1 || a.ChangedAt != nil {
			t.Fatalf("a new copy: %+v", a)
		}
	}
	if d.Title != "بررسی سامانه" || d.Committee != "technology" || d.CommitteeFa != "کمیته فناوری" || !d.DueDate.Equal(due) ||
		d.WholeProvince || !slices.Equal(d.Counties, []string{"marvdasht"}) || !d.WithDistricts || d.CreatedByName != "سارا جعفری" {
		t.Fatalf("the task read back: %+v", d.Task)
	}

	gov, err := f.st.Task(f.ctx, f.governor("marvdasht"), id)
	if err != nil || len(gov.Assignees) != len(want) {
		t.Fatalf("the governor sees %d copies, %v", len(gov.Assignees), err)
	}
	dh, err := f.st.Task(f.ctx, f.districtHead("marvdasht-central"), id)
	if err != nil || !slices.Equal(places(dh), []string{"marvdasht/marvdasht-central"}) {
		t.Fatalf("the district head sees %v, %v", places(dh), err)
	}
	for name, sc := range map[string]auth.Scope{
		"Pasargad's governor":   f.governor("pasargad"),
		"Tehran's HQ":           f.hq("tehran"),
		"Shemiranat's governor": f.governor("shemiranat"),
	} {
		if _, err := f.st.Task(f.ctx, sc, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s reads the task: %v", name, err)
		}
	}
	if _, err := f.st.Task(f.ctx, f.districtHead("marvdasht-central"), other); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a district head reads a task of another county: %v", err)
	}
	if d, err := f.st.Task(f.ctx, f.national(), id); err != nil || len(d.Assignees) != len(want) {
		t.Errorf("the Ministry reads %d copies, %v", len(d.Assignees), err)
	}

	// Told: the governor and both district heads of Marvdasht; Pasargad's governor of his own task only.
	for user, n := range map[string]int{"gov.marvdasht": 1, "dh.marvdasht-central": 1, "dh.marvdasht-dorudzan": 1,
		"gov.pasargad": 1, "committee.fars": 0, "hq.fars": 0, "gov.shemiranat": 0} {
		ns := f.inbox(user)
		if len(ns) != n {
			t.Errorf("%s has %d notices, want %d", user, len(ns), n)
		}
		if n > 0 && (ns[0].Kind != store.NoticeTaskNew || ns[0].Subject != "task") {
			t.Errorf("%s's notice: %+v", user, ns[0])
		}
	}
	if row := f.lastAudit("task.assign"); row.EntityID != itoa(other) || row.ProvinceID != f.province["fars"] {
		t.Errorf("audit: %+v", row)
	}

	// An unknown county assigns nothing.
	if _, err := f.st.AssignTask(f.ctx, f.as("committee.fars"), f.committeeScope("fars", "technology"), store.NewTask{Title: "x", DueDate: due,
		Audience: audience.Audience{Counties: []string{"marvdasht", "shemiranat"}}}); !errors.Is(err, store.ErrUnknownCounty) {
		t.Fatalf("a county of another province: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM tasks`); n != 2 {
		t.Fatalf("%d tasks after a refused one", n)
	}

	// The lists: the province's with the copies counted, a governor's copies (his county's and its
	// districts'), a district head's own.
	today := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	var sums []store.TaskSummary
	var total int
	var govCopies, dhCopies, govOwn []store.TaskCopy
	var b store.Batch
	b.Tasks(f.hq("fars"), today, store.TaskFilter{Limit: 10}, &sums, &total)
	b.TaskCopies(f.governor("marvdasht"), today, false, 100, &govCopies)
	b.TaskCopies(f.governor("marvdasht"), today, true, 100, &govOwn)
	b.TaskCopies(f.districtHead("marvdasht-dorudzan"), today, false, 100, &dhCopies)
	if err := f.st.Run(f.ctx, &b); err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(sums) != 2 || sums[0].Assignees+sums[1].Assignees != len(want)+1 {
		t.Fatalf("the province's list: %d, %+v", total, sums)
	}
	if len(govCopies) != len(want) || len(govOwn) != 1 || govOwn[0].Assignee.DistrictID != 0 || len(dhCopies) != 1 ||
		dhCopies[0].Assignee.DistrictCode != "marvdasht-dorudzan" {
		t.Fatalf("copies: governor %d (own %d), district head %+v", len(govCopies), len(govOwn), dhCopies)
	}
}

// A place moves its own copy along the flow, each move kept with its note; a governor reads his district's
// copy but does not move it; a stale version is refused and changes nothing; of two moves posted at once
// from the same version, one wins.
func TestChangeTaskStatus(t *testing.T) {
	f := newFixture(t)
	id := f.assignTask("گزارش", time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
		audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true})
	d, err := f.st.Task(f.ctx, f.hq("fars"), id)
	if err != nil {
		t.Fatal(err)
	}
	county, district := f.copyOf(d, "marvdasht", ""), f.copyOf(d, "marvdasht", "marvdasht-central")
	gov, govScope := f.as("gov.marvdasht"), f.governor("marvdasht")

	for _, tt := range []struct {
		name    string
		scope   auth.Scope
		user    string
		copy    int64
		version int
		to      string
		note    string
		want    error
	}{
		{"another county's governor", f.governor("pasargad"), "gov.pasargad", county.ID, 1, taskflow.InProgress, "", store.ErrNotFound},
		{"another district's head", f.districtHead("marvdasht-dorudzan"), "dh.marvdasht-dorudzan", district.ID, 1, taskflow.InProgress, "", store.ErrNotFound},
		{"the governor, his district's copy", govScope, "gov.marvdasht", district.ID, 1, taskflow.InProgress, "", store.ErrNotYourCopy},
		{"another province's governor", f.governor("shemiranat"), "gov.shemiranat", county.ID, 1, taskflow.Done, "", store.ErrNotFound},
		{"a stale version", govScope, "gov.marvdasht", county.ID, 2, taskflow.InProgress, "", store.ErrConflict},
		{"blocked without a reason", govScope, "gov.marvdasht", county.ID, 1, taskflow.Blocked, "", taskflow.ErrNoteRequired},
		{"back to open", govScope, "gov.marvdasht", county.ID, 1, taskflow.Open, "x", taskflow.ErrNotAllowed},
		{"no such status", govScope, "gov.marvdasht", county.ID, 1, "closed", "x", taskflow.ErrUnknownStatus},
	} {
		err := f.st.ChangeTaskStatus(f.ctx, f.as(tt.user), tt.scope, id, tt.copy, tt.version, tt.to, tt.note)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := f.count(`SELECT count(*) FROM task_assignees WHERE status <> 'open' OR version <> 1`); n != 0 {
		t.Fatalf("%d copies changed by refused moves", n)
	}

	steps := []struct{ to, note string }{{taskflow.InProgress, ""}, {taskflow.Blocked, "سرور در دسترس نیست"},
		{taskflow.InProgress, "سرور برگشت"}, {taskflow.Done, "انجام شد و گزارش رفت"}}
	for i, s := range steps {
		if err := f.st.ChangeTaskStatus(f.ctx, gov, govScope, id, county.ID, i+1, s.to, s.note); err != nil {
			t.Fatalf("step %d (%s): %v", i, s.to, err)
		}
	}
	d, err = f.st.Task(f.ctx, f.committeeScope("fars", "technology"), id)
	if err != nil {
		t.Fatal(err)
	}
	c := f.copyOf(d, "marvdasht", "")
	if c.Status != taskflow.Done || c.Note != "انجام شد و گزارش رفت" || c.Version != 5 || c.ChangedAt == nil || c.ChangedByName != "علی رضایی" {
		t.Fatalf("the copy after its moves: %+v", c)
	}
	var moves []string
	for _, e := range d.Events {
		if e.AssigneeID != c.ID || e.ByName != "علی رضایی" {
			t.Fatalf("a move: %+v", e)
		}
		moves = append(moves, e.From+">"+e.To+":"+e.Note)
	}
	if want := []string{"open>in_progress:", "in_progress>blocked:سرور در دسترس نیست", "blocked>in_progress:سرور برگشت",
		"in_progress>done:انجام شد و گزارش رفت"}; !slices.Equal(moves, want) {
		t.Fatalf("the moves kept: %v, want %v", moves, want)
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'task.status' AND entity_id = $1`, itoa(id)); n != 4 {
		t.Fatalf("%d audit rows of the moves, want 4", n)
	}
	f.verifyChain()

	// The district head moves his own copy; two posts from the same version at once: one wins.
	dh, dhScope := f.as("dh.marvdasht-central"), f.districtHead("marvdasht-central")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, to := range []string{taskflow.InProgress, taskflow.Done} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.st.ChangeTaskStatus(f.ctx, dh, dhScope, id, district.ID, 1, to, "")
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, store.ErrConflict):
			lost++
		default:
			t.Fatalf("a move at once: %v", err)
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("%d won and %d lost, want one each", won, lost)
	}
	if n := f.count(`SELECT count(*) FROM task_assignee_events WHERE assignee_id = $1`, district.ID); n != 1 {
		t.Fatalf("%d moves kept of the district's copy, want 1", n)
	}
}

// The sweep tells each place of its copy due within two days and then overdue, once each however often it
// runs; a done copy is told nothing, and a district's copy is told to its district head alone.
func TestSweepTasks(t *testing.T) {
	f := newFixture(t)
	tehranNoon := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 30, 0, 0, time.UTC) }
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	id := f.assignTask("آماده‌سازی", due, audience.Audience{Counties: []string{"marvdasht", "pasargad"}, WithDistricts: true})
	f.assignTask("دور", due.AddDate(0, 1, 0), audience.Audience{Counties: []string{"marvdasht"}})
	d, err := f.st.Task(f.ctx, f.hq("fars"), id)
	if err != nil {
		t.Fatal(err)
	}
	pasargad := f.copyOf(d, "pasargad", "")
	if err := f.st.ChangeTaskStatus(f.ctx, f.as("gov.pasargad"), f.governor("pasargad"), id, pasargad.ID, 1, taskflow.Done, ""); err != nil {
		t.Fatal(err)
	}
	kinds := func(user string) []string {
		var out []string
		for _, n := range f.inbox(user) {
			if n.Kind != store.NoticeTaskNew {
				out = append(out, n.Kind)
			}
		}
		slices.Sort(out)
		return out
	}
	// Three days before: nothing yet.
	if _, err := f.st.SweepNotices(f.ctx, tehranNoon(2026, 3, 7)); err != nil {
		t.Fatal(err)
	}
	if got := kinds("gov.marvdasht"); len(got) != 0 {
		t.Fatalf("three days before, the governor was told %v", got)
	}
	for range 2 {
		if _, err := f.st.SweepNotices(f.ctx, tehranNoon(2026, 3, 8)); err != nil {
			t.Fatal(err)
		}
	}
	for user, want := range map[string][]string{"gov.marvdasht": {"task_due"}, "dh.marvdasht-central": {"task_due"},
		"gov.pasargad": nil, "hq.fars": nil, "committee.fars": nil} {
		if got := kinds(user); !slices.Equal(got, want) {
			t.Errorf("two days before, %s was told %v, want %v", user, got, want)
		}
	}
	for range 2 {
		if _, err := f.st.SweepNotices(f.ctx, tehranNoon(2026, 3, 11)); err != nil {
			t.Fatal(err)
		}
	}
	for user, want := range map[string][]string{"gov.marvdasht": {"task_due", "task_overdue"},
		"dh.marvdasht-dorudzan": {"task_due", "task_overdue"}, "gov.pasargad": nil} {
		if got := kinds(user); !slices.Equal(got, want) {
			t.Errorf("a day after, %s was told %v, want %v", user, got, want)
		}
	}
	if ns := f.inbox("gov.marvdasht"); ns[0].Subject != "task" || ns[0].SubjectID != id || ns[0].Title != "آماده‌سازی" || !ns[0].Reminder() {
		t.Errorf("the overdue notice: %+v", ns[0])
	}
}

// A copy marked blocked tells the task's committee, with the task's title; each copy once until the
// committee has read it (a district's block is told though the county's is unread; the county blocked
// again while its notice is unread is not), and again once read. The place that blocked it, HQ and the
// places are not told.
func TestBlockedCopyTellsTheCommittee(t *testing.T) {
	f := newFixture(t)
	id := f.assignTask("گزارش اتصال", time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC),
		audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true})
	d, err := f.st.Task(f.ctx, f.hq("fars"), id)
	if err != nil {
		t.Fatal(err)
	}
	county, district := f.copyOf(d, "marvdasht", ""), f.copyOf(d, "marvdasht", "marvdasht-central")
	govScope := f.governor("marvdasht")
	blocked := func(user string) []store.Notification {
		var out []store.Notification
		for _, n := range f.inbox(user) {
			if n.Kind == store.NoticeTaskBlocked {
				out = append(out, n)
			}
		}
		return out
	}
	move := func(who string, sc auth.Scope, copyID int64, version int, to, note string) {
		t.Helper()
		if err := f.st.ChangeTaskStatus(f.ctx, f.as(who), sc, id, copyID, version, to, note); err != nil {
			t.Fatalf("%s to %s: %v", who, to, err)
		}
	}
	move("gov.marvdasht", govScope, county.ID, 1, taskflow.InProgress, "")
	if n := len(blocked("committee.fars")); n != 0 {
		t.Fatalf("a move in progress told the committee %d times", n)
	}
	move("gov.marvdasht", govScope, county.ID, 2, taskflow.Blocked, "خط قطع است")
	got := blocked("committee.fars")
	if len(got) != 1 || got[0].SubjectID != id || got[0].Subject != "task" || got[0].Title != "گزارش اتصال" || got[0].Reminder() {
		t.Fatalf("the committee's notices of the block: %+v", got)
	}
	for _, user := range []string{"gov.marvdasht", "hq.fars", "dh.marvdasht-central", "observer.fars"} {
		if n := len(blocked(user)); n != 0 {
			t.Errorf("%s told %d times of the block", user, n)
		}
	}
	move("dh.marvdasht-central", f.districtHead("marvdasht-central"), district.ID, 1, taskflow.Blocked, "برق نیست")
	if n := len(blocked("committee.fars")); n != 2 {
		t.Fatalf("after the district's block the committee has %d notices, want 2", n)
	}
	move("gov.marvdasht", govScope, county.ID, 3, taskflow.InProgress, "وصل شد")
	move("gov.marvdasht", govScope, county.ID, 4, taskflow.Blocked, "دوباره قطع شد")
	if n := len(blocked("committee.fars")); n != 2 {
		t.Fatalf("the county blocked again while unread: %d notices, want 2", n)
	}
	for _, n := range blocked("committee.fars") {
		if _, err := f.st.MarkRead(f.ctx, f.as("committee.fars"), f.mustID(f.province, "fars"), n.ID); err != nil {
			t.Fatal(err)
		}
	}
	move("gov.marvdasht", govScope, county.ID, 5, taskflow.InProgress, "وصل شد")
	move("gov.marvdasht", govScope, county.ID, 6, taskflow.Blocked, "باز قطع شد")
	if n := len(blocked("committee.fars")); n != 3 {
		t.Fatalf("blocked again once read: %d notices, want 3", n)
	}
}
