package persian

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only space", " \t\n\u00a0 ", ""},
		{"plain Persian, the space dropped", "کاظم زاده", "کاظمزاده"},
		{"Arabic yeh", "علي", "علی"},
		{"alef maksura", "موسى", "موسی"},
		{"Arabic kaf", "كتاب", "کتاب"},
		{"spaces dropped", "  كاظم   زاده ", "کاظمزاده"},
		{"ZWNJ removed", "می\u200cروم", "میروم"},
		{"ZWJ and zero width space removed", "a\u200db\u200bc", "abc"},
		{"diacritics", "مُحَمَّد", "محمد"},
		{"tanwin and superscript alef", "حتماً رحمٰن", "حتمارحمن"},
		{"tatweel", "محـــمد", "محمد"},
		{"teh marbuta", "فاطمة", "فاطمه"},
		{"heh with yeh above", "خانۀ ما", "خانهما"},
		{"decomposed heh with hamza", "خانه\u0654 ما", "خانهما"},
		{"alef with hamza above", "أحمد", "احمد"},
		{"alef with hamza below", "إسلام", "اسلام"},
		{"alef wasla", "ٱلله", "الله"},
		{"waw with hamza", "مؤمن", "مومن"},
		{"yeh with hamza", "مسئله", "مسیله"},
		{"alef madda kept", "آب", "آب"},
		{"decomposed alef madda composed", "ا\u0653ب", "آب"},
		{"Persian digits", "۱۴۰۵/۰۲/۱۱", "1405/02/11"},
		{"Arabic-Indic digits", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"Latin lower-cased", "Hello WORLD", "helloworld"},
		{"non-ASCII Latin lower-cased", "ÉCOLE", "école"},
		{"NBSP and narrow NBSP", "a\u00a0\u202fb", "ab"},
		{"tabs and newlines", "a\t\r\nb", "ab"},
		{"ideographic space", "a\u3000b", "ab"},
		{"space run broken by ZWNJ", "a \u200c b", "ab"},
		{"ZWNJ between the parts of a name", "موسوی\u200cنژاد", "موسوینژاد"},
		{"space between the parts of a name", "موسوی نژاد", "موسوینژاد"},
		{"invisible at the ends", "\u200f\ufeff سلام \u200e", "سلام"},
		{"soft hyphen", "co\u00adop", "coop"},
		{"bidi isolate and embedding", "\u2067متن\u2069 \u202bمتن\u202c", "متنمتن"},
		{"punctuation kept", "سلام، خوبی؟", "سلام،خوبی؟"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent on %q: %q", got, again)
			}
		})
	}
}

// TestNormalizeEquivalent lists spellings that search must treat as the same, and some it must not.
func TestNormalizeEquivalent(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"علي", "علی", true},
		{"می\u200cروم", "میروم", true},
		{"  كاظم   زاده ", "کاظم زاده", true},
		{"موسوی نژاد", "موسوی\u200cنژاد", true},
		{"موسوی\u200cنژاد", "موسوینژاد", true},
		{"علی رضا", "علیرضا", true},
		{"موسوی\u00a0نژاد", "موسوی \u200c نژاد", true},
		{"مُحَمَّد", "محمد", true},
		{"كيك", "کیک", true},
		{"تلفن ۰۹۱۲", "تلفن 0912", true},
		{"Tehran", "TEHRAN", true},
		{"آب", "اب", false},
		{"می روم", "میروم", true},
		{"کتاب", "کتب", false},
	}
	for _, tt := range tests {
		na, nb := Normalize(tt.a), Normalize(tt.b)
		if (na == nb) != tt.equal {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; equal should be %v", tt.a, na, tt.b, nb, tt.equal)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "علي", "می\u200cروم", "  كاظم   زاده ", "مُحَمَّد", "محـــمد", "ا\u0653ب",
		"a \u200c b", "Hello WORLD", "۱۴۰۵/۰۲/۱۱", "\u00a0\u202f", "a\xffb", "İK",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize of that = %q", s, n, again)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", s, n)
		}
		if strings.ContainsFunc(n, unicode.IsSpace) || strings.ContainsRune(n, '\u200c') {
			t.Fatalf("Normalize(%q) = %q, keeps a separator", s, n)
		}
	})
}
