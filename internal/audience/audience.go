// Package audience is who a committee's circular, task or training session is addressed to: the whole
// province, or chosen counties; each with its districts or without. It reads the choice from a form's
// fields (audience, county, include_districts) and checks it; the store turns it into places, the
// counties and districts that then receive, acknowledge, report or attend.
package audience

import (
	"net/url"
	"slices"
	"strings"
)

// Audience is the choice: Province, or the Counties named by code; WithDistricts adds each county's
// districts to it.
type Audience struct {
	Province      bool
	Counties      []string
	WithDistricts bool
}

// MaxCounties bounds the counties a form may name: more than a province has.
const MaxCounties = 200

// The form's fields.
const (
	FieldAudience  = "audience"
	FieldCounty    = "county"
	FieldDistricts = "include_districts"
)

// Parse reads the audience from a form. Its errors are message keys by field: the audience was not
// chosen, or counties were chosen without naming one (or naming more than MaxCounties).
func Parse(v url.Values) (Audience, map[string]string) {
	a := Audience{WithDistricts: v.Get(FieldDistricts) != ""}
	errs := map[string]string{}
	switch v.Get(FieldAudience) {
	case "province":
		a.Province = true
	case "counties":
		seen := map[string]bool{}
		for _, c := range v[FieldCounty] {
			c = strings.ToLower(strings.TrimSpace(c))
			if c != "" && !seen[c] {
				seen[c] = true
				a.Counties = append(a.Counties, c)
			}
		}
		slices.Sort(a.Counties)
		switch {
		case len(a.Counties) == 0:
			errs[FieldCounty] = "err.audience_county"
		case len(a.Counties) > MaxCounties:
			errs[FieldCounty] = "err.audience_county"
		}
	default:
		errs[FieldAudience] = "err.audience"
	}
	return a, errs
}

// Values are the form's fields for a: what Parse reads back.
func (a Audience) Values() url.Values {
	v := url.Values{}
	if a.Province {
		v.Set(FieldAudience, "province")
	} else {
		v.Set(FieldAudience, "counties")
		v[FieldCounty] = slices.Clone(a.Counties)
	}
	if a.WithDistricts {
		v.Set(FieldDistricts, "1")
	}
	return v
}
