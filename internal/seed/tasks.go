package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/taskflow"
)

// demoTask is a task the demo committees assign, days from the day the demo is loaded, and the moves its
// places' users make of their copies.
type demoTask struct {
	committee string // the demo member's user name
	title     string
	body      string
	due       int // days from today; negative: overdue
	counties  []string
	districts bool
	moves     []demoMove
}

// demoMove is a place's user moving his copy: the governor of a county, or a district head by user name.
type demoMove struct {
	user   string
	status string
	note   string
}

// demoTasks show every state of a copy and every lateness: overdue and untouched, overdue and blocked,
// due soon, on time, done.
var demoTasks = []demoTask{
	{committee: "committee.technology", title: "آزمایش اتصال سامانه ثبت‌نام داوطلبان در فرمانداری",
		body: "اتصال رایانه‌های ثبت‌نام به شبکه ملی را آزمایش کنید:\n\n- سرعت و پایداری خط اینترنت و خط پشتیبان\n" +
			"- ورود کارشناسان با کارت هوشمند\n- چاپ رسید ثبت‌نام\n\nنتیجه را با **نام کارشناس مسئول** گزارش دهید.",
		due:       -4,
		counties:  []string{"marvdasht", "pasargad", "arsanjan", "beyza"},
		districts: true,
		moves: []demoMove{
			{"gov.marvdasht", taskflow.InProgress, "کارشناس فناوری فرمانداری مأمور شد."},
			{"gov.marvdasht", taskflow.Blocked, "خط اینترنت پشتیبان هنوز وصل نشده است؛ پیگیری از مخابرات."},
			{"gov.pasargad", taskflow.Done, "آزمایش انجام شد؛ سرعت و پایداری مناسب بود."},
			{"dh.marvdasht-central", taskflow.InProgress, ""},
		}},
	{committee: "committee.technology", title: "فهرست رایانه‌ها و چاپگرهای شعب اخذ رأی",
		body:     "برای هر شعبه، تعداد رایانه، چاپگر و دستگاه احراز هویت موجود و کسری را در جدول پیوست وارد کنید.",
		due:      2,
		counties: []string{"marvdasht", "pasargad"},
		moves: []demoMove{
			{"gov.pasargad", taskflow.InProgress, "نیمی از شعب بررسی شد."},
		}},
	{committee: "committee.legal", title: "معرفی نماینده حقوقی فرمانداری به کمیته حقوقی",
		body: "نام و شماره تماس کارشناس حقوقی که به پرسش‌های هیئت اجرایی پاسخ می‌دهد را اعلام کنید.",
		due:  -10,
		moves: []demoMove{{"gov.marvdasht", taskflow.Done, "آقای کریمی، کارشناس حقوقی، معرفی شد."},
			{"gov.beyza", taskflow.Done, ""}, {"gov.shiraz", taskflow.Done, "خانم حافظی، کارشناس حقوقی، معرفی شد."}}},
	{committee: "committee.legal", title: "بررسی صورت‌جلسه‌های تشکیل هیئت‌های اجرایی بخش",
		body:      "صورت‌جلسه تشکیل هیئت اجرایی هر بخش را با ماده‌های قانون تطبیق دهید و ایرادها را گزارش کنید.",
		due:       12,
		counties:  []string{"marvdasht"},
		districts: true,
	},
}

// demoTasksLoad assigns the demo tasks from the demo committees' members and moves their copies as their
// places' users would. A task whose title its province already has is left as it is, so the demo loads
// again without adding them twice.
func demoTasksLoad(ctx context.Context, st *store.Store, now time.Time) error {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, dt := range demoTasks {
		member, err := st.UserByUsername(ctx, dt.committee)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		sc := auth.Scope{ProvinceID: member.ProvinceID, Committee: member.Committee}
		var have []store.TaskSummary
		var total int
		var b store.Batch
		b.Tasks(auth.Scope{ProvinceID: member.ProvinceID}, today, store.TaskFilter{Committee: member.Committee, Limit: 1000}, &have, &total)
		if err := st.Run(ctx, &b); err != nil {
			return err
		}
		if slices.ContainsFunc(have, func(t store.TaskSummary) bool { return t.Title == dt.title }) {
			continue
		}
		a := audience.Audience{Province: len(dt.counties) == 0, Counties: dt.counties, WithDistricts: dt.districts}
		id, err := st.AssignTask(ctx, audit.Actor{ID: member.ID, Name: member.Username, Remote: "seed"}, sc,
			store.NewTask{Title: dt.title, Body: dt.body, DueDate: today.AddDate(0, 0, dt.due), Audience: a})
		if err != nil {
			return fmt.Errorf("demo task %q: %w", dt.title, err)
		}
		for _, m := range dt.moves {
			if err := demoTaskMove(ctx, st, id, m); err != nil {
				return fmt.Errorf("demo task %q, %s: %w", dt.title, m.user, err)
			}
		}
	}
	return nil
}

// demoTaskMove moves the copy of a task at the user's place.
func demoTaskMove(ctx context.Context, st *store.Store, task int64, m demoMove) error {
	u, err := st.UserByUsername(ctx, m.user)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	sc := auth.Scope{ProvinceID: u.ProvinceID, CountyID: u.CountyID, DistrictID: u.DistrictID}
	d, err := st.Task(ctx, sc, task)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(d.Assignees, func(a store.TaskAssignee) bool { return a.DistrictID == u.DistrictID })
	if i < 0 {
		return nil
	}
	c := d.Assignees[i]
	return st.ChangeTaskStatus(ctx, audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"}, sc, task, c.ID, c.Version, m.status, m.note)
}
