package store

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audit"
)

// Each user's inbox (migration 0024). A change that concerns others tells them in its own transaction
// (notify); what time brings, a task or a milestone coming due, the sweep tells (SweepNotices), once per
// event however often it runs (the notice's dedup). Only the user reads and marks his notices.

// The kinds of notice. An event tells of something that happened; a reminder of something that is due or
// waiting. The inbox lists unread events one by one and groups the rest by day, so that reminders never
// flood it.
const (
	NoticeGuidanceNew       = "guidance_new"       // a circular addressed to my place
	NoticeGuidanceChanged   = "guidance_changed"   // a circular I received was corrected
	NoticeGuidanceWithdrawn = "guidance_withdrawn" // a circular I received was withdrawn
	NoticeGuidanceReminder  = "guidance_reminder"  // acknowledge a circular
	NoticeTaskNew           = "task_new"           // a task for my place
	NoticeTaskDue           = "task_due"           // a task of my place due in 2 days
	NoticeTaskOverdue       = "task_overdue"       // a task of my place past its day
	NoticeTaskBlocked       = "task_blocked"       // a place's copy of my committee's task was marked blocked
	NoticeQuestionNew       = "question_new"       // a question to my committee
	NoticeQuestionWaiting   = "question_waiting"   // a question to my committee unanswered for 48 hours
	NoticeAnswerNew         = "answer_new"         // an answer to my question
	NoticeTrainingNew       = "training_new"       // a training session my place is invited to
	NoticeTrainingReminder  = "training_reminder"  // a training session my place is invited to begins within a day
	NoticeBoardReturned     = "board_returned"     // my board was returned
	NoticeBoardApproved     = "board_approved"     // my board was approved
	NoticeBoardReopened     = "board_reopened"     // my approved board was reopened
	NoticeMilestoneDue      = "milestone_due"      // a milestone of my place due in 3 days
	NoticeIncidentNew       = "incident_new"       // an incident of a system my committee owns was reported
	NoticeIncidentCritical  = "incident_critical"  // an incident was reported as, or raised to, critical
	NoticeIncidentUpdate    = "incident_update"    // an incident my place reported was acknowledged, resolved or reopened
	NoticeReadinessDue      = "readiness_due"      // a readiness check of my place is to be filed today
)

// NoticeKinds are the kinds of notice, each with whether it is a reminder (else an event).
var NoticeKinds = map[string]bool{
	NoticeGuidanceNew: false, NoticeGuidanceChanged: false, NoticeGuidanceWithdrawn: false, NoticeGuidanceReminder: true,
	NoticeTaskNew: false, NoticeTaskDue: true, NoticeTaskOverdue: true, NoticeTaskBlocked: false,
	NoticeQuestionNew: false, NoticeQuestionWaiting: true, NoticeAnswerNew: false, NoticeTrainingNew: false,
	NoticeTrainingReminder: true,
	NoticeBoardReturned:    false, NoticeBoardApproved: false, NoticeBoardReopened: false, NoticeMilestoneDue: true,
	NoticeIncidentNew: false, NoticeIncidentCritical: false, NoticeIncidentUpdate: false, NoticeReadinessDue: true,
}

// Notice is what a notification tells: its kind, what it links to (Subject: guidance, task, question,
// training, board, milestone; and its id) and the subject's title in both languages: TitleFa in Persian,
// or in the only language of a title its author wrote (a circular's, a task's…), and TitleEn in English
// when the subject has one (a board's place, a milestone), else "". The inbox shows the reader's language
// when the notice has it, whichever language he read in when it was told. Dedup, when not "", names the event so that no user is told of it twice. Thread, when not
// "", is the beginning of Dedup that the events of one part of the subject share (a copy of a task): a
// user is then not told again while his notice of the same part is unread, and is told of another part.
type Notice struct {
	Kind      string
	Subject   string
	SubjectID int64
	TitleFa   string
	TitleEn   string
	Dedup     string
	Thread    string
}

// Recipients are whom a notice is for: users by id; the governors of county places and the district heads
// of district places; the HQ or a committee of a province. Except, the user who acted, is never told of
// his own act. Disabled users are not told.
type Recipients struct {
	Users      []int64
	Places     []Place
	ProvinceID int64
	HQ         bool
	Committee  string
	Except     int64
}

// maxNoticeTitle is the longest title a notice keeps, in characters.
const maxNoticeTitle = 300

// notify tells the recipients of n, in the caller's transaction, in one statement; a recipient who has
// an unread notice of the same kind about the same subject is not told again.
func notify(ctx context.Context, tx pgx.Tx, to Recipients, n Notice) error {
	if _, ok := NoticeKinds[n.Kind]; !ok {
		panic("store: unknown notice kind " + n.Kind)
	}
	var counties, districts []int64
	for _, p := range to.Places {
		if p.DistrictID != 0 {
			districts = append(districts, p.DistrictID)
		} else {
			counties = append(counties, p.CountyID)
		}
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO notifications (user_id, kind, subject, subject_id, title, title_en, dedup)
		SELECT u.id, $1, $2, $3, $4, $13, NULLIF($5, '')
		FROM users u
		WHERE u.disabled_at IS NULL AND u.id <> $6 AND (
			u.id = ANY ($7::bigint[])
			OR u.role = 'governor' AND u.county_id = ANY ($8::bigint[])
			OR u.role = 'district_head' AND u.district_id = ANY ($9::bigint[])
			OR $10 AND u.role = 'hq' AND u.province_id = $11
			OR $12 <> '' AND u.role = 'committee' AND u.province_id = $11 AND u.committee_key = $12)
		  -- What a user has not read yet is not told him again: ten answers to his question are one notice.
		  AND NOT EXISTS (SELECT FROM notifications o WHERE o.user_id = u.id AND o.read_at IS NULL
		                  AND o.kind = $1 AND o.subject = $2 AND o.subject_id = $3
		                  AND ($14 = '' OR starts_with(o.dedup, $14)))
		ON CONFLICT (user_id, dedup) DO NOTHING`,
		n.Kind, n.Subject, n.SubjectID, cut(n.TitleFa, maxNoticeTitle), n.Dedup, to.Except, to.Users, counties, districts,
		to.HQ, to.ProvinceID, to.Committee, cut(n.TitleEn, maxNoticeTitle), n.Thread)
	return err
}

// cut returns s's first n characters.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// Notification is a row of the inbox: Title is its subject's title in Persian (or in its only language),
// TitleEn in English when the subject has one (see Notice).
type Notification struct {
	ID        int64
	Kind      string
	Subject   string
	SubjectID int64
	Title     string
	TitleEn   string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Reminder reports whether the notification is a reminder rather than an event.
func (n Notification) Reminder() bool { return NoticeKinds[n.Kind] }

// InboxDays is how far back the inbox reads the notices read: older ones are not shown. An unread one is
// shown however old, since the header counts it.
const InboxDays = 30

// maxInbox bounds the notices the inbox reads, newest first.
const maxInbox = 300

// Inbox lists a user's notifications of the last InboxDays days and his unread ones, newest first, at most
// maxInbox. Each half is read by its own index.
func (s *Store) Inbox(ctx context.Context, userID int64) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, `
		(SELECT id, kind, subject, subject_id, title, title_en, created_at, read_at FROM notifications
		 WHERE user_id = $1 AND created_at > now() - make_interval(days => $2)
		 ORDER BY created_at DESC, id DESC LIMIT $3)
		UNION
		(SELECT id, kind, subject, subject_id, title, title_en, created_at, read_at FROM notifications
		 WHERE user_id = $1 AND read_at IS NULL
		 ORDER BY created_at DESC, id DESC LIMIT $3)
		ORDER BY created_at DESC, id DESC LIMIT $3`, userID, InboxDays, maxInbox)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Notification])
}

// ErrNoneUnread: the user marks all his notices read and none is unread; nothing is written.
var ErrNoneUnread = errors.New("store: no notification is unread")

// MarkRead marks the user's notifications read: the one of id, or every unread one when id is 0. It
// returns the notice marked (the zero one for all), or ErrNotFound when id is not the user's, or
// ErrNoneUnread when id is 0 and none is unread.
// provinceID is the user's province, which the audit entry is listed under.
func (s *Store) MarkRead(ctx context.Context, a audit.Actor, provinceID, id int64) (Notification, error) {
	var n Notification
	err := s.write(ctx, a, func(tx pgx.Tx) ([]audit.Entry, error) {
		if id != 0 {
			err := tx.QueryRow(ctx, `
				UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2
				RETURNING id, kind, subject, subject_id, title, title_en, created_at, read_at`, id, a.ID).
				Scan(&n.ID, &n.Kind, &n.Subject, &n.SubjectID, &n.Title, &n.TitleEn, &n.CreatedAt, &n.ReadAt)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, ErrNotFound
			}
			if err != nil {
				return nil, err
			}
			return []audit.Entry{{Action: "notification.read", Entity: "notification", EntityID: strconv.FormatInt(id, 10),
				ProvinceID: provinceID, Detail: audit.Change{After: map[string]any{"notice": n.Kind}}}}, nil
		}
		tag, err := tx.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, a.ID)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 0 {
			return nil, ErrNoneUnread
		}
		return []audit.Entry{{Action: "notification.read_all", Entity: "user", EntityID: strconv.FormatInt(a.ID, 10),
			ProvinceID: provinceID, Detail: audit.Change{After: map[string]any{"rows": tag.RowsAffected()}}}}, nil
	})
	return n, err
}

// SweepNotices tells what time has brought as of now: the milestones of the current election due within
// three days at places that have not marked them; the questions unanswered for 48 hours, to their
// committee and HQ; the copies of tasks due within two days or overdue, to the places that have not done
// them (sweepTasks); the training sessions beginning within a day, to the places invited (sweepTrainings);
// the readiness checks due today, to the places that have not filed them (sweepReadiness).
// Each is told once (dedup), so the sweep may run as often as it likes, on every
// replica at once. It returns how many notices it wrote.
func (s *Store) SweepNotices(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, audit.System, func(tx pgx.Tx) ([]audit.Entry, error) {
		// A milestone is due at a place when its window ends within three days from today (Tehran) and
		// the place has not marked it: the province's by its HQ, a county's by its governor, a district's by
		// its district head.
		tag, err := tx.Exec(ctx, `
			WITH today AS (SELECT ($1::timestamptz AT TIME ZONE 'Asia/Tehran')::date AS d),
			due AS (
				SELECT e.id AS election_id, m.id, m.level, m.province_id, m.title_fa, m.title_en,
				       e.election_day + m.end_offset AS ends
				FROM elections e CROSS JOIN today
				JOIN milestones m ON m.kind = coalesce(e.parent_kind, e.kind)
				WHERE e.is_current AND m.retired_at IS NULL AND m.level IN ('province', 'county', 'district')
				  AND e.election_day + m.end_offset BETWEEN today.d AND today.d + 3
			)
			INSERT INTO notifications (user_id, kind, subject, subject_id, title, title_en, dedup)
			SELECT u.id, 'milestone_due', 'milestone', due.id, due.title_fa, due.title_en,
			       'milestone_due ' || due.election_id || ' ' || due.id || ' ' || due.ends
			FROM due JOIN users u ON u.disabled_at IS NULL
			  AND (due.province_id IS NULL OR u.province_id = due.province_id)
			  AND (due.level = 'province' AND u.role = 'hq'
			    OR due.level = 'county' AND u.role = 'governor'
			    OR due.level = 'district' AND u.role = 'district_head')
			WHERE NOT EXISTS (
				SELECT 1 FROM milestone_marks mk
				WHERE mk.election_id = due.election_id AND mk.milestone_id = due.id AND mk.province_id = u.province_id
				  AND mk.county_id IS NOT DISTINCT FROM CASE WHEN due.level = 'province' THEN NULL ELSE u.county_id END
				  AND mk.district_id IS NOT DISTINCT FROM CASE WHEN due.level = 'district' THEN u.district_id END)
			ON CONFLICT (user_id, dedup) DO NOTHING`, now)
		if err != nil {
			return nil, err
		}
		n += tag.RowsAffected()
		waiting, err := sweepWaitingQuestions(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		n += waiting
		tasks, err := sweepTasks(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		n += tasks
		trainings, err := sweepTrainings(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		n += trainings
		readiness, err := sweepReadiness(ctx, tx, now)
		if err != nil {
			return nil, err
		}
		n += readiness
		if n == 0 {
			return nil, nil
		}
		return []audit.Entry{{Action: "notification.sweep", Entity: "notification",
			Detail: audit.Change{After: map[string]any{"rows": n}}}}, nil
	})
	return n, err
}
