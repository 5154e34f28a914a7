// Package components holds the templ pieces that several pages share: form fields that show their
// value and their localised error, and the form state they read.
package components

import (
	"context"
	"net/url"
	"strings"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
)

// Form is a submitted form: what was typed, and the message key of each field's error.
type Form struct {
	Values url.Values
	Errors map[string]string
	Prefix string // keeps element ids unique when a page has two forms with the same field names
}

// NewForm returns an empty form.
func NewForm() Form { return Form{Values: url.Values{}, Errors: map[string]string{}} }

// Get returns the typed value of a field.
func (f Form) Get(name string) string { return f.Values.Get(name) }

// WithPrefix returns the form with its element ids prefixed.
func (f Form) WithPrefix(p string) Form { f.Prefix = p; return f }

func (f Form) id(name string) string { return "f-" + f.Prefix + name }

func (f Form) errID(name string) string { return "e-" + f.Prefix + name }

// Err returns the message key of a field's error, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// Valid reports whether no field has an error.
func (f Form) Valid() bool { return len(f.Errors) == 0 }

// Option is one choice of a select field.
type Option struct {
	Value string
	Label string
}

// Message joins a message key and its arguments into one error value for Form.Errors.
func Message(key string, args ...string) string {
	return strings.Join(append([]string{key}, args...), "|")
}

// Text renders an error value made by Message in the request's language.
func Text(ctx context.Context, v string) string { return message(ctx, v) }

// message renders an error value made by Message.
func message(ctx context.Context, v string) string {
	parts := strings.Split(v, "|")
	args := make([]any, len(parts)-1)
	for i, a := range parts[1:] {
		args[i] = a
	}
	return i18n.T(ctx, parts[0], args...)
}

// CountyOptions are counties as choices, by code, named in the request's language.
func CountyOptions(ctx context.Context, cs []store.County) []Option {
	var opts []Option
	for _, c := range cs {
		opts = append(opts, Option{Value: c.Code, Label: i18n.Pick(ctx, c.NameFa, c.NameEn)})
	}
	return opts
}
