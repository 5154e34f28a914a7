package boardrules

// Change is one difference between two submissions of a board, for one person (matched by national ID).
type Change struct {
	Kind       string // "added", "removed" or "changed"
	FullName   string
	NationalID string
	Fields     []FieldChange // for "changed"
}

// FieldChange is one field that differs.
type FieldChange struct {
	Field  string // full_name, father_name, role, office, phone, notes
	Before string
	After  string
}

// Diff lists who was added, removed or changed from before to after, field by field, in after's order
// followed by the removals in before's order.
func Diff(before, after []Member) []Change {
	old := map[string]Member{}
	for _, m := range before {
		old[canonical(m.NationalID)] = m
	}
	var cs []Change
	kept := map[string]bool{}
	for _, m := range after {
		id := canonical(m.NationalID)
		b, ok := old[id]
		if !ok {
			cs = append(cs, Change{Kind: "added", FullName: m.FullName, NationalID: id})
			continue
		}
		kept[id] = true
		var fs []FieldChange
		for _, f := range []struct{ name, b, a string }{
			{"full_name", b.FullName, m.FullName},
			{"father_name", b.FatherName, m.FatherName},
			{"role", b.Role, m.Role},
			{"office", b.Office, m.Office},
			{"phone", b.Phone, m.Phone},
			{"notes", b.Notes, m.Notes},
		} {
			if f.b != f.a {
				fs = append(fs, FieldChange{Field: f.name, Before: f.b, After: f.a})
			}
		}
		if len(fs) > 0 {
			cs = append(cs, Change{Kind: "changed", FullName: m.FullName, NationalID: id, Fields: fs})
		}
	}
	for _, m := range before {
		if id := canonical(m.NationalID); !kept[id] {
			cs = append(cs, Change{Kind: "removed", FullName: m.FullName, NationalID: id})
		}
	}
	return cs
}
