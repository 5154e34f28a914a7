package boardrules

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/setad/setad/internal/nationalid"
	"github.com/setad/setad/internal/persian"
)

// id makes the n-th valid national ID.
func id(n int) string {
	nine := fmt.Sprintf("%09d", 100000000+n*7919)
	return nine + string('0'+nationalid.CheckDigit(nine))
}

// councilsCounty is LAW.md's councils board at county level.
var councilsCounty = Rule{ChairOffice: Governor, ExOfficio: []string{"civil_registration", "judiciary_rep"},
	TrustedMain: 8, Alternates: 5, PoolSize: 30, QuorumNum: 2, QuorumDen: 3}

// legal returns a board that breaks no rule of councilsCounty.
func legal() Board {
	b := Board{Rule: councilsCounty, PoolApproved: true}
	for i := range 30 {
		b.Pool = append(b.Pool, Member{FullName: fmt.Sprintf("pool %d", i), NationalID: id(i)})
	}
	b.Members = append(b.Members,
		Member{FullName: "chair", NationalID: id(100), Role: Chair, Office: Governor},
		Member{FullName: "registrar", NationalID: id(101), Role: ExOfficio, Office: "civil_registration"},
		Member{FullName: "judge", NationalID: id(102), Role: ExOfficio, Office: "judiciary_rep"},
		Member{FullName: "secretary", NationalID: id(103), Role: Secretary},
	)
	for i := range 8 {
		b.Members = append(b.Members, Member{FullName: fmt.Sprintf("trusted %d", i), NationalID: id(i), Role: Trusted})
	}
	for i := range 5 {
		b.Members = append(b.Members, Member{FullName: fmt.Sprintf("alternate %d", i), NationalID: id(10 + i), Role: Alternate})
	}
	return b
}

func codes(vs []Violation) []string {
	var cs []string
	for _, v := range vs {
		cs = append(cs, v.Code)
	}
	return cs
}

func TestCheck(t *testing.T) {
	if vs := Check(legal()); len(vs) != 0 {
		t.Fatalf("a legal board breaks %v", vs)
	}
	remove := func(b *Board, role string, n int) {
		var kept []Member
		for _, m := range b.Members {
			if m.Role == role && n > 0 {
				n--
				continue
			}
			kept = append(kept, m)
		}
		b.Members = kept
	}
	tests := []struct {
		name string
		edit func(*Board)
		want []Violation
	}{
		{"no chair", func(b *Board) { remove(b, Chair, 1) }, []Violation{{Code: "chair_count", Got: 0}}},
		{"two chairs", func(b *Board) {
			b.Members = append(b.Members, Member{FullName: "second", NationalID: id(200), Role: Chair, Office: Governor})
		}, []Violation{{Code: "chair_count", Got: 2}}},
		{"chair of the wrong office", func(b *Board) { b.Members[0].Office = DistrictHead },
			[]Violation{{Code: "chair_office", Name: "chair", Office: Governor}}},
		{"ex-officio seat empty", func(b *Board) { b.Members[2].Role, b.Members[2].Office = Secretary, "" },
			[]Violation{{Code: "office_missing", Office: "judiciary_rep"}, {Code: "secretary_count", Got: 2}}},
		{"ex-officio seat twice", func(b *Board) {
			b.Members = append(b.Members, Member{FullName: "second registrar", NationalID: id(201), Role: ExOfficio, Office: "civil_registration"})
		}, []Violation{{Code: "office_twice", Office: "civil_registration", Got: 2}}},
		{"office of another kind", func(b *Board) { b.Members[2].Office = "prosecutor" },
			[]Violation{{Code: "office_foreign", Name: "judge", Office: "prosecutor"}, {Code: "office_missing", Office: "judiciary_rep"}}},
		{"seven trusted", func(b *Board) { remove(b, Trusted, 1) }, []Violation{{Code: "trusted_count", Want: 8, Got: 7}}},
		{"six alternates", func(b *Board) {
			b.Members = append(b.Members, Member{FullName: "alternate 5", NationalID: id(15), Role: Alternate})
		}, []Violation{{Code: "alternate_count", Want: 5, Got: 6}}},
		{"invalid national ID", func(b *Board) { b.Members[1].NationalID = "0012345670" },
			[]Violation{{Code: "invalid_id", Name: "registrar"}}},
		{"national ID twice", func(b *Board) { b.Members[1].NationalID = b.Members[2].NationalID },
			[]Violation{{Code: "duplicate_id", Name: "judge"}}},
		{"same ID in other digits is the same person", func(b *Board) { b.Members[1].NationalID = persian.ToPersianDigits(b.Members[2].NationalID) },
			[]Violation{{Code: "duplicate_id", Name: "judge"}}},
		{"a member is a candidate", func(b *Board) { b.Candidates = map[string]bool{id(101): true} },
			[]Violation{{Code: "candidate", Name: "registrar"}}},
		{"a pool member is a candidate", func(b *Board) { b.Candidates = map[string]bool{id(29): true} },
			[]Violation{{Code: "pool_candidate", Name: "pool 29"}}},
		{"pool of 29", func(b *Board) { b.Pool = b.Pool[:29] }, []Violation{{Code: "pool_size", Want: 30, Got: 29}}},
		{"pool not approved", func(b *Board) { b.PoolApproved = false }, []Violation{{Code: "pool_not_approved"}}},
		{"trusted member outside the pool", func(b *Board) { b.Members[4].NationalID = id(300) },
			[]Violation{{Code: "not_from_pool", Name: "trusted 0"}}},
		{"invalid ID in the pool", func(b *Board) { b.Pool[29].NationalID = "1111111111" },
			[]Violation{{Code: "pool_invalid_id", Name: "pool 29"}}},
		{"empty board", func(b *Board) { *b = Board{Rule: councilsCounty} }, []Violation{
			{Code: "chair_count"}, {Code: "office_missing", Office: "civil_registration"}, {Code: "office_missing", Office: "judiciary_rep"},
			{Code: "trusted_count", Want: 8}, {Code: "alternate_count", Want: 5}, {Code: "pool_size", Want: 30}, {Code: "pool_not_approved"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := legal()
			tt.edit(&b)
			if got := Check(b); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Check = %+v\nwant    %+v", got, tt.want)
			}
		})
	}
}

// The rules are data: the same board is legal for one rule and not another.
func TestCheckFollowsTheRule(t *testing.T) {
	presidential := Rule{ChairOffice: Governor, ExOfficio: []string{"civil_registration", "judiciary_head", "prosecutor"},
		TrustedMain: 9, Alternates: 5, PoolSize: 30}
	b := legal()
	b.Rule = presidential
	got := codes(Check(b))
	want := []string{"office_foreign", "office_missing", "office_missing", "trusted_count"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("councils board under presidential rules: %v, want %v", got, want)
	}
}

func TestQuorum(t *testing.T) {
	tests := []struct{ members, want int }{{16, 11}, {15, 10}, {17, 12}, {0, 0}, {3, 2}}
	for _, tt := range tests {
		if got := Quorum(tt.members, councilsCounty); got != tt.want {
			t.Errorf("Quorum(%d) = %d, want %d", tt.members, got, tt.want)
		}
	}
	if Quorum(7, Rule{}) != 7 {
		t.Error("a rule without a quorum needs everyone")
	}
}

func TestInLegalOrder(t *testing.T) {
	ms := []Member{
		{FullName: "b", Role: Alternate}, {FullName: "s", Role: Secretary}, {FullName: "j", Role: ExOfficio, Office: "judiciary_rep"},
		{FullName: "a", Role: Alternate}, {FullName: "t", Role: Trusted}, {FullName: "r", Role: ExOfficio, Office: "civil_registration"},
		{FullName: "c", Role: Chair, Office: Governor},
	}
	var names []string
	for _, m := range InLegalOrder(ms, councilsCounty) {
		names = append(names, m.FullName)
	}
	if want := []string{"c", "r", "j", "t", "a", "b", "s"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("order %v, want %v", names, want)
	}
	// Members alike in role, office and name keep their order; a role or an office the law does not name
	// comes after those it names.
	ms = []Member{
		{FullName: "x", Role: "unknown", NationalID: "1"}, {FullName: "a", Role: Trusted, NationalID: "2"},
		{FullName: "a", Role: Trusted, NationalID: "3"}, {FullName: "e", Role: ExOfficio, Office: "other"},
		{FullName: "f", Role: ExOfficio, Office: "judiciary_rep"}, {FullName: "a", Role: Trusted, NationalID: "4"},
	}
	var keys []string
	for _, m := range InLegalOrder(ms, councilsCounty) {
		keys = append(keys, m.FullName+m.NationalID)
	}
	if want := []string{"f", "e", "a2", "a3", "a4", "x1"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("order %v, want %v", keys, want)
	}
}

func TestDiff(t *testing.T) {
	before := []Member{
		{FullName: "Ali", NationalID: id(1), Role: Trusted, Phone: "0912"},
		{FullName: "Reza", NationalID: id(2), Role: Alternate},
		{FullName: "Sara", NationalID: id(3), Role: Trusted},
	}
	after := []Member{
		{FullName: "Ali", NationalID: id(1), Role: Alternate, Phone: "0913"},
		{FullName: "Sara", NationalID: persian.ToPersianDigits(id(3)), Role: Trusted},
		{FullName: "Maryam", NationalID: id(4), Role: Trusted},
	}
	want := []Change{
		{Kind: "changed", FullName: "Ali", NationalID: id(1), Fields: []FieldChange{{"role", Trusted, Alternate}, {"phone", "0912", "0913"}}},
		{Kind: "added", FullName: "Maryam", NationalID: id(4)},
		{Kind: "removed", FullName: "Reza", NationalID: id(2)},
	}
	if got := Diff(before, after); !reflect.DeepEqual(got, want) {
		t.Fatalf("Diff = %+v\nwant   %+v", got, want)
	}
	if got := Diff(after, after); len(got) != 0 {
		t.Fatalf("no change gives %+v", got)
	}
}

func TestCleanMember(t *testing.T) {
	ok := Member{FullName: " علی   رضایی ", FatherName: "حسن", NationalID: "۰۰۱۲۳۴۵۶۷۹", Role: Trusted, Phone: "۰۹۱۲ ۱۲۳ ۴۵۶۷"}
	tests := []struct {
		name     string
		edit     func(*Member)
		withRole bool
		want     FieldErrors
	}{
		{"valid", func(*Member) {}, true, FieldErrors{}},
		{"no name", func(m *Member) { m.FullName = "  " }, true, FieldErrors{"full_name": "err.required"}},
		{"bad national ID", func(m *Member) { m.NationalID = "0012345670" }, true, FieldErrors{"national_id": "err.national_id"}},
		{"bad phone", func(m *Member) { m.Phone = "call me" }, true, FieldErrors{"phone": "err.phone_number"}},
		{"short phone", func(m *Member) { m.Phone = "0912" }, true, FieldErrors{"phone": "err.phone_number"}},
		{"unknown role", func(m *Member) { m.Role = "king" }, true, FieldErrors{"role": "err.choose"}},
		{"ex-officio without office", func(m *Member) { m.Role = ExOfficio }, true, FieldErrors{"office": "err.office_required"}},
		{"ex-officio", func(m *Member) { m.Role, m.Office = ExOfficio, "jurist" }, true, FieldErrors{}},
		{"chair without office", func(m *Member) { m.Role = Chair }, true, FieldErrors{"office": "err.office_chair"}},
		{"chair", func(m *Member) { m.Role, m.Office = Chair, Governor }, true, FieldErrors{}},
		{"trusted with an office", func(m *Member) { m.Office = "jurist" }, true, FieldErrors{"office": "err.office_not_for_role"}},
		{"pool ignores role", func(m *Member) { m.Role = "" }, false, FieldErrors{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			got, errs := CleanMember(m, tt.withRole)
			if !reflect.DeepEqual(errs, tt.want) {
				t.Fatalf("errors %v, want %v", errs, tt.want)
			}
			if len(errs) == 0 && (got.FullName != "علی رضایی" || got.NationalID != "0012345679" || got.Phone != "09121234567") {
				t.Fatalf("cleaned %+v", got)
			}
		})
	}
}
