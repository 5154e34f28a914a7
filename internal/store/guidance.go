package store

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audience"
	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
)

// A committee's circulars (migration 0025). A draft is read by its committee alone; once published, a
// circular is read by the places of its audience (a governor those of his county and its districts, a
// district head those of his district), by every committee, HQ and the observer of its province, and by the
// Ministry. Only a member of its own committee writes, corrects, publishes and withdraws it; HQ and its
// committee remind the places that have not acknowledged it; each place's governor or district head
// acknowledges it for his place.

// Errors of the circulars' rules.
var (
	ErrNotYourCommittee  = errors.New("store: the item is another committee's") // read, but not the reader's to change
	ErrGuidanceWithdrawn = errors.New("store: the circular was withdrawn")
	ErrUnchanged         = errors.New("store: the correction changes nothing")
)

// The limits of a circular's text, in characters.
const (
	MaxGuidanceTitle  = 200
	MaxGuidanceBody   = 20000
	MaxGuidanceReason = 2000
)

// The statuses of a circular.
const (
	GuidanceDraft     = "draft"
	GuidancePublished = "published"
	GuidanceWithdrawn = "withdrawn"
)

// Guidance is a circular as a reader sees it. Places and Acked count its receipts; MyAcked is when the
// reader's own place acknowledged it (a governor's county, a district head's district), nil if not yet or
// if it is not addressed to him.
type Guidance struct {
	ID              int64
	ProvinceID      int64
	Committee       string
	CommitteeFa     string
	CommitteeEn     string
	Author          string
	Title           string
	Body            string
	Audience        audience.Audience
	Status          string
	Revision        int
	Version         int
	CreatedAt       time.Time
	PublishedAt     *time.Time
	ChangedAt       *time.Time
	WithdrawnAt     *time.Time
	WithdrawnReason string
	Places          int
	Acked           int
	Attachments     int
	Mine            bool // addressed to the reader's own place
	MyAcked         *time.Time
}

// GuidanceInput is what a committee member writes: the title, the body in Markdown, and the audience.
type GuidanceInput struct {
	Title    string
	Body     string
	Audience audience.Audience
}

// GuidanceVersion is a published version of a circular: revision 1 as published, then each correction
// and each file added; Files are the names of its files then, in their order.
type GuidanceVersion struct {
	Revision  int
	Title     string
	Body      string
	Files     []string
	ChangedAt time.Time
	ChangedBy string
}

// Receipt is a circular's receipt at a place: a county (DistrictID 0) or a district.
type Receipt struct {
	CountyID      int64
	DistrictID    int64
	CountyCode    string
	CountyFa      string
	CountyEn      string
	DistrictFa    string
	DistrictEn    string
	OpenedAt      *time.Time
	AckedAt       *time.Time
	AckedBy       string
	AckedRevision int
	RemindedAt    *time.Time
}

// guidanceArgs are a reading's parameters: $1 the province (the scope's, or the one the Ministry chose; 0
// for every one), $2 the county, $3 the district, $4 the committee.
func guidanceArgs(sc auth.Scope, provinceID int64) []any {
	if sc.ProvinceID != 0 {
		provinceID = sc.ProvinceID
	}
	return []any{provinceID, sc.CountyID, sc.DistrictID, sc.Committee}
}

// guidanceSeen writes the condition on g of the circulars that the scope reads (guidanceArgs): a
// district head's those with a receipt of his district, a governor's those with a receipt in his county,
// and a province's readers every published one and, for a committee's members, their committee's drafts.
func guidanceSeen(sc auth.Scope, provinceID int64) string {
	province := optional(sc.ProvinceID != 0 || provinceID != 0, "g.province_id = $1", "$1 = 0")
	switch {
	case sc.DistrictID != 0:
		return province + ` AND $2 <> 0 AND $4 = '' AND g.status <> 'draft'
			AND EXISTS (SELECT 1 FROM guidance_receipts r WHERE r.guidance_id = g.id AND r.district_id = $3)`
	case sc.CountyID != 0:
		return province + ` AND $3 = 0 AND $4 = '' AND g.status <> 'draft'
			AND EXISTS (SELECT 1 FROM guidance_receipts r WHERE r.guidance_id = g.id AND r.county_id = $2)`
	}
	return province + ` AND $2 = 0 AND $3 = 0 AND (g.status <> 'draft' OR $4 <> '' AND g.committee_key = $4)`
}

// guidanceCols are a circular's columns as Guidance reads them, with its counts and the reader's own
// receipt ($2, $3).
const guidanceCols = `g.id, g.province_id, g.committee_key, pc.name_fa, pc.name_en, coalesce(u.full_name, ''), g.title, %BODY%,
	g.audience_province, g.audience_counties, g.include_districts, g.status, g.revision, g.version, g.created_at,
	g.published_at, g.changed_at, g.withdrawn_at, g.withdrawn_reason,
	(SELECT count(*) FROM guidance_receipts r WHERE r.guidance_id = g.id)::int,
	(SELECT count(*) FROM guidance_receipts r WHERE r.guidance_id = g.id AND r.acked_at IS NOT NULL)::int,
	(SELECT count(*) FROM attachments a WHERE a.owner_kind = 'guidance' AND a.owner_id = g.id)::int,
	mine.county_id IS NOT NULL, mine.acked_at %MORE%
	FROM guidance g
	JOIN province_committees pc ON pc.province_id = g.province_id AND pc.key = g.committee_key
	LEFT JOIN users u ON u.id = g.author_id
	LEFT JOIN guidance_receipts mine ON mine.guidance_id = g.id AND $2 <> 0 AND mine.county_id = $2
	     AND mine.district_id IS NOT DISTINCT FROM NULLIF($3, 0)`

func guidanceSelect(body bool) string {
	b := `''`
	if body {
		b = `g.body`
	}
	return `SELECT ` + strings.Replace(strings.Replace(guidanceCols, "%BODY%", b, 1), "%MORE%", "", 1)
}

func scanGuidance(row pgx.Row) (Guidance, error) {
	var g Guidance
	err := row.Scan(&g.ID, &g.ProvinceID, &g.Committee, &g.CommitteeFa, &g.CommitteeEn, &g.Author, &g.Title, &g.Body,
		&g.Audience.Province, &g.Audience.Counties, &g.Audience.WithDistricts, &g.Status, &g.Revision, &g.Version, &g.CreatedAt,
		&g.PublishedAt, &g.ChangedAt, &g.WithdrawnAt, &g.WithdrawnReason, &g.Places, &g.Acked, &g.Attachments, &g.Mine, &g.MyAcked)
	return g, err
}

// GuidancePageSize is how many circulars a page of the list shows, newest first.
const GuidancePageSize = 200

// GuidanceFilter is what a page of the circulars shows: the Ministry's province (0: every province), the
// words its titles are searched for (q, normalised as persian.Normalize; "" for all) and the page (from 1).
// A county (with its districts) or a district, or Unacked, keeps the published circulars with a receipt
// there (within the reader's own place) and, with Unacked, one not yet acknowledged.
type GuidanceFilter struct {
	ProvinceID int64
	Q          string
	Page       int
	CountyID   int64
	DistrictID int64
	Unacked    bool
	Own        bool // the county's own receipts, not its districts'
}

// GuidanceList reads a page of the circulars the scope reads (the Batch method of that name), and how many
// the filter finds.
func (s *Store) GuidanceList(ctx context.Context, sc auth.Scope, f GuidanceFilter) ([]Guidance, int, error) {
	var gs []Guidance
	var n int
	var b Batch
	b.GuidanceList(sc, f, &gs, &n)
	return gs, n, s.Run(ctx, &b)
}

// GuidanceList queues the reading of a page of the circulars the scope reads, newest first (the drafts
// first, by their creation; the others by their publication), and of how many the filter finds.
func (b *Batch) GuidanceList(sc auth.Scope, f GuidanceFilter, out *[]Guidance, total *int) {
	args := guidanceArgs(sc, f.ProvinceID)
	where := ` WHERE ` + guidanceSeen(sc, f.ProvinceID)
	if norm := persian.Normalize(f.Q); norm != "" {
		args = append(args, likeEscape(norm))
		where += ` AND g.title_norm LIKE '%' || $5 || '%'`
	}
	if f.CountyID != 0 || f.DistrictID != 0 || f.Unacked || f.Own {
		county, district := cmp.Or(f.CountyID, sc.CountyID), cmp.Or(f.DistrictID, sc.DistrictID)
		args = append(args, county, district)
		c, d := "$"+strconv.Itoa(len(args)-1), "$"+strconv.Itoa(len(args))
		where += ` AND g.status = 'published' AND EXISTS (SELECT 1 FROM guidance_receipts r WHERE r.guidance_id = g.id AND ` +
			optional(county != 0, "r.county_id = "+c, c+" = 0") + ` AND ` + optional(district != 0, "r.district_id = "+d, d+" = 0") +
			optional(f.Unacked, " AND r.acked_at IS NULL", "") + optional(f.Own, " AND r.district_id IS NULL", "") + `)`
	}
	countArgs := append([]any(nil), args...)
	b.queue(guidanceSelect(false)+where+`
		ORDER BY g.status = 'draft' DESC, coalesce(g.published_at, g.created_at) DESC, g.id DESC`+
		pageOf(GuidancePageSize, (max(f.Page, 1)-1)*GuidancePageSize, &args),
		func(rows pgx.Rows) error {
			for rows.Next() {
				g, err := scanGuidance(rows)
				if err != nil {
					return err
				}
				*out = append(*out, g)
			}
			return nil
		}, args...)
	b.queueRow(`SELECT count(*)::int FROM guidance g`+where, func(row pgx.Row) error { return row.Scan(total) }, countArgs...)
}

// CommitteeGuidance queues the reading of what a committee member's home shows of his committee's
// circulars: its drafts, then those published the least acknowledged (by share of their places), at most
// homeGuidance; the withdrawn are left out.
func (b *Batch) CommitteeGuidance(sc auth.Scope, out *[]Guidance) {
	args := append(guidanceArgs(sc, 0), sc.Committee, homeGuidance)
	b.queue(guidanceSelect(false)+` WHERE `+guidanceSeen(sc, 0)+` AND g.committee_key = $5 AND g.status <> 'withdrawn'
		ORDER BY g.status = 'draft' DESC,
		         (SELECT count(r.acked_at)::float / nullif(count(*), 0) FROM guidance_receipts r WHERE r.guidance_id = g.id) NULLS FIRST,
		         coalesce(g.published_at, g.created_at) DESC, g.id DESC
		LIMIT $6`,
		func(rows pgx.Rows) error {
			for rows.Next() {
				g, err := scanGuidance(rows)
				if err != nil {
					return err
				}
				*out = append(*out, g)
			}
			return nil
		}, args...)
}

// UnackedGuidance is what a governor's or district head's home shows: how many published circulars his
// place has not acknowledged, and the newest of them.
type UnackedGuidance struct {
	Count int
	First []Guidance
}

// homeGuidance is how many unacknowledged circulars a home page names.
const homeGuidance = 5

// UnackedGuidance queues the reading of the published circulars that the scope's own place (a county's
// governor, a district's head) has not acknowledged; a province-wide scope has none.
func (b *Batch) UnackedGuidance(sc auth.Scope, out *UnackedGuidance) {
	if sc.CountyID == 0 {
		return
	}
	b.queue(`SELECT `+strings.Replace(strings.Replace(guidanceCols, "%BODY%", `''`, 1), "%MORE%", ", count(*) OVER ()", 1)+`
		WHERE `+guidanceSeen(sc, 0)+` AND g.status = 'published'
		AND mine.county_id IS NOT NULL AND mine.acked_at IS NULL
		ORDER BY g.published_at DESC, g.id DESC LIMIT `+strconv.Itoa(homeGuidance),
		func(rows pgx.Rows) error {
			for rows.Next() {
				var g Guidance
				err := rows.Scan(&g.ID, &g.ProvinceID, &g.Committee, &g.CommitteeFa, &g.CommitteeEn, &g.Author, &g.Title, &g.Body,
					&g.Audience.Province, &g.Audience.Counties, &g.Audience.WithDistricts, &g.Status, &g.Revision, &g.Version, &g.CreatedAt,
					&g.PublishedAt, &g.ChangedAt, &g.WithdrawnAt, &g.WithdrawnReason, &g.Places, &g.Acked, &g.Attachments, &g.Mine,
					&g.MyAcked, &out.Count)
				if err != nil {
					return err
				}
				out.First = append(out.First, g)
			}
			return nil
		}, guidanceArgs(sc, 0)...)
}

// GuidanceDetail is a circular's page: the circular, its published texts, its receipts in the reader's
// scope, and its attachments.
type GuidanceDetail struct {
	Guidance    Guidance
	Versions    []GuidanceVersion
	Receipts    []Receipt
	Attachments []Attachment
}

// GuidanceDetail reads a circular the scope reads, with its texts, its receipts in scope and its
// attachments, in one round trip; one it does not read is ErrNotFound.
func (s *Store) GuidanceDetail(ctx context.Context, sc auth.Scope, id int64) (GuidanceDetail, error) {
	var d GuidanceDetail
	var b Batch
	b.GuidanceDetail(sc, id, &d)
	return d, s.Run(ctx, &b)
}

// GuidanceDetail queues the Store method of that name.
func (b *Batch) GuidanceDetail(sc auth.Scope, id int64, out *GuidanceDetail) {
	args := append(guidanceArgs(sc, 0), id)
	seen := guidanceSeen(sc, 0)
	b.queueRow(guidanceSelect(true)+` WHERE g.id = $5 AND `+seen, func(row pgx.Row) error {
		var err error
		out.Guidance, err = scanGuidance(row)
		return err
	}, args...)
	b.queue(`
		SELECT v.revision, v.title, v.body, v.files, v.changed_at, coalesce(u.full_name, '')
		FROM guidance_versions v LEFT JOIN users u ON u.id = v.changed_by
		WHERE v.guidance_id = $5 AND EXISTS (SELECT 1 FROM guidance g WHERE g.id = $5 AND `+seen+`)
		ORDER BY v.revision DESC`, func(rows pgx.Rows) error {
		var err error
		out.Versions, err = pgx.CollectRows(rows, pgx.RowToStructByPos[GuidanceVersion])
		return err
	}, args...)
	b.queue(`
		SELECT r.county_id, coalesce(r.district_id, 0), c.code, c.name_fa, c.name_en, coalesce(d.name_fa, ''), coalesce(d.name_en, ''),
		       r.opened_at, r.acked_at, coalesce(u.full_name, ''), coalesce(r.acked_revision, 0), r.reminded_at
		FROM guidance_receipts r JOIN counties c ON c.id = r.county_id LEFT JOIN districts d ON d.id = r.district_id
		LEFT JOIN users u ON u.id = r.acked_by
		WHERE r.guidance_id = $5 AND `+optional(sc.CountyID != 0, "r.county_id = $2", "$2 = 0")+`
		  AND `+optional(sc.DistrictID != 0, "r.district_id = $3", "$3 = 0")+`
		  AND EXISTS (SELECT 1 FROM guidance g WHERE g.id = $5 AND `+seen+`)
		ORDER BY c.name_fa, c.id, r.district_id NULLS FIRST, d.name_fa`, func(rows pgx.Rows) error {
		var err error
		out.Receipts, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Receipt])
		return err
	}, args...)
	b.queue(`SELECT `+attachmentCols+` FROM attachments a WHERE a.owner_kind = 'guidance' AND a.owner_id = $5
		AND EXISTS (SELECT 1 FROM guidance g WHERE g.id = $5 AND `+seen+`) ORDER BY a.n`, func(rows pgx.Rows) error {
		var err error
		out.Attachments, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Attachment])
		return err
	}, args...)
}

// Guidance reads a circular the scope reads, without its body's text; one it does not read is ErrNotFound.
func (s *Store) Guidance(ctx context.Context, sc auth.Scope, id int64) (Guidance, error) {
	g, err := scanGuidance(s.pool.QueryRow(ctx, guidanceSelect(false)+` WHERE g.id = $5 AND `+guidanceSeen(sc, 0),
		append(guidanceArgs(sc, 0), id)...))
	if errors.Is(err, pgx.ErrNoRows) {
		return g, ErrNotFound
	}
	return g, err
}

// lockGuidance locks a circular the scope reads for a change by its own committee: one the scope does not
// read is ErrNotFound, another committee's ErrNotYourCommittee, one changed since version ErrConflict, and
// so is any version below 1 (a form without a version it can read is never applied blindly).
func lockGuidance(ctx context.Context, tx pgx.Tx, sc auth.Scope, id int64, version int) (Guidance, error) {
	g, err := lockOwnGuidance(ctx, tx, sc, id)
	if err == nil && (version < 1 || g.Version != version) {
		return g, ErrConflict
	}
	return g, err
}

// lockOwnGuidance locks a circular for a change by its own committee whatever its version, as lockGuidance
// does otherwise: for a change that does not rewrite what the committee's form showed.
func lockOwnGuidance(ctx context.Context, tx pgx.Tx, sc auth.Scope, id int64) (Guidance, error) {
	g, err := scanGuidance(tx.QueryRow(ctx, guidanceSelect(true)+` WHERE g.id = $5 AND `+guidanceSeen(sc, 0)+` FOR UPDATE OF g`,
		append(guidanceArgs(sc, 0), id)...))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return g, ErrNotFound
	case err != nil:
		return g, err
	case sc.Committee == "" || g.Committee != sc.Committee || sc.CountyID != 0:
		return g, ErrNotYourCommittee
	}
	return g, nil
}

// guidanceAudit is what an audit entry records of a circular.
func guidanceAudit(g Guidance) map[string]any {
	m := map[string]any{"title": g.Title, "body": g.Body, "committee": g.Committee, "status": g.Status}
	if g.Audience.Province {
		m["audience"] = "province"
	} else {
		m["audience"], m["county"] = "counties", g.Audience.Counties
	}
	m["include_districts"] = g.Audience.WithDistricts
	return m
}

func cleanInput(in GuidanceInput) GuidanceInput {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	return in
}

// CreateGuidance writes a circular of the author's committee (sc.Committee; a member taken off his
// committee writes none: ErrNotYourCommittee) with its attachments, as a draft or, with publish, published
// at once. A county of the audience not of the province is ErrUnknownCounty; more than MaxAttachments
// files ErrTooManyAttachments.
func (s *Store) CreateGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, in GuidanceInput, publish bool,
	files []NewAttachment) (int64, error) {
	if sc.Committee == "" || sc.CountyID != 0 || sc.ProvinceID == 0 {
		return 0, ErrNotYourCommittee
	}
	in = cleanInput(in)
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		places, err := audiencePlaces(ctx, tx, sc.ProvinceID, in.Audience)
		if err != nil {
			return nil, err
		}
		counties := in.Audience.Counties
		if in.Audience.Province || counties == nil {
			counties = []string{}
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO guidance (province_id, committee_key, author_id, title, body, audience_province, audience_counties,
			                      include_districts, title_norm)
			VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8, $9) RETURNING id`,
			sc.ProvinceID, sc.Committee, a.ID, in.Title, in.Body, in.Audience.Province, counties, in.Audience.WithDistricts,
			persian.Normalize(in.Title)).Scan(&id)
		if err != nil {
			return nil, err
		}
		added, err := addAttachments(ctx, tx, OwnerGuidance, id, a.ID, files)
		if err != nil {
			return nil, err
		}
		g := Guidance{ID: id, ProvinceID: sc.ProvinceID, Committee: sc.Committee, Title: in.Title, Body: in.Body, Audience: in.Audience,
			Status: GuidanceDraft}
		after := guidanceAudit(g)
		if len(added) > 0 {
			after["attachments"] = added
		}
		entries := []audit.Entry{{Action: "guidance.create", Entity: "guidance", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{After: after}}}
		if publish {
			e, err := publishGuidance(ctx, tx, a, g, places)
			if err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
		return entries, nil
	})
	return id, err
}

// publishGuidance publishes a draft: revision 1 of its text, a receipt for each place of its audience,
// and a notice to each of them.
func publishGuidance(ctx context.Context, tx pgx.Tx, a audit.Actor, g Guidance, places []Place) (audit.Entry, error) {
	if _, err := tx.Exec(ctx, `UPDATE guidance SET status = 'published', revision = 1, published_at = now(), version = version + 1
		WHERE id = $1`, g.ID); err != nil {
		return audit.Entry{}, err
	}
	if err := addGuidanceVersion(ctx, tx, a, g.ID, 1, g.Title, g.Body); err != nil {
		return audit.Entry{}, err
	}
	counties, districts := make([]int64, len(places)), make([]int64, len(places))
	for i, p := range places {
		counties[i], districts[i] = p.CountyID, p.DistrictID
	}
	if _, err := tx.Exec(ctx, `INSERT INTO guidance_receipts (guidance_id, county_id, district_id)
		SELECT $1, c, NULLIF(d, 0) FROM unnest($2::bigint[], $3::bigint[]) AS p (c, d)`, g.ID, counties, districts); err != nil {
		return audit.Entry{}, err
	}
	if err := notify(ctx, tx, Recipients{Places: places, Except: a.ID}, Notice{Kind: NoticeGuidanceNew, Subject: "guidance",
		SubjectID: g.ID, TitleFa: g.Title, Dedup: "guidance_new " + strconv.FormatInt(g.ID, 10)}); err != nil {
		return audit.Entry{}, err
	}
	return audit.Entry{Action: "guidance.publish", Entity: "guidance", EntityID: strconv.FormatInt(g.ID, 10), ProvinceID: g.ProvinceID,
		Detail: audit.Change{Before: map[string]any{"status": GuidanceDraft},
			After: map[string]any{"status": GuidancePublished, "places": len(places)}}}, nil
}

// PublishGuidance publishes a draft of the member's committee that nobody changed since version.
func (s *Store) PublishGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		g, err := lockGuidance(ctx, tx, sc, id, version)
		if err != nil {
			return nil, err
		}
		if g.Status != GuidanceDraft {
			return nil, ErrConflict // the page was drawn before it was published
		}
		places, err := audiencePlaces(ctx, tx, g.ProvinceID, g.Audience)
		if err != nil {
			return nil, err
		}
		e, err := publishGuidance(ctx, tx, a, g, places)
		return []audit.Entry{e}, err
	})
}

// UpdateGuidance changes a circular of the member's committee that nobody changed since version. A draft
// is rewritten in place, its audience too; a published circular is corrected: its title and body become
// a new revision (its audience stays, as its receipts do; ErrUnchanged if neither changed), and the places
// that received it are told. A withdrawn one is ErrGuidanceWithdrawn.
func (s *Store) UpdateGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, in GuidanceInput) error {
	in = cleanInput(in)
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		g, err := lockGuidance(ctx, tx, sc, id, version)
		if err != nil {
			return nil, err
		}
		eid := strconv.FormatInt(id, 10)
		switch g.Status {
		case GuidanceWithdrawn:
			return nil, ErrGuidanceWithdrawn
		case GuidanceDraft:
			if _, err := audiencePlaces(ctx, tx, g.ProvinceID, in.Audience); err != nil {
				return nil, err
			}
			counties := in.Audience.Counties
			if in.Audience.Province || counties == nil {
				counties = []string{}
			}
			if _, err := tx.Exec(ctx, `UPDATE guidance SET title = $2, body = $3, audience_province = $4, audience_counties = $5,
				include_districts = $6, title_norm = $7, version = version + 1 WHERE id = $1`,
				id, in.Title, in.Body, in.Audience.Province, counties, in.Audience.WithDistricts, persian.Normalize(in.Title)); err != nil {
				return nil, err
			}
			after := g
			after.Title, after.Body, after.Audience = in.Title, in.Body, in.Audience
			return []audit.Entry{{Action: "guidance.update", Entity: "guidance", EntityID: eid, ProvinceID: g.ProvinceID,
				Detail: audit.Change{Before: guidanceAudit(g), After: guidanceAudit(after)}}}, nil
		}
		if in.Title == g.Title && in.Body == g.Body {
			return nil, ErrUnchanged
		}
		revision := g.Revision + 1
		if _, err := tx.Exec(ctx, `UPDATE guidance SET title = $2, body = $3, revision = $4, title_norm = $5, changed_at = now(),
			version = version + 1 WHERE id = $1`, id, in.Title, in.Body, revision, persian.Normalize(in.Title)); err != nil {
			return nil, err
		}
		if err := addGuidanceVersion(ctx, tx, a, id, revision, in.Title, in.Body); err != nil {
			return nil, err
		}
		if err := tellReceivers(ctx, tx, a, id, NoticeGuidanceChanged, in.Title, "guidance_changed "+eid+" "+strconv.Itoa(revision)); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "guidance.correct", Entity: "guidance", EntityID: eid, ProvinceID: g.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"title": g.Title, "body": g.Body, "revision": g.Revision},
				After: map[string]any{"title": in.Title, "body": in.Body, "revision": revision}}}}, nil
	})
}

// addGuidanceVersion keeps a published version of a circular: its text and the names of the files it has.
func addGuidanceVersion(ctx context.Context, tx pgx.Tx, a audit.Actor, id int64, revision int, title, body string) error {
	_, err := tx.Exec(ctx, `INSERT INTO guidance_versions (guidance_id, revision, title, body, files, changed_by)
		VALUES ($1, $2, $3, $4, coalesce((SELECT array_agg(name ORDER BY n) FROM attachments
		                                  WHERE owner_kind = 'guidance' AND owner_id = $1), '{}'), NULLIF($5, 0))`,
		id, revision, title, body, a.ID)
	return err
}

// tellReceivers tells every place that received a circular that it changed: a notice of kind, a correction
// or a withdrawal.
func tellReceivers(ctx context.Context, tx pgx.Tx, a audit.Actor, id int64, kind, title, dedup string) error {
	places, err := receiptPlaces(ctx, tx, id, false)
	if err != nil {
		return err
	}
	return notify(ctx, tx, Recipients{Places: places, Except: a.ID}, Notice{Kind: kind, Subject: "guidance",
		SubjectID: id, TitleFa: title, Dedup: dedup})
}

// receiptPlaces are the places of a circular's receipts; with unacked, those not acknowledged only.
func receiptPlaces(ctx context.Context, tx pgx.Tx, id int64, unacked bool) ([]Place, error) {
	rows, err := tx.Query(ctx, `SELECT c.province_id, r.county_id, coalesce(r.district_id, 0)
		FROM guidance_receipts r JOIN counties c ON c.id = r.county_id
		WHERE r.guidance_id = $1 AND (NOT $2 OR r.acked_at IS NULL) ORDER BY 2, 3`, id, unacked)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Place])
}

// WithdrawGuidance withdraws a published circular of the member's committee that nobody changed since
// version, for a reason (ErrReasonRequired without one): it is kept, marked withdrawn, and the places
// that received it are told.
func (s *Store) WithdrawGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, version int, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrReasonRequired
	}
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		g, err := lockGuidance(ctx, tx, sc, id, version)
		if err != nil {
			return nil, err
		}
		if g.Status != GuidancePublished {
			return nil, ErrConflict // a draft has nothing to withdraw; a withdrawn one was withdrawn meanwhile
		}
		if _, err := tx.Exec(ctx, `UPDATE guidance SET status = 'withdrawn', withdrawn_at = now(), withdrawn_reason = $2,
			version = version + 1 WHERE id = $1`, id, reason); err != nil {
			return nil, err
		}
		eid := strconv.FormatInt(id, 10)
		if err := tellReceivers(ctx, tx, a, id, NoticeGuidanceWithdrawn, g.Title, "guidance_withdrawn "+eid); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "guidance.withdraw", Entity: "guidance", EntityID: eid, ProvinceID: g.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"status": g.Status},
				After: map[string]any{"status": GuidanceWithdrawn, "reason": reason}}}}, nil
	})
}

// AckGuidance records that the reader's place (a governor's county, a district head's district) read
// the circular and will carry it out, by the user a.ID; it is opened then too, if it was not. One not
// addressed to his place is ErrNotFound, a withdrawn one ErrGuidanceWithdrawn. already reports that the
// place had acknowledged it: nothing changes.
func (s *Store) AckGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64) (already bool, err error) {
	if sc.CountyID == 0 {
		return false, ErrNotFound
	}
	err = s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		g, err := scanGuidance(tx.QueryRow(ctx, guidanceSelect(false)+` WHERE g.id = $5 AND `+guidanceSeen(sc, 0)+` FOR SHARE OF g`,
			append(guidanceArgs(sc, 0), id)...))
		switch {
		case errors.Is(err, pgx.ErrNoRows) || err == nil && !g.Mine:
			return nil, ErrNotFound
		case err != nil:
			return nil, err
		case g.Status != GuidancePublished:
			return nil, ErrGuidanceWithdrawn
		case g.MyAcked != nil:
			already = true
			return nil, nil
		}
		tag, err := tx.Exec(ctx, `
			UPDATE guidance_receipts SET acked_at = now(), acked_by = $4, acked_revision = $5,
			       opened_at = coalesce(opened_at, now()), opened_by = coalesce(opened_by, $4)
			WHERE guidance_id = $1 AND county_id = $2 AND district_id IS NOT DISTINCT FROM NULLIF($3, 0) AND acked_at IS NULL`,
			id, sc.CountyID, sc.DistrictID, a.ID, g.Revision)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 0 {
			already = true
			return nil, nil
		}
		return []audit.Entry{{Action: "guidance.ack", Entity: "guidance", EntityID: strconv.FormatInt(id, 10), ProvinceID: g.ProvinceID,
			Detail: audit.Change{Before: map[string]any{"acked": false},
				After: placeDetail(ctx, tx, sc, map[string]any{"acked": true, "revision": g.Revision})}}}, nil
	})
	return already, err
}

// OpenGuidance records that a user of the reader's place opened the circular, the first time one did
// (from his inbox: a post, never a page's view). Anything else changes nothing.
func (s *Store) OpenGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64) error {
	if sc.CountyID == 0 {
		return nil
	}
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var provinceID int64
		err := tx.QueryRow(ctx, `
			UPDATE guidance_receipts r SET opened_at = now(), opened_by = $4
			FROM guidance g
			WHERE g.id = r.guidance_id AND g.status <> 'draft' AND g.province_id = $5
			  AND r.guidance_id = $1 AND r.county_id = $2 AND r.district_id IS NOT DISTINCT FROM NULLIF($3, 0) AND r.opened_at IS NULL
			RETURNING g.province_id`, id, sc.CountyID, sc.DistrictID, a.ID, sc.ProvinceID).Scan(&provinceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "guidance.open", Entity: "guidance", EntityID: strconv.FormatInt(id, 10), ProvinceID: provinceID,
			Detail: audit.Change{After: placeDetail(ctx, tx, sc, map[string]any{"opened": true})}}}, nil
	})
}

// placeDetail adds the scope's county and district, by code, to an audit entry's detail.
func placeDetail(ctx context.Context, tx pgx.Tx, sc auth.Scope, m map[string]any) map[string]any {
	var county, district string
	if err := tx.QueryRow(ctx, `SELECT c.code, coalesce((SELECT d.code FROM districts d WHERE d.id = $2), '')
		FROM counties c WHERE c.id = $1`, sc.CountyID, sc.DistrictID).Scan(&county, &district); err == nil {
		m["county"] = county
		if district != "" {
			m["district"] = district
		}
	}
	return m
}

// RemindGuidance reminds the places that have not acknowledged a published circular, by a notice to
// their governor or district head; a place is reminded at most once a day (Tehran), so a second reminder
// on the same day tells only those not reminded yet. HQ reminds for any committee, a committee member
// for his own (another committee's is ErrNotYourCommittee). It returns how many places were reminded.
func (s *Store) RemindGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, now time.Time) (int, error) {
	var reminded int
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		g, err := scanGuidance(tx.QueryRow(ctx, guidanceSelect(false)+` WHERE g.id = $5 AND `+guidanceSeen(sc, 0)+` FOR SHARE OF g`,
			append(guidanceArgs(sc, 0), id)...))
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil, ErrNotFound
		case err != nil:
			return nil, err
		case sc.CountyID != 0 || sc.Committee != "" && sc.Committee != g.Committee:
			return nil, ErrNotYourCommittee
		case g.Status != GuidancePublished:
			return nil, ErrGuidanceWithdrawn
		}
		day := now.In(i18n.Tehran).Format("2006-01-02")
		rows, err := tx.Query(ctx, `
			UPDATE guidance_receipts r SET reminded_at = $2
			FROM counties c
			WHERE c.id = r.county_id AND r.guidance_id = $1 AND r.acked_at IS NULL
			  AND (r.reminded_at IS NULL OR (r.reminded_at AT TIME ZONE 'Asia/Tehran')::date < ($2::timestamptz AT TIME ZONE 'Asia/Tehran')::date)
			RETURNING c.province_id, r.county_id, coalesce(r.district_id, 0)`, id, now)
		if err != nil {
			return nil, err
		}
		places, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Place])
		if err != nil {
			return nil, err
		}
		reminded = len(places)
		if reminded == 0 {
			return nil, nil
		}
		if err := notify(ctx, tx, Recipients{Places: places, Except: a.ID}, Notice{Kind: NoticeGuidanceReminder, Subject: "guidance",
			SubjectID: id, TitleFa: g.Title, Dedup: "guidance_reminder " + strconv.FormatInt(id, 10) + " " + day}); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "guidance.remind", Entity: "guidance", EntityID: strconv.FormatInt(id, 10), ProvinceID: g.ProvinceID,
			Detail: audit.Change{After: map[string]any{"places": reminded}}}}, nil
	})
	return reminded, err
}

// AttachToGuidance adds files to a draft or a published circular of the member's committee (not to a
// withdrawn one: ErrGuidanceWithdrawn), after those it has; more than MaxAttachments in all is
// ErrTooManyAttachments. A published circular's files are part of what its places received: the files
// added make a new version of it, and the places that received it are told it changed.
func (s *Store) AttachToGuidance(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, files []NewAttachment) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		g, err := lockOwnGuidance(ctx, tx, sc, id)
		if err != nil {
			return nil, err
		}
		if g.Status == GuidanceWithdrawn {
			return nil, ErrGuidanceWithdrawn
		}
		added, err := addAttachments(ctx, tx, OwnerGuidance, id, a.ID, files)
		if err != nil {
			return nil, err
		}
		eid := strconv.FormatInt(id, 10)
		after := map[string]any{"attachments": added}
		var before map[string]any
		if g.Status == GuidancePublished {
			revision := g.Revision + 1
			if _, err := tx.Exec(ctx, `UPDATE guidance SET revision = $2, changed_at = now(), version = version + 1 WHERE id = $1`,
				id, revision); err != nil {
				return nil, err
			}
			if err := addGuidanceVersion(ctx, tx, a, id, revision, g.Title, g.Body); err != nil {
				return nil, err
			}
			if err := tellReceivers(ctx, tx, a, id, NoticeGuidanceChanged, g.Title, "guidance_changed "+eid+" "+strconv.Itoa(revision)); err != nil {
				return nil, err
			}
			before, after["revision"] = map[string]any{"revision": g.Revision}, revision
		}
		return []audit.Entry{{Action: "guidance.attach", Entity: "guidance", EntityID: eid, ProvinceID: g.ProvinceID,
			Detail: audit.Change{Before: before, After: after}}}, nil
	})
}
