package nbhelpers

import (
	"fmt"
	"math"

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

// Default point budgets for traces: with ~12 bytes per [t,v] pair, 2000 points per trace and
// 40000 per chart keep a chart under about 0.5 MB of option JSON (NOTEBOOKS.md §3: a
// 3 × 2000-point line chart is 191 KB with go-echarts' default encoding).
const (
	DefaultMaxPointsPerTrace = 2000
	DefaultMaxPointsPerChart = 40000
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
	// SpikeTimesMS holds, per trace (same order as Values), spike times in ms to mark with a
	// triangle above the traces. Optional; nil or shorter than Values means no marks for the
	// remaining traces.
	SpikeTimesMS [][]float64
	// YName is the y axis name; default "V (mV)".
	YName string
	// MaxPointsPerTrace and MaxPointsPerChart bound the samples sent to the browser; defaults
	// DefaultMaxPointsPerTrace and DefaultMaxPointsPerChart.
	MaxPointsPerTrace, MaxPointsPerChart int
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
	if len(o.SpikeTimesMS) > len(tr.Values) {
		return nil, errf(ErrLength, "SpikeTimesMS has %d rows, Values has %d traces", len(o.SpikeTimesMS), len(tr.Values))
	}
	for i, st := range o.SpikeTimesMS {
		if err := checkFinite(fmt.Sprintf("SpikeTimesMS[%d]", i), st); err != nil {
			return nil, err
		}
	}
	if o.YName == "" {
		o.YName = "V (mV)"
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
	if nSpikes > 0 {
		s := fmt.Sprintf("%d spikes marked", nSpikes)
		if summary != "" {
			summary += "; " + s
		} else {
			summary = s
		}
	}

	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, summary, "axis", true, 0)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis("time (ms)", 0)),
		charts.WithYAxisOpts(valueYAxis(o.YName, 0, true)),
	)
	lo, hi := minMaxOf(tr.Values)
	for _, th := range o.ThresholdMV {
		lo, hi = min(lo, th), max(hi, th)
	}
	markY := hi + 0.04*math.Max(hi-lo, 1)
	for i := range tr.Values {
		s := lineSeries(tr.label(i), data[i], colorOf(i), 0, 0)
		if i == 0 && len(o.ThresholdMV) > 0 {
			s.MarkLines = thresholdLines(o.ThresholdMV)
		}
		c.MultiSeries = append(c.MultiSeries, s)
	}
	for i, st := range o.SpikeTimesMS {
		if len(st) == 0 {
			continue
		}
		ys := make([]float64, len(st))
		for k := range ys {
			ys[k] = markY
		}
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: tr.label(i) + " spikes", Type: "scatter", Data: xyData{st, ys},
			Symbol: "triangle", SymbolSize: 7, Color: colorOf(i), Animation: opts.Bool(false),
		})
	}
	return finish("membrane", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
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
	// XName and YName are the axis names; defaults "time (ms)" and "value".
	XName, YName string
	// HideLegend hides the legend (useful for hundreds of synapses).
	HideLegend bool
	// MaxPointsPerTrace and MaxPointsPerChart bound the samples sent to the browser.
	MaxPointsPerTrace, MaxPointsPerChart int
}

// TracesChart draws any set of traces on one time axis as lines (rates, currents, weights).
func TracesChart(name string, tr Traces, o TraceOptions) (*Chart, error) {
	return tracesChart("traces", "Traces", name, tr, o)
}

func tracesChart(kind, title, name string, tr Traces, o TraceOptions) (*Chart, error) {
	if err := tr.validate("Traces"); err != nil {
		return nil, err
	}
	if o.XName == "" {
		o.XName = "time (ms)"
	}
	if o.YName == "" {
		o.YName = "value"
	}
	lay := o.Layout.withDefaults(title, "420px")
	data, summary, err := decimateAll(tr, pointBudget(o.MaxPointsPerTrace, o.MaxPointsPerChart, len(tr.Values)))
	if err != nil {
		return nil, err
	}
	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, summary, "axis", !o.HideLegend, 0)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(valueXAxis(o.XName, 0)),
		charts.WithYAxisOpts(valueYAxis(o.YName, 0, true)),
	)
	for i := range tr.Values {
		c.MultiSeries = append(c.MultiSeries, lineSeries(tr.label(i), data[i], colorOf(i), 0, 0))
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
	if o.YName == "" {
		o.YName = "weight"
	}
	return tracesChart("weights", "Synaptic weight evolution", name, tr, o)
}

// DisplayWeightEvolution builds a [WeightEvolutionChart] and displays it.
func DisplayWeightEvolution(name string, tr Traces, o TraceOptions) error {
	return display(WeightEvolutionChart(name, tr, o))
}

// ---- stacked panels on a linked time axis ---------------------------------------------------

// Panel is one stacked sub-plot of [LinkedTracesChart].
type Panel struct {
	// YName is the panel's y axis name with unit, e.g. "w (pA)".
	YName string
	// Traces to draw. Every panel may have its own time axis; traces with the same label in
	// different panels share a colour and one legend entry (toggling hides them everywhere).
	Traces Traces
	// ThresholdLines draws dashed horizontal lines at these y values.
	ThresholdLines []float64
}

// LinkedOptions configures [LinkedTracesChart] and [AdaptationChart].
type LinkedOptions struct {
	Layout
	// MaxPointsPerTrace and MaxPointsPerChart bound the samples sent to the browser.
	MaxPointsPerTrace, MaxPointsPerChart int
}

// LinkedTracesChart stacks panels vertically on linked time axes: zooming (wheel, drag or the
// slider) zooms every panel, and the hover cursor and tooltip follow across panels.
func LinkedTracesChart(name string, panels []Panel, o LinkedOptions) (*Chart, error) {
	if len(panels) == 0 {
		return nil, errf(ErrEmpty, "LinkedTracesChart: no panels")
	}
	nTraces := 0
	for i, p := range panels {
		if err := p.Traces.validate(fmt.Sprintf("panels[%d].Traces", i)); err != nil {
			return nil, err
		}
		if err := checkFinite(fmt.Sprintf("panels[%d].ThresholdLines", i), p.ThresholdLines); err != nil {
			return nil, err
		}
		nTraces += len(p.Traces.Values)
	}
	lay := o.Layout.withDefaults("Linked traces", fmt.Sprintf("%dpx", 110+200*len(panels)))
	budget := pointBudget(o.MaxPointsPerTrace, o.MaxPointsPerChart, nTraces)

	const top, panelH, gap = 90, 160, 40
	c := charts.NewLine()
	kept, total := 0, 0
	var grids []opts.Grid
	var xaxes []opts.XAxis
	var yaxes []opts.YAxis
	var linkX []int
	for pi, p := range panels {
		data, _, err := decimateAll(p.Traces, budget)
		if err != nil {
			return nil, err
		}
		for ti := range data {
			kept += len(data[ti].x)
			total += len(p.Traces.TimeMS)
		}
		grids = append(grids, opts.Grid{Top: fmt.Sprint(top + pi*(panelH+gap)), Height: fmt.Sprint(panelH), Left: "80", Right: "40"})
		xname := ""
		if pi == len(panels)-1 {
			xname = "time (ms)"
		}
		xaxes = append(xaxes, valueXAxis(xname, pi))
		yaxes = append(yaxes, valueYAxis(p.YName, pi, true))
		linkX = append(linkX, pi)
		for ti := range p.Traces.Values {
			s := lineSeries(p.Traces.label(ti), data[ti], colorOf(ti), pi, pi)
			if ti == 0 && len(p.ThresholdLines) > 0 {
				s.MarkLines = thresholdLines(p.ThresholdLines)
			}
			c.MultiSeries = append(c.MultiSeries, s)
		}
	}
	summary := ""
	if kept != total {
		summary = fmt.Sprintf("min/max decimated: %d of %d samples drawn (≤ %d per trace)", kept, total, budget)
	}
	c.SetGlobalOptions(rectOpts(lay, summary, "axis", true, top)...)
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
}

// AdaptationChart shows V (if given), the adaptation current w and the adaptive threshold θ as
// stacked panels on one linked time axis. At least one of W and Theta must be given.
func AdaptationChart(name string, d AdaptationData, o LinkedOptions) (*Chart, error) {
	if d.W == nil && d.Theta == nil {
		return nil, errf(ErrEmpty, "AdaptationChart: neither W nor Theta given")
	}
	var panels []Panel
	add := func(yname string, rows [][]float64) {
		if rows != nil {
			panels = append(panels, Panel{YName: yname, Traces: Traces{TimeMS: d.TimeMS, Values: rows, Labels: d.Labels}})
		}
	}
	add("V (mV)", d.V)
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
