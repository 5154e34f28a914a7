package audit

import (
	"context"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/web/components"
)

// actionLabel names an action in the user's language, or shows its key when the catalogue has none.
func actionLabel(ctx context.Context, action string) string {
	if msg := i18n.T(ctx, "action."+action); msg != "action."+action {
		return msg
	}
	return action
}

func entityOptions(ctx context.Context, entities []string) []components.Option {
	var opts []components.Option
	for _, e := range entities {
		opts = append(opts, components.Option{Value: e, Label: e})
	}
	return opts
}
