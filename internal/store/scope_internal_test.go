package store

import (
	"slices"
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

// A page's size is written as a literal, and its offset as a parameter past the first page only.
func TestPageOf(t *testing.T) {
	for _, c := range []struct {
		size, offset int
		want         string
		args         []any
	}{
		{50, 0, " LIMIT 50", []any{"a"}},
		{50, 100, " LIMIT 50 OFFSET $2", []any{"a", 100}},
	} {
		args := []any{"a"}
		if got := pageOf(c.size, c.offset, &args); got != c.want || !slices.Equal(args, c.args) {
			t.Errorf("pageOf(%d, %d) = %q with %v, want %q with %v", c.size, c.offset, got, args, c.want, c.args)
		}
	}
}
