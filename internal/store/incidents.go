package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
)

// Incidents of the election systems (migration 0032). A county (its governor) or a district (its head)
// reports an incident against one of its province's systems, with the districts of its county that it
// affects; the committee that owns the system then (copied onto the incident) acknowledges it, works on
// it with notes and resolves it. The reporting place, or the committee, changes its severity and reopens
// it when it comes back. A critical incident tells the province's HQ and the committee at once.
//
// An incident is read in the scope of its place: the province's readers read all of it, a governor his
// county's, a district head those his district reported or that affect it; the Ministry any province.

// The incidents' severities, lowest first, and their states.
var (
	Severities       = []string{"low", "medium", "high", "critical"}
	IncidentStatuses = []string{"open", "acknowledged", "resolved"}
)

// IncidentPageSize is how many incidents a page of the list shows.
const IncidentPageSize = 30

// Refusals of the incidents' acts.
var (
	// ErrIncidentState: the act does not apply to the incident as it is (acknowledging one acknowledged
	// or resolved, resolving one resolved, reopening one that is not).
	ErrIncidentState = errors.New("store: the incident is not in a state for this act")
	ErrIncidentLower = errors.New("store: the reporting place only raises an incident's severity")
	// ErrNotReporter: the caller reports no incident: he has no place of his own.
	ErrNotReporter = errors.New("store: the caller has no place to report from")
)

// Incident is an incident with the names its pages show. DistrictID is the district that reported it,
// 0 when its county did.
type Incident struct {
	ID           int64
	ProvinceID   int64
	CountyID     int64
	DistrictID   int64
	CountyCode   string
	CountyFa     string
	CountyEn     string
	DistrictFa   string
	DistrictEn   string
	System       string
	SystemFa     string
	SystemEn     string
	Committee    string
	CommitteeFa  string
	CommitteeEn  string
	Title        string
	Body         string // "" in a list
	Severity     string
	Status       string
	Since        time.Time
	ReportedBy   int64
	ReporterName string
	ReportedAt   time.Time
	AckedAt      *time.Time
	ResolvedAt   *time.Time
	Resolution   string
	Version      int
}

// Resolved reports whether the incident is resolved.
func (i Incident) Resolved() bool { return i.Status == "resolved" }

// IncidentEvent is a line of an incident's thread: its report, acknowledgement, a note, a change of
// severity (Severity the new one), its resolution (Note the resolution), a reopening (Note why).
type IncidentEvent struct {
	ID       int64
	Kind     string
	Note     string
	Severity string
	ByName   string
	At       time.Time
}

// IncidentDistrict is a district an incident affects.
type IncidentDistrict struct {
	Code   string
	NameFa string
	NameEn string
}

// IncidentFilter narrows the list: a county (its code), a severity, a state (open, acknowledged,
// resolved, or unresolved: not resolved), a system (its key); Open keeps those not resolved.
type IncidentFilter struct {
	County   string
	Severity string
	Status   string
	System   string
	Open     bool
	Own      bool // those a county reported itself, not its districts
	Page     int
	Size     int // the page's size; 0 is IncidentPageSize
}

// incidentCols are an incident's columns, body the expression of its body.
func incidentCols(body string) string {
	return `i.id, i.province_id, i.county_id, coalesce(i.district_id, 0), c.code, c.name_fa, c.name_en,
		coalesce(d.name_fa, ''), coalesce(d.name_en, ''), i.system_key, s.name_fa, s.name_en, i.owner_committee, k.name_fa,
		k.name_en, i.title, ` + body + `, i.severity, i.status, i.since, i.reported_by, u.full_name, i.reported_at, i.acked_at,
		i.resolved_at, i.resolution, i.version
	FROM incidents i
	JOIN counties c ON c.id = i.county_id
	LEFT JOIN districts d ON d.id = i.district_id
	JOIN election_systems s ON s.province_id = i.province_id AND s.key = i.system_key
	JOIN province_committees k ON k.province_id = i.province_id AND k.key = i.owner_committee
	JOIN users u ON u.id = i.reported_by`
}

func (i *Incident) scan(row pgx.Row) error {
	return row.Scan(&i.ID, &i.ProvinceID, &i.CountyID, &i.DistrictID, &i.CountyCode, &i.CountyFa, &i.CountyEn, &i.DistrictFa,
		&i.DistrictEn, &i.System, &i.SystemFa, &i.SystemEn, &i.Committee, &i.CommitteeFa, &i.CommitteeEn, &i.Title, &i.Body,
		&i.Severity, &i.Status, &i.Since, &i.ReportedBy, &i.ReporterName, &i.ReportedAt, &i.AckedAt, &i.ResolvedAt, &i.Resolution,
		&i.Version)
}

func collectIncident(row pgx.CollectableRow) (Incident, error) {
	var i Incident
	err := i.scan(row)
	return i, err
}

// incidentScope filters incidents (alias i) by the reader's scope ($1 province, $2 county, $3 district):
// a district head reads those his district reported and those that affect it.
func incidentScope(sc auth.Scope) string {
	return " " + optional(sc.ProvinceID != 0, "i.province_id = $1", "$1 = 0") +
		" AND " + optional(sc.CountyID != 0, "i.county_id = $2", "$2 = 0") +
		" AND " + optional(sc.DistrictID != 0, `(i.district_id = $3 OR EXISTS (SELECT 1 FROM incident_districts x
			WHERE x.incident_id = i.id AND x.district_id = $3))`, "$3 = 0") + " "
}

// Incidents queues a page of the incidents in the reader's scope, newest reported first, narrowed by f,
// and how many there are.
func (b *Batch) Incidents(sc auth.Scope, f IncidentFilter, out *[]Incident, total *int) {
	args := scopeArgs(sc)
	where := incidentScope(sc)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.County != "" {
		where += ` AND i.county_id = (SELECT id FROM counties WHERE code = ` + arg(f.County) + `)`
	}
	if f.Own {
		where += ` AND i.district_id IS NULL`
	}
	if f.Severity != "" {
		where += ` AND i.severity = ` + arg(f.Severity)
	}
	switch {
	case f.Status == "unresolved" || f.Open:
		where += ` AND i.status <> 'resolved'`
		if f.Status != "unresolved" && f.Status != "" {
			where += ` AND i.status = ` + arg(f.Status)
		}
	case f.Status != "":
		where += ` AND i.status = ` + arg(f.Status)
	}
	if f.System != "" {
		where += ` AND i.system_key = ` + arg(f.System)
	}
	countArgs := append([]any(nil), args...)
	size := cmp.Or(f.Size, IncidentPageSize)
	b.queue(`SELECT `+incidentCols(`''`)+` WHERE`+where+` ORDER BY i.reported_at DESC, i.id DESC`+
		pageOf(size, (max(f.Page, 1)-1)*size, &args),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, collectIncident)
			return err
		}, args...)
	b.queueRow(`SELECT count(*) FROM incidents i WHERE`+where, func(row pgx.Row) error { return row.Scan(total) }, countArgs...)
}

// OpenIncidents queues how many incidents of the reader's scope are open (not resolved), by severity, low
// first, in the county of code county ("" for the whole scope): each incident once, as the list counts it.
func (b *Batch) OpenIncidents(sc auth.Scope, county string, out *[4]int) {
	b.queueRow(`SELECT count(*) FILTER (WHERE i.severity = 'low'), count(*) FILTER (WHERE i.severity = 'medium'),
		       count(*) FILTER (WHERE i.severity = 'high'), count(*) FILTER (WHERE i.severity = 'critical')
		FROM incidents i
		WHERE i.status <> 'resolved' AND ($4 = '' OR i.county_id = (SELECT id FROM counties WHERE code = $4)) AND`+incidentScope(sc),
		func(row pgx.Row) error { return row.Scan(&out[0], &out[1], &out[2], &out[3]) }, append(scopeArgs(sc), county)...)
}

// Incident queues one incident of the reader's scope, with its body; none is ErrNotFound.
func (b *Batch) Incident(sc auth.Scope, id int64, out *Incident) {
	b.queueRow(`SELECT `+incidentCols(`i.body`)+` WHERE i.id = $4 AND`+incidentScope(sc), out.scan, append(scopeArgs(sc), id)...)
}

// IncidentThread queues the thread of an incident of the reader's scope, oldest first, and the districts
// it affects.
func (b *Batch) IncidentThread(ctx context.Context, sc auth.Scope, id int64, events *[]IncidentEvent, districts *[]IncidentDistrict) {
	args := append(scopeArgs(sc), id)
	b.queue(`
		SELECT e.id, e.kind, e.note, coalesce(e.severity, ''), u.full_name, e.at
		FROM incident_events e JOIN incidents i ON i.id = e.incident_id JOIN users u ON u.id = e.by_user
		WHERE e.incident_id = $4 AND`+incidentScope(sc)+` ORDER BY e.id`,
		func(rows pgx.Rows) (err error) {
			*events, err = pgx.CollectRows(rows, pgx.RowToStructByPos[IncidentEvent])
			return err
		}, args...)
	b.queue(`
		SELECT d.code, d.name_fa, d.name_en
		FROM incident_districts x JOIN incidents i ON i.id = x.incident_id JOIN districts d ON d.id = x.district_id
		WHERE x.incident_id = $4 AND`+incidentScope(sc)+` ORDER BY `+byName(ctx, "d.name_fa", "d.name_en"),
		func(rows pgx.Rows) (err error) {
			*districts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[IncidentDistrict])
			return err
		}, args...)
}

// NewIncident is an incident as reported: the system's key, what happened, since when, how severe, and
// the codes of the districts of the reporter's county it affects (a district head's own district always).
// ReportedAt, when not zero, dates it (the demo's); else it is reported now.
type NewIncident struct {
	System     string
	Title      string
	Body       string
	Severity   string
	Since      time.Time
	Districts  []string
	ReportedAt time.Time
}

// systemDetail is a system's names for the log, which shows the one of the reader's language.
func systemDetail(fa, en string) map[string]any { return map[string]any{"fa": fa, "en": en} }

// ReportIncident records an incident reported from the caller's place (sc: a governor's county or a
// district head's district), tells the owner committee and, when it is critical, the province's HQ too.
// A system the province lacks or has retired is ErrUnknownSystem; a district not of the county
// ErrUnknownDistrict; a caller without a county ErrNotReporter.
func (s *Store) ReportIncident(ctx context.Context, a audit.Actor, sc auth.Scope, in NewIncident) (int64, error) {
	if sc.CountyID == 0 {
		return 0, ErrNotReporter
	}
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var owner, systemFa, systemEn, county string
		err := tx.QueryRow(ctx, `
			SELECT s.owner_committee, s.name_fa, s.name_en, c.code
			FROM election_systems s JOIN counties c ON c.id = $3 AND c.province_id = s.province_id
			WHERE s.province_id = $1 AND s.key = $2 AND s.retired_at IS NULL
			FOR SHARE OF s`,
			sc.ProvinceID, in.System, sc.CountyID).Scan(&owner, &systemFa, &systemEn, &county)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrUnknownSystem
		}
		if err != nil {
			return nil, err
		}
		codes := slices.Clone(in.Districts)
		var districtIDs []int64
		if sc.DistrictID != 0 {
			codes = nil
			districtIDs = []int64{sc.DistrictID}
		}
		slices.Sort(codes)
		codes = slices.Compact(codes)
		if len(codes) > 0 {
			rows, err := tx.Query(ctx, `SELECT id FROM districts WHERE county_id = $1 AND code = ANY ($2::text[])`, sc.CountyID, codes)
			if err != nil {
				return nil, err
			}
			if districtIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return nil, err
			}
			if len(districtIDs) != len(codes) {
				return nil, ErrUnknownDistrict
			}
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO incidents (province_id, county_id, district_id, system_key, owner_committee, title, body, severity, since,
			                       reported_by, reported_at)
			VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8, $9, $10, coalesce($11, now())) RETURNING id`,
			sc.ProvinceID, sc.CountyID, sc.DistrictID, in.System, owner, in.Title, in.Body, in.Severity, in.Since, a.ID,
			nullTime(in.ReportedAt)).Scan(&id); err != nil {
			return nil, err
		}
		var affected []string
		if len(districtIDs) > 0 {
			rows, err := tx.Query(ctx, `
				INSERT INTO incident_districts (incident_id, county_id, district_id) SELECT $1, $2, unnest($3::bigint[])
				RETURNING (SELECT code FROM districts WHERE id = district_id)`, id, sc.CountyID, districtIDs)
			if err != nil {
				return nil, err
			}
			if affected, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
				return nil, err
			}
			slices.Sort(affected)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO incident_events (incident_id, kind, severity, by_user, at) VALUES ($1, 'reported', $2, $3, coalesce($4, now()))`,
			id, in.Severity, a.ID, nullTime(in.ReportedAt)); err != nil {
			return nil, err
		}
		notice := Notice{Kind: NoticeIncidentNew, Subject: "incident", SubjectID: id, TitleFa: in.Title}
		if err := notify(ctx, tx, Recipients{ProvinceID: sc.ProvinceID, Committee: owner, Except: a.ID}, notice); err != nil {
			return nil, err
		}
		if in.Severity == "critical" {
			if err := notifyCritical(ctx, tx, sc.ProvinceID, owner, a.ID, id, 1, in.Title); err != nil {
				return nil, err
			}
		}
		after := map[string]any{"title": in.Title, "system": systemDetail(systemFa, systemEn), "severity": in.Severity,
			"since": in.Since.UTC().Format(time.RFC3339), "county": county, "committee": owner}
		if len(affected) > 0 {
			after["district"] = affected
		}
		return []audit.Entry{{Action: "incident.report", Entity: "incident", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{After: after}}}, nil
	})
	return id, err
}

// notifyCritical tells the province's HQ and the owner committee of a critical incident: once for each
// time it becomes critical (reported so, raised to it, or reopened while critical), which the incident's
// version after the act names.
func notifyCritical(ctx context.Context, tx pgx.Tx, provinceID int64, committee string, except, id int64, version int, title string) error {
	return notify(ctx, tx, Recipients{ProvinceID: provinceID, HQ: true, Committee: committee, Except: except},
		Notice{Kind: NoticeIncidentCritical, Subject: "incident", SubjectID: id, TitleFa: title,
			Dedup: "incident_critical " + strconv.FormatInt(id, 10) + " " + strconv.Itoa(version)})
}

// lockedIncident is what an act on an incident checks, read under its lock.
type lockedIncident struct {
	provinceID, countyID, districtID int64
	committee, status, severity      string
	title                            string
	version                          int
}

// owns reports whether the caller is a member of the incident's owner committee.
func (i lockedIncident) owns(sc auth.Scope) bool {
	return sc.Committee != "" && sc.Committee == i.committee
}

// reports reports whether the caller speaks for the place that reported the incident: the governor of
// its county, or the head of the district that reported it.
func (i lockedIncident) reports(sc auth.Scope) bool {
	return sc.Committee == "" && sc.CountyID != 0 && sc.CountyID == i.countyID && (sc.DistrictID == 0 || sc.DistrictID == i.districtID)
}

// place is the reporting place, to tell it of what became of its incident.
func (i lockedIncident) place() Place {
	return Place{ProvinceID: i.provinceID, CountyID: i.countyID, DistrictID: i.districtID}
}

// lockIncident reads and locks an incident of the caller's scope; none is ErrNotFound.
func lockIncident(ctx context.Context, tx pgx.Tx, sc auth.Scope, id int64) (lockedIncident, error) {
	var i lockedIncident
	err := tx.QueryRow(ctx, `
		SELECT i.province_id, i.county_id, coalesce(i.district_id, 0), i.owner_committee, i.status, i.severity, i.title, i.version
		FROM incidents i WHERE i.id = $4 AND`+incidentScope(sc)+` FOR UPDATE`, append(scopeArgs(sc), id)...).
		Scan(&i.provinceID, &i.countyID, &i.districtID, &i.committee, &i.status, &i.severity, &i.title, &i.version)
	if errors.Is(err, pgx.ErrNoRows) {
		return i, ErrNotFound
	}
	return i, err
}

// incidentEvent adds a line to an incident's thread.
func incidentEvent(ctx context.Context, tx pgx.Tx, id int64, kind, note, severity string, by int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO incident_events (incident_id, kind, note, severity, by_user) VALUES ($1, $2, $3, NULLIF($4, ''), $5)`,
		id, kind, note, severity, by)
	return err
}

// tellReporter tells the reporting place of what became of its incident.
func tellReporter(ctx context.Context, tx pgx.Tx, i lockedIncident, id, except int64) error {
	return notify(ctx, tx, Recipients{Places: []Place{i.place()}, Except: except},
		Notice{Kind: NoticeIncidentUpdate, Subject: "incident", SubjectID: id, TitleFa: i.title})
}

func incidentEntry(action string, id int64, i lockedIncident, detail any) []audit.Entry {
	return []audit.Entry{{Action: action, Entity: "incident", EntityID: strconv.FormatInt(id, 10), ProvinceID: i.provinceID, Detail: detail}}
}

// Who may take an act on an incident besides its owner committee, and the version of an act not taken
// as of one (a note).
const (
	ownerOnly       = false
	ownerOrReporter = true
	anyVersion      = 0
)

// unresolved are the states of an incident not resolved yet.
var unresolved = []string{"open", "acknowledged"}

// actOnIncident takes an act on an incident of the caller's scope in one transaction: it locks the
// incident (none: ErrNotFound) and checks that the caller may take the act (the owner committee, or the
// reporting place too when reporterToo; else ErrNotYours), that the incident is at version (unless
// anyVersion; else ErrConflict) and in one of states (else ErrIncidentState), then runs act.
func (s *Store) actOnIncident(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, reporterToo bool, version int, states []string,
	act func(tx pgx.Tx, i lockedIncident) ([]audit.Entry, error)) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		i, err := lockIncident(ctx, tx, sc, id)
		switch {
		case err != nil:
			return nil, err
		case !i.owns(sc) && !(reporterToo && i.reports(sc)):
			return nil, ErrNotYours
		case version != anyVersion && i.version != version:
			return nil, ErrConflict
		case !slices.Contains(states, i.status):
			return nil, ErrIncidentState
		}
		return act(tx, i)
	})
}

// AcknowledgeIncident records that the owner committee (a member of it: sc.Committee) has taken up an
// open incident, and tells the reporting place. Another committee's incident is ErrNotYours; one not
// open ErrIncidentState; a stale version ErrConflict.
func (s *Store) AcknowledgeIncident(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int) error {
	return s.actOnIncident(ctx, a, sc, id, ownerOnly, version, []string{"open"}, func(tx pgx.Tx, i lockedIncident) ([]audit.Entry, error) {
		if _, err := tx.Exec(ctx, `
			UPDATE incidents SET status = 'acknowledged', acked_by = $2, acked_at = now(), version = version + 1 WHERE id = $1`,
			id, a.ID); err != nil {
			return nil, err
		}
		if err := incidentEvent(ctx, tx, id, "acknowledged", "", "", a.ID); err != nil {
			return nil, err
		}
		if err := tellReporter(ctx, tx, i, id, a.ID); err != nil {
			return nil, err
		}
		return incidentEntry("incident.acknowledge", id, i, audit.Change{Before: map[string]any{"status": i.status},
			After: map[string]any{"status": "acknowledged", "title": i.title}}), nil
	})
}

// NoteIncident adds a note to the thread of an incident that is not resolved, by a member of its owner
// committee or the reporting place (else ErrNotYours). A resolved one is ErrIncidentState.
func (s *Store) NoteIncident(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, note string) error {
	return s.actOnIncident(ctx, a, sc, id, ownerOrReporter, anyVersion, unresolved, func(tx pgx.Tx, i lockedIncident) ([]audit.Entry, error) {
		if err := incidentEvent(ctx, tx, id, "note", note, "", a.ID); err != nil {
			return nil, err
		}
		return incidentEntry("incident.note", id, i, map[string]any{"title": i.title, "note": note}), nil
	})
}

// ChangeIncidentSeverity sets the severity of an incident that is not resolved, by a member of its owner
// committee either way, or by the reporting place upward only (lower: ErrIncidentLower), since a lower
// severity counts less against the place's readiness; others are ErrNotYours. Raised to critical, it
// tells the province's HQ and the committee (notifyCritical); lowered from critical, it tells them too
// (an update), so that no critical incident leaves their sight unseen. A stale version is ErrConflict; a
// resolved incident ErrIncidentState.
func (s *Store) ChangeIncidentSeverity(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, severity string) error {
	return s.actOnIncident(ctx, a, sc, id, ownerOrReporter, version, unresolved, func(tx pgx.Tx, i lockedIncident) ([]audit.Entry, error) {
		if i.severity == severity {
			return nil, nil
		}
		if !i.owns(sc) && slices.Index(Severities, severity) < slices.Index(Severities, i.severity) {
			return nil, ErrIncidentLower
		}
		if i.severity == "critical" {
			if err := notify(ctx, tx, Recipients{ProvinceID: i.provinceID, HQ: true, Committee: i.committee, Except: a.ID},
				Notice{Kind: NoticeIncidentUpdate, Subject: "incident", SubjectID: id, TitleFa: i.title}); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE incidents SET severity = $2, version = version + 1 WHERE id = $1`, id, severity); err != nil {
			return nil, err
		}
		if err := incidentEvent(ctx, tx, id, "severity", "", severity, a.ID); err != nil {
			return nil, err
		}
		if severity == "critical" {
			if err := notifyCritical(ctx, tx, i.provinceID, i.committee, a.ID, id, i.version+1, i.title); err != nil {
				return nil, err
			}
		}
		return incidentEntry("incident.severity", id, i, audit.Change{Before: map[string]any{"severity": i.severity},
			After: map[string]any{"severity": severity, "title": i.title}}), nil
	})
}

// ResolveIncident resolves an incident that is not resolved yet (acknowledging it too when it was open),
// with what was done, by a member of its owner committee (else ErrNotYours), and tells the reporting
// place. A stale version is ErrConflict; a resolved incident ErrIncidentState.
func (s *Store) ResolveIncident(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, resolution string) error {
	return s.actOnIncident(ctx, a, sc, id, ownerOnly, version, unresolved, func(tx pgx.Tx, i lockedIncident) ([]audit.Entry, error) {
		if _, err := tx.Exec(ctx, `
			UPDATE incidents SET status = 'resolved', acked_by = coalesce(acked_by, $2), acked_at = coalesce(acked_at, now()),
			       resolved_by = $2, resolved_at = now(), resolution = $3, version = version + 1
			WHERE id = $1`, id, a.ID, resolution); err != nil {
			return nil, err
		}
		if err := incidentEvent(ctx, tx, id, "resolved", resolution, "", a.ID); err != nil {
			return nil, err
		}
		if err := tellReporter(ctx, tx, i, id, a.ID); err != nil {
			return nil, err
		}
		return incidentEntry("incident.resolve", id, i, audit.Change{Before: map[string]any{"status": i.status},
			After: map[string]any{"status": "resolved", "resolution": resolution, "title": i.title}}), nil
	})
}

// ReopenIncident opens a resolved incident again, saying why, by the reporting place or a member of its
// owner committee (else ErrNotYours): the committee acknowledges it anew. The reporting place is told. A
// stale version is ErrConflict; an incident not resolved ErrIncidentState.
func (s *Store) ReopenIncident(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, note string) error {
	return s.actOnIncident(ctx, a, sc, id, ownerOrReporter, version, []string{"resolved"}, func(tx pgx.Tx, i lockedIncident) ([]audit.Entry, error) {
		if _, err := tx.Exec(ctx, `
			UPDATE incidents SET status = 'open', acked_by = NULL, acked_at = NULL, resolved_by = NULL, resolved_at = NULL,
			       resolution = '', version = version + 1
			WHERE id = $1`, id); err != nil {
			return nil, err
		}
		if err := incidentEvent(ctx, tx, id, "reopened", note, "", a.ID); err != nil {
			return nil, err
		}
		if err := tellReporter(ctx, tx, i, id, a.ID); err != nil {
			return nil, err
		}
		if i.severity == "critical" {
			if err := notifyCritical(ctx, tx, i.provinceID, i.committee, a.ID, id, i.version+1, i.title); err != nil {
				return nil, err
			}
		}
		// The committee takes it up again: it is told as of a new incident.
		if err := notify(ctx, tx, Recipients{ProvinceID: i.provinceID, Committee: i.committee, Except: a.ID},
			Notice{Kind: NoticeIncidentNew, Subject: "incident", SubjectID: id, TitleFa: i.title}); err != nil {
			return nil, err
		}
		return incidentEntry("incident.reopen", id, i, audit.Change{Before: map[string]any{"status": "resolved"},
			After: map[string]any{"status": "open", "note": note, "title": i.title}}), nil
	})
}
