// Package committees is HQ's page of its province's committees and their members.
package committees

import (
	"context"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/components"
)

// Committee is a committee with its members.
type Committee struct {
	store.Committee
	Members []store.CommitteeMember
}

// ListData is the list page: the province's committees with their members, the members on no
// committee, and the form that creates one.
type ListData struct {
	Committees []Committee
	Unassigned []store.CommitteeMember
	Form       components.Form
}

// ShowData is one committee's page: its rename form, its members, and whom HQ may add to it.
type ShowData struct {
	Committee Committee
	Others    []store.CommitteeMember // the province's committee-role users on another committee or none
	Names     map[string]store.Committee
	Rename    components.Form
	Add       components.Form
}

// Group puts the members on their committees, in the committees' order; the others are on none.
func Group(ks []store.Committee, ms []store.CommitteeMember) ([]Committee, []store.CommitteeMember) {
	out := make([]Committee, len(ks))
	at := make(map[string]int, len(ks))
	for i, k := range ks {
		out[i] = Committee{Committee: k}
		at[k.Key] = i
	}
	var none []store.CommitteeMember
	for _, m := range ms {
		if i, ok := at[m.Committee]; ok {
			out[i].Members = append(out[i].Members, m)
		} else {
			none = append(none, m)
		}
	}
	return out, none
}

// Href is a committee's page.
func Href(key string) templ.SafeURL { return templ.SafeURL("/admin/committees/" + key) }

func name(ctx context.Context, k store.Committee) string { return i18n.Pick(ctx, k.NameFa, k.NameEn) }

// memberOptions are the users HQ may put on the committee, each with the committee he is on now.
func memberOptions(ctx context.Context, ms []store.CommitteeMember, names map[string]store.Committee) []components.Option {
	var opts []components.Option
	for _, m := range ms {
		on := i18n.T(ctx, "committees.no_committee")
		if k, ok := names[m.Committee]; ok {
			on = name(ctx, k)
		}
		opts = append(opts, components.Option{Value: itoa(m.ID), Label: m.FullName + " (" + on + ")"})
	}
	return opts
}
