package components

import (
	"context"

	"github.com/setad/setad/internal/dayinput"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/reqctx"
)

// FieldOpt changes how a form field is drawn: Numeric, Optional, or a Hint. Fields take any number of them
// after their usual arguments, so a page asks only for what it needs.
type FieldOpt interface{ apply(*fieldConf) }

// fieldConf is a field's options, gathered.
type fieldConf struct {
	numeric  bool
	optional bool
	multiple bool
	hint     string
}

func conf(opts []FieldOpt) fieldConf {
	var c fieldConf
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}

type fieldFlag int

// The options without a value.
const (
	// Numeric brings up a phone's keypad of digits (inputmode="numeric") for a value typed in digits, such as
	// a national ID, a phone number, a date or a count; the field still takes Persian digits and separators.
	Numeric fieldFlag = iota + 1
	// Optional marks a field that may be left empty with "(optional)" after its label, so that the fields
	// without the mark read as the ones that must be filled.
	Optional
	// Multiple lets a file chooser take several files at once.
	Multiple
)

func (f fieldFlag) apply(c *fieldConf) {
	switch f {
	case Numeric:
		c.numeric = true
	case Optional:
		c.optional = true
	case Multiple:
		c.multiple = true
	}
}

// Hint is one line under a field's label that explains it, such as a legal term; screen readers read it
// with the field. A field given two hints shows both, in order.
type Hint string

func (h Hint) apply(c *fieldConf) {
	if c.hint != "" && h != "" {
		c.hint += " "
	}
	c.hint += string(h)
}

// DateHint is the hint every date field carries: the calendar it wants, in the reader's language, with
// today as the example (dayinput.Hint). The field's value is read with dayinput.Read.
func DateHint(ctx context.Context) Hint {
	return Hint(dayinput.Hint(i18n.From(ctx), reqctx.From(ctx).Now))
}

// inputMode is the input's inputmode attribute, "" for the keyboard the type brings.
func (c fieldConf) inputMode() string {
	if c.numeric {
		return "numeric"
	}
	return ""
}

func (f Form) hintID(name string) string { return "h-" + f.Prefix + name }

// describedBy lists the ids of what describes a field: its hint and its error.
func (f Form) describedBy(name string, c fieldConf) string {
	ids := ""
	if c.hint != "" {
		ids = f.hintID(name)
	}
	if f.HasErr(name) {
		if ids != "" {
			ids += " "
		}
		ids += f.errID(name)
	}
	return ids
}
