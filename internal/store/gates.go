package store

import (
	"github.com/setad/setad/internal/candidacy"
	"github.com/setad/setad/internal/eligibility"
)

// The gates of the law's milestones (migration 0022): the actions whose windows an election's timeline
// fixes. Only the law's milestones gate, one live milestone per kind and gate.
const (
	GateRegistrationCity    = "registration_city"
	GateRegistrationVillage = "registration_village"
	GateObjection           = "objection"
	GateConstituencyChange  = "constituency_change"
	GateBoardCounty         = "board_county"
	GateBoardDistrict       = "board_district"
)

// Gate returns the law's milestone of ms (an election's, as Milestones reads them) that gates gate, and
// whether there is one: an election whose timeline has none sets no window for that action.
func Gate(ms []Milestone, gate string) (Milestone, bool) {
	for _, m := range ms {
		if m.Gate == gate && m.ProvinceID == 0 && m.RetiredAt == nil {
			return m, true
		}
	}
	return Milestone{}, false
}

// RegistrationGate is the gate of the registration in a constituency of a kind (eligibility.City or
// eligibility.Village), "" for another.
func RegistrationGate(kind string) string {
	switch kind {
	case eligibility.City:
		return GateRegistrationCity
	case eligibility.Village:
		return GateRegistrationVillage
	}
	return ""
}

// BoardGate is the gate of the formation of a board of a level (county or district), "" for another.
func BoardGate(level string) string {
	switch level {
	case "county":
		return GateBoardCounty
	case "district":
		return GateBoardDistrict
	}
	return ""
}

// RegistrationWindows are the registration windows that an election's milestones ms fix, by constituency
// kind; a kind without one is not in the map.
func RegistrationWindows(ms []Milestone) map[string]eligibility.Window {
	ws := map[string]eligibility.Window{}
	for _, kind := range []string{eligibility.City, eligibility.Village} {
		if m, ok := Gate(ms, RegistrationGate(kind)); ok {
			ws[kind] = eligibility.Window{From: m.From, To: m.To}
		}
	}
	return ws
}

// LifecycleIn is the rule's lifecycle in an election whose milestones are ms: the last days of the
// objection window and of the change of constituency come from its timeline where it has them, and the
// rule's numbers count where it has not.
func (r CandidateRule) LifecycleIn(ms []Milestone) candidacy.Rules {
	l := r.Lifecycle()
	if m, ok := Gate(ms, GateObjection); ok {
		l.ObjectionLastDay = m.To
	}
	if m, ok := Gate(ms, GateConstituencyChange); ok {
		l.ChangeLastDay = m.To
	}
	return l
}
