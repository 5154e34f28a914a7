package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// CandidateRule is a row of candidate_rules: the numbers of the registration checks and the lifecycle.
type CandidateRule struct {
	Kind                        string
	MinAge                      int
	AgeOnElectionDay            bool
	VillageSmallHouseholds      int
	CitySmallPopulation         int
	CertificateMaxMonths        int
	ResignationMinMonths        int
	ObjectionDays               int
	ConstituencyChangeUntilDays int
	MaxConstituencyChanges      int
	Uncertain                   bool
	Version                     int
}

// Eligibility is the rule's registration part.
func (r CandidateRule) Eligibility() eligibility.Rules {
	return eligibility.Rules{MinAge: r.MinAge, AgeOnElectionDay: r.AgeOnElectionDay, VillageSmallHouseholds: r.VillageSmallHouseholds,
		CitySmallPopulation: r.CitySmallPopulation, CertificateMaxMonths: r.CertificateMaxMonths, ResignationMinMonths: r.ResignationMinMonths}
}

// Lifecycle is the rule's lifecycle part.
func (r CandidateRule) Lifecycle() candidacy.Rules {
	return candidacy.Rules{ObjectionDays: r.ObjectionDays, ConstituencyChangeUntilDays: r.ConstituencyChangeUntilDays,
		MaxConstituencyChanges: r.MaxConstituencyChanges}
}

// AddCandidateRules inserts the rules that are missing; rules already there are kept.
func (s *Store) AddCandidateRules(ctx context.Context, a audit.Actor, rules []CandidateRule) (int, error) {
	added := 0
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		added = 0
		for _, r := range rules {
			tag, err := tx.Exec(ctx, `
				INSERT INTO candidate_rules (kind, min_age, age_on_election_day, village_small_households, city_small_population,
				    certificate_max_months, resignation_min_months, objection_days, constituency_change_until_days,
				    max_constituency_changes, uncertain)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
				r.Kind, r.MinAge, r.AgeOnElectionDay, r.VillageSmallHouseholds, r.CitySmallPopulation, r.CertificateMaxMonths,
				r.ResignationMinMonths, r.ObjectionDays, r.ConstituencyChangeUntilDays, r.MaxConstituencyChanges, r.Uncertain)
			if err != nil {
				return nil, err
			}
			added += int(tag.RowsAffected())
		}
		if added == 0 {
			return nil, nil
		}
		return []audit.Entry{{Action: "candidate_rules.load", Entity: "candidate_rules",
			Detail: map[string]int{"rows_changed": added}}}, nil
	})
	return added, err
}

// CandidateRuleFor returns the rule of an election (a by-election's parent kind), or ErrNoRule.
func (s *Store) CandidateRuleFor(ctx context.Context, e Election) (CandidateRule, error) {
	kind := e.Kind
	if e.ParentKind != "" {
		kind = e.ParentKind
	}
	rules, err := cached(ctx, s, readsCandidateRules, "candidate-rules", s.candidateRules)
	if err != nil {
		return CandidateRule{}, err
	}
	if i := slices.IndexFunc(rules, func(r CandidateRule) bool { return r.Kind == kind }); i >= 0 {
		return rules[i], nil
	}
	return CandidateRule{}, ErrNoRule
}

// CandidateElection returns the election a candidate stands in and its rule (a by-election's parent
// kind's): a candidate's lifecycle follows their own election, whichever election is current. ErrNotFound
// when there is no such election, ErrNoRule when its kind has no rule.
func (s *Store) CandidateElection(ctx context.Context, electionID int64) (Election, CandidateRule, error) {
	var e Election
	var r CandidateRule
	var b Batch
	b.CandidateElection(electionID, &e, &r)
	return e, r, s.Run(ctx, &b)
}

// CandidateElection queues the Store method of that name: the election and its rule in one query.
func (b *Batch) CandidateElection(electionID int64, e *Election, r *CandidateRule) {
	type ruled struct {
		e Election
		r CandidateRule
	}
	b.queueCached(readsCandidateElection, "candidate-election|"+strconv.FormatInt(electionID, 10),
		func(v any) { *e, *r = v.(ruled).e, v.(ruled).r },
		func(b *Batch) { b.candidateElection(electionID, e, r) },
		func() any { return ruled{*e, *r} })
}

func (b *Batch) candidateElection(electionID int64, e *Election, r *CandidateRule) {
	b.queueRow(`
		SELECT e.id, e.code, e.kind, coalesce(e.parent_kind, ''), e.title_fa, e.title_en, e.election_day, e.is_current,
		       r.kind IS NOT NULL, coalesce(r.kind, ''), coalesce(r.min_age, 0), coalesce(r.age_on_election_day, false),
		       coalesce(r.village_small_households, 0), coalesce(r.city_small_population, 0), coalesce(r.certificate_max_months, 0),
		       coalesce(r.resignation_min_months, 0), coalesce(r.objection_days, 0), coalesce(r.constituency_change_until_days, 0),
		       coalesce(r.max_constituency_changes, 0), coalesce(r.uncertain, false), coalesce(r.version, 0)
		FROM elections e LEFT JOIN candidate_rules r ON r.kind = coalesce(e.parent_kind, e.kind)
		WHERE e.id = $1`, func(row pgx.Row) error {
		var ruled bool
		if err := row.Scan(&e.ID, &e.Code, &e.Kind, &e.ParentKind, &e.TitleFa, &e.TitleEn, &e.ElectionDay, &e.IsCurrent,
			&ruled, &r.Kind, &r.MinAge, &r.AgeOnElectionDay, &r.VillageSmallHouseholds, &r.CitySmallPopulation,
			&r.CertificateMaxMonths, &r.ResignationMinMonths, &r.ObjectionDays, &r.ConstituencyChangeUntilDays,
			&r.MaxConstituencyChanges, &r.Uncertain, &r.Version); err != nil {
			return err
		}
		if !ruled {
			return ErrNoRule
		}
		return nil
	}, electionID)
}

// Constituency is where a candidate stands: a city of a county, or a district's villages.
type Constituency struct {
	Code       string
	NameFa     string
	NameEn     string
	Kind       string // eligibility.City or eligibility.Village
	ProvinceID int64
	CountyID   int64
	DistrictID int64 // a village constituency's
	CityID     int64 // a city constituency's
	CountyFa   string
	CountyEn   string
	Population int // 0 when unknown
	Households int
}

// constituencySelect is every constituency in scope: each city in use (not retired) of the counties, and
// each district's villages. A district head registers nobody, and stands for his district's villages only.
const constituencySelect = `
	SELECT ci.code, ci.name_fa, ci.name_en, 'city' AS kind, c.province_id, c.id AS county_id, 0::bigint AS district_id,
	       ci.id AS city_id, c.name_fa AS county_fa, c.name_en AS county_en, coalesce(ci.population, 0) AS population, 0 AS households
	FROM cities ci JOIN counties c ON c.id = ci.county_id
	WHERE ci.retired_at IS NULL AND ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) AND $3 = 0
	UNION ALL
	SELECT d.code, d.name_fa, d.name_en, 'village', c.province_id, c.id, d.id, 0, c.name_fa, c.name_en,
	       0, coalesce(d.households, 0)
	FROM districts d JOIN counties c ON c.id = d.county_id
	WHERE ($1 = 0 OR c.province_id = $1) AND ($2 = 0 OR c.id = $2) AND ($3 = 0 OR d.id = $3)`

// Constituencies lists the constituencies in scope: the cities by county, then the districts' villages by
// county, each by name in the reader's alphabet.
func (s *Store) Constituencies(ctx context.Context, sc auth.Scope) ([]Constituency, error) {
	var ks []Constituency
	var b Batch
	b.Constituencies(ctx, sc, &ks)
	return ks, s.Run(ctx, &b)
}

// Constituencies queues the Store method of that name; ctx gives the reader's alphabet.
func (b *Batch) Constituencies(ctx context.Context, sc auth.Scope, out *[]Constituency) {
	queueList(b, readsPlaces, cacheKey(ctx, "constituencies", sc), out, nil, func(b *Batch) { b.constituencies(ctx, sc, out) })
}

func (b *Batch) constituencies(ctx context.Context, sc auth.Scope, out *[]Constituency) {
	b.queue(`SELECT * FROM (`+constituencySelect+`) x ORDER BY x.kind, `+
		byName(ctx, "x.county_fa", "x.county_en")+`, `+byName(ctx, "x.name_fa", "x.name_en"), func(rows pgx.Rows) error {
		ks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Constituency])
		*out = ks
		return err
	}, scopeArgs(sc)...)
}

// ConstituencyByCode returns one constituency in scope, or ErrNotFound.
func (s *Store) ConstituencyByCode(ctx context.Context, sc auth.Scope, code string) (Constituency, error) {
	if s.cache.serves(ctx) {
		ks, err := s.Constituencies(ctx, sc)
		if err != nil {
			return Constituency{}, err
		}
		if i := slices.IndexFunc(ks, func(k Constituency) bool { return k.Code == code }); i >= 0 {
			return ks[i], nil
		}
		return Constituency{}, ErrNotFound
	}
	rows, err := s.pool.Query(ctx, `SELECT * FROM (`+constituencySelect+`) x WHERE x.code = $4`, append(scopeArgs(sc), code)...)
	if err != nil {
		return Constituency{}, err
	}
	k, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Constituency])
	if errors.Is(err, pgx.ErrNoRows) {
		return k, ErrNotFound
	}
	return k, err
}

// NewCandidate is a registration as typed, cleaned by the caller.
type NewCandidate struct {
	FullName        string
	FatherName      string
	NationalID      string
	Gender          string
	BirthDate       time.Time
	Education       string
	Occupation      string
	Phone           string
	TrackingID      string
	Veteran         bool
	MilitaryService string
	ListedPost      bool
	CertificateDate *time.Time
	ResignationDate *time.Time
	Constituency    Constituency
	// RegisteredAt is when the registration was made, for a record entered after the fact (the demo's,
	// registered within the election's window); zero is now, the database's clock.
	RegisteredAt time.Time
}

// Override is HQ's recorded judgement on one overridable problem.
type Override struct {
	Field, Code, Reason string
}

// DuplicateError is a national ID already registered in the same election.
type DuplicateError struct{ CountyFa, CountyEn string }

func (e *DuplicateError) Error() string { return "store: already registered in " + e.CountyEn }

// BoardConflictError is a national ID that sits on an executive board or its pool in the same election.
// The boards are named by their counties, in both languages, each list in its own alphabetical order, so
// that the message reads in its reader's.
type BoardConflictError struct{ Fa, En []string }

func (e *BoardConflictError) Error() string {
	return "store: on the board of " + strings.Join(e.En, ", ")
}

// boardCountyNames are the aggregates of the counties' names of the boards a person sits on, for a
// BoardConflictError.
const boardCountyNames = `array_agg(DISTINCT co.name_fa COLLATE "fa-IR-x-icu" ORDER BY co.name_fa COLLATE "fa-IR-x-icu"),
	array_agg(DISTINCT co.name_en COLLATE "en-x-icu" ORDER BY co.name_en COLLATE "en-x-icu")`

// RegisterCandidate registers a person in an election once in the whole country. Under the election's
// registration lock it refuses a second registration (DuplicateError) and a member of a board or pool of the
// same election (BoardConflictError) unless HQ overrode that, then records the registration, its first
// event and any overrides, and audits it.
func (s *Store) RegisterCandidate(ctx context.Context, a audit.Actor, e Election, c NewCandidate, overrides []Override) (int64, error) {
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if err := checkNationalID(ctx, tx, e.ID, 0, c.NationalID, overrides); err != nil {
			return nil, err
		}
		var err error
		id, err = insertCandidate(ctx, tx, a, e, c)
		if err != nil {
			return nil, err
		}
		if err := insertOverrides(ctx, tx, a, id, overrides); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "candidate.register", Entity: "candidate",
			EntityID: strconv.FormatInt(id, 10), ProvinceID: c.Constituency.ProvinceID,
			Detail: audit.Change{After: candidateAudit(c, overrides)}}}, nil
	})
	return id, err
}

// insertOverrides records HQ's judgements on a candidate's problems.
func insertOverrides(ctx context.Context, tx pgx.Tx, a audit.Actor, id int64, overrides []Override) error {
	for _, o := range overrides {
		if _, err := tx.Exec(ctx, `INSERT INTO candidate_overrides (candidate_id, field, code, reason, actor_id)
			VALUES ($1, $2, $3, $4, NULLIF($5, 0))`, id, o.Field, o.Code, o.Reason, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// insertCandidate stores a registration and its first event.
func insertCandidate(ctx context.Context, tx pgx.Tx, a audit.Actor, e Election, c NewCandidate) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO candidates (election_id, province_id, county_id, district_id, full_name, name_norm, father_name,
		    national_id, gender, birth_date, education, occupation, phone, tracking_id, veteran, military_service,
		    listed_post, certificate_date, resignation_date, registered_by, city_id, created_at, updated_at)
		VALUES ($1, $2, $3, NULLIF($4, 0), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, NULLIF($20, 0),
		    NULLIF($21, 0), coalesce($22, now()), coalesce($22, now()))
		RETURNING id`,
		e.ID, c.Constituency.ProvinceID, c.Constituency.CountyID, c.Constituency.DistrictID, c.FullName,
		persian.Normalize(c.FullName), c.FatherName, c.NationalID, c.Gender, c.BirthDate, c.Education, c.Occupation,
		c.Phone, c.TrackingID, c.Veteran, c.MilitaryService, c.ListedPost, c.CertificateDate, c.ResignationDate, a.ID,
		c.Constituency.CityID, registeredAt(c)).Scan(&id)
	if isUniqueViolation(err) {
		return 0, &DuplicateError{}
	}
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO candidate_events (candidate_id, actor_id, from_status, to_status, at)
		VALUES ($1, NULLIF($2, 0), '', 'registered', coalesce($3, now()))`, id, a.ID, registeredAt(c))
	return id, err
}

// registeredAt is a registration's time as a parameter: NULL (the database's now) when it was not given.
func registeredAt(c NewCandidate) *time.Time {
	if c.RegisteredAt.IsZero() {
		return nil
	}
	return &c.RegisteredAt
}

func candidateAudit(c NewCandidate, overrides []Override) map[string]any {
	m := map[string]any{"full_name": c.FullName, "national_id": c.NationalID, "constituency": c.Constituency.Code,
		"education": c.Education, "gender": c.Gender, "birth_date": c.BirthDate.Format(time.DateOnly), "tracking_id": c.TrackingID}
	if len(overrides) > 0 {
		m["overrides"] = overrides
	}
	return m
}

// ImportRow is one rejected row of an uploaded file: its line, what it held and why it was refused.
type ImportRow struct {
	Line     int               `json:"line"`
	Values   map[string]string `json:"values"`
	Problems []ImportProblem   `json:"problems"`
}

// ImportProblem is one reason a row was refused: the column ("" for the whole row) and the message, kept
// with its arguments so that it is rendered in the language of whoever reads the preview.
type ImportProblem struct {
	Field string   `json:"field"`
	Msg   i18n.Msg `json:"msg"`
}

// UnmarshalJSON also reads the problems of previews saved before messages were typed: a string holding
// the column, a unit separator, the key and its one argument after a bar. The argument goes to the
// message's placeholder, if it has one; an argument the message never took is dropped.
func (p *ImportProblem) UnmarshalJSON(b []byte) error {
	var old string
	if err := json.Unmarshal(b, &old); err != nil {
		type plain ImportProblem // without this method
		return json.Unmarshal(b, (*plain)(p))
	}
	field, v, _ := strings.Cut(old, "\x1f")
	key, arg, hasArg := strings.Cut(v, "|")
	p.Field, p.Msg = field, i18n.Msg{Key: key}
	if names := i18n.Placeholders(key); hasArg && len(names) == 1 {
		p.Msg.Args = []i18n.Arg{{Name: names[0], Value: arg}} // the name is the catalogue's own
	}
	return nil
}

// ReadyRow is one row of an uploaded file that passed every check.
type ReadyRow struct {
	Line      int
	Candidate NewCandidate
}

// CandidateImport is a previewed file: what it was and how many of its rows are ready and rejected. The
// rows themselves are read a page at a time (ImportReady, ImportRejected).
type CandidateImport struct {
	ID         int64
	UserID     int64
	ElectionID int64
	FileName   string
	FileSHA256 string // hex
	Ready      int    // rows
	Rejected   int
	ImportedAt *time.Time
}

// ImportRows takes the rows of a file being previewed, a batch at a time, inside SaveImport's transaction.
type ImportRows struct {
	tx                 pgx.Tx
	id, electionID     int64
	ready, rejected    int
	copyReady, copyRej [][]any // reused from batch to batch
}

// Clashes finds, among national IDs, those already registered in the election (by county) and those on
// one of its boards or pools (by board's county, in both languages), in two queries whatever their number. It runs in the
// preview's transaction, which holds a connection of the pool already.
//
// A preview runs these queries once a batch, so a prepared statement would soon get PostgreSQL's generic
// plan, made for whatever the tables held then: after a first large import into an empty election that
// plan compared every ID with every candidate of the election (up to a second a batch). They are planned
// for their IDs each time instead (QueryExecModeExec), as a join from the IDs to the indexes.
func (w *ImportRows) Clashes(ctx context.Context, ids []string) (map[string]DuplicateError, map[string]BoardConflictError, error) {
	dups := map[string]DuplicateError{}
	rows, err := w.tx.Query(ctx, `
		SELECT k.national_id, co.name_fa, co.name_en
		FROM unnest($2::text[]) AS i (national_id)
		JOIN candidates k ON k.election_id = $1 AND k.national_id = i.national_id
		JOIN counties co ON co.id = k.county_id`, pgx.QueryExecModeExec, w.electionID, ids)
	if err != nil {
		return nil, nil, err
	}
	var id string
	var d DuplicateError
	if _, err := pgx.ForEachRow(rows, []any{&id, &d.CountyFa, &d.CountyEn}, func() error { dups[id] = d; return nil }); err != nil {
		return nil, nil, err
	}
	boards := map[string]BoardConflictError{}
	rows, err = w.tx.Query(ctx, `
		SELECT x.national_id, `+boardCountyNames+`
		FROM unnest($2::text[]) AS i (national_id)
		JOIN (SELECT board_id, national_id FROM board_members UNION SELECT board_id, national_id FROM board_pool) x
		  ON x.national_id = i.national_id
		JOIN boards b ON b.id = x.board_id AND b.election_id = $1
		JOIN counties co ON co.id = b.county_id
		GROUP BY x.national_id`, pgx.QueryExecModeExec, w.electionID, ids)
	if err != nil {
		return nil, nil, err
	}
	var b BoardConflictError
	_, err = pgx.ForEachRow(rows, []any{&id, &b.Fa, &b.En}, func() error {
		boards[id] = b
		b = BoardConflictError{} // the next row's lists are its own
		return nil
	})
	return dups, boards, err
}

// Add keeps a batch of checked rows, each kind with one COPY.
func (w *ImportRows) Add(ctx context.Context, ready []ReadyRow, rejected []ImportRow) error {
	w.copyReady = w.copyReady[:0]
	for _, r := range ready {
		c := r.Candidate
		w.copyReady = append(w.copyReady, []any{w.id, r.Line, c.Constituency.ProvinceID, c.Constituency.CountyID,
			nullID(c.Constituency.DistrictID), c.FullName, c.FatherName, c.NationalID, c.Gender, c.BirthDate, c.Education,
			c.Occupation, c.Phone, c.TrackingID, c.Veteran, c.MilitaryService, c.ListedPost, c.CertificateDate, c.ResignationDate,
			nullID(c.Constituency.CityID)})
	}
	if len(ready) > 0 {
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"candidate_import_rows"}, append([]string{"import_id", "line"}, importRowColumns...),
			pgx.CopyFromRows(w.copyReady)); err != nil {
			return err
		}
	}
	w.copyRej = w.copyRej[:0]
	for _, r := range rejected {
		problems := r.Problems
		if problems == nil {
			problems = []ImportProblem{}
		}
		w.copyRej = append(w.copyRej, []any{w.id, r.Line, r.Values, problems})
	}
	if len(rejected) > 0 {
		if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"candidate_import_rejects"}, []string{"import_id", "line", "cells", "problems"},
			pgx.CopyFromRows(w.copyRej)); err != nil {
			return err
		}
	}
	w.ready += len(ready)
	w.rejected += len(rejected)
	return nil
}

// importRowColumns are the columns of a ready row that become a candidate's.
var importRowColumns = []string{"province_id", "county_id", "district_id", "full_name", "father_name", "national_id", "gender",
	"birth_date", "education", "occupation", "phone", "tracking_id", "veteran", "military_service", "listed_post",
	"certificate_date", "resignation_date", "city_id"}

// SaveImport keeps a previewed file, named and with the SHA-256 of its bytes, until its owner confirms it.
// fill gives its rows to the ImportRows as it reads them; if fill fails (a file refused half-way), nothing
// of the file is kept.
func (s *Store) SaveImport(ctx context.Context, a audit.Actor, provinceID, electionID int64, fileName, sha256 string,
	fill func(*ImportRows) error) (CandidateImport, error) {
	imp := CandidateImport{UserID: a.ID, ElectionID: electionID, FileName: fileName, FileSHA256: sha256}
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if err := tx.QueryRow(ctx, `INSERT INTO candidate_imports (user_id, election_id, file_name, file_sha256)
			VALUES ($1, $2, $3, $4) RETURNING id`, a.ID, electionID, fileName, sha256).Scan(&imp.ID); err != nil {
			return nil, err
		}
		w := &ImportRows{tx: tx, id: imp.ID, electionID: electionID}
		if err := fill(w); err != nil {
			return nil, err
		}
		imp.Ready, imp.Rejected = w.ready, w.rejected
		if _, err := tx.Exec(ctx, `UPDATE candidate_imports SET ready_count = $2, rejected_count = $3 WHERE id = $1`,
			imp.ID, imp.Ready, imp.Rejected); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "candidate.import_preview", Entity: "candidate_import",
			EntityID: strconv.FormatInt(imp.ID, 10), ProvinceID: provinceID,
			Detail: map[string]any{"file": fileName, "sha256": sha256, "ready": imp.Ready, "rejected": imp.Rejected}}}, nil
	})
	return imp, err
}

const importSelect = `SELECT id, user_id, election_id, file_name, file_sha256, ready_count, rejected_count, imported_at
	FROM candidate_imports WHERE id = $1 AND user_id = $2`

// ImportByID returns one of the user's previewed files, or ErrNotFound.
func (s *Store) ImportByID(ctx context.Context, userID, id int64) (CandidateImport, error) {
	return importByID(ctx, s.pool, importSelect, userID, id)
}

func importByID(ctx context.Context, q querier, sql string, userID, id int64) (CandidateImport, error) {
	rows, err := q.Query(ctx, sql, id, userID)
	if err != nil {
		return CandidateImport{}, err
	}
	imp, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[CandidateImport])
	if errors.Is(err, pgx.ErrNoRows) {
		return imp, ErrNotFound
	}
	return imp, err
}

// ImportReady returns ready rows of one of the user's previewed files, in the file's order: limit rows
// from offset.
func (s *Store) ImportReady(ctx context.Context, userID, id int64, offset, limit int) ([]ReadyRow, error) {
	return readyRows(ctx, s.pool, userID, id, 0, offset, limit)
}

// readyRows reads ready rows of an import after a line (the confirmation's batches) or from an offset
// (the preview's pages), with their constituency's code and names.
func readyRows(ctx context.Context, q querier, userID, id int64, afterLine, offset, limit int) ([]ReadyRow, error) {
	rows, err := q.Query(ctx, `
		SELECT r.line, r.full_name, r.father_name, r.national_id, r.gender, r.birth_date, r.education, r.occupation, r.phone,
		       r.tracking_id, r.veteran, r.military_service, r.listed_post, r.certificate_date, r.resignation_date,
		       coalesce(d.code, ci.code), coalesce(d.name_fa, ci.name_fa), coalesce(d.name_en, ci.name_en),
		       r.province_id, r.county_id, coalesce(r.district_id, 0), coalesce(ci.id, 0)
		FROM candidate_import_rows r JOIN candidate_imports i ON i.id = r.import_id
		LEFT JOIN districts d ON d.id = r.district_id LEFT JOIN cities ci ON ci.id = r.city_id
		WHERE r.import_id = $1 AND i.user_id = $2 AND r.line > $3
		ORDER BY r.line OFFSET $4 LIMIT $5`, id, userID, afterLine, offset, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReadyRow, error) {
		var r ReadyRow
		c := &r.Candidate
		k := &c.Constituency
		err := row.Scan(&r.Line, &c.FullName, &c.FatherName, &c.NationalID, &c.Gender, &c.BirthDate, &c.Education, &c.Occupation,
			&c.Phone, &c.TrackingID, &c.Veteran, &c.MilitaryService, &c.ListedPost, &c.CertificateDate, &c.ResignationDate,
			&k.Code, &k.NameFa, &k.NameEn, &k.ProvinceID, &k.CountyID, &k.DistrictID, &k.CityID)
		return r, err
	})
}

// ImportRejected returns rejected rows of one of the user's previewed files, in the file's order: limit
// rows from offset.
func (s *Store) ImportRejected(ctx context.Context, userID, id int64, offset, limit int) ([]ImportRow, error) {
	var out []ImportRow
	err := s.EachImportRejected(ctx, userID, id, offset, limit, func(r ImportRow) error { out = append(out, r); return nil })
	return out, err
}

// EachImportRejected calls fn for rejected rows of one of the user's previewed files, in the file's order,
// as they arrive from the database (limit < 0 for all of them).
func (s *Store) EachImportRejected(ctx context.Context, userID, id int64, offset, limit int, fn func(ImportRow) error) error {
	var lim *int
	if limit >= 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `
		SELECT j.line, j.cells, j.problems FROM candidate_import_rejects j JOIN candidate_imports i ON i.id = j.import_id
		WHERE j.import_id = $1 AND i.user_id = $2 ORDER BY j.line OFFSET $3 LIMIT $4`, id, userID, offset, lim)
	if err != nil {
		return err
	}
	var r ImportRow
	_, err = pgx.ForEachRow(rows, []any{&r.Line, &r.Values, &r.Problems}, func() error {
		err := fn(r)
		r = ImportRow{} // the next row's map and slice are its own
		return err
	})
	return err
}

// ImportReason is one reason rows of a preview were refused: the field (or "" for the whole row) and the
// message's key, the number of rows it refused, the first of their lines, and the message of the first
// of them (Same tells whether every row had that very message, arguments included).
type ImportReason struct {
	Field string
	Key   string
	Rows  int
	Lines []int
	First i18n.Msg
	Same  bool
}

// ImportReasons groups the rejected rows of one of the user's previewed files by reason (field and
// message), the commonest first, with at most lines of the lines of each; one query, whatever the size.
func (s *Store) ImportReasons(ctx context.Context, userID, id int64, lines int) ([]ImportReason, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT p->>'field', p->'msg'->>'key', count(*)::int, (array_agg(j.line ORDER BY j.line))[1:$3],
		       (array_agg(p->'msg' ORDER BY j.line))[1], count(DISTINCT p->'msg') = 1
		FROM candidate_import_rejects j JOIN candidate_imports i ON i.id = j.import_id,
		     jsonb_array_elements(j.problems) p
		WHERE j.import_id = $1 AND i.user_id = $2 AND jsonb_typeof(p) = 'object' -- not the texts of previews kept before messages were typed
		GROUP BY 1, 2 ORDER BY 3 DESC, min(j.line)`, id, userID, lines)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ImportReason])
}

// ErrImported is returned for a file confirmed before.
var ErrImported = errors.New("store: this file was imported already")

// ErrNothingToImport is returned for a preview without ready rows: confirming it would import nothing.
var ErrNothingToImport = errors.New("store: this file has no ready rows")

// StaleImportError names the rows that clash with registrations or boards made since the preview, name a
// city retired since, or stand where the registration has closed since.
type StaleImportError struct{ Lines []int }

func (e *StaleImportError) Error() string {
	return fmt.Sprintf("store: %d rows clash since the preview", len(e.Lines))
}

// importBatch is how many ready rows a confirmation reads back and copies into candidates at once.
const importBatch = 1000

// ConfirmImport imports every ready row of a previewed file in one transaction, or none: rows that clash
// with registrations or board seats made since the preview, and rows of a kind of constituency whose
// registration has closed since (closed, by eligibility.City and eligibility.Village: its window in the
// election's timeline no longer holds), refuse the whole file, and a preview without ready rows is refused
// (ErrNothingToImport) rather than audited as an import of nothing. The clashes are found in one statement,
// the rows go in with COPY a batch at a time and their first events with one statement, and one audit row
// records the import, so the election's registration lock and the audit lock are held for a fraction of a
// second even for the largest file, and a batch at most is held in memory.
func (s *Store) ConfirmImport(ctx context.Context, a audit.Actor, provinceID, id int64, closed map[string]bool) (int, error) {
	n := 0
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		imp, err := importByID(ctx, tx, importSelect+` FOR UPDATE`, a.ID, id)
		if err != nil {
			return nil, err
		}
		if imp.ImportedAt != nil {
			return nil, ErrImported
		}
		if imp.Ready == 0 {
			return nil, ErrNothingToImport
		}
		// One lock for the election's registrations: a confirmation and single registrations cannot interleave.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('candidates:' || $1::bigint))`, imp.ElectionID); err != nil {
			return nil, err
		}
		// The two statements over all the rows are planned for this import (QueryExecModeExec), not with a
		// generic plan kept from one made when the tables were smaller (see ImportRows.Clashes).
		rows, err := tx.Query(ctx, `
			SELECT r.line FROM candidate_import_rows r
			WHERE r.import_id = $1 AND (
			    EXISTS (SELECT 1 FROM candidates k WHERE k.election_id = $2 AND k.national_id = r.national_id)
			    OR EXISTS (SELECT 1 FROM boards b JOIN board_members m ON m.board_id = b.id
			               WHERE b.election_id = $2 AND m.national_id = r.national_id)
			    OR EXISTS (SELECT 1 FROM boards b JOIN board_pool p ON p.board_id = b.id
			               WHERE b.election_id = $2 AND p.national_id = r.national_id)
			    -- and a city retired or removed since
			    OR r.city_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cities ci WHERE ci.id = r.city_id AND ci.retired_at IS NULL)
			    -- and a registration closed since: a city's (no district), a district's villages'
			    OR $3 AND r.district_id IS NULL OR $4 AND r.district_id IS NOT NULL)
			ORDER BY r.line`, pgx.QueryExecModeExec, id, imp.ElectionID, closed[eligibility.City], closed[eligibility.Village])
		if err != nil {
			return nil, err
		}
		stale, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return nil, err
		}
		if len(stale) > 0 {
			return nil, &StaleImportError{Lines: stale}
		}
		copyRows := make([][]any, 0, importBatch)
		for after := 0; ; {
			batch, err := readyRows(ctx, tx, a.ID, id, after, 0, importBatch)
			if err != nil {
				return nil, err
			}
			if len(batch) == 0 {
				break
			}
			copyRows = copyRows[:0]
			for _, r := range batch {
				c := r.Candidate
				copyRows = append(copyRows, []any{imp.ElectionID, c.Constituency.ProvinceID, c.Constituency.CountyID,
					nullID(c.Constituency.DistrictID), c.FullName, persian.Normalize(c.FullName), c.FatherName, c.NationalID,
					c.Gender, c.BirthDate, c.Education, c.Occupation, c.Phone, c.TrackingID, c.Veteran, c.MilitaryService,
					c.ListedPost, c.CertificateDate, c.ResignationDate, nullID(a.ID), nullID(c.Constituency.CityID)})
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"candidates"}, []string{"election_id", "province_id", "county_id",
				"district_id", "full_name", "name_norm", "father_name", "national_id", "gender", "birth_date", "education",
				"occupation", "phone", "tracking_id", "veteran", "military_service", "listed_post", "certificate_date",
				"resignation_date", "registered_by", "city_id"}, pgx.CopyFromRows(copyRows)); err != nil {
				return nil, err
			}
			n += len(batch)
			after = batch[len(batch)-1].Line
		}
		if _, err := tx.Exec(ctx, `INSERT INTO candidate_events (candidate_id, actor_id, from_status, to_status)
			SELECT k.id, NULLIF($3, 0), '', 'registered'
			FROM candidate_import_rows r JOIN candidates k ON k.election_id = $2 AND k.national_id = r.national_id
			WHERE r.import_id = $1`, pgx.QueryExecModeExec, id, imp.ElectionID, a.ID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE candidate_imports SET imported_at = now() WHERE id = $1`, id); err != nil {
			return nil, err
		}
		// The file's hash names what was imported; the rows themselves stay in candidate_import_rows and candidates.
		return []audit.Entry{{Action: "candidate.import", Entity: "candidate_import",
			EntityID: strconv.FormatInt(id, 10), ProvinceID: provinceID,
			Detail: map[string]any{"file": imp.FileName, "sha256": imp.FileSHA256, "imported": n}}}, nil
	})
	return n, err
}

// nullID is NULL for the zero id, as NULLIF($n, 0) is in a statement.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func overridden(os []Override, field, code string) bool {
	for _, o := range os {
		if o.Field == field && o.Code == code {
			return true
		}
	}
	return false
}

// SyntheticTrackingPrefix begins the tracking ID of every synthetic candidate (`setad seed --synthetic`);
// no real registration may use it, so that synthetic rows are always told from real ones.
const SyntheticTrackingPrefix = "SYN-"

// Candidate is a stored candidate with its place names.
type Candidate struct {
	ID                  int64
	ElectionID          int64
	ProvinceID          int64
	CountyID            int64
	DistrictID          int64
	ConstituencyCode    string
	ConstituencyFa      string
	ConstituencyEn      string
	CountyFa            string
	CountyEn            string
	FullName            string
	FatherName          string
	NationalID          string
	Gender              string
	BirthDate           *time.Time
	Education           string
	Occupation          string
	Phone               string
	TrackingID          string
	Veteran             bool
	MilitaryService     string
	ListedPost          bool
	CertificateDate     *time.Time
	ResignationDate     *time.Time
	Status              string
	AnnouncedAt         *time.Time
	ConstituencyChanges int
	Version             int
	CreatedAt           time.Time
}

// candidateCols are a Candidate's columns, in scanCandidate's order, from candidateFrom.
const candidateCols = `k.id, k.election_id, k.province_id, k.county_id, coalesce(k.district_id, 0),
	       coalesce(d.code, ci.code), coalesce(d.name_fa, ci.name_fa), coalesce(d.name_en, ci.name_en), c.name_fa, c.name_en,
	       k.full_name, k.father_name, k.national_id, k.gender, k.birth_date, k.education, k.occupation, k.phone,
	       k.tracking_id, k.veteran, k.military_service, k.listed_post, k.certificate_date, k.resignation_date, k.status,
	       k.announced_at, k.constituency_changes, k.version, k.created_at`

// candidateJoins join a candidate k to its place names.
const candidateJoins = `
	JOIN counties c ON c.id = k.county_id LEFT JOIN districts d ON d.id = k.district_id
	LEFT JOIN cities ci ON ci.id = k.city_id`

const candidateFrom = `
	FROM candidates k` + candidateJoins

const candidateSelect = `SELECT ` + candidateCols + candidateFrom

// candidateScope filters candidates by the caller's scope ($1 province, $2 county, $3 district).
func candidateScope(sc auth.Scope) string {
	return scopeOn(sc, "k.province_id", "k.county_id", "k.district_id")
}

// CandidateFilter narrows and orders the candidate list.
type CandidateFilter struct {
	Q         string // a name (normalised), a national ID or a tracking ID
	County    string
	Status    string
	Gender    string
	Education string
	Own       bool   // a county's own constituencies (its cities), not its districts'
	Sort      string // "name", "registered" (default newest first), "status"
	Page      int    // from 1
	PageSize  int
}

var candidateOrder = map[string]string{
	"name":       "k.name_norm, k.id",
	"status":     "k.status, k.name_norm, k.id",
	"registered": "k.id DESC",
}

// candidateWhere is the list's condition for a filter. Only the conditions that apply are written, so
// the planner can use the trigram, national-ID and scope indexes; every value is a parameter. A filter by
// place and status only (summarised) is also a condition on the summary candidate_counts, whose columns
// have the same names.
func candidateWhere(sc auth.Scope, electionID int64, f CandidateFilter) (string, []any) {
	args := []any{electionID}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	conds := []string{"k.election_id = $1"}
	if sc.ProvinceID != 0 {
		conds = append(conds, "k.province_id = "+arg(sc.ProvinceID))
	}
	if sc.CountyID != 0 {
		conds = append(conds, "k.county_id = "+arg(sc.CountyID))
	}
	if sc.DistrictID != 0 {
		conds = append(conds, "k.district_id = "+arg(sc.DistrictID))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		conds = append(conds, searchCond(q, arg))
	}
	if f.County != "" {
		conds = append(conds, "k.county_id = (SELECT id FROM counties WHERE code = "+arg(f.County)+")")
	}
	if f.Own {
		// A city's candidates have no district; the summary writes 0 for none.
		conds = append(conds, "coalesce(k.district_id, 0) = 0")
	}
	for _, c := range []struct{ col, v string }{{"k.status", f.Status}, {"k.gender", f.Gender}, {"k.education", f.Education}} {
		if c.v != "" {
			conds = append(conds, c.col+" = "+arg(c.v))
		}
	}
	return strings.Join(conds, " AND "), args
}

// searchCond is the condition of a search q, each kind on its own index: digits alone are a national or
// a tracking ID, looked up exactly; letters are a name, matched anywhere in the normalised name (the
// trigram index); a tracking ID's form with letters (Latin letters, digits, '-', '/') may be either.
func searchCond(q string, arg func(any) string) string {
	id := persian.ToLatinDigits(q)
	if strings.Trim(id, "0123456789") == "" {
		p := arg(id)
		return "(k.national_id = " + p + " OR k.tracking_id = " + p + ")"
	}
	name := "k.name_norm LIKE '%' || " + arg(likeEscape(persian.Normalize(q))) + " || '%'"
	if trackingForm.MatchString(id) {
		return "(" + name + " OR k.tracking_id = " + arg(id) + ")"
	}
	return name
}

// trackingForm is the form of a tracking ID that is not digits alone (registration.Check holds new ones
// to it).
var trackingForm = regexp.MustCompile(`^[0-9A-Za-z/-]*[0-9][0-9A-Za-z/-]*$`)

// candidateOrderOf is the list's order for a filter: newest first unless another is asked for.
func candidateOrderOf(f CandidateFilter) string {
	if order, ok := candidateOrder[f.Sort]; ok {
		return order
	}
	return candidateOrder["registered"]
}

// candidateQuery is the list's query for a filter, in its order.
func candidateQuery(sc auth.Scope, electionID int64, f CandidateFilter) (string, []any) {
	where, args := candidateWhere(sc, electionID, f)
	return candidateSelect + ` WHERE ` + where + ` ORDER BY ` + candidateOrderOf(f), args
}

// CountCap bounds how far the list counts matches by place, status, gender or education: past it, the
// list is too long to page through and says "more than" instead of spending time on an exact number.
const CountCap = 1000

// SearchCap bounds how far a search counts its matches. A name is matched anywhere, so a common one
// (علی) matches thousands: counting 201 of them stops early, on a scan that may read the rows in any
// order, where counting 1,001 gathered every match from the trigram index first (a bitmap scan cannot
// stop early) and cost most of the page's time at 300,000 candidates. Past it, the list says "more than"
// and asks for a narrower search.
const SearchCap = 200

// Cap is how far the list counts the filter's matches: SearchCap for a search, CountCap otherwise.
func (f CandidateFilter) Cap() int {
	if strings.TrimSpace(f.Q) != "" {
		return SearchCap
	}
	return CountCap
}

func scanCandidate(r pgx.CollectableRow, extra ...any) (Candidate, error) {
	var c Candidate
	err := r.Scan(append(candidateFields(&c), extra...)...)
	return c, err
}

// candidateFields are where scanCandidate reads a row into c.
func candidateFields(c *Candidate) []any {
	return []any{&c.ID, &c.ElectionID, &c.ProvinceID, &c.CountyID, &c.DistrictID, &c.ConstituencyCode, &c.ConstituencyFa,
		&c.ConstituencyEn, &c.CountyFa, &c.CountyEn, &c.FullName, &c.FatherName, &c.NationalID, &c.Gender, &c.BirthDate,
		&c.Education, &c.Occupation, &c.Phone, &c.TrackingID, &c.Veteran, &c.MilitaryService, &c.ListedPost,
		&c.CertificateDate, &c.ResignationDate, &c.Status, &c.AnnouncedAt, &c.ConstituencyChanges, &c.Version,
		&c.CreatedAt}
}

// scanCandidates reads rows of candidateCols into a list made for about n of them, each row through the
// same fields: a page of a list is not a row's allocations fifty times over.
func scanCandidates(rows pgx.Rows, n int) ([]Candidate, error) {
	cs := make([]Candidate, 0, n)
	var c Candidate
	fields := candidateFields(&c)
	for rows.Next() {
		c = Candidate{}
		if err := rows.Scan(fields...); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// Candidates lists one page of an election's candidates in scope and the number that match, counted up
// to the filter's Cap() + 1.
func (s *Store) Candidates(ctx context.Context, sc auth.Scope, electionID int64, f CandidateFilter) ([]Candidate, int, error) {
	var cs []Candidate
	var total int
	var b Batch
	b.Candidates(sc, electionID, f, &cs, &total)
	return cs, total, s.Run(ctx, &b)
}

// Candidates queues the Store method of that name. A filter by place and status only (summarised) reads
// its page, and counts its matches in the summary candidate_counts. Any other filter (a search, a gender,
// an education) is counted on the rows, and only as far as the list pages: one statement reads the first
// Cap() + 1 matches in the list's order, counts them, and returns the page's rows among them. That read
// stops at the cap: a common name (علی) walks the list's index until it has found 201 matches, a rare one
// is gathered from the trigram index and sorted. Its plan is made for the value searched, as PostgreSQL
// does for each execution while that costs less than a plan made for any value (for a search it always
// does: a generic plan costs more than either a common name's or a rare one's).
func (b *Batch) Candidates(sc auth.Scope, electionID int64, f CandidateFilter, out *[]Candidate, total *int) {
	if f.PageSize <= 0 {
		f.PageSize = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	limit := strconv.Itoa(f.Cap() + 1)
	offset := (f.Page - 1) * f.PageSize
	if summarised(f) {
		sql, args := candidateQuery(sc, electionID, f)
		b.queue(sql+pageOf(f.PageSize, offset, &args), func(rows pgx.Rows) error {
			cs, err := scanCandidates(rows, f.PageSize)
			*out = cs
			return err
		}, args...)
		where, args := candidateWhere(sc, electionID, f)
		b.queueRow(`SELECT least(coalesce(sum(k.n), 0), `+limit+`)::int FROM candidate_counts k WHERE `+where,
			func(row pgx.Row) error { return row.Scan(total) }, args...)
		return
	}
	order := candidateOrderOf(f)
	where, args := candidateWhere(sc, electionID, f)
	n := len(args)
	off, lim := `$`+strconv.Itoa(n+1), `$`+strconv.Itoa(n+2)
	// m holds the first matches, numbered in the list's order. The page is those numbered past the
	// offset; a page past the last match returns the last match alone (numbered at most the offset), so
	// that the count still comes back.
	sql := `WITH m AS (SELECT k.id, row_number() OVER (ORDER BY ` + order + `) AS r FROM candidates k WHERE ` + where +
		` ORDER BY ` + order + ` LIMIT ` + limit + `)
	SELECT ` + candidateCols + `, (SELECT count(*) FROM m)::int, m.r
	FROM m JOIN candidates k ON k.id = m.id` + candidateJoins + `
	WHERE m.r > ` + off + ` AND m.r <= ` + off + ` + ` + lim + ` OR m.r = (SELECT count(*) FROM m) AND m.r <= ` + off + `
	ORDER BY m.r`
	b.queue(sql, func(rows pgx.Rows) error {
		var cs []Candidate
		*total = 0
		for rows.Next() {
			var r int64
			c, err := scanCandidate(rows, total, &r)
			if err != nil {
				return err
			}
			if r > int64(offset) {
				cs = append(cs, c)
			}
		}
		*out = cs
		return nil
	}, append(args, offset, f.PageSize)...)
}

// summarised tells whether the summary candidate_counts, kept by election, place and status, can count
// a filter's matches.
func summarised(f CandidateFilter) bool {
	return strings.TrimSpace(f.Q) == "" && f.Gender == "" && f.Education == ""
}

// EachCandidate streams every candidate matching the filter, in its order, to fn: an export of any size
// never sits in memory.
func (s *Store) EachCandidate(ctx context.Context, sc auth.Scope, electionID int64, f CandidateFilter, fn func(Candidate) error) error {
	sql, args := candidateQuery(sc, electionID, f)
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// likeEscape makes a search term literal inside a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CandidateCounts counts an election's candidates in scope, and in one county if given, by status.
func (s *Store) CandidateCounts(ctx context.Context, sc auth.Scope, electionID int64, county string) (map[string]int, error) {
	var counts map[string]int
	var b Batch
	b.CandidateCounts(sc, electionID, county, &counts)
	return counts, s.Run(ctx, &b)
}

// CandidateCounts queues the Store method of that name. It reads the summary candidate_counts, kept in
// the transaction of every write to candidates (migration 0015), so it costs the same at any number of
// candidates: a few rows per county, district and status.
func (b *Batch) CandidateCounts(sc auth.Scope, electionID int64, county string, out *map[string]int) {
	where, args := candidateWhere(sc, electionID, CandidateFilter{County: county})
	b.queue(`SELECT k.status, sum(k.n)::int FROM candidate_counts k WHERE `+where+` GROUP BY k.status HAVING sum(k.n) > 0`,
		func(rows pgx.Rows) error {
			counts, err := countsByKey(rows)
			*out = counts
			return err
		}, args...)
}

// constituencySep joins the two constituencies' codes in the reason of a change of constituency's event,
// which keeps the status as it was.
const constituencySep = " → "

// ConstituencyChange reads an event of a change of constituency: the codes of the constituency left and
// of the one joined.
func (e CandidateEvent) ConstituencyChange() (from, to string, ok bool) {
	if e.From != e.To {
		return "", "", false
	}
	return strings.Cut(e.Reason, constituencySep)
}

// CandidateEvent is one step of a candidate's history.
type CandidateEvent struct {
	At     time.Time
	Actor  string
	From   string
	To     string
	Reason string
}

// CandidateDetail is a candidate with the rest of its record, its history, HQ's overrides and the boards
// it conflicts with.
type CandidateDetail struct {
	Candidate
	ElectionFa   string
	ElectionEn   string
	RegisteredBy string // the full name of the user who registered the candidate; "" when none did (synthetic rows)
	UpdatedAt    time.Time
	Events       []CandidateEvent
	Overrides    []Override
	Boards       []Board // boards of the same election with this person as member or in the pool, as a list has them
}

// CandidateByID returns one candidate in scope with its history, or ErrNotFound.
func (s *Store) CandidateByID(ctx context.Context, sc auth.Scope, id int64) (CandidateDetail, error) {
	var d CandidateDetail
	var b Batch
	b.CandidateByID(sc, id, &d)
	return d, s.Run(ctx, &b)
}

// CandidateByID queues the Store method of that name: the record in scope first, then its election's
// title, history, overrides and boards, read by the candidate's id alone. A candidate out of scope stops the
// batch at the first query with ErrNotFound, so nothing of the others is ever read.
func (b *Batch) CandidateByID(sc auth.Scope, id int64, out *CandidateDetail) {
	b.queue(`SELECT `+candidateCols+`, e.title_fa, e.title_en, coalesce(u.full_name, ''), k.updated_at`+candidateFrom+`
		JOIN elections e ON e.id = k.election_id LEFT JOIN users u ON u.id = k.registered_by
		WHERE`+candidateScope(sc)+`AND k.id = $4`, func(rows pgx.Rows) error {
		c, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (Candidate, error) {
			return scanCandidate(r, &out.ElectionFa, &out.ElectionEn, &out.RegisteredBy, &out.UpdatedAt)
		})
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		out.Candidate = c
		return err
	}, sc.ProvinceID, sc.CountyID, sc.DistrictID, id)
	b.queue(`SELECT e.at, coalesce(u.full_name, ''), e.from_status, e.to_status, e.reason
		FROM candidate_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.candidate_id = $1 ORDER BY e.at, e.id`,
		func(rows pgx.Rows) error {
			var err error
			out.Events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CandidateEvent])
			return err
		}, id)
	b.queue(`SELECT field, code, reason FROM candidate_overrides WHERE candidate_id = $1 ORDER BY id`, func(rows pgx.Rows) error {
		var err error
		out.Overrides, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Override])
		return err
	}, id)
	// The conflict is shown whatever the reader's scope: the boards are only named, not opened.
	b.queue(`WITH k AS (SELECT election_id, national_id FROM candidates WHERE id = $1)`+boardListSelect+`
		WHERE b.election_id = (SELECT election_id FROM k) AND (
		EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id AND m.national_id = (SELECT national_id FROM k)) OR
		EXISTS (SELECT 1 FROM board_pool p WHERE p.board_id = b.id AND p.national_id = (SELECT national_id FROM k)))`,
		func(rows pgx.Rows) error {
			var err error
			out.Boards, err = scanBoardList(rows, 1)
			return err
		}, id)
}

// CorrectCandidate corrects the registration's data of a candidate in scope (not its constituency, which
// changes only under the lifecycle's rule: ChangeConstituency) if nobody changed the record since version,
// with HQ's overrides of the problems the correction raised. A new national ID is held to what a
// registration is: one per person per election (DuplicateError), no board seat of the same election
// unless HQ overrode it (BoardConflictError). The audit row holds the fields that changed, before and
// after. It reports whether anything changed: a correction that changes nothing writes nothing.
func (s *Store) CorrectCandidate(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, c NewCandidate,
	overrides []Override) (bool, error) {
	changed := false
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		changed = false
		rows, err := tx.Query(ctx, candidateSelect+` WHERE`+candidateScope(sc)+`AND k.id = $4 FOR UPDATE OF k`,
			sc.ProvinceID, sc.CountyID, sc.DistrictID, id)
		if err != nil {
			return nil, err
		}
		cur, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Candidate])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if cur.Version != version {
			return nil, ErrConflict
		}
		before, after := correctionDiff(cur, c)
		if len(after) == 0 && len(overrides) == 0 {
			return nil, nil
		}
		if cur.NationalID != c.NationalID {
			if err := checkNationalID(ctx, tx, cur.ElectionID, id, c.NationalID, overrides); err != nil {
				return nil, err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE candidates SET full_name = $2, name_norm = $3, father_name = $4, national_id = $5,
			gender = $6, birth_date = $7, education = $8, occupation = $9, phone = $10, tracking_id = $11, veteran = $12,
			military_service = $13, listed_post = $14, certificate_date = $15, resignation_date = $16,
			version = version + 1, updated_at = now() WHERE id = $1`,
			id, c.FullName, persian.Normalize(c.FullName), c.FatherName, c.NationalID, c.Gender, c.BirthDate, c.Education,
			c.Occupation, c.Phone, c.TrackingID, c.Veteran, c.MilitaryService, c.ListedPost, c.CertificateDate, c.ResignationDate)
		if isUniqueViolation(err) {
			return nil, &DuplicateError{}
		}
		if err != nil {
			return nil, err
		}
		if err := insertOverrides(ctx, tx, a, id, overrides); err != nil {
			return nil, err
		}
		if len(overrides) > 0 {
			after["overrides"] = overrides
		}
		changed = true
		return []audit.Entry{{Action: "candidate.correct", Entity: "candidate", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: cur.ProvinceID, Detail: audit.Change{Before: before, After: after}}}, nil
	})
	return changed, err
}

// checkNationalID takes the election's registration lock, then refuses a national ID that another
// candidate of the election than id (0 for a new registration) has, or that sits on one of the election's
// boards or pools unless HQ overrode that. A registration and a correction are checked alike.
func checkNationalID(ctx context.Context, tx pgx.Tx, electionID, id int64, nationalID string, overrides []Override) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('candidates:' || $1::bigint))`, electionID); err != nil {
		return err
	}
	var dup DuplicateError
	err := tx.QueryRow(ctx, `SELECT co.name_fa, co.name_en FROM candidates k JOIN counties co ON co.id = k.county_id
		WHERE k.election_id = $1 AND k.national_id = $2 AND k.id <> $3`, electionID, nationalID, id).Scan(&dup.CountyFa, &dup.CountyEn)
	if err == nil {
		return &dup
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if overridden(overrides, "national_id", "board_member") {
		return nil
	}
	var boards BoardConflictError
	if err := tx.QueryRow(ctx, `
		SELECT `+boardCountyNames+` FROM boards b JOIN counties co ON co.id = b.county_id
		WHERE b.election_id = $1 AND (
		  EXISTS (SELECT 1 FROM board_members m WHERE m.board_id = b.id AND m.national_id = $2) OR
		  EXISTS (SELECT 1 FROM board_pool p WHERE p.board_id = b.id AND p.national_id = $2))`,
		electionID, nationalID).Scan(&boards.Fa, &boards.En); err != nil {
		return err
	}
	if len(boards.Fa) > 0 {
		return &boards
	}
	return nil
}

// correctionDiff is what a correction changes of a record: each changed field's value before and after,
// written as the registration's audit row writes them.
func correctionDiff(cur Candidate, c NewCandidate) (before, after map[string]any) {
	day := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(time.DateOnly)
	}
	birth := c.BirthDate
	was := map[string]any{"full_name": cur.FullName, "father_name": cur.FatherName, "national_id": cur.NationalID,
		"gender": cur.Gender, "birth_date": day(cur.BirthDate), "education": cur.Education, "occupation": cur.Occupation,
		"phone": cur.Phone, "tracking_id": cur.TrackingID, "veteran": cur.Veteran, "military_service": cur.MilitaryService,
		"listed_post": cur.ListedPost, "certificate_date": day(cur.CertificateDate), "resignation_date": day(cur.ResignationDate)}
	is := map[string]any{"full_name": c.FullName, "father_name": c.FatherName, "national_id": c.NationalID,
		"gender": c.Gender, "birth_date": day(&birth), "education": c.Education, "occupation": c.Occupation,
		"phone": c.Phone, "tracking_id": c.TrackingID, "veteran": c.Veteran, "military_service": c.MilitaryService,
		"listed_post": c.ListedPost, "certificate_date": day(c.CertificateDate), "resignation_date": day(c.ResignationDate)}
	before, after = map[string]any{}, map[string]any{}
	for k, v := range is {
		if was[k] != v {
			before[k], after[k] = was[k], v
		}
	}
	return before, after
}

// ChangeCandidateStatus moves a candidate along the lifecycle if nobody changed it since version.
func (s *Store) ChangeCandidateStatus(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, to, reason string,
	now time.Time, rules candidacy.Rules) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var from string
		var announced *time.Time
		var cur, province int64
		var v int
		err := tx.QueryRow(ctx, `SELECT k.id, k.status, k.announced_at, k.version, k.province_id FROM candidates k
			WHERE`+candidateScope(sc)+`AND k.id = $4 FOR UPDATE`, sc.ProvinceID, sc.CountyID, sc.DistrictID, id).Scan(&cur, &from, &announced, &v, &province)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if v != version {
			return nil, ErrConflict
		}
		if err := candidacy.Check(candidacy.Change{From: from, To: to, Reason: reason, Now: now, AnnouncedAt: announced}, rules); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE candidates SET status = $2, version = version + 1, updated_at = now(),
			announced_at = CASE WHEN $2 = 'preliminary_announced' THEN $3 ELSE announced_at END WHERE id = $1`, id, to, now); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO candidate_events (candidate_id, actor_id, from_status, to_status, reason, at)
			VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6)`, id, a.ID, from, to, reason, now); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "candidate.status", Entity: "candidate", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: province, Detail: audit.Change{Before: map[string]string{"status": from},
				After: map[string]string{"status": to, "reason": reason}}}}, nil
	})
}

// ChangeConstituency moves a candidate to another constituency under the lifecycle's rules (once, within
// the county, until its deadline), if nobody changed the candidate since version.
func (s *Store) ChangeConstituency(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, k Constituency,
	now, electionDay time.Time, rules candidacy.Rules) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var status, from string
		var county int64
		var changes, v int
		err := tx.QueryRow(ctx, `SELECT k.status, k.county_id, k.constituency_changes, k.version,
			    coalesce((SELECT code FROM districts WHERE id = k.district_id), (SELECT code FROM cities WHERE id = k.city_id))
			FROM candidates k WHERE`+candidateScope(sc)+`AND k.id = $4 FOR UPDATE`,
			sc.ProvinceID, sc.CountyID, sc.DistrictID, id).Scan(&status, &county, &changes, &v, &from)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if v != version {
			return nil, ErrConflict
		}
		if candidacy.Final(status) {
			return nil, candidacy.ErrIllegal
		}
		if err := candidacy.ConstituencyChange(changes, k.CountyID == county, now, electionDay, rules); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE candidates SET county_id = $2, district_id = NULLIF($3, 0), city_id = NULLIF($4, 0),
			constituency_changes = constituency_changes + 1, version = version + 1, updated_at = now() WHERE id = $1`,
			id, k.CountyID, k.DistrictID, k.CityID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO candidate_events (candidate_id, actor_id, from_status, to_status, reason, at)
			VALUES ($1, NULLIF($2, 0), $3, $3, $4, $5)`, id, a.ID, status, from+constituencySep+k.Code, now); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "candidate.constituency", Entity: "candidate", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: k.ProvinceID, Detail: audit.Change{Before: map[string]string{"constituency": from},
				After: map[string]string{"constituency": k.Code}}}}, nil
	})
}

// CandidateRules lists every kind's rule.
func (s *Store) CandidateRules(ctx context.Context) ([]CandidateRule, error) {
	return cachedList(ctx, s, readsCandidateRules, "candidate-rules", s.candidateRules, nil)
}

func (s *Store) candidateRules(ctx context.Context) ([]CandidateRule, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.kind, r.min_age, r.age_on_election_day, r.village_small_households, r.city_small_population, r.certificate_max_months,
		       r.resignation_min_months, r.objection_days, r.constituency_change_until_days, r.max_constituency_changes, r.uncertain, r.version
		FROM candidate_rules r JOIN election_kinds k ON k.key = r.kind ORDER BY k.position`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[CandidateRule])
}

// UpdateCandidateRule changes one kind's numbers if nobody changed them since the rule's version; the
// rule is then the national HQ's decision, no longer an uncertain default. The law is national, so the
// audit row belongs to no province and every province reads it.
func (s *Store) UpdateCandidateRule(ctx context.Context, a audit.Actor, r CandidateRule) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		rows, err := tx.Query(ctx, `
			SELECT kind, min_age, age_on_election_day, village_small_households, city_small_population, certificate_max_months,
			       resignation_min_months, objection_days, constituency_change_until_days, max_constituency_changes, uncertain, version
			FROM candidate_rules WHERE kind = $1 FOR UPDATE`, r.Kind)
		if err != nil {
			return nil, err
		}
		before, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[CandidateRule])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if before.Version != r.Version {
			return nil, ErrConflict
		}
		if _, err := tx.Exec(ctx, `UPDATE candidate_rules SET min_age = $2, age_on_election_day = $3, village_small_households = $4,
			city_small_population = $5, certificate_max_months = $6, resignation_min_months = $7, objection_days = $8,
			constituency_change_until_days = $9, max_constituency_changes = $10, uncertain = false, version = version + 1
			WHERE kind = $1`, r.Kind, r.MinAge, r.AgeOnElectionDay, r.VillageSmallHouseholds, r.CitySmallPopulation,
			r.CertificateMaxMonths, r.ResignationMinMonths, r.ObjectionDays, r.ConstituencyChangeUntilDays, r.MaxConstituencyChanges); err != nil {
			return nil, err
		}
		after := r
		after.Uncertain, after.Version = false, before.Version+1
		return []audit.Entry{{Action: "candidate_rules.update", Entity: "candidate_rules", EntityID: r.Kind,
			Detail: audit.Change{Before: before, After: after}}}, nil
	})
}
