package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/citycheck"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/seed"
	"github.com/setad/setad/internal/store"
)

// writtenActions are the audit actions the code writes: every Action: "…" of the store and the seed, and
// the actions the store's user updates name.
func writtenActions(t *testing.T) []string {
	t.Helper()
	literal := regexp.MustCompile(`Action:\s*"([a-z_.]+)"`)
	userUpdate := regexp.MustCompile(`updateUser\(.*"([a-z_]+\.[a-z_]+)"`)
	var actions []string
	for _, dir := range []string{"../store", "../seed"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range []*regexp.Regexp{literal, userUpdate} {
				for _, m := range re.FindAllStringSubmatch(string(src), -1) {
					if !slices.Contains(actions, m[1]) {
						actions = append(actions, m[1])
					}
				}
			}
		}
	}
	if len(actions) < 25 {
		t.Fatalf("found only %d actions in the source: the scan is broken", len(actions))
	}
	slices.Sort(actions)
	return actions
}

// auditEveryAction writes at least one audit row of every action the code writes, through the store and
// the HTTP flows that write them, as the people who would.
func (a *testApp) auditEveryAction() (board, candidate int64) {
	t := a.t
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	a.s.now = func() time.Time { return now }
	electionID := a.withElection() // election.create; the seed wrote reference.load and the rules' loads
	var fars int64
	must(a.st.Pool().QueryRow(ctx, `SELECT id FROM provinces WHERE code = 'fars'`).Scan(&fars))
	scope := auth.Scope{ProvinceID: fars}
	as := func(u string) audit.Actor { return audit.Actor{ID: a.ids[u], Name: u, Remote: "192.0.2.10"} }
	version := func(table string, id int64) int {
		return a.count(`SELECT version FROM `+table+` WHERE id = $1`, id)
	}

	// Sign-ins: a login and a logout, a failed login with an unknown name, and five that lock an account.
	a.post(a.login("gov.pasargad"), "/logout", nil)
	a.post(a.client(), "/login", url.Values{"username": {"nobody"}, "password": {"wrong-password"}})
	for range 5 {
		a.post(a.client(), "/login", url.Values{"username": {"committee"}, "password": {"wrong-password"}})
	}

	// Accounts.
	hq, observer := as("hq.fars"), a.ids["observer"]
	hash, err := password.NewHasher(cheap, 1).Hash(ctx, testPassword)
	must(err)
	must(a.st.SetUserDisabled(ctx, hq, scope, observer, version("users", observer), true))
	must(a.st.SetUserDisabled(ctx, hq, scope, observer, version("users", observer), false))
	must(a.st.ResetPassword(ctx, hq, scope, observer, version("users", observer), hash))
	must(a.st.ChangeOwnPassword(ctx, as("gov.marvdasht"), hash))
	must(a.st.SetLang(ctx, as("gov.marvdasht"), "en"))

	// A district board's draft: a member added, changed and removed, a pool entry added and removed.
	gov, dh := as("gov.marvdasht"), as("dh.marvdasht")
	district := mustInt(t, a.boardID("marvdasht", "marvdasht-central"))
	m := boardrules.Member{FullName: "زهره کیانی", FatherName: "مهدی", NationalID: nid(500), Role: "trusted", Phone: "09120000000",
		Notes: "Ref A-12"}
	memberID, err := a.st.AddMember(ctx, dh, scope, district, m)
	must(err)
	m.Role, m.Phone, m.Notes = "alternate", "09171112233", "Ref B-7" // Latin on both sides of the arrow
	must(a.st.UpdateMember(ctx, dh, scope, district, memberID, version("board_members", memberID), m))
	must(a.st.DeleteMember(ctx, dh, scope, district, memberID))
	must(a.st.AddPoolMember(ctx, dh, scope, district, boardrules.Member{FullName: "زهره کیانی", NationalID: nid(500)}))
	var poolID int64
	must(a.st.Pool().QueryRow(ctx, `SELECT id FROM board_pool WHERE board_id = $1`, district).Scan(&poolID))
	must(a.st.DeletePoolMember(ctx, dh, scope, district, poolID))
	// The district's pool from a file: previewed, then confirmed.
	poolImport, err := a.st.SavePoolImport(ctx, dh, scope, district, "pool.csv", fileSHA256, func(rows *store.PoolImportRows) error {
		return rows.Add(ctx, []store.PoolImportRow{{Line: 2, Member: boardrules.Member{FullName: "زهره کیانی", NationalID: nid(500)}}},
			[]store.ImportRow{{Line: 3, Values: map[string]string{"full_name": "نادرست"}}})
	})
	must(err)
	_, err = a.st.ConfirmPoolImport(ctx, dh, scope, district, poolImport.ID)
	must(err)

	// The county board composed, submitted, returned, submitted again and approved.
	boardPath := a.boardID("marvdasht", "")
	board = mustInt(t, boardPath)
	a.composeLegal(a.login("gov.marvdasht"), boardPath) // the pool, its approval and the members
	must(a.st.SubmitBoard(ctx, gov, scope, board))
	must(a.st.ReturnBoard(ctx, hq, scope, board, 1, "submitted", "نام پدر یک عضو را کامل کنید"))
	must(a.st.SubmitBoard(ctx, gov, scope, board))
	must(a.st.ApproveBoard(ctx, hq, scope, board, 2))
	// Reopened for correction, submitted and approved again.
	must(a.st.ReopenBoard(ctx, hq, scope, board, 2, "approved", "یک معتمد داوطلب شده است"))
	must(a.st.SubmitBoard(ctx, gov, scope, board))
	must(a.st.ApproveBoard(ctx, hq, scope, board, 3))

	// Candidates: one registered with HQ's judgement, moved along, moved to the city; a file imported.
	e, rule, err := a.st.CandidateElection(ctx, electionID)
	must(err)
	village, err := a.st.ConstituencyByCode(ctx, scope, "marvdasht-central")
	must(err)
	city, err := a.st.ConstituencyByCode(ctx, scope, "marvdasht")
	must(err)
	certificate := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	person := func(name string, n int, k store.Constituency) store.NewCandidate {
		return store.NewCandidate{FullName: name, FatherName: "حسن", NationalID: nid(n), Gender: "female",
			BirthDate: time.Date(1990, 4, 4, 0, 0, 0, 0, time.UTC), Education: "diploma", Phone: "09171234567", TrackingID: "TR-100",
			CertificateDate: &certificate, Constituency: k}
	}
	candidate, err = a.st.RegisterCandidate(ctx, gov, e, person("مریم موسوی‌نژاد", 600, village),
		[]store.Override{{Field: "education", Code: "size_unknown", Reason: "اندازه روستاها هنوز ثبت نشده است"}})
	must(err)
	must(a.st.ChangeCandidateStatus(ctx, hq, scope, candidate, version("candidates", candidate), "under_review", "", now, rule.Lifecycle()))
	must(a.st.ChangeConstituency(ctx, hq, scope, candidate, version("candidates", candidate), city, now, e.ElectionDay, rule.Lifecycle()))
	corrected := person("مریم موسوی‌نژاد", 600, city)
	corrected.Phone, corrected.Veteran = "07143201234", true
	_, err = a.st.CorrectCandidate(ctx, gov, scope, candidate, version("candidates", candidate), corrected, nil)
	must(err)
	imp, err := a.st.SaveImport(ctx, gov, fars, electionID, "candidates.csv", fileSHA256, func(rows *store.ImportRows) error {
		return rows.Add(ctx, []store.ReadyRow{{Line: 2, Candidate: person("سارا کاظمی", 601, city)}},
			[]store.ImportRow{{Line: 3, Values: map[string]string{"full_name": "نادرست"}}})
	})
	must(err)
	_, err = a.st.ConfirmImport(ctx, gov, fars, imp.ID, nil)
	must(err)

	// The county's sizes, the law's rules corrected by the national HQ, synthetic candidates.
	population, households := 150000, 4200
	c, _, err := a.st.County(ctx, scope, "marvdasht")
	must(err)
	must(a.st.SetSizes(ctx, hq, scope, "marvdasht", c.SizesVersion, map[string]*int{"marvdasht": &population},
		map[string]*int{"marvdasht-central": &households}))

	// Cities: one added, renamed and moved, retired and restored; one added by mistake and deleted; a list
	// previewed and applied.
	known, err := a.st.CityKnown(ctx, scope)
	must(err)
	check := func(in citycheck.Input, mode citycheck.Mode) citycheck.Row {
		t.Helper()
		row, problems := known.Check(in, "marvdasht", mode)
		if len(problems) > 0 {
			t.Fatalf("%+v: %+v", in, problems)
		}
		return row
	}
	must(a.st.AddCity(ctx, hq, scope, check(citycheck.Input{Code: "seyedan", NameFa: "سیدان", NameEn: "Seyedan",
		District: "marvdasht-seyyedan", Population: "6100"}, citycheck.Add)))
	must(a.st.UpdateCity(ctx, hq, scope, "marvdasht", "seyedan", 1, store.CityNames{NameFa: "سیدان", NameEn: "Sayedan",
		District: "marvdasht-central"}))
	must(a.st.RetireCity(ctx, hq, scope, "marvdasht", "seyedan", 2, true))
	must(a.st.RetireCity(ctx, hq, scope, "marvdasht", "seyedan", 3, false))
	mistake := check(citycheck.Input{NameFa: "شهر اشتباه"}, citycheck.Add)
	must(a.st.AddCity(ctx, hq, scope, mistake))
	must(a.st.DeleteCity(ctx, hq, scope, "marvdasht", mistake.Code, 1))
	cities, err := a.st.SaveCityImport(ctx, hq, scope, "marvdasht", "cities.csv", fileSHA256, []store.CityImportRow{
		{Line: 2, City: check(citycheck.Input{City: "مرودشت", Population: "151000"}, citycheck.Load)},
		{Line: 3, Cells: map[string]string{"city": "؟"}, Problems: []store.ImportProblem{{Field: "name_fa", Msg: i18n.M("err.required")}}}})
	must(err)
	_, _, err = a.st.ConfirmCityImport(ctx, hq, scope, cities.ID)
	must(err)

	rules, err := a.st.BoardRules(ctx)
	must(err)
	r := rules[0]
	r.PoolSize, r.QuorumNum = r.PoolSize+2, r.QuorumNum+1
	must(a.st.UpdateBoardRule(ctx, as("national"), r))
	crules, err := a.st.CandidateRules(ctx)
	must(err)
	cr := crules[0]
	cr.MinAge, cr.AgeOnElectionDay = cr.MinAge+1, !cr.AgeOnElectionDay
	must(a.st.UpdateCandidateRule(ctx, as("national"), cr))
	_, err = seed.Synthetic(ctx, a.st, 2, now, true)
	must(err)

	// The timeline: a milestone of the law corrected by the national HQ; one of Fars added, changed,
	// retired and restored by HQ; a county's milestone marked done by its governor and taken back; the
	// election day moved; a calendar feed link made.
	national, nationwide := as("national"), auth.Scope{}
	var legalID int64
	must(a.st.Pool().QueryRow(ctx, `SELECT id FROM milestones WHERE code = 'boards-county'`).Scan(&legalID))
	legal, err := a.st.Milestone(ctx, nationwide, legalID)
	must(err)
	must(a.st.UpdateMilestone(ctx, national, nationwide, legalID, legal.Version, store.MilestoneInput{TitleFa: "تشکیل هیئت",
		TitleEn: legal.TitleEn, DescriptionFa: legal.DescriptionFa, DescriptionEn: legal.DescriptionEn, LegalRef: legal.LegalRef,
		Level: legal.Level, StartOffset: legal.StartOffset, EndOffset: legal.EndOffset - 1, Gate: legal.Gate, Position: legal.Position}))
	stations := store.MilestoneInput{Kind: "councils", TitleFa: "فهرست شعب", TitleEn: "Polling stations listed",
		DescriptionFa: "با نشانی هر شعبه", DescriptionEn: "With each station's address", Level: "county", StartOffset: -30, EndOffset: -20}
	milestone, err := a.st.AddMilestone(ctx, hq, scope, stations)
	must(err)
	stations.Level, stations.EndOffset = "district", -18
	must(a.st.UpdateMilestone(ctx, hq, scope, milestone, 1, stations))
	must(a.st.RetireMilestone(ctx, hq, scope, milestone, 2, true))
	must(a.st.RetireMilestone(ctx, hq, scope, milestone, 3, false))
	var marvdasht int64
	must(a.st.Pool().QueryRow(ctx, `SELECT id FROM counties WHERE code = 'marvdasht'`).Scan(&marvdasht))
	governor := auth.Scope{ProvinceID: fars, CountyID: marvdasht}
	must(a.st.MarkDone(ctx, gov, governor, electionID, legalID, marvdasht, 0, "صورت‌جلسه تشکیل ارسال شد"))
	must(a.st.MarkUndone(ctx, gov, governor, electionID, legalID, marvdasht, 0, "صورت‌جلسه امضا نشده بود"))
	must(a.st.MoveElectionDay(ctx, national, electionID, time.Date(2027, 3, 19, 0, 0, 0, 0, time.UTC), "تعویق به دستور وزیر کشور"))
	token := sha256.Sum256([]byte("a calendar feed token"))
	must(a.st.SetICSToken(ctx, gov, a.ids["gov.marvdasht"], token[:]))

	// A milestone due tomorrow told by the sweep; the governor reads one notice, then all.
	day := time.Date(2027, 3, 19, 0, 0, 0, 0, time.UTC)
	end := -int(day.Sub(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	_, err = a.st.AddMilestone(ctx, hq, scope, store.MilestoneInput{Kind: "councils", TitleFa: "گزارش آمادگی",
		TitleEn: "Readiness report", Level: "county", StartOffset: end - 5, EndOffset: end})
	must(err)
	told, err := a.st.SweepNotices(ctx, now)
	must(err)
	if told == 0 {
		t.Fatal("the sweep told nobody of the milestone due tomorrow")
	}
	inbox, err := a.st.Inbox(ctx, a.ids["gov.marvdasht"])
	must(err)
	_, err = a.st.MarkRead(ctx, gov, fars, inbox[0].ID)
	must(err)
	_, err = a.st.MarkRead(ctx, gov, fars, 0)
	must(err)

	// Guidance: a draft with an attachment, edited and published; opened and acknowledged by Marvdasht,
	// Pasargad reminded; corrected and withdrawn.
	tech, cm := auth.Scope{ProvinceID: fars, Committee: "technology"}, as("committee")
	pdf := seed.DemoPDF()
	pdfSum := sha256.Sum256(pdf)
	circular, err := a.st.CreateGuidance(ctx, cm, tech, store.GuidanceInput{Title: "راهنمای سامانه", Body: "متن",
		Audience: audience.Audience{Counties: []string{"marvdasht"}}}, false, []store.NewAttachment{{Name: "guide.pdf",
		MIME: "application/pdf", Size: int64(len(pdf)), SHA256: hex.EncodeToString(pdfSum[:]), Content: bytes.NewReader(pdf)}})
	must(err)
	must(a.st.UpdateGuidance(ctx, cm, tech, circular, 1, store.GuidanceInput{Title: "راهنمای سامانه ثبت‌نام", Body: "متن",
		Audience: audience.Audience{Counties: []string{"marvdasht", "pasargad"}, WithDistricts: true}}))
	must(a.st.AttachToGuidance(ctx, cm, tech, circular, []store.NewAttachment{{Name: "guide.pdf", MIME: "application/pdf",
		Size: int64(len(pdf)), SHA256: hex.EncodeToString(pdfSum[:]), Content: bytes.NewReader(pdf)}}))
	must(a.st.PublishGuidance(ctx, cm, tech, circular, 2))
	must(a.st.OpenGuidance(ctx, gov, governor, circular))
	_, err = a.st.AckGuidance(ctx, gov, governor, circular)
	must(err)
	_, err = a.st.RemindGuidance(ctx, cm, tech, circular, now)
	must(err)
	must(a.st.UpdateGuidance(ctx, cm, tech, circular, 3, store.GuidanceInput{Title: "راهنمای سامانه ثبت‌نام", Body: "متن اصلاح‌شده"}))
	must(a.st.WithdrawGuidance(ctx, cm, tech, circular, 4, "جایگزین شد"))
	// A question of the Marvdasht governor to the legal committee: answered twice, an answer accepted and
	// then the other, published and taken off the FAQ.
	a.withLegal()
	legalScope := auth.Scope{ProvinceID: fars, Committee: "legal"}
	question, err := a.st.AskQuestion(ctx, gov, governor, store.NewQuestion{Committee: "legal", Title: "مهلت اعتراض", Body: "چند روز است؟"})
	must(err)
	first, err := a.st.AnswerQuestion(ctx, as("legal.fars"), legalScope, question, "چهار روز")
	must(err)
	second, err := a.st.AnswerQuestion(ctx, as("legal.fars"), legalScope, question, "چهار روز از فردای اعلام")
	must(err)
	must(a.st.AcceptAnswer(ctx, gov, governor, question, first, 1))
	must(a.st.AcceptAnswer(ctx, gov, governor, question, second, 2))
	must(a.st.PublishQuestion(ctx, hq, scope, true, question, 0, 3))
	must(a.st.UnpublishQuestion(ctx, hq, scope, true, question, 4))

	// Committees: one created and renamed, a member moved onto it and taken off; a training session
	// scheduled by the technology committee, a material added to it, confirmed by Marvdasht's governor, its attendance recorded.
	must(a.st.CreateCommittee(ctx, hq, scope, "media", store.CommitteeNames{NameFa: "کمیته رسانه", NameEn: "Media committee"}))
	must(a.st.RenameCommittee(ctx, hq, scope, "media", 1, store.CommitteeNames{NameFa: "کمیته رسانه و اطلاع‌رسانی", NameEn: "Media committee"}))
	must(a.st.SetCommitteeMember(ctx, hq, scope, "media", a.ids["committee"], true))
	must(a.st.SetCommitteeMember(ctx, hq, scope, "media", a.ids["committee"], false))
	must(a.st.SetCommitteeMember(ctx, hq, scope, "technology", a.ids["committee"], true))
	technology := scope
	technology.Committee = "technology"
	training, err := a.st.ScheduleTraining(ctx, as("committee"), technology, store.NewTraining{Title: "آموزش سامانه شمارش",
		StartsAt: time.Date(2026, 12, 10, 6, 30, 0, 0, time.UTC), Place: "سالن اجتماعات فرمانداری",
		Audience: audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true}}, nil)
	must(err)
	slides := seed.DemoPDF()
	sum := sha256.Sum256(slides)
	must(a.st.AttachToTraining(ctx, as("committee"), technology, training, []store.NewAttachment{{Name: "guide.pdf", MIME: "application/pdf",
		Size: int64(len(slides)), SHA256: hex.EncodeToString(sum[:]), Content: bytes.NewReader(slides)}}))
	must(a.st.ConfirmTraining(ctx, gov, governor, training))
	var invitee int64
	must(a.st.Pool().QueryRow(ctx, `SELECT id FROM training_invitees WHERE training_id = $1 AND district_id IS NULL`, training).Scan(&invitee))
	yes, people := true, 4
	must(a.st.RecordAttendance(ctx, as("committee"), technology, training, 1,
		[]store.Attendance{{InviteeID: invitee, Attended: &yes, Attendees: &people, Names: "علی رضایی، مینا کرمی"}}))

	// A task of the technology committee to Marvdasht with its districts; the governor takes his copy up
	// and blocks it for a reason.
	committee := auth.Scope{ProvinceID: fars, Committee: "technology"}
	task, err := a.st.AssignTask(ctx, as("committee"), committee, store.NewTask{Title: "بررسی سامانه ثبت‌نام", Body: "همه شعبه‌ها",
		DueDate: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Audience: audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true}})
	must(err)
	copyID := int64(a.count(`SELECT id FROM task_assignees WHERE task_id = $1 AND district_id IS NULL`, task))
	must(a.st.ChangeTaskStatus(ctx, gov, governor, task, copyID, 1, "in_progress", ""))
	must(a.st.ChangeTaskStatus(ctx, gov, governor, task, copyID, 2, "blocked", "سرور در دسترس نیست"))

	// A readiness check defined by HQ, filed by Marvdasht's governor and corrected, its items edited,
	// then retired and restored.
	readinessCheck, err := a.st.DefineCheck(ctx, hq, scope, electionID, store.CheckDef{Title: "سامانه ثبت‌نام آزمایش شد",
		Items: []string{"ورود کاربران", "ثبت داوطلب نمونه"}, Cadence: store.CadenceDaily,
		StartsOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), IncludeDistricts: true})
	must(err)
	items := map[int64]store.ItemAnswer{}
	rows, err := a.st.Pool().Query(ctx, `SELECT id FROM readiness_items WHERE check_id = $1 ORDER BY position`, readinessCheck)
	must(err)
	for rows.Next() {
		var item int64
		must(rows.Scan(&item))
		items[item] = store.ItemAnswer{OK: len(items) == 0, Note: "سرور پشتیبان"}
	}
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	place := store.CheckPlace{CountyID: governor.CountyID}
	_, err = a.st.FileCheck(ctx, gov, governor, readinessCheck, place, today, today, items, 0)
	must(err)
	_, err = a.st.FileCheck(ctx, gov, governor, readinessCheck, place, today, today, items, 1)
	must(err)
	must(a.st.EditCheck(ctx, hq, scope, readinessCheck, 1, store.CheckDef{Title: "سامانه ثبت‌نام و احراز هویت آزمایش شد",
		Items: []string{"ورود کاربران و کارشناسان", "چاپ رسید"}, Cadence: store.CadenceDaily,
		StartsOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), IncludeDistricts: true}))
	must(a.st.RetireCheck(ctx, hq, scope, readinessCheck, 2))
	must(a.st.RestoreCheck(ctx, hq, scope, readinessCheck, 3))
	// HQ adds an election system, renames it, retires and restores it (the seed gave the province the
	// default ones); the Marvdasht governor reports an incident of the counting system with a district it
	// affects, the technology committee takes it up, notes it, raises it, resolves it; the governor reopens it.
	must(a.st.AddSystem(ctx, hq, scope, "sms-gateway", store.SystemInput{NameFa: "درگاه پیامک", NameEn: "SMS gateway", Committee: "technology"}))
	must(a.st.EditSystem(ctx, hq, scope, "sms-gateway", 1, store.SystemInput{NameFa: "سامانه پیامک", NameEn: "SMS gateway", Committee: "legal"}))
	must(a.st.RetireSystem(ctx, hq, scope, "sms-gateway", 2, true))
	must(a.st.RetireSystem(ctx, hq, scope, "sms-gateway", 3, false))
	incident, err := a.st.ReportIncident(ctx, gov, governor, store.NewIncident{System: "counting", Title: "کندی سامانه شمارش",
		Body: "ثبت هر صندوق ده دقیقه", Severity: "high", Since: now.Add(-2 * time.Hour), Districts: []string{"marvdasht-central"}})
	must(err)
	must(a.st.AcknowledgeIncident(ctx, as("committee"), technology, incident, 1))
	must(a.st.NoteIncident(ctx, as("committee"), technology, incident, "خط ارتباطی بررسی می‌شود"))
	must(a.st.ChangeIncidentSeverity(ctx, as("committee"), technology, incident, 2, "critical"))
	must(a.st.ResolveIncident(ctx, as("committee"), technology, incident, 3, "پهنای باند دو برابر شد"))
	must(a.st.ReopenIncident(ctx, gov, governor, incident, 4, "دوباره کند شد"))
	return board, candidate
}

// fileSHA256 is the fingerprint of the file the test imports.
const fileSHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	auditBody   = regexp.MustCompile(`(?s)<tbody>(.*)</tbody>`)
	nextPage    = regexp.MustCompile(`rel="next" href="([^"]+)"`)
	ipAddress   = regexp.MustCompile(`\b\d{1,3}(\.\d{1,3}){3}\b`)
	isoDate     = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	latinText   = regexp.MustCompile(`[A-Za-z_]+`)
	snakeOrKey  = regexp.MustCompile(`\b[a-z]+(_[a-z]+)+\b|\b[a-z]+\.[a-z_]+\b`)
	rawCodeWord = regexp.MustCompile(`\b(male|female|diploma|bachelor|marvdasht|true|false|nil)\b`)
)

// auditPages reads every page of the log from path on, following the links to older rows, and returns
// what the readers see of the rows: the visible text of each page's table body.
func (a *testApp) auditPages(c *http.Client, path string) []string {
	a.t.Helper()
	var pages []string
	for path != "" {
		res := a.get(c, path)
		if res.status != 200 {
			a.t.Fatalf("%s: %d", path, res.status)
		}
		m := auditBody.FindStringSubmatch(res.body)
		if m == nil {
			a.t.Fatalf("%s: no rows", path)
		}
		text := anyTag.ReplaceAllString(hiddenSpan.ReplaceAllString(m[1], ""), " ")
		pages = append(pages, spaceRun.ReplaceAllString(html.UnescapeString(text), " "))
		path = ""
		if n := nextPage.FindStringSubmatch(res.body); n != nil {
			path = html.UnescapeString(n[1])
		}
	}
	return pages
}

// The audit log shows each action in the reader's language: labels for codes and fields, places and
// people by name, days in the reader's calendar, before → after in the reading order; never a code, a Go
// map, an ISO date in Persian or a catalogue key.
func TestAuditPageReadable(t *testing.T) {
	a := newTestApp(t)
	board, candidate := a.auditEveryAction()
	// A row names an election by its code, which the page turns into its title.
	var named string
	if err := a.st.Pool().QueryRow(t.Context(), `SELECT (detail::jsonb)->'after'->>'election' FROM audit_log
		WHERE action = 'readiness.define'`).Scan(&named); err != nil || a.count(`SELECT count(*) FROM elections WHERE code = $1`, named) != 1 {
		t.Errorf("a readiness check's election is logged as %q (%v), not by its code", named, err)
	}

	var logged []string
	rows, err := a.st.Pool().Query(t.Context(), `SELECT DISTINCT action FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		logged = append(logged, s)
	}
	for _, action := range writtenActions(t) {
		if !slices.Contains(logged, action) {
			t.Errorf("the test writes no row of %q: add it to auditEveryAction", action)
		}
		for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
			if i18n.Message(lang, "action."+action) == "action."+action {
				t.Errorf("%s has no label for %q", lang, action)
			}
		}
	}

	// Whatever the code writes, in Latin letters, that is data and not a code: user names, the election's
	// code and English title, a file's name, a tracking ID.
	pdfSum := sha256.Sum256(seed.DemoPDF())
	data := []string{"candidates.csv", "cities.csv", "pool.csv", fileSHA256, "guide.pdf", hex.EncodeToString(pdfSum[:]), "TR-100", "TR-۱۰۰", "nobody", "Ref A-12", "Ref B-7", "Seyedan",
		"Sayedan", "seyedan", "marvdasht-2", "Media committee"}
	for _, u := range testUsers {
		data = append(data, u.Username)
	}
	data = append(data, "legal.fars")
	elections, err := a.st.Pool().Query(t.Context(), `SELECT code FROM elections UNION ALL SELECT title_en FROM elections
		UNION ALL SELECT name_en FROM election_systems
		UNION ALL SELECT title_en FROM milestones UNION ALL SELECT description_en FROM milestones`)
	if err != nil {
		t.Fatal(err)
	}
	for elections.Next() {
		var s string
		if err := elections.Scan(&s); err != nil {
			t.Fatal(err)
		}
		data = append(data, s)
	}
	slices.SortFunc(data, func(x, y string) int { return len(y) - len(x) }) // longest first
	national := a.login("national")
	for _, lang := range []string{"fa", "en"} {
		a.get(national, "/lang/"+lang)
		pages := a.auditPages(national, "/audit")
		if len(pages) < 2 {
			t.Fatalf("%s: %d pages", lang, len(pages))
		}
		for i, page := range pages {
			where := fmt.Sprintf("%s page %d", lang, i+1)
			for _, bad := range []string{"map[", "%!", "<nil>", "{", "}"} {
				if strings.Contains(page, bad) {
					t.Errorf("%s shows %q", where, bad)
				}
			}
			rest := ipAddress.ReplaceAllString(page, " ")
			for _, d := range data {
				rest = strings.ReplaceAll(rest, d, " ")
			}
			if lang == "fa" {
				if strings.Contains(page, "→") {
					t.Errorf("%s: a rightwards arrow in Persian", where)
				}
				for _, m := range latinText.FindAllString(rest, -1) {
					t.Errorf("%s shows Latin text %q (a code or an untranslated key)", where, m)
				}
			} else {
				if strings.Contains(page, "←") {
					t.Errorf("%s: a leftwards arrow in English", where)
				}
				for _, re := range []*regexp.Regexp{snakeOrKey, rawCodeWord} {
					for _, m := range re.FindAllString(rest, -1) {
						t.Errorf("%s shows the code %q", where, m)
					}
				}
			}
			if lang == "fa" && isoDate.MatchString(rest) {
				t.Errorf("%s shows an ISO date: %q", where, isoDate.FindString(rest))
			}
		}
		if t.Failed() {
			t.Logf("%s:\n%s", lang, strings.Join(pages, "\n"))
		}
	}

	// A few changes read as people say them, in Persian.
	a.get(national, "/lang/fa")
	fa := func(key string, args ...i18n.Arg) string { return i18n.Message(i18n.Fa, key, args...) }
	var lines []string
	for path := "/audit"; path != ""; {
		res := a.get(national, path)
		lines = append(lines, changeLines(res.body)...)
		path = ""
		if n := nextPage.FindStringSubmatch(res.body); n != nil {
			path = html.UnescapeString(n[1])
		}
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		fa("field.status") + ": " + fa("board_status.submitted") + " ← " + fa("board_status.approved"),
		fa("field.role") + ": " + fa("board_role.trusted") + " ← " + fa("board_role.alternate"),
		fa("field.phone") + ": ۰۹۱۲۰۰۰۰۰۰۰ ← ۰۹۱۷۱۱۱۲۲۳۳",
		fa("field.gender") + ": " + fa("gender.female"),
		fa("field.phone") + ": ۰۹۱۷۱۲۳۴۵۶۷ ← ۰۷۱۴۳۲۰۱۲۳۴",
		fa("field.veteran") + ": " + fa("audit.no") + " ← " + fa("audit.yes"),
		fa("field.birth_date") + ": ۱۳۶۹/۰۱/۱۵",
		fa("field.constituency") + ": " + fa("candidates.constituency_village", i18n.ArgName("district", "مرکزی", "Central"),
			i18n.ArgName("county", "مرودشت", "Marvdasht")) + " ← " + fa("candidates.constituency_city", i18n.ArgName("city", "مرودشت", "Marvdasht")),
		fa("field.status") + ": " + fa("cstatus.registered") + " ← " + fa("cstatus.under_review"),
		fa("candidates.overrides") + ": " + fa("override.size_unknown") + ": اندازه روستاها هنوز ثبت نشده است",
		fa("counties.population_of", i18n.ArgName("city", "مرودشت", "Marvdasht")) + ": " + fa("counties.unknown") + " ← ۱۵۰٬۰۰۰",
		fa("field.name_en") + ": Seyedan ← Sayedan",
		fa("field.district") + ": " + fa("audit.district", i18n.ArgName("district", "سیدان", "Seyyedan"), i18n.ArgName("county", "مرودشت", "Marvdasht")) +
			" ← " + fa("audit.district", i18n.ArgName("district", "مرکزی", "Central"), i18n.ArgName("county", "مرودشت", "Marvdasht")),
		fa("field.retired") + ": " + fa("audit.no") + " ← " + fa("audit.yes"),
		fa("field.name_fa") + ": شهر اشتباه",
		fa("audit.field.updated") + ": ۱",
		fa("counties.households", i18n.ArgName("district", "مرکزی", "Central")) + ": " + fa("counties.unknown") + " ← ۴٬۲۰۰",
		fa("field.pool_approved_on") + ": ۱۴۰۵/۰۸/۰۱",
		fa("field.lang") + ": " + fa("language.fa") + " ← " + fa("language.en"),
		fa("field.disabled") + ": " + fa("audit.no") + " ← " + fa("audit.yes"),
		fa("field.kind") + ": " + fa("kind.councils"),
		fa("field.election_day") + ": ۱۴۰۵/۱۲/۲۱",
		fa("crules.min_age") + ": ",
		fa("audit.field.imported") + ": ۱",
		fa("audit.field.sha256") + ": " + fileSHA256,
		fa("field.username") + ": nobody",
		fa("incidents.field.severity") + ": " + fa("incidents.severity.high") + " ← " + fa("incidents.severity.critical"),
		fa("incidents.field.system") + ": سامانه شمارش آرا",
		fa("incidents.field.since") + ": ۱۴۰۵/۰۹/۰۵ ۱۱:۳۰",
		fa("field.status") + ": " + fa("incidents.status.open") + " ← " + fa("incidents.status.acknowledged"),
		fa("field.district") + ": " + fa("audit.district", i18n.ArgName("district", "مرکزی", "Central"), i18n.ArgName("county", "مرودشت", "Marvdasht")),
		fa("field.committee") + ": کمیته فناوری ← کمیته حقوقی",
		fa("field.failures") + ": ۵",
		fa("field.done") + ": " + fa("audit.no") + " ← " + fa("audit.yes"),
		fa("field.done") + ": " + fa("audit.yes") + " ← " + fa("audit.no"),
		fa("field.reason") + ": صورت‌جلسه امضا نشده بود",
		fa("field.level") + ": " + fa("milestone.level.county") + " ← " + fa("milestone.level.district"),
		fa("field.end_offset") + ": ۲۰ روز پیش از روز رأی‌گیری ← ۱۸ روز پیش از روز رأی‌گیری",
		fa("field.election_day") + ": ۱۴۰۵/۱۲/۲۱ ← ۱۴۰۵/۱۲/۲۸",
		fa("audit.field.replaced") + ": " + fa("audit.no"),
		fa("field.name_fa") + ": کمیته رسانه ← کمیته رسانه و اطلاع‌رسانی",
		fa("field.committee") + ": کمیته فناوری ← کمیته رسانه",
		fa("field.committee") + ": کمیته رسانه و اطلاع‌رسانی ← —",
		fa("field.date") + ": ۱۴۰۵/۰۹/۱۹",
		fa("field.time") + ": ۱۰:۰۰",
		fa("field.audience") + ": " + fa("audience.counties"),
		fa("field.county") + ": مرودشت",
		fa("field.include_districts") + ": " + fa("audit.yes"),
		fa("field.attended") + ": " + fa("audit.yes"),
		fa("field.attendees") + ": ۴",
		fa("field.status") + ": " + fa("tstatus.in_progress") + " ← " + fa("tstatus.blocked"),
		fa("field.note") + ": سرور در دسترس نیست",
		fa("field.due_date") + ": ۱۴۰۵/۰۹/۱۵",
		fa("field.committee") + ": کمیته فناوری",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the log lacks the line %q", want)
		}
	}

	// Subjects are links to their pages, for whoever may open them.
	hq := a.login("hq.fars")
	page := a.get(hq, "/audit").body + a.get(hq, "/audit?entity=user").body + a.get(hq, "/audit?entity=county").body +
		a.get(hq, "/audit?entity=board").body + a.get(hq, "/audit?entity=candidate").body
	mustContain(t, page, fmt.Sprintf(`href="/boards/%d"`, board), fmt.Sprintf(`href="/candidates/%d"`, candidate),
		fmt.Sprintf(`href="/admin/users/%d"`, a.ids["observer"]), `href="/counties/marvdasht"`,
		fa("boards.title_county", i18n.ArgName("county", "مرودشت", "Marvdasht")), "مریم موسوی‌نژاد",
		`href="/tasks/`, ">بررسی سامانه ثبت‌نام<")
	// A user by name, with the user name (which the filter takes) beside it, left to right.
	if !regexp.MustCompile(`<bdi>فاطمه صادقی</bdi>\s*<span dir="ltr">\(observer\)</span>`).MatchString(page) {
		t.Error("the page does not name the observer with her user name beside")
	}
	mustNotContain(t, a.get(national, "/audit?entity=user").body, `href="/admin/users/`) // the national HQ manages no accounts

	// Sign-ins apart from changes.
	signIns := map[string]bool{}
	for _, action := range []string{"login.success", "login.failure", "logout", "user.lock"} {
		signIns[fa("action."+action)] = true
	}
	actionCell := regexp.MustCompile(`(?s)<tr>\s*<td class="num">.*?</td>\s*<td>.*?</td>\s*<td>.*?</td>\s*<td>(.*?)</td>`)
	for _, tt := range []struct {
		group     string
		wantLogin bool
	}{{"signins", true}, {"changes", false}} {
		body := a.get(national, "/audit?group="+tt.group).body
		cells := actionCell.FindAllStringSubmatch(body, -1)
		if len(cells) == 0 {
			t.Fatalf("group %s: no rows", tt.group)
		}
		for _, c := range cells {
			if signIns[c[1]] != tt.wantLogin {
				t.Errorf("group %s shows %q", tt.group, c[1])
			}
		}
		mustContain(t, body, `aria-current="page">`+fa("audit.group."+tt.group)+`<`)
	}
}
