package components

import (
	"context"

	"github.com/setad/setad/internal/i18n"
)

// Change is one field of a record before and after a change, labelled, with both values already written
// in the reader's language (a code as its label, a day in the reader's calendar, digits in the reader's
// script). A record created has only an after, a record removed only a before: the field then shows its
// one value, without an arrow.
type Change struct {
	Label     string
	Before    string
	After     string
	HasBefore bool
	HasAfter  bool
}

// Changed is a field whose value went from before to after.
func Changed(label, before, after string) Change {
	return Change{Label: label, Before: before, After: after, HasBefore: true, HasAfter: true}
}

// Set is a field of a record created, or a fact recorded with an event: one value.
func Set(label, value string) Change { return Change{Label: label, After: value, HasAfter: true} }

// Removed is a field of a record removed: the value it had.
func Removed(label, value string) Change { return Change{Label: label, Before: value, HasBefore: true} }

// changeWords are the words of a change's line, looked up once for a whole list.
type changeWords struct{ arrow, to Text }

func changeWordsOf(ctx context.Context) changeWords {
	return changeWords{arrow: Text(i18n.T(ctx, "change.arrow")), to: Text(i18n.T(ctx, "change.to"))}
}
