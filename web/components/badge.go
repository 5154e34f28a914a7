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
func Badge(tone Tone, text string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<span class="badge badge-`+templ.EscapeString(string(tone))+`">`+templ.EscapeString(text)+`</span>`)
		return err
	})
}
