package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// demoTraining is a session of the demo: its committee's member who schedules it, when (days from the
// demo's day, at a Tehran time), the places that confirm (by their users) and the attendance recorded
// after it, by the invitee's county and district codes.
type demoTraining struct {
	by        string
	title     string
	days      int
	hour, min int
	place     string
	audience  audience.Audience
	confirm   []string
	attended  map[[2]string]demoAttendance
	pdf       string // the name of its material, a small PDF; "" for none
}

type demoAttendance struct {
	yes   bool
	n     int
	names string
}

// demoTrainings are a session held ten days ago with its attendance recorded (some places absent, some
// not told), and two to come, some of their places confirmed, one with a PDF as its material.
var demoTrainings = []demoTraining{
	{by: "committee.training", title: "آموزش قانون انتخابات شوراها و برنامه زمان‌بندی", days: -10, hour: 9, min: 0,
		place:    "سالن اجتماعات استانداری فارس، شیراز",
		audience: audience.Audience{Counties: []string{"arsanjan", "beyza", "kazerun", "marvdasht", "pasargad", "shiraz"}, WithDistricts: true},
		confirm:  []string{"gov.marvdasht", "gov.pasargad", "gov.arsanjan", "dh.marvdasht-central", "gov.shiraz"},
		attended: map[[2]string]demoAttendance{
			{"marvdasht", ""}:                   {yes: true, n: 3, names: "علی رضایی، مینا کرمی، حمید صالحی"},
			{"marvdasht", "marvdasht-central"}:  {yes: true, n: 2, names: "زهرا محمدی، کاظم یزدانی"},
			{"pasargad", ""}:                    {yes: true, n: 2},
			{"arsanjan", ""}:                    {yes: false},
			{"marvdasht", "marvdasht-dorudzan"}: {yes: false},
			{"shiraz", ""}:                      {yes: true, n: 4},
			{"shiraz", "shiraz-central"}:        {yes: true, n: 2},
			{"kazerun", ""}:                     {yes: true, n: 1},
			{"kazerun", "kazerun-central"}:      {yes: true, n: 1},
		}},
	{by: "committee.technology", title: "کار با سامانه ثبت‌نام داوطلبان", days: 7, hour: 10, min: 30,
		place:    "https://meet.fars-setad.example/technology",
		audience: audience.Audience{Province: true},
		confirm:  []string{"gov.marvdasht", "gov.beyza"},
		pdf:      "راهنمای-ثبت‌نام-داوطلبان.pdf"},
	{by: "committee.legal", title: "پرسش‌های حقوقی تشکیل هیئت‌های اجرایی بخش", days: 14, hour: 14, min: 0,
		place:    "فرمانداری مرودشت، سالن شهید بهشتی",
		audience: audience.Audience{Counties: []string{"marvdasht"}, WithDistricts: true},
		confirm:  []string{"dh.marvdasht-central"}},
}

// demoTrainingsLoad schedules the demo's sessions once: a province that has sessions already keeps them.
func demoTrainingsLoad(ctx context.Context, st *store.Store, now time.Time) error {
	hq, err := st.UserByUsername(ctx, "hq.fars")
	if err != nil {
		return err
	}
	fars := hq.Principal().Scope
	if ts, err := st.Trainings(ctx, fars); err != nil || len(ts) > 0 {
		return err
	}
	t := now.In(i18n.Tehran)
	for _, d := range demoTrainings {
		u, err := st.UserByUsername(ctx, d.by)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		who, sc := audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"}, u.Principal().Scope
		day := t.AddDate(0, 0, d.days)
		starts := time.Date(day.Year(), day.Month(), day.Day(), d.hour, d.min, 0, 0, i18n.Tehran)
		var files []store.NewAttachment
		if d.pdf != "" {
			files = append(files, demoPDFAttachment(d.pdf))
		}
		id, err := st.ScheduleTraining(ctx, who, sc, store.NewTraining{Title: d.title, StartsAt: starts, Place: d.place, Audience: d.audience},
			files)
		if err != nil {
			return fmt.Errorf("demo training %q: %w", d.title, err)
		}
		for _, name := range d.confirm {
			c, err := st.UserByUsername(ctx, name)
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if err := st.ConfirmTraining(ctx, audit.Actor{ID: c.ID, Name: c.Username, Remote: "seed"}, c.Principal().Scope, id); err != nil {
				return fmt.Errorf("demo confirmation of %q by %s: %w", d.title, name, err)
			}
		}
		if len(d.attended) == 0 {
			continue
		}
		tr, is, err := st.Training(ctx, fars, id)
		if err != nil {
			return err
		}
		var rows []store.Attendance
		for _, i := range is {
			a, ok := d.attended[[2]string{i.CountyCode, i.DistrictCode}]
			if !ok {
				continue
			}
			row := store.Attendance{InviteeID: i.ID, Attended: &a.yes, Names: a.names}
			if a.n > 0 {
				row.Attendees = &a.n
			}
			rows = append(rows, row)
		}
		if err := st.RecordAttendance(ctx, who, sc, id, tr.Version, rows); err != nil {
			return fmt.Errorf("demo attendance of %q: %w", d.title, err)
		}
	}
	return nil
}
