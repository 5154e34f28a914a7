// Package home is each role's home page.
package home

import (
	"github.com/a-h/templ"

	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/dashboard"
	"github.com/setad/setad/web/incidents"
	"github.com/setad/setad/web/questions"
	"github.com/setad/setad/web/readiness"
	"github.com/setad/setad/web/tasks"
	"github.com/setad/setad/web/timeline"
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
	Missing   *store.Missing   // for HQ: the constituencies whose size is not recorded, the first of each kind named
	Timeline  timeline.HomeData
	Guidance  *store.UnackedGuidance // for a governor or district head: the circulars his place has not acknowledged
	Circulars []store.Guidance       // for a committee member: his committee's drafts and least acknowledged circulars
	Questions questions.HomeData     // for a committee's member and HQ: the questions waiting for an answer
	Trainings []store.Invitation     // for a governor or district head: the sessions his place is invited to
	Tasks     tasks.HomeData
	Dashboard *dashboard.Data          // the readiness of the reader's scope, when there is a current election
	ToFile    *readiness.ToFileData    // for a governor or district head: the checks his place has yet to file today
	Affecting *incidents.AffectingData // for a district head: his district's open incidents
}

// more is how many of the missing sizes the page does not name.
func more(m *store.Missing) int { return m.Cities + m.Villages - len(m.First) }

func missingHref(m store.MissingSize) templ.SafeURL {
	return templ.SafeURL("/counties/" + m.CountyCode + "#sizes-form")
}
