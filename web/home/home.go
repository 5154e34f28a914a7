// Package home is each role's home page.
package home

import (
	"github.com/setad/setad/internal/store"
)

// Data is what a home page shows; the server fills what the role needs.
type Data struct {
	Summary   store.Summary
	Election  *store.Election
	DaysLeft  int              // to the current election's day; negative once it has passed
	Counties  []store.County   // the counties in scope (a governor's or district head's own)
	Provinces []store.Province // for the national view
	Boards    []store.Board    // the boards a governor or district head composes
	Review    map[string]int   // for HQ: boards by status
	Conflicts int              // for HQ: boards with a member or pool member who is a candidate
}
