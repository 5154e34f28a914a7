package counties

import (
	"context"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
	"github.com/setad/setad/web/dashboard"
	"github.com/setad/setad/web/readiness"
)

// ShowData is one county's page.
type ShowData struct {
	County    store.County
	Districts []store.District
	Cities    []store.City    // retired ones last
	Sizes     components.Form // the sizes form, as recorded or as typed
	// Stale: someone saved the sizes after this form was drawn. The recorded values are shown beside
	// the form, which keeps what the user typed.
	Stale   bool
	AddCity components.Form // HQ's form that adds a city
	// The county's readiness, for the readers of dashboards while an election is current.
	Dashboard *dashboard.Data
	ToFile    *readiness.ToFileData // for its governor: the checks the county has yet to file today
}

// CityData is one city's page.
type CityData struct {
	County    store.County
	Districts []store.District // the county's, for the district of the city
	City      store.CityInfo
	Edit      components.Form // the rename form, as recorded or as typed
	Act       components.Form // the version that retiring, restoring or deleting names
	Refused   *i18n.Msg       // why a retirement or a deletion was refused
}

// ImportData is the page that loads a list of cities: its form and, after an upload, its preview.
type ImportData struct {
	County  store.County
	Form    components.Form
	Preview *store.CityImport
	Rows    []store.CityImportRow
	MaxMB   int // the limits of a file, stated on the form
	MaxRows int
}

func sizeText(ctx context.Context, n *int) string {
	if n == nil {
		return i18n.T(ctx, "counties.unknown")
	}
	return i18n.Num(ctx, *n)
}

// inUse are the cities not retired: the constituencies whose sizes are recorded.
func inUse(cs []store.City) []store.City {
	var out []store.City
	for _, c := range cs {
		if c.RetiredAt == nil {
			out = append(out, c)
		}
	}
	return out
}

// districtOptions are the county's districts to choose a city's from, or none.
func districtOptions(ctx context.Context, ds []store.District) []components.Option {
	opts := []components.Option{{Value: "", Label: i18n.T(ctx, "counties.no_district")}}
	for _, d := range ds {
		opts = append(opts, components.Option{Value: d.Code, Label: i18n.T(ctx, "counties.district", i18n.ArgName("district", d.NameFa, d.NameEn))})
	}
	return opts
}

// cityDistrict names a city's district, or says none is recorded.
func cityDistrict(ctx context.Context, c store.City) string {
	if c.DistrictCode == "" {
		return i18n.T(ctx, "counties.no_district")
	}
	return i18n.T(ctx, "counties.district", i18n.ArgName("district", c.DistrictFa, c.DistrictEn))
}

func cityHref(county string, c store.City) templ.SafeURL {
	return templ.SafeURL("/counties/" + county + "/cities/" + c.Code)
}

// RetireQuestion asks before a city stops being offered as a constituency, saying that the candidates
// registered in it, if any, stay.
func RetireQuestion(c store.CityInfo) components.Question {
	q := components.Question{What: i18n.M("confirm.city_retire_empty", i18n.ArgName("city", c.NameFa, c.NameEn)), Yes: i18n.M("counties.retire")}
	if c.Candidates > 0 {
		q.What = i18n.M("confirm.city_retire", i18n.ArgName("city", c.NameFa, c.NameEn), i18n.ArgNum("candidates", c.Candidates))
	}
	return q
}

// DeleteQuestion asks before a city added by mistake is removed.
func DeleteQuestion(c store.CityInfo) components.Question {
	return components.Question{What: i18n.M("confirm.city_delete", i18n.ArgName("city", c.NameFa, c.NameEn)),
		Yes: i18n.M("counties.delete_city"), Danger: true}
}

// ImportQuestion asks before a previewed list of cities is applied.
func ImportQuestion(p store.CityImport) components.Question {
	return components.Question{What: i18n.M("confirm.city_import", i18n.ArgNum("ready", p.Ready), i18n.ArgText("file", p.FileName)),
		Yes: i18n.M("counties.import_confirm", i18n.ArgNum("ready", p.Ready))}
}

// cityState says whether a city is offered as a constituency, or since when it is not.
func cityState(ctx context.Context, c store.CityInfo) string {
	if c.RetiredAt == nil {
		return i18n.T(ctx, "counties.in_use")
	}
	return i18n.T(ctx, "counties.retired_on", i18n.ArgDay("date", c.RetiredAt.In(i18n.Tehran)))
}

// resized reports whether a ready row changes a recorded city's population.
func resized(r store.CityImportRow) bool {
	return r.City.CityID != 0 && r.Before != nil && (r.City.Population == nil || *r.Before != *r.City.Population)
}
