package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// demoCandidates are registrations across the demo counties, each taken along its lifecycle to a status.
var demoCandidates = []struct {
	constituency string
	path         []string // statuses after registration, with a reason where the law wants one
}{
	{"marvdasht", nil},
	{"marvdasht", []string{"under_review"}},
	{"marvdasht", []string{"under_review", "exec_approved"}},
	{"beyza", []string{"under_review", "exec_rejected"}},
	{"pasargad", nil},
	{"pasargad", []string{"under_review", "exec_approved", "supervision_review"}},
	{"arsanjan", []string{"withdrawn"}},
	{"beyza", []string{"under_review"}},
	{"shiraz", nil},
	{"shiraz", []string{"under_review", "exec_approved"}},
	{"seyedan", []string{"under_review"}},
}

// candidateName is the i-th demo candidate's name, of the gender given (the synthetic load's names): a
// woman's first name for a woman, a man's for a man. Every father gets a man's.
func candidateName(i int, gender string) string {
	first := maleNames[(i/2)%len(maleNames)]
	if gender == "female" {
		first = femaleNames[(i/2)%len(femaleNames)]
	}
	return first + " " + lastNames[(i*7+2)%len(lastNames)]
}

// genderOf is the gender a demo person's first name says.
func genderOf(fullName string) string {
	first, _, _ := strings.Cut(fullName, " ")
	if slices.Contains(femaleNames, first) {
		return "female"
	}
	return "male"
}

// demoCandidatesLoad registers the demo candidates as the provincial HQ, once: nothing happens when the
// election has candidates already. One of them sits on Marvdasht's board, which HQ accepted with a
// reason, so the conflict shows on both sides. Each is registered on a day of the registration window of
// the election's timeline, a day and hour of its own, as the pages would have registered them then: the
// demo's election is about 90 days ahead, so the city registration (E−110 … E−103) is over, and the
// village registration (E−77 … E−71) has not begun, so the demo has no village candidates.
func demoCandidatesLoad(ctx context.Context, st *store.Store, now time.Time) error {
	e, err := st.CurrentElection(ctx)
	if err != nil {
		return err
	}
	hqUser, err := st.UserByUsername(ctx, "hq.fars")
	if err != nil {
		return err
	}
	hq := audit.Actor{ID: hqUser.ID, Name: hqUser.Username, Remote: "seed"}
	fars := auth.Scope{ProvinceID: hqUser.ProvinceID}
	if _, n, err := st.Candidates(ctx, fars, e.ID, store.CandidateFilter{PageSize: 1}); err != nil || n > 0 {
		return err
	}
	// The demo walks the lifecycle under the election's rule and timeline as the national HQ keeps them.
	rule, err := st.CandidateRuleFor(ctx, e)
	if err != nil {
		return err
	}
	ms, err := st.Milestones(ctx, auth.Scope{}, e.ID)
	if err != nil {
		return err
	}
	windows, lifecycle := store.RegistrationWindows(ms), rule.LifecycleIn(ms)
	for i, dc := range demoCandidates {
		k, err := st.ConstituencyByCode(ctx, fars, dc.constituency)
		if err != nil {
			return fmt.Errorf("demo candidate in %s: %w", dc.constituency, err)
		}
		registered, ok := demoRegistered(windows, k.Kind, i, now)
		if !ok {
			continue // its window has not opened yet
		}
		certificate := demoCertificate(registered)
		p := person(50, 200+i)
		gender := []string{"male", "female"}[i%2]
		c := store.NewCandidate{FullName: candidateName(i, gender), FatherName: maleNames[(i*5+3)%len(maleNames)],
			NationalID: p.NationalID, Phone: p.Phone, Gender: gender, MilitaryService: "completed", Education: "bachelor",
			Occupation: []string{"معلم", "کشاورز", "پزشک", "کارمند", "مهندس"}[i%5],
			BirthDate:  time.Date(1975+i, time.Month(1+i%12), 10, 0, 0, 0, 0, time.UTC), TrackingID: fmt.Sprintf("DEMO-%04d", 100+i),
			CertificateDate: &certificate, Constituency: k, RegisteredAt: registered}
		id, err := st.RegisterCandidate(ctx, hq, e, c, nil)
		if err != nil {
			return fmt.Errorf("demo candidate %d: %w", i, err)
		}
		from, version := candidacy.Registered, 1
		for _, to := range dc.path {
			reason := ""
			if to == candidacy.ExecRejected {
				reason = "مدرک تحصیلی ارائه‌شده با سامانه آموزش عالی مطابقت ندارد."
			} else if to == candidacy.Withdrawn {
				reason = "انصراف کتبی داوطلب"
			}
			if err := st.ChangeCandidateStatus(ctx, hq, fars, id, version, to, reason, now, lifecycle); err != nil {
				return fmt.Errorf("demo candidate %d, %s → %s: %w", i, from, to, err)
			}
			from, version = to, version+1
		}
	}
	// A trusted member of Marvdasht's board who registered in Pasargad.
	d, err := st.Boards(ctx, fars, e.ID, store.BoardFilter{County: "marvdasht", Level: "county"})
	if err != nil || len(d) == 0 {
		return err
	}
	board, err := st.Board(ctx, fars, d[0].ID)
	if err != nil {
		return err
	}
	for _, m := range board.Members {
		if m.Role != "trusted" {
			continue
		}
		k, err := st.ConstituencyByCode(ctx, fars, "pasargad")
		if err != nil {
			return err
		}
		registered, ok := demoRegistered(windows, k.Kind, len(demoCandidates), now)
		if !ok {
			return nil
		}
		certificate := demoCertificate(registered)
		c := store.NewCandidate{FullName: m.FullName, FatherName: m.FatherName, NationalID: m.NationalID, Gender: genderOf(m.FullName),
			MilitaryService: "completed", Education: "master", BirthDate: time.Date(1980, 5, 5, 0, 0, 0, 0, time.UTC),
			CertificateDate: &certificate, Constituency: k, TrackingID: "DEMO-0999", RegisteredAt: registered}
		_, err = st.RegisterCandidate(ctx, hq, e, c, []store.Override{{Field: "national_id", Code: "board_member",
			Reason: "استعفا از هیئت اجرایی مرودشت در جریان است."}})
		var dup *store.DuplicateError
		if errors.As(err, &dup) {
			return nil
		}
		return err
	}
	return nil
}

// demoRegistered is when the i-th demo candidate, of a constituency of kind, registered: on a day of the
// kind's registration window (windows), one after another across its days, at an hour of its own in
// Tehran, never after now; ok is false when the window has not opened by now. A kind without a window
// registers now.
func demoRegistered(windows map[string]eligibility.Window, kind string, i int, now time.Time) (time.Time, bool) {
	w, ok := windows[kind]
	if !ok {
		return now, true
	}
	days := int(w.To.Sub(w.From).Hours()/24) + 1
	d := w.From.AddDate(0, 0, i%days)
	at := time.Date(d.Year(), d.Month(), d.Day(), 9+i%8, (i*17)%60, 0, 0, i18n.Tehran)
	if at.After(now) {
		at = now
	}
	return at, w.Holds(at)
}

// demoCertificate is the day of a demo candidate's criminal-record certificate: twenty days before the
// registration, within the rule's months.
func demoCertificate(registered time.Time) time.Time {
	y, m, d := registered.In(i18n.Tehran).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -20)
}
