package store_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// questionFixture is a fixture with a member of the Fars legal committee (legal.fars) beside the
// technology one (committee.fars).
func questionFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	id, err := f.st.CreateUser(f.ctx, audit.System, auth.Scope{}, auth.Account{Username: "legal.fars", FullName: "مهدی نوری",
		Role: "committee", Province: "fars", Committee: "legal"}, testHash)
	if err != nil {
		t.Fatal(err)
	}
	f.user["legal.fars"] = id
	return f
}

// committeeScope is a committee member's scope: his province and committee.
func (f *fixture) committeeScope(province, committee string) auth.Scope {
	return auth.Scope{ProvinceID: f.mustID(f.province, province), Committee: committee}
}

// ask asks a question as username from scope sc and returns its id.
func (f *fixture) ask(username string, sc auth.Scope, committee, title string) int64 {
	f.t.Helper()
	id, err := f.st.AskQuestion(f.ctx, f.as(username), sc, store.NewQuestion{Committee: committee, Title: title, Body: "متن " + title})
	if err != nil {
		f.t.Fatalf("%s asks %q: %v", username, title, err)
	}
	return id
}

// questionTitles lists the titles of the questions a scope reads, newest first, and how many there are.
func (f *fixture) questionTitles(sc auth.Scope, committee string) ([]string, int) {
	f.t.Helper()
	var qs []store.Question
	var total int
	var b store.Batch
	b.Questions(sc, committee, 1, &qs, &total)
	if err := f.st.Run(f.ctx, &b); err != nil {
		f.t.Fatal(err)
	}
	var titles []string
	for _, q := range qs {
		titles = append(titles, q.Title)
	}
	return titles, total
}

func (f *fixture) question(sc auth.Scope, id int64) (store.Question, []store.Answer, error) {
	var q store.Question
	var as []store.Answer
	var b store.Batch
	b.Question(sc, id, &q)
	b.Answers(sc, id, &as)
	err := f.st.Run(f.ctx, &b)
	return q, as, err
}

// A question is read in the scope of the place it was asked from: a governor reads his county's and its
// districts', a district head his district's, the province's readers all of it, the Ministry any
// province; the committee asked is told, and nobody else.
func TestQuestionScope(t *testing.T) {
	f := questionFixture(t)
	gov := f.ask("gov.marvdasht", f.governor("marvdasht"), "legal", "مرودشت")
	dh := f.ask("dh.marvdasht-central", f.districtHead("marvdasht-central"), "technology", "بخش مرکزی")
	f.ask("hq.fars", f.hq("fars"), "legal", "ستاد")
	f.ask("gov.pasargad", f.governor("pasargad"), "legal", "پاسارگاد")
	tehran := f.ask("gov.shemiranat", f.governor("shemiranat"), "legal", "شمیرانات")

	if _, err := f.st.AskQuestion(f.ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), store.NewQuestion{Committee: "nosuch",
		Title: "t", Body: "b"}); !errors.Is(err, store.ErrUnknownCommittee) {
		t.Fatalf("a question to no committee: %v", err)
	}

	fars := []string{"پاسارگاد", "ستاد", "بخش مرکزی", "مرودشت"}
	for _, tt := range []struct {
		name  string
		sc    auth.Scope
		want  []string
		legal []string
	}{
		{"governor", f.governor("marvdasht"), []string{"بخش مرکزی", "مرودشت"}, []string{"مرودشت"}},
		{"district head", f.districtHead("marvdasht-central"), []string{"بخش مرکزی"}, nil},
		{"another district head", f.districtHead("marvdasht-dorudzan"), nil, nil},
		{"another governor", f.governor("pasargad"), []string{"پاسارگاد"}, []string{"پاسارگاد"}},
		{"HQ", f.hq("fars"), fars, []string{"پاسارگاد", "ستاد", "مرودشت"}},
		{"another committee", f.committeeScope("fars", "technology"), fars, []string{"پاسارگاد", "ستاد", "مرودشت"}},
		{"national, Fars", f.hq("fars"), fars, []string{"پاسارگاد", "ستاد", "مرودشت"}},
		{"Tehran", f.hq("tehran"), []string{"شمیرانات"}, []string{"شمیرانات"}},
		{"national", f.national(), append([]string{"شمیرانات"}, fars...), nil},
	} {
		got, total := f.questionTitles(tt.sc, "")
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("%s reads %v (%d), want %v", tt.name, got, total, tt.want)
		}
		if tt.legal == nil {
			continue
		}
		if got, _ := f.questionTitles(tt.sc, "legal"); !slices.Equal(got, tt.legal) {
			t.Errorf("%s reads of the legal committee %v, want %v", tt.name, got, tt.legal)
		}
	}

	for _, tt := range []struct {
		name string
		sc   auth.Scope
		id   int64
	}{
		{"another governor", f.governor("pasargad"), gov},
		{"a district head, his county's", f.districtHead("marvdasht-central"), gov},
		{"another district head", f.districtHead("marvdasht-dorudzan"), dh},
		{"another province's HQ", f.hq("tehran"), gov},
		{"Fars HQ, Tehran's", f.hq("fars"), tehran},
	} {
		if _, _, err := f.question(tt.sc, tt.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s reads the question: %v", tt.name, err)
		}
	}
	q, _, err := f.question(f.governor("marvdasht"), dh)
	if err != nil || q.Body != "متن بخش مرکزی" || q.DistrictEn != "Central" || q.CountyEn != "Marvdasht" ||
		q.CommitteeEn != "Technology committee" || q.AskerName != "زهرا محمدی" {
		t.Fatalf("the governor reads his district's question as %+v, %v", q, err)
	}

	// The committee asked is told; the asker, the other committee and the places are not.
	if ns := f.inbox("legal.fars"); len(ns) != 3 || ns[0].Kind != store.NoticeQuestionNew || ns[0].Subject != "question" {
		t.Fatalf("the legal committee's inbox: %+v", ns)
	}
	if ns := f.inbox("committee.fars"); len(ns) != 1 || ns[0].SubjectID != dh {
		t.Fatalf("the technology committee's inbox: %+v", ns)
	}
	for _, u := range []string{"gov.marvdasht", "hq.fars", "gov.pasargad", "dh.marvdasht-central", "observer.fars"} {
		if ns := f.inbox(u); len(ns) != 0 {
			t.Errorf("%s was told: %+v", u, ns)
		}
	}
	if n := f.auditCount("question.ask"); n != 5 {
		t.Fatalf("%d question.ask rows", n)
	}
	f.verifyChain()
}

// Only the committee asked answers; only the asker accepts an answer, and may accept another later; only
// HQ or the committee publishes, only an answered question, with the answer chosen or the accepted one.
func TestQuestionAnswerAcceptPublish(t *testing.T) {
	f := questionFixture(t)
	gov, legal, tech, hq := f.governor("marvdasht"), f.committeeScope("fars", "legal"), f.committeeScope("fars", "technology"), f.hq("fars")
	id := f.ask("gov.marvdasht", gov, "legal", "مهلت اعتراض")
	other := f.ask("gov.pasargad", f.governor("pasargad"), "legal", "دیگر")

	if err := f.st.PublishQuestion(f.ctx, f.as("hq.fars"), hq, true, id, 0, 1); !errors.Is(err, store.ErrNotAnswered) {
		t.Fatalf("publishing an unanswered question: %v", err)
	}
	if _, err := f.st.AnswerQuestion(f.ctx, f.as("committee.fars"), tech, id, "پاسخ فناوری"); !errors.Is(err, store.ErrNotYours) {
		t.Fatalf("another committee answers: %v", err)
	}
	if _, err := f.st.AnswerQuestion(f.ctx, f.as("legal.fars"), f.committeeScope("tehran", "legal"), id, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another province's committee answers: %v", err)
	}
	first, err := f.st.AnswerQuestion(f.ctx, f.as("legal.fars"), legal, id, "چهار روز")
	if err != nil {
		t.Fatal(err)
	}
	if ns := f.inbox("gov.marvdasht"); len(ns) != 1 || ns[0].Kind != store.NoticeAnswerNew || ns[0].SubjectID != id || ns[0].Title != "مهلت اعتراض" {
		t.Fatalf("the asker's inbox: %+v", ns)
	}
	second, err := f.st.AnswerQuestion(f.ctx, f.as("legal.fars"), legal, id, "چهار روز کاری، از فردای اعلام")
	if err != nil {
		t.Fatal(err)
	}
	otherAnswer, err := f.st.AnswerQuestion(f.ctx, f.as("legal.fars"), legal, other, "پاسخ دیگر")
	if err != nil {
		t.Fatal(err)
	}

	// Accepting: the asker's alone, at the version he saw, an answer of his question.
	for _, tt := range []struct {
		name    string
		who     string
		sc      auth.Scope
		answer  int64
		version int
		want    error
	}{
		{"HQ", "hq.fars", hq, first, 1, store.ErrNotYours},
		{"the committee", "legal.fars", legal, first, 1, store.ErrNotYours},
		{"another governor", "gov.pasargad", f.governor("pasargad"), first, 1, store.ErrNotFound},
		{"another question's answer", "gov.marvdasht", gov, otherAnswer, 1, store.ErrNotFound},
		{"a stale version", "gov.marvdasht", gov, first, 2, store.ErrConflict},
	} {
		if err := f.st.AcceptAnswer(f.ctx, f.as(tt.who), tt.sc, id, tt.answer, tt.version); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := f.st.AcceptAnswer(f.ctx, f.as("gov.marvdasht"), gov, id, first, 1); err != nil {
		t.Fatal(err)
	}
	// He changes his mind: the second replaces the first.
	if err := f.st.AcceptAnswer(f.ctx, f.as("gov.marvdasht"), gov, id, second, 2); err != nil {
		t.Fatal(err)
	}
	q, as, err := f.question(gov, id)
	if err != nil || q.AcceptedAnswer != second || q.Version != 3 || q.Answers != 2 || len(as) != 2 || as[1].N != 2 || as[1].AnswererName != "مهدی نوری" {
		t.Fatalf("after accepting the second: %+v %+v %v", q, as, err)
	}
	if row := f.lastAudit("question.accept"); row.Detail != `{"before":{"accepted_answer":1},"after":{"accepted_answer":2,"question":"مهلت اعتراض"}}` {
		t.Fatalf("the accept's detail: %s", row.Detail)
	}

	// Publishing.
	if err := f.st.PublishQuestion(f.ctx, f.as("committee.fars"), tech, false, id, 0, 3); !errors.Is(err, store.ErrNotYours) {
		t.Fatalf("another committee publishes: %v", err)
	}
	if err := f.st.PublishQuestion(f.ctx, f.as("hq.fars"), hq, true, id, otherAnswer, 3); !errors.Is(err, store.ErrNoAnswerChosen) {
		t.Fatalf("publishing with another question's answer: %v", err)
	}
	if err := f.st.PublishQuestion(f.ctx, f.as("hq.fars"), hq, true, id, 0, 2); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("publishing at a stale version: %v", err)
	}
	if err := f.st.PublishQuestion(f.ctx, f.as("legal.fars"), legal, false, id, 0, 3); err != nil {
		t.Fatal(err)
	}
	entries, total := f.faq(f.mustID(f.province, "fars"), "")
	if total != 1 || len(entries) != 1 || entries[0].Answer != "چهار روز کاری، از فردای اعلام" || entries[0].Title != "مهلت اعتراض" {
		t.Fatalf("the FAQ: %+v (%d)", entries, total)
	}
	// HQ shows the first answer instead.
	if err := f.st.PublishQuestion(f.ctx, f.as("hq.fars"), hq, true, id, first, 4); err != nil {
		t.Fatal(err)
	}
	if entries, _ := f.faq(f.mustID(f.province, "fars"), ""); len(entries) != 1 || entries[0].Answer != "چهار روز" {
		t.Fatalf("the FAQ after the answer is changed: %+v", entries)
	}
	if entries, _ := f.faq(f.mustID(f.province, "tehran"), ""); len(entries) != 0 {
		t.Fatalf("Tehran's FAQ shows Fars's: %+v", entries)
	}
	if err := f.st.UnpublishQuestion(f.ctx, f.as("committee.fars"), tech, false, id, 5); !errors.Is(err, store.ErrNotYours) {
		t.Fatalf("another committee unpublishes: %v", err)
	}
	if err := f.st.UnpublishQuestion(f.ctx, f.as("hq.fars"), hq, true, id, 5); err != nil {
		t.Fatal(err)
	}
	if entries, total := f.faq(f.mustID(f.province, "fars"), ""); len(entries) != 0 || total != 0 {
		t.Fatalf("the FAQ after unpublishing: %+v", entries)
	}
	if err := f.st.UnpublishQuestion(f.ctx, f.as("hq.fars"), hq, true, id, 6); !errors.Is(err, store.ErrNotPublished) {
		t.Fatalf("unpublishing again: %v", err)
	}
	for action, want := range map[string]int{"question.answer": 3, "question.accept": 2, "question.publish": 2, "question.unpublish": 1} {
		if n := f.auditCount(action); n != want {
			t.Errorf("%d %s rows, want %d", n, action, want)
		}
	}
	f.verifyChain()
}

// faq reads the first page of a province's FAQ matching q.
func (f *fixture) faq(provinceID int64, q string) ([]store.FAQEntry, int) {
	f.t.Helper()
	var es []store.FAQEntry
	var total int
	var b store.Batch
	b.FAQ(provinceID, q, 1, &es, &total)
	if err := f.st.Run(f.ctx, &b); err != nil {
		f.t.Fatal(err)
	}
	return es, total
}

// publishAnswered asks, answers and publishes a question of the legal committee.
func (f *fixture) publishAnswered(title, body, answer string) int64 {
	f.t.Helper()
	id, err := f.st.AskQuestion(f.ctx, f.as("gov.marvdasht"), f.governor("marvdasht"), store.NewQuestion{Committee: "legal", Title: title, Body: body})
	if err != nil {
		f.t.Fatal(err)
	}
	a, err := f.st.AnswerQuestion(f.ctx, f.as("legal.fars"), f.committeeScope("fars", "legal"), id, answer)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.st.PublishQuestion(f.ctx, f.as("hq.fars"), f.hq("fars"), true, id, a, 1); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// The FAQ is searched in the question and its answer, normalised: Arabic letters find Persian ones and the
// other way round, spacing and the zero-width non-joiner do not matter, and a LIKE pattern is literal.
func TestFAQSearchNormalised(t *testing.T) {
	f := questionFixture(t)
	ali := f.publishAnswered("عضویت علی در هیئت", "آیا علی می‌تواند عضو باشد؟", "خیر، اگر داوطلب است.")
	arabic := f.publishAnswered("نامزدي يک كارمند", "كارمند دولت", "با استعفا 100% ممکن است.")
	f.ask("gov.marvdasht", f.governor("marvdasht"), "legal", "علی بی‌پاسخ") // not published
	fars := f.mustID(f.province, "fars")
	for _, tt := range []struct {
		q    string
		want []int64
	}{
		{"علي", []int64{ali}},
		{"علی", []int64{ali}},
		{"ميتواند", []int64{ali}},
		{"داوطلب", []int64{ali}},
		{"نامزدی یک کارمند", []int64{arabic}},
		{"کارمند", []int64{arabic}},
		{"۱۰۰%", []int64{arabic}},
		{"%", []int64{arabic}},
		{"_", nil},
		{"", []int64{arabic, ali}},
		{"  ", []int64{arabic, ali}},
		{"تهران", nil},
	} {
		es, total := f.faq(fars, tt.q)
		var got []int64
		for _, e := range es {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("search %q: %v (%d), want %v", tt.q, got, total, tt.want)
		}
	}
}

// A question waits for an answer from the moment 48 hours have passed since it was asked: the list and
// the home pages flag it from then, and the sweep tells its committee and HQ, once.
func TestQuestionWaiting(t *testing.T) {
	f := questionFixture(t)
	asked := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	id := f.ask("gov.marvdasht", f.governor("marvdasht"), "legal", "بی‌پاسخ")
	answered := f.ask("gov.marvdasht", f.governor("marvdasht"), "legal", "پاسخ‌گرفته")
	tech := f.ask("gov.marvdasht", f.governor("marvdasht"), "technology", "فناوری")
	f.exec(`UPDATE questions SET asked_at = $1`, asked)
	if _, err := f.st.AnswerQuestion(f.ctx, f.as("legal.fars"), f.committeeScope("fars", "legal"), answered, "پاسخ"); err != nil {
		t.Fatal(err)
	}
	f.exec(`UPDATE questions SET asked_at = $1 WHERE id = $2`, asked.Add(time.Hour), tech)
	f.exec(`DELETE FROM notifications`)

	boundary := asked.Add(store.WaitingAfter)
	q, _, err := f.question(f.hq("fars"), id)
	if err != nil {
		t.Fatal(err)
	}
	if q.Waiting(boundary.Add(-time.Second)) || !q.Waiting(boundary) {
		t.Fatalf("waiting a second before 48 hours: %v, at 48 hours: %v", q.Waiting(boundary.Add(-time.Second)), q.Waiting(boundary))
	}
	if n, err := f.st.SweepNotices(f.ctx, boundary.Add(-time.Second)); err != nil || n != 0 {
		t.Fatalf("a second before 48 hours the sweep wrote %d: %v", n, err)
	}
	n, err := f.st.SweepNotices(f.ctx, boundary)
	if err != nil || n != 2 {
		t.Fatalf("at 48 hours the sweep wrote %d, want 2 (the legal committee and HQ): %v", n, err)
	}
	for _, u := range []string{"legal.fars", "hq.fars"} {
		if ns := f.inbox(u); len(ns) != 1 || ns[0].Kind != store.NoticeQuestionWaiting || ns[0].SubjectID != id || !ns[0].Reminder() {
			t.Errorf("%s's inbox: %+v", u, ns)
		}
	}
	for _, u := range []string{"committee.fars", "gov.marvdasht", "hq.tehran", "observer.fars"} {
		if ns := f.inbox(u); len(ns) != 0 {
			t.Errorf("%s was told: %+v", u, ns)
		}
	}
	if n, err := f.st.SweepNotices(f.ctx, boundary.Add(time.Minute)); err != nil || n != 0 {
		t.Fatalf("the sweep again wrote %d: %v", n, err)
	}
	// An hour later the technology committee's question waits too: its committee and HQ are told of it.
	if n, err := f.st.SweepNotices(f.ctx, boundary.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("an hour later the sweep wrote %d, want 2", n)
	}

	// The home pages' reads: the committee's own, HQ's of the province.
	for _, tt := range []struct {
		committee     string
		since         time.Time
		open, waiting int
		first         int64
	}{
		{"legal", boundary.Add(-store.WaitingAfter), 1, 1, id},
		{"legal", boundary.Add(-store.WaitingAfter - time.Second), 1, 0, id},
		{"technology", boundary.Add(-store.WaitingAfter), 1, 0, tech},
		{"", boundary.Add(time.Hour - store.WaitingAfter), 2, 2, id},
	} {
		var qs []store.Question
		var open, waiting int
		var b store.Batch
		b.WaitingQuestions(f.mustID(f.province, "fars"), tt.committee, tt.since, 5, &qs, &open, &waiting)
		if err := f.st.Run(f.ctx, &b); err != nil {
			t.Fatal(err)
		}
		if open != tt.open || waiting != tt.waiting || len(qs) != tt.open || qs[0].ID != tt.first {
			t.Errorf("%q since %v: %d open, %d waiting, %+v", tt.committee, tt.since, open, waiting, qs)
		}
	}
}
