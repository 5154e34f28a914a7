package auth

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Account is a user account as typed into the admin form or given to `setad user add`: codes, not ids.
type Account struct {
	Username  string
	FullName  string
	Role      string
	Province  string
	County    string
	District  string
	Committee string
	Password  string
}

// FieldErrors maps a form field to the message key of what is wrong with it.
type FieldErrors map[string]string

// MinPasswordLen is the shortest password accepted; length beats composition rules.
const MinPasswordLen = 10

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)

// Needs says which place fields a role requires; the others must be empty.
func (r Role) Needs() (province, county, district, committee bool) {
	switch r {
	case HQ, Observer:
		return true, false, false, false
	case Committee:
		return true, false, false, true
	case Governor:
		return false, true, false, false
	case DistrictHead:
		return false, false, true, false
	}
	return false, false, false, false
}

// Normalize trims the fields and lower-cases the username and codes.
func (a Account) Normalize() Account {
	a.Username = strings.ToLower(strings.TrimSpace(a.Username))
	a.FullName = strings.Join(strings.Fields(a.FullName), " ")
	a.Role = strings.TrimSpace(a.Role)
	a.Province = strings.ToLower(strings.TrimSpace(a.Province))
	a.County = strings.ToLower(strings.TrimSpace(a.County))
	a.District = strings.ToLower(strings.TrimSpace(a.District))
	a.Committee = strings.ToLower(strings.TrimSpace(a.Committee))
	return a
}

// Validate checks a normalised account; withPassword also checks the password. Place codes are only
// checked for presence here; the store checks that they exist.
func (a Account) Validate(withPassword bool) FieldErrors {
	errs := FieldErrors{}
	if !usernamePattern.MatchString(a.Username) {
		errs["username"] = "err.username"
	}
	if a.FullName == "" {
		errs["full_name"] = "err.required"
	} else if utf8.RuneCountInString(a.FullName) > 200 {
		errs["full_name"] = "err.too_long"
	}
	role, ok := ParseRole(a.Role)
	if !ok {
		errs["role"] = "err.role"
	} else {
		p, c, d, k := role.Needs()
		// A place may also be named by its parents (a district's county, a county's province): the store
		// checks that they agree with it.
		need := func(field, value string, needed, parent bool, missing string) {
			switch {
			case needed && value == "":
				errs[field] = missing
			case !needed && !parent && value != "":
				errs[field] = "err.not_for_role"
			}
		}
		need("province", a.Province, p, role != National, "err.province_required")
		need("county", a.County, c, d, "err.county_required")
		need("district", a.District, d, false, "err.district_required")
		need("committee", a.Committee, k, false, "err.committee_required")
	}
	if withPassword {
		if key := CheckPassword(a.Password); key != "" {
			errs["password"] = key
		}
	}
	return errs
}

// CheckPassword returns the message key of what is wrong with a new password, or "".
func CheckPassword(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return "err.password_short"
	case n > 200:
		return "err.too_long"
	}
	return ""
}
