package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// demoIncident is an incident of the demo: who reports it, against which system, how long ago it began
// and was reported, and what the technology committee's demo member has done with it since: notes,
// an acknowledgement, a resolution.
type demoIncident struct {
	reporter    string
	system      string
	severity    string
	since, ago  time.Duration // before the demo's day: when it began, when it was reported
	title, body string
	districts   []string
	ack         bool
	notes       []string
	resolution  string
}

// demoIncidents are an open critical incident in Pasargad, an acknowledged high one in Marvdasht with the
// committee's notes, a resolved one in Beyza, and a low one from Marvdasht's central district.
var demoIncidents = []demoIncident{
	{reporter: "gov.pasargad", system: "voter-authentication", severity: "critical", since: 3 * time.Hour, ago: 150 * time.Minute,
		title: "قطع سامانه احراز هویت در شعب پاسارگاد",
		body: "از ساعت ۹ صبح دستگاه‌های احراز هویت در همه شعب شهرستان به سرور وصل نمی‌شوند و پیام «خطای ارتباط» می‌دهند.\n" +
			"خط اینترنت فرمانداری برقرار است."},
	{reporter: "gov.marvdasht", system: "counting", severity: "high", since: 26 * time.Hour, ago: 25 * time.Hour,
		title:     "کندی سامانه شمارش آرا در آزمایش شعب مرودشت",
		body:      "در آزمایش دیروز، ثبت نتیجه هر صندوق در سامانه شمارش بیش از ده دقیقه طول کشید.",
		districts: []string{"marvdasht-central"}, ack: true,
		notes: []string{"سرور شمارش استان بررسی شد؛ بار آن عادی است. خط ارتباطی شهرستان در حال بررسی است.",
			"پهنای باند خط فرمانداری دو برابر شد؛ آزمایش دوباره فردا انجام می‌شود."}},
	{reporter: "gov.beyza", system: "candidate-registration", severity: "medium", since: 4 * 24 * time.Hour, ago: 4*24*time.Hour - time.Hour,
		title:      "چاپ نشدن رسید ثبت‌نام داوطلب",
		body:       "چاپگر دفتر ثبت‌نام بیضا رسید داوطلب را چاپ نمی‌کند؛ ثبت‌نام در سامانه انجام می‌شود.",
		resolution: "راه‌انداز چاپگر به نسخه تازه به‌روز شد و رسیدها چاپ می‌شوند."},
	{reporter: "dh.marvdasht-central", system: "result-transmission", severity: "low", since: 5 * time.Hour, ago: 4 * time.Hour,
		title: "خطای گاه‌به‌گاه ارسال نتایج آزمایشی بخش مرکزی",
		body:  "در ارسال آزمایشی نتایج، از هر ده ارسال یکی با خطا روبه‌رو شد و بار دوم فرستاده شد."},
}

// demoIncidentsLoad reports the demo's incidents and acts on them as the technology committee's demo
// member, once: a province that has any incident already is left as it is.
func demoIncidentsLoad(ctx context.Context, st *store.Store, now time.Time) error {
	member, err := st.UserByUsername(ctx, "committee.technology")
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var have []store.Incident
	var total int
	var b store.Batch
	b.Incidents(auth.Scope{ProvinceID: member.ProvinceID}, store.IncidentFilter{}, &have, &total)
	if err := st.Run(ctx, &b); err != nil || total > 0 {
		return err
	}
	committee := auth.Scope{ProvinceID: member.ProvinceID, Committee: member.Committee}
	by := audit.Actor{ID: member.ID, Name: member.Username, Remote: "seed"}
	for _, di := range demoIncidents {
		u, err := st.UserByUsername(ctx, di.reporter)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		sc := auth.Scope{ProvinceID: u.ProvinceID, CountyID: u.CountyID, DistrictID: u.DistrictID}
		id, err := st.ReportIncident(ctx, audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"}, sc, store.NewIncident{
			System: di.system, Title: di.title, Body: di.body, Severity: di.severity, Since: now.Add(-di.since),
			Districts: di.districts, ReportedAt: now.Add(-di.ago)})
		if err != nil {
			return fmt.Errorf("demo incident %q: %w", di.title, err)
		}
		version := 1
		if di.ack {
			if err := st.AcknowledgeIncident(ctx, by, committee, id, version); err != nil {
				return fmt.Errorf("demo incident %q: %w", di.title, err)
			}
			version++
		}
		for _, n := range di.notes {
			if err := st.NoteIncident(ctx, by, committee, id, n); err != nil {
				return fmt.Errorf("demo incident %q: %w", di.title, err)
			}
		}
		if di.resolution != "" {
			if err := st.ResolveIncident(ctx, by, committee, id, version, di.resolution); err != nil {
				return fmt.Errorf("demo incident %q: %w", di.title, err)
			}
		}
	}
	return nil
}
