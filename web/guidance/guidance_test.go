package guidance

import (
	"slices"
	"testing"
)

func TestLineChanges(t *testing.T) {
	for _, tt := range []struct {
		name          string
		before, after string
		want          []Hunk
	}{
		{"same", "a\nb", "a\nb", nil},
		{"both empty", "", "", nil},
		{"one line changed", "a\nb\nc", "a\nB\nc", []Hunk{{Line: 2, Before: "b", After: "B"}}},
		{"line added at the end", "a\nb", "a\nb\nc", []Hunk{{Line: 3, After: "c"}}},
		{"line removed at the start", "a\nb\nc", "b\nc", []Hunk{{Line: 1, Before: "a"}}},
		{"two places", "a\nb\nc\nd\ne", "a\nX\nc\nd\nY", []Hunk{{Line: 2, Before: "b", After: "X"}, {Line: 5, Before: "e", After: "Y"}}},
		{"a run replaced by a longer one", "a\nb\nc\nz", "a\n1\n2\n3\nz", []Hunk{{Line: 2, Before: "b\nc", After: "1\n2\n3"}}},
		{"from nothing", "", "a\nb", []Hunk{{Line: 1, After: "a\nb"}}},
		{"carriage returns are line ends", "a\r\nb", "a\nb", nil},
		{"persian", "سطر یک\nسطر دو", "سطر یک\nسطر ۲", []Hunk{{Line: 2, Before: "سطر دو", After: "سطر ۲"}}},
	} {
		if got := LineChanges(tt.before, tt.after); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
