package components

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/reqctx"
)

// PageField is the hidden field of every posted form that names the page showing it, so that a form kept
// across a login brings its user back to that page, and not to the address it was posted to.
const PageField = "form_page"

// PostForm is a form that posts to action, with id as its element id. Its fields (Field, Select, TextArea,
// Checkbox, FileInput) are drawn first, so that the form can open with a summary of its errors linking
// to each of them; the summary takes the focus as the page loads (autofocus), so that after a post the
// browser lands on the form and not at the top of a long page. A redirect to the form's id
// (/boards/7#add-pool) lands there too, and the form shows the message of that redirect. On the page that
// brings back a form kept across a login, it shows the kept values.
//
// The action carries no fragment: a redirect after the post would inherit it and scroll to a form that
// has nothing to say.
func PostForm(f Form, action templ.SafeURL, id, class string) templ.Component {
	return wrapForm(f, http.MethodPost, action, id, class, "")
}

// UploadForm is PostForm for a form that sends files.
func UploadForm(f Form, action templ.SafeURL, id, class string) templ.Component {
	return wrapForm(f, http.MethodPost, action, id, class, "multipart/form-data")
}

// GetForm is a form that asks for a page, such as a list's filters, with the same error summary. It
// stays where it is: a filtered list is read from its top.
func GetForm(f Form, action templ.SafeURL, id, class string) templ.Component {
	return wrapForm(f, http.MethodGet, action, id, class, "")
}

// formState is what a form learns while its fields are drawn: their ids and labels in page order, for the
// summary, and the values it brings back, if any.
type formState struct {
	fields   []fieldRef
	restored url.Values
}

type fieldRef struct{ name, id, label string }

type formStateKey struct{}

// formView is what the form's frame shows around its drawn fields.
type formView struct {
	f        Form
	method   string
	action   templ.SafeURL
	id       string
	class    string
	enctype  string
	page     string
	restored bool
	flash    string // message key of the form's own one-time message
	fields   []fieldRef
	attrs    templ.Attributes // the question it asks first, if any
}

func wrapForm(f Form, method string, action templ.SafeURL, id, class, enctype string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		children := templ.GetChildren(ctx)
		ctx = templ.ClearChildren(ctx)
		st := &formState{}
		if r, ok := ctx.Value(restoredKey{}).(*restored); ok && !r.used && method == http.MethodPost && r.action == string(action) {
			st.restored, r.used = r.values, true
		}
		var body bytes.Buffer
		if err := children.Render(context.WithValue(ctx, formStateKey{}, st), &body); err != nil {
			return err
		}
		v := formView{f: f, method: strings.ToLower(method), action: action, id: id, class: class, enctype: enctype,
			restored: st.restored != nil, fields: st.fields}
		if method == http.MethodPost {
			v.page = formPage(ctx, f)
		}
		if info := reqctx.From(ctx); info.FlashForm == id {
			v.flash = info.Flash
		}
		if f.Ask != nil {
			v.attrs = ConfirmAttrs(ctx, *f.Ask)
		}
		return formFrame(v, templ.Raw(body.String())).Render(ctx, w)
	})
}

// formPage is the page that shows the form: the one a posted form came from, else the page being drawn
// when it is a page (a GET); a form drawn again after a post to a handler that did not keep the field
// names none, and the referring page stands in for it.
func formPage(ctx context.Context, f Form) string {
	if p := f.Get(PageField); p != "" {
		return p
	}
	if info := reqctx.From(ctx); info.Method == http.MethodGet {
		return info.Path
	}
	return ""
}

// field notes a field of the enclosing form, for the summary, and returns the form as the field must show
// it: with the kept values when the form brings them back.
func field(ctx context.Context, f Form, name, label string) Form {
	st, ok := ctx.Value(formStateKey{}).(*formState)
	if !ok {
		return f
	}
	id := f.id(name)
	if !slices.ContainsFunc(st.fields, func(r fieldRef) bool { return r.id == id }) {
		st.fields = append(st.fields, fieldRef{name: name, id: id, label: label})
	}
	if st.restored != nil {
		f.Values = st.restored
	}
	return f
}

// hiddenValue is what a hidden field of the form being drawn carries: value, or, when the page restores a
// form kept across a login, the value that form was typed with. A record's version and the submission a
// reviewer saw must come back as they were, so that a restored edit is checked against the state it was
// typed on, not applied over a change made meanwhile.
func hiddenValue(ctx context.Context, name, value string) string {
	if st, ok := ctx.Value(formStateKey{}).(*formState); ok && st.restored != nil && st.restored.Has(name) {
		return st.restored.Get(name)
	}
	return value
}

// summaryItem is one line of the error summary: a field's error with a link to it, or the form's own.
type summaryItem struct {
	href  string // empty for an error that belongs to no drawn field
	label string
	name  string
}

// summaryItems lists the form's errors: its own first, then each field's in page order, then those of
// fields the form does not draw.
func summaryItems(f Form, fields []fieldRef) []summaryItem {
	var items []summaryItem
	if f.HasErr("") {
		items = append(items, summaryItem{})
	}
	seen := map[string]bool{"": true}
	for _, r := range fields {
		if f.HasErr(r.name) && !seen[r.name] {
			seen[r.name] = true
			items = append(items, summaryItem{href: "#" + r.id, label: r.label, name: r.name})
		}
	}
	var rest []string
	for name := range f.Errors {
		if !seen[name] && f.HasErr(name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		items = append(items, summaryItem{name: name})
	}
	return items
}

type restoredKey struct{}

// restored is a form kept across a login, to be shown filled in by the form that posts to action.
type restored struct {
	action string
	values url.Values
	used   bool
}

// WithRestored returns ctx carrying the values of a form kept across a login: the form on the page that
// posts to action shows them, with a note that nothing has been saved yet.
func WithRestored(ctx context.Context, action string, values url.Values) context.Context {
	return context.WithValue(ctx, restoredKey{}, &restored{action: action, values: values})
}
