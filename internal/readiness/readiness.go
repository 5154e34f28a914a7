// Package readiness owns the readiness score of a place or a group of places: how far its boards, its
// milestones, its tasks, its readiness checks, its training and its acknowledgement of circulars have come,
// as one number from 0 to 100, less points for open incidents of high and critical severity, and the band
// the number falls in. It is integer arithmetic on counts alone, so a page can write the formula from
// Weights and Penalties and the score cannot drift from what the page says.
package readiness

// Severity is an incident's severity, the index of Inputs.OpenIncidents.
type Severity int

// The severities, lowest first.
const (
	Low Severity = iota
	Medium
	High
	Critical
)

// Inputs are the counts of a place or of a group of places.
type Inputs struct {
	Boards, BoardsSubmitted, BoardsApproved int // every board; those submitted (awaiting review); those approved
	MilestonesDue, MilestonesOverdue        int // milestones whose window has closed; of them, not marked done
	TasksDue, TasksOverdue                  int // task copies due before today; of them, not done
	Receipts, Unacked                       int // circulars received; of them, not acknowledged
	ChecksExpected, ChecksMissed            int // check filings due before today; of them, not filed
	Places, PlacesTrained                   int // places; of them, those that attended a training session
	OpenIncidents                           [4]int
}

// Weight is how many points of a hundred a part weighs.
type Weight struct {
	Key    string
	Points int
}

// Weights are the parts of the score; they add up to 100.
var Weights = []Weight{{"boards", 25}, {"milestones", 20}, {"tasks", 15}, {"checks", 15}, {"training", 15}, {"guidance", 10}}

// Penalty is what each open incident of a severity takes off the score, up to a cap.
type Penalty struct {
	Severity   Severity
	Each, Upto int
}

// Penalties are taken off after the parts are weighed.
var Penalties = []Penalty{{Critical, 20, 40}, {High, 5, 15}}

// Part is one part of a score: Good of Of, in thousandths; Of == 0 means the part has nothing to measure
// and is left out, its weight shared among the others.
type Part struct {
	Key      string
	Weight   int
	Good, Of int
	PerMille int
}

// Band is what a score says of a place.
type Band int

// The bands, best first.
const (
	Ready     Band = iota // 80 or more, no open critical incident
	Lagging               // 50 to 79
	Behind                // under 50
	Attention             // an open critical incident, whatever the score
)

// Key names the band in message keys and style classes.
func (b Band) Key() string {
	switch b {
	case Ready:
		return "ready"
	case Lagging:
		return "lagging"
	case Behind:
		return "behind"
	}
	return "attention"
}

// The band edges.
const (
	ReadyFrom   = 80
	LaggingFrom = 50
)

// Result is a score with its parts.
type Result struct {
	Score    int
	Parts    []Part
	Penalty  int
	Band     Band
	Measured bool // some part had something to measure
}

// Score weighs the parts of in: each part's share done in thousandths, rounded half up; the weighted mean
// of the parts that have something to measure; rounded half up to a hundred; less the penalties; clamped
// to 0..100.
func Score(in Inputs) Result {
	var r Result
	sum, weights := 0, 0
	for _, w := range Weights {
		good, of := in.part(w.Key)
		p := Part{Key: w.Key, Weight: w.Points, Good: good, Of: of}
		if of > 0 {
			p.Good = clamp(good, 0, of)
			p.PerMille = clamp((1000*p.Good+of/2)/of, 0, 1000)
			sum += w.Points * p.PerMille
			weights += w.Points
		}
		r.Parts = append(r.Parts, p)
	}
	base := 1000
	if weights > 0 {
		base = (sum + weights/2) / weights
		r.Measured = true
	}
	for _, p := range Penalties {
		r.Penalty += min(max(in.OpenIncidents[p.Severity], 0)*p.Each, p.Upto)
	}
	r.Score = clamp((base+5)/10-r.Penalty, 0, 100)
	switch {
	case in.OpenIncidents[Critical] > 0:
		r.Band = Attention
	case r.Score >= ReadyFrom:
		r.Band = Ready
	case r.Score >= LaggingFrom:
		r.Band = Lagging
	default:
		r.Band = Behind
	}
	return r
}

// part is a part's good and of.
func (in Inputs) part(key string) (good, of int) {
	switch key {
	case "boards":
		return 2*in.BoardsApproved + in.BoardsSubmitted, 2 * in.Boards
	case "milestones":
		return in.MilestonesDue - in.MilestonesOverdue, in.MilestonesDue
	case "tasks":
		return in.TasksDue - in.TasksOverdue, in.TasksDue
	case "checks":
		return in.ChecksExpected - in.ChecksMissed, in.ChecksExpected
	case "training":
		return in.PlacesTrained, in.Places
	case "guidance":
		return in.Receipts - in.Unacked, in.Receipts
	}
	return 0, 0
}

// Points is what the part adds to the score out of its weight, in tenths of a point, as the weights are
// re-shared among the parts measured (measured is their weight).
func (p Part) Points(measured int) int {
	if p.Of == 0 || measured == 0 {
		return 0
	}
	return (p.Weight*p.PerMille*100/measured + 50) / 100
}

// MeasuredWeight is the weight of the parts that had something to measure.
func (r Result) MeasuredWeight() int {
	n := 0
	for _, p := range r.Parts {
		if p.Of > 0 {
			n += p.Weight
		}
	}
	return n
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
