package profile

import (
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/web/components"
)

// ICS is the calendar feed's part of the profile page: whether the user has a feed, and its address just
// after it was made (the portal keeps only its hash, so it is shown this once).
type ICS struct {
	Has bool
	URL string
}

// ICSQuestion asks before a new feed address replaces the one the user has, which stops working.
func ICSQuestion() components.Question {
	return components.Question{What: i18n.M("confirm.ics_regenerate"), Yes: i18n.M("profile.ics_regenerate")}
}
