package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

// Synthetic candidates exist to measure Setad at country scale (`setad seed --synthetic 300000`): they are
// invented people, never load them into a database that holds a real election. Each has a sequence number
// of eight digits: its tracking ID is SYN- and that number, its national ID 9, that number and the check
// digit. Running the load again adds as many more, numbered after the largest synthetic tracking ID
// already in the database, so their national IDs never repeat.
//
// The rows are written with COPY in batches of syntheticBatch, each batch in its own transaction, and
// the load as a whole is audited once (action candidate.synthetic); the rows skip RegisterCandidate, so
// they have no per-candidate audit row, no candidate_events history and no registered_by. They are counted
// in the summary candidate_counts like any others: its triggers see each COPY.
const (
	SyntheticElection = "synthetic" // code of the election created when none is current
	syntheticMaxSeq   = 99_999_999
)

// syntheticBatch is the number of rows per COPY and per transaction; tests make it smaller.
var syntheticBatch = 10_000

// SyntheticResult says what Synthetic loaded.
type SyntheticResult struct {
	Election          store.Election
	ElectionCreated   bool // no election was current, so the synthetic one was created
	Rows              int
	FirstSeq, LastSeq int
}

// ErrRealCandidates refuses a synthetic load into an election that holds candidates of its own.
var ErrRealCandidates = errors.New("the current election has real (non-synthetic) candidates")

// Synthetic adds n synthetic candidates to the current election, spread over every county (as a city
// constituency) and district (as a village constituency) in the database. When no election is current it
// creates a current councils election, code "synthetic", about 90 days after now. Unless force is set, it
// refuses with ErrRealCandidates, loading nothing, when the current election already has candidates that
// are not synthetic. It leaves the table vacuumed and analysed, so the query plans at once reflect the
// new rows. The reference data must be loaded first.
func Synthetic(ctx context.Context, st *store.Store, n int, now time.Time, force bool) (SyntheticResult, error) {
	return synthetic(ctx, st, n, now, force, nil)
}

// synthetic is Synthetic, telling report (when not nil) how many rows are loaded after each batch.
func synthetic(ctx context.Context, st *store.Store, n int, now time.Time, force bool, report func(done, total int)) (SyntheticResult, error) {
	var res SyntheticResult
	if n < 0 {
		return res, fmt.Errorf("synthetic: %d candidates", n)
	}
	if n == 0 {
		return res, nil
	}
	e, created, err := syntheticElection(ctx, st, now)
	if err != nil {
		return res, err
	}
	res.Election, res.ElectionCreated = e, created
	pool := st.Pool()
	if !force {
		var real int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM candidates
			WHERE election_id = $1 AND tracking_id !~ '^SYN-[0-9]{8}$'`, e.ID).Scan(&real); err != nil {
			return res, fmt.Errorf("synthetic: counting real candidates: %w", err)
		}
		if real > 0 {
			return res, fmt.Errorf("synthetic: %w (%d in %s); add --force to load synthetic ones beside them", ErrRealCandidates, real, e.Code)
		}
	}
	places, err := st.Constituencies(ctx, auth.Scope{})
	if err != nil {
		return res, err
	}
	if len(places) == 0 {
		return res, errors.New("synthetic: no counties or districts; load the reference data first")
	}
	var last int
	if err := pool.QueryRow(ctx, `SELECT coalesce(max(substr(tracking_id, 5)::int), 0) FROM candidates
		WHERE tracking_id ~ '^SYN-[0-9]{8}$'`).Scan(&last); err != nil {
		return res, fmt.Errorf("synthetic: last sequence number: %w", err)
	}
	if last+n > syntheticMaxSeq {
		return res, fmt.Errorf("synthetic: %d more would pass the last synthetic national ID (%d loaded)", n, last)
	}
	res.FirstSeq, res.LastSeq = last+1, last
	g := newGenerator(uint64(last+1), e, places, now)

	var loadErr error
	rows := make([][]any, 0, syntheticBatch)
	for done := 0; done < n; {
		size := min(syntheticBatch, n-done)
		rows = rows[:0]
		for i := range size {
			rows = append(rows, g.row(last+done+i+1, done+i, n))
		}
		loadErr = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"candidates"}, syntheticColumns, pgx.CopyFromRows(rows))
			return err
		})
		if loadErr != nil {
			loadErr = fmt.Errorf("synthetic: rows %d to %d: %w", done+1, done+size, loadErr)
			break
		}
		done += size
		res.Rows, res.LastSeq = done, last+done
		if report != nil {
			report(done, n)
		}
	}
	// One audit row for what was committed, even when a later batch failed.
	if res.Rows > 0 {
		detail := map[string]any{"rows": res.Rows, "election": e.Code,
			"note": "synthetic candidates for load measurement only"}
		if loadErr != nil {
			detail["incomplete"] = true
		}
		err := audit.Write(ctx, pool, audit.System, func(pgx.Tx) ([]audit.Entry, error) {
			return []audit.Entry{{Action: "candidate.synthetic", Entity: "election",
				EntityID: strconv.FormatInt(e.ID, 10), Detail: detail}}, nil
		})
		if err != nil {
			return res, errors.Join(loadErr, fmt.Errorf("synthetic: audit: %w", err))
		}
	}
	if loadErr != nil {
		return res, loadErr
	}
	// VACUUM moves the trigram index's pending entries into the index proper and sets the visibility map;
	// ANALYZE gives the planner the new numbers, of the candidates and of their summary by place and status.
	// Autovacuum would do both, but some time later.
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) candidates, candidate_counts`); err != nil {
		return res, fmt.Errorf("synthetic: vacuum: %w", err)
	}
	return res, nil
}

// syntheticElection returns the current election, creating the synthetic one if none is current.
func syntheticElection(ctx context.Context, st *store.Store, now time.Time) (store.Election, bool, error) {
	e, err := st.CurrentElection(ctx)
	if err == nil {
		return e, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return e, false, err
	}
	day := now.AddDate(0, 0, 90)
	for day.Weekday() != time.Friday {
		day = day.AddDate(0, 0, 1)
	}
	_, err = st.AddElection(ctx, audit.System, store.NewElection{
		Code: SyntheticElection, Kind: "councils",
		TitleFa:     "انتخابات شوراهای اسلامی شهر و روستا (داده ساختگی برای سنجش بار)",
		TitleEn:     "City and village councils election (synthetic data for load measurement)",
		ElectionDay: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC),
		Current:     true,
	})
	if errors.Is(err, store.ErrExists) {
		return e, false, fmt.Errorf("synthetic: election %q exists but no election is current; make one current first", SyntheticElection)
	}
	if err != nil {
		return e, false, fmt.Errorf("synthetic: election: %w", err)
	}
	e, err = st.CurrentElection(ctx)
	return e, true, err
}

var syntheticColumns = []string{"election_id", "province_id", "county_id", "district_id", "full_name", "name_norm",
	"father_name", "national_id", "gender", "birth_date", "education", "occupation", "phone", "tracking_id", "veteran",
	"military_service", "listed_post", "certificate_date", "resignation_date", "status", "announced_at", "created_at",
	"updated_at", "city_id"}

// Persian names, the common ones first so searches for them match many rows, as they would in real data.
var (
	maleNames = []string{"علی", "محمد", "حسین", "رضا", "مهدی", "حسن", "احمد", "محمود", "جواد", "مجید", "امیر",
		"سعید", "حمید", "مصطفی", "مرتضی", "ابراهیم", "اسماعیل", "عباس", "جعفر", "صادق", "هادی", "محسن", "مسعود",
		"مجتبی", "علیرضا", "محمدرضا", "امیرحسین", "حمیدرضا", "غلامرضا", "اکبر", "اصغر", "ناصر", "منصور", "بهروز",
		"فرهاد", "کیوان", "داریوش", "کوروش", "بهرام", "پرویز", "سیروس", "یعقوب", "ایمان", "وحید", "نادر", "کریم",
		"رحیم", "قاسم", "موسی", "یحیی", "سجاد", "میلاد", "پیمان", "بابک", "آرش", "روح‌الله", "عبدالله", "کاظم",
		"یوسف", "ابوالفضل"}
	femaleNames = []string{"زهرا", "فاطمه", "مریم", "سارا", "نرگس", "لیلا", "سمیه", "الهام", "معصومه", "زینب",
		"مهسا", "نازنین", "شیرین", "پریسا", "مینا", "فرزانه", "ریحانه", "سمانه", "طاهره", "اکرم", "اعظم", "منیژه",
		"شهلا", "ژیلا", "کبری", "رقیه", "سکینه", "آمنه", "فرشته", "نسرین", "پروین", "ملیحه", "راضیه", "مرضیه",
		"هانیه", "یاسمن", "نگار", "آزاده", "مهناز", "فریبا", "کیمیا", "بهاره", "ساناز", "طیبه", "عاطفه", "نیلوفر",
		"هدی", "محدثه"}
	familyNames = []string{"رضایی", "احمدی", "محمدی", "حسینی", "کریمی", "موسوی", "جعفری", "صادقی", "نوری", "کاظمی",
		"رحیمی", "قاسمی", "شریفی", "فرهادی", "اکبری", "مرادی", "زارعی", "سلطانی", "باقری", "یزدانی", "حیدری",
		"نظری", "کرمی", "عباسی", "طاهری", "ملکی", "اسدی", "رستمی", "جمالی", "شیرازی", "کازرونی", "فسایی", "جهرمی",
		"لاری", "استهباناتی", "نی‌ریزی", "اقلیدی", "حسین‌زاده", "علی‌زاده", "قربانی", "نجفی", "امینی", "افشار",
		"بهرامی", "پورمحمدی", "خسروی", "دهقان", "رنجبر", "زمانی", "سبحانی", "شجاعی", "صفری", "ضیایی", "عسگری",
		"غفاری", "فتحی", "قنبری", "کشاورز", "گودرزی", "لطفی", "مختاری", "نیک‌نام", "وکیلی", "هاشمی", "یگانه",
		"توکلی", "ثابتی", "جلالی", "چراغی", "خلیلی", "درویشی", "ذوالفقاری", "رئیسی", "سلیمانی", "شاکری", "صالحی",
		"طالبی", "عزیزی", "فاضلی", "قادری", "کامرانی", "گلستانی", "محمودی", "نصیری", "وحیدی", "هوشمند", "یوسفی",
		"آقایی", "ابراهیمی", "اسماعیلی", "بابایی", "پاکزاد", "تقوی", "جوادی", "حسنی", "خادمی", "دانشور", "رحمانی",
		"میرزایی", "انصاری"}
	occupations = []string{"کارمند", "معلم", "کشاورز", "آزاد", "مهندس", "پزشک", "دانشجو", "خانه‌دار", "بازنشسته",
		"کاسب", "راننده", "وکیل", "پرستار", "دامدار", "کارگر"}
)

// weighted is a value with its share of the rows.
type weighted struct {
	value  string
	weight int
}

// syntheticStatuses spread the rows over the lifecycle, as in the weeks after registration closes.
var syntheticStatuses = []weighted{
	{candidacy.Registered, 18}, {candidacy.UnderReview, 14}, {candidacy.ExecApproved, 12}, {candidacy.ExecRejected, 4},
	{candidacy.SupervisionReview, 10}, {candidacy.PreliminaryAnnounced, 10}, {candidacy.ObjectionFiled, 3},
	{candidacy.ObjectionAccepted, 1}, {candidacy.ObjectionRejected, 2}, {candidacy.FinalQualified, 16},
	{candidacy.FinalDisqualified, 5}, {candidacy.Withdrawn, 5},
}

var syntheticEducation = []weighted{
	{eligibility.Literate, 5}, {eligibility.Diploma, 30}, {eligibility.Associate, 15}, {eligibility.Bachelor, 30},
	{eligibility.Master, 15}, {eligibility.Doctorate, 5},
}

var syntheticService = []weighted{
	{eligibility.ServiceCompleted, 70}, {eligibility.ServiceExempt, 25}, {eligibility.ServiceNone, 4},
	{eligibility.ServiceServing, 1},
}

// announced are the statuses after the preliminary announcement, which carry its time.
var announced = map[string]bool{candidacy.PreliminaryAnnounced: true, candidacy.ObjectionFiled: true,
	candidacy.ObjectionAccepted: true, candidacy.ObjectionRejected: true, candidacy.FinalQualified: true,
	candidacy.FinalDisqualified: true}

func pick(r *rand.Rand, ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.weight {
			return w.value
		}
		n -= w.weight
	}
	return ws[len(ws)-1].value
}

// arabic writes a name as typed on an Arabic keyboard: ي for ی and ك for ک, which Normalize folds back.
var arabic = strings.NewReplacer("ی", "ي", "ک", "ك")

// generator makes the rows of one load, reproducibly from its first sequence number.
type generator struct {
	r        *rand.Rand
	e        store.Election
	places   []store.Constituency
	now      time.Time
	today    time.Time
	announce time.Time
}

func newGenerator(seed uint64, e store.Election, places []store.Constituency, now time.Time) *generator {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return &generator{r: rand.New(rand.NewPCG(seed, 0x5e7ad)), e: e, places: places, now: now, today: today,
		announce: now.Add(-72 * time.Hour)}
}

// row is the i-th of n rows of this load, with sequence number seq.
func (g *generator) row(seq, i, n int) []any {
	r := g.r
	// Every constituency gets a row before any gets a second, then they are drawn at random.
	k := g.places[i%len(g.places)]
	if i >= len(g.places) {
		k = g.places[r.IntN(len(g.places))]
	}
	var district, city any
	if k.DistrictID != 0 {
		district = k.DistrictID
	} else {
		city = k.CityID
	}
	gender, first := eligibility.Male, maleNames[skewed(r, len(maleNames))]
	if r.IntN(4) == 0 {
		gender, first = eligibility.Female, femaleNames[skewed(r, len(femaleNames))]
	}
	full := first + " " + familyNames[skewed(r, len(familyNames))]
	father := maleNames[skewed(r, len(maleNames))]
	if r.IntN(10) == 0 {
		full, father = arabic.Replace(full), arabic.Replace(father)
	}
	nine := fmt.Sprintf("9%08d", seq)
	nid := nine + string('0'+nationalid.CheckDigit(nine))
	service := ""
	if gender == eligibility.Male {
		service = pick(r, syntheticService)
	}
	birth := g.today.AddDate(-25-r.IntN(50), 0, -r.IntN(365))
	var cert, resign any
	switch c := r.IntN(20); {
	case c == 0: // none given
	case c == 1: // too old
		cert = g.today.AddDate(0, -4-r.IntN(12), 0)
	default:
		cert = g.today.AddDate(0, 0, -r.IntN(85))
	}
	listed := r.IntN(25) == 0
	if listed {
		resign = g.today.AddDate(0, -3-r.IntN(12), -r.IntN(28))
	}
	status := pick(r, syntheticStatuses)
	var announcedAt any
	if announced[status] {
		announcedAt = g.announce
	}
	// Registered over the fortnight before now, in sequence order.
	created := g.now.Add(-time.Duration(n-i) * (14 * 24 * time.Hour) / time.Duration(n))
	return []any{g.e.ID, k.ProvinceID, k.CountyID, district, full, persian.Normalize(full), father, nid, gender, birth,
		pick(r, syntheticEducation), occupations[r.IntN(len(occupations))], fmt.Sprintf("09%09d", r.Int64N(1_000_000_000)),
		fmt.Sprintf("%s%08d", store.SyntheticTrackingPrefix, seq), r.IntN(16) == 0, service, listed, cert, resign, status, announcedAt,
		created, created, city}
}

// skewed draws an index below n that favours the start of the list, as real names favour a few.
func skewed(r *rand.Rand, n int) int {
	a, b := r.IntN(n), r.IntN(n)
	return min(a, b)
}
