// Package boardrules holds the legal composition rules of an executive board (هیئت اجرایی) and checks a
// board against them: the chair, the ex-officio seats of the election kind, the numbers of main and
// alternate trusted members, valid and unique national IDs, the approved pool of trusted people, and
// nobody who is a candidate in the same election. The numbers come from data (a Rule per election kind
// and level), never from code; this package has no I/O. It also orders members for the official list,
// tells what changed between two submissions, and whether a board was formed after the last day of its
// window in the election's timeline (FormationOn).
package boardrules

import (
	"cmp"
	"slices"
	"strings"

	"github.com/setad/setad/internal/nationalid"
)

// Member roles on a board.
const (
	Chair     = "chair"
	ExOfficio = "ex_officio"
	Trusted   = "trusted"
	Alternate = "alternate"
	Secretary = "secretary"
)

// Roles in legal order.
var Roles = []string{Chair, ExOfficio, Trusted, Alternate, Secretary}

// Offices a chair can hold.
const (
	Governor     = "governor"
	DistrictHead = "district_head"
)

// Offices lists every ex-officio office of any kind, in the order the law names them.
var Offices = []string{"civil_registration", "judiciary_rep", "jurist", "judiciary_head", "prosecutor"}

// Rule is the composition the law requires of one kind of board at one level.
type Rule struct {
	ChairOffice string   // Governor or DistrictHead
	ExOfficio   []string // offices with one seat each, in legal order
	TrustedMain int
	Alternates  int
	PoolSize    int
	QuorumNum   int // quorum = ⌈members × QuorumNum / QuorumDen⌉
	QuorumDen   int
}

// Member is one seat on the board.
type Member struct {
	FullName   string `json:"full_name"`
	FatherName string `json:"father_name"`
	NationalID string `json:"national_id"`
	Role       string `json:"role"`
	Office     string `json:"office,omitempty"` // the chair's or the ex-officio member's office
	Phone      string `json:"phone,omitempty"`
	Notes      string `json:"notes,omitempty"`
}

// Board is what Check needs to know.
type Board struct {
	Rule         Rule
	Members      []Member
	Pool         []Member // the trusted people proposed to the supervision board
	PoolApproved bool     // the supervision board's approval is recorded
	Candidates   map[string]bool
}

// Violation is one broken rule. Code names it (the message is "rule."+Code in the catalogue); the other
// fields are its arguments, by code.
type Violation struct {
	Code   string
	Name   string // the member concerned
	Office string
	Want   int
	Got    int
}

// Check returns every rule the board breaks, in a stable order; none means it may be submitted.
func Check(b Board) []Violation {
	var vs []Violation
	count := map[string]int{}
	offices := map[string]int{}
	for _, m := range b.Members {
		count[m.Role]++
		switch m.Role {
		case Chair:
			if m.Office != b.Rule.ChairOffice {
				vs = append(vs, Violation{Code: "chair_office", Name: m.FullName, Office: b.Rule.ChairOffice})
			}
		case ExOfficio:
			offices[m.Office]++
			if !slices.Contains(b.Rule.ExOfficio, m.Office) {
				vs = append(vs, Violation{Code: "office_foreign", Name: m.FullName, Office: m.Office})
			}
		}
	}
	if count[Chair] != 1 {
		vs = append(vs, Violation{Code: "chair_count", Got: count[Chair]})
	}
	for _, o := range b.Rule.ExOfficio {
		switch n := offices[o]; {
		case n == 0:
			vs = append(vs, Violation{Code: "office_missing", Office: o})
		case n > 1:
			vs = append(vs, Violation{Code: "office_twice", Office: o, Got: n})
		}
	}
	if count[Trusted] != b.Rule.TrustedMain {
		vs = append(vs, Violation{Code: "trusted_count", Want: b.Rule.TrustedMain, Got: count[Trusted]})
	}
	if count[Alternate] != b.Rule.Alternates {
		vs = append(vs, Violation{Code: "alternate_count", Want: b.Rule.Alternates, Got: count[Alternate]})
	}
	if count[Secretary] > 1 {
		vs = append(vs, Violation{Code: "secretary_count", Got: count[Secretary]})
	}
	vs = append(vs, people(b.Members, "", b.Candidates)...)
	vs = append(vs, people(b.Pool, "pool_", b.Candidates)...)
	if len(b.Pool) != b.Rule.PoolSize {
		vs = append(vs, Violation{Code: "pool_size", Want: b.Rule.PoolSize, Got: len(b.Pool)})
	}
	if !b.PoolApproved {
		vs = append(vs, Violation{Code: "pool_not_approved"})
	}
	pool := map[string]bool{}
	for _, p := range b.Pool {
		pool[canonical(p.NationalID)] = true
	}
	for _, m := range b.Members {
		if (m.Role == Trusted || m.Role == Alternate) && !pool[canonical(m.NationalID)] {
			vs = append(vs, Violation{Code: "not_from_pool", Name: m.FullName})
		}
	}
	return vs
}

// people checks national IDs and candidacies in a list; prefix tells the pool's violations apart.
func people(ms []Member, prefix string, candidates map[string]bool) []Violation {
	var vs []Violation
	seen := map[string]bool{}
	for _, m := range ms {
		id, err := nationalid.Parse(m.NationalID)
		if err != nil {
			vs = append(vs, Violation{Code: prefix + "invalid_id", Name: m.FullName})
			continue
		}
		if seen[id] {
			vs = append(vs, Violation{Code: prefix + "duplicate_id", Name: m.FullName})
		}
		seen[id] = true
		if candidates[id] {
			vs = append(vs, Violation{Code: prefix + "candidate", Name: m.FullName})
		}
	}
	return vs
}

func canonical(id string) string {
	if c, err := nationalid.Parse(id); err == nil {
		return c
	}
	return id
}

// Quorum is the number of members that must be present for the board to meet.
func Quorum(members int, r Rule) int {
	if r.QuorumDen == 0 {
		return members
	}
	return (members*r.QuorumNum + r.QuorumDen - 1) / r.QuorumDen
}

// InLegalOrder sorts members as the official list shows them: the chair, the ex-officio members in the
// law's order of offices, the main trusted members, the alternates, the secretary; by name within each.
func InLegalOrder(ms []Member, r Rule) []Member {
	out := slices.Clone(ms)
	slices.SortStableFunc(out, LegalOrder(r))
	return out
}

// LegalOrder compares two members as InLegalOrder orders them, for a list of records that hold members.
func LegalOrder(r Rule) func(a, b Member) int {
	rank := func(m Member) (int, int) {
		role := len(Roles)
		for i, x := range Roles {
			if x == m.Role {
				role = i
			}
		}
		office := len(r.ExOfficio)
		for i, o := range r.ExOfficio {
			if o == m.Office {
				office = i
			}
		}
		return role, office
	}
	return func(a, b Member) int {
		ra, oa := rank(a)
		rb, ob := rank(b)
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(oa, ob), strings.Compare(a.FullName, b.FullName))
	}
}
