package auth

import (
	"reflect"
	"testing"
)

func TestAccountValidate(t *testing.T) {
	good := Account{Username: "gov.marvdasht", FullName: "Ali Rezaei", Role: "governor", County: "marvdasht", Password: "long-enough-1"}
	tests := []struct {
		name string
		edit func(*Account)
		want FieldErrors
	}{
		{"valid governor", func(a *Account) {}, FieldErrors{}},
		{"governor may name its province too", func(a *Account) { a.Province = "fars" }, FieldErrors{}},
		{"governor without county", func(a *Account) { a.County = "" }, FieldErrors{"county": "err.county_required"}},
		{"governor with district", func(a *Account) { a.District = "marvdasht-central" }, FieldErrors{"district": "err.not_for_role"}},
		{"district head", func(a *Account) { a.Role, a.County, a.District = "district_head", "", "marvdasht-central" }, FieldErrors{}},
		{"district head without district", func(a *Account) { a.Role = "district_head" }, FieldErrors{"district": "err.district_required"}},
		{"district head may name its county and province", func(a *Account) {
			a.Role, a.Province, a.District = "district_head", "fars", "marvdasht-central"
		}, FieldErrors{}},
		{"hq with county", func(a *Account) { a.Role, a.Province = "hq", "fars" }, FieldErrors{"county": "err.not_for_role"}},
		{"hq", func(a *Account) { a.Role, a.County, a.Province = "hq", "", "fars" }, FieldErrors{}},
		{"hq without province", func(a *Account) { a.Role, a.County = "hq", "" }, FieldErrors{"province": "err.province_required"}},
		{"committee without key", func(a *Account) { a.Role, a.County, a.Province = "committee", "", "fars" }, FieldErrors{"committee": "err.committee_required"}},
		{"committee", func(a *Account) { a.Role, a.County, a.Province, a.Committee = "committee", "", "fars", "legal" }, FieldErrors{}},
		{"national with province", func(a *Account) { a.Role, a.County, a.Province = "national", "", "fars" }, FieldErrors{"province": "err.not_for_role"}},
		{"national", func(a *Account) { a.Role, a.County = "national", "" }, FieldErrors{}},
		{"unknown role", func(a *Account) { a.Role = "admin" }, FieldErrors{"role": "err.role"}},
		{"short username", func(a *Account) { a.Username = "ab" }, FieldErrors{"username": "err.username"}},
		{"username with space", func(a *Account) { a.Username = "ali reza" }, FieldErrors{"username": "err.username"}},
		{"Persian username", func(a *Account) { a.Username = "علی" }, FieldErrors{"username": "err.username"}},
		{"no name", func(a *Account) { a.FullName = "" }, FieldErrors{"full_name": "err.required"}},
		{"short password", func(a *Account) { a.Password = "123456789" }, FieldErrors{"password": "err.password_short"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good
			tt.edit(&a)
			if got := a.Normalize().Validate(true); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Validate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAccountNormalize(t *testing.T) {
	a := Account{Username: "  Gov.Marvdasht ", FullName: " علی   رضایی ", County: " Marvdasht "}.Normalize()
	if a.Username != "gov.marvdasht" || a.FullName != "علی رضایی" || a.County != "marvdasht" {
		t.Fatalf("Normalize = %+v", a)
	}
}
