package guidance

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
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

// A correction's lines are shown to readers as they read them, without the Markdown's marks.
func TestHistoryShowsPlainLines(t *testing.T) {
	ctx := i18n.NewContext(context.Background(), i18n.En)
	vs := []store.GuidanceVersion{
		{Revision: 2, Title: "T", Body: "intro\n**Deadline**: the *tenth*\n- new item"},
		{Revision: 1, Title: "T", Body: "intro\n**Deadline**: the *ninth*"},
	}
	got := History(ctx, vs)
	if len(got) != 1 || len(got[0].Changes) != 1 {
		t.Fatalf("history %+v", got)
	}
	if c := got[0].Changes[0]; c.Before != "Deadline: the ninth" || c.After != "Deadline: the tenth new item" {
		t.Errorf("changed lines %q → %q", c.Before, c.After)
	}
}

// The file field is optional beside a circular's text, and required where it is the form's only field.
func TestAttachmentFieldOptional(t *testing.T) {
	ctx := i18n.NewContext(context.Background(), i18n.En)
	for optional, want := range map[bool]bool{true: true, false: false} {
		var b strings.Builder
		if err := AttachmentField(components.NewForm(), "Files", optional).Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "(optional)"); got != want {
			t.Errorf("optional %v: marked optional %v:\n%s", optional, got, b.String())
		}
		if got := strings.Contains(b.String(), " required"); got == want {
			t.Errorf("optional %v: required %v", optional, got)
		}
	}
}
