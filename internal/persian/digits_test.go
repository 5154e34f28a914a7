package persian

import (
	"fmt"
	"math"
	"testing"
)

func TestToPersianDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"0123456789", "۰۱۲۳۴۵۶۷۸۹"},
		{"٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"},
		{"۰۱۲۳۴۵۶۷۸۹", "۰۱۲۳۴۵۶۷۸۹"},
		{"1405/02/11", "۱۴۰۵/۰۲/۱۱"},
		{"پلاک 12، واحد ٣", "پلاک ۱۲، واحد ۳"},
		{"no digits", "no digits"},
		{"\xff1\xfe", "\xff۱\xfe"}, // invalid UTF-8 survives byte for byte
	}
	for _, tt := range tests {
		if got := ToPersianDigits(tt.in); got != tt.want {
			t.Errorf("ToPersianDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToLatinDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"0123456789", "0123456789"},
		{"۱۴۰۵/۰۲/۱۱", "1405/02/11"},
		{"تلفن: ۰۲۱-٨٨٨٨", "تلفن: 021-8888"},
		{"۱٬۲۳۴", "1٬234"}, // only digits change, not the separator
		{"\xff۱\xfe", "\xff1\xfe"},
	}
	for _, tt := range tests {
		if got := ToLatinDigits(tt.in); got != tt.want {
			t.Errorf("ToLatinDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Already-converted text is the common case, so it must come back without allocating.
func TestDigitsUnchangedDoNotAllocate(t *testing.T) {
	latin, persian := "شماره 1405/02/11", "شماره ۱۴۰۵/۰۲/۱۱"
	if n := testing.AllocsPerRun(100, func() { _ = ToLatinDigits(latin) }); n != 0 {
		t.Errorf("ToLatinDigits on Latin digits allocated %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = ToPersianDigits(persian) }); n != 0 {
		t.Errorf("ToPersianDigits on Persian digits allocated %v times", n)
	}
}

func TestFormatInt(t *testing.T) {
	tests := []struct {
		n              int64
		latin, persian string
	}{
		{0, "0", "۰"},
		{7, "7", "۷"},
		{999, "999", "۹۹۹"},
		{1000, "1,000", "۱٬۰۰۰"},
		{12345, "12,345", "۱۲٬۳۴۵"},
		{123456, "123,456", "۱۲۳٬۴۵۶"},
		{1234567, "1,234,567", "۱٬۲۳۴٬۵۶۷"},
		{-1, "-1", "-۱"},
		{-1000, "-1,000", "-۱٬۰۰۰"},
		{-1234567, "-1,234,567", "-۱٬۲۳۴٬۵۶۷"},
		{math.MaxInt64, "9,223,372,036,854,775,807", "۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷"},
		{math.MinInt64, "-9,223,372,036,854,775,808", "-۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۸"},
	}
	for _, tt := range tests {
		if got := FormatInt(tt.n, false); got != tt.latin {
			t.Errorf("FormatInt(%d, false) = %q, want %q", tt.n, got, tt.latin)
		}
		if got := FormatInt(tt.n, true); got != tt.persian {
			t.Errorf("FormatInt(%d, true) = %q, want %q", tt.n, got, tt.persian)
		}
	}
}

func TestAppendPadded(t *testing.T) {
	tests := []struct {
		n, width     int
		latin, perso string
	}{
		{0, 1, "0", "۰"},
		{0, 2, "00", "۰۰"},
		{7, 2, "07", "۰۷"},
		{31, 2, "31", "۳۱"},
		{1405, 4, "1405", "۱۴۰۵"},
		{999, 4, "0999", "۰۹۹۹"},
		{12345, 4, "12345", "۱۲۳۴۵"},
		{5, 0, "5", "۵"},
		{9223372036854775807, 1, "9223372036854775807", "۹۲۲۳۳۷۲۰۳۶۸۵۴۷۷۵۸۰۷"},
	}
	for _, tt := range tests {
		if got := string(AppendPadded([]byte("x"), tt.n, tt.width, false)); got != "x"+tt.latin {
			t.Errorf("AppendPadded(%d, %d, latin) = %q, want %q", tt.n, tt.width, got, "x"+tt.latin)
		}
		if got := string(AppendPadded(nil, tt.n, tt.width, true)); got != tt.perso {
			t.Errorf("AppendPadded(%d, %d, persian) = %q, want %q", tt.n, tt.width, got, tt.perso)
		}
		if want := fmt.Sprintf("%0*d", tt.width, tt.n); want != tt.latin {
			t.Errorf("the case of %d is not what fmt writes: %q", tt.n, want)
		}
	}
}
