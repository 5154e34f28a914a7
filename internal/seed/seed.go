// Package seed loads Setad's reference data (Fars geography from the embedded CSV files, the committees,
// the election kinds of LAW.md with their board compositions, candidate rules and the councils timeline,
// and the 7th councils election) and, on request, the demo: a current election mid-way through its
// preparation and one user per role. Both are idempotent: running them again changes nothing that is
// already there.
package seed

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/store"
)

//go:embed data/*.csv
var data embed.FS

// Committees are the HQ committees of the source document, in display order.
var Committees = []store.Committee{
	{Key: "training", NameFa: "کمیته آموزش", NameEn: "Training committee", Position: 1},
	{Key: "legal", NameFa: "کمیته حقوقی", NameEn: "Legal committee", Position: 2},
	{Key: "technology", NameFa: "کمیته فناوری", NameEn: "Technology committee", Position: 3},
	{Key: "security", NameFa: "کمیته امنیت", NameEn: "Security committee", Position: 4},
	{Key: "publicity", NameFa: "کمیته تبلیغات و اطلاع‌رسانی", NameEn: "Publicity committee", Position: 5},
	{Key: "inspection", NameFa: "کمیته بازرسی", NameEn: "Inspection committee", Position: 6},
}

// Systems are the election systems every province starts with, owned by its technology committee; HQ
// keeps the list afterwards (renames, adds, retires), and the seed adds only what a province lacks.
var Systems = []store.System{
	{Key: "candidate-registration", NameFa: "سامانه ثبت‌نام داوطلبان", NameEn: "Candidate registration system", Committee: "technology"},
	{Key: "voter-authentication", NameFa: "سامانه احراز هویت رأی‌دهندگان", NameEn: "Voter authentication system", Committee: "technology"},
	{Key: "counting", NameFa: "سامانه شمارش آرا", NameEn: "Vote counting system", Committee: "technology"},
	{Key: "result-transmission", NameFa: "سامانه ارسال نتایج", NameEn: "Result transmission system", Committee: "technology"},
}

// Kinds are the election kinds of LAW.md.
var Kinds = []store.ElectionKind{
	{Key: "councils", NameFa: "انتخابات شوراهای اسلامی شهر و روستا", NameEn: "City and village councils election", Position: 1},
	{Key: "majlis", NameFa: "انتخابات مجلس شورای اسلامی", NameEn: "Parliament (Majlis) election", Position: 2},
	{Key: "presidential", NameFa: "انتخابات ریاست جمهوری", NameEn: "Presidential election", Position: 3},
	{Key: "by_election", NameFa: "انتخابات میان‌دوره‌ای", NameEn: "By-election", Position: 4},
}

func days(n int) *int { return &n }

// BoardRules are LAW.md's executive-board compositions. A by-election uses its parent kind's rules.
// Rows already in the database are kept as the national HQ may have edited them.
var BoardRules = []store.BoardRule{
	{Kind: "councils", Level: "county", ChairOffice: "governor", ExOfficio: []string{"civil_registration", "judiciary_rep"},
		TrustedMain: 8, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3, FormedWithinDays: days(5)},
	{Kind: "councils", Level: "district", ChairOffice: "district_head", ExOfficio: []string{"civil_registration", "judiciary_rep"},
		TrustedMain: 8, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3, FormedWithinDays: days(5), Uncertain: true},
	{Kind: "majlis", Level: "county", ChairOffice: "governor", ExOfficio: []string{"jurist", "civil_registration"},
		TrustedMain: 8, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3, Uncertain: true},
	{Kind: "majlis", Level: "district", ChairOffice: "district_head", ExOfficio: []string{"jurist", "civil_registration"},
		TrustedMain: 8, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3, Uncertain: true},
	{Kind: "presidential", Level: "county", ChairOffice: "governor", ExOfficio: []string{"civil_registration", "judiciary_head", "prosecutor"},
		TrustedMain: 9, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3, FormedWithinDays: days(3), Uncertain: true},
	{Kind: "presidential", Level: "district", ChairOffice: "district_head", ExOfficio: []string{"civil_registration", "judiciary_head", "prosecutor"},
		TrustedMain: 9, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3, FormedWithinDays: days(3), Uncertain: true},
}

// CandidateRules are LAW.md's registration and lifecycle numbers. Only the councils' are known; the age
// reference day is uncertain, so the rule is marked for the national HQ to confirm.
var CandidateRules = []store.CandidateRule{{
	Kind: "councils", MinAge: eligibility.CouncilsDefaults.MinAge, AgeOnElectionDay: eligibility.CouncilsDefaults.AgeOnElectionDay,
	VillageSmallHouseholds: eligibility.CouncilsDefaults.VillageSmallHouseholds, CitySmallPopulation: eligibility.CouncilsDefaults.CitySmallPopulation,
	CertificateMaxMonths: eligibility.CouncilsDefaults.CertificateMaxMonths, ResignationMinMonths: eligibility.CouncilsDefaults.ResignationMinMonths,
	ObjectionDays: candidacy.Defaults.ObjectionDays, ConstituencyChangeUntilDays: candidacy.Defaults.ConstituencyChangeUntilDays,
	MaxConstituencyChanges: candidacy.Defaults.MaxConstituencyChanges, Uncertain: true,
}}

// Reference loads the reference data, and gives every province the election systems it lacks.
func Reference(ctx context.Context, st *store.Store) error {
	ref, err := fars()
	if err != nil {
		return err
	}
	if _, err := st.UpsertReference(ctx, audit.System, ref); err != nil {
		return fmt.Errorf("seed reference: %w", err)
	}
	if _, err := st.UpsertSystems(ctx, audit.System, Systems); err != nil {
		return fmt.Errorf("seed election systems: %w", err)
	}
	if _, err := st.AddBoardRules(ctx, audit.System, BoardRules); err != nil {
		return fmt.Errorf("seed board rules: %w", err)
	}
	if _, err := st.AddCandidateRules(ctx, audit.System, CandidateRules); err != nil {
		return fmt.Errorf("seed candidate rules: %w", err)
	}
	if _, err := st.AddLegalMilestones(ctx, audit.System, CouncilsTimeline); err != nil {
		return fmt.Errorf("seed timeline: %w", err)
	}
	_, err = st.AddElection(ctx, audit.System, store.NewElection{
		Code: "councils-7", Kind: "councils",
		TitleFa:     "هفتمین دوره انتخابات شوراهای اسلامی شهر و روستا",
		TitleEn:     "7th City and Village Councils Election",
		ElectionDay: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), // 1405/02/11
	})
	if err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("seed election: %w", err)
	}
	return nil
}

func fars() (store.Reference, error) {
	ref := store.Reference{
		Province:   store.Province{Code: "fars", NameFa: "فارس", NameEn: "Fars"},
		Districts:  map[string][]store.District{},
		Committees: Committees,
		Kinds:      Kinds,
	}
	counties, err := readCSV("data/fars-counties.csv", []string{"code", "name_fa", "name_en"})
	if err != nil {
		return ref, err
	}
	for _, r := range counties {
		ref.Counties = append(ref.Counties, store.County{Code: r[0], NameFa: r[1], NameEn: r[2]})
	}
	districts, err := readCSV("data/fars-districts.csv", []string{"county_code", "code", "name_fa", "name_en"})
	if err != nil {
		return ref, err
	}
	for _, r := range districts {
		ref.Districts[r[0]] = append(ref.Districts[r[0]], store.District{Code: r[1], NameFa: r[2], NameEn: r[3]})
	}
	return ref, nil
}

func readCSV(name string, header []string) ([][]string, error) {
	f, err := data.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, h := range header {
		if head[i] != h {
			return nil, fmt.Errorf("%s: column %d is %q, want %q", name, i+1, head[i], h)
		}
	}
	return r.ReadAll()
}

// DemoPassword is every demo user's password; the demo is for trying the portal, never for production.
const DemoPassword = "setad-demo-1405"

// DemoUsers are one or more users per role, in the counties of the source document.
var DemoUsers = []auth.Account{
	{Username: "hq.fars", FullName: "مریم کریمی", Role: "hq", Province: "fars"},
	{Username: "gov.marvdasht", FullName: "علی رضایی", Role: "governor", County: "marvdasht"},
	{Username: "gov.pasargad", FullName: "حسن موسوی", Role: "governor", County: "pasargad"},
	{Username: "gov.arsanjan", FullName: "محمد حسینی", Role: "governor", County: "arsanjan"},
	{Username: "gov.beyza", FullName: "رضا احمدی", Role: "governor", County: "beyza"},
	{Username: "gov.shiraz", FullName: "کامران شیرازی", Role: "governor", County: "shiraz"},
	{Username: "gov.kazerun", FullName: "بهرام کازرونی", Role: "governor", County: "kazerun"},
	{Username: "dh.marvdasht-central", FullName: "زهرا محمدی", Role: "district_head", District: "marvdasht-central"},
	{Username: "dh.shiraz-central", FullName: "پروین حافظی", Role: "district_head", District: "shiraz-central"},
	{Username: "committee.technology", FullName: "سارا جعفری", Role: "committee", Province: "fars", Committee: "technology"},
	{Username: "committee.legal", FullName: "مهدی نوری", Role: "committee", Province: "fars", Committee: "legal"},
	{Username: "committee.training", FullName: "نازنین آموزگار", Role: "committee", Province: "fars", Committee: "training"},
	{Username: "observer.fars", FullName: "فاطمه صادقی", Role: "observer", Province: "fars"},
	{Username: "national", FullName: "احمد کاظمی", Role: "national"},
}

// Demo loads the reference data, the demo election (current, its election day about three months after
// the day the demo is first loaded, so some of its preparation lies behind it and some ahead), the demo
// users (printing the logins to out), the constituency sizes of its counties and more cities of
// Marvdasht, executive boards in every state of their review, the Fars HQ's own milestones and marks
// that show every status of the timeline at once, candidates along their lifecycle, one of them also
// on a board, questions to the committees: answered and in the FAQ, and open (one for three days), and
// the committees' tasks in every state, some overdue, and incidents of the election systems: an open
// critical one, an acknowledged one with notes, a resolved one and a district's low one.
func Demo(ctx context.Context, st *store.Store, h *password.Hasher, now time.Time, out io.Writer) error {
	if err := Reference(ctx, st); err != nil {
		return err
	}
	day := now.AddDate(0, 0, 90)
	for day.Weekday() != time.Friday {
		day = day.AddDate(0, 0, 1)
	}
	_, err := st.AddElection(ctx, audit.System, store.NewElection{
		Code: "demo-councils", Kind: "councils",
		TitleFa:     "انتخابات شوراهای اسلامی شهر و روستا (داده نمونه)",
		TitleEn:     "City and village councils election (demo data)",
		ElectionDay: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC),
		Current:     true,
	})
	if err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("seed demo election: %w", err)
	}
	fmt.Fprintf(out, "Demo logins (password %s for every user):\n", DemoPassword)
	for _, acc := range DemoUsers {
		if _, err := st.UserByUsername(ctx, acc.Username); errors.Is(err, store.ErrNotFound) {
			hash, err := h.Hash(ctx, DemoPassword)
			if err != nil {
				return err
			}
			if _, err := st.CreateUser(ctx, audit.System, auth.Scope{}, acc, hash); err != nil {
				return fmt.Errorf("seed demo user %s: %w", acc.Username, err)
			}
		} else if err != nil {
			return err
		}
		place := acc.Province + acc.County + acc.District
		if acc.Committee != "" {
			place += "/" + acc.Committee
		}
		fmt.Fprintf(out, "  %-22s %-14s %s\n", acc.Username, acc.Role, place)
	}
	if err := demoCitiesLoad(ctx, st); err != nil {
		return err
	}
	if err := demoBoardsLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoTimelineLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoReadyLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoCandidatesLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoGuidanceLoad(ctx, st); err != nil {
		return err
	}
	if err := demoQuestionsLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoTrainingsLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoTasksLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoChecksLoad(ctx, st, now); err != nil {
		return err
	}
	if err := demoIncidentsLoad(ctx, st, now); err != nil {
		return err
	}
	// The reminders of the milestones and tasks coming due and of the questions waiting for an answer, as
	// the server's sweep would tell them.
	_, err = st.SweepNotices(ctx, now)
	return err
}
