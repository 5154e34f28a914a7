package components

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
)

func render(t *testing.T, lang i18n.Lang, c templ.Component) string {
	t.Helper()
	var b strings.Builder
	if err := c.Render(i18n.NewContext(context.Background(), lang), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The options of a field change only what they are for: the keypad, the "(optional)" mark and a hint read
// with the field (with its error, when it has one).
func TestFieldOptions(t *testing.T) {
	bad := NewForm()
	bad.Errors["n"] = i18n.M("err.required")
	tests := []struct {
		name  string
		lang  i18n.Lang
		c     templ.Component
		wants []string
		nots  []string
	}{
		{"plain", i18n.Fa, Field(NewForm(), "n", "نام", "text", "off", true),
			[]string{`<label for="f-n">نام`, `required`}, []string{"inputmode", "optional", "aria-describedby", "hint"}},
		{"numeric", i18n.Fa, Field(NewForm(), "n", "کد ملی", "text", "off", true, Numeric),
			[]string{`inputmode="numeric"`}, []string{"optional"}},
		{"numeric password stays a password", i18n.Fa, Field(NewForm(), "p", "رمز", "password", "new-password", true, Numeric),
			[]string{`type="password"`}, []string{"inputmode"}},
		{"optional fa", i18n.Fa, Field(NewForm(), "n", "تلفن", "tel", "off", false, Optional),
			[]string{`<span class="optional">(اختیاری)</span></label>`}, []string{"inputmode", "required"}},
		{"optional en", i18n.En, Field(NewForm(), "n", "Phone", "tel", "off", false, Numeric, Optional),
			[]string{`<span class="optional">(optional)</span>`, `inputmode="numeric"`}, nil},
		{"hint", i18n.Fa, Field(NewForm(), "n", "تاریخ", "text", "off", true, Hint("یک خط توضیح")),
			[]string{`<p class="hint" id="h-n">یک خط توضیح</p>`, `aria-describedby="h-n"`}, []string{"aria-invalid"}},
		{"hint and error", i18n.Fa, Field(bad, "n", "تاریخ", "text", "off", true, Hint("یک خط توضیح")),
			[]string{`aria-describedby="h-n e-n"`, `aria-invalid="true"`, `<p class="error" id="e-n">`}, nil},
		{"prefixed ids", i18n.Fa, Field(bad.WithPrefix("pool-"), "n", "تاریخ", "text", "off", true, Hint("x")),
			[]string{`id="h-pool-n"`, `aria-describedby="h-pool-n e-pool-n"`}, nil},
		{"select optional", i18n.En, Select(NewForm(), "s", "Office", []Option{{"a", "A"}}, false, Optional),
			[]string{`<span class="optional">(optional)</span>`}, []string{"required"}},
		{"text area optional with hint", i18n.En, TextArea(NewForm(), "t", "Notes", false, Optional, Hint("Why")),
			[]string{`(optional)`, `<p class="hint" id="h-t">Why</p>`, `<textarea id="f-t" name="t" rows="3" aria-describedby="h-t">`}, nil},
	}
	for _, tt := range tests {
		html := render(t, tt.lang, tt.c)
		for _, w := range tt.wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s: lacks %q in %s", tt.name, w, html)
			}
		}
		for _, n := range tt.nots {
			if strings.Contains(html, n) {
				t.Errorf("%s: has %q in %s", tt.name, n, html)
			}
		}
	}
}

// A table's box scrolls by itself, is named and takes the keyboard's focus.
func TestTableWrap(t *testing.T) {
	var b strings.Builder
	ctx := templ.WithChildren(context.Background(), templ.Raw("<table></table>"))
	if err := TableWrap("داوطلبان").Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	want := `<div class="table-wrap" role="region" aria-label="داوطلبان" tabindex="0"><table></table></div>`
	if b.String() != want {
		t.Errorf("TableWrap = %s, want %s", b.String(), want)
	}
}
