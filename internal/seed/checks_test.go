package seed

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/setad/setad/internal/dbtest"
	"github.com/setad/setad/internal/password"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/internal/timeline"
)

// The demo's readiness checks: the check due four days ago filed by every county of Fars but two; the
// daily check's days filed as demoChecks says, Marvdasht missing one; the districts filing the third; and
// a second run of the demo changes nothing.
func TestDemoChecks(t *testing.T) {
	st, _ := dbtest.NewStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	h := password.NewHasher(password.Params{Time: 1, MemoryKiB: 1024, Threads: 1}, 1)
	for range 2 {
		if err := Demo(ctx, st, h, now, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	hq, err := st.UserByUsername(ctx, "hq.fars")
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.CurrentElection(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := timeline.Today(now)
	cs, err := st.Checks(ctx, hq.Principal().Scope, e.ID, today, false)
	if err != nil || len(cs) != 3 {
		t.Fatalf("%d checks, %v", len(cs), err)
	}
	var counties, districts int
	if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM counties), (SELECT count(*) FROM districts)`).Scan(&counties, &districts); err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]store.Check{}
	for _, c := range cs {
		byTitle[c.Title] = c
	}
	once := byTitle["سامانه ثبت‌نام آزمایش شد"]
	if once.Filed != counties-2 || once.Missed != 2 || !once.First.Equal(today.AddDate(0, 0, -4)) {
		t.Errorf("the check due once: %+v", once)
	}
	daily := byTitle["کاربران آموزش دیدند"]
	if daily.Expected != 11*counties || daily.Filed+daily.Missed != 10*counties || daily.Missed <= 2*10 || daily.Filed < 5*counties {
		t.Errorf("the daily check: %+v", daily)
	}
	gov, err := st.UserByUsername(ctx, "gov.marvdasht")
	if err != nil {
		t.Fatal(err)
	}
	own, err := st.Checks(ctx, gov.Principal().Scope, e.ID, today, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range own {
		want := map[string]int{"سامانه ثبت‌نام آزمایش شد": 0, "کاربران آموزش دیدند": 1, "اتصال شبکه شعبه‌های اخذ رأی بررسی شد": 0}[c.Title]
		if c.Missed != want {
			t.Errorf("Marvdasht missed %d days of %q, want %d", c.Missed, c.Title, want)
		}
	}
	districtsToo := byTitle["اتصال شبکه شعبه‌های اخذ رأی بررسی شد"]
	if districtsToo.Places != counties+districts || districtsToo.Missed == 0 || districtsToo.Filed < 5*counties {
		t.Errorf("the check with districts: %+v", districtsToo)
	}
}
