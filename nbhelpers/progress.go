package nbhelpers

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// ProgressFunc is the progress callback of long runs: doneMS of totalMS simulated time.
// [Progress.Update] has this signature; [Progress.Steps] and [Progress.Fraction] adapt it to
// callbacks that count steps or report a fraction.
type ProgressFunc func(doneMS, totalMS float64)

// Progress shows the progress of a long run: inside a notebook as one inline block that is
// updated in place (gonbui.UpdateHTML with a display id; the final state stays in the saved
// notebook and the exported report), outside as a terminal progress bar. It is safe for
// concurrent use. Updates are throttled, so calling it every simulation step is cheap.
//
//	p := nbhelpers.NewProgress("network")
//	steps := p.Steps(net.DT) // func(step, totalSteps int64)
//	err := net.Run(ctx, 1000, func(pr brain.Progress) { steps(pr.Step, pr.Steps) })
//	p.Done()
//
// Callbacks of the form func(doneMS, totalMS float64) take p.Update directly.
type Progress struct {
	mu         sync.Mutex
	label      string
	start      time.Time
	last       time.Time
	lastDone   float64
	lastTotal  float64
	lastDecile int
	interval   time.Duration
	notebook   bool
	displayID  string
	w          io.Writer
	tty        bool
	done       bool
	stopped    bool
	now        func() time.Time
}

// active holds the notebook progress displays still running. When the cell is interrupted
// (GoNB sends SIGINT to the cell's program, then kills it), each of them is redrawn as
// stopped before the program exits, so the saved display does not look frozen mid-run.
var active struct {
	sync.Mutex
	set     map[*Progress]bool
	watched bool
}

func watchInterrupt(p *Progress) {
	active.Lock()
	defer active.Unlock()
	if active.set == nil {
		active.set = map[*Progress]bool{}
	}
	active.set[p] = true
	if active.watched {
		return
	}
	active.watched = true
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	go func() {
		<-ch
		StopAll()
		gonbui.Sync()
		exit(130) // 128 + SIGINT, as a shell reports it
	}()
}

// StopAll redraws every running notebook progress display as stopped ("stopped at 42 % …,
// interrupted"). The interrupt handler calls it; call it yourself before ending a cell early.
func StopAll() {
	active.Lock()
	list := make([]*Progress, 0, len(active.set))
	for p := range active.set {
		list = append(list, p)
	}
	active.set = nil
	active.Unlock()
	for _, p := range list {
		p.Stop()
	}
}

// Stop marks the run as stopped before it finished: the display turns red and says where it
// stopped. Further updates are ignored. It does nothing after Done.
func (p *Progress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done, p.stopped = true, true
	p.renderState(p.now().Sub(p.start), stateStopped)
	if p.notebook {
		gonbui.Sync()
	}
}

// NewProgress returns a progress display: inline in a GoNB notebook, else a terminal bar on
// standard error.
func NewProgress(label string) *Progress {
	if gonbui.IsNotebook {
		p := &Progress{label: label, notebook: true, displayID: "nbhelpers-progress-" + gonbui.UniqueId(),
			interval: 250 * time.Millisecond, now: time.Now, start: time.Now(), lastDecile: -1}
		watchInterrupt(p)
		return p
	}
	return NewTerminalProgress(os.Stderr, label)
}

// NewTerminalProgress returns a progress bar written to w. On a terminal the bar is redrawn
// in place with '\r' (at most every 100 ms); otherwise (a log file, CI) one line is written at
// each 10 % step.
func NewTerminalProgress(w io.Writer, label string) *Progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &Progress{label: label, w: w, tty: tty, interval: 100 * time.Millisecond,
		now: time.Now, start: time.Now(), lastDecile: -1}
}

// Update reports that doneMS of totalMS have been simulated. Invalid values (NaN, ±Inf,
// totalMS <= 0, doneMS < 0) are ignored; doneMS is clamped to totalMS. Calls after Done are
// ignored.
func (p *Progress) Update(doneMS, totalMS float64) {
	if !isFinite(doneMS) || !isFinite(totalMS) || totalMS <= 0 || doneMS < 0 {
		return
	}
	doneMS = math.Min(doneMS, totalMS)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.lastDone, p.lastTotal = doneMS, totalMS
	now := p.now()
	finished := doneMS >= totalMS
	switch {
	case p.notebook || p.tty:
		if !finished && now.Sub(p.last) < p.interval {
			return
		}
	default:
		d := int(10 * doneMS / totalMS)
		if d == p.lastDecile {
			return
		}
		p.lastDecile = d
	}
	p.last = now
	p.render(now.Sub(p.start), false)
}

// Func returns Update as a ProgressFunc.
func (p *Progress) Func() ProgressFunc { return p.Update }

// Steps adapts the display to callbacks that count integration steps of dtMS each.
func (p *Progress) Steps(dtMS float64) func(step, totalSteps int64) {
	return func(step, totalSteps int64) { p.Update(float64(step)*dtMS, float64(totalSteps)*dtMS) }
}

// Fraction adapts the display to callbacks that report a fraction in [0, 1]; the display then
// counts percent instead of ms.
func (p *Progress) Fraction() func(f float64) {
	return func(f float64) { p.Update(100*f, 100) }
}

// Done writes the final state ("done: ... in 2.3 s") and, in a notebook, waits until GoNB has
// it. Further updates are ignored.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	p.render(p.now().Sub(p.start), true)
	if p.notebook {
		active.Lock()
		delete(active.set, p)
		active.Unlock()
		gonbui.Sync()
	}
}

// Progress states: running, finished (Done) or stopped before the end (Stop, interrupt).
const (
	stateRunning = iota
	stateDone
	stateStopped
)

// render writes the current state; p.mu is held.
func (p *Progress) render(elapsed time.Duration, final bool) {
	st := stateRunning
	if final {
		st = stateDone
	}
	p.renderState(elapsed, st)
}

func (p *Progress) renderState(elapsed time.Duration, st int) {
	if p.notebook {
		gonbui.UpdateHTML(p.displayID, progressHTML(p.label, p.lastDone, p.lastTotal, elapsed, st))
		return
	}
	line := progressLine(p.label, p.lastDone, p.lastTotal, elapsed, st, 30)
	switch {
	case p.tty && st != stateRunning:
		fmt.Fprintf(p.w, "\r%s\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r%s", line)
	default:
		fmt.Fprintln(p.w, line)
	}
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// progressText is the common status text: "42% · 420 / 1000 ms · 1.2 s, ETA 1.6 s".
func progressText(doneMS, totalMS float64, elapsed time.Duration, st int) string {
	frac := 0.0
	if totalMS > 0 {
		frac = doneMS / totalMS
	}
	s := fmt.Sprintf("%3.0f%% · %.6g / %.6g ms · %s", 100*frac, doneMS, totalMS, fmtDuration(elapsed))
	switch {
	case st == stateStopped:
		s = fmt.Sprintf("stopped at %.0f%% (%.6g / %.6g ms) after %s: interrupted, the run did not finish",
			100*frac, doneMS, totalMS, fmtDuration(elapsed))
	case st == stateDone:
		s = fmt.Sprintf("done: %.6g / %.6g ms in %s", doneMS, totalMS, fmtDuration(elapsed))
		if elapsed > 0 && doneMS > 0 {
			s += fmt.Sprintf(" (%.3g ms simulated per s)", doneMS/elapsed.Seconds())
		}
	case frac > 0 && frac < 1:
		eta := time.Duration(float64(elapsed) * (1 - frac) / frac)
		s += ", ETA " + fmtDuration(eta)
	}
	return s
}

// ProgressLine renders the terminal bar, e.g.
// "network [############------------------]  40% · 400 / 1000 ms · 1.2 s, ETA 1.8 s".
func ProgressLine(label string, doneMS, totalMS float64, elapsed time.Duration, final bool, width int) string {
	st := stateRunning
	if final {
		st = stateDone
	}
	return progressLine(label, doneMS, totalMS, elapsed, st, width)
}

func progressLine(label string, doneMS, totalMS float64, elapsed time.Duration, st int, width int) string {
	frac := 0.0
	if totalMS > 0 {
		frac = math.Min(math.Max(doneMS/totalMS, 0), 1)
	}
	width = max(width, 1)
	n := int(frac*float64(width) + 0.5)
	return fmt.Sprintf("%s [%s%s] %s", label, strings.Repeat("#", n), strings.Repeat("-", width-n),
		progressText(doneMS, totalMS, elapsed, st))
}

// ProgressHTML renders the notebook progress block: label, bar and status text.
func ProgressHTML(label string, doneMS, totalMS float64, elapsed time.Duration, final bool) string {
	st := stateRunning
	if final {
		st = stateDone
	}
	return progressHTML(label, doneMS, totalMS, elapsed, st)
}

// StoppedProgressHTML renders the block of a run that stopped before the end (red bar, "stopped
// at …: interrupted").
func StoppedProgressHTML(label string, doneMS, totalMS float64, elapsed time.Duration) string {
	return progressHTML(label, doneMS, totalMS, elapsed, stateStopped)
}

func progressHTML(label string, doneMS, totalMS float64, elapsed time.Duration, st int) string {
	frac := 0.0
	if totalMS > 0 {
		frac = math.Min(math.Max(doneMS/totalMS, 0), 1)
	}
	color := "#5470c6"
	switch st {
	case stateDone:
		color = "#3ba272"
	case stateStopped:
		color = "#c23531"
	}
	return fmt.Sprintf(`<div data-nbprogress="%s" style="font:12px sans-serif;display:flex;align-items:center;gap:8px;margin:4px 0">`+
		`<span>%s</span>`+
		`<div style="width:300px;height:10px;background:#eee;border-radius:3px;overflow:hidden">`+
		`<div style="width:%.1f%%;height:100%%;background:%s"></div></div>`+
		`<span>%s</span></div>`,
		html.EscapeString(label), html.EscapeString(label), 100*frac, color,
		html.EscapeString(progressText(doneMS, totalMS, elapsed, st)))
}
