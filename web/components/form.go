// Package components holds the templ pieces that several pages share: form fields that show their
// value and their localised error, and the form state they read; the box that lets a wide table scroll;
// the preview of an imported file with its tables of rejected and ready rows.
package components

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Form is a submitted form: what was typed, and each field's error ("" is the form's own).
type Form struct {
	Values url.Values
	Errors map[string]i18n.Msg
	Prefix string    // keeps element ids unique when a page has two forms with the same field names
	Ask    *Question // the question a PostForm asks before it posts (ConfirmAttrs), if its act cannot be undone
}

// NewForm returns an empty form.
func NewForm() Form { return Form{Values: url.Values{}, Errors: map[string]i18n.Msg{}} }

// KeyErrors are the form errors of field errors given as message keys without arguments, as the rule
// packages give them.
func KeyErrors(errs map[string]string) map[string]i18n.Msg {
	msgs := make(map[string]i18n.Msg, len(errs))
	for field, key := range errs {
		msgs[field] = i18n.M(key)
	}
	return msgs
}

// Get returns the typed value of a field.
func (f Form) Get(name string) string { return f.Values.Get(name) }

// WithPrefix returns the form with its element ids prefixed.
func (f Form) WithPrefix(p string) Form { f.Prefix = p; return f }

// Asking returns the form asking q before it posts: a form whose act cannot be undone and whose fields
// need their error summary (a reason to give, say), which a bare form with ConfirmAttrs would not have.
func (f Form) Asking(q Question) Form { f.Ask = &q; return f }

func (f Form) id(name string) string { return "f-" + f.Prefix + name }

func (f Form) errID(name string) string { return "e-" + f.Prefix + name }

// Without returns the form without the errors of the named fields.
func (f Form) Without(names ...string) Form {
	errs := make(map[string]i18n.Msg, len(f.Errors))
	for k, m := range f.Errors {
		if !slices.Contains(names, k) {
			errs[k] = m
		}
	}
	f.Errors = errs
	return f
}

// Err returns a field's error, or the zero Msg.
func (f Form) Err(name string) i18n.Msg { return f.Errors[name] }

// HasErr reports whether a field has an error.
func (f Form) HasErr(name string) bool { return !f.Errors[name].IsZero() }

// Valid reports whether no field has an error.
func (f Form) Valid() bool { return len(f.Errors) == 0 }

// Option is one choice of a select field.
type Option struct {
	Value string
	Label string
}

// CountyOptions are counties as choices, by code, named in the request's language.
func CountyOptions(ctx context.Context, cs []store.County) []Option {
	var opts []Option
	for _, c := range cs {
		opts = append(opts, Option{Value: c.Code, Label: i18n.Pick(ctx, c.NameFa, c.NameEn)})
	}
	return opts
}

// ProvinceOptions are provinces as choices, by code, named in the request's language.
func ProvinceOptions(ctx context.Context, ps []store.Province) []Option {
	opts := make([]Option, 0, len(ps))
	for _, p := range ps {
		opts = append(opts, Option{Value: p.Code, Label: i18n.Pick(ctx, p.NameFa, p.NameEn)})
	}
	return opts
}

// OnceFieldName is the hidden field that holds a create form's one-time id (OnceField): the server records
// what a rendered form creates once, however often it is posted (a double click, a form sent again).
const OnceFieldName = "form_id"

// ValidOnceID reports whether v is a one-time id as OnceID makes them: 32 lowercase hex digits.
func ValidOnceID(v string) bool {
	if len(v) != 32 {
		return false
	}
	for _, c := range v {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// onceAttr is how a drawn page holds a one-time id (OnceField): the id's 32 digits follow it.
var onceAttr = []byte(`name="` + OnceFieldName + `" value="`)

// RenewOnceIDs gives each create form of a drawn page a new one-time id, so that a page served again from
// the page cache never repeats the ids of the copy it was kept from: two tabs of one form create two
// records. It returns page itself when the page has no such form, else a copy.
func RenewOnceIDs(page []byte) []byte {
	i := bytes.Index(page, onceAttr)
	if i < 0 {
		return page
	}
	out := bytes.Clone(page)
	b := make([]byte, 16)
	for at := i + len(onceAttr); ; {
		if at+32 <= len(out) && ValidOnceID(string(out[at:at+32])) {
			_, _ = rand.Read(b)
			hex.Encode(out[at:at+32], b)
			at += 32
		}
		j := bytes.Index(out[at:], onceAttr)
		if j < 0 {
			return out
		}
		at += j + len(onceAttr)
	}
}

// OnceID is the form's one-time id: the one it was posted with, when it comes back to be corrected (it
// created nothing yet), else a new one.
func (f Form) OnceID() string {
	if v := f.Get(OnceFieldName); ValidOnceID(v) {
		return v
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
