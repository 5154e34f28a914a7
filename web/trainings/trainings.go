// Package trainings is the committees' training sessions: the list with the schedule form and HQ's
// per-county summary of who has not been trained, and a session's page with its invitees, their
// confirmations and the attendance the committee records.
package trainings

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/schedule"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ListData is /trainings: the sessions in the reader's scope, split at now; the province-wide readers'
// coverage; a committee member's schedule form.
type ListData struct {
	Now      time.Time
	Province components.ProvinceChoice // the Ministry's choice
	Upcoming []store.Training          // soonest first
	Past     []store.Training          // latest first
	Coverage []store.CountyTraining
	// The schedule form, for a member on a committee.
	CanSchedule bool
	Committee   store.Committee
	Counties    []store.County
	Form        components.Form
	// The filters: a county (with its districts) or a district, whose sessions the lists show, and with
	// Untrained only its places that have attended no session, a page of them (Places, Total, Page,
	// Pages) instead of the sessions. Filter is their form with the counties it offers; Applied the
	// filters named, each removable; Query the list's parameters, kept in its page links.
	Filter         components.Form
	FilterCounties []store.County
	Applied        []components.AppliedFilter
	Query          url.Values
	Untrained      bool
	Places         []store.UntrainedPlace
	Total          int
	Page           int
	Pages          int
}

// placesHref is a page of the places not trained.
func (d ListData) placesHref(page int) templ.SafeURL {
	return components.ListHref("/trainings", d.Query, page)
}

// untrainedHref is the places of the county code that have attended no session, in the province of the
// page's parameters q.
func untrainedHref(q url.Values, code string) templ.SafeURL {
	v := url.Values{"county": {code}, "untrained": {"1"}}
	if p := q.Get("province"); p != "" {
		v.Set("province", p)
	}
	return components.ListHref("/trainings", v, 1)
}

// placeName is a place not trained: a county's governorate or a district of it.
func placeName(ctx context.Context, p store.UntrainedPlace) string {
	if p.DistrictCode == "" {
		return i18n.T(ctx, "trainings.place_governorate", i18n.ArgName("county", p.CountyFa, p.CountyEn))
	}
	return i18n.T(ctx, "trainings.place_district", i18n.ArgName("district", p.DistrictFa, p.DistrictEn),
		i18n.ArgName("county", p.CountyFa, p.CountyEn))
}

// placeState is how far a place not trained got: never invited, invited and not confirmed, or confirmed
// and absent.
func placeState(ctx context.Context, p store.UntrainedPlace) string {
	switch {
	case p.Invited == 0:
		return i18n.T(ctx, "trainings.state_not_invited")
	case p.Confirmed == 0:
		return i18n.T(ctx, "trainings.state_unconfirmed", i18n.ArgNum("n", p.Invited))
	}
	return i18n.T(ctx, "trainings.state_absent", i18n.ArgNum("n", p.Invited), i18n.ArgNum("confirmed", p.Confirmed))
}

// ShowData is a session's page.
type ShowData struct {
	Now      time.Time
	T        store.Training
	Invitees []store.Invitee
	// Own is the reader's own invited place (a governor's county, a district head's district), or nil.
	Own        *store.Invitee
	CanConfirm bool
	// Records says the reader is of the session's committee, who records its attendance; CanRecord that
	// he may now, the session having begun.
	Records    bool
	CanRecord  bool
	Attendance components.Form
	Refused    i18n.Msg
	// Its materials, and the committee's form that adds more (Open names it when it came back).
	Attachments []store.Attachment
	Attach      components.Form
	Open        string
}

// Split puts the sessions (latest first) before and after now: the coming ones soonest first.
func Split(ts []store.Training, now time.Time) (upcoming, past []store.Training) {
	for _, t := range ts {
		if t.StartsAt.Before(now) {
			past = append(past, t)
		} else {
			upcoming = append([]store.Training{t}, upcoming...)
		}
	}
	return upcoming, past
}

// Href is a session's page.
func Href(id int64) templ.SafeURL { return templ.SafeURL("/trainings/" + strconv.FormatInt(id, 10)) }

// When is a session's day and time in Tehran: Jalali in Persian, Gregorian in English.
func When(ctx context.Context, t time.Time) string { return i18n.DateTime(ctx, t) }

// PlaceLink is the session's place as a link when it is an https address, else "".
func PlaceLink(place string) templ.SafeURL { return templ.SafeURL(schedule.OnlineLink(place)) }

// PlaceName is an invitee's place: the governorate of its county, or its district with the county.
func PlaceName(ctx context.Context, i store.Invitee) string {
	if i.DistrictID == 0 {
		return i18n.T(ctx, "trainings.place_county", i18n.ArgName("county", i.CountyFa, i.CountyEn))
	}
	return i18n.T(ctx, "trainings.place_district", i18n.ArgName("district", i.DistrictFa, i.DistrictEn),
		i18n.ArgName("county", i.CountyFa, i.CountyEn))
}

// ByCounty groups invitees, in their order (by county, the governorate first), by county.
func ByCounty(is []store.Invitee) [][]store.Invitee {
	var groups [][]store.Invitee
	for i, inv := range is {
		if i == 0 || inv.CountyID != is[i-1].CountyID {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], inv)
	}
	return groups
}

// AttendedField, AttendeesField and NamesField name an invitee's fields in the attendance form.
func AttendedField(id int64) string  { return "attended_" + strconv.FormatInt(id, 10) }
func AttendeesField(id int64) string { return "attendees_" + strconv.FormatInt(id, 10) }
func NamesField(id int64) string     { return "names_" + strconv.FormatInt(id, 10) }

// AttendanceForm is the attendance form filled with what is recorded, its counts in the reader's digits.
func AttendanceForm(ctx context.Context, t store.Training, is []store.Invitee) components.Form {
	f := components.NewForm()
	f.Values.Set("version", strconv.Itoa(t.Version))
	for _, i := range is {
		switch {
		case i.Attended == nil:
		case *i.Attended:
			f.Values.Set(AttendedField(i.ID), "yes")
		default:
			f.Values.Set(AttendedField(i.ID), "no")
		}
		if i.Attendees != nil {
			f.Values.Set(AttendeesField(i.ID), i18n.Digits(ctx, strconv.Itoa(*i.Attendees)))
		}
		f.Values.Set(NamesField(i.ID), i.AttendeeNames)
	}
	return f
}

func attendedOptions(ctx context.Context) []components.Option {
	return []components.Option{{Value: "yes", Label: i18n.T(ctx, "trainings.attended_yes")}, {Value: "no", Label: i18n.T(ctx, "trainings.attended_no")}}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func committeeName(ctx context.Context, t store.Training) string {
	return i18n.Pick(ctx, t.CommitteeFa, t.CommitteeEn)
}

// untrained names a county's places that have attended no session: its governorate, its districts.
func untrained(ctx context.Context, c store.CountyTraining) string {
	ds, sep := c.DistrictsFa, "، "
	if i18n.From(ctx) == i18n.En {
		ds, sep = c.DistrictsEn, ", "
	}
	var parts []string
	if c.CountyUntrained {
		parts = append(parts, i18n.T(ctx, "trainings.governorate"))
	}
	if len(ds) > 0 {
		parts = append(parts, i18n.T(ctx, "trainings.districts_list", i18n.ArgText("names", strings.Join(ds, sep))))
	}
	if len(parts) == 0 {
		return i18n.T(ctx, "trainings.all_trained")
	}
	return strings.Join(parts, sep)
}
