package registration

import (
	"slices"
	"strings"

	"github.com/setad/setad/internal/eligibility"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/persian"
	"github.com/setad/setad/internal/store"
)

// A file is typed by people: beside the codes the form posts, a choice may be written as its label in
// either language (زن, Female, کارشناسی, Bachelor's degree), as the people's export writes it, and a
// constituency by its name or its label. Choices are compared folded (fold), so that Arabic letters,
// spaces, the zero-width non-joiner and the case of Latin letters make no difference.

// choices are the values of a field that holds a code: each code's folded forms → the code.
type choices map[string]string

// newChoices reads the codes and their labels (the catalogue's prefix+code, in both languages).
func newChoices(prefix string, codes []string) choices {
	c := choices{}
	for _, code := range codes {
		c[fold(code)] = code
		for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
			c[fold(i18n.Message(lang, prefix+code))] = code
		}
	}
	return c
}

// code returns the code a typed value names: "" for an empty one, the value itself (which the law's check
// then refuses as invalid) for one that names none.
func (c choices) code(v string) string {
	v = strings.TrimSpace(v)
	if code, ok := c[fold(v)]; ok {
		return code
	}
	return v
}

var (
	genders   = newChoices("gender.", []string{eligibility.Male, eligibility.Female})
	levels    = newChoices("education.", eligibility.Levels)
	services  = newChoices("service.", []string{eligibility.ServiceCompleted, eligibility.ServiceExempt, eligibility.ServiceServing, eligibility.ServiceNone})
	yesValues = foldAll("1", "true", "yes", "y", "on", "بله", "آری", "دارد", "هست", i18n.Message(i18n.Fa, "audit.yes"), i18n.Message(i18n.En, "audit.yes"))
	noValues  = foldAll("0", "false", "no", "n", "off", "خیر", "نه", "ندارد", "نیست", i18n.Message(i18n.Fa, "audit.no"), i18n.Message(i18n.En, "audit.no"))
)

func foldAll(vs ...string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fold(v)
	}
	return out
}

// yesNo reads a checkbox or a spreadsheet's yes or no: 1/0, yes/no, بله/خیر, دارد/ندارد and the like, in any
// digits; empty is no. ok is false for anything else, which is not silently taken for a no.
func yesNo(v string) (yes, ok bool) {
	f := fold(v)
	switch {
	case f == "" || slices.Contains(noValues, f):
		return false, true
	case slices.Contains(yesValues, f):
		return true, true
	}
	return false, false
}

// fold is a typed value as it is compared: Persian-normalised (letters folded, spaces and the zero-width
// non-joiner dropped), Latin digits, Latin letters in lower case.
func fold(v string) string {
	return strings.ToLower(persian.ToLatinDigits(persian.Normalize(strings.TrimSpace(v))))
}

// places finds constituencies by what a file calls them: the code, the name, or the label the pages and
// the people's export give it ("شهر مرودشت", "Villages of Central District (Marvdasht)"), in either
// language. A name that several constituencies in scope share names none of them.
type places struct {
	byCode map[string]store.Constituency
	byName map[string][]string // folded name or label → codes
}

func newPlaces(ks []store.Constituency) places {
	p := places{byCode: make(map[string]store.Constituency, len(ks)), byName: map[string][]string{}}
	for _, k := range ks {
		p.byCode[k.Code] = k
		for _, name := range []string{k.NameFa, k.NameEn, Label(i18n.Fa, k), Label(i18n.En, k)} {
			if f := fold(name); f != "" && !slices.Contains(p.byName[f], k.Code) {
				p.byName[f] = append(p.byName[f], k.Code)
			}
		}
	}
	return p
}

// find returns the constituency v names, or the problem: none in scope, or several (which their codes
// tell apart).
func (p places) find(v string) (store.Constituency, i18n.Msg) {
	v = strings.TrimSpace(v)
	if k, ok := p.byCode[strings.ToLower(v)]; ok {
		return k, i18n.Msg{}
	}
	switch codes := p.byName[fold(v)]; len(codes) {
	case 0:
		return store.Constituency{}, i18n.M("err.constituency")
	case 1:
		return p.byCode[codes[0]], i18n.Msg{}
	default:
		return store.Constituency{}, i18n.M("err.constituency_ambiguous", i18n.ArgText("codes", strings.Join(codes, ", ")))
	}
}

// Label names a constituency in lang, as the pages do: a county's city, or a district's villages with the
// district's county, since many districts share a name (there are 43 Central districts).
func Label(lang i18n.Lang, k store.Constituency) string {
	if k.Kind == eligibility.Village {
		return i18n.Message(lang, "candidates.constituency_village", i18n.ArgName("district", k.NameFa, k.NameEn),
			i18n.ArgName("county", k.CountyFa, k.CountyEn))
	}
	return i18n.Message(lang, "candidates.constituency_city", i18n.ArgName("city", k.NameFa, k.NameEn))
}
