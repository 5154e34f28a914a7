package components

import (
	"strconv"
	"time"

	"github.com/a-h/templ"
)

// Chart names a chart drawn in SVG on the server: its id (for the title's and description's ids), its
// title and a description of what it shows in words, which a screen reader reads; the chart's numbers are
// also in a table under it.
type Chart struct {
	ID, Title, Desc string
	Caption         string // the heading of the table of the chart's numbers
}

// Bar is one bar of a bar chart: a label, its value of max, the list behind it and its tone.
type Bar struct {
	Label      string
	Value, Max int
	Href       templ.SafeURL
	Tone       Tone
}

// Segment is a part of a stacked bar.
type Segment struct {
	Key, Label string
	Value      int
	Href       templ.SafeURL
	Tone       Tone
}

// Series is one stacked part of a day's column: its label and tone.
type Series struct {
	Label string
	Tone  Tone
}

// DayValue is one day's column: a value for each series.
type DayValue struct {
	Day    time.Time
	Values []int
	Label  string // the day as the reader writes it
}

// Total is the sum of the day's values.
func (d DayValue) Total() int {
	n := 0
	for _, v := range d.Values {
		n += v
	}
	return n
}

// The charts' sizes in the SVG's own units; the style sheet scales the SVG to its box.
const (
	chartWidth  = 640
	barLabelW   = 170 // the labels' column
	barValueW   = 44  // the values' column
	barRowH     = 26
	barH        = 18
	stackH      = 36
	columnsH    = 160
	columnsFoot = 20
	columnSlots = 30 // the day columns' room: a month
	tickRoom    = 48 // half a day label's width
)

// barGeometry places a bar of value v of max in a plot width wide: its start x and its width, growing
// from the left, or from the right when rtl. A value beyond max is max; nothing of a max of 0.
func barGeometry(v, max, width int, rtl bool) (x, w int) {
	if max > 0 && v > 0 {
		w = (min(v, max)*width*2 + max) / (2 * max) // rounded half up
	}
	if rtl {
		return width - w, w
	}
	return 0, w
}

// span is a part of a stacked bar: its start and width.
type span struct{ x, w int }

// stackGeometry divides width among values in proportion, each part's edges rounded from the running
// total so that the parts add up to width exactly; from the right when rtl.
func stackGeometry(values []int, width int, rtl bool) []span {
	total := 0
	for _, v := range values {
		total += max(v, 0)
	}
	out := make([]span, len(values))
	if total == 0 {
		return out
	}
	run, prev := 0, 0
	for i, v := range values {
		run += max(v, 0)
		edge := (run*width*2 + total) / (2 * total)
		out[i] = span{prev, edge - prev}
		if rtl {
			out[i].x = width - edge
		}
		prev = edge
	}
	return out
}

// columnGeometry places column i of n in width: its start and width, the first at the left, or at the
// right when rtl; a gap of a sixth of a column's room is left between columns.
func columnGeometry(i, n, width int, rtl bool) (x, w int) {
	if n <= 0 {
		return 0, 0
	}
	room := width / n
	w = max(room-room/6, 1)
	x = i*room + (room-w)/2
	if rtl {
		x = width - (i+1)*room + (room-w)/2
	}
	return x, w
}

func itoa(n int) string { return strconv.Itoa(n) }

// barsHeight is the height of a bar chart of n bars.
func barsHeight(n int) int { return max(n, 1) * barRowH }

// barPlot is where a bar chart's bars go: its start and width, and where its labels and values are.
func barPlot(rtl bool) (plotX, plotW, labelX int, labelAnchor string, valueGap int) {
	plotW = chartWidth - barLabelW - barValueW
	if rtl {
		return barValueW, plotW, barValueW + plotW + 8, "start", -4
	}
	return barLabelW, plotW, barLabelW - 8, "end", 4
}

// barDraw is a bar as the SVG draws it.
type barDraw struct {
	Bar
	X, Y, W           int
	ValueX            int
	ValueAnchor       string
	LabelX, LabelY    int
	LabelAnchor       string
	ValueText, Remark string
}

func drawBars(bars []Bar, rtl bool, num func(int) string) []barDraw {
	plotX, plotW, labelX, anchor, gap := barPlot(rtl)
	out := make([]barDraw, len(bars))
	for i, b := range bars {
		x, w := barGeometry(b.Value, b.Max, plotW, rtl)
		d := barDraw{Bar: b, X: plotX + x, Y: i*barRowH + (barRowH-barH)/2, W: w, LabelX: labelX, LabelY: i*barRowH + barRowH/2 + 5,
			LabelAnchor: anchor, ValueText: num(b.Value)}
		if rtl {
			d.ValueX, d.ValueAnchor = plotX+x+gap, "end"
		} else {
			d.ValueX, d.ValueAnchor = plotX+x+w+gap, "start"
		}
		out[i] = d
	}
	return out
}

// rectDraw is a filled rectangle of a tone.
type rectDraw struct {
	X, Y, W, H int
	Tone       Tone
}

func drawStack(segs []Segment, rtl bool) []rectDraw {
	values := make([]int, len(segs))
	for i, s := range segs {
		values[i] = s.Value
	}
	var out []rectDraw
	for i, sp := range stackGeometry(values, chartWidth, rtl) {
		if sp.w > 0 {
			out = append(out, rectDraw{X: sp.x, Y: 0, W: sp.w, H: stackH, Tone: segs[i].Tone})
		}
	}
	return out
}

// columnDraw is a day's column: its stacked parts and its day's tick.
type columnDraw struct {
	Parts  []rectDraw
	TickX  int
	Tick   string // the day's label under every fifth column
	Anchor string
}

func drawColumns(days []DayValue, series []Series, rtl bool) []columnDraw {
	top := 0
	for _, d := range days {
		top = max(top, d.Total())
	}
	// A month's room, whatever the days: the history's first days stand at the end, where today is.
	slots := max(len(days), columnSlots)
	out := make([]columnDraw, len(days))
	for i, d := range days {
		x, w := columnGeometry(slots-len(days)+i, slots, chartWidth, rtl)
		// A day's label is centred under its column, or kept inside the chart at either end.
		c := columnDraw{TickX: x + w/2, Anchor: "middle"}
		switch {
		case c.TickX < tickRoom:
			c.TickX, c.Anchor = x, "start"
		case c.TickX > chartWidth-tickRoom:
			c.TickX, c.Anchor = x+w, "end"
		}
		if i%5 == 0 || i == len(days)-1 {
			c.Tick = d.Label
		}
		// The parts' edges are rounded from the running total, so that a column's parts add up to its total's height.
		run, prev := 0, 0
		for k, v := range d.Values {
			run += max(v, 0)
			_, edge := barGeometry(run, top, columnsH, false)
			if edge == prev {
				continue
			}
			tone := ToneBad
			if k < len(series) {
				tone = series[k].Tone
			}
			c.Parts = append(c.Parts, rectDraw{X: x, Y: columnsH - edge, W: w, H: edge - prev, Tone: tone})
			prev = edge
		}
		out[i] = c
	}
	return out
}

func viewBox(h int) string { return "0 0 " + itoa(chartWidth) + " " + itoa(h) }
