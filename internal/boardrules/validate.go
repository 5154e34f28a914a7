package boardrules

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/phonenum"
)

// FieldErrors maps a form field to the message key of what is wrong with it.
type FieldErrors map[string]string

// chairOffices are the offices a chair may hold; the rule decides which one a board needs.
var chairOffices = []string{Governor, DistrictHead}

// CleanMember trims a typed member, makes its digits Latin and its national ID canonical, and returns
// what is wrong with it field by field. withRole also checks the role and office (not for the pool).
func CleanMember(m Member, withRole bool) (Member, FieldErrors) {
	errs := FieldErrors{}
	m.FullName = strings.Join(strings.Fields(m.FullName), " ")
	m.FatherName = strings.Join(strings.Fields(m.FatherName), " ")
	m.Phone = strings.TrimSpace(m.Phone)
	m.Notes = strings.TrimSpace(m.Notes)
	m.Role, m.Office = strings.TrimSpace(m.Role), strings.TrimSpace(m.Office)
	switch n := utf8.RuneCountInString(m.FullName); {
	case n == 0:
		errs["full_name"] = "err.required"
	case n > 200:
		errs["full_name"] = "err.too_long"
	}
	if utf8.RuneCountInString(m.FatherName) > 200 {
		errs["father_name"] = "err.too_long"
	}
	if id, err := nationalid.Parse(m.NationalID); err != nil {
		errs["national_id"] = "err.national_id"
	} else {
		m.NationalID = id
	}
	if m.Phone != "" {
		// Stored in its one national form, as a candidate's is, so that the same number compares equal.
		if p, ok := phonenum.Normalize(m.Phone); ok {
			m.Phone = p
		} else {
			errs["phone"] = "err.phone_number"
		}
	}
	if utf8.RuneCountInString(m.Notes) > 1000 {
		errs["notes"] = "err.too_long"
	}
	if !withRole {
		m.Role, m.Office, m.Notes = "", "", ""
		return m, errs
	}
	switch m.Role {
	case Chair:
		if !slices.Contains(chairOffices, m.Office) {
			errs["office"] = "err.office_chair"
		}
	case ExOfficio:
		if !slices.Contains(Offices, m.Office) {
			errs["office"] = "err.office_required"
		}
	case Trusted, Alternate, Secretary:
		if m.Office != "" {
			errs["office"] = "err.office_not_for_role"
		}
	default:
		errs["role"] = "err.choose"
	}
	return m, errs
}
