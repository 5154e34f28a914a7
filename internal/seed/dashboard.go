package seed

import (
	"context"
	"errors"
	"time"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/store"
	tl "github.com/setad/setad/internal/timeline"
)

// demoReady are the places the demo makes ready in every respect, beside the others that lag: the
// county and its district mark every milestone of theirs whose window has closed, as their governor and
// district head. Their boards, tasks, circulars and training are done where those are loaded. Kazerun
// marks its own too, but its board is under review, its task late and its district silent: it lags,
// between ready and far behind.
var demoReady = []string{"gov.shiraz", "dh.shiraz-central", "gov.kazerun"}

// demoReadyLoad marks those places' closed milestones done.
func demoReadyLoad(ctx context.Context, st *store.Store, now time.Time) error {
	e, err := st.CurrentElection(ctx)
	if err != nil {
		return err
	}
	today := tl.Today(now)
	for _, username := range demoReady {
		u, err := st.UserByUsername(ctx, username)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		p := u.Principal()
		ms, err := st.Milestones(ctx, p.Scope, e.ID)
		if err != nil {
			return err
		}
		level := "county"
		if u.DistrictID != 0 {
			level = "district"
		}
		who := audit.Actor{ID: u.ID, Name: u.Username, Remote: "seed"}
		for _, m := range ms {
			if m.Level != level || !m.To.Before(today) {
				continue
			}
			err := st.MarkDone(ctx, who, p.Scope, e.ID, m.ID, u.CountyID, u.DistrictID, "")
			if err != nil && !errors.Is(err, store.ErrAlreadyDone) {
				return err
			}
		}
	}
	return nil
}
