package boards

import (
	"context"
	"testing"

	"github.com/setad/setad/internal/i18n"
)

// A quorum reads as a clerk says it: common fractions in words, reduced first; any other as "n of every d".
func TestQuorumText(t *testing.T) {
	fa, en := i18n.NewContext(context.Background(), i18n.Fa), i18n.NewContext(context.Background(), i18n.En)
	for _, tc := range []struct {
		num, den int
		fa, en   string
	}{
		{2, 3, "دو سوم اعضا", "two thirds of the members"},
		{4, 6, "دو سوم اعضا", "two thirds of the members"},
		{1, 2, "نصف اعضا", "half of the members"},
		{3, 4, "سه چهارم اعضا", "three quarters of the members"},
		{3, 3, "همه اعضا", "all the members"},
		{5, 7, "۵ نفر از هر ۷ عضو", "5 of every 7 members"},
		{0, 3, "۰ نفر از هر ۳ عضو", "0 of every 3 members"},
	} {
		if got := QuorumText(fa, tc.num, tc.den); got != tc.fa {
			t.Errorf("%d/%d in fa: %q, want %q", tc.num, tc.den, got, tc.fa)
		}
		if got := QuorumText(en, tc.num, tc.den); got != tc.en {
			t.Errorf("%d/%d in en: %q, want %q", tc.num, tc.den, got, tc.en)
		}
	}
}
