package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/store"
)

// demoBoard is the state the demo leaves one board in.
type demoBoard struct {
	county   string
	district string // "" for the county board
	state    string // approved, submitted, resubmitted, returned, partial
	seq      int    // distinguishes the people of each board
}

// demoBoards put boards in every state across Fars, the counties of the source document included.
var demoBoards = []demoBoard{
	{"marvdasht", "", "approved", 1},
	{"pasargad", "", "resubmitted", 2},
	{"arsanjan", "", "returned", 3},
	{"beyza", "", "partial", 4},
	{"shiraz", "", "approved", 5},
	{"kazerun", "", "submitted", 6},
	{"fasa", "", "partial", 7},
	{"marvdasht", "marvdasht-central", "partial", 8},
	{"shiraz", "shiraz-central", "approved", 9}, // Shiraz is the county that is ready in every respect
}

var firstNames = []string{"علی", "محمد", "حسین", "رضا", "مهدی", "زهرا", "فاطمه", "مریم", "سارا", "حسن",
	"احمد", "محمود", "نرگس", "لیلا", "جواد", "مجید", "سمیه", "کاظم", "یوسف", "الهام"}
var lastNames = []string{"رضایی", "احمدی", "محمدی", "حسینی", "کریمی", "موسوی", "جعفری", "صادقی", "نوری", "کاظمی",
	"رحیمی", "قاسمی", "شریفی", "فرهادی", "اکبری", "مرادی", "زارعی", "سلطانی", "باقری", "یزدانی"}

// person is the n-th demo person of board seq: a name and a valid national ID unique to them.
func person(seq, n int) boardrules.Member {
	nine := fmt.Sprintf("%09d", 310000000+seq*10007+n*97)
	return boardrules.Member{
		// Twenty first names times a last name per block of twenty: no two people of a board share a name.
		FullName:   firstNames[n%len(firstNames)] + " " + lastNames[(seq*3+n/len(firstNames))%len(lastNames)],
		FatherName: firstNames[(seq+n*13)%len(firstNames)],
		NationalID: nine + string('0'+nationalid.CheckDigit(nine)),
		Phone:      fmt.Sprintf("0917%07d", seq*1000+n),
	}
}

// demoBoardsLoad composes the demo boards of the current election through the same store calls as the
// pages, acting as each county's governor and the provincial HQ, so the audit log tells the story. A
// board that already has members or submissions is left alone.
func demoBoardsLoad(ctx context.Context, st *store.Store, now time.Time) error {
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
	for _, db := range demoBoards {
		level, composer := "county", "gov."+db.county
		if db.district != "" {
			level, composer = "district", "dh."+db.district
		}
		bs, err := st.Boards(ctx, fars, e.ID, store.BoardFilter{County: db.county, Level: level})
		if err != nil {
			return err
		}
		var b store.Board
		for _, x := range bs {
			if x.DistrictCode == db.district {
				b = x
			}
		}
		if b.ID == 0 {
			return fmt.Errorf("demo board of %s %s not found", db.county, db.district)
		}
		if b.Members > 0 || b.PoolSize > 0 || b.Status != "draft" {
			continue
		}
		gov := audit.Actor{Name: composer, Remote: "seed"}
		if u, err := st.UserByUsername(ctx, gov.Name); err == nil {
			gov.ID = u.ID
		} else {
			gov = hq
		}
		if err := composeDemo(ctx, st, gov, fars, b.ID, db, now); err != nil {
			return fmt.Errorf("demo board of %s: %w", db.county, err)
		}
		steps := map[string][]string{
			"approved":    {"submit", "approve"},
			"submitted":   {"submit"},
			"returned":    {"submit", "return"},
			"resubmitted": {"submit", "return", "fix", "submit"},
		}[db.state]
		submission := 0 // the submission HQ decides on
		for _, step := range steps {
			switch step {
			case "submit":
				// The first submission forms the board: in the law's five days for most, two days late
				// for the board that is then returned; a submission after a return is today's.
				var at time.Time
				if submission == 0 {
					at = formedOn(e.ElectionDay, db.state)
				}
				err = st.SubmitBoardOn(ctx, gov, fars, b.ID, at)
				submission++
			case "approve":
				err = st.ApproveBoard(ctx, hq, fars, b.ID, submission)
			case "return":
				err = st.ReturnBoard(ctx, hq, fars, b.ID, submission, "submitted", "شماره تلفن دو عضو علی‌البدل نادرست است؛ اصلاح و دوباره ارسال کنید.")
			case "fix":
				d, err2 := st.Board(ctx, fars, b.ID)
				if err2 != nil {
					return err2
				}
				for _, m := range d.Members {
					if m.Phone == "0000" {
						fixed := m.Member
						fixed.Phone = fmt.Sprintf("0917%07d", m.ID)
						fixed.Notes = "تلفن اصلاح شد"
						if err = st.UpdateMember(ctx, gov, fars, b.ID, m.ID, m.Version, fixed); err != nil {
							break
						}
					}
				}
			}
			if err != nil {
				return fmt.Errorf("demo board of %s, %s: %w", db.county, step, err)
			}
		}
	}
	return nil
}

// formedOn is when a demo county board in a state was first submitted, for an election on electionDay:
// at 10:00 in Tehran on the third of the five days the councils' timeline gives (E−133 … E−129), or on
// E−127 for the board that is returned, so that the demo shows a board formed late beside boards formed
// in time.
func formedOn(electionDay time.Time, state string) time.Time {
	offset := -131
	if state == "returned" {
		offset = -127
	}
	d := electionDay.AddDate(0, 0, offset)
	return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, i18n.Tehran)
}

// composeDemo fills a board: a legal composition, or for "partial" a draft that is half done.
func composeDemo(ctx context.Context, st *store.Store, gov audit.Actor, sc auth.Scope, boardID int64, db demoBoard, now time.Time) error {
	poolSize := 30
	if db.state == "partial" {
		poolSize = 12
	}
	for i := range poolSize {
		if err := st.AddPoolMember(ctx, gov, sc, boardID, person(db.seq, i)); err != nil {
			return err
		}
	}
	if db.state != "partial" {
		approved := now.AddDate(0, 0, -20)
		on := time.Date(approved.Year(), approved.Month(), approved.Day(), 0, 0, 0, 0, time.UTC)
		if err := st.SetPoolApproval(ctx, gov, sc, boardID, on, fmt.Sprintf("%d/ن/%d", 1400+db.seq, 100+db.seq)); err != nil {
			return err
		}
	}
	seat := func(n int, role, office string) boardrules.Member {
		m := person(db.seq, n)
		m.Role, m.Office = role, office
		return m
	}
	chair := boardrules.Governor
	if db.district != "" {
		chair = boardrules.DistrictHead
	}
	members := []boardrules.Member{
		seat(100, boardrules.Chair, chair),
		seat(101, boardrules.ExOfficio, "civil_registration"),
		seat(102, boardrules.ExOfficio, "judiciary_rep"),
		seat(103, boardrules.Secretary, ""),
	}
	trusted, alternates := 8, 5
	if db.state == "partial" {
		trusted, alternates = 5, 0
	}
	for i := range trusted {
		members = append(members, seat(i, boardrules.Trusted, ""))
	}
	for i := range alternates {
		members = append(members, seat(10+i, boardrules.Alternate, ""))
	}
	if db.state == "returned" || db.state == "resubmitted" {
		// The number HQ asks to correct.
		for i := len(members) - 2; i < len(members); i++ {
			members[i].Phone = "0000"
		}
	}
	for _, m := range members {
		if _, err := st.AddMember(ctx, gov, sc, boardID, m); err != nil {
			return err
		}
	}
	return nil
}
