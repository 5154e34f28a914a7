package components

import (
	"context"
	"maps"
	"net/url"
	"slices"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
)

// Question is an act that cannot be undone, as the portal asks about it: what will happen, naming the
// record, and the button that does it.
type Question struct {
	What   i18n.Msg
	Yes    i18n.Msg
	Danger bool // the act removes or withdraws something: its button is red
}

// ConfirmAttrs marks a form whose act cannot be undone. Where JavaScript runs, confirm.js asks the
// question in a dialog and then posts the form with confirm=yes; without it, the form posts as it is and
// the server asks on a page of its own (Confirmation) before doing anything.
func ConfirmAttrs(ctx context.Context, q Question) templ.Attributes {
	a := templ.Attributes{
		"data-confirm":     q.What.Text(ctx),
		"data-confirm-yes": q.Yes.Text(ctx),
		"data-confirm-no":  i18n.T(ctx, "confirm.cancel"),
	}
	if q.Danger {
		a["data-confirm-danger"] = true
	}
	return a
}

// Confirmation is the page that asks before an act posted without its confirmation: it posts the same
// fields again to Action with confirm=yes, or goes Back having changed nothing.
type Confirmation struct {
	Question
	Action    string
	Values    url.Values
	Back      string
	Multipart bool // the act is read as a file upload is, part by part
}

// hidden is the fields to post again, in a stable order.
func (c Confirmation) hidden() [][2]string {
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(c.Values)) {
		for _, v := range c.Values[k] {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}
