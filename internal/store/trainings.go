package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
)

// The committees' training sessions (migration 0028). A committee member schedules a session of his
// committee for an audience of his province; each place it reaches is an invitee. A reader sees a session
// when it reaches his scope: HQ, observers and committee members every session of the province (the
// Ministry of the province it chose), a governor those inviting his county or its districts, a district
// head those inviting his district; of its invitees, those in his scope. The invited place's governor or
// district head confirms; the session's committee records who attended.

// Errors of the trainings the handlers answer 403 to: the caller sees the session but may not act on it.
var (
	ErrTrainingNoCommittee    = errors.New("store: the member is on no committee")
	ErrTrainingNotInvited     = errors.New("store: the caller's place is not invited to the session")
	ErrTrainingOtherCommittee = errors.New("store: the session is another committee's")
)

// Training is a session as a reader sees it; Invited, Confirmed and Attended count its invitees in the
// reader's scope.
type Training struct {
	ID            int64
	ProvinceID    int64
	Committee     string
	CommitteeFa   string
	CommitteeEn   string
	Title         string
	StartsAt      time.Time
	Place         string
	Audience      string
	Counties      []string
	WithDistricts bool
	CreatedBy     int64
	CreatedByName string
	CreatedAt     time.Time
	Version       int
	Invited       int
	Confirmed     int
	Attended      int
}

// Invitee is a place invited to a session, with its confirmation and its attendance as recorded.
type Invitee struct {
	ID            int64
	CountyID      int64
	DistrictID    int64
	CountyCode    string
	CountyFa      string
	CountyEn      string
	DistrictCode  string
	DistrictFa    string
	DistrictEn    string
	ConfirmedAt   *time.Time
	ConfirmedBy   string
	Attended      *bool
	Attendees     *int
	AttendeeNames string
	RecordedAt    *time.Time
}

// MaxTrainings bounds the sessions a list reads, the latest first.
const MaxTrainings = 200

// trainingSelect reads sessions with the counts of their invitees in scope ($2 county, $3 district); a
// session with none in scope is not read.
const trainingSelect = `
	SELECT t.id, t.province_id, t.committee_key, k.name_fa, k.name_en, t.title, t.starts_at, t.place, t.audience,
	       t.counties, t.include_districts, t.created_by, coalesce(u.full_name, ''), t.created_at, t.version,
	       count(i.id)::int, count(i.confirmed_at)::int, (count(*) FILTER (WHERE i.attended))::int
	FROM trainings t
	JOIN province_committees k ON k.province_id = t.province_id AND k.key = t.committee_key
	LEFT JOIN users u ON u.id = t.created_by
	JOIN training_invitees i ON i.training_id = t.id AND ($2 = 0 OR i.county_id = $2) AND ($3 = 0 OR i.district_id = $3)
	WHERE ($1 = 0 OR t.province_id = $1)`

const trainingGroup = ` GROUP BY t.id, k.name_fa, k.name_en, u.full_name`

// Trainings lists the sessions in scope, the latest first, at most MaxTrainings. sc.ProvinceID is the
// province read (the Ministry's choice); a scope without one reads nothing.
func (s *Store) Trainings(ctx context.Context, sc auth.Scope) ([]Training, error) {
	var ts []Training
	var b Batch
	b.Trainings(sc, &ts)
	return ts, s.Run(ctx, &b)
}

// Trainings queues the Store method of that name.
func (b *Batch) Trainings(sc auth.Scope, out *[]Training) {
	b.queue(trainingSelect+trainingGroup+` ORDER BY t.starts_at DESC, t.id DESC LIMIT `+strconv.Itoa(MaxTrainings),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Training])
			return err
		}, scopeArgs(sc)...)
}

// Training reads one session in scope with its invitees in scope; one the scope does not reach is
// ErrNotFound.
func (s *Store) Training(ctx context.Context, sc auth.Scope, id int64) (Training, []Invitee, error) {
	var t Training
	var is []Invitee
	var b Batch
	b.Training(sc, id, &t, &is)
	return t, is, s.Run(ctx, &b)
}

// Training queues the Store method of that name.
func (b *Batch) Training(sc auth.Scope, id int64, out *Training, invitees *[]Invitee) {
	args := append(scopeArgs(sc), id)
	b.queueRow(trainingSelect+` AND t.id = $4`+trainingGroup, func(row pgx.Row) error {
		return row.Scan(&out.ID, &out.ProvinceID, &out.Committee, &out.CommitteeFa, &out.CommitteeEn, &out.Title, &out.StartsAt,
			&out.Place, &out.Audience, &out.Counties, &out.WithDistricts, &out.CreatedBy, &out.CreatedByName, &out.CreatedAt,
			&out.Version, &out.Invited, &out.Confirmed, &out.Attended)
	}, args...)
	b.queue(`
		SELECT i.id, i.county_id, coalesce(i.district_id, 0), c.code, c.name_fa, c.name_en,
		       coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''),
		       i.confirmed_at, coalesce(cu.full_name, ''), i.attended, i.attendees, i.attendee_names, i.recorded_at
		FROM training_invitees i
		JOIN trainings t ON t.id = i.training_id AND ($1 = 0 OR t.province_id = $1)
		JOIN counties c ON c.id = i.county_id
		LEFT JOIN districts d ON d.id = i.district_id
		LEFT JOIN users cu ON cu.id = i.confirmed_by
		WHERE i.training_id = $4 AND ($2 = 0 OR i.county_id = $2) AND ($3 = 0 OR i.district_id = $3)
		ORDER BY c.name_fa, c.id, i.district_id NULLS FIRST, d.name_fa`, func(rows pgx.Rows) (err error) {
		*invitees, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Invitee])
		return err
	}, args...)
}

// Invitation is a session a governor's or district head's own place is invited to.
type Invitation struct {
	TrainingID int64
	Title      string
	StartsAt   time.Time
	Place      string
	Confirmed  bool
}

// MaxInvitations bounds the invitations a home page lists.
const MaxInvitations = 10

// Invitations queues the sessions from since on that the scope's own place (a district head's district,
// a governor's county itself) is invited to, the soonest first, at most MaxInvitations. Other scopes have
// no place of their own and read none.
func (b *Batch) Invitations(sc auth.Scope, since time.Time, out *[]Invitation) {
	if sc.CountyID == 0 {
		return
	}
	b.queue(`
		SELECT t.id, t.title, t.starts_at, t.place, i.confirmed_at IS NOT NULL
		FROM training_invitees i JOIN trainings t ON t.id = i.training_id
		WHERE t.province_id = $1 AND i.county_id = $2 AND i.district_id IS NOT DISTINCT FROM NULLIF($3, 0) AND t.starts_at >= $4
		ORDER BY t.starts_at, t.id LIMIT `+strconv.Itoa(MaxInvitations), func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Invitation])
		return err
	}, sc.ProvinceID, sc.CountyID, sc.DistrictID, since)
}

// NewTraining is a session as its form gives it.
type NewTraining struct {
	Title    string
	StartsAt time.Time
	Place    string
	Audience audience.Audience
}

// ScheduleTraining schedules a session of the caller's committee for its audience in his province with its
// materials (files, attached in order), invites each place the audience reaches and tells their governors
// and district heads. A member on no committee is ErrTrainingNoCommittee; a county of the audience not of
// the province ErrUnknownCounty; more than MaxAttachments files ErrTooManyAttachments.
func (s *Store) ScheduleTraining(ctx context.Context, a audit.Actor, sc auth.Scope, t NewTraining, files []NewAttachment) (int64, error) {
	if sc.Committee == "" || sc.ProvinceID == 0 {
		return 0, ErrTrainingNoCommittee
	}
	kind := "counties"
	if t.Audience.Province {
		kind = "province"
	}
	counties := t.Audience.Counties
	if counties == nil || t.Audience.Province {
		counties = []string{}
	}
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		places, err := audiencePlaces(ctx, tx, sc.ProvinceID, t.Audience)
		if err != nil {
			return nil, err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO trainings (province_id, committee_key, title, starts_at, place, audience, counties, include_districts, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			sc.ProvinceID, sc.Committee, t.Title, t.StartsAt, t.Place, kind, counties, t.Audience.WithDistricts, a.ID).Scan(&id); err != nil {
			return nil, err
		}
		cs, ds := make([]int64, len(places)), make([]int64, len(places))
		for i, p := range places {
			cs[i], ds[i] = p.CountyID, p.DistrictID
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO training_invitees (training_id, county_id, district_id)
			SELECT $1, c, NULLIF(d, 0) FROM unnest($2::bigint[], $3::bigint[]) AS x(c, d)`, id, cs, ds); err != nil {
			return nil, err
		}
		added, err := addAttachments(ctx, tx, OwnerTraining, id, a.ID, files)
		if err != nil {
			return nil, err
		}
		if err := notify(ctx, tx, Recipients{Places: places, ProvinceID: sc.ProvinceID, Except: a.ID},
			Notice{Kind: NoticeTrainingNew, Subject: "training", SubjectID: id, TitleFa: t.Title}); err != nil {
			return nil, err
		}
		day := t.StartsAt.In(i18n.Tehran)
		after := map[string]any{"title": t.Title, "date": day.Format(time.DateOnly), "time": day.Format("15:04"), "place": t.Place,
			"committee": sc.Committee, "audience": kind, "include_districts": t.Audience.WithDistricts, "invitees": len(places)}
		if !t.Audience.Province {
			after["county"] = counties
		}
		if len(added) > 0 {
			after["attachments"] = added
		}
		return []audit.Entry{{Action: "training.schedule", Entity: "training", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{After: after}}}, nil
	})
	return id, err
}

// lockTraining locks a session of the province, or answers ErrNotFound.
func lockTraining(ctx context.Context, tx pgx.Tx, provinceID, id int64) (committee string, version int, err error) {
	err = tx.QueryRow(ctx, `SELECT committee_key, version FROM trainings WHERE id = $1 AND province_id = $2 FOR UPDATE`,
		id, provinceID).Scan(&committee, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	return committee, version, err
}

// AttachToTraining adds materials to a session of the member's committee, after those it has: a session not
// of his province is ErrNotFound, another committee's ErrTrainingOtherCommittee; more than MaxAttachments
// in all ErrTooManyAttachments.
func (s *Store) AttachToTraining(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, files []NewAttachment) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		committee, _, err := lockTraining(ctx, tx, sc.ProvinceID, id)
		if err != nil {
			return nil, err
		}
		if sc.Committee == "" || committee != sc.Committee {
			return nil, ErrTrainingOtherCommittee
		}
		added, err := addAttachments(ctx, tx, OwnerTraining, id, a.ID, files)
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "training.attach", Entity: "training", EntityID: strconv.FormatInt(id, 10), ProvinceID: sc.ProvinceID,
			Detail: audit.Change{After: map[string]any{"attachments": added}}}}, nil
	})
}

// ConfirmTraining records that the caller's own place (a governor's county, a district head's district)
// will attend the session. A session out of the caller's scope is ErrNotFound; one that does not invite
// his own place (a governor's county when only its districts are) ErrTrainingNotInvited. A place
// confirms once: a second confirmation changes nothing.
func (s *Store) ConfirmTraining(ctx context.Context, a audit.Actor, sc auth.Scope, id int64) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if _, _, err := lockTraining(ctx, tx, sc.ProvinceID, id); err != nil {
			return nil, err
		}
		var inScope, own, confirmed bool
		var county, district string
		err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM training_invitees WHERE training_id = $1 AND ($2 = 0 OR county_id = $2) AND ($3 = 0 OR district_id = $3)),
			       i.id IS NOT NULL, i.confirmed_at IS NOT NULL, coalesce(c.code, ''), coalesce(d.code, '')
			FROM (SELECT 1) one
			LEFT JOIN training_invitees i ON i.training_id = $1 AND $2 <> 0 AND i.county_id = $2
			  AND i.district_id IS NOT DISTINCT FROM NULLIF($3, 0)
			LEFT JOIN counties c ON c.id = i.county_id
			LEFT JOIN districts d ON d.id = i.district_id`, id, sc.CountyID, sc.DistrictID).Scan(&inScope, &own, &confirmed, &county, &district)
		switch {
		case err != nil:
			return nil, err
		case !inScope:
			return nil, ErrNotFound
		case !own:
			return nil, ErrTrainingNotInvited
		case confirmed:
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `
			UPDATE training_invitees SET confirmed_at = now(), confirmed_by = $4
			WHERE training_id = $1 AND county_id = $2 AND district_id IS NOT DISTINCT FROM NULLIF($3, 0)`,
			id, sc.CountyID, sc.DistrictID, a.ID); err != nil {
			return nil, err
		}
		facts := map[string]any{"county": county}
		if district != "" {
			facts["district"] = district
		}
		return []audit.Entry{{Action: "training.confirm", Entity: "training", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: facts}}, nil
	})
}

// Attendance is what the committee records of an invited place: whether it attended (nil: not yet
// known), how many came and who, when it says.
type Attendance struct {
	InviteeID int64
	Attended  *bool
	Attendees *int
	Names     string
}

// RecordAttendance records the attendance of the session's invited places, as of its version. Only a
// member of the session's committee records it (ErrTrainingOtherCommittee); a session not of the
// caller's province, or an invitee not of the session, is ErrNotFound; a stale version ErrConflict.
// Each place whose record changes is audited.
func (s *Store) RecordAttendance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, rows []Attendance) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		committee, v, err := lockTraining(ctx, tx, sc.ProvinceID, id)
		if err != nil {
			return nil, err
		}
		if sc.Committee == "" || committee != sc.Committee {
			return nil, ErrTrainingOtherCommittee
		}
		if v != version {
			return nil, ErrConflict
		}
		type current struct {
			county, district string
			attended         *bool
			attendees        *int
			names            string
		}
		cur := map[int64]current{}
		rs, err := tx.Query(ctx, `
			SELECT i.id, c.code, coalesce(d.code, ''), i.attended, i.attendees, i.attendee_names
			FROM training_invitees i JOIN counties c ON c.id = i.county_id LEFT JOIN districts d ON d.id = i.district_id
			WHERE i.training_id = $1 FOR UPDATE OF i`, id)
		if err != nil {
			return nil, err
		}
		var (
			inv int64
			c   current
		)
		if _, err := pgx.ForEachRow(rs, []any{&inv, &c.county, &c.district, &c.attended, &c.attendees, &c.names}, func() error {
			cur[inv] = c
			return nil
		}); err != nil {
			return nil, err
		}
		var entries []audit.Entry
		for _, r := range rows {
			before, ok := cur[r.InviteeID]
			if !ok {
				return nil, ErrNotFound
			}
			if eqBool(before.attended, r.Attended) && eqInt(before.attendees, r.Attendees) && before.names == r.Names {
				continue
			}
			if _, err := tx.Exec(ctx, `
				UPDATE training_invitees SET attended = $2, attendees = $3, attendee_names = $4, recorded_at = now(), recorded_by = $5
				WHERE id = $1`, r.InviteeID, r.Attended, r.Attendees, r.Names, a.ID); err != nil {
				return nil, err
			}
			after := map[string]any{"county": before.county, "attended": r.Attended, "attendee_names": r.Names}
			if before.district != "" {
				after["district"] = before.district
			}
			if r.Attendees != nil {
				after["attendees"] = *r.Attendees
			}
			// What the place's record held, so that an attendance cleared or changed can be told back.
			was := map[string]any{}
			if before.attended != nil {
				was["attended"] = *before.attended
			}
			if before.attendees != nil {
				was["attendees"] = *before.attendees
			}
			if before.names != "" {
				was["attendee_names"] = before.names
			}
			change := audit.Change{After: after}
			if len(was) > 0 {
				change.Before = was
			}
			entries = append(entries, audit.Entry{Action: "training.attendance", Entity: "training", EntityID: strconv.FormatInt(id, 10),
				ProvinceID: sc.ProvinceID, Detail: change})
		}
		if len(entries) == 0 {
			return nil, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE trainings SET version = version + 1 WHERE id = $1`, id); err != nil {
			return nil, err
		}
		return entries, nil
	})
}

func eqBool(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func eqInt(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// CountyTraining is how far a county's places (the county itself and each of its districts) have been
// trained: how many were invited to a session, confirmed one, attended one; CountyUntrained says whether
// the county itself (its governorate) has attended none, DistrictsFa and DistrictsEn name its districts
// that have attended none.
type CountyTraining struct {
	CountyID        int64
	Code            string
	NameFa          string
	NameEn          string
	Places          int
	Invited         int
	Confirmed       int
	Attended        int
	CountyUntrained bool
	DistrictsFa     []string
	DistrictsEn     []string
}

// NotTrained is how many of the county's places have attended no session.
func (c CountyTraining) NotTrained() int { return c.Places - c.Attended }

// TrainingCoverage is, for each county of a province, how far its places have been trained by any
// committee's sessions, in one query: the figure HQ follows and the monitoring reads.
func (s *Store) TrainingCoverage(ctx context.Context, provinceID int64) ([]CountyTraining, error) {
	var cs []CountyTraining
	var b Batch
	b.TrainingCoverage(provinceID, &cs)
	return cs, s.Run(ctx, &b)
}

// TrainingCoverage queues the Store method of that name.
func (b *Batch) TrainingCoverage(provinceID int64, out *[]CountyTraining) {
	b.queue(`
		WITH places AS (
			SELECT c.id AS county_id, 0::bigint AS district_id, c.name_fa, c.name_en FROM counties c WHERE c.province_id = $1
			UNION ALL
			SELECT d.county_id, d.id, d.name_fa, d.name_en FROM districts d JOIN counties c ON c.id = d.county_id WHERE c.province_id = $1
		), marks AS (
			SELECT i.county_id, coalesce(i.district_id, 0) AS district_id,
			       true AS invited, bool_or(i.confirmed_at IS NOT NULL) AS confirmed, coalesce(bool_or(i.attended), false) AS attended
			FROM training_invitees i JOIN trainings t ON t.id = i.training_id AND t.province_id = $1
			GROUP BY 1, 2
		)
		SELECT c.id, c.code, c.name_fa, c.name_en, count(*)::int,
		       count(*) FILTER (WHERE m.invited)::int, count(*) FILTER (WHERE m.confirmed)::int,
		       count(*) FILTER (WHERE m.attended)::int,
		       bool_or(p.district_id = 0 AND m.attended IS NOT TRUE),
		       coalesce(array_agg(p.name_fa ORDER BY p.name_fa) FILTER (WHERE p.district_id <> 0 AND m.attended IS NOT TRUE), '{}'),
		       coalesce(array_agg(p.name_en ORDER BY p.name_fa) FILTER (WHERE p.district_id <> 0 AND m.attended IS NOT TRUE), '{}')
		FROM places p JOIN counties c ON c.id = p.county_id
		LEFT JOIN marks m ON m.county_id = p.county_id AND m.district_id = p.district_id
		GROUP BY c.id ORDER BY c.name_fa, c.id`, func(rows pgx.Rows) (err error) {
		*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CountyTraining])
		return err
	}, provinceID)
}

// UntrainedPlace is a place (a county's governorate, DistrictCode "", or a district) that has attended no
// session: how many sessions invited it and how many of those it confirmed.
type UntrainedPlace struct {
	CountyCode   string
	CountyFa     string
	CountyEn     string
	DistrictCode string
	DistrictFa   string
	DistrictEn   string
	Invited      int
	Confirmed    int
}

// untrainedPlaces are the places of the scope ($1 province, $2 county, $3 district; a district's scope
// has no county's own place) that attended no session, the same rule as TrainingCoverage's.
func untrainedPlaces(sc auth.Scope, own bool) string {
	return `
		WITH places AS (
			SELECT c.id AS county_id, 0::bigint AS district_id FROM counties c
			WHERE` + scopeOn(sc, "c.province_id", "c.id", "0") + `
			UNION ALL
			SELECT d.county_id, d.id FROM districts d JOIN counties c ON c.id = d.county_id
			WHERE` + scopeOn(sc, "c.province_id", "c.id", "d.id") + `
		), marks AS (
			SELECT i.county_id, coalesce(i.district_id, 0) AS district_id, count(*)::int AS invited,
			       count(*) FILTER (WHERE i.confirmed_at IS NOT NULL)::int AS confirmed,
			       coalesce(bool_or(i.attended), false) AS attended
			FROM training_invitees i
			JOIN places p ON p.county_id = i.county_id AND p.district_id = coalesce(i.district_id, 0)
			GROUP BY 1, 2
		), untrained AS (
			SELECT p.county_id, p.district_id, coalesce(m.invited, 0) AS invited, coalesce(m.confirmed, 0) AS confirmed
			FROM places p LEFT JOIN marks m ON m.county_id = p.county_id AND m.district_id = p.district_id
			WHERE m.attended IS NOT TRUE` + optional(own, " AND p.district_id = 0", "") + `
		)`
}

// UntrainedPlaces is the queueing read of a page of the places of the scope that attended no session, by
// county, the governorate before its districts, and districts by name; total is how many there are
// (TrainingCoverage's NotTrained summed over the scope's counties).
func (b *Batch) UntrainedPlaces(ctx context.Context, sc auth.Scope, own bool, page, size int, out *[]UntrainedPlace, total *int) {
	args := scopeArgs(sc)
	b.queue(untrainedPlaces(sc, own)+`
		SELECT c.code, c.name_fa, c.name_en, coalesce(d.code, ''), coalesce(d.name_fa, ''), coalesce(d.name_en, ''),
		       u.invited, u.confirmed
		FROM untrained u JOIN counties c ON c.id = u.county_id LEFT JOIN districts d ON d.id = u.district_id
		ORDER BY `+byName(ctx, "c.name_fa", "c.name_en")+`, c.id, u.district_id <> 0, `+
		byName(ctx, "coalesce(d.name_fa, '')", "coalesce(d.name_en, '')")+`, u.district_id`+
		pageOf(size, (max(page, 1)-1)*size, &args),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[UntrainedPlace])
			return err
		}, args...)
	b.queueRow(untrainedPlaces(sc, own)+` SELECT count(*)::int FROM untrained`,
		func(row pgx.Row) error { return row.Scan(total) }, scopeArgs(sc)...)
}

// trainingReminderAhead is how long before a session its invited places are reminded of it.
const trainingReminderAhead = 24 * time.Hour

// sweepTrainings reminds, as of now, the invited places of each session that begins within a day: each
// county's governor and each district's head, once per session, user and starting time (a session moved
// is reminded of again).
func sweepTrainings(ctx context.Context, tx pgx.Tx, now time.Time) (int64, error) {
	tag, err := tx.Exec(ctx, `
		INSERT INTO notifications (user_id, kind, subject, subject_id, title, dedup)
		SELECT u.id, 'training_reminder', 'training', t.id, t.title,
		       'training_reminder ' || t.id || ' ' || to_char(t.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI')
		FROM trainings t JOIN training_invitees i ON i.training_id = t.id
		JOIN users u ON u.disabled_at IS NULL AND (
			i.district_id IS NULL AND u.role = 'governor' AND u.county_id = i.county_id
			OR u.role = 'district_head' AND u.district_id = i.district_id)
		WHERE t.starts_at > $1 AND t.starts_at <= $1 + $2::interval
		ON CONFLICT (user_id, dedup) DO NOTHING`, now, trainingReminderAhead)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
