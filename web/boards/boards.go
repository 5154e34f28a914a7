// Package boards is the executive boards area: the review queue, one board with its rule check, members,
// pool, submissions and actions, the member edit form, and the official print view.
package boards

import (
	"context"
	"net/url"
	"slices"
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
	Page     int
	Pages    int
	Late     map[int64]bool // the boards of the page formed after their window, or still not formed after it
}

// ShowData is one board's page.
type ShowData struct {
	Board      store.BoardDetail
	Violations []boardrules.Violation
	Member     components.Form // the add-member form, filled in again after an error
	FromPool   components.Form // the form that makes a pool entry a member
	Pool       components.Form
	Approval   components.Form
	Review     components.Form
	Reopen     components.Form
	Submit     []boardrules.Violation // shown when a submit was refused
	Alert      string                 // message key of why an action was refused
	MaxMB      int                    // the limits of a pool file, stated on its form
	MaxRows    int
	// The board's formation window in the election's timeline and whether it is late.
	Formation components.Window
	Lateness  boardrules.Formation
}

// Statuses in workflow order; "returned" is a draft that HQ sent back.
var Statuses = []string{"draft", "returned", "submitted", "approved"}

func href(b store.Board, tail string) templ.SafeURL {
	return templ.SafeURL("/boards/" + strconv.FormatInt(b.ID, 10) + tail)
}

// Title names a board: "Executive board of Marvdasht County" or of a district.
func Title(ctx context.Context, b store.Board) string { return TitleIn(i18n.From(ctx), b) }

// TitleIn is Title in lang.
func TitleIn(lang i18n.Lang, b store.Board) string {
	if b.Level == "district" {
		return i18n.Message(lang, "boards.title_district", i18n.ArgName("district", b.DistrictFa, b.DistrictEn), i18n.ArgName("county", b.CountyFa, b.CountyEn))
	}
	return i18n.Message(lang, "boards.title_county", i18n.ArgName("county", b.CountyFa, b.CountyEn))
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

// ReopenQuestion asks before HQ reopens board b, approved (or submitted), for its composer to correct.
func ReopenQuestion(ctx context.Context, b store.Board) components.Question {
	return components.Question{What: i18n.M("confirm.board_reopen", i18n.ArgText("board", Title(ctx, b)),
		i18n.ArgKey("composer", composerRole(b))), Yes: i18n.M("boards.reopen"), Danger: true}
}

// ApproveQuestion asks before HQ approves submission number n of board b, the one its page showed.
func ApproveQuestion(ctx context.Context, b store.Board, n int) components.Question {
	return components.Question{What: i18n.M("confirm.board_approve", i18n.ArgText("board", Title(ctx, b)),
		i18n.ArgNum("submission", n)), Yes: i18n.M("boards.approve")}
}

// statusTone is the colour of each status of Statuses.
var statusTone = map[string]components.Tone{"draft": components.ToneDraft, "returned": components.ToneReturned,
	"submitted": components.ToneSubmitted, "approved": components.ToneApproved}

// statusLabels names each status of Statuses in the reader's language, looked up once for a whole list.
func statusLabels(lang i18n.Lang) map[string]string {
	m := make(map[string]string, len(Statuses))
	for _, s := range Statuses {
		m[s] = i18n.Message(lang, "board_status."+s)
	}
	return m
}

// statusBadge is the board's status, in words on its colour.
func statusBadge(ctx context.Context, b store.Board) templ.Component {
	k := StatusKey(b)
	return components.Badge(statusTone[k], i18n.T(ctx, "board_status."+k))
}

// FilterKeys are the list's filters, kept in its page links.
var FilterKeys = []string{"county", "level", "status", "conflict"}

// pageHref keeps the filters and moves to page n.
func pageHref(f components.Form, n int) templ.SafeURL {
	q := url.Values{}
	for _, k := range FilterKeys {
		if v := f.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	q.Set("page", strconv.Itoa(n))
	return templ.SafeURL("/boards?" + q.Encode())
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

// canAct reports whether what the board's check finds is the reader's to act on: a draft's for its
// composer, a submitted or approved board's for HQ, which returns or reopens it. Everyone else reads the
// check as information, not as an alarm.
func canAct(ctx context.Context, b store.Board) bool {
	if b.Status == "draft" {
		return canEdit(ctx, b)
	}
	return canReview(ctx)
}

// composes reports whether the reader is the one who composes the board (the scope decides which).
func composes(ctx context.Context, b store.Board) bool {
	return auth.FromContext(ctx).EditsBoardLevel(b.Level)
}

// composerRole is the catalogue key of who composes the board, as a sentence names him.
func composerRole(b store.Board) string {
	if b.Level == "district" {
		return "boards.composer.district"
	}
	return "boards.composer.county"
}

// newComposerHref is HQ's new-user form, filled in for the account that would compose the board.
func newComposerHref(b store.Board) templ.SafeURL {
	q := url.Values{}
	if b.Level == "district" {
		q.Set("role", "district_head")
		q.Set("district", b.DistrictCode)
	} else {
		q.Set("role", "governor")
		q.Set("county", b.CountyCode)
	}
	return templ.SafeURL("/admin/users/new?" + q.Encode())
}

// composers names the accounts that compose the board, in the reader's list style.
func composers(ctx context.Context, d store.BoardDetail) string {
	return strings.Join(d.Composers, i18n.Pick(ctx, "، ", ", "))
}

// ReturnNoteKey is the label of the note a draft carries back from HQ: a reopening's reason or a return's.
func ReturnNoteKey(b store.Board) string {
	if b.Reopened {
		return "boards.reopened_note"
	}
	return "boards.returned_note"
}

// hasCandidate reports whether the check found a member or a pool entry who is a candidate.
func hasCandidate(vs []boardrules.Violation) bool {
	return slices.ContainsFunc(vs, func(v boardrules.Violation) bool { return v.Code == "candidate" || v.Code == "pool_candidate" })
}

// nextStep says, for a board that HQ holds (submitted or approved) and that breaks a rule, who must act
// and how: the board cannot change until HQ returns or reopens it.
func nextStep(ctx context.Context, d ShowData) string {
	b := d.Board.Board
	if b.Status == "draft" || len(d.Violations) == 0 {
		return ""
	}
	role := composerRole(b)
	fix := "boards.next.fix"
	if hasCandidate(d.Violations) {
		fix = "boards.next.replace"
	}
	switch {
	case b.Status == "approved" && canReview(ctx):
		return i18n.T(ctx, "boards.next.hq_reopen", i18n.ArgKey("composer", role))
	case b.Status == "approved" && composes(ctx, b):
		return i18n.T(ctx, "boards.next.wait_reopen") + " " + i18n.T(ctx, fix)
	case b.Status == "approved":
		return i18n.T(ctx, "boards.next.others_reopen", i18n.ArgKey("composer", role))
	case canReview(ctx):
		return i18n.T(ctx, "boards.next.hq_return", i18n.ArgKey("composer", role))
	case composes(ctx, b):
		return i18n.T(ctx, "boards.next.wait_return") + " " + i18n.T(ctx, fix)
	}
	return i18n.T(ctx, "boards.next.others_return", i18n.ArgKey("composer", role))
}

// fromPoolOptions are the entries of the pool not yet on the board, named with their national IDs.
func fromPoolOptions(ctx context.Context, d store.BoardDetail) []components.Option {
	var opts []components.Option
	for _, p := range d.Pool {
		if p.Elected == "" {
			opts = append(opts, components.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.FullName + " · " + i18n.Digits(ctx, p.NationalID)})
		}
	}
	return opts
}

// poolRoleOptions are the seats a pool entry may take.
func poolRoleOptions(ctx context.Context) []components.Option {
	return []components.Option{{Value: boardrules.Trusted, Label: i18n.T(ctx, "board_role."+boardrules.Trusted)},
		{Value: boardrules.Alternate, Label: i18n.T(ctx, "board_role."+boardrules.Alternate)}}
}

// picksFromPool reports whether the reader may make pool entries members now: the composer of a draft
// whose pool the supervision board approved.
func picksFromPool(ctx context.Context, d store.BoardDetail) bool {
	return canEdit(ctx, d.Board) && d.PoolApprovedOn != nil
}

// quorumKeys name the fractions a clerk says in words; any other is said as "n of every d members".
var quorumKeys = map[[2]int]string{
	{1, 1}: "rules.quorum_all", {1, 2}: "rules.quorum_half", {1, 3}: "rules.quorum_one_third", {2, 3}: "rules.quorum_two_thirds",
	{1, 4}: "rules.quorum_one_quarter", {3, 4}: "rules.quorum_three_quarters", {2, 5}: "rules.quorum_two_fifths",
	{3, 5}: "rules.quorum_three_fifths", {4, 5}: "rules.quorum_four_fifths",
}

// QuorumText is a quorum fraction in words: «دو سوم اعضا», "two thirds of the members".
func QuorumText(ctx context.Context, num, den int) string {
	if num > 0 && den > 0 {
		g := gcd(num, den)
		if key, ok := quorumKeys[[2]int{num / g, den / g}]; ok {
			return i18n.T(ctx, key)
		}
	}
	return i18n.T(ctx, "rules.quorum_fraction", i18n.ArgNum("num", num), i18n.ArgNum("den", den))
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ruleNotes are the notes for HQ on each rule, by kind and level: what the law leaves open.
var ruleNotes = map[string]string{
	"councils/county":       "rules.note.councils_county",
	"councils/district":     "rules.note.councils_district",
	"majlis/county":         "rules.note.majlis_county",
	"majlis/district":       "rules.note.majlis_district",
	"presidential/county":   "rules.note.presidential_county",
	"presidential/district": "rules.note.presidential_district",
}

// ruleNote is the note for HQ on rule r, or "" when there is none.
func ruleNote(ctx context.Context, r store.BoardRule) string {
	if key, ok := ruleNotes[RuleKey(r.Kind, r.Level)]; ok {
		return i18n.T(ctx, key)
	}
	return ""
}

// roleLabel names a member's seat, with the office for the chair and ex-officio members.
func roleLabel(lang i18n.Lang, m boardrules.Member) string {
	s := i18n.Message(lang, "board_role."+m.Role)
	if m.Office != "" {
		s += " (" + i18n.Message(lang, "office."+m.Office) + ")"
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

// legalOrder is the board's members in the law's order (boardrules.InLegalOrder).
func legalOrder(d store.BoardDetail) []store.BoardMember {
	ms := slices.Clone(d.Members)
	order := boardrules.LegalOrder(d.Rule.Rule())
	slices.SortStableFunc(ms, func(a, b store.BoardMember) int { return order(a.Member, b.Member) })
	return ms
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

// ruleForm is the rule's form as it came back, or filled from the rule, its numbers in the reader's
// digits (the form reads any).
func ruleForm(ctx context.Context, d RulesData, r store.BoardRule) components.Form {
	if f, ok := d.Forms[RuleKey(r.Kind, r.Level)]; ok {
		return f.WithPrefix(r.Kind + "-" + r.Level + "-")
	}
	f := components.NewForm().WithPrefix(r.Kind + "-" + r.Level + "-")
	for k, v := range map[string]int{"trusted_main": r.TrustedMain, "alternates": r.Alternates, "pool_size": r.PoolSize,
		"quorum_num": r.QuorumNum, "quorum_den": r.QuorumDen} {
		f.Values.Set(k, i18n.Digits(ctx, strconv.Itoa(v)))
	}
	f.Values.Set("version", strconv.Itoa(r.Version))
	if r.FormedWithinDays != nil {
		f.Values.Set("formed_within_days", i18n.Digits(ctx, strconv.Itoa(*r.FormedWithinDays)))
	}
	f.Values["ex_officio"] = r.ExOfficio
	return f
}

// PoolImportQuestion asks before the ready rows of a preview join board b's pool.
func PoolImportQuestion(ctx context.Context, b store.Board, p store.PoolImport) components.Question {
	return components.Question{What: i18n.M("confirm.pool_import", i18n.ArgNum("count", p.Ready), i18n.ArgText("file", p.FileName),
		i18n.ArgText("board", Title(ctx, b))), Yes: i18n.M("boards.pool_import_yes")}
}

// uploadForm is the upload form's part of d.Form: with a preview shown, the form's own error is the
// preview's and shows there.
func uploadForm(d PoolImportData) components.Form {
	if d.Preview == nil {
		return d.Form
	}
	return d.Form.Without("")
}
