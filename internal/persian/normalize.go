package persian

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	alef      = '\u0627' // ARABIC LETTER ALEF
	alefMadda = '\u0622' // ARABIC LETTER ALEF WITH MADDA ABOVE
	maddah    = '\u0653' // ARABIC MADDAH ABOVE, the combining half of a decomposed alefMadda
)

// Normalize folds s into a canonical form for search and duplicate detection, so that text typed
// on an Arabic keyboard, copied from a PDF or written with careful diacritics compares equal to
// plain Persian typing. It is lossy on purpose and its result is for comparing, never for
// display. In one pass over the runes it:
//
//   - folds Arabic letter forms to the Persian ones: ي and ى to ی, ك to ک;
//   - drops the hamza and similar marks that Persian typists routinely omit or vary: ة and ۀ to
//     ه, أ, إ and ٱ to ا, ؤ to و, and ئ to ی. This joins the usual variant typings of a word
//     but not every spelling (مسئله still differs from مساله), and the rare false match between
//     words that differ only there is acceptable for search;
//   - keeps آ distinct from ا, because it changes meaning (آب, اب), composing a decomposed
//     ا + U+0653 into آ so both encodings agree;
//   - removes diacritics (U+064B to U+065F, U+0670) and tatweel (U+0640);
//   - removes invisible formatting characters: ZWJ, zero-width space, word joiner, soft hyphen,
//     BOM and the bidi marks, embeddings and isolates;
//   - removes white space of every kind (NBSP and narrow NBSP included) and the ZWNJ. Persian
//     writes the parts of one word, and of one name, with a space, a ZWNJ or nothing, and typists
//     vary exactly there: «موسوی نژاد», «موسوی‌نژاد» and «موسوینژاد» are one name, as are
//     «می‌روم» and «میروم». Normalize cannot tell the parts of a word from two words, so it drops
//     every separator; search matches a fragment anywhere in the name, so it loses nothing by it;
//   - folds Persian and Arabic-Indic digits to ASCII;
//   - lower-cases letters: Latin ones in practice, but any cased script is folded too.
//
// Arabic presentation forms (U+FB50 to U+FDFF, U+FE70 to U+FEFF) are not folded: that needs
// NFKC tables, and they are rare outside text extracted from PDFs.
//
// Normalize is idempotent, and invalid UTF-8 bytes become U+FFFD.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == alef && strings.HasPrefix(s[i:], string(maddah)) {
			r = alefMadda
			i += utf8.RuneLen(maddah)
		}
		if unicode.IsSpace(r) || isIgnorable(r) {
			continue
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// isIgnorable reports whether Normalize drops r: diacritics, tatweel, the ZWNJ and invisible
// formatting characters, none of which change what a reader takes the name to be.
func isIgnorable(r rune) bool {
	switch {
	case r >= '\u064B' && r <= '\u065F': // harakat, shadda, sukun, hamza above and below, ...
		return true
	case r >= '\u202A' && r <= '\u202E': // bidi embeddings and overrides
		return true
	case r >= '\u2066' && r <= '\u2069': // bidi isolates
		return true
	}
	switch r {
	case '\u0670', // ARABIC LETTER SUPERSCRIPT ALEF
		'\u0640', // ARABIC TATWEEL
		'\u200B', // ZERO WIDTH SPACE
		'\u200C', // ZERO WIDTH NON-JOINER
		'\u200D', // ZERO WIDTH JOINER
		'\u200E', // LEFT-TO-RIGHT MARK
		'\u200F', // RIGHT-TO-LEFT MARK
		'\u061C', // ARABIC LETTER MARK
		'\u2060', // WORD JOINER
		'\u00AD', // SOFT HYPHEN
		'\uFEFF': // BYTE ORDER MARK / ZERO WIDTH NO-BREAK SPACE
		return true
	}
	return false
}

// foldRune maps one visible rune to its canonical form.
func foldRune(r rune) rune {
	switch r {
	case '\u064A', // ARABIC LETTER YEH
		'\u0649', // ARABIC LETTER ALEF MAKSURA
		'\u0626': // ARABIC LETTER YEH WITH HAMZA ABOVE
		return '\u06CC' // ARABIC LETTER FARSI YEH
	case '\u0643': // ARABIC LETTER KAF
		return '\u06A9' // ARABIC LETTER KEHEH
	case '\u0629', // ARABIC LETTER TEH MARBUTA
		'\u06C0': // ARABIC LETTER HEH WITH YEH ABOVE
		return '\u0647' // ARABIC LETTER HEH
	case '\u0623', // ARABIC LETTER ALEF WITH HAMZA ABOVE
		'\u0625', // ARABIC LETTER ALEF WITH HAMZA BELOW
		'\u0671': // ARABIC LETTER ALEF WASLA
		return alef
	case '\u0624': // ARABIC LETTER WAW WITH HAMZA ABOVE
		return '\u0648' // ARABIC LETTER WAW
	}
	if v, ok := digitValue(r); ok {
		return '0' + rune(v)
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	return unicode.ToLower(r)
}
