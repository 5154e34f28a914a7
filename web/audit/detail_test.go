package audit

import (
	"testing"

	"github.com/setad/setad/internal/i18n"
)

// Every field a detail holds has its label in both languages.
func TestFieldsLabelled(t *testing.T) {
	for _, f := range fields {
		for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
			if i18n.Message(lang, f.label) == f.label {
				t.Errorf("%s lacks %q, the label of %q", lang, f.label, f.name)
			}
		}
	}
}
