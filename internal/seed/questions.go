package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/store"
)

// demoQuestion is a question of the demo: who asks which committee, how long before the demo's day, and
// what becomes of it: its answers (by the committee's demo member, an hour apart from a day after it was
// asked), the one the asker accepts (from 1; 0 for none), and who publishes it to the FAQ ("" for nobody).
type demoQuestion struct {
	asker, committee string
	ago              time.Duration
	title, body      string
	answers          []string
	accept           int
	publisher        string
}

// demoQuestions are questions of Marvdasht, its central district, Pasargad and Beyza to the legal and
// technology committees: answered, accepted and published ones that make the FAQ; one answered and not
// yet accepted; one open for a few hours; and one open for three days, flagged to its committee and HQ.
var demoQuestions = []demoQuestion{
	{asker: "gov.marvdasht", committee: "legal", ago: 6 * 24 * time.Hour,
		title: "مهلت اعتراض داوطلبان ردصلاحیت‌شده",
		body:  "داوطلبی که صلاحیتش در هیئت اجرایی رد شده است تا چند روز می‌تواند اعتراض کند؟\nاین مهلت از روز اعلام نتیجه شمرده می‌شود یا از فردای آن؟",
		answers: []string{
			"چهار روز.",
			"مهلت اعتراض چهار روز است و از فردای اعلام نتیجه به داوطلب شمرده می‌شود؛ اعتراض به هیئت نظارت شهرستان داده می‌شود.\nاعتراضی که پس از این مهلت برسد بررسی نمی‌شود.",
		},
		accept: 2, publisher: "hq.fars"},
	{asker: "gov.pasargad", committee: "legal", ago: 5 * 24 * time.Hour,
		title: "عضویت کارمند شهرداری در هیئت اجرایی",
		body:  "آیا کارمند شهرداری پاسارگاد می‌تواند معتمد هیئت اجرایی شهرستان باشد؟",
		answers: []string{
			"کارمندان شهرداری‌ها به سبب ارتباط با شوراها نباید در هیئت اجرایی عضو شوند؛ از معتمدان دیگر فهرست استفاده کنید.",
		},
		accept: 1, publisher: "committee.legal"},
	{asker: "dh.marvdasht-central", committee: "technology", ago: 4 * 24 * time.Hour,
		title: "ورود به سامانه ثبت‌نام با رمز یک‌بار مصرف",
		body:  "پیامک رمز یک‌بار مصرف برای برخی همکاران بخش نمی‌رسد. راه دیگری برای ورود هست؟",
		answers: []string{
			"شماره همراه ثبت‌شده در حساب را بررسی کنید؛ اگر درست است، از بخش «ارسال دوباره» پس از دو دقیقه استفاده کنید و در صورت ادامه مشکل با پشتیبانی فنی استان تماس بگیرید.",
		},
		accept: 1, publisher: "committee.technology"},
	{asker: "gov.beyza", committee: "legal", ago: 2 * 24 * time.Hour,
		title: "ملاک محاسبه سن داوطلب",
		body:  "سن داوطلب در روز ثبت‌نام سنجیده می‌شود یا در روز رأی‌گیری؟",
		answers: []string{
			"طبق قواعد ثبت‌نام همین انتخابات، سن در روز ثبت‌نام سنجیده می‌شود؛ قواعد را در صفحه قواعد ثبت‌نام ببینید.",
		}},
	{asker: "gov.marvdasht", committee: "technology", ago: 3*24*time.Hour + 2*time.Hour,
		title: "کندی سامانه در ساعات پایانی ثبت‌نام",
		body:  "در روز پایانی ثبت‌نام سامانه بسیار کند بود. برای دوره روستا تدبیری اندیشیده شده است؟"},
	{asker: "dh.marvdasht-central", committee: "legal", ago: 5 * time.Hour,
		title: "جلسه هیئت اجرایی بخش بدون نماینده دادگستری",
		body:  "اگر نماینده دادگستری در جلسه هیئت اجرایی بخش حاضر نشود، جلسه رسمی است؟"},
}

// demoQuestionsLoad asks, answers, accepts and publishes the demo's questions, dated before now, once:
// a province that has any question already is left as it is.
func demoQuestionsLoad(ctx context.Context, st *store.Store, now time.Time) error {
	hq, err := st.UserByUsername(ctx, "hq.fars")
	if err != nil {
		return err
	}
	var existing []store.Question
	var total int
	var b store.Batch
	b.Questions(auth.Scope{ProvinceID: hq.ProvinceID}, "", 1, &existing, &total)
	if err := st.Run(ctx, &b); err != nil || total > 0 {
		return err
	}
	as := func(username string) (audit.Actor, auth.Scope, error) {
		u, err := st.UserByUsername(ctx, username)
		if err != nil {
			return audit.Actor{}, auth.Scope{}, fmt.Errorf("demo question by %s: %w", username, err)
		}
		return audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"},
			auth.Scope{ProvinceID: u.ProvinceID, CountyID: u.CountyID, DistrictID: u.DistrictID, Committee: u.Committee}, nil
	}
	for _, dq := range demoQuestions {
		asker, askerScope, err := as(dq.asker)
		if err != nil {
			return err
		}
		asked := now.Add(-dq.ago)
		id, err := st.AskQuestion(ctx, asker, askerScope, store.NewQuestion{Committee: dq.committee, Title: dq.title, Body: dq.body,
			AskedAt: asked})
		if err != nil {
			return fmt.Errorf("demo question %q: %w", dq.title, err)
		}
		member, memberScope, err := as("committee." + dq.committee)
		if err != nil {
			return err
		}
		var answers []int64
		for i, body := range dq.answers {
			a, err := st.AnswerQuestionOn(ctx, member, memberScope, id, body, asked.Add(24*time.Hour+time.Duration(i)*time.Hour))
			if err != nil {
				return fmt.Errorf("demo answer to %q: %w", dq.title, err)
			}
			answers = append(answers, a)
		}
		version := 1
		if dq.accept > 0 {
			if err := st.AcceptAnswer(ctx, asker, askerScope, id, answers[dq.accept-1], version); err != nil {
				return fmt.Errorf("demo acceptance of %q: %w", dq.title, err)
			}
			version++
		}
		if dq.publisher != "" {
			publisher, publisherScope, err := as(dq.publisher)
			if err != nil {
				return err
			}
			if err := st.PublishQuestion(ctx, publisher, publisherScope, publisherScope.Committee == "", id, 0, version); err != nil {
				return fmt.Errorf("demo publication of %q: %w", dq.title, err)
			}
		}
	}
	return nil
}
