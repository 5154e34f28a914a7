package audit

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/setad/setad/internal/auth"
	"github.com/setad/setad/internal/i18n"
	"github.com/setad/setad/internal/store"
	"github.com/setad/setad/web/boards"
	"github.com/setad/setad/web/components"
)

// fields are the fields the log's details hold, each with the catalogue key of its label, in the order a
// row shows them. Every field of every audited record is here: a detail is for people to read.
var fields = []struct{ name, label string }{
	{"full_name", "field.full_name"},
	{"father_name", "field.father_name"},
	{"national_id", "field.national_id"},
	{"username", "field.username"},
	{"role", "field.role"},
	{"office", "field.office"},
	{"gender", "field.gender"},
	{"birth_date", "field.birth_date"},
	{"education", "field.education"},
	{"constituency", "field.constituency"},
	{"city", "field.city"},
	{"name_fa", "field.name_fa"},
	{"name_en", "field.name_en"},
	{"occupation", "field.occupation"},
	{"military_service", "field.military_service"},
	{"veteran", "field.veteran"},
	{"listed_post", "field.listed_post"},
	{"certificate_date", "field.certificate_date"},
	{"resignation_date", "field.resignation_date"},
	{"tracking_id", "field.tracking_id"},
	{"phone", "field.phone"},
	{"notes", "field.notes"},
	{"overrides", "candidates.overrides"},
	{"province", "field.province"},
	{"county", "field.county"},
	{"district", "field.district"},
	{"committee", "field.committee"},
	{"lang", "field.lang"},
	{"disabled", "field.disabled"},
	{"status", "field.status"},
	{"submission", "field.submission"},
	{"members", "field.members"},
	{"note", "field.note"},
	{"reason", "field.reason"},
	{"pool_approved_on", "field.pool_approved_on"},
	{"pool_reference", "field.pool_reference"},
	{"title_fa", "field.title_fa"},
	{"title_en", "field.title_en"},
	{"code", "field.code"},
	{"kind", "field.kind"},
	{"parent_kind", "field.parent_kind"},
	{"election_day", "field.election_day"},
	{"current", "field.current"},
	{"election", "audit.field.election"},
	{"ex_officio", "field.ex_officio"},
	{"trusted_main", "field.trusted_main"},
	{"alternates", "field.alternates"},
	{"pool_size", "field.pool_size"},
	{"quorum", "field.quorum"},
	{"formed_within_days", "field.formed_within_days"},
	{"min_age", "crules.min_age"},
	{"age_on_election_day", "crules.age_on_election_day"},
	{"village_small_households", "crules.village_small_households"},
	{"city_small_population", "crules.city_small_population"},
	{"certificate_max_months", "crules.certificate_max_months"},
	{"resignation_min_months", "crules.resignation_min_months"},
	{"objection_days", "crules.objection_days"},
	{"constituency_change_until_days", "crules.constituency_change_until_days"},
	{"max_constituency_changes", "crules.max_constituency_changes"},
	{"uncertain", "field.uncertain"},
	{"description_fa", "field.description_fa"},
	{"description_en", "field.description_en"},
	{"legal_ref", "field.legal_ref"},
	{"level", "field.level"},
	{"constituency_kind", "field.constituency_kind"},
	{"start_offset", "field.start_offset"},
	{"end_offset", "field.end_offset"},
	{"legal", "field.legal"},
	{"gate", "field.gate"},
	{"position", "field.position"},
	{"done", "field.done"},
	{"replaced", "audit.field.replaced"},
	{"population", "counties.population"},
	{"retired", "field.retired"},
	{"added", "audit.field.added"},
	{"updated", "audit.field.updated"},
	{"moved", "audit.field.moved"},
	{"file", "field.file"},
	{"sha256", "audit.field.sha256"},
	{"ready", "audit.field.ready"},
	{"rejected", "audit.field.rejected"},
	{"imported", "audit.field.imported"},
	{"national_ids", "audit.field.national_ids"},
	{"rows", "audit.field.rows"},
	{"rows_changed", "field.rows_changed"},
	{"incomplete", "audit.field.incomplete"},
	{"failures", "field.failures"},
	{"minutes", "field.minutes"},
	{"notice", "field.notice"},
	{"title", "guidance.field_title"},
	{"body", "guidance.field_body"},
	{"audience", "audience.legend"},
	{"include_districts", "audience.districts"},
	{"revision", "guidance.audit_revision"},
	{"places", "guidance.audit_places"},
	{"acked", "guidance.acked"},
	{"opened", "guidance.opened_col"},
	{"attachments", "guidance.attachments"},
	{"n", "guidance.audit_n"},
	{"name", "guidance.audit_file"},
	{"size", "guidance.audit_size"},
	{"question", "questions.audit.question"},
	{"answer", "questions.audit.answer"},
	{"accepted_answer", "questions.audit.accepted"},
	{"faq_answer", "questions.audit.faq_answer"},
	{"title", "field.title"},
	{"date", "field.date"},
	{"time", "field.time"},
	{"place", "field.place"},
	{"audience", "field.audience"},
	{"include_districts", "field.include_districts"},
	{"invitees", "field.invitees"},
	{"attended", "field.attended"},
	{"attendees", "field.attendees"},
	{"attendee_names", "field.attendee_names"},
	{"body", "field.body"},
	{"due_date", "field.due_date"},
	{"places", "field.places"},
	{"cadence", "field.cadence"},
	{"starts_on", "field.starts_on"},
	{"ends_on", "field.ends_on"},
	{"items", "field.items"},
	{"day", "field.day"},
	{"yes", "field.yes"},
	{"no", "field.no"},
	{"system", "incidents.field.system"},
	{"severity", "incidents.field.severity"},
	{"since", "incidents.field.since"},
	{"resolution", "incidents.field.resolution"},
}

// fieldRank is each field's place in fields.
var fieldRank = func() map[string]int {
	m := make(map[string]int, len(fields))
	for i, f := range fields {
		m[f.name] = i
	}
	return m
}()

// codeLabels are the fields whose values are codes, with the catalogue prefix of their labels.
var codeLabels = map[string]string{
	"office": "office.", "gender": "gender.", "education": "education.", "military_service": "service.",
	"kind": "kind.", "parent_kind": "kind.", "lang": "language.",
	"level": "milestone.level.", "constituency_kind": "milestone.constituency_kind.", "gate": "milestone.gate.",
	"notice": "notices.kind.", "audience": "audience.", "cadence": "readiness.cadence.", "severity": "incidents.severity.",
}

// digitFields are the numbers written as text (national IDs, phones, references), shown in the reader's
// digits as the rest of the portal shows them.
var digitFields = map[string]bool{"national_id": true, "national_ids": true, "phone": true, "tracking_id": true,
	"pool_reference": true, "time": true}

// view writes the rows of one page for their reader: the names come from the store, in the reader's scope.
type view struct {
	ctx   context.Context
	lang  i18n.Lang // the reader's, looked up once
	names store.AuditNames
}

// Refs are what the rows mention, for the store to name.
func Refs(rows []store.AuditRow) store.AuditRefs {
	var r store.AuditRefs
	addID := func(list *[]int64, s string) {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && !slices.Contains(*list, id) {
			*list = append(*list, id)
		}
	}
	add := func(list *[]string, v any) {
		if s, ok := v.(string); ok && s != "" && !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for _, row := range rows {
		if row.ActorID != 0 {
			addID(&r.Users, strconv.FormatInt(row.ActorID, 10))
		}
		switch row.Entity {
		case "board":
			addID(&r.Boards, row.EntityID)
		case "candidate":
			addID(&r.Candidates, row.EntityID)
		case "user":
			addID(&r.Users, row.EntityID)
		case "milestone":
			addID(&r.Milestones, row.EntityID)
		case "task":
			addID(&r.Tasks, row.EntityID)
		case "election":
			addID(&r.Elections, row.EntityID)
		case "county":
			add(&r.Counties, row.EntityID)
		case "city":
			addID(&r.CityIDs, row.EntityID)
		case "province":
			add(&r.Provinces, row.EntityID)
		case "committee":
			add(&r.Committees, row.EntityID)
		}
		d := row.Detail
		for _, m := range []map[string]any{d.Before, d.After, d.Facts} {
			for k, v := range m {
				switch {
				case k == "constituency": // a city, or a district's villages (a county's code, before the cities)
					add(&r.Cities, v)
					add(&r.Counties, v)
					add(&r.Districts, v)
				case k == "city":
					add(&r.Cities, v)
				case k == "county":
					add(&r.Counties, v)
					if list, ok := v.([]any); ok { // a session's audience
						for _, c := range list {
							add(&r.Counties, c)
						}
					}
				case k == "district":
					add(&r.Districts, v)
					if list, ok := v.([]any); ok { // the districts an incident affects
						for _, d := range list {
							add(&r.Districts, d)
						}
					}
				case k == "province":
					add(&r.Provinces, v)
				case k == "committee":
					add(&r.Committees, v)
				case k == "election":
					add(&r.ElectionCodes, v)
				case row.Action == "county.sizes" && k != "population":
					// a city's population, or the households of a district's villages, by its code
					add(&r.Cities, k)
					add(&r.Districts, k)
				}
			}
		}
	}
	return r
}

// line is a row of the list as the page writes it.
type line struct {
	number, at, action, remote components.Text
	datetime                   string // the time's machine-readable form
	actor, subject             name
	changes                    []components.Change
}

func (v view) line(r store.AuditRow) line {
	return line{number: components.Text(v.lang.Num(int(r.ID))), at: components.Text(v.lang.DateTime(r.At)),
		action: components.Text(label(v.lang, "action.", r.Action)), remote: components.Text(label(v.lang, "audit.by.", r.Remote)),
		datetime: r.At.Format("2006-01-02T15:04:05Z07:00"), actor: v.actor(r), subject: v.subject(r), changes: v.changes(r)}
}

// changes are a row's detail as labelled fields: for a change, each field that changed, before and after,
// and what was recorded with it (a reason, a submission's number); for a record created or removed, and
// for an event, its fields. A field without a value in a record created or removed is left out.
func (v view) changes(r store.AuditRow) []components.Change {
	d := r.Detail
	cs := make([]components.Change, 0, max(len(d.Facts), len(d.Before), len(d.After)))
	one := func(k string, x any, removed bool) {
		if x == nil || x == "" {
			return
		}
		if removed {
			cs = append(cs, components.Removed(v.fieldLabel(r, k), v.value(r, k, x)))
		} else {
			cs = append(cs, components.Set(v.fieldLabel(r, k), v.value(r, k, x)))
		}
	}
	if !d.Change {
		for _, k := range v.order(r, d.Facts) {
			one(k, d.Facts[k], false)
		}
		return cs
	}
	for _, k := range v.order(r, d.Before, d.After) {
		b, inB := d.Before[k]
		a, inA := d.After[k]
		switch {
		case inB && inA:
			if before, after := v.value(r, k, b), v.value(r, k, a); before != after {
				cs = append(cs, components.Changed(v.fieldLabel(r, k), before, after))
			}
		case inA:
			one(k, a, false)
		default:
			one(k, b, d.After == nil)
		}
	}
	return cs
}

// order is the fields of ms that a row shows, in the order of fields; one that fields lacks comes last.
func (v view) order(r store.AuditRow, ms ...map[string]any) []string {
	type ranked struct {
		rank int
		name string
	}
	n := 0
	for _, m := range ms {
		n += len(m)
	}
	ks := make([]ranked, 0, n)
	for i, m := range ms {
	keys:
		for k := range m {
			if hidden(r, k) {
				continue
			}
			for _, earlier := range ms[:i] {
				if _, ok := earlier[k]; ok {
					continue keys
				}
			}
			rank, ok := fieldRank[k]
			if !ok {
				rank = len(fields)
			}
			ks = append(ks, ranked{rank, k})
		}
	}
	slices.SortFunc(ks, func(a, b ranked) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.name, b.name)
	})
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.name
	}
	return names
}

// hidden are the fields kept for the machine: a record's version, and the note with which the synthetic
// load marks its row (its action's label says the same in the reader's language).
func hidden(r store.AuditRow, field string) bool {
	return field == "version" || r.Action == "candidate.synthetic" && field == "note"
}

// fieldLabel is a field's label; a sizes row names its cities' populations by the city and its districts'
// households by the district.
func (v view) fieldLabel(r store.AuditRow, field string) string {
	if i, ok := fieldRank[field]; ok {
		return i18n.Message(v.lang, fields[i].label)
	}
	if c, ok := v.names.Cities[field]; ok && r.Action == "county.sizes" {
		return i18n.Message(v.lang, "counties.population_of", i18n.ArgName("city", c.Fa, c.En))
	}
	if d, ok := v.names.Districts[field]; ok && r.Action == "county.sizes" {
		return i18n.Message(v.lang, "counties.households", i18n.ArgName("district", d.Fa, d.En))
	}
	return field // a field without a label shows itself, as an unknown catalogue key does
}

// value writes a field's value for the reader: a code as its label, a place by its name, a day in the
// reader's calendar, numbers and digits in the reader's script.
func (v view) value(r store.AuditRow, field string, x any) string {
	switch x := x.(type) {
	case map[string]any: // an election system's names
		if field == "system" {
			fa, _ := x["fa"].(string)
			en, _ := x["en"].(string)
			return v.lang.Pick(fa, en)
		}
	case string: // when an incident began
		if field == "since" {
			if t, err := time.Parse(time.RFC3339, x); err == nil {
				return v.lang.DateTime(t)
			}
		}
	}
	if x == nil {
		if field == "population" || r.Action == "county.sizes" {
			return i18n.Message(v.lang, "counties.unknown")
		}
		return "—"
	}
	if s, ok := x.(string); ok {
		if s == "" {
			return "—"
		}
		if prefix, ok := codeLabels[field]; ok {
			return i18n.Message(v.lang, prefix+s)
		}
		switch field {
		case "role":
			if strings.HasPrefix(r.Action, "board_") {
				return i18n.Message(v.lang, "board_role."+s) // a member's seat
			}
			return i18n.Message(v.lang, "role."+s)
		case "status":
			if strings.HasPrefix(r.Action, "board.") {
				return i18n.Message(v.lang, "board_status."+s)
			}
			if strings.HasPrefix(r.Action, "guidance.") {
				return i18n.Message(v.lang, "guidance.status."+s)
			}
			if strings.HasPrefix(r.Action, "task.") {
				return i18n.Message(v.lang, "tstatus."+s)
			}
			if strings.HasPrefix(r.Action, "incident.") {
				return i18n.Message(v.lang, "incidents.status."+s)
			}
			return i18n.Message(v.lang, "cstatus."+s)
		case "constituency":
			if d, ok := v.names.Districts[s]; ok {
				return i18n.Message(v.lang, "candidates.constituency_village", i18n.ArgName("district", d.Fa, d.En), i18n.ArgName("county", d.CountyFa, d.CountyEn))
			}
			if c, ok := v.names.Cities[s]; ok {
				return i18n.Message(v.lang, "candidates.constituency_city", i18n.ArgName("city", c.Fa, c.En))
			}
			if c, ok := v.names.Counties[s]; ok {
				return i18n.Message(v.lang, "candidates.constituency_city", i18n.ArgName("city", c.Fa, c.En))
			}
		case "city":
			if c, ok := v.names.Cities[s]; ok {
				return i18n.Message(v.lang, "counties.city_title", i18n.ArgName("city", c.Fa, c.En), i18n.ArgName("county", c.CountyFa, c.CountyEn))
			}
		case "county":
			if c, ok := v.names.Counties[s]; ok {
				return v.lang.Pick(c.Fa, c.En)
			}
		case "district":
			if d, ok := v.names.Districts[s]; ok {
				return i18n.Message(v.lang, "audit.district", i18n.ArgName("district", d.Fa, d.En), i18n.ArgName("county", d.CountyFa, d.CountyEn))
			}
		case "province":
			if p, ok := v.names.Provinces[s]; ok {
				return v.lang.Pick(p.Fa, p.En)
			}
		case "committee":
			if k, ok := v.names.Committees[s]; ok {
				return v.lang.Pick(k.Fa, k.En)
			}
		case "election":
			if e, ok := v.names.Elections[s]; ok {
				return v.lang.Pick(e.Fa, e.En)
			}
		case "quorum":
			num, den, ok := strings.Cut(s, "/")
			n, err1 := strconv.Atoi(num)
			d, err2 := strconv.Atoi(den)
			if ok && err1 == nil && err2 == nil {
				return i18n.Message(v.lang, "audit.quorum", i18n.ArgNum("num", n), i18n.ArgNum("den", d))
			}
		}
		if isDay(s) {
			if d, err := time.Parse(time.DateOnly, s); err == nil {
				return v.lang.Day(d)
			}
		}
		if digitFields[field] {
			return v.lang.Digits(s)
		}
		return s // text as it was typed: a name, a note, an English title, a code
	}
	switch x := x.(type) {
	case bool:
		if x {
			return i18n.Message(v.lang, "audit.yes")
		}
		return i18n.Message(v.lang, "audit.no")
	case float64:
		if field == "start_offset" || field == "end_offset" {
			return offset(v.lang, int(x))
		}
		return v.lang.Num(int(x))
	case []any:
		if field == "overrides" {
			var parts []string
			for _, o := range x {
				parts = append(parts, v.override(o))
			}
			return strings.Join(parts, v.lang.Pick("؛ ", "; "))
		}
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = v.value(r, field, item)
		}
		if len(parts) == 0 {
			return "—"
		}
		return strings.Join(parts, v.lang.Pick("، ", ", "))
	case map[string]any:
		var parts []string
		for _, k := range v.order(r, x) {
			parts = append(parts, v.fieldLabel(r, k)+": "+v.value(r, k, x[k]))
		}
		return strings.Join(parts, v.lang.Pick("، ", ", "))
	}
	return "—"
}

// offset writes a milestone's offset from election day in words: "12 days before election day".
func offset(lang i18n.Lang, days int) string {
	switch {
	case days < 0:
		return i18n.Message(lang, "audit.offset_before", i18n.ArgNum("days", -days))
	case days > 0:
		return i18n.Message(lang, "audit.offset_after", i18n.ArgNum("days", days))
	}
	return i18n.Message(lang, "audit.offset_zero")
}

// isDay reports whether s has the shape of a day (2006-01-02), before it is parsed as one.
func isDay(s string) bool { return len(s) == len(time.DateOnly) && s[4] == '-' && s[7] == '-' }

// override is one of HQ's recorded judgements: what the law let it decide, and why.
func (v view) override(o any) string {
	m, _ := o.(map[string]any)
	code, _ := m["Code"].(string)
	reason, _ := m["Reason"].(string)
	return i18n.Message(v.lang, "audit.override", i18n.ArgKey("what", "override."+code), i18n.ArgText("reason", reason))
}

// name is how the page names a subject or an actor: a text, the user name of a user (kept apart, in its
// own direction, since the filter takes it), and the page to open, if any.
type name struct {
	Text  string
	Login string
	Href  templ.SafeURL
}

// subject names what a row is about, with a link to its page when it still exists and the reader may
// open it.
func (v view) subject(r store.AuditRow) name {
	ctx := v.ctx
	id, _ := strconv.ParseInt(r.EntityID, 10, 64)
	switch r.Entity {
	case "board":
		if b, ok := v.names.Boards[id]; ok {
			return name{Text: boards.Title(ctx, b), Href: templ.SafeURL("/boards/" + r.EntityID)}
		}
	case "candidate":
		if n, ok := v.names.Candidates[id]; ok {
			return name{Text: n, Href: templ.SafeURL("/candidates/" + r.EntityID)}
		}
	case "user":
		if u, ok := v.names.Users[id]; ok {
			n := name{Text: u.FullName, Login: u.Username}
			if auth.FromContext(ctx).Can(auth.ManageUsers) {
				n.Href = templ.SafeURL("/admin/users/" + r.EntityID)
			}
			return n
		}
	case "county":
		if c, ok := v.names.Counties[r.EntityID]; ok {
			n := name{Text: i18n.Message(v.lang, "counties.county", i18n.ArgName("county", c.Fa, c.En))}
			if c.InScope {
				n.Href = templ.SafeURL("/counties/" + r.EntityID)
			}
			return n
		}
	case "city":
		if c, ok := v.names.CityIDs[id]; ok {
			n := name{Text: i18n.Message(v.lang, "counties.city_title", i18n.ArgName("city", c.Fa, c.En), i18n.ArgName("county", c.CountyFa, c.CountyEn))}
			if c.InScope {
				n.Href = templ.SafeURL("/counties/" + c.CountyCode + "/cities/" + c.Code)
			}
			return n
		}
	case "province":
		if p, ok := v.names.Provinces[r.EntityID]; ok {
			return name{Text: v.lang.Pick(p.Fa, p.En)}
		}
	case "milestone":
		if m, ok := v.names.Milestones[id]; ok {
			return name{Text: v.lang.Pick(m.Fa, m.En), Href: templ.SafeURL("/timeline/template/" + r.EntityID)}
		}
	case "election":
		if e, ok := v.names.Elections[r.EntityID]; ok {
			return name{Text: v.lang.Pick(e.Fa, e.En)}
		}
	case "committee":
		if k, ok := v.names.Committees[r.EntityID]; ok {
			n := name{Text: v.lang.Pick(k.Fa, k.En)}
			if auth.FromContext(ctx).Can(auth.ManageCommittees) {
				n.Href = templ.SafeURL("/admin/committees/" + r.EntityID)
			}
			return n
		}
	case "training":
		if id > 0 {
			return name{Text: label(v.lang, "entity.", r.Entity) + " " + v.lang.Digits("#"+r.EntityID), Href: templ.SafeURL("/trainings/" + r.EntityID)}
		}
	case "readiness_check":
		if id > 0 {
			return name{Text: label(v.lang, "entity.", r.Entity) + " " + v.lang.Digits("#"+r.EntityID), Href: templ.SafeURL("/readiness/" + r.EntityID)}
		}
	case "incident":
		if id > 0 {
			return name{Text: label(v.lang, "entity.", r.Entity) + " " + v.lang.Digits("#"+r.EntityID), Href: templ.SafeURL("/incidents/" + r.EntityID)}
		}
	case "system": // its names are in the row's detail
		n := name{Text: label(v.lang, "entity.", r.Entity)}
		if auth.FromContext(ctx).Can(auth.ManageSystems) {
			n.Href = "/admin/systems"
		}
		return n
	case "task":
		if title, ok := v.names.Tasks[id]; ok {
			return name{Text: title, Href: templ.SafeURL("/tasks/" + r.EntityID)}
		}
	case "board_rules":
		if kind, level, ok := strings.Cut(r.EntityID, "/"); ok {
			return name{Text: i18n.Message(v.lang, "audit.subject.board_rules", i18n.ArgKey("kind", "kind."+kind), i18n.ArgKey("level", "boards.level."+level)),
				Href: "/boards/rules"}
		}
		return name{Text: i18n.Message(v.lang, "entity.board_rules"), Href: "/boards/rules"}
	case "candidate_rules":
		if r.EntityID != "" {
			return name{Text: i18n.Message(v.lang, "audit.subject.candidate_rules", i18n.ArgKey("kind", "kind."+r.EntityID)), Href: "/candidates/rules"}
		}
		return name{Text: i18n.Message(v.lang, "entity.candidate_rules"), Href: "/candidates/rules"}
	}
	// Removed, outside the reader's scope, or without a page of its own: its kind and number.
	s := label(v.lang, "entity.", r.Entity)
	if r.EntityID != "" {
		s += " " + v.lang.Digits("#"+r.EntityID)
	}
	return name{Text: s}
}

// actor names who acted: a user by name, the system and an unknown visitor in the reader's language.
func (v view) actor(r store.AuditRow) name {
	if u, ok := v.names.Users[r.ActorID]; ok && r.ActorID != 0 {
		return name{Text: u.FullName, Login: u.Username}
	}
	if r.Actor == "" {
		return name{Text: i18n.Message(v.lang, "audit.by.anonymous")}
	}
	if l := label(v.lang, "audit.by.", r.Actor); l != r.Actor {
		return name{Text: l}
	}
	return name{Login: r.Actor} // a user outside the reader's scope, or one the seed named
}

// label returns the catalogue's text for prefix+key, or key itself when the catalogue has none.
func label(lang i18n.Lang, prefix, key string) string {
	k := prefix + key
	if msg := i18n.Message(lang, k); msg != k {
		return msg
	}
	return key
}

func entityOptions(ctx context.Context, entities []string) []components.Option {
	var opts []components.Option
	for _, e := range entities {
		opts = append(opts, components.Option{Value: e, Label: label(i18n.From(ctx), "entity.", e)})
	}
	return opts
}

// groupKey names a group in the catalogue ("" is every row).
func groupKey(g string) string {
	if g == "" {
		return "all"
	}
	return g
}
