package phonenum

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string // want "" when refused
	}{
		// Mobiles in every form people write them.
		{"09123456789", "09123456789"},
		{"۰۹۱۲۳۴۵۶۷۸۹", "09123456789"},
		{"٠٩١٢٣٤٥٦٧٨٩", "09123456789"},
		{"0912 345 6789", "09123456789"},
		{"0912-345-67-89", "09123456789"},
		{" 0912 ۳۴۵ 67-89 ", "09123456789"},
		{"+989123456789", "09123456789"},
		{"+98 912 345 6789", "09123456789"},
		{"+98 (0)912 345 6789", "09123456789"},
		{"00989123456789", "09123456789"},
		{"989123456789", "09123456789"},
		{"۹۸۹۱۲۳۴۵۶۷۸۹", "09123456789"},
		{"\u200e0912\u200c3456789", "09123456789"}, // marks pasted from a right-to-left page
		{"0912–345–6789", "09123456789"},           // an en dash
		// Landlines with their area code.
		{"07143201234", "07143201234"},
		{"071-43201234", "07143201234"},
		{"(071) 4320 1234", "07143201234"},
		{"۰۷۱۴۳۲۰۱۲۳۴", "07143201234"},
		{"+98 71 4320 1234", "07143201234"},
		{"00987143201234", "07143201234"},
		{"987143201234", "07143201234"},
		{"02188776655", "02188776655"},
		// Refused.
		{"", ""},
		{"   ", ""},
		{"43201234", ""},        // a landline without its area code
		{"9123456789", ""},      // a mobile without its zero
		{"0912345678", ""},      // ten digits
		{"091234567890", ""},    // twelve
		{"00912345678", ""},     // no area code starts with 0
		{"07103201234", ""},     // a number does not start with 0 after the area code
		{"+1 415 555 0100", ""}, // not Iranian
		{"0912345678a", ""},
		{"0912/345/6789", ""},
		{"=09123456789", ""},
		{"++989123456789", ""},
		{"+", ""},
		{"98", ""},
	}
	for _, tt := range tests {
		got, ok := Normalize(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
		if Valid(tt.in) != ok {
			t.Errorf("Valid(%q) disagrees with Normalize", tt.in)
		}
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	for _, in := range []string{"+98 912 345 6789", "071-43201234"} {
		once, _ := Normalize(in)
		if twice, ok := Normalize(once); !ok || twice != once {
			t.Errorf("Normalize(%q) = %q, then %q", in, once, twice)
		}
	}
}
