package boards

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/setad/setad/internal/boardrules"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
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

// A board's members are listed in the law's order, each with its own record.
func TestLegalOrder(t *testing.T) {
	rule := store.BoardRule{ChairOffice: boardrules.Governor, ExOfficio: []string{"civil_registration", "judiciary_rep"}}
	d := store.BoardDetail{Rule: rule}
	for i, m := range []boardrules.Member{
		{FullName: "b", Role: boardrules.Alternate}, {FullName: "s", Role: boardrules.Secretary},
		{FullName: "j", Role: boardrules.ExOfficio, Office: "judiciary_rep"}, {FullName: "a", Role: boardrules.Alternate},
		{FullName: "t", Role: boardrules.Trusted}, {FullName: "r", Role: boardrules.ExOfficio, Office: "civil_registration"},
		{FullName: "c", Role: boardrules.Chair, Office: boardrules.Governor},
	} {
		m.NationalID = strconv.Itoa(i)
		d.Members = append(d.Members, store.BoardMember{ID: int64(100 + i), Version: i, Member: m})
	}
	var got []string
	for _, m := range legalOrder(d) {
		got = append(got, fmt.Sprintf("%s%d%d", m.FullName, m.ID, m.Version))
	}
	if want := []string{"c1066", "r1055", "j1022", "t1044", "a1033", "b1000", "s1011"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if d.Members[0].FullName != "b" {
		t.Error("the board's own list was reordered")
	}
}
