package audience

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	many := url.Values{"audience": {"counties"}}
	for i := 0; i <= MaxCounties; i++ {
		many.Add("county", "c"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	tests := []struct {
		name string
		form url.Values
		want Audience
		errs map[string]string
	}{
		{"province", url.Values{"audience": {"province"}}, Audience{Province: true}, map[string]string{}},
		{"province with districts", url.Values{"audience": {"province"}, "include_districts": {"1"}},
			Audience{Province: true, WithDistricts: true}, map[string]string{}},
		{"province ignores counties", url.Values{"audience": {"province"}, "county": {"marvdasht"}},
			Audience{Province: true}, map[string]string{}},
		{"counties sorted, trimmed, once", url.Values{"audience": {"counties"}, "county": {" pasargad", "Marvdasht", "pasargad", ""}},
			Audience{Counties: []string{"marvdasht", "pasargad"}}, map[string]string{}},
		{"counties without one", url.Values{"audience": {"counties"}, "county": {" "}},
			Audience{}, map[string]string{"county": "err.audience_county"}},
		{"nothing chosen", url.Values{}, Audience{}, map[string]string{"audience": "err.audience"}},
		{"unknown choice", url.Values{"audience": {"world"}}, Audience{}, map[string]string{"audience": "err.audience"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := Parse(tt.form)
			if !reflect.DeepEqual(errs, tt.errs) {
				t.Fatalf("errors = %v, want %v", errs, tt.errs)
			}
			if len(tt.errs) == 0 && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse = %+v, want %+v", got, tt.want)
			}
			if len(tt.errs) == 0 {
				back, _ := Parse(got.Values())
				if !reflect.DeepEqual(back, got) {
					t.Fatalf("Parse(Values()) = %+v, want %+v", back, got)
				}
			}
		})
	}
	if _, errs := Parse(many); errs["county"] != "err.audience_county" {
		t.Fatalf("%d counties: errors %v", MaxCounties+1, errs)
	}
}
