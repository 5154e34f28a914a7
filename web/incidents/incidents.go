// Package incidents is the incidents of the election systems: the list of one's scope with its filters,
// the report form of a county or district, and an incident with its thread and the acts on it.
package incidents

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/reqctx"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// Reports reports whether p reports incidents: a governor or a district head.
func Reports(p *auth.Principal) bool { return p.Can(auth.ReportIncidents) && p.Scope.CountyID != 0 }

// ListData is a page of the incidents of the reader's scope and its filters.
type ListData struct {
	Province  components.ProvinceChoice
	Filter    store.IncidentFilter
	District  string         // the district the list is narrowed to (?district=code), "" for none
	Counties  []store.County // offered in the filter when the reader reads more than one county
	Systems   []store.System
	Incidents []store.Incident
	Total     int
	CanReport bool
}

// Pages is how many pages the list has.
func (d ListData) Pages() int { return (d.Total + store.IncidentPageSize - 1) / store.IncidentPageSize }

// HomeShown is how many open incidents a district head's home names, the newest first.
const HomeShown = 10

// AffectingData is a district head's home: the open incidents of his district (those it reported and those
// that affect it), the newest HomeShown, and how many there are.
type AffectingData struct {
	Incidents []store.Incident
	Total     int
}

// Statuses are the states the list filters by: each state, and all that are not resolved.
var Statuses = []string{"open", "acknowledged", "resolved", "unresolved"}

func (d ListData) filterForm() components.Form {
	f := components.NewForm()
	f.Values.Set("province", d.Province.Code())
	f.Values.Set("county", d.Filter.County)
	f.Values.Set("severity", d.Filter.Severity)
	status := d.Filter.Status
	if status == "" && d.Filter.Open {
		status = "unresolved"
	}
	f.Values.Set("status", status)
	f.Values.Set("system", d.Filter.System)
	return f.WithPrefix("filter-")
}

// listHref is the list's page n with its filters.
func (d ListData) listHref(n int) templ.SafeURL {
	v := url.Values{}
	if d.Province.Chosen != nil {
		v.Set("province", d.Province.Chosen.Code)
	}
	for k, x := range map[string]string{"county": d.Filter.County, "severity": d.Filter.Severity, "status": d.Filter.Status,
		"system": d.Filter.System} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if d.Filter.Open {
		v.Set("open", "1")
	}
	if d.District != "" {
		v.Set("district", d.District)
	}
	if d.Filter.Own {
		v.Set("level", "county")
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/incidents"
	}
	return templ.SafeURL("/incidents?" + v.Encode())
}

// SeverityOptions are the severities as choices, lowest first.
func SeverityOptions(ctx context.Context) []components.Option {
	opts := make([]components.Option, 0, len(store.Severities))
	for _, s := range store.Severities {
		opts = append(opts, components.Option{Value: s, Label: i18n.T(ctx, "incidents.severity."+s)})
	}
	return opts
}

// SeverityChoices are the severities the reader may give the incident: from its own up when he may only
// raise it, with the one his refused form asked for, so that the form comes back as it was sent.
func SeverityChoices(ctx context.Context, d ShowData) []components.Option {
	opts := SeverityOptions(ctx)
	if !d.RaiseOnly {
		return opts
	}
	from := slices.Index(store.Severities, d.I.Severity)
	asked := ""
	if d.Severity != nil {
		asked = d.Severity.Get("severity")
	}
	var out []components.Option
	for i, o := range opts {
		if i >= from || o.Value == asked {
			out = append(out, o)
		}
	}
	return out
}

// severityHint is the line under the severity: what critical means, and, to one who only raises it, that
// lowering it is the committee's.
func severityHint(ctx context.Context, d ShowData) string {
	if d.RaiseOnly {
		return i18n.T(ctx, "incidents.severity_raise_only") + " " + i18n.T(ctx, "incidents.severity_hint")
	}
	return i18n.T(ctx, "incidents.severity_hint")
}

func statusOptions(ctx context.Context) []components.Option {
	opts := make([]components.Option, 0, len(Statuses))
	for _, s := range Statuses {
		opts = append(opts, components.Option{Value: s, Label: i18n.T(ctx, "incidents.filter_status."+s)})
	}
	return opts
}

// SystemOptions are the systems as choices: those in use, and with retired true the retired ones too.
func SystemOptions(ctx context.Context, ss []store.System, retired bool) []components.Option {
	opts := make([]components.Option, 0, len(ss))
	for _, s := range ss {
		if s.Retired() && !retired {
			continue
		}
		opts = append(opts, components.Option{Value: s.Key, Label: i18n.Pick(ctx, s.NameFa, s.NameEn)})
	}
	return opts
}

// Severity is an incident's severity in words on its tone.
func Severity(ctx context.Context, s string) components.Badged {
	tone := components.ToneDraft
	switch s {
	case "medium":
		tone = components.ToneWarn
	case "high":
		tone = components.ToneReturned
	case "critical":
		tone = components.ToneBad
	}
	return components.Badge(tone, i18n.T(ctx, "incidents.severity."+s))
}

// Status is an incident's state in words on its tone.
func Status(ctx context.Context, s string) components.Badged {
	tone := components.ToneWarn
	switch s {
	case "acknowledged":
		tone = components.ToneSubmitted
	case "resolved":
		tone = components.ToneOK
	}
	return components.Badge(tone, i18n.T(ctx, "incidents.status."+s))
}

// place names the place that reported an incident: a district with its county, or a county.
func place(ctx context.Context, i store.Incident) string {
	if i.DistrictFa != "" {
		return i18n.T(ctx, "incidents.from_district", i18n.ArgName("district", i.DistrictFa, i.DistrictEn),
			i18n.ArgName("county", i.CountyFa, i.CountyEn))
	}
	return i18n.T(ctx, "incidents.from_county", i18n.ArgName("county", i.CountyFa, i.CountyEn))
}

// sinceExample is the example under the field of when an incident began (SinceExample).
func sinceExample(ctx context.Context) string {
	return SinceExample(i18n.From(ctx), reqctx.From(ctx).Now)
}

// SinceExample is an example of when an incident began, as the field takes it: the hour begun at now in
// Tehran, never ahead of now, on its day in the reader's calendar (Jalali in Persian, Gregorian in
// English), in the reader's digits.
func SinceExample(lang i18n.Lang, now time.Time) string {
	t := now.In(i18n.Tehran)
	day := persian.FromTime(t).String()
	if lang == i18n.En {
		day = t.Format(time.DateOnly)
	}
	return lang.Digits(fmt.Sprintf("%s %02d:00", day, t.Hour()))
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// NewData is the report form of a county or a district: the province's systems in use and, for a
// governor, his county's districts to mark as affected (a district head's is his own, always).
type NewData struct {
	Form      components.Form
	Systems   []store.System
	Districts []store.District
	Own       string // a district head's district, named
}

// ShowData is an incident with its thread and the forms of those who act on it.
type ShowData struct {
	I           store.Incident
	Events      []store.IncidentEvent
	Districts   []store.IncidentDistrict
	Acknowledge bool             // the owner committee, while it is open
	Note        *components.Form // the owner committee and the reporting place, until it is resolved
	Severity    *components.Form // likewise
	RaiseOnly   bool             // the reader reports the incident and does not own it: he only raises its severity
	Resolve     *components.Form // the owner committee, until it is resolved
	Reopen      *components.Form // the owner committee and the reporting place, once it is resolved
	Refused     *i18n.Msg
}

// Href is an incident's page.
func Href(id int64) templ.SafeURL { return templ.SafeURL("/incidents/" + strconv.FormatInt(id, 10)) }

func action(id int64, tail string) templ.SafeURL {
	return templ.SafeURL("/incidents/" + strconv.FormatInt(id, 10) + tail)
}

func version(i store.Incident) string { return strconv.Itoa(i.Version) }

// eventText says what a line of the thread records.
func eventText(ctx context.Context, e store.IncidentEvent) string {
	switch e.Kind {
	case "reported":
		return i18n.T(ctx, "incidents.event.reported", i18n.ArgKey("severity", "incidents.severity."+e.Severity))
	case "severity":
		return i18n.T(ctx, "incidents.event.severity", i18n.ArgKey("severity", "incidents.severity."+e.Severity))
	case "acknowledged":
		return i18n.T(ctx, "incidents.event.acknowledged")
	case "resolved":
		return i18n.T(ctx, "incidents.event.resolved")
	case "reopened":
		return i18n.T(ctx, "incidents.event.reopened")
	}
	return i18n.T(ctx, "incidents.event.note")
}

func districtNames(ctx context.Context, ds []store.IncidentDistrict) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += i18n.Pick(ctx, "، ", ", ")
		}
		s += i18n.Pick(ctx, d.NameFa, d.NameEn)
	}
	return s
}
