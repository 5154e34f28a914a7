package seed

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/setad/setad/internal/audit"
	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/citycheck"
	"github.com/setad/setad/internal/store"
)

// demoSizes are the constituency sizes of the demo counties, which HQ has recorded: the seat's population
// (rounded census figures) and the village households of each district (invented). Beyza's Banesh
// district is small enough for a literate candidate.
var demoSizes = []struct {
	county     string
	population int
	households map[string]int
}{
	{"marvdasht", 148858, map[string]int{"marvdasht-central": 5200, "marvdasht-dorudzan": 3100, "marvdasht-kamfiruz": 2600,
		"marvdasht-kamfiruz-shomali": 1900, "marvdasht-seyyedan": 2300}},
	{"pasargad", 15600, map[string]int{"pasargad-central": 2100, "pasargad-pasargad": 1500}},
	{"arsanjan", 18300, map[string]int{"arsanjan-central": 2400}},
	{"beyza", 6200, map[string]int{"beyza-central": 1800, "beyza-banesh": 180}},
	{"shiraz", 1565572, map[string]int{"shiraz-central": 6000}},
	{"kazerun", 96683, map[string]int{"kazerun-central": 4000}},
	{"fasa", 110825, map[string]int{"fasa-central": 3500}},
}

// demoCities are cities of Marvdasht besides its seat, each a constituency of its own. Kamfiruz's
// population is left for HQ to record, so that the demo shows a size missing.
var demoCities = []struct {
	county, district, code, nameFa, nameEn string
	population                             int // 0: not recorded
}{
	{"marvdasht", "marvdasht-seyyedan", "seyedan", "سیدان", "Seyedan", 6100},
	{"marvdasht", "marvdasht-kamfiruz", "kamfiruz", "کامفیروز", "Kamfiruz", 0},
}

// demoCitiesLoad adds the demo cities and records the demo sizes as the provincial HQ, each once: a city
// already there is kept as it is, and a county whose seat has a population keeps its sizes.
func demoCitiesLoad(ctx context.Context, st *store.Store) error {
	hqUser, err := st.UserByUsername(ctx, "hq.fars")
	if err != nil {
		return err
	}
	hq := audit.Actor{ID: hqUser.ID, Name: hqUser.Username, Remote: "seed"}
	fars := auth.Scope{ProvinceID: hqUser.ProvinceID}
	known, err := st.CityKnown(ctx, fars)
	if err != nil {
		return err
	}
	for _, dc := range demoCities {
		if _, err := st.City(ctx, fars, dc.county, dc.code); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		in := citycheck.Input{District: dc.district, Code: dc.code, NameFa: dc.nameFa, NameEn: dc.nameEn}
		if dc.population > 0 {
			in.Population = strconv.Itoa(dc.population)
		}
		row, problems := known.Check(in, dc.county, citycheck.Add)
		if len(problems) > 0 {
			return fmt.Errorf("demo city %s: %s", dc.code, problems[0].Msg.Key)
		}
		if err := st.AddCity(ctx, hq, fars, row); err != nil {
			return fmt.Errorf("demo city %s: %w", dc.code, err)
		}
	}
	for _, ds := range demoSizes {
		county, _, err := st.County(ctx, fars, ds.county)
		if err != nil {
			return err
		}
		seat, err := st.City(ctx, fars, ds.county, ds.county)
		if err != nil {
			return fmt.Errorf("demo sizes of %s: %w", ds.county, err)
		}
		if seat.Population != nil {
			continue
		}
		households := map[string]*int{}
		for code, n := range ds.households {
			households[code] = &n
		}
		if err := st.SetSizes(ctx, hq, fars, ds.county, county.SizesVersion, map[string]*int{seat.Code: &ds.population},
			households); err != nil {
			return fmt.Errorf("demo sizes of %s: %w", ds.county, err)
		}
	}
	return nil
}
