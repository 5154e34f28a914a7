// Package persian owns Jalali (Solar Hijri) dates, Persian digits and Persian text normalisation
// for search and duplicate detection: converting between Jalali and Gregorian dates, parsing and
// formatting them, mapping between Persian, Arabic-Indic and Latin digits, and folding the many
// ways the same Persian text can be typed into one canonical form. It has no I/O.
package persian
