package nbhelpers

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Traces are sampled signals on one shared time axis: membrane potentials of several neurons
// or compartments, adaptation currents, thresholds, synaptic weights, rates.
type Traces struct {
	// TimeMS holds the sample times in ms, non-decreasing.
	TimeMS []float64
	// Values holds one row per trace; every row has len(TimeMS) samples.
	Values [][]float64
	// Labels names the traces (legend entries), one per row; empty means "trace 0", ...
	Labels []string
}

// Default point budgets for traces: with ~12 bytes per [t,v] pair, 8000 points per trace and
// 48000 per chart keep a chart under about 0.6 MB of option JSON. Lines are drawn with
// ECharts' LTTB sampling, which thins them to the pixels they cover, so the points sent show
// up as detail when the reader zooms in.
const (
	DefaultMaxPointsPerTrace = 8000
	DefaultMaxPointsPerChart = 48000
)

func (tr Traces) validate(field string) error {
	if err := checkAxis(field+".TimeMS", tr.TimeMS); err != nil {
		return err
	}
	if len(tr.Values) == 0 {
		return errf(ErrEmpty, "%s.Values has no traces", field)
	}
	for i, row := range tr.Values {
		if len(row) != len(tr.TimeMS) {
			return errf(ErrLength, "%s.Values[%d] has %d samples, TimeMS has %d", field, i, len(row), len(tr.TimeMS))
		}
		if err := checkFinite(fmt.Sprintf("%s.Values[%d]", field, i), row); err != nil {
			return err
		}
	}
	if len(tr.Labels) != 0 && len(tr.Labels) != len(tr.Values) {
		return errf(ErrLength, "%s.Labels has %d entries, Values has %d traces", field, len(tr.Labels), len(tr.Values))
	}
	return nil
}

func (tr Traces) label(i int) string {
	if i < len(tr.Labels) && tr.Labels[i] != "" {
		return tr.Labels[i]
	}
	return fmt.Sprintf("trace %d", i)
}

// MinMaxDecimate reduces the samples (t[i], v[i]) to at most maxPoints samples: it splits the
// index range into maxPoints/2 equal buckets and keeps, in time order, the minimum and the
// maximum sample of each bucket, so spikes and resets survive. With len(t) <= maxPoints it
// returns copies of all samples. maxPoints must be at least 2.
func MinMaxDecimate(t, v []float64, maxPoints int) (dt, dv []float64, err error) {
	if len(t) != len(v) {
		return nil, nil, errf(ErrLength, "MinMaxDecimate: len(t) = %d, len(v) = %d", len(t), len(v))
	}
	if maxPoints < 2 {
		return nil, nil, errf(ErrRange, "MinMaxDecimate: maxPoints = %d, want >= 2", maxPoints)
	}
	n := len(t)
	if n <= maxPoints {
		return append([]float64(nil), t...), append([]float64(nil), v...), nil
	}
	buckets := maxPoints / 2
	dt = make([]float64, 0, 2*buckets)
	dv = make([]float64, 0, 2*buckets)
	for k := 0; k < buckets; k++ {
		lo, hi := k*n/buckets, (k+1)*n/buckets
		imin, imax := lo, lo
		for i := lo + 1; i < hi; i++ {
			if v[i] < v[imin] {
				imin = i
			}
			if v[i] > v[imax] {
				imax = i
			}
		}
		first, second := imin, imax
		if first > second {
			first, second = second, first
		}
		dt, dv = append(dt, t[first]), append(dv, v[first])
		if second != first {
			dt, dv = append(dt, t[second]), append(dv, v[second])
		}
	}
	return dt, dv, nil
}

// pointBudget returns the per-trace point budget for nTraces traces.
func pointBudget(maxPerTrace, maxPerChart, nTraces int) int {
	if maxPerTrace <= 0 {
		maxPerTrace = DefaultMaxPointsPerTrace
	}
	if maxPerChart <= 0 {
		maxPerChart = DefaultMaxPointsPerChart
	}
	b := min(maxPerTrace, maxPerChart/max(nTraces, 1))
	return max(b, 20)
}

// decimateAll decimates every row and returns the series data plus a summary ("" when nothing
// was dropped).
func decimateAll(tr Traces, budget int) ([]xyData, string, error) {
	out := make([]xyData, len(tr.Values))
	kept, total := 0, 0
	for i, row := range tr.Values {
		t, v, err := MinMaxDecimate(tr.TimeMS, row, budget)
		if err != nil {
			return nil, "", err
		}
		out[i] = xyData{t, v}
		kept += len(t)
		total += len(row)
	}
	if kept == total {
		return out, "", nil
	}
	return out, fmt.Sprintf("min/max decimated: %d of %d samples drawn (≤ %d per trace)", kept, total, budget), nil
}

func minMaxOf(rows [][]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for _, v := range r {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}

// ---- membrane potential ---------------------------------------------------------------------

// MembraneOptions configures [MembraneChart].
type MembraneOptions struct {
	Layout
	// ThresholdMV draws one dashed horizontal line per value (e.g. the threshold θ0 and the
	// spike cut-off VPeak), in the y unit. None by default.
	ThresholdMV []float64
	// SpikeTimesMS holds, per trace (same order as Values), spike times in ms to mark. By
	// default each spike is a triangle above the traces; see SpikeStrokes. Optional; nil or
	// shorter than Values means no marks for the remaining traces.
	SpikeTimesMS [][]float64
	// SpikeStrokes draws the spikes of SpikeTimesMS as vertical strokes in the trace's colour,
	// from the trace's value at the spike time (its last sample at or before it) up to
	// SpikePeakMV, instead of triangles. Use it for recorded potentials that never show the
	// spike: a simulator that resets within the step (brain, NEST) records the reset value at
	// the end of the spike's step, so the sampled trace jumps from near threshold to reset.
	// The samples themselves are drawn unchanged.
	SpikeStrokes bool
	// SpikePeakMV is the top of the strokes, in the y unit; 0 (the default) draws them to
	// 0 mV. VPeak is the usual choice for AdEx cells.
	SpikePeakMV float64
	// YName is the y axis name; default Layout.YName, then "V (mV)". (Layout.XName renames
	// the time axis.)
	YName string
	// MaxPointsPerTrace and MaxPointsPerChart bound the samples sent to the browser; defaults
	// DefaultMaxPointsPerTrace and DefaultMaxPointsPerChart.
	MaxPointsPerTrace, MaxPointsPerChart int
}

// checkSpikeRows validates per-trace spike times against nTraces traces.
func checkSpikeRows(field string, rows [][]float64, nTraces int) error {
	if len(rows) > nTraces {
		return errf(ErrLength, "%s has %d rows, Values has %d traces", field, len(rows), nTraces)
	}
	for i, st := range rows {
		if err := checkFinite(fmt.Sprintf("%s[%d]", field, i), st); err != nil {
			return err
		}
	}
	return nil
}

// MembraneChart draws membrane potential traces of several neurons or compartments, with
// threshold lines and spike marks. Each trace is a legend entry (click to hide); its spike
// marks are a separate entry "<label> spikes".
func MembraneChart(name string, tr Traces, o MembraneOptions) (*Chart, error) {
	if err := tr.validate("Traces"); err != nil {
		return nil, err
	}
	if err := checkFinite("ThresholdMV", o.ThresholdMV); err != nil {
		return nil, err
	}
	if err := checkSpikeRows("SpikeTimesMS", o.SpikeTimesMS, len(tr.Values)); err != nil {
		return nil, err
	}
	if !isFinite(o.SpikePeakMV) {
		return nil, errf(ErrNonFinite, "SpikePeakMV = %v", o.SpikePeakMV)
	}
	lay := o.Layout.withDefaults("Membrane potential", "420px")
	data, summary, err := decimateAll(tr, pointBudget(o.MaxPointsPerTrace, o.MaxPointsPerChart, len(tr.Values)))
	if err != nil {
		return nil, err
	}
	nSpikes := 0
	for _, st := range o.SpikeTimesMS {
		nSpikes += len(st)
	}
	var notes []string
	if summary != "" {
		notes = append(notes, summary)
	}
	if nSpikes > 0 {
		s := fmt.Sprintf("%d spikes marked", nSpikes)
		if o.SpikeStrokes {
			s = fmt.Sprintf("%d spikes drawn as strokes to %.4g", nSpikes, o.SpikePeakMV)
		}
		notes = append(notes, s)
	}
	summary = strings.Join(notes, "; ")

	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true, summary), "axis", true)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis(pickName(lay.XName, "time (ms)"), 0)),
		charts.WithYAxisOpts(valueYAxis(pickName(o.YName, lay.YName, "V (mV)"), 0, true)),
	)
	lo, hi := minMaxOf(tr.Values)
	for _, th := range o.ThresholdMV {
		lo, hi = min(lo, th), max(hi, th)
	}
	markY := hi + 0.04*math.Max(hi-lo, 1)
	for i := range tr.Values {
		s := lineSeries(tr.label(i), data[i], lay.color(i), 0, 0)
		if i == 0 && len(o.ThresholdMV) > 0 {
			s.MarkLines = thresholdLines(o.ThresholdMV)
		}
		c.MultiSeries = append(c.MultiSeries, s)
	}
	for i, st := range o.SpikeTimesMS {
		if len(st) == 0 {
			continue
		}
		if o.SpikeStrokes {
			c.MultiSeries = append(c.MultiSeries, spikeStrokes(tr.label(i)+" spikes", tr.TimeMS, tr.Values[i], st, o.SpikePeakMV, lay.color(i), 0, 0))
			continue
		}
		ys := make([]float64, len(st))
		for k := range ys {
			ys[k] = markY
		}
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: tr.label(i) + " spikes", Type: "scatter", Data: xyData{st, ys},
			Symbol: "triangle", SymbolSize: 7, Color: lay.color(i), Animation: opts.Bool(false),
		})
	}
	return finish("membrane", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// SpikeStrokePoints returns, for a trace v sampled at t, the points that draw each spike at
// spikeTimesMS as a vertical stroke from the trace's value at the spike time (its last
// sample at or before it; the first sample for spikes before the trace) up to peak: three
// points per spike, (t_s, v), (t_s, peak) and (t_s, NaN), where NaN ends the stroke (charts
// draw it as a gap). [MembraneChart] uses it with SpikeStrokes; it is exported for charts
// built by hand.
func SpikeStrokePoints(t, v, spikeTimesMS []float64, peak float64) (x, y []float64, err error) {
	if len(t) != len(v) {
		return nil, nil, errf(ErrLength, "SpikeStrokePoints: len(t) = %d, len(v) = %d", len(t), len(v))
	}
	if err := checkAxis("t", t); err != nil {
		return nil, nil, err
	}
	if err := checkFinite("spikeTimesMS", spikeTimesMS); err != nil {
		return nil, nil, err
	}
	if !isFinite(peak) {
		return nil, nil, errf(ErrNonFinite, "SpikeStrokePoints: peak = %v", peak)
	}
	x, y = make([]float64, 0, 3*len(spikeTimesMS)), make([]float64, 0, 3*len(spikeTimesMS))
	for _, ts := range spikeTimesMS {
		k := max(sort.SearchFloat64s(t, math.Nextafter(ts, math.Inf(1)))-1, 0) // last t[k] <= ts
		x = append(x, ts, ts, ts)
		y = append(y, v[k], peak, math.NaN())
	}
	return x, y, nil
}

// spikeStrokes is the line series of [SpikeStrokePoints] for one validated trace.
func spikeStrokes(name string, t, v, spikeTimesMS []float64, peak float64, color string, xi, yi int) charts.SingleSeries {
	x, y, _ := SpikeStrokePoints(t, v, spikeTimesMS, peak) // inputs validated by the caller
	s := lineSeries(name, xyData{x, y}, color, xi, yi)
	s.ConnectNulls = opts.Bool(false)
	return s
}

// thresholdLines are dashed horizontal lines at the given y values, labelled with the value.
func thresholdLines(ys []float64) *opts.MarkLines {
	ml := &opts.MarkLines{MarkLineStyle: opts.MarkLineStyle{
		Symbol:    []string{"none", "none"},
		LineStyle: &opts.LineStyle{Type: "dashed", Color: "#888", Width: 1},
		Label:     &opts.Label{Show: opts.Bool(true), Position: "insideEndTop"},
	}}
	for _, y := range ys {
		ml.Data = append(ml.Data, opts.MarkLineNameYAxisItem{Name: "threshold", YAxis: y})
	}
	return ml
}

// DisplayMembrane builds a [MembraneChart] and displays it.
func DisplayMembrane(name string, tr Traces, o MembraneOptions) error {
	return display(MembraneChart(name, tr, o))
}

// ---- generic traces (weights, rates, currents) -----------------------------------------------

// TraceOptions configures [TracesChart] and [WeightEvolutionChart].
type TraceOptions struct {
	Layout
	// XName and YName are the axis names; defaults Layout.XName and Layout.YName, then
	// "time (ms)" and "value" ("weight" for WeightEvolutionChart).
	XName, YName string
	// HideLegend hides the legend (useful for hundreds of synapses).
	HideLegend bool
	// MaxPointsPerTrace and MaxPointsPerChart bound the samples sent to the browser.
	MaxPointsPerTrace, MaxPointsPerChart int
}

// TracesChart draws any set of traces on one time axis as lines (rates, currents, weights).
func TracesChart(name string, tr Traces, o TraceOptions) (*Chart, error) {
	return tracesChart("traces", "Traces", "value", name, tr, o)
}

// tracesChart draws tr as lines; defY is the y axis name when neither o.YName nor
// o.Layout.YName is set.
func tracesChart(kind, title, defY, name string, tr Traces, o TraceOptions) (*Chart, error) {
	if err := tr.validate("Traces"); err != nil {
		return nil, err
	}
	lay := o.Layout.withDefaults(title, "420px")
	data, summary, err := decimateAll(tr, pointBudget(o.MaxPointsPerTrace, o.MaxPointsPerChart, len(tr.Values)))
	if err != nil {
		return nil, err
	}
	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, lay.header(!o.HideLegend, summary), "axis", !o.HideLegend)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis(pickName(o.XName, lay.XName, "time (ms)"), 0)),
		charts.WithYAxisOpts(valueYAxis(pickName(o.YName, lay.YName, defY), 0, true)),
	)
	for i := range tr.Values {
		c.MultiSeries = append(c.MultiSeries, lineSeries(tr.label(i), data[i], lay.color(i), 0, 0))
	}
	return finish(kind, name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// DisplayTraces builds a [TracesChart] and displays it.
func DisplayTraces(name string, tr Traces, o TraceOptions) error {
	return display(TracesChart(name, tr, o))
}

// WeightEvolutionChart draws synaptic weights over time (one line per recorded synapse).
// Default y axis name "weight"; set YName to give the unit, e.g. "w (pA)".
func WeightEvolutionChart(name string, tr Traces, o TraceOptions) (*Chart, error) {
	return tracesChart("weights", "Synaptic weight evolution", "weight", name, tr, o)
}

// DisplayWeightEvolution builds a [WeightEvolutionChart] and displays it.
func DisplayWeightEvolution(name string, tr Traces, o TraceOptions) error {
	return display(WeightEvolutionChart(name, tr, o))
}

// ---- stacked panels on a linked time axis ---------------------------------------------------

// Panel is one stacked sub-plot of [LinkedTracesChart].
type Panel struct {
	// YName is the panel's y axis name with unit, e.g. "w (pA)"; default Layout.YName.
	YName string
	// Traces to draw. Every panel may have its own time axis (the chart's time axis spans
	// them all, the same in every panel). Each new trace label takes the next colour of the
	// cycle (Layout.Colors or the default), counting across panels, so single-trace panels
	// differ; traces with the same label in different panels (one neuron's V, w and θ) share
	// that colour and one legend entry (toggling hides them everywhere).
	Traces Traces
	// Colors sets the colour of each trace (same order as Traces.Values; CSS colours),
	// overriding the cycle; empty entries, or a slice shorter than Values, leave the rest to
	// the cycle. The legend shows the colour of the first trace with a label.
	Colors []string
	// ThresholdLines draws dashed horizontal lines at these y values.
	ThresholdLines []float64
	// SpikeTimesMS holds, per trace (same order as Traces.Values), spike times in ms drawn as
	// vertical strokes from the trace up to SpikePeak (see MembraneOptions.SpikeStrokes).
	// Optional; nil or shorter than Values means no strokes for the remaining traces.
	SpikeTimesMS [][]float64
	// SpikePeak is the top of the spike strokes in the panel's y unit; default 0 (0 mV).
	SpikePeak float64
}

// LinkedOptions configures [LinkedTracesChart] and [AdaptationChart].
type LinkedOptions struct {
	Layout
	// MaxPointsPerTrace and MaxPointsPerChart bound the samples sent to the browser.
	MaxPointsPerTrace, MaxPointsPerChart int
}

// Stacked panel geometry (px): default panel height, gap between panels (room for the tick
// labels of the panel above) and the margin under the last panel (tick labels, the time
// axis name and the zoom slider, which takes the chart's last 26 px).
const (
	panelHeight    = 160
	panelGap       = 40
	panelBottom    = 76
	minPanelHeight = 40
)

// colorer gives each distinct label the next colour of the layout's cycle.
type colorer struct {
	lay     Layout
	byLabel map[string]string
}

func (c *colorer) of(label string) string {
	if col, ok := c.byLabel[label]; ok {
		return col
	}
	if c.byLabel == nil {
		c.byLabel = map[string]string{}
	}
	col := c.lay.color(len(c.byLabel))
	c.byLabel[label] = col
	return col
}

// niceRange widens [lo, hi] to multiples of a 1-2-5 step giving about five intervals, as
// ECharts does for one axis, so that several axes can share one window.
func niceRange(lo, hi float64) (float64, float64) {
	if hi <= lo {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - d, hi + d
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	clean := func(x float64) float64 { // drop binary noise such as 0.30000000000000004
		v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
		return v
	}
	return clean(math.Floor(lo/step) * step), clean(math.Ceil(hi/step) * step)
}

// pxHeight parses a CSS height in px ("520px" or "520"); ok is false for other units.
func pxHeight(h string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(h), "px"), 64)
	return v, err == nil && v > 0
}

// LinkedTracesChart stacks panels vertically on linked time axes: zooming (wheel, drag or the
// slider) zooms every panel, and the hover cursor and tooltip follow across panels. Every
// panel's time axis spans the same window, the union of all panels' time axes, so one time
// is at one horizontal position in every panel. Panels are 160 px high; with a caller's
// Height in px they share that height instead.
func LinkedTracesChart(name string, panels []Panel, o LinkedOptions) (*Chart, error) {
	if len(panels) == 0 {
		return nil, errf(ErrEmpty, "LinkedTracesChart: no panels")
	}
	nTraces := 0
	tmin, tmax := math.Inf(1), math.Inf(-1)
	for i, p := range panels {
		if err := p.Traces.validate(fmt.Sprintf("panels[%d].Traces", i)); err != nil {
			return nil, err
		}
		if err := checkFinite(fmt.Sprintf("panels[%d].ThresholdLines", i), p.ThresholdLines); err != nil {
			return nil, err
		}
		if err := checkSpikeRows(fmt.Sprintf("panels[%d].SpikeTimesMS", i), p.SpikeTimesMS, len(p.Traces.Values)); err != nil {
			return nil, err
		}
		if !isFinite(p.SpikePeak) {
			return nil, errf(ErrNonFinite, "panels[%d].SpikePeak = %v", i, p.SpikePeak)
		}
		nTraces += len(p.Traces.Values)
		tmin, tmax = min(tmin, p.Traces.TimeMS[0]), max(tmax, p.Traces.TimeMS[len(p.Traces.TimeMS)-1])
	}
	budget := pointBudget(o.MaxPointsPerTrace, o.MaxPointsPerChart, nTraces)
	c := charts.NewLine()
	kept, total := 0, 0
	data := make([][]xyData, len(panels))
	for pi, p := range panels {
		d, _, err := decimateAll(p.Traces, budget)
		if err != nil {
			return nil, err
		}
		data[pi] = d
		for ti := range d {
			kept += len(d[ti].x)
			total += len(p.Traces.TimeMS)
		}
	}
	summary := ""
	if kept != total {
		summary = fmt.Sprintf("min/max decimated: %d of %d samples drawn (≤ %d per trace)", kept, total, budget)
	}

	lay := o.Layout.withDefaults("Linked traces", "")
	hd := lay.header(true, summary)
	n := len(panels)
	panelH := float64(panelHeight)
	if h, ok := pxHeight(lay.Height); ok && lay.Height != "" {
		panelH = math.Max(minPanelHeight, math.Floor((h-float64(hd.gridTop)-panelBottom-float64((n-1)*panelGap))/float64(n)))
	} else if lay.Height == "" {
		lay.Height = fmt.Sprintf("%dpx", hd.gridTop+n*panelHeight+(n-1)*panelGap+panelBottom)
	}
	xlo, xhi := niceRange(tmin, tmax)

	cols := colorer{lay: lay}
	var grids []opts.Grid
	var xaxes []opts.XAxis
	var yaxes []opts.YAxis
	var linkX []int
	for pi, p := range panels {
		top := float64(hd.gridTop) + float64(pi)*(panelH+panelGap)
		grids = append(grids, opts.Grid{Top: fmt.Sprint(top), Height: fmt.Sprint(panelH), Left: "80", Right: "40"})
		xname := ""
		if pi == n-1 {
			xname = pickName(lay.XName, "time (ms)")
		}
		xa := valueXAxis(xname, pi)
		xa.Min, xa.Max = xlo, xhi
		xaxes = append(xaxes, xa)
		yaxes = append(yaxes, valueYAxis(pickName(p.YName, lay.YName), pi, true))
		linkX = append(linkX, pi)
		color := func(ti int) string {
			if ti < len(p.Colors) && p.Colors[ti] != "" {
				return p.Colors[ti]
			}
			return cols.of(p.Traces.label(ti))
		}
		for ti := range p.Traces.Values {
			s := lineSeries(p.Traces.label(ti), data[pi][ti], color(ti), pi, pi)
			if ti == 0 && len(p.ThresholdLines) > 0 {
				s.MarkLines = thresholdLines(p.ThresholdLines)
			}
			c.MultiSeries = append(c.MultiSeries, s)
		}
		for ti, st := range p.SpikeTimesMS {
			if len(st) > 0 {
				label := p.Traces.label(ti)
				c.MultiSeries = append(c.MultiSeries, spikeStrokes(label+" spikes", p.Traces.TimeMS, p.Traces.Values[ti], st, p.SpikePeak, color(ti), pi, pi))
			}
		}
	}
	c.SetGlobalOptions(rectOpts(lay, hd, "axis", true)...)
	c.XAxisList, c.YAxisList = xaxes, yaxes
	c.GridList = grids
	c.SetGlobalOptions(
		charts.WithAxisPointerOpts(&opts.AxisPointer{Link: []opts.AxisPointerLink{{XAxisIndex: linkX}}}),
	)
	return finish("linked", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// DisplayLinkedTraces builds a [LinkedTracesChart] and displays it.
func DisplayLinkedTraces(name string, panels []Panel, o LinkedOptions) error {
	return display(LinkedTracesChart(name, panels, o))
}

// AdaptationData are the state traces of adapting neurons on one time axis. Every non-nil
// field has one row per neuron (same order as Labels) and len(TimeMS) samples per row.
type AdaptationData struct {
	TimeMS []float64
	// V is the membrane potential (mV); optional.
	V [][]float64
	// W is the adaptation current w (pA); optional.
	W [][]float64
	// Theta is the adaptive threshold θ (mV); optional.
	Theta [][]float64
	// Labels names the neurons.
	Labels []string
	// SpikeTimesMS holds each neuron's spike times (ms), drawn on V as vertical strokes up to
	// SpikePeakMV (see MembraneOptions.SpikeStrokes); optional, needs V.
	SpikeTimesMS [][]float64
	// SpikePeakMV is the top of the spike strokes; default 0 mV (VPeak for AdEx cells).
	SpikePeakMV float64
}

// AdaptationChart shows V (if given), the adaptation current w and the adaptive threshold θ as
// stacked panels on one linked time axis. At least one of W and Theta must be given.
func AdaptationChart(name string, d AdaptationData, o LinkedOptions) (*Chart, error) {
	if d.W == nil && d.Theta == nil {
		return nil, errf(ErrEmpty, "AdaptationChart: neither W nor Theta given")
	}
	if d.SpikeTimesMS != nil && d.V == nil {
		return nil, errf(ErrEmpty, "AdaptationChart: SpikeTimesMS given without V to draw them on")
	}
	var panels []Panel
	add := func(yname string, rows [][]float64) {
		if rows != nil {
			panels = append(panels, Panel{YName: yname, Traces: Traces{TimeMS: d.TimeMS, Values: rows, Labels: d.Labels}})
		}
	}
	add("V (mV)", d.V)
	if d.V != nil {
		panels[0].SpikeTimesMS, panels[0].SpikePeak = d.SpikeTimesMS, d.SpikePeakMV
	}
	add("w (pA)", d.W)
	add("θ (mV)", d.Theta)
	if o.Title == "" {
		o.Title = "Adaptation current and threshold"
	}
	c, err := LinkedTracesChart(name, panels, o)
	if c != nil {
		c.Kind = "adaptation"
	}
	return c, err
}

// DisplayAdaptation builds an [AdaptationChart] and displays it.
func DisplayAdaptation(name string, d AdaptationData, o LinkedOptions) error {
	return display(AdaptationChart(name, d, o))
}
