package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/persian"
)

// Questions to a committee, their answers and the province's FAQ (migration 0027). A question is asked
// from the asker's place (his county or district; the province for HQ and committee members) and read
// in the scope of that place: a governor reads those of his county and its districts, a district head
// those of his district, the province's readers all of it. It is its committee's to answer; its asker
// accepts an answer, and may accept another later; HQ or the committee publishes it to the FAQ with its
// accepted answer or another, and may take it off again.

// Refusals of the questions' acts.
var (
	// ErrNotYours: the question is in the caller's scope, but not his to act on: another committee's to
	// answer or publish, another user's to accept an answer of.
	ErrNotYours = errors.New("store: the question is not the caller's to act on")
	// ErrNotAnswered: a question without an answer is not published.
	ErrNotAnswered = errors.New("store: the question has no answer")
	// ErrNoAnswerChosen: a publication names no answer of the question, and none is accepted.
	ErrNoAnswerChosen = errors.New("store: no answer of the question is chosen")
	// ErrNotPublished: the question is not in the FAQ.
	ErrNotPublished = errors.New("store: the question is not published")
)

// WaitingAfter is how long a question stays unanswered before it is flagged to its committee and HQ.
const WaitingAfter = 48 * time.Hour

// The sizes of the lists' pages, and how far a search of the FAQ counts its matches.
const (
	QuestionPageSize = 30
	FAQPageSize      = 20
	FAQCountCap      = 1000
)

// Question is a question with the names its pages show. The place it was asked from is the county's and
// the district's names, "" when it was asked for the province.
type Question struct {
	ID                 int64
	ProvinceID         int64
	Committee          string
	CommitteeFa        string
	CommitteeEn        string
	CountyFa, CountyEn string
	DistrictFa         string
	DistrictEn         string
	AskedBy            int64
	AskerName          string
	Title              string
	Body               string // "" in a list
	AskedAt            time.Time
	Answers            int
	AcceptedAnswer     int64 // 0 for none
	FAQAnswer          int64 // 0 unless published
	PublishedAt        *time.Time
	Version            int
}

// Waiting reports whether the question has waited for an answer for WaitingAfter or more, as of now.
func (q Question) Waiting(now time.Time) bool {
	return q.Answers == 0 && !now.Before(q.AskedAt.Add(WaitingAfter))
}

// Published reports whether the question is in the FAQ.
func (q Question) Published() bool { return q.PublishedAt != nil }

// Answer is an answer to a question; N is its number among the question's answers, from 1.
type Answer struct {
	ID           int64
	N            int
	AnsweredBy   int64
	AnswererName string
	Body         string
	CreatedAt    time.Time
}

// FAQEntry is a published question with the answer it was published with.
type FAQEntry struct {
	ID          int64
	Title       string
	Body        string
	Answer      string
	CommitteeFa string
	CommitteeEn string
	PublishedAt time.Time
}

// NewQuestion is a question as asked: the committee's key, its title and its body, checked by the caller.
// AskedAt, when not zero, dates it (the demo's questions); else it is asked now.
type NewQuestion struct {
	Committee string
	Title     string
	Body      string
	AskedAt   time.Time
}

// nullTime is t for a query, NULL when it is zero.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// questionCols are a question's columns, body the expression of its body.
func questionCols(body string) string {
	return `q.id, q.province_id, q.committee_key, k.name_fa, k.name_en, coalesce(c.name_fa, ''), coalesce(c.name_en, ''),
		coalesce(d.name_fa, ''), coalesce(d.name_en, ''), q.asked_by, u.full_name, q.title, ` + body + `, q.asked_at, q.answers,
		coalesce(q.accepted_answer_id, 0), coalesce(q.faq_answer_id, 0), q.published_at, q.version
	FROM questions q
	JOIN province_committees k ON k.province_id = q.province_id AND k.key = q.committee_key
	JOIN users u ON u.id = q.asked_by
	LEFT JOIN counties c ON c.id = q.county_id
	LEFT JOIN districts d ON d.id = q.district_id`
}

func (q *Question) scan(row pgx.Row) error {
	return row.Scan(&q.ID, &q.ProvinceID, &q.Committee, &q.CommitteeFa, &q.CommitteeEn, &q.CountyFa, &q.CountyEn, &q.DistrictFa,
		&q.DistrictEn, &q.AskedBy, &q.AskerName, &q.Title, &q.Body, &q.AskedAt, &q.Answers, &q.AcceptedAnswer, &q.FAQAnswer,
		&q.PublishedAt, &q.Version)
}

func collectQuestion(row pgx.CollectableRow) (Question, error) {
	var q Question
	err := q.scan(row)
	return q, err
}

// questionScope filters questions by the reader's scope ($1 province, $2 county, $3 district).
func questionScope(sc auth.Scope) string {
	return scopeOn(sc, "q.province_id", "q.county_id", "q.district_id")
}

// Questions queues a page of the questions in the reader's scope (a province's for the Ministry's
// reader), newest first, and how many there are; committee, when not "", keeps that committee's only.
func (b *Batch) Questions(sc auth.Scope, committee string, page int, out *[]Question, total *int) {
	args := scopeArgs(sc)
	where := questionScope(sc)
	if committee != "" {
		args = append(args, committee)
		where += ` AND q.committee_key = $4`
	}
	countArgs := append([]any(nil), args...)
	b.queue(`SELECT `+questionCols(`''`)+` WHERE`+where+` ORDER BY q.asked_at DESC, q.id DESC`+
		pageOf(QuestionPageSize, (max(page, 1)-1)*QuestionPageSize, &args),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, collectQuestion)
			return err
		}, args...)
	b.queueRow(`SELECT count(*) FROM questions q WHERE`+where, func(row pgx.Row) error { return row.Scan(total) }, countArgs...)
}

// Question queues one question of the reader's scope, with its body; none is ErrNotFound.
func (b *Batch) Question(sc auth.Scope, id int64, out *Question) {
	b.queueRow(`SELECT `+questionCols(`q.body`)+` WHERE q.id = $4 AND`+questionScope(sc), out.scan, append(scopeArgs(sc), id)...)
}

// Answers queues the answers of a question of the reader's scope, oldest first.
func (b *Batch) Answers(sc auth.Scope, id int64, out *[]Answer) {
	b.queue(`
		SELECT a.id, row_number() OVER (ORDER BY a.id)::int, a.answered_by, u.full_name, a.body, a.created_at
		FROM question_answers a JOIN questions q ON q.id = a.question_id JOIN users u ON u.id = a.answered_by
		WHERE a.question_id = $4 AND`+questionScope(sc)+` ORDER BY a.id`,
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Answer])
			return err
		}, append(scopeArgs(sc), id)...)
}

// WaitingQuestions queues the oldest questions of the reader's province that have no answer yet (of one
// committee, when committee is not ""), at most limit of them, and how many there are, and how many of
// those were asked at or before waitingSince.
func (b *Batch) WaitingQuestions(provinceID int64, committee string, waitingSince time.Time, limit int, out *[]Question,
	open, waiting *int) {
	cond := ` WHERE q.answers = 0 AND q.province_id = $1 AND ` + optional(committee != "", "q.committee_key = $2", "$2 = ''")
	b.queue(`SELECT `+questionCols(`''`)+cond+` ORDER BY q.asked_at, q.id LIMIT `+strconv.Itoa(limit),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, collectQuestion)
			return err
		}, provinceID, committee)
	b.queueRow(`SELECT count(*), count(*) FILTER (WHERE q.asked_at <= $3) FROM questions q`+cond,
		func(row pgx.Row) error { return row.Scan(open, waiting) }, provinceID, committee, waitingSince)
}

// FAQ queues a page of the province's published questions, newest first, matching q (a fragment of the
// question or its answer, compared normalised) when it is not "", and how many match, counted to
// FAQCountCap and one more.
func (b *Batch) FAQ(provinceID int64, q string, page int, out *[]FAQEntry, total *int) {
	args := []any{provinceID}
	where := ` WHERE q.province_id = $1 AND q.published_at IS NOT NULL`
	if norm := persian.Normalize(q); norm != "" {
		args = append(args, likeEscape(norm))
		where += ` AND q.faq_norm LIKE '%' || $2 || '%'`
	}
	countArgs := append([]any(nil), args...)
	b.queue(`
		SELECT q.id, q.title, q.body, a.body, k.name_fa, k.name_en, q.published_at
		FROM questions q JOIN question_answers a ON a.id = q.faq_answer_id
		JOIN province_committees k ON k.province_id = q.province_id AND k.key = q.committee_key`+where+`
		ORDER BY q.published_at DESC, q.id DESC`+pageOf(FAQPageSize, (max(page, 1)-1)*FAQPageSize, &args),
		func(rows pgx.Rows) (err error) {
			*out, err = pgx.CollectRows(rows, pgx.RowToStructByPos[FAQEntry])
			return err
		}, args...)
	b.queueRow(`SELECT count(*) FROM (SELECT 1 FROM questions q`+where+` LIMIT `+strconv.Itoa(FAQCountCap+1)+`) m`,
		func(row pgx.Row) error { return row.Scan(total) }, countArgs...)
}

// AskQuestion records a question to a committee of the asker's province, asked from his place (sc: his
// county or district, or the province), and tells the committee's members. A committee the province does
// not have is ErrUnknownCommittee.
func (s *Store) AskQuestion(ctx context.Context, a audit.Actor, sc auth.Scope, q NewQuestion) (int64, error) {
	var id int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		var county, district string
		err := tx.QueryRow(ctx, `
			INSERT INTO questions (province_id, committee_key, county_id, district_id, asked_by, title, body, asked_at)
			SELECT $1, k.key, NULLIF($3, 0), NULLIF($4, 0), $5, $6, $7, coalesce($8, now())
			FROM province_committees k WHERE k.province_id = $1 AND k.key = $2
			RETURNING id, coalesce((SELECT code FROM counties WHERE id = county_id), ''),
			          coalesce((SELECT code FROM districts WHERE id = district_id), '')`,
			sc.ProvinceID, q.Committee, sc.CountyID, sc.DistrictID, a.ID, q.Title, q.Body, nullTime(q.AskedAt)).Scan(&id, &county, &district)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrUnknownCommittee
		}
		if err != nil {
			return nil, err
		}
		if err := notify(ctx, tx, Recipients{ProvinceID: sc.ProvinceID, Committee: q.Committee, Except: a.ID},
			Notice{Kind: NoticeQuestionNew, Subject: "question", SubjectID: id, TitleFa: q.Title}); err != nil {
			return nil, err
		}
		after := map[string]any{"question": q.Title, "committee": q.Committee}
		if county != "" {
			after["county"] = county
		}
		if district != "" {
			after["district"] = district
		}
		return []audit.Entry{{Action: "question.ask", Entity: "question", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: sc.ProvinceID, Detail: audit.Change{After: after}}}, nil
	})
	return id, err
}

// lockedQuestion is what an act on a question checks, read under its lock.
type lockedQuestion struct {
	provinceID int64
	committee  string
	askedBy    int64
	title      string
	answers    int
	accepted   int64
	faq        int64
	version    int
}

// lockQuestion reads and locks a question of the caller's scope; none is ErrNotFound.
func lockQuestion(ctx context.Context, tx pgx.Tx, sc auth.Scope, id int64) (lockedQuestion, error) {
	var q lockedQuestion
	err := tx.QueryRow(ctx, `
		SELECT q.province_id, q.committee_key, q.asked_by, q.title, q.answers, coalesce(q.accepted_answer_id, 0),
		       coalesce(q.faq_answer_id, 0), q.version
		FROM questions q WHERE q.id = $4 AND`+questionScope(sc)+` FOR UPDATE`, append(scopeArgs(sc), id)...).
		Scan(&q.provinceID, &q.committee, &q.askedBy, &q.title, &q.answers, &q.accepted, &q.faq, &q.version)
	if errors.Is(err, pgx.ErrNoRows) {
		return q, ErrNotFound
	}
	return q, err
}

// answerNumber is the number of an answer among its question's answers (from 1), 0 for none or another
// question's.
func answerNumber(ctx context.Context, tx pgx.Tx, questionID, answerID int64) (int, error) {
	if answerID == 0 {
		return 0, nil
	}
	var n int
	err := tx.QueryRow(ctx, `
		SELECT CASE WHEN EXISTS (SELECT 1 FROM question_answers WHERE question_id = $1 AND id = $2)
		            THEN (SELECT count(*) FROM question_answers WHERE question_id = $1 AND id <= $2) ELSE 0 END`,
		questionID, answerID).Scan(&n)
	return n, err
}

// nullNumber is an answer's number for the log, nil for none.
func nullNumber(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// AnswerQuestion records an answer by a member of the committee the question was put to (sc.Committee)
// and tells the asker. A question of another committee is ErrNotYours.
func (s *Store) AnswerQuestion(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, body string) (int64, error) {
	return s.AnswerQuestionOn(ctx, a, sc, id, body, time.Time{})
}

// AnswerQuestionOn is AnswerQuestion dated at (the demo's answers; now when zero).
func (s *Store) AnswerQuestionOn(ctx context.Context, a audit.Actor, sc auth.Scope, id int64, body string, at time.Time) (int64, error) {
	var answerID int64
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		q, err := lockQuestion(ctx, tx, sc, id)
		if err != nil {
			return nil, err
		}
		if sc.Committee == "" || q.committee != sc.Committee {
			return nil, ErrNotYours
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO question_answers (question_id, answered_by, body, created_at) VALUES ($1, $2, $3, coalesce($4, now()))
			RETURNING id`, id, a.ID, body, nullTime(at)).Scan(&answerID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE questions SET answers = answers + 1 WHERE id = $1`, id); err != nil {
			return nil, err
		}
		// The question waits no longer: its reminders to the committee and HQ are read, for everyone.
		if _, err := tx.Exec(ctx, `
			UPDATE notifications SET read_at = now()
			WHERE kind = 'question_waiting' AND subject = 'question' AND subject_id = $1 AND read_at IS NULL`, id); err != nil {
			return nil, err
		}
		if err := notify(ctx, tx, Recipients{Users: []int64{q.askedBy}, Except: a.ID},
			Notice{Kind: NoticeAnswerNew, Subject: "question", SubjectID: id, TitleFa: q.title}); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "question.answer", Entity: "question", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: q.provinceID, Detail: map[string]any{"question": q.title, "answer": q.answers + 1}}}, nil
	})
	return answerID, err
}

// AcceptAnswer makes an answer the accepted one of the caller's own question, if nobody changed the
// question since version (else ErrConflict). The asker may change his mind: accepting another answer
// replaces the one accepted. Another's question is ErrNotYours; an answer of another question ErrNotFound.
func (s *Store) AcceptAnswer(ctx context.Context, a audit.Actor, sc auth.Scope, id, answerID int64, version int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		q, err := lockQuestion(ctx, tx, sc, id)
		if err != nil {
			return nil, err
		}
		n, err := answerNumber(ctx, tx, id, answerID)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, ErrNotFound
		}
		if q.askedBy != a.ID {
			return nil, ErrNotYours
		}
		if q.version != version {
			return nil, ErrConflict
		}
		if q.accepted == answerID {
			return nil, nil
		}
		before, err := answerNumber(ctx, tx, id, q.accepted)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE questions SET accepted_answer_id = $2, version = version + 1 WHERE id = $1`, id, answerID); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "question.accept", Entity: "question", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: q.provinceID, Detail: audit.Change{Before: map[string]any{"accepted_answer": nullNumber(before)},
				After: map[string]any{"accepted_answer": n, "question": q.title}}}}, nil
	})
}

// PublishQuestion puts an answered question into its province's FAQ with one of its answers: answerID, or
// when 0 the accepted one (ErrNoAnswerChosen when there is none, or answerID is not the question's). A
// published question is published again with the answer chosen now. The caller is HQ (anyCommittee) or a
// member of the committee asked (sc.Committee; another is ErrNotYours). A question without an answer is
// ErrNotAnswered; a version that is not the question's ErrConflict.
func (s *Store) PublishQuestion(ctx context.Context, a audit.Actor, sc auth.Scope, anyCommittee bool, id, answerID int64, version int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		q, err := lockQuestion(ctx, tx, sc, id)
		if err != nil {
			return nil, err
		}
		switch {
		case !anyCommittee && (sc.Committee == "" || q.committee != sc.Committee):
			return nil, ErrNotYours
		case q.version != version:
			return nil, ErrConflict
		case q.answers == 0:
			return nil, ErrNotAnswered
		}
		if answerID == 0 {
			answerID = q.accepted
		}
		n, err := answerNumber(ctx, tx, id, answerID)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, ErrNoAnswerChosen
		}
		before, err := answerNumber(ctx, tx, id, q.faq)
		if err != nil {
			return nil, err
		}
		var title, body, answer string
		if err := tx.QueryRow(ctx, `SELECT q.title, q.body, a.body FROM questions q JOIN question_answers a ON a.id = $2 WHERE q.id = $1`,
			id, answerID).Scan(&title, &body, &answer); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE questions SET faq_answer_id = $2, published_at = coalesce(published_at, now()), faq_norm = $3, version = version + 1
			WHERE id = $1`, id, answerID, persian.Normalize(title+" "+body+" "+answer)); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "question.publish", Entity: "question", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: q.provinceID, Detail: audit.Change{Before: map[string]any{"faq_answer": nullNumber(before)},
				After: map[string]any{"faq_answer": n, "question": q.title}}}}, nil
	})
}

// UnpublishQuestion takes a question off its province's FAQ; who may, and the version, as PublishQuestion.
// One not published is ErrNotPublished.
func (s *Store) UnpublishQuestion(ctx context.Context, a audit.Actor, sc auth.Scope, anyCommittee bool, id int64, version int) error {
	return s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		q, err := lockQuestion(ctx, tx, sc, id)
		if err != nil {
			return nil, err
		}
		switch {
		case !anyCommittee && (sc.Committee == "" || q.committee != sc.Committee):
			return nil, ErrNotYours
		case q.version != version:
			return nil, ErrConflict
		case q.faq == 0:
			return nil, ErrNotPublished
		}
		before, err := answerNumber(ctx, tx, id, q.faq)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE questions SET faq_answer_id = NULL, published_at = NULL, faq_norm = '', version = version + 1 WHERE id = $1`, id); err != nil {
			return nil, err
		}
		return []audit.Entry{{Action: "question.unpublish", Entity: "question", EntityID: strconv.FormatInt(id, 10),
			ProvinceID: q.provinceID, Detail: audit.Change{Before: map[string]any{"faq_answer": before, "question": q.title},
				After: map[string]any{"faq_answer": nil}}}}, nil
	})
}

// sweepWaitingQuestions tells the committee asked and the province's HQ of each question that has waited
// WaitingAfter for an answer, once per question.
func sweepWaitingQuestions(ctx context.Context, tx pgx.Tx, now time.Time) (int64, error) {
	tag, err := tx.Exec(ctx, `
		INSERT INTO notifications (user_id, kind, subject, subject_id, title, dedup)
		SELECT u.id, 'question_waiting', 'question', q.id, q.title, 'question_waiting ' || q.id
		FROM questions q JOIN users u ON u.disabled_at IS NULL AND u.province_id = q.province_id
		  AND (u.role = 'hq' OR u.role = 'committee' AND u.committee_key = q.committee_key)
		WHERE q.answers = 0 AND q.asked_at <= $1
		ON CONFLICT (user_id, dedup) DO NOTHING`, now.Add(-WaitingAfter))
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
