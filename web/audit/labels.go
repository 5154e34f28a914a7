package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/web/components"
)

// label returns the catalogue's text for prefix+key, or key itself when the catalogue has none.
func label(ctx context.Context, prefix, key string) string {
	if msg := i18n.T(ctx, prefix+key); msg != prefix+key {
		return msg
	}
	return key
}

func actionLabel(ctx context.Context, action string) string { return label(ctx, "action.", action) }

func entityLabel(ctx context.Context, entity, id string) string {
	s := label(ctx, "entity.", entity)
	if id != "" {
		s += " " + i18n.Digits(ctx, "#"+id)
	}
	return s
}

// actorLabel names the system actor and its command-line origin in the user's language.
func actorLabel(ctx context.Context, actor string) string { return label(ctx, "audit.by.", actor) }

func entityOptions(ctx context.Context, entities []string) []components.Option {
	var opts []components.Option
	for _, e := range entities {
		opts = append(opts, components.Option{Value: e, Label: label(ctx, "entity.", e)})
	}
	return opts
}

// detailLines turns a row's JSON detail into readable lines: for a before/after change, one line per
// field that changed ("role: governor → hq"); otherwise one line per field.
func detailLines(ctx context.Context, detail string) []string {
	var m map[string]any
	if err := json.Unmarshal([]byte(detail), &m); err != nil || len(m) == 0 {
		return nil
	}
	before, hasBefore := m["before"].(map[string]any)
	after, hasAfter := m["after"].(map[string]any)
	var lines []string
	if hasBefore || hasAfter {
		for _, k := range keys(before, after) {
			b, inB := before[k]
			a, inA := after[k]
			switch {
			case hasBefore && hasAfter && fmt.Sprint(b) == fmt.Sprint(a):
				continue
			case inB && inA:
				lines = append(lines, fmt.Sprintf("%s: %s → %s", fieldLabel(ctx, k), value(ctx, k, b), value(ctx, k, a)))
			case inA:
				lines = append(lines, fmt.Sprintf("%s: %s", fieldLabel(ctx, k), value(ctx, k, a)))
			default:
				lines = append(lines, fmt.Sprintf("%s: %s → —", fieldLabel(ctx, k), value(ctx, k, b)))
			}
		}
		return lines
	}
	for _, k := range keys(m) {
		lines = append(lines, fmt.Sprintf("%s: %s", fieldLabel(ctx, k), value(ctx, k, m[k])))
	}
	return lines
}

func fieldLabel(ctx context.Context, k string) string { return label(ctx, "field.", k) }

// value shows a field's value: roles by name, yes/no, numbers in the user's digits.
func value(ctx context.Context, field string, v any) string {
	switch x := v.(type) {
	case string:
		if field == "role" {
			return label(ctx, "role.", x)
		}
		return x
	case bool:
		if x {
			return i18n.T(ctx, "audit.yes")
		}
		return i18n.T(ctx, "audit.no")
	case float64:
		return i18n.Num(ctx, int(x))
	case nil:
		return "—"
	}
	return fmt.Sprint(v)
}

func keys(ms ...map[string]any) []string {
	seen := map[string]bool{}
	var ks []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				ks = append(ks, k)
			}
		}
	}
	sort.Strings(ks)
	return ks
}
