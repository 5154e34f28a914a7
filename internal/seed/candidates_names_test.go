package seed

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/password"
)

// The demo's candidates are named as their gender is, and their fathers as men.
func TestDemoCandidateNamesMatchGender(t *testing.T) {
	t.Parallel()
	st, _ := dbtest.NewStore(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if err := Demo(ctx, st, password.NewHasher(password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}, 2), now, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Pool().Query(ctx, `SELECT full_name, father_name, gender FROM candidates`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var name, father, gender string
		if err := rows.Scan(&name, &father, &gender); err != nil {
			t.Fatal(err)
		}
		n++
		first, _, _ := strings.Cut(name, " ")
		if want := map[string][]string{"male": maleNames, "female": femaleNames}[gender]; !slices.Contains(want, first) {
			t.Errorf("%s (%s) is not named as a %s", name, gender, gender)
		}
		if !slices.Contains(maleNames, father) {
			t.Errorf("%s's father is named %s", name, father)
		}
	}
	if err := rows.Err(); err != nil || n < len(demoCandidates) {
		t.Fatalf("%d demo candidates: %v", n, err)
	}
}
