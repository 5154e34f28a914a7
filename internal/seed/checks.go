package seed

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
)

// demoCheck is a readiness check of the demo, its days counted from the demo's day, and which of its
// place-days were filed (a condition on the place's county code c, district code d — ” for a county
// itself — and the day's number n from the check's first, in SQL).
type demoCheck struct {
	def        store.CheckDef
	from, to   int
	filedWhere string
}

// demoChecks are a check due four days ago that most counties filed and two missed; a daily check over
// the last ten days and the next ten, that most counties filed every day, a third of them missing every
// third day and two none, Marvdasht one day; and a daily one of the last five days and the next five that
// the districts file too, a quarter of the districts none of it.
var demoChecks = []demoCheck{
	{def: store.CheckDef{Title: "سامانه ثبت‌نام آزمایش شد", Cadence: store.CadenceOnce,
		Items: []string{"ورود کاربران فرمانداری به سامانه آزموده شد", "یک داوطلب آزمایشی ثبت و حذف شد", "رسید ثبت‌نام چاپ شد"}},
		from: -4, to: -4, filedWhere: `d = '' AND c NOT IN ('arsanjan', 'beyza')`},
	{def: store.CheckDef{Title: "کاربران آموزش دیدند", Cadence: store.CadenceDaily,
		Items: []string{"کاربران تازه سامانه آموزش دیدند", "راهنمای سامانه در دسترس کاربران است"}},
		from: -10, to: 10, filedWhere: `d = '' AND c NOT IN ('arsanjan', 'beyza') AND NOT (abs(hashtext(c)) % 3 = 0 AND n % 3 = 1)
			AND NOT (c = 'marvdasht' AND n = 8)`},
	{def: store.CheckDef{Title: "اتصال شبکه شعبه‌های اخذ رأی بررسی شد", Cadence: store.CadenceDaily, IncludeDistricts: true,
		Items: []string{"اتصال اینترنت شعبه‌ها برقرار است", "برق اضطراری شعبه‌ها آماده است"}},
		from: -5, to: 5, filedWhere: `(d = '' OR abs(hashtext(d)) % 4 <> 0) AND NOT (d = 'marvdasht-dorudzan' AND n = 4)`},
}

// demoChecksLoad defines the demo's readiness checks for the current election once (a province that has
// checks keeps them) and files their days before today as demoChecks says, in one statement per check,
// each place's filing by its governor or district head where the demo has one (else by HQ), every item
// answered, one in six not done with a note.
func demoChecksLoad(ctx context.Context, st *store.Store, now time.Time) error {
	hq, err := st.UserByUsername(ctx, "hq.fars")
	if err != nil {
		return err
	}
	e, err := st.CurrentElection(ctx)
	if err != nil {
		return err
	}
	fars, today := hq.Principal().Scope, timeline.Today(now)
	if cs, err := st.Checks(ctx, fars, e.ID, today, false); err != nil || len(cs) > 0 {
		return err
	}
	who := audit.Actor{ID: hq.ID, Name: hq.Username, Remote: "seed"}
	ids := make([]int64, len(demoChecks))
	for i, c := range demoChecks {
		d := c.def
		if d.Cadence == store.CadenceOnce {
			d.DueDate = today.AddDate(0, 0, c.from)
		} else {
			d.StartsOn, d.EndsOn = today.AddDate(0, 0, c.from), today.AddDate(0, 0, c.to)
		}
		if ids[i], err = st.DefineCheck(ctx, who, fars, e.ID, d); err != nil {
			return err
		}
	}
	return audit.Write(ctx, st.Pool(), who, func(tx pgx.Tx) ([]audit.Entry, error) {
		var entries []audit.Entry
		for i, c := range demoChecks {
			var filed int
			err := tx.QueryRow(ctx, `
				WITH k AS (SELECT id, province_id, coalesce(due_date, starts_on) AS first_day, coalesce(due_date, ends_on) AS last_day
				           FROM readiness_checks WHERE id = $1),
				places AS (
					SELECT c.id AS county_id, NULL::bigint AS district_id, c.code AS c, ''::text AS d FROM counties c, k WHERE c.province_id = k.province_id
					UNION ALL
					SELECT c.id, dd.id, c.code, dd.code FROM districts dd JOIN counties c ON c.id = dd.county_id, k
					WHERE c.province_id = k.province_id AND (SELECT include_districts FROM readiness_checks WHERE id = $1)),
				days AS (SELECT g::date AS day, (g::date - k.first_day) AS n FROM k, generate_series(k.first_day, least(k.last_day, $2::date - 1), interval '1 day') g),
				f AS (
					INSERT INTO readiness_filings (check_id, province_id, county_id, district_id, day, filed_by, filed_at)
					SELECT $1, k.province_id, p.county_id, p.district_id, days.day,
					       coalesce((SELECT u.id FROM users u WHERE u.county_id = p.county_id AND u.district_id IS NOT DISTINCT FROM p.district_id
					                   AND u.role IN ('governor', 'district_head') ORDER BY u.id LIMIT 1), $3),
					       (days.day + time '10:00') AT TIME ZONE 'Asia/Tehran'
					FROM k, places p, days
					WHERE `+c.filedWhere+`
					RETURNING id),
				a AS (
					INSERT INTO readiness_answers (filing_id, check_id, item_id, ok, note)
					SELECT f.id, $1, i.id, abs(hashtext(f.id || ' ' || i.id)) % 6 <> 0,
					       CASE WHEN abs(hashtext(f.id || ' ' || i.id)) % 6 = 0 THEN 'در حال پیگیری با کمیته فناوری' ELSE '' END
					FROM f, readiness_items i WHERE i.check_id = $1)
				SELECT count(*) FROM f`, ids[i], today, hq.ID).Scan(&filed)
			if err != nil {
				return nil, err
			}
			entries = append(entries, audit.Entry{Action: "readiness.file", Entity: "readiness_check", EntityID: strconv.FormatInt(ids[i], 10),
				ProvinceID: fars.ProvinceID, Detail: map[string]any{"rows": filed}})
		}
		return entries, nil
	})
}
