package store

import (
	"testing"

	"github.com/setad/setad/internal/auth"
)

// Each level of a scope is written as its column's condition when it applies, and as its parameter's
// "any" when it does not, so that each shape of scope is a statement of its own.
func TestScopeOn(t *testing.T) {
	for _, c := range []struct {
		name string
		sc   auth.Scope
		want string
	}{
		{"national", auth.Scope{}, " $1 = 0 AND $2 = 0 AND $3 = 0 "},
		{"province", auth.Scope{ProvinceID: 7}, " b.province_id = $1 AND $2 = 0 AND $3 = 0 "},
		{"county", auth.Scope{ProvinceID: 7, CountyID: 70}, " b.province_id = $1 AND b.county_id = $2 AND $3 = 0 "},
		{"district", auth.Scope{ProvinceID: 7, CountyID: 70, DistrictID: 700},
			" b.province_id = $1 AND b.county_id = $2 AND b.district_id = $3 "},
	} {
		if got := scopeOn(c.sc, "b.province_id", "b.county_id", "b.district_id"); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := optional(true, "c.code = $5", "$5 = ''"); got != "c.code = $5" {
		t.Errorf("a filter that applies: %q", got)
	}
	if got := optional(false, "c.code = $5", "$5 = ''"); got != "$5 = ''" {
		t.Errorf("a filter that does not apply: %q", got)
	}
}
