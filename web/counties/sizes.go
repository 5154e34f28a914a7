package counties

import (
	"context"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ShowData is one county's page.
type ShowData struct {
	County    store.County
	Districts []store.District
	Sizes     components.Form // the sizes form, as recorded or as typed
	// Stale: someone saved the sizes after this form was drawn. The recorded values are shown beside
	// the form, which keeps what the user typed.
	Stale bool
}

func sizeText(ctx context.Context, n *int) string {
	if n == nil {
		return i18n.T(ctx, "counties.unknown")
	}
	return i18n.Num(ctx, *n)
}
