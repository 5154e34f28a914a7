package components

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// Tone is a badge's colour, one of the style sheet's badge-* classes: the meaning of a status at a glance,
// never its only sign (the badge always says it in words).
type Tone string

// The tones of the style sheet. A board's status is its own tone.
const (
	ToneOK        Tone = "ok"
	ToneWarn      Tone = "warn"
	ToneBad       Tone = "bad"
	ToneDraft     Tone = "draft"
	ToneReturned  Tone = "returned"
	ToneSubmitted Tone = "submitted"
	ToneApproved  Tone = "approved"
)

// Badge is a status shown as text on a ground of its tone. It is written directly, not through templ's class
// expression, which sanitises and joins its classes anew on every row of a long list.
func Badge(tone Tone, text string) Badged { return Badged{tone: tone, text: text} }

// Badged is a badge to write (Badge): a value, which a list writes on each of its rows without an
// allocation.
type Badged struct {
	tone Tone
	text string
}

// Render writes the badge.
func (b Badged) Render(_ context.Context, w io.Writer) error {
	for _, s := range [...]string{`<span class="badge badge-`, templ.EscapeString(string(b.tone)), `">`, templ.EscapeString(b.text), `</span>`} {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}
