// Package boards is the executive boards area: the review queue, one board with its rule check, members,
// pool, submissions and actions, the member edit form, and the official print view.
package boards

import (
	"context"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ListData is the review queue.
type ListData struct {
	Election *store.Election
	Boards   []store.Board
	Counts   map[string]int
	Filter   components.Form
	Counties []store.County
}

// ShowData is one board's page.
type ShowData struct {
	Board      store.BoardDetail
	Violations []boardrules.Violation
	Member     components.Form // the add-member form, filled in again after an error
	Pool       components.Form
	Approval   components.Form
	Review     components.Form
	Submit     []boardrules.Violation // shown when a submit was refused
	Alert      string                 // message key of why an action was refused
}

// Statuses in workflow order; "returned" is a draft that HQ sent back.
var Statuses = []string{"draft", "returned", "submitted", "approved"}

func href(b store.Board, tail string) templ.SafeURL {
	return templ.SafeURL("/boards/" + strconv.FormatInt(b.ID, 10) + tail)
}

// Title names a board: "Executive board of Marvdasht County" or of a district.
func Title(ctx context.Context, b store.Board) string {
	if b.Level == "district" {
		return i18n.T(ctx, "boards.title_district", i18n.ArgName("district", b.DistrictFa, b.DistrictEn), i18n.ArgName("county", b.CountyFa, b.CountyEn))
	}
	return i18n.T(ctx, "boards.title_county", i18n.ArgName("county", b.CountyFa, b.CountyEn))
}

// MemberDeleteQuestion asks before a member named name leaves board b.
func MemberDeleteQuestion(ctx context.Context, b store.Board, name string) components.Question {
	return components.Question{What: i18n.M("confirm.member_delete", i18n.ArgText("name", name), i18n.ArgText("board", Title(ctx, b))),
		Yes: i18n.M("boards.delete"), Danger: true}
}

// PoolDeleteQuestion asks before a person named name leaves board b's pool.
func PoolDeleteQuestion(ctx context.Context, b store.Board, name string) components.Question {
	return components.Question{What: i18n.M("confirm.pool_delete", i18n.ArgText("name", name), i18n.ArgText("board", Title(ctx, b))),
		Yes: i18n.M("boards.delete"), Danger: true}
}

// ApproveQuestion asks before HQ approves submission number n of board b, the one its page showed.
func ApproveQuestion(ctx context.Context, b store.Board, n int) components.Question {
	return components.Question{What: i18n.M("confirm.board_approve", i18n.ArgText("board", Title(ctx, b)),
		i18n.ArgNum("submission", n)), Yes: i18n.M("boards.approve")}
}

// StatusKey is the board's status for display: a draft that HQ sent back is "returned".
func StatusKey(b store.Board) string {
	if b.Status == "draft" && b.ReturnNote != "" {
		return "returned"
	}
	return b.Status
}

func canEdit(ctx context.Context, b store.Board) bool {
	p := auth.FromContext(ctx)
	return b.Status == "draft" && p.EditsBoardLevel(b.Level)
}

func canReview(ctx context.Context) bool { return auth.FromContext(ctx).Can(auth.ReviewBoards) }

// roleLabel names a member's seat, with the office for the chair and ex-officio members.
func roleLabel(ctx context.Context, m boardrules.Member) string {
	s := i18n.T(ctx, "board_role."+m.Role)
	if m.Office != "" {
		s += " (" + i18n.T(ctx, "office."+m.Office) + ")"
	}
	return s
}

// violation is a broken rule in the user's language.
func violation(ctx context.Context, v boardrules.Violation) string {
	switch v.Code {
	case "chair_count":
		return i18n.T(ctx, "rule.chair_count", i18n.ArgNum("got", v.Got))
	case "secretary_count":
		return i18n.T(ctx, "rule.secretary_count", i18n.ArgNum("got", v.Got))
	case "chair_office":
		return i18n.T(ctx, "rule.chair_office", i18n.ArgKey("office", "office."+v.Office))
	case "office_missing":
		return i18n.T(ctx, "rule.office_missing", i18n.ArgKey("office", "office."+v.Office))
	case "office_twice":
		return i18n.T(ctx, "rule.office_twice", i18n.ArgKey("office", "office."+v.Office), i18n.ArgNum("got", v.Got))
	case "office_foreign":
		return i18n.T(ctx, "rule.office_foreign", i18n.ArgText("name", v.Name), i18n.ArgKey("office", "office."+v.Office))
	case "trusted_count":
		return i18n.T(ctx, "rule.trusted_count", i18n.ArgNum("want", v.Want), i18n.ArgNum("got", v.Got))
	case "alternate_count":
		return i18n.T(ctx, "rule.alternate_count", i18n.ArgNum("want", v.Want), i18n.ArgNum("got", v.Got))
	case "pool_size":
		return i18n.T(ctx, "rule.pool_size", i18n.ArgNum("want", v.Want), i18n.ArgNum("got", v.Got))
	case "pool_not_approved":
		return i18n.T(ctx, "rule.pool_not_approved")
	case "invalid_id":
		return i18n.T(ctx, "rule.invalid_id", i18n.ArgText("name", v.Name))
	case "duplicate_id":
		return i18n.T(ctx, "rule.duplicate_id", i18n.ArgText("name", v.Name))
	case "candidate":
		return i18n.T(ctx, "rule.candidate", i18n.ArgText("name", v.Name))
	case "pool_invalid_id":
		return i18n.T(ctx, "rule.pool_invalid_id", i18n.ArgText("name", v.Name))
	case "pool_duplicate_id":
		return i18n.T(ctx, "rule.pool_duplicate_id", i18n.ArgText("name", v.Name))
	case "pool_candidate":
		return i18n.T(ctx, "rule.pool_candidate", i18n.ArgText("name", v.Name))
	case "not_from_pool":
		return i18n.T(ctx, "rule.not_from_pool", i18n.ArgText("name", v.Name))
	}
	return "rule." + v.Code // a rule without its message shows its key, as an unknown key does
}

func roleOptions(ctx context.Context) []components.Option {
	var opts []components.Option
	for _, r := range boardrules.Roles {
		opts = append(opts, components.Option{Value: r, Label: i18n.T(ctx, "board_role."+r)})
	}
	return opts
}

// officeOptions are the chair's offices and the ex-officio offices.
func officeOptions(ctx context.Context) []components.Option {
	var opts []components.Option
	for _, o := range append([]string{boardrules.Governor, boardrules.DistrictHead}, boardrules.Offices...) {
		opts = append(opts, components.Option{Value: o, Label: i18n.T(ctx, "office."+o)})
	}
	return opts
}

func statusOptions(ctx context.Context) []components.Option {
	var opts []components.Option
	for _, s := range Statuses {
		opts = append(opts, components.Option{Value: s, Label: i18n.T(ctx, "board_status."+s)})
	}
	return opts
}

func levelOptions(ctx context.Context) []components.Option {
	return []components.Option{{Value: "county", Label: i18n.T(ctx, "boards.level.county")},
		{Value: "district", Label: i18n.T(ctx, "boards.level.district")}}
}

// diff is what changed from the previous submission to the latest, or nil when there is only one.
func diff(d store.BoardDetail) ([]boardrules.Change, int) {
	if len(d.Submissions) < 2 {
		return nil, 0
	}
	return boardrules.Diff(d.Submissions[1].Members, d.Submissions[0].Members), d.Submissions[1].Number
}

// fieldChanges are a member's changed fields, labelled, with their values in the reader's language.
func fieldChanges(ctx context.Context, c boardrules.Change) []components.Change {
	var cs []components.Change
	for _, f := range c.Fields {
		cs = append(cs, components.Changed(i18n.T(ctx, "field."+f.Field), fieldValue(ctx, f, f.Before), fieldValue(ctx, f, f.After)))
	}
	return cs
}

func fieldValue(ctx context.Context, f boardrules.FieldChange, v string) string {
	switch {
	case v == "":
		return "—"
	case f.Field == "role":
		return i18n.T(ctx, "board_role."+v)
	case f.Field == "office":
		return i18n.T(ctx, "office."+v)
	}
	return i18n.Digits(ctx, v)
}

func quorum(d store.BoardDetail) int { return boardrules.Quorum(len(d.Members), d.Rule.Rule()) }

func legalOrder(d store.BoardDetail) []store.BoardMember {
	var ms []boardrules.Member
	byID := map[string]store.BoardMember{}
	for _, m := range d.Members {
		ms = append(ms, m.Member)
		byID[m.NationalID] = m
	}
	var out []store.BoardMember
	for _, m := range boardrules.InLegalOrder(ms, d.Rule.Rule()) {
		out = append(out, byID[m.NationalID])
	}
	return out
}

// offices names a rule's ex-officio offices in the reader's language.
func offices(ctx context.Context, keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = i18n.T(ctx, "office."+k)
	}
	return strings.Join(names, i18n.Pick(ctx, "، ", ", "))
}

// RuleKey names a rule in RulesData.Forms.
func RuleKey(kind, level string) string { return kind + "/" + level }

// ruleForm is the rule's form as it came back, or filled from the rule.
func ruleForm(d RulesData, r store.BoardRule) components.Form {
	if f, ok := d.Forms[RuleKey(r.Kind, r.Level)]; ok {
		return f.WithPrefix(r.Kind + "-" + r.Level + "-")
	}
	f := components.NewForm().WithPrefix(r.Kind + "-" + r.Level + "-")
	for k, v := range map[string]int{"trusted_main": r.TrustedMain, "alternates": r.Alternates, "pool_size": r.PoolSize,
		"quorum_num": r.QuorumNum, "quorum_den": r.QuorumDen, "version": r.Version} {
		f.Values.Set(k, strconv.Itoa(v))
	}
	if r.FormedWithinDays != nil {
		f.Values.Set("formed_within_days", strconv.Itoa(*r.FormedWithinDays))
	}
	f.Values["ex_officio"] = r.ExOfficio
	return f
}
