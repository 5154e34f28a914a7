package components

import (
	"context"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Preview is what the card of a previewed file says before its rows (ImportPreview): which file, how many
// of its rows are ready and how many were rejected, the preview's own error, and either the note that it
// was imported or the form that imports it. The page decides which, by its own rules.
type Preview struct {
	Title   string          // names the file
	Counts  string          // how many rows are ready and how many were rejected
	Err     i18n.Msg        // the preview's own error (its rows clash since, say); zero for none
	Done    string          // said, instead of any confirmation, once the file is imported; "" says nothing
	Confirm *PreviewConfirm // the form that imports the ready rows; nil offers none
}

// PreviewConfirm is the form that imports a preview's ready rows: it posts the preview's ID as the field
// import to Action, once Question is answered (ConfirmAttrs), with a button saying Button.
type PreviewConfirm struct {
	Action   templ.SafeURL
	ID       int64
	Question Question
	Button   string
}

// RowTable is a table of a previewed file's rows of one kind (RejectedRows, ReadyRows): each row's line in
// the file, the page's columns, and, for rejected rows, what is wrong with each.
type RowTable[R any] struct {
	Caption string // names the table, the box it scrolls in and its pager
	Line    string // the heading of the lines' column
	LineOf  func(R) int
	Columns []Column[R]
	Rows    []R
	// Problems heads the column of each row's problems (ProblemsOf); a table without ProblemsOf has none.
	Problems   string
	ProblemsOf func(R) []store.ImportProblem
	// Where the rows come a page at a time: this is page Page of Pages, and Href gives a page's address.
	// A table of one page (or Pages 0) has no pager.
	Page, Pages int
	Href        func(page int) templ.SafeURL
}

// Column is one column of a RowTable: its heading and each row's cell, given as Text or, for a cell with
// markup, as a Cell component.
type Column[R any] struct {
	Heading string
	Text    func(R) string
	Cell    func(R) templ.Component // used instead of Text when set
	Num     bool                    // a figure, aligned as figures are (class num)
	LTR     bool                    // read left to right whatever the page's direction: an ID, a phone number
}

// ProblemText is one problem of a rejected row: its column, then what is wrong with it; a problem of the
// whole row is only the latter.
func ProblemText(ctx context.Context, p store.ImportProblem) string {
	if p.Field == "" {
		return p.Msg.Text(ctx)
	}
	return i18n.T(ctx, "form.summary_item", i18n.ArgText("field", i18n.T(ctx, "field."+p.Field)), i18n.ArgText("message", p.Msg.Text(ctx)))
}
