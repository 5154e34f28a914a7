package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/password"
)

// addUser creates a user with the test password.
func (a *testApp) addUser(acc auth.Account) {
	a.t.Helper()
	hash, err := password.NewHasher(cheap, 1).Hash(a.t.Context(), testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	id, err := a.st.CreateUser(a.t.Context(), audit.System, auth.Scope{}, acc, hash)
	if err != nil {
		a.t.Fatal(err)
	}
	a.ids[acc.Username] = id
}

// withLegal adds legal.fars, a member of the Fars legal committee.
func (a *testApp) withLegal() {
	a.addUser(auth.Account{Username: "legal.fars", FullName: "مهدی نوری", Role: "committee", Province: "fars", Committee: "legal"})
}

var questionAddress = regexp.MustCompile(`^/questions/(\d+)$`)

// askQuestion posts a question and returns its id.
func (a *testApp) askQuestion(c *http.Client, committee, title, body string) string {
	a.t.Helper()
	res := a.post(c, "/questions", url.Values{"committee": {committee}, "title": {title}, "body": {body}})
	m := questionAddress.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		a.t.Fatalf("ask: %d %s", res.status, res.header.Get("Location"))
	}
	return m[1]
}

// answerID is the id of a question's answer n (from 1), as its accept form names it.
func (a *testApp) answerID(question string, n int) string {
	a.t.Helper()
	var id int64
	if err := a.st.Pool().QueryRow(a.t.Context(), `SELECT id FROM question_answers WHERE question_id = $1 ORDER BY id OFFSET $2 LIMIT 1`,
		mustInt(a.t, question), n-1).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return itoa(id)
}

func (a *testApp) wantStatus(res response, want int, what string) {
	a.t.Helper()
	if res.status != want {
		a.t.Fatalf("%s: %d, want %d", what, res.status, want)
	}
}

// Asking: the form comes back filled with each field's message (422); a question goes to its page (303);
// those who may not ask are refused (403); the list shows each reader the questions of his scope.
func TestQuestionAskAndList(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov := a.login("gov.marvdasht")
	res := a.get(gov, "/questions")
	a.wantStatus(res, http.StatusOK, "the list")
	mustContain(t, res.body, `action="/questions"`, "کمیته حقوقی", "پرسشی نیست.")

	res = a.post(gov, "/questions", url.Values{"committee": {""}, "title": {""}, "body": {"متن نوشته‌شده"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "an empty question")
	mustContain(t, res.body, "کمیته‌ای از استان را برگزینید.", "عنوان پرسش را بنویسید.", "متن نوشته‌شده")
	res = a.post(gov, "/questions", url.Values{"committee": {"nosuch"}, "title": {strings.Repeat("ع", 201)}, "body": {"b"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a long title to no committee")
	mustContain(t, res.body, "این مقدار بیش از اندازه طولانی است.")
	res = a.post(gov, "/questions", url.Values{"committee": {"nosuch"}, "title": {"t"}, "body": {"b"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a question to no committee")
	mustContain(t, res.body, "کمیته‌ای از استان را برگزینید.")
	if n := a.count(`SELECT count(*) FROM questions`); n != 0 {
		t.Fatalf("%d questions after refusals", n)
	}
	res = a.post(gov, "/questions", url.Values{"committee": {"legal"}, "title": {"t"}, "body": {strings.Repeat("x", 20001)}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a long body")

	id := a.askQuestion(gov, "legal", "مهلت اعتراض داوطلبان", "سطر یک\nسطر دو")
	dh := a.askQuestion(a.login("dh.marvdasht"), "technology", "سامانه ثبت‌نام", "کند است")
	pasargad := a.askQuestion(a.login("gov.pasargad"), "legal", "پرسش پاسارگاد", "متن")
	for _, u := range []string{"observer", "national"} {
		if res := a.post(a.login(u), "/questions", url.Values{"committee": {"legal"}, "title": {"t"}, "body": {"b"}}); res.status != http.StatusForbidden {
			t.Errorf("%s asks: %d", u, res.status)
		}
	}
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'question_new'`, a.ids["legal.fars"]); n != 2 {
		t.Fatalf("the legal committee was told of %d questions", n)
	}

	// Each reader's list.
	for _, tt := range []struct {
		user      string
		path      string
		want, not []string
	}{
		{"gov.marvdasht", "/questions", []string{"مهلت اعتراض داوطلبان", "سامانه ثبت‌نام", "بخش مرکزی، شهرستان مرودشت"}, []string{"پرسش پاسارگاد"}},
		{"dh.marvdasht", "/questions", []string{"سامانه ثبت‌نام"}, []string{"مهلت اعتراض داوطلبان", "پرسش پاسارگاد"}},
		{"committee", "/questions", []string{"مهلت اعتراض داوطلبان", "سامانه ثبت‌نام", "پرسش پاسارگاد", "پرسش‌ها (۳)"}, nil},
		{"committee", "/questions?committee=legal", []string{"مهلت اعتراض داوطلبان", "پرسش پاسارگاد"}, []string{"سامانه ثبت‌نام"}},
		{"observer", "/questions", []string{"مهلت اعتراض داوطلبان", "پرسش پاسارگاد"}, []string{"پرسش تازه"}},
		{"national", "/questions", []string{"استانی را برگزینید."}, []string{"مهلت اعتراض داوطلبان"}},
		{"national", "/questions?province=fars", []string{"مهلت اعتراض داوطلبان", "پرسش پاسارگاد"}, []string{"پرسش تازه"}},
	} {
		res := a.get(a.login(tt.user), tt.path)
		if res.status != http.StatusOK {
			t.Errorf("%s %s: %d", tt.user, tt.path, res.status)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(res.body, w) {
				t.Errorf("%s %s lacks %q", tt.user, tt.path, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(res.body, n) {
				t.Errorf("%s %s shows %q", tt.user, tt.path, n)
			}
		}
	}
	national := a.login("national")
	a.wantStatus(a.get(national, "/questions?province=nosuch"), http.StatusNotFound, "an unknown province")

	// One question: in scope only.
	for _, tt := range []struct {
		user, id string
		want     int
	}{
		{"gov.marvdasht", id, http.StatusOK},
		{"gov.marvdasht", dh, http.StatusOK},
		{"dh.marvdasht", id, http.StatusNotFound},
		{"gov.pasargad", id, http.StatusNotFound},
		{"gov.marvdasht", pasargad, http.StatusNotFound},
		{"observer", id, http.StatusOK},
		{"national", id, http.StatusOK},
		{"gov.marvdasht", "x", http.StatusNotFound},
		{"gov.marvdasht", "0" + id, http.StatusNotFound},
	} {
		if res := a.get(a.login(tt.user), "/questions/"+tt.id); res.status != tt.want {
			t.Errorf("%s reads question %s: %d, want %d", tt.user, tt.id, res.status, tt.want)
		}
	}
	res = a.get(gov, "/questions/"+id)
	mustContain(t, res.body, "مهلت اعتراض داوطلبان", `<div class="plain-text q-body" dir="auto">سطر یک`+"\n"+`سطر دو</div>`, "علی رضایی", "در انتظار پاسخ",
		"هنوز پاسخی نیامده است.")
	mustNotContain(t, res.body, `action="/questions/`+id+`/answers"`, `/publish"`)

	// A cross-site post asks nothing.
	if res := a.do(gov, http.MethodPost, "/questions", url.Values{"committee": {"legal"}, "title": {"t"}, "body": {"b"}},
		"Sec-Fetch-Site", "cross-site"); res.status != http.StatusForbidden {
		t.Fatalf("cross-site ask: %d", res.status)
	}
	// In English too.
	a.get(gov, "/lang/en")
	mustContain(t, a.get(gov, "/questions").body, "Questions to the committees", "Central District, Marvdasht County", "Awaiting an answer")
}

// Answering, accepting, publishing and taking off the FAQ, each by those who may, with the status codes
// of those who may not, of a stale form and of a question that is not ready.
func TestQuestionActs(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov, legal, tech, hq := a.login("gov.marvdasht"), a.login("legal.fars"), a.login("committee"), a.login("hq.fars")
	id := a.askQuestion(gov, "legal", "مهلت اعتراض", "چند روز است؟")
	q := "/questions/" + id

	// Publishing before an answer: refused as the question stands (409).
	res := a.post(hq, q+"/publish", url.Values{"version": {"1"}})
	a.wantStatus(res, http.StatusConflict, "publishing an unanswered question")
	mustContain(t, res.body, "پرسشی که پاسخی ندارد در پرسش‌های متداول نمی‌آید.")

	// Answering: the committee asked.
	mustContain(t, a.get(legal, q).body, `action="/questions/`+id+`/answers"`)
	mustNotContain(t, a.get(tech, q).body, `action="/questions/`+id+`/answers"`)
	a.wantStatus(a.post(tech, q+"/answers", url.Values{"body": {"پاسخ"}}), http.StatusForbidden, "another committee answers")
	a.wantStatus(a.post(gov, q+"/answers", url.Values{"body": {"پاسخ"}}), http.StatusForbidden, "the governor answers")
	a.wantStatus(a.post(legal, "/questions/999999/answers", url.Values{"body": {"پاسخ"}}), http.StatusNotFound, "answering no question")
	res = a.post(legal, q+"/answers", url.Values{"body": {""}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "an empty answer")
	mustContain(t, res.body, "متن پاسخ را بنویسید.")
	res = a.post(legal, q+"/answers", url.Values{"body": {strings.Repeat("ب", 20001)}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a long answer")
	res = a.post(legal, q+"/answers", url.Values{"body": {"چهار روز"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != q {
		t.Fatalf("answer: %d %s", res.status, res.header.Get("Location"))
	}
	a.wantStatus(a.post(legal, q+"/answers", url.Values{"body": {"چهار روز کاری"}}), http.StatusSeeOther, "a second answer")
	// Two answers, one unread notice: the asker is not told again of what he has not read.
	if n := a.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'answer_new'`, a.ids["gov.marvdasht"]); n != 1 {
		t.Fatalf("the asker was told of %d answers", n)
	}
	first, second := a.answerID(id, 1), a.answerID(id, 2)

	// Accepting: the asker's, at the version he saw.
	page := a.get(gov, q).body
	mustContain(t, page, `action="/questions/`+id+`/answers/`+first+`/accept"`, "پذیرفتن این پاسخ")
	a.wantStatus(a.post(hq, q+"/answers/"+first+"/accept", url.Values{"version": {"1"}}), http.StatusForbidden, "HQ accepts")
	a.wantStatus(a.post(legal, q+"/answers/"+first+"/accept", url.Values{"version": {"1"}}), http.StatusForbidden, "the committee accepts")
	a.wantStatus(a.post(a.login("observer"), q+"/answers/"+first+"/accept", url.Values{"version": {"1"}}), http.StatusForbidden, "the observer accepts")
	a.wantStatus(a.post(gov, q+"/answers/999999/accept", url.Values{"version": {"1"}}), http.StatusNotFound, "accepting no answer")
	a.wantStatus(a.post(a.login("gov.pasargad"), q+"/answers/"+first+"/accept", url.Values{"version": {"1"}}), http.StatusNotFound, "another governor accepts")
	res = a.post(gov, q+"/answers/"+first+"/accept", url.Values{"version": {"2"}})
	a.wantStatus(res, http.StatusConflict, "a stale accept")
	mustContain(t, res.body, "این پرسش پس از باز شدن این صفحه تغییر کرده است")
	a.wantStatus(a.post(gov, q+"/answers/"+first+"/accept", url.Values{"version": {"1"}}), http.StatusSeeOther, "accept")
	a.wantStatus(a.post(gov, q+"/answers/"+second+"/accept", url.Values{"version": {"2"}}), http.StatusSeeOther, "accept another")
	page = a.get(gov, q).body
	mustContain(t, page, "پاسخ پذیرفته شد", `action="/questions/`+id+`/answers/`+first+`/accept"`)
	mustNotContain(t, page, `action="/questions/`+id+`/answers/`+second+`/accept"`)

	// Publishing: HQ or the committee asked.
	mustContain(t, a.get(hq, q).body, `action="/questions/`+id+`/publish"`, "پاسخ ۲ (مهدی نوری)، پذیرفته‌شده")
	mustNotContain(t, a.get(tech, q).body, `/publish"`)
	mustNotContain(t, page, `/publish"`)
	a.wantStatus(a.post(gov, q+"/publish", url.Values{"version": {"3"}}), http.StatusForbidden, "the governor publishes")
	a.wantStatus(a.post(tech, q+"/publish", url.Values{"version": {"3"}}), http.StatusForbidden, "another committee publishes")
	res = a.post(hq, q+"/publish", url.Values{"version": {"3"}, "answer": {"x"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "publishing a malformed answer")
	mustContain(t, res.body, "یکی از پاسخ‌های این پرسش را برگزینید.")
	res = a.post(hq, q+"/publish", url.Values{"version": {"3"}, "answer": {"999999"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "publishing another answer")
	res = a.post(hq, q+"/publish", url.Values{"version": {"2"}, "answer": {first}})
	a.wantStatus(res, http.StatusConflict, "a stale publication")
	mustContain(t, res.body, "این پرسش پس از باز شدن این صفحه تغییر کرده است", `name="version" value="3"`)
	a.wantStatus(a.post(legal, q+"/publish", url.Values{"version": {"3"}}), http.StatusSeeOther, "publish the accepted answer")
	faq := a.get(gov, "/faq")
	a.wantStatus(faq, http.StatusOK, "the FAQ")
	mustContain(t, faq.body, "مهلت اعتراض", "چهار روز کاری")
	a.wantStatus(a.post(hq, q+"/publish", url.Values{"version": {"4"}, "answer": {first}}), http.StatusSeeOther, "publish another answer")
	faq = a.get(gov, "/faq")
	mustContain(t, faq.body, "<div class=\"plain-text\" dir=\"auto\">چهار روز</div>")

	// Taking it off.
	a.wantStatus(a.post(gov, q+"/unpublish", url.Values{"version": {"5"}}), http.StatusForbidden, "the governor unpublishes")
	a.wantStatus(a.post(tech, q+"/unpublish", url.Values{"version": {"5"}}), http.StatusForbidden, "another committee unpublishes")
	a.wantStatus(a.post(hq, q+"/unpublish", url.Values{"version": {"4"}}), http.StatusConflict, "a stale unpublish")
	a.wantStatus(a.post(hq, q+"/unpublish", url.Values{"version": {"5"}}), http.StatusSeeOther, "unpublish")
	res = a.post(hq, q+"/unpublish", url.Values{"version": {"6"}})
	a.wantStatus(res, http.StatusConflict, "unpublishing again")
	mustContain(t, res.body, "این پرسش در پرسش‌های متداول نیست.")
	mustNotContain(t, a.get(gov, "/faq").body, "مهلت اعتراض")
	a.wantStatus(a.post(hq, "/questions/x/unpublish", url.Values{"version": {"6"}}), http.StatusNotFound, "a malformed question")
}

// The FAQ: every reader of the province, the Ministry's of the province it chooses; searched with Persian
// normalisation; a search too long is refused on its field.
func TestFAQPage(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov, legal, hq := a.login("gov.marvdasht"), a.login("legal.fars"), a.login("hq.fars")
	id := a.askQuestion(gov, "legal", "عضویت علی در هیئت", "آیا ممکن است؟")
	a.wantStatus(a.post(legal, "/questions/"+id+"/answers", url.Values{"body": {"خیر"}}), http.StatusSeeOther, "answer")
	a.wantStatus(a.post(hq, "/questions/"+id+"/publish", url.Values{"version": {"1"}, "answer": {a.answerID(id, 1)}}), http.StatusSeeOther, "publish")
	for _, tt := range []struct {
		user, path string
		status     int
		found      bool
	}{
		{"dh.marvdasht", "/faq", http.StatusOK, true},
		{"gov.pasargad", "/faq?q=" + url.QueryEscape("علي"), http.StatusOK, true},
		{"observer", "/faq?q=" + url.QueryEscape("عضويت"), http.StatusOK, true},
		{"committee", "/faq?q=" + url.QueryEscape("تهران"), http.StatusOK, false},
		{"national", "/faq", http.StatusOK, false},
		{"national", "/faq?province=fars&q=" + url.QueryEscape("علي"), http.StatusOK, true},
		{"national", "/faq?province=nosuch", http.StatusNotFound, false},
		{"gov.marvdasht", "/faq?q=" + strings.Repeat("ع", 101), http.StatusUnprocessableEntity, false},
	} {
		res := a.get(a.login(tt.user), tt.path)
		if res.status != tt.status || strings.Contains(res.body, "عضویت علی در هیئت") != tt.found {
			t.Errorf("%s %s: %d, found %v", tt.user, tt.path, res.status, strings.Contains(res.body, "عضویت علی در هیئت"))
		}
	}
	mustContain(t, a.get(gov, "/faq?q="+url.QueryEscape("علي")).body, "۱ پرسش برای «علي»")
	mustContain(t, a.get(gov, "/faq?q="+strings.Repeat("ع", 101)).body, "این مقدار بیش از اندازه طولانی است.")
}

// The questions waiting 48 hours for an answer are flagged in words on the list and on the committee's
// and HQ's home pages, and not on the asker's home page.
func TestQuestionWaitingFlagged(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov := a.login("gov.marvdasht")
	id := a.askQuestion(gov, "legal", "پرسش منتظر", "متن")
	asked := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE questions SET asked_at = $1`, asked); err != nil {
		t.Fatal(err)
	}
	now := asked.Add(48*time.Hour - time.Second)
	a.s.now = func() time.Time { return now }
	legal, hq, tech := a.login("legal.fars"), a.login("hq.fars"), a.login("committee")
	mustNotContain(t, a.get(legal, "/questions").body, "ساعت بی‌پاسخ")
	mustContain(t, a.get(legal, "/questions").body, "در انتظار پاسخ")
	home := a.get(legal, "/").body
	mustContain(t, home, "پرسش‌های بی‌پاسخ", "۱ پرسش در انتظار پاسخ، ۰ پرسش بیش از ۴۸ ساعت.")
	now = asked.Add(48 * time.Hour)
	mustContain(t, a.get(legal, "/questions").body, `<span class="badge badge-bad">بیش از ۴۸ ساعت بی‌پاسخ</span>`)
	mustContain(t, a.get(legal, "/").body, "۱ پرسش در انتظار پاسخ، ۱ پرسش بیش از ۴۸ ساعت.", "بیش از ۴۸ ساعت بی‌پاسخ", "/questions/"+id)
	mustContain(t, a.get(hq, "/").body, "۴۸ ساعت بی‌پاسخ")
	mustNotContain(t, a.get(tech, "/").body, "پرسش‌های بی‌پاسخ")
	mustNotContain(t, a.get(gov, "/").body, "پرسش‌های بی‌پاسخ")
	mustContain(t, a.get(gov, "/questions/"+id).body, "بیش از ۴۸ ساعت بی‌پاسخ")
	now = asked.Add(72 * time.Hour)
	mustContain(t, a.get(gov, "/questions/"+id).body, "۳ روز بی‌پاسخ")
}

// Text pasted with direction controls or a NUL is kept without them: a form refused on another field
// comes back filled in (422), and the question and its answer are recorded; bytes that are not UTF-8 are
// still refused (400).
func TestQuestionTextWithDirectionControls(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov, legal := a.login("gov.marvdasht"), a.login("legal.fars")
	res := a.post(gov, "/questions", url.Values{"committee": {"legal"}, "title": {"\u2067مهلت\u202e اعتراض\u2069"}, "body": {"\x00"}})
	a.wantStatus(res, http.StatusUnprocessableEntity, "a question with direction controls and no body")
	mustContain(t, res.body, `value="مهلت اعتراض"`, "متن پرسش را بنویسید.", `<option value="legal" selected>`)
	id := a.askQuestion(gov, "legal", "مهلت\u202a اعتراض", "سطر\x00 یک\u202c")
	res = a.post(legal, "/questions/"+id+"/answers", url.Values{"body": {"\u202bپاسخ\u202c"}})
	a.wantStatus(res, http.StatusSeeOther, "an answer with an embedding")
	var title, body, answer string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT q.title, q.body, a.body FROM questions q JOIN question_answers a ON a.question_id = q.id`).
		Scan(&title, &body, &answer); err != nil {
		t.Fatal(err)
	}
	if title != "مهلت اعتراض" || body != "سطر یک" || answer != "پاسخ" {
		t.Fatalf("stored %q, %q, %q", title, body, answer)
	}
	a.wantStatus(a.post(gov, "/questions", url.Values{"committee": {"legal"}, "title": {"ok\xff"}, "body": {"b"}}), http.StatusBadRequest,
		"a title that is not UTF-8")
}

// A question's first answer marks its 48-hour reminders read for everyone they went to, in the answer's
// transaction; another question's stay unread.
func TestQuestionAnsweredReadsItsReminders(t *testing.T) {
	a := newTestApp(t)
	a.withLegal()
	gov, legal := a.login("gov.marvdasht"), a.login("legal.fars")
	id, other := a.askQuestion(gov, "legal", "پرسش منتظر", "متن"), a.askQuestion(gov, "legal", "پرسش دیگر", "متن")
	if _, err := a.st.Pool().Exec(t.Context(), `UPDATE questions SET asked_at = now() - interval '49 hours'`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.SweepNotices(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	waiting := `SELECT count(*) FROM notifications WHERE kind = 'question_waiting' AND subject_id = $1 AND read_at IS NULL`
	if n := a.count(waiting, mustInt(t, id)); n < 2 {
		t.Fatalf("%d waiting notices before the answer, want the committee's and HQ's", n)
	}
	a.wantStatus(a.post(legal, "/questions/"+id+"/answers", url.Values{"body": {"پاسخ"}}), http.StatusSeeOther, "the answer")
	if n := a.count(waiting, mustInt(t, id)); n != 0 {
		t.Fatalf("%d waiting notices unread after the answer", n)
	}
	if n := a.count(waiting, mustInt(t, other)); n < 2 {
		t.Fatalf("another question's notices were read: %d unread", n)
	}
}
