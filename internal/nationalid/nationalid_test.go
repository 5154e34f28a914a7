package nationalid

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		// The examples of LAW.md.
		{"0012345679", "0012345679", nil},
		{"1234567891", "1234567891", nil},
		{"0012345670", "0012345670", ErrChecksum},
		{"1234567892", "1234567892", ErrChecksum},
		{"1111111111", "", ErrRepeated},
		{"0000000000", "", ErrRepeated},
		// Other digit systems and spacing.
		{"۰۰۱۲۳۴۵۶۷۹", "0012345679", nil},
		{"٠٠١٢٣٤٥٦٧٩", "0012345679", nil},
		{"۱۲۳-۴۵۶۷۸۹-۱", "1234567891", nil},
		{" 123 456789 1 ", "1234567891", nil},
		// 8 and 9 digits are left-padded.
		{"12345679", "0012345679", nil},
		{"012345679", "0012345679", nil},
		{"1234567", "", ErrFormat},
		{"12345678901", "", ErrFormat},
		{"", "", ErrFormat},
		{"12345a7891", "", ErrFormat},
		{"+123456789", "", ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if tt.err == nil && got != tt.want {
				t.Fatalf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if Valid(tt.in) != (tt.err == nil) {
				t.Fatalf("Valid(%q) disagrees with Parse", tt.in)
			}
		})
	}
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		nine string
		want byte
	}{
		{"001234567", 9}, // S = 0+0+8+14+18+20+20+18+14 = 112, r = 2, 11 − 2 = 9
		{"123456789", 1}, // S = 10+18+24+28+30+30+28+24+18 = 210, r = 1
		{"000000011", 6}, // S = 1×3 + 1×2 = 5, r = 5, 11 − 5 = 6
		{"000000100", 7}, // S = 1×4 = 4, r = 4, 11 − 4 = 7
		{"000000005", 1}, // S = 5×2 = 10, r = 10, 11 − 10 = 1
		{"000000014", 0}, // S = 1×3 + 4×2 = 11, r = 0 < 2: the check digit is r
		{"000000040", 1}, // S = 4×3 = 12, r = 1 < 2
	}
	for _, tt := range tests {
		if got := CheckDigit(tt.nine); got != tt.want {
			t.Errorf("CheckDigit(%s) = %d, want %d", tt.nine, got, tt.want)
		}
	}
}

// FuzzParse checks that whatever Parse accepts is canonical, valid and accepted again unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0012345679", "۰۰۱۲۳۴۵۶۷۹", "12345679", "1111111111", "12-34", "", "٠١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s)
		if err != nil {
			return
		}
		if len(got) != 10 {
			t.Fatalf("Parse(%q) = %q: not ten digits", s, got)
		}
		again, err := Parse(got)
		if err != nil || again != got {
			t.Fatalf("Parse(Parse(%q)) = %q, %v", s, again, err)
		}
		if got[9]-'0' != CheckDigit(got[:9]) {
			t.Fatalf("Parse(%q) = %q with a wrong check digit", s, got)
		}
	})
}
