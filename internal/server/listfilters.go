package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// placeFilter is the place a list is narrowed to by ?county=code (the county with its districts) and
// ?district=code, found among the reader's own places (in the province he reads: the Ministry's chosen one,
// or every one while none is); Scope is the reader's scope narrowed to it, what the list's query reads.
// Counties are the reader's counties, the filter's choices: none while no province is chosen.
type placeFilter struct {
	County   *store.County
	District *store.District
	Counties []store.County
	Scope    auth.Scope
}

// Narrowed reports whether the list is narrowed to a place.
func (f placeFilter) Narrowed() bool { return f.County != nil || f.District != nil }

// placeChosen reads a list's place filter for the reader in the province province (0: every one). A code
// that names no county or district of the reader's own answers 404, whether it names another's or none, so
// that the answer does not tell which (and false); a failed read answers 500.
func (s *Server) placeChosen(w http.ResponseWriter, r *http.Request, province int64) (placeFilter, bool) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	q := r.URL.Query()
	f := placeFilter{Scope: auth.Scope{ProvinceID: province, CountyID: p.Scope.CountyID, DistrictID: p.Scope.DistrictID}}
	county, district := placeCode(q.Get("county")), placeCode(q.Get("district"))
	// The Ministry's reader who has chosen no province chooses no county: the country's would be too many.
	if province == 0 && county == "" && district == "" {
		return f, true
	}
	var err error
	if f.Counties, err = s.store.Counties(ctx, f.Scope); err != nil {
		s.serverError(w, r, err)
		return f, false
	}
	if county != "" {
		i := slices.IndexFunc(f.Counties, func(c store.County) bool { return c.Code == county })
		if i < 0 {
			s.notFound(w, r)
			return f, false
		}
		f.County, f.Scope.CountyID = &f.Counties[i], f.Counties[i].ID
	}
	if district != "" {
		ds, err := s.store.Districts(ctx, f.Scope)
		if err != nil {
			s.serverError(w, r, err)
			return f, false
		}
		i := slices.IndexFunc(ds, func(d store.District) bool { return d.Code == district })
		if i < 0 {
			s.notFound(w, r)
			return f, false
		}
		f.District, f.Scope.DistrictID = &ds[i], ds[i].ID
	}
	if province == 0 {
		f.Counties = nil
	}
	return f, true
}

// placeCode is a place's code as a query gives it, in either case.
func placeCode(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// ownPlace reports whether a list is asked for the county's own place without its districts
// (?level=county, as the boards' list has it): the county's own row of a county's page links there.
func ownPlace(q url.Values) bool { return q.Get("level") == "county" }

// appliedPlace names the place filter of the list at path (with the parameters q), each part removable:
// the county's removal takes its district's and its own place's with it.
func appliedPlace(ctx context.Context, path string, q url.Values, f placeFilter) []components.AppliedFilter {
	var out []components.AppliedFilter
	if f.County != nil {
		out = append(out, components.AppliedFilter{
			Label:  i18n.T(ctx, "list.filter_county", i18n.ArgName("county", f.County.NameFa, f.County.NameEn)),
			Remove: components.Without(path, q, "county", "district", "level")})
	}
	if ownPlace(q) {
		out = append(out, components.AppliedFilter{Label: i18n.T(ctx, "list.filter_own"), Remove: components.Without(path, q, "level")})
	}
	if f.District != nil {
		out = append(out, components.AppliedFilter{
			Label:  i18n.T(ctx, "list.filter_district", i18n.ArgName("district", f.District.NameFa, f.District.NameEn)),
			Remove: components.Without(path, q, "district")})
	}
	return out
}

// countyIn reports whether a list's county filter (code, "" for none) names one of the reader's counties
// cs; a list answers 404 to one that does not, whether it names another's county or none.
func countyIn(cs []store.County, code string) bool {
	return code == "" || slices.ContainsFunc(cs, func(c store.County) bool { return c.Code == code })
}

// keptQuery is the parameters of q among keys, those a list keeps in its links.
func keptQuery(q url.Values, keys ...string) url.Values {
	v := url.Values{}
	for _, k := range keys {
		if x := q.Get(k); x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// districtChosen narrows sc, a list's scope, to the district of ?district=code (among those of ?county=code,
// when named) for a list whose county filter is its own: none asked leaves sc as it is; a code that names
// no district of the reader's own answers 404, whether it names another's or none (false).
func (s *Server) districtChosen(w http.ResponseWriter, r *http.Request, sc auth.Scope) (auth.Scope, *store.District, bool) {
	if placeCode(r.URL.Query().Get("district")) == "" {
		return sc, nil, true
	}
	pf, ok := s.placeChosen(w, r, sc.ProvinceID)
	if !ok {
		return sc, nil, false
	}
	sc.CountyID, sc.DistrictID = pf.Scope.CountyID, pf.Scope.DistrictID
	return sc, pf.District, true
}
