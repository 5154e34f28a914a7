package seed

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress reports the steps of a long load on a writer (standard error): on a terminal one bar redrawn
// in place at most ten times a second, «[#########---------] 48%  candidates 144000/300000  0:41»;
// elsewhere (a log, a pipe) one line per finished step. A nil writer reports nothing.
type progress struct {
	w        io.Writer
	tty      bool
	steps    []progressStep
	i        int // the running step
	start    time.Time
	began    time.Time // of the running step
	drawn    time.Time
	clock    func() time.Time
	finished []StepTime
}

type progressStep struct {
	name   string
	weight int // its share of the whole, for the percentage
}

// StepTime is how long a step of a load took.
type StepTime struct {
	Name    string
	Elapsed time.Duration
}

const barWidth = 30

func newProgress(w io.Writer, steps []progressStep) *progress {
	p := &progress{w: w, steps: steps, clock: time.Now, i: -1}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	p.start = p.clock()
	return p
}

// begin starts step i (an index of steps).
func (p *progress) begin(i int) {
	p.i, p.began = i, p.clock()
	p.update(0, 0)
}

// update says how far the running step is: done of total (0 of 0 when it cannot say).
func (p *progress) update(done, total int) {
	if p.w == nil || !p.tty || p.i < 0 {
		return
	}
	now := p.clock()
	if done != 0 && done != total && now.Sub(p.drawn) < 100*time.Millisecond {
		return
	}
	counter := ""
	if total > 0 {
		counter = fmt.Sprintf(" %d/%d", done, total)
	}
	p.draw(now, float64(done)/float64(max(total, 1)), counter)
}

// draw redraws the bar with the running step this far (0 to 1) and its counter.
func (p *progress) draw(now time.Time, step float64, counter string) {
	p.drawn = now
	before, all := 0, 0
	for j, s := range p.steps {
		if j < p.i {
			before += s.weight
		}
		all += s.weight
	}
	frac := (float64(before) + float64(p.steps[p.i].weight)*step) / float64(max(all, 1))
	filled := int(frac * barWidth)
	line := fmt.Sprintf("[%s%s] %3d%%  %s%s", strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled), int(frac*100),
		p.steps[p.i].name, counter)
	fmt.Fprintf(p.w, "\r%-78s %s", line, clockTime(now.Sub(p.start)))
}

// done ends the running step, which made n rows.
func (p *progress) done(n int) {
	if p.i < 0 {
		return
	}
	s := p.steps[p.i]
	took := p.clock().Sub(p.began)
	p.finished = append(p.finished, StepTime{Name: s.name, Elapsed: took})
	if p.w == nil {
		return
	}
	if p.tty {
		p.draw(p.clock(), 1, "")
		if p.i == len(p.steps)-1 {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintf(p.w, "%s: %d rows in %s\n", s.name, n, took.Round(time.Millisecond))
}

// clockTime writes a duration as minutes and seconds, 0:41.
func clockTime(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
