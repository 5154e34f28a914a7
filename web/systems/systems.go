// Package systems is HQ's page of its province's election systems: their names, the committee that owns
// each, and which are retired.
package systems

import (
	"context"
	"strconv"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// ListData is the province's systems, each with its edit form, its committees to choose from, and the
// form that adds one.
type ListData struct {
	Systems    []store.System
	Committees []store.Committee
	Edit       map[string]components.Form // by key: a form sent back with its errors; the others are drawn from the system
	Add        components.Form
	Refused    *i18n.Msg // why an act was refused, shown at the top
}

// editForm is the edit form of a system: the one sent back, or one filled from the system.
func (d ListData) editForm(s store.System) components.Form {
	if f, ok := d.Edit[s.Key]; ok {
		return f.WithPrefix(s.Key + "-")
	}
	f := components.NewForm()
	f.Values.Set("name_fa", s.NameFa)
	f.Values.Set("name_en", s.NameEn)
	f.Values.Set("committee", s.Committee)
	return f.WithPrefix(s.Key + "-")
}

// Href is a system's address, where its edit form posts.
func Href(key string) templ.SafeURL { return templ.SafeURL("/admin/systems/" + key) }

func committeeOptions(ctx context.Context, cs []store.Committee) []components.Option {
	opts := make([]components.Option, 0, len(cs))
	for _, c := range cs {
		opts = append(opts, components.Option{Value: c.Key, Label: i18n.Pick(ctx, c.NameFa, c.NameEn)})
	}
	return opts
}

func version(s store.System) string { return strconv.Itoa(s.Version) }

func sectionID(s store.System) string { return "system-" + s.Key }
