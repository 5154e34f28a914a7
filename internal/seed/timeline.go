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

// art41 is the legal reference LAW.md gives for the resignations of the holders of listed posts.
const art41 = "ماده ۴۱ قانون انتخابات شوراها"

// CouncilsTimeline is the timeline of the 7th councils election in LAW.md, as the law's milestones of
// the councils kind: offsets in days from election day, derived from the calendar announced for it.
// Rows already in the database are kept as the national HQ may have changed or retired them. What the law
// fixes for everyone (the campaign, election day) is the province's level; the deadlines LAW.md gives as
// approximate are windows from the step before them to the deadline, and say so.
var CouncilsTimeline = ofKind("councils", []store.MilestoneInput{
	{Code: "resignations-city", Level: "candidates", ConstituencyKind: "city", StartOffset: -200, EndOffset: -194, LegalRef: art41,
		TitleFa: "استعفای داوطلبان دارای سمت‌های مشمول (شهر)", TitleEn: "Resignations of candidates holding listed posts (cities)",
		DescriptionFa: "داوطلبان شوراهای شهر که در سمت‌های مشمول ماده ۴۱ هستند باید دست‌کم سه ماه پیش از ثبت‌نام استعفا دهند و استعفایشان پذیرفته شود.",
		DescriptionEn: "Candidates for city councils who hold a post listed in Article 41 must resign at least three months before registration, and have the resignation accepted."},
	{Code: "resignations-village", Level: "candidates", ConstituencyKind: "village", StartOffset: -167, EndOffset: -161, LegalRef: art41,
		TitleFa: "استعفای داوطلبان دارای سمت‌های مشمول (روستا)", TitleEn: "Resignations of candidates holding listed posts (villages)",
		DescriptionFa: "داوطلبان شوراهای روستا که در سمت‌های مشمول ماده ۴۱ هستند باید دست‌کم سه ماه پیش از ثبت‌نام استعفا دهند و استعفایشان پذیرفته شود.",
		DescriptionEn: "Candidates for village councils who hold a post listed in Article 41 must resign at least three months before registration, and have the resignation accepted."},
	{Code: "start-order-city", Level: "province", StartOffset: -134, EndOffset: -134,
		TitleFa: "دستور آغاز انتخابات شهر از سوی وزیر کشور", TitleEn: "Minister's order to start the city process",
		DescriptionFa: "دستور وزیر کشور برای آغاز انتخابات شوراهای شهر؛ مهلت تشکیل هیئت‌های اجرایی شهرستان از فردای آن شمرده می‌شود.",
		DescriptionEn: "The Minister of the Interior's order to start the city councils' election; the county executive boards' five days count from the next day."},
	{Code: "boards-county", Level: "county", Gate: "board_county", StartOffset: -133, EndOffset: -129,
		TitleFa: "تشکیل هیئت اجرایی شهرستان", TitleEn: "County executive board formed",
		DescriptionFa: "هیئت اجرایی شهرستان به ریاست فرماندار ظرف پنج روز از دستور آغاز انتخابات تشکیل می‌شود.",
		DescriptionEn: "The county executive board, chaired by the governor, is formed within five days of the order to start."},
	{Code: "registration-city", Level: "county", Gate: "registration_city", StartOffset: -110, EndOffset: -103,
		TitleFa: "ثبت‌نام داوطلبان شوراهای شهر", TitleEn: "City council candidates' registration",
		DescriptionFa: "ثبت‌نام اینترنتی داوطلبان شوراهای شهر، هفت روز، با یک روز تمدید.",
		DescriptionEn: "Online registration of candidates for the city councils: seven days, extended by one day."},
	{Code: "start-order-village", Level: "province", StartOffset: -101, EndOffset: -101,
		TitleFa: "دستور آغاز انتخابات روستا از سوی وزیر کشور", TitleEn: "Minister's order to start the village process",
		DescriptionFa: "دستور وزیر کشور برای آغاز انتخابات شوراهای روستا و عشایر؛ مهلت تشکیل هیئت‌های اجرایی بخش از فردای آن شمرده می‌شود.",
		DescriptionEn: "The Minister of the Interior's order to start the village and tribal councils' election; the district executive boards' five days count from the next day."},
	{Code: "boards-district", Level: "district", Gate: "board_district", StartOffset: -100, EndOffset: -96,
		TitleFa: "تشکیل هیئت اجرایی بخش", TitleEn: "District executive board formed",
		DescriptionFa: "هیئت اجرایی بخش به ریاست بخشدار ظرف پنج روز از دستور آغاز انتخابات روستا تشکیل می‌شود.",
		DescriptionEn: "The district executive board, chaired by the district head, is formed within five days of the order to start the village process."},
	{Code: "review-city", Level: "county", StartOffset: -102, EndOffset: -80,
		TitleFa: "بررسی صلاحیت داوطلبان شهر در هیئت اجرایی و ارسال پرونده‌ها به هیئت نظارت", TitleEn: "City candidates reviewed by the executive board, files sent to the supervision board",
		DescriptionFa: "از پایان ثبت‌نام تا حدود ۸۰ روز پیش از روز رأی‌گیری (مهلتی تقریبی در تقویم اعلام‌شده).",
		DescriptionEn: "From the end of registration to about 80 days before election day (an approximate deadline in the announced calendar)."},
	{Code: "registration-village", Level: "district", Gate: "registration_village", StartOffset: -77, EndOffset: -71,
		TitleFa: "ثبت‌نام داوطلبان شوراهای روستا و عشایر", TitleEn: "Village and tribal council candidates' registration",
		DescriptionFa: "ثبت‌نام داوطلبان شوراهای روستا و عشایر، هفت روز.",
		DescriptionEn: "Registration of candidates for the village and tribal councils: seven days."},
	{Code: "supervision-review", Level: "county", StartOffset: -79, EndOffset: -69,
		TitleFa: "پایان مهلت بررسی هیئت‌های نظارت (شهرهای زیر ۲۰۰ هزار نفر)", TitleEn: "Supervision boards' review deadline (cities under 200,000)",
		DescriptionFa: "هیئت‌های نظارت پرونده‌های داوطلبان شهرهای کمتر از ۲۰۰ هزار نفر را تا این روز بررسی می‌کنند.",
		DescriptionEn: "The supervision boards review the files of the candidates of cities under 200,000 people by this day."},
	{Code: "objections", Level: "county", Gate: "objection", StartOffset: -68, EndOffset: -65,
		TitleFa: "اعلام نتایج به فرمانداران و مهلت اعتراض داوطلبان", TitleEn: "Results to the governors; candidates' objections",
		DescriptionFa: "نتیجه بررسی صلاحیت به فرمانداران اعلام می‌شود و داوطلبان رد صلاحیت‌شده چهار روز برای اعتراض فرصت دارند.",
		DescriptionEn: "The results of the review go to the governors, and disqualified candidates have four days to object."},
	{Code: "constituency-change", Level: "candidates", Gate: "constituency_change", StartOffset: -110, EndOffset: -15,
		TitleFa: "تغییر حوزه انتخابیه داوطلب", TitleEn: "Candidate's change of constituency",
		DescriptionFa: "داوطلب یک بار و تنها در همان شهرستان می‌تواند حوزه انتخابیه خود را تغییر دهد، تا ۱۵ روز پیش از روز رأی‌گیری.",
		DescriptionEn: "A candidate may change constituency once, within the county, until 15 days before election day."},
	{Code: "campaign", Level: "province", StartOffset: -8, EndOffset: -1,
		TitleFa: "تبلیغات انتخاباتی", TitleEn: "Campaign period",
		DescriptionFa: "تبلیغات داوطلبان تا ۲۴ ساعت پیش از آغاز رأی‌گیری.",
		DescriptionEn: "The candidates' campaign, ending 24 hours before voting starts."},
	{Code: "election-day", Level: "province", StartOffset: 0, EndOffset: 0,
		TitleFa: "روز رأی‌گیری", TitleEn: "Election day",
		DescriptionFa: "رأی‌گیری دست‌کم ده ساعت؛ تمدید با موافقت هیئت‌های اجرایی و نظارت شهرستان.",
		DescriptionEn: "Voting for at least ten hours; extended with the agreement of both county boards."},
	{Code: "complaints", Level: "county", StartOffset: 1, EndOffset: 8,
		TitleFa: "شکایت از نتایج و رسیدگی به آن", TitleEn: "Complaints about the results",
		DescriptionFa: "شکایت از نتایج ظرف دو روز و رسیدگی به آن ظرف پنج روز.",
		DescriptionEn: "Complaints about the results within two days, decided within five days."},
	{Code: "term-start", Level: "province", StartOffset: 48, EndOffset: 48,
		TitleFa: "آغاز دوره شوراهای جدید", TitleEn: "The new councils' term starts",
		DescriptionFa: "آغاز به کار شوراهای منتخب.", DescriptionEn: "The elected councils start their term."},
})

// ofKind gives the milestones of a kind's timeline their kind, and their positions in the order listed.
func ofKind(kind string, ms []store.MilestoneInput) []store.MilestoneInput {
	for i := range ms {
		ms[i].Kind, ms[i].Position = kind, i+1
	}
	return ms
}

// demoMilestones are the Fars HQ's administrative milestones of the demo, their windows set from the day
// the demo is first loaded: one ends in two days, one stays open for weeks.
func demoMilestones(today, electionDay time.Time) []store.MilestoneInput {
	off := int(today.Sub(electionDay).Hours() / 24) // today, in days from election day
	clamp := func(n int) int { return max(-400, min(400, n)) }
	return []store.MilestoneInput{
		{Kind: "councils", Code: "demo-polling-stations", Level: "county", StartOffset: clamp(off - 12), EndOffset: clamp(off + 2), Position: 1,
			TitleFa: "ارسال فهرست شعب اخذ رأی پیشنهادی به ستاد استان", TitleEn: "Proposed polling stations sent to the provincial HQ",
			DescriptionFa: "فهرست شعب ثابت و سیار هر شهرستان با نشانی و تعداد صندوق‌ها.",
			DescriptionEn: "Each county's fixed and mobile polling stations, with their addresses and number of ballot boxes."},
		{Kind: "councils", Code: "demo-training", Level: "county", StartOffset: clamp(off - 7), EndOffset: clamp(off + 28), Position: 2,
			TitleFa: "آموزش عوامل اجرایی شعب", TitleEn: "Training of the polling stations' staff",
			DescriptionFa: "دوره‌های آموزشی کمیته آموزش برای عوامل اجرایی همه شعب شهرستان.",
			DescriptionEn: "The training committee's courses for the staff of every polling station of the county."},
	}
}

// demoMark is a mark of the demo: a milestone (by code) done at a county ("" for the province), by the
// county's governor where the demo has one, else by the HQ.
type demoMark struct {
	code, county, note string
}

// demoMarks leave every status in sight across Fars: the law's past milestones done in some counties and
// overdue in the others, the administrative ones due within days in most and done in a few, open for
// weeks in others, the rest upcoming.
var demoMarks = []demoMark{
	{"start-order-city", "", "ابلاغ شد"},
	{"start-order-village", "", "ابلاغ شد"},
	{"boards-county", "marvdasht", "صورت‌جلسه تشکیل ارسال شد"},
	{"boards-county", "shiraz", ""},
	{"boards-county", "pasargad", ""},
	{"boards-county", "kazerun", ""},
	{"registration-city", "shiraz", ""},
	{"registration-city", "pasargad", "بدون مشکل فنی"},
	{"registration-city", "arsanjan", ""},
	{"registration-city", "beyza", ""},
	{"registration-city", "kazerun", ""},
	{"demo-polling-stations", "shiraz", ""},
	{"demo-polling-stations", "pasargad", "فهرست ۴۲ شعبه"},
	{"demo-training", "arsanjan", "همه عوامل آموزش دیدند"},
}

// demoTimelineLoad adds the Fars HQ's administrative milestones to the current election's kind and marks
// the demo's milestones done, through the same store calls as the pages, as the governors and the HQ. A
// milestone or a mark already there is left as it is.
func demoTimelineLoad(ctx context.Context, st *store.Store, now time.Time) error {
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
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, m := range demoMilestones(today, e.ElectionDay) {
		if _, err := st.AddMilestone(ctx, hq, fars, m); err != nil && !errors.Is(err, store.ErrExists) {
			return fmt.Errorf("demo milestone %s: %w", m.Code, err)
		}
	}
	ms, err := st.Milestones(ctx, fars, e.ID)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, m := range ms {
		ids[m.Code] = m.ID
	}
	counties, err := st.Counties(ctx, fars)
	if err != nil {
		return err
	}
	countyIDs := map[string]int64{}
	for _, c := range counties {
		countyIDs[c.Code] = c.ID
	}
	for _, k := range demoMarks {
		id, ok := ids[k.code]
		if !ok {
			continue // retired or changed by its keeper
		}
		who, sc := hq, fars
		if k.county != "" {
			if u, err := st.UserByUsername(ctx, "gov."+k.county); err == nil {
				who = audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"}
				sc = auth.Scope{ProvinceID: u.ProvinceID, CountyID: u.CountyID}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		err := st.MarkDone(ctx, who, sc, e.ID, id, countyIDs[k.county], 0, k.note)
		if err != nil && !errors.Is(err, store.ErrAlreadyDone) {
			return fmt.Errorf("demo mark %s %s: %w", k.code, k.county, err)
		}
	}
	return nil
}
