package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/setad/setad/internal/audience"
)

// The committees' work (migration 0024 and after): the committees of each province, and the places that a
// circular, a task or a training session is addressed to. An item is its committee's, in its province;
// the places it reaches are counties and districts of that province, each a row of the item's own table
// (a circular's receipts, a task's assignees, a session's invitees) made from the audience by
// audiencePlaces in the transaction that publishes it.

// audiencePlaces turns an audience into the places of the province it reaches: its counties (DistrictID
// 0) and, with districts, theirs, ordered by county then district. A county named that is not of the province is ErrUnknownCounty.
func audiencePlaces(ctx context.Context, tx pgx.Tx, provinceID int64, a audience.Audience) ([]Place, error) {
	rows, err := tx.Query(ctx, `
		WITH chosen AS (
			SELECT c.id FROM counties c WHERE c.province_id = $1 AND ($2 OR c.code = ANY ($3::text[]))
		)
		SELECT $1::bigint, id, 0::bigint FROM chosen
		UNION ALL
		SELECT $1, d.county_id, d.id FROM districts d JOIN chosen ON chosen.id = d.county_id WHERE $4
		ORDER BY 2, 3`, provinceID, a.Province, a.Counties, a.WithDistricts)
	if err != nil {
		return nil, err
	}
	places, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Place])
	if err != nil {
		return nil, err
	}
	counties := 0
	for _, p := range places {
		if p.DistrictID == 0 {
			counties++
		}
	}
	if counties == 0 || !a.Province && counties != len(a.Counties) {
		return nil, fmt.Errorf("%w in the audience", ErrUnknownCounty)
	}
	return places, nil
}
