package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// trainer adds a member of Fars's training committee and returns his actor and scope.
func (f *fixture) trainer() (audit.Actor, auth.Scope) {
	f.t.Helper()
	id, err := f.st.CreateUser(f.ctx, audit.System, auth.Scope{}, auth.Account{Username: "trainer.fars", FullName: "نازنین آموزگار",
		Role: "committee", Province: "fars", Committee: "training"}, testHash)
	if err != nil {
		f.t.Fatal(err)
	}
	f.user["trainer.fars"] = id
	sc := f.hq("fars")
	sc.Committee = "training"
	return f.as("trainer.fars"), sc
}

func ptr[T any](v T) *T { return &v }

// A committee schedules a session for Marvdasht and its districts: each place is invited and told; the
// governor and the district heads see it in their scope, Pasargad and Tehran do not; each place confirms
// its own invitation; only the training committee records attendance, as of the session's version; HQ's
// coverage counts the places invited, confirmed and trained.
func TestTrainingFlowAndScope(t *testing.T) {
	f := newFixture(t)
	trainer, trainerScope := f.trainer()
	starts := time.Date(2026, 12, 10, 6, 0, 0, 0, time.UTC)
	id, err := f.st.ScheduleTraining(f.ctx, trainer, trainerScope, store.NewTraining{Title: "آموزش سامانه ثبت‌نام", StartsAt: starts,
		Place: "https://meet.example.ir/room", Audience: audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	districts := f.count(`SELECT count(*) FROM districts WHERE county_id = $1`, f.county["marvdasht"])
	if n := f.count(`SELECT count(*) FROM training_invitees WHERE training_id = $1`, id); n != 1+districts {
		t.Fatalf("%d invitees, want %d", n, 1+districts)
	}
	for user, want := range map[string]int{"gov.marvdasht": 1, "dh.marvdasht-central": 1, "dh.marvdasht-dorudzan": 1, "gov.pasargad": 0,
		"trainer.fars": 0, "hq.fars": 0, "gov.shemiranat": 0} {
		ns := f.inbox(user)
		if len(ns) != want || want == 1 && (ns[0].Kind != store.NoticeTrainingNew || ns[0].SubjectID != id || ns[0].Title != "آموزش سامانه ثبت‌نام") {
			t.Errorf("%s's inbox: %+v", user, ns)
		}
	}
	// An unknown county is refused whole.
	if _, err := f.st.ScheduleTraining(f.ctx, trainer, trainerScope, store.NewTraining{Title: "x", StartsAt: starts, Place: "x",
		Audience: audience.Audience{Counties: []string{"marvdasht", "shemiranat"}}}, nil); !errors.Is(err, store.ErrUnknownCounty) {
		t.Fatalf("a Tehran county in a Fars audience: %v", err)
	}

	// Who sees it, and how many of its places.
	for _, tt := range []struct {
		name    string
		sc      auth.Scope
		invited int
	}{
		{"hq", f.hq("fars"), 1 + districts},
		{"trainer", trainerScope, 1 + districts},
		{"governor", f.governor("marvdasht"), 1 + districts},
		{"district head", f.districtHead("marvdasht-central"), 1},
		{"pasargad", f.governor("pasargad"), 0},
		{"tehran", f.hq("tehran"), 0},
	} {
		ts, err := f.st.Trainings(f.ctx, tt.sc)
		if err != nil {
			t.Fatal(err)
		}
		tr, is, err := f.st.Training(f.ctx, tt.sc, id)
		if tt.invited == 0 {
			if len(ts) != 0 || !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s sees %+v, %v", tt.name, ts, err)
			}
			continue
		}
		if err != nil || len(ts) != 1 || ts[0].Invited != tt.invited || tr.Invited != tt.invited || len(is) != tt.invited ||
			tr.Committee != "training" || tr.CommitteeFa != "کمیته آموزش" || !tr.StartsAt.Equal(starts) {
			t.Errorf("%s: %+v %+v %d invitees, %v", tt.name, ts, tr, len(is), err)
		}
	}

	// Confirmation: each by its own place; out of scope is not found; twice is once.
	if err := f.st.ConfirmTraining(f.ctx, f.as("gov.pasargad"), f.governor("pasargad"), id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Pasargad confirming: %v", err)
	}
	if err := f.st.ConfirmTraining(f.ctx, f.as("gov.shemiranat"), f.governor("shemiranat"), id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran confirming: %v", err)
	}
	if err := f.st.ConfirmTraining(f.ctx, f.as("hq.fars"), f.hq("fars"), id); !errors.Is(err, store.ErrTrainingNotInvited) {
		t.Fatalf("HQ confirming: %v", err)
	}
	for range 2 {
		if err := f.st.ConfirmTraining(f.ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), id); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.st.ConfirmTraining(f.ctx, f.as("dh.marvdasht-central"), f.districtHead("marvdasht-central"), id); err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount("training.confirm"); n != 2 {
		t.Fatalf("%d confirmations audited, want 2", n)
	}
	_, is, err := f.st.Training(f.ctx, f.hq("fars"), id)
	if err != nil {
		t.Fatal(err)
	}
	var county, central store.Invitee
	for _, i := range is {
		switch {
		case i.DistrictID == 0:
			county = i
		case i.DistrictCode == "marvdasht-central":
			central = i
		}
	}
	if county.ConfirmedAt == nil || county.ConfirmedBy != "علی رضایی" || central.ConfirmedAt == nil {
		t.Fatalf("confirmations: %+v %+v", county, central)
	}
	if is[0].DistrictID != 0 {
		t.Fatalf("the county is not listed first: %+v", is[0])
	}

	// Attendance: the technology committee may not; a stale version is refused; the training committee
	// records it.
	technology := f.hq("fars")
	technology.Committee = "technology"
	rows := []store.Attendance{{InviteeID: county.ID, Attended: ptr(true), Attendees: ptr(3), Names: "علی رضایی، مینا کرمی"},
		{InviteeID: central.ID, Attended: ptr(false)}}
	if err := f.st.RecordAttendance(f.ctx, f.as("committee.fars"), technology, id, 1, rows); !errors.Is(err, store.ErrTrainingOtherCommittee) {
		t.Fatalf("another committee recording: %v", err)
	}
	tehranTrainer := f.hq("tehran")
	tehranTrainer.Committee = "training"
	if err := f.st.RecordAttendance(f.ctx, trainer, tehranTrainer, id, 1, rows); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Tehran's training committee recording: %v", err)
	}
	if err := f.st.RecordAttendance(f.ctx, trainer, trainerScope, id, 2, rows); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale version: %v", err)
	}
	if err := f.st.RecordAttendance(f.ctx, trainer, trainerScope, id, 1, []store.Attendance{{InviteeID: 999999}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another session's invitee: %v", err)
	}
	if err := f.st.RecordAttendance(f.ctx, trainer, trainerScope, id, 1, rows); err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount("training.attendance"); n != 2 {
		t.Fatalf("%d attendance rows audited, want 2", n)
	}
	// The same again, as of the new version, changes nothing and audits nothing.
	if err := f.st.RecordAttendance(f.ctx, trainer, trainerScope, id, 2, rows); err != nil || f.auditCount("training.attendance") != 2 {
		t.Fatalf("recording the same: %v, %d rows", err, f.auditCount("training.attendance"))
	}
	tr, is, err := f.st.Training(f.ctx, f.governor("marvdasht"), id)
	if err != nil || tr.Attended != 1 || tr.Confirmed != 2 || tr.Version != 2 {
		t.Fatalf("after attendance: %+v, %v", tr, err)
	}
	if is[0].Attended == nil || !*is[0].Attended || *is[0].Attendees != 3 || is[0].AttendeeNames != "علی رضایی، مینا کرمی" {
		t.Fatalf("the county's attendance: %+v", is[0])
	}

	// HQ's coverage: Marvdasht's county trained, its districts not; Pasargad neither invited nor trained.
	cov, err := f.st.TrainingCoverage(f.ctx, f.province["fars"])
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cov, func(c store.CountyTraining) bool { return c.Code == "marvdasht" })
	m := cov[i]
	if m.Places != 1+districts || m.Invited != 1+districts || m.Confirmed != 2 || m.Attended != 1 || m.CountyUntrained ||
		len(m.DistrictsFa) != districts || m.NotTrained() != districts {
		t.Fatalf("Marvdasht's coverage: %+v", m)
	}
	p := cov[slices.IndexFunc(cov, func(c store.CountyTraining) bool { return c.Code == "pasargad" })]
	if p.Invited != 0 || p.Attended != 0 || !p.CountyUntrained || p.NotTrained() != p.Places {
		t.Fatalf("Pasargad's coverage: %+v", p)
	}
	if len(cov) != len(f.fars.Counties) {
		t.Fatalf("%d counties covered, want %d", len(cov), len(f.fars.Counties))
	}
	if cov, err := f.st.TrainingCoverage(f.ctx, f.province["tehran"]); err != nil || len(cov) != 2 || cov[0].Invited != 0 {
		t.Fatalf("Tehran's coverage: %+v, %v", cov, err)
	}

	// The governor's home lists his own place's invitation, confirmed; Pasargad's lists none.
	var inv, none []store.Invitation
	var b store.Batch
	b.Invitations(f.governor("marvdasht"), starts.Add(-time.Hour), &inv)
	b.Invitations(f.governor("pasargad"), starts.Add(-time.Hour), &none)
	if err := f.st.Run(f.ctx, &b); err != nil {
		t.Fatal(err)
	}
	if len(inv) != 1 || inv[0].TrainingID != id || !inv[0].Confirmed || len(none) != 0 {
		t.Fatalf("invitations %+v %+v", inv, none)
	}
	f.verifyChain()
}

// A session's materials: scheduled with it, then added by its committee only, numbered on, at most
// MaxAttachments; each addition audited.
func TestTrainingMaterials(t *testing.T) {
	f := newFixture(t)
	trainer, sc := f.trainer()
	pdf := func(name string) store.NewAttachment {
		content := []byte("%PDF-1.4 " + name)
		sum := sha256.Sum256(content)
		return store.NewAttachment{Name: name, MIME: "application/pdf", Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]),
			Content: bytes.NewReader(content)}
	}
	id, err := f.st.ScheduleTraining(f.ctx, trainer, sc, store.NewTraining{Title: "آموزش", StartsAt: time.Date(2026, 12, 10, 6, 0, 0, 0, time.UTC),
		Place: "فرمانداری", Audience: audience.Audience{Counties: []string{"marvdasht"}}}, []store.NewAttachment{pdf("جزوه.pdf")})
	if err != nil {
		t.Fatal(err)
	}
	other := f.hq("fars")
	other.Committee = "technology"
	if err := f.st.AttachToTraining(f.ctx, trainer, other, id, []store.NewAttachment{pdf("x.pdf")}); !errors.Is(err, store.ErrTrainingOtherCommittee) {
		t.Errorf("another committee adds materials: %v", err)
	}
	tehran := f.hq("tehran")
	tehran.Committee = "training"
	if err := f.st.AttachToTraining(f.ctx, trainer, tehran, id, []store.NewAttachment{pdf("x.pdf")}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another province's committee adds materials: %v", err)
	}
	many := make([]store.NewAttachment, store.MaxAttachments)
	for i := range many {
		many[i] = pdf("a.pdf")
	}
	if err := f.st.AttachToTraining(f.ctx, trainer, sc, id, many); !errors.Is(err, store.ErrTooManyAttachments) {
		t.Errorf("1 + %d materials: %v", len(many), err)
	}
	if err := f.st.AttachToTraining(f.ctx, trainer, sc, id, []store.NewAttachment{pdf("اسلاید.pdf")}); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{1: "جزوه.pdf", 2: "اسلاید.pdf"} {
		if a, err := f.st.Attachment(f.ctx, store.OwnerTraining, id, n); err != nil || a.Name != want {
			t.Errorf("material %d: %+v %v", n, a, err)
		}
	}
	if _, err := f.st.Attachment(f.ctx, store.OwnerTraining, id, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("material 3: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action = 'training.attach' AND detail::text LIKE '%اسلاید.pdf%'`); n != 1 {
		t.Errorf("%d audit rows of the added material", n)
	}
}

// The day before a session its invited places are reminded: the sweep tells the governor and the district
// heads of the places invited, once each however often it runs, when the session begins within 24 hours;
// not earlier, not once it has begun, and nobody else.
func TestSweepRemindsTrainingInvitees(t *testing.T) {
	f := newFixture(t)
	trainer, trainerScope := f.trainer()
	starts := time.Date(2026, 12, 10, 6, 0, 0, 0, time.UTC)
	id, err := f.st.ScheduleTraining(f.ctx, trainer, trainerScope, store.NewTraining{Title: "آموزش سامانه ثبت‌نام", StartsAt: starts,
		Place: "https://meet.example.ir/room", Audience: audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ScheduleTraining(f.ctx, trainer, trainerScope, store.NewTraining{Title: "دوره بعدی", StartsAt: starts.AddDate(0, 0, 7),
		Place: "سالن", Audience: audience.Audience{Counties: []string{"pasargad"}}}, nil); err != nil {
		t.Fatal(err)
	}
	reminders := func(user string) []store.Notification {
		var out []store.Notification
		for _, n := range f.inbox(user) {
			if n.Kind == store.NoticeTrainingReminder {
				out = append(out, n)
			}
		}
		return out
	}
	sweep := func(at time.Time) {
		t.Helper()
		if _, err := f.st.SweepNotices(f.ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	sweep(starts.Add(-30 * time.Hour))
	if got := reminders("gov.marvdasht"); len(got) != 0 {
		t.Fatalf("30 hours before, the governor was reminded: %+v", got)
	}
	sweep(starts.Add(-20 * time.Hour))
	sweep(starts.Add(-2 * time.Hour))
	for user, want := range map[string]int{"gov.marvdasht": 1, "dh.marvdasht-central": 1, "dh.marvdasht-dorudzan": 1, "gov.pasargad": 0,
		"trainer.fars": 0, "hq.fars": 0, "committee.fars": 0, "gov.shemiranat": 0} {
		got := reminders(user)
		if len(got) != want || want == 1 && (got[0].SubjectID != id || got[0].Subject != "training" || got[0].Title != "آموزش سامانه ثبت‌نام" ||
			!got[0].Reminder()) {
			t.Errorf("%s's reminders: %+v, want %d", user, got, want)
		}
	}
	sweep(starts.Add(time.Hour))
	if n := len(reminders("gov.marvdasht")); n != 1 {
		t.Errorf("after the session began, the governor has %d reminders", n)
	}
}
