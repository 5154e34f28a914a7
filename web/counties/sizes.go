package counties

import (
	"context"

	"github.com/setad/setad/internal/i18n"
)

func sizeText(ctx context.Context, n *int) string {
	if n == nil {
		return i18n.T(ctx, "counties.unknown")
	}
	return i18n.Num(ctx, *n)
}
