package components

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// Text writes a text escaped, as the expression { s } does, without the two copies that templ makes of
// every expression's value (it formats each through fmt): the cells of a long list, thousands on a page,
// are written with it. Being a string, it is a component without an allocation.
type Text string

// Render writes t, escaped for HTML.
func (t Text) Render(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, templ.EscapeString(string(t)))
	return err
}
