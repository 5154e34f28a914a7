// Package guidance is the committees' circulars: the list with the new-circular form, and a circular's
// page with its text rendered safely, its attachments, its corrections, its receipts and the forms of
// those who act on it.
package guidance

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/filetype"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/markdown"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ListData is the list page: the circulars in the reader's scope, and for a committee member the form
// of a new one (New, nil for the others) with the province's counties for its audience. The Ministry
// chooses a province (none chosen: every province's).
type ListData struct {
	Items    []store.Guidance
	Total    int             // the circulars the search finds, on every page
	Page     int             // from 1
	Q        string          // the words searched for in the titles, "" for all
	Search   components.Form // the search form, with its error
	New      *components.Form
	Counties []store.County
	Province components.ProvinceChoice
	// The filters: a county (with its districts) or a district that received the circulars and, with
	// Unacked, has not acknowledged them. FilterCounties are the county filter's choices (the Search form
	// holds its values); Applied the filters named, each removable; Query the list's parameters, kept in
	// its page links; ReceiptsOf the county whose receipts a province-wide reader's links open, "" for none.
	Unacked        bool
	FilterCounties []store.County
	Applied        []components.AppliedFilter
	Query          url.Values
	ReceiptsOf     string
}

// Pages is how many pages the list has.
func (d ListData) Pages() int { return (d.Total + store.GuidancePageSize - 1) / store.GuidancePageSize }

// listHref is a page of the list, with its province, search and filters.
func (d ListData) listHref(page int) templ.SafeURL {
	return components.ListHref("/guidance", d.Query, page)
}

// itemHref is a circular of the list: for a province-wide reader of a list narrowed to a county's
// unacknowledged circulars, its receipts of that county not acknowledged.
func (d ListData) itemHref(g store.Guidance) templ.SafeURL {
	if d.ReceiptsOf == "" {
		return Href(g.ID)
	}
	v := url.Values{"county": {d.ReceiptsOf}}
	if d.Unacked {
		v.Set("acked", AckedNo)
	}
	return templ.SafeURL(string(Href(g.ID)) + "?" + v.Encode() + "#receipts")
}

// ShowData is a circular's page. Follows: the reader sees every receipt (the province's readers); Own:
// the circular is the reader's committee's, which edits, publishes and withdraws it; CanAck: the reader's
// place received it and may acknowledge it; CanRemind: the reader may remind the places that have not.
// The forms carry what was typed when a post came back.
type ShowData struct {
	D         store.GuidanceDetail
	Follows   bool
	Own       bool
	CanAck    bool
	CanRemind bool
	Edit      components.Form
	Withdraw  components.Form
	Act       components.Form // the publish, acknowledge and remind forms' errors
	Attach    components.Form // the form that adds files
	Counties  []store.County
	Open      string // the id of a form that came back, drawn open
	Stale     bool   // the edit form came back drawn before a change: the current text is shown beside it
	// The receipts' filter (acked: AckedYes, AckedNo or "" for all; county: a code, "" for all), as GET
	// parameters; D.Receipts are those it keeps.
	ReceiptFilter components.Form
}

// The values of the receipts' filter of acknowledgement.
const (
	AckedYes = "yes"
	AckedNo  = "no"
)

// Href is a circular's page.
func Href(id int64) templ.SafeURL { return templ.SafeURL("/guidance/" + strconv.FormatInt(id, 10)) }

func action(id int64, what string) templ.SafeURL {
	return templ.SafeURL("/guidance/" + strconv.FormatInt(id, 10) + "/" + what)
}

// AttachmentHref is the download of a circular's attachment n.
func AttachmentHref(id int64, n int) templ.SafeURL {
	return templ.SafeURL("/guidance/" + strconv.FormatInt(id, 10) + "/attachments/" + strconv.Itoa(n))
}

// statusBadge is a circular's status in words, on its tone.
func statusBadge(ctx context.Context, g store.Guidance) components.Badged {
	tone := components.ToneApproved
	switch g.Status {
	case store.GuidanceDraft:
		tone = components.ToneDraft
	case store.GuidanceWithdrawn:
		tone = components.ToneReturned
	}
	return components.Badge(tone, i18n.T(ctx, "guidance.status."+g.Status))
}

// ackBadge is the reader's own place's acknowledgement, for a recipient's list.
func ackBadge(ctx context.Context, g store.Guidance) components.Badged {
	if g.MyAcked != nil {
		return components.Badge(components.ToneOK, i18n.T(ctx, "guidance.acked"))
	}
	return components.Badge(components.ToneWarn, i18n.T(ctx, "guidance.unacked"))
}

// committeeName is the circular's committee in the reader's language.
func committeeName(ctx context.Context, g store.Guidance) string {
	return i18n.Pick(ctx, g.CommitteeFa, g.CommitteeEn)
}

// audienceText says whom a circular is for: the whole province or the counties it names, with their
// districts or not.
func audienceText(ctx context.Context, g store.Guidance, counties []store.County) string {
	var s string
	if g.Audience.Province {
		s = i18n.T(ctx, "audience.province")
	} else {
		names := make([]string, 0, len(g.Audience.Counties))
		for _, code := range g.Audience.Counties {
			name := code
			for _, c := range counties {
				if c.Code == code {
					name = i18n.Pick(ctx, c.NameFa, c.NameEn)
				}
			}
			names = append(names, name)
		}
		s = strings.Join(names, i18n.T(ctx, "guidance.sep"))
	}
	if g.Audience.WithDistricts {
		s += " " + i18n.T(ctx, "guidance.with_districts")
	}
	return s
}

// when is a moment in the reader's calendar, or a dash.
func when(ctx context.Context, t *time.Time) string {
	if t == nil {
		return "—"
	}
	return i18n.DateTime(ctx, *t)
}

// sizeText is a file's size in kilobytes or megabytes, in the reader's digits.
func sizeText(ctx context.Context, n int64) string {
	if n < 1<<20 {
		return i18n.T(ctx, "guidance.size_kb", i18n.ArgNum("n", int((n+1023)>>10)))
	}
	tenths := int((n*10 + 1<<19) >> 20)
	return i18n.T(ctx, "guidance.size_mb", i18n.ArgText("n", i18n.Digits(ctx, strconv.Itoa(tenths/10)+"."+strconv.Itoa(tenths%10))))
}

// kindText is an attachment's kind for people (PDF, image, Word, Excel), from its stored type.
func kindText(ctx context.Context, a store.Attachment) string {
	for _, k := range filetype.Kinds() {
		if k.MIME() == a.MIME {
			return i18n.T(ctx, k.LabelKey())
		}
	}
	return a.MIME
}

// Accept is the file chooser's list of the kinds taken.
func Accept() string {
	var exts []string
	for _, k := range filetype.Kinds() {
		exts = append(exts, k.Extensions()...)
	}
	return strings.Join(exts, ",")
}

// placeName is a receipt's place: a county, or a district with its county.
func placeName(ctx context.Context, r store.Receipt) string {
	if r.DistrictID == 0 {
		return i18n.Pick(ctx, r.CountyFa, r.CountyEn)
	}
	return i18n.Pick(ctx, r.DistrictFa, r.DistrictEn)
}

// Revision is a correction of a circular, or a file added to it, as its page tells it: when, by whom, and
// what changed.
type Revision struct {
	N       int
	At      time.Time
	By      string
	Changes []components.Change
}

// History is a circular's corrections, newest first: each published text against the one before it.
func History(ctx context.Context, vs []store.GuidanceVersion) []Revision {
	var out []Revision
	for i := 0; i+1 < len(vs); i++ { // vs is newest first
		after, before := vs[i], vs[i+1]
		r := Revision{N: after.Revision, At: after.ChangedAt, By: after.ChangedBy}
		if after.Title != before.Title {
			r.Changes = append(r.Changes, components.Changed(i18n.T(ctx, "guidance.field_title"), before.Title, after.Title))
		}
		if !slices.Equal(after.Files, before.Files) {
			label, sep := i18n.T(ctx, "guidance.attachments"), i18n.T(ctx, "guidance.files_sep")
			switch {
			case len(before.Files) == 0:
				r.Changes = append(r.Changes, components.Set(label, strings.Join(after.Files, sep)))
			case len(after.Files) == 0:
				r.Changes = append(r.Changes, components.Removed(label, strings.Join(before.Files, sep)))
			default:
				r.Changes = append(r.Changes, components.Changed(label, strings.Join(before.Files, sep), strings.Join(after.Files, sep)))
			}
		}
		for _, h := range LineChanges(before.Body, after.Body) {
			label := i18n.T(ctx, "guidance.line", i18n.ArgNum("n", h.Line))
			// Readers see the lines as the circular reads, not its Markdown marks.
			was, is := markdown.Plain(h.Before, markdown.MaxChars), markdown.Plain(h.After, markdown.MaxChars)
			switch {
			case h.Before == "":
				r.Changes = append(r.Changes, components.Set(label+" "+i18n.T(ctx, "guidance.added"), is))
			case h.After == "":
				r.Changes = append(r.Changes, components.Removed(label+" "+i18n.T(ctx, "guidance.removed"), was))
			default:
				r.Changes = append(r.Changes, components.Changed(label, was, is))
			}
		}
		out = append(out, r)
	}
	return out
}

// Hunk is a run of lines of a text that a correction changed: from line Line (1-based, of the text before),
// the lines Before became the lines After (either may be empty).
type Hunk struct {
	Line   int
	Before string
	After  string
}

// maxDiffLines bounds the lines LineChanges compares with each other; a longer text is compared by its
// common start and end only, as one hunk between them.
const maxDiffLines = 400

// LineChanges tells what changed from one text to another, line by line: the lines the two share in order
// (their longest common subsequence) stay, and each run of lines between them that differ is a Hunk.
func LineChanges(before, after string) []Hunk {
	a, b := splitLines(before), splitLines(after)
	// The common start and end first: a correction touches a few lines of a long text.
	start := 0
	for start < len(a) && start < len(b) && a[start] == b[start] {
		start++
	}
	end := 0
	for end < len(a)-start && end < len(b)-start && a[len(a)-1-end] == b[len(b)-1-end] {
		end++
	}
	a, b = a[start:len(a)-end], b[start:len(b)-end]
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	if len(a) > maxDiffLines || len(b) > maxDiffLines {
		return []Hunk{{Line: start + 1, Before: strings.Join(a, "\n"), After: strings.Join(b, "\n")}}
	}
	// lcs[i][j] is the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var hunks []Hunk
	var cur *Hunk
	var del, ins []string
	flush := func() {
		if cur != nil {
			cur.Before, cur.After = strings.Join(del, "\n"), strings.Join(ins, "\n")
			hunks = append(hunks, *cur)
			cur, del, ins = nil, nil, nil
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			flush()
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			if cur == nil {
				cur = &Hunk{Line: start + i + 1}
			}
			ins = append(ins, b[j])
			j++
		default:
			if cur == nil {
				cur = &Hunk{Line: start + i + 1}
			}
			del = append(del, a[i])
			i++
		}
	}
	flush()
	return hunks
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

// FormMessages are a form's errors, in the order of their fields' names.
func FormMessages(f components.Form) []i18n.Msg {
	names := slices.Sorted(maps.Keys(f.Errors))
	ms := make([]i18n.Msg, len(names))
	for i, n := range names {
		ms[i] = f.Errors[n]
	}
	return ms
}

// refusedUndrawn is the form that came back when the page no longer draws it (a circular published or
// withdrawn meanwhile, or one that has its most files), whose errors are then shown at the top.
func refusedUndrawn(d ShowData) (components.Form, bool) {
	g := d.D.Guidance
	switch d.Open {
	case "edit-form":
		return d.Edit, !(d.Own && g.Status != store.GuidanceWithdrawn)
	case "withdraw-form":
		return d.Withdraw, !(d.Own && g.Status == store.GuidancePublished)
	case "attach-form":
		return d.Attach, !(d.Own && g.Status != store.GuidanceWithdrawn && len(d.D.Attachments) < store.MaxAttachments)
	case "publish-form":
		return d.Act, !(d.Own && g.Status == store.GuidanceDraft)
	case "ack-form":
		return d.Act, !d.CanAck
	case "remind-form":
		return d.Act, !(d.Follows && g.Status != store.GuidanceDraft && d.CanRemind && g.Acked < g.Places)
	}
	return components.Form{}, false
}
