package audit

import (
	"maps"
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

func TestSnakeKeys(t *testing.T) {
	tests := []struct {
		in, want map[string]any
	}{
		{nil, nil},
		{map[string]any{"MinAge": 1, "AgeOnElectionDay": true, "Kind": "councils"},
			map[string]any{"min_age": 1, "age_on_election_day": true, "kind": "councils"}},
		{map[string]any{"min_age": 1, "status": "draft"}, map[string]any{"min_age": 1, "status": "draft"}},
	}
	for _, tt := range tests {
		if got := snakeKeys(tt.in); !maps.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("snakeKeys(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
