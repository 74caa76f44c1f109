package nbhelpers

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ---- population rate / PSTH -----------------------------------------------------------------

// PopulationRate bins the spikes of one population of n neurons into bins of binMS from
// startMS to stopMS and returns the bin centres (ms) and the population rate in Hz:
// count / (n · binMS/1000). Spikes outside [startMS, stopMS) are not counted; a last partial
// bin is divided by its true width, so Σ rate·n·width/1000 is the spike count. A window that is
// a whole number of bins up to rounding (stopMS−startMS = k·binMS within 1e-9 relative) gets
// exactly k full bins.
func PopulationRate(s Spikes, startMS, stopMS, binMS float64) (centersMS, rateHz []float64, err error) {
	n, err := s.size("spikes")
	if err != nil {
		return nil, nil, err
	}
	if n == 0 {
		return nil, nil, errf(ErrEmpty, "PopulationRate: population has no neurons (N = 0 and no spikes)")
	}
	if err := checkPositive("binMS", binMS); err != nil {
		return nil, nil, err
	}
	if !isFinite(startMS) || !isFinite(stopMS) {
		return nil, nil, errf(ErrNonFinite, "window [%v, %v)", startMS, stopMS)
	}
	if stopMS <= startMS {
		return nil, nil, errf(ErrRange, "window [%v, %v) is empty", startMS, stopMS)
	}
	nb := binCount(startMS, stopMS, binMS)
	if nb > 1e7 {
		return nil, nil, errf(ErrRange, "%d bins of %v ms, want <= 1e7", nb, binMS)
	}
	counts := make([]float64, nb)
	for _, t := range s.TimesMS {
		if t < startMS || t >= stopMS {
			continue
		}
		counts[min(int((t-startMS)/binMS), nb-1)]++
	}
	centersMS, rateHz = make([]float64, nb), make([]float64, nb)
	for b := range counts {
		lo, hi := startMS+float64(b)*binMS, startMS+float64(b+1)*binMS
		if b == nb-1 {
			hi = stopMS // the true end, partial or within rounding of a full bin
		}
		centersMS[b] = (lo + hi) / 2
		rateHz[b] = counts[b] / (float64(n) * (hi - lo) / 1000)
	}
	return centersMS, rateHz, nil
}

// binCount is the number of bins of width binMS that cover [startMS, stopMS): ⌈(stop−start)/bin⌉,
// except that a quotient within 1e-9 (relative) above an integer k is k: (0.1+0.2)/0.1 is
// 3.0000000000000004 in float64, and a fourth bin would be [0.3, 0.3), of width 0.
func binCount(startMS, stopMS, binMS float64) int {
	q := (stopMS - startMS) / binMS
	nb := int(math.Ceil(q))
	if k := math.Round(q); k >= 1 && q-k > 0 && q-k <= 1e-9*k {
		nb = int(k)
	}
	return max(nb, 1)
}

// wholeBinWindow is the default window of [PSTHChart]: whole bins of binMS from startMS (or,
// when auto, from 0, or from the bin edge at or below the earliest spike if one is negative)
// through the last spike, so every bin is full width and the last spike is counted.
func wholeBinWindow(pops []Spikes, startMS, binMS float64, autoStart bool) (lo, hi float64) {
	first, last := math.Inf(1), math.Inf(-1)
	for _, p := range pops {
		for _, t := range p.TimesMS {
			first, last = min(first, t), max(last, t)
		}
	}
	lo = startMS
	if autoStart && first < 0 {
		lo = math.Floor(first/binMS) * binMS
	}
	nb := 1
	if last >= lo {
		nb = int(math.Floor((last-lo)/binMS)) + 1
	}
	for lo+float64(nb)*binMS <= last { // rounding: the last spike must be inside [lo, hi)
		nb++
	}
	return lo, lo + float64(nb)*binMS
}

// PSTHOptions configures [PSTHChart].
type PSTHOptions struct {
	Layout
	// BinMS is the bin width in ms; default 5.
	BinMS float64
	// StartMS and StopMS bound the window [StartMS, StopMS). Pass the simulated window so that
	// silent final bins show. With StopMS = 0 and StartMS >= 0 the window is whole bins from
	// StartMS (both 0: from 0, or from the bin edge below the earliest spike if it is negative)
	// through the last spike: every bin is full width. A given window that is not a whole
	// number of bins ends in a partial bin, whose rate is divided by its true width (see
	// [PopulationRate]); the subtitle says so.
	StartMS, StopMS float64
}

// PSTHChart draws the population rate (Hz) of each population over time, from binned spike
// counts (a peri-stimulus time histogram when the spikes are aligned to a stimulus).
func PSTHChart(name string, pops []Spikes, o PSTHOptions) (*Chart, error) {
	_, total, err := validatePops(pops)
	if err != nil {
		return nil, err
	}
	if o.BinMS == 0 {
		o.BinMS = 5
	}
	if err := checkPositive("BinMS", o.BinMS); err != nil {
		return nil, err
	}
	if !isFinite(o.StartMS) || !isFinite(o.StopMS) {
		return nil, errf(ErrNonFinite, "PSTHOptions window [%v, %v)", o.StartMS, o.StopMS)
	}
	if o.StopMS == 0 && o.StartMS >= 0 {
		o.StartMS, o.StopMS = wholeBinWindow(pops, o.StartMS, o.BinMS, o.StartMS == 0)
	}
	lay := o.Layout.withDefaults("Population rate", "380px")
	tr := Traces{}
	for i, p := range pops {
		c, r, err := PopulationRate(p, o.StartMS, o.StopMS, o.BinMS)
		if err != nil {
			return nil, fmt.Errorf("pops[%d] (%s): %w", i, p.label(i), err)
		}
		tr.TimeMS = c
		tr.Values = append(tr.Values, r)
		tr.Labels = append(tr.Labels, p.label(i))
	}
	summary := fmt.Sprintf("%d spikes, %g ms bins over [%.6g, %.6g) ms", total, o.BinMS, o.StartMS, o.StopMS)
	if nb := binCount(o.StartMS, o.StopMS, o.BinMS); nb > 0 {
		if last := o.StopMS - (o.StartMS + float64(nb-1)*o.BinMS); last < o.BinMS*(1-1e-9) {
			summary += fmt.Sprintf(" (last bin %.4g ms wide)", last)
		}
	}
	data, dsum, err := decimateAll(tr, pointBudget(0, 0, len(tr.Values)))
	if err != nil {
		return nil, err
	}
	c := charts.NewLine()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true, summary, dsum), "axis", true)...)
	xa := valueXAxis(pickName(lay.XName, "time (ms)"), 0)
	xa.Min, xa.Max = o.StartMS, o.StopMS // the window, so a raster with the same window lines up
	c.SetGlobalOptions(
		charts.WithXAxisOpts(xa),
		charts.WithYAxisOpts(valueYAxis(pickName(lay.YName, "rate (Hz)"), 0, false)),
	)
	if dsum != "" {
		summary += "; " + dsum
	}
	for i := range tr.Values {
		s := lineSeries(tr.label(i), data[i], lay.color(i), 0, 0)
		s.Step = "middle"
		c.MultiSeries = append(c.MultiSeries, s)
	}
	return finish("psth", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// DisplayPSTH builds a [PSTHChart] and displays it.
func DisplayPSTH(name string, pops []Spikes, o PSTHOptions) error {
	return display(PSTHChart(name, pops, o))
}

// ---- spike counts per neuron ----------------------------------------------------------------

// CountOptions configures [SpikeCountChart].
type CountOptions struct {
	Layout
	// MaxBars bounds the bars; default 5000. With more neurons, consecutive neurons of a
	// population are grouped and each bar shows the group's mean count per neuron.
	MaxBars int
}

// SpikeCounts returns the number of spikes of each neuron of the population.
func SpikeCounts(s Spikes) ([]int, error) {
	n, err := s.size("spikes")
	if err != nil {
		return nil, err
	}
	counts := make([]int, n)
	for _, id := range s.IDs {
		counts[id]++
	}
	return counts, nil
}

// SpikeCountChart draws the spike count of every neuron as bars, populations stacked along
// the x axis (global neuron index) and coloured.
func SpikeCountChart(name string, pops []Spikes, o CountOptions) (*Chart, error) {
	sizes, total, err := validatePops(pops)
	if err != nil {
		return nil, err
	}
	if o.MaxBars <= 0 {
		o.MaxBars = 5000
	}
	nTotal := 0
	for _, n := range sizes {
		nTotal += n
	}
	group := max(1, (nTotal+o.MaxBars-1)/o.MaxBars)
	lay := o.Layout.withDefaults("Spike count per neuron", "380px")
	summary := fmt.Sprintf("%d spikes from %d neurons", total, nTotal)
	yname := "spikes"
	if group > 1 {
		summary += fmt.Sprintf("; bars are means over groups of %d neurons", group)
		yname = "spikes per neuron (group mean)"
	}
	c := charts.NewBar()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true, summary), "item", true)...)
	xa := valueXAxis(pickName(lay.XName, "neuron"), 0)
	xa.Scale = opts.Bool(false)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(xa),
		charts.WithYAxisOpts(valueYAxis(pickName(lay.YName, yname), 0, false)),
	)
	off := 0
	for p, sp := range pops {
		counts, _ := SpikeCounts(Spikes{N: sizes[p], TimesMS: sp.TimesMS, IDs: sp.IDs})
		var xs, ys []float64
		for g := 0; g < len(counts); g += group {
			hi := min(g+group, len(counts))
			sum := 0
			for _, k := range counts[g:hi] {
				sum += k
			}
			xs = append(xs, float64(off)+float64(g+hi-1)/2)
			ys = append(ys, float64(sum)/float64(hi-g))
		}
		off += sizes[p]
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: sp.label(p), Type: "bar", Data: xyData{xs, ys}, Color: lay.color(p),
			BarWidth: "90%", BarGap: "-100%", Large: opts.Bool(true), LargeThreshold: 1000,
			Animation: opts.Bool(false),
		})
	}
	return finish("counts", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// DisplaySpikeCounts builds a [SpikeCountChart] and displays it.
func DisplaySpikeCounts(name string, pops []Spikes, o CountOptions) error {
	return display(SpikeCountChart(name, pops, o))
}

// ---- histograms: ISIs, weights ----------------------------------------------------------------

// ISIs returns the inter-spike intervals (ms) of every neuron of the population, neuron by
// neuron (spike times are sorted per neuron first).
func ISIs(s Spikes) ([]float64, error) {
	n, err := s.size("spikes")
	if err != nil {
		return nil, err
	}
	per := make([][]float64, n)
	for k, id := range s.IDs {
		per[id] = append(per[id], s.TimesMS[k])
	}
	var out []float64
	for _, ts := range per {
		slices.Sort(ts)
		for i := 1; i < len(ts); i++ {
			out = append(out, ts[i]-ts[i-1])
		}
	}
	return out, nil
}

// Histogram counts values into bins equal bins over [lo, hi]: bin b covers
// [lo + b·w, lo + (b+1)·w) with w = (hi-lo)/bins, the last bin also includes hi. Values outside
// [lo, hi] are returned as outside. edges has bins+1 entries.
func Histogram(values []float64, lo, hi float64, bins int) (counts, edges []float64, outside int, err error) {
	if err := checkFinite("values", values); err != nil {
		return nil, nil, 0, err
	}
	if !isFinite(lo) || !isFinite(hi) {
		return nil, nil, 0, errf(ErrNonFinite, "range [%v, %v]", lo, hi)
	}
	if hi <= lo {
		return nil, nil, 0, errf(ErrRange, "range [%v, %v] is empty", lo, hi)
	}
	if bins < 1 || bins > 1e6 {
		return nil, nil, 0, errf(ErrRange, "bins = %d, want in [1, 1e6]", bins)
	}
	w := (hi - lo) / float64(bins)
	counts, edges = make([]float64, bins), make([]float64, bins+1)
	for b := range edges {
		edges[b] = lo + float64(b)*w
	}
	edges[bins] = hi
	for _, v := range values {
		if v < lo || v > hi {
			outside++
			continue
		}
		counts[min(int((v-lo)/w), bins-1)]++
	}
	return counts, edges, outside, nil
}

// Sample is one labelled set of values for [HistogramChart].
type Sample struct {
	Label  string
	Values []float64
}

// HistogramOptions configures [HistogramChart], [ISIChart] and [WeightHistogramChart].
type HistogramOptions struct {
	Layout
	// Bins is the number of bins; default 40.
	Bins int
	// Lo and Hi bound the bins; when both are 0 they span all values.
	Lo, Hi float64
	// XName is the x axis name (with unit); YName defaults to "count". Empty names fall back
	// to Layout.XName and Layout.YName, then to the chart's defaults ("value", "ISI (ms)",
	// "weight"; "count" or "density").
	XName, YName string
	// Density divides counts by (number of values · bin width), so samples of different size
	// compare; the y axis becomes "density".
	Density bool
}

// HistogramChart draws one bar series per sample on shared bins (overlaid, semi-transparent).
func HistogramChart(name string, samples []Sample, o HistogramOptions) (*Chart, error) {
	return histogramChart("histogram", "Histogram", "value", name, samples, o, "")
}

// histogramChart draws samples on shared bins; defX is the x axis name when neither o.XName nor
// o.Layout.XName is set.
func histogramChart(kind, title, defX, name string, samples []Sample, o HistogramOptions, extra string) (*Chart, error) {
	if len(samples) == 0 {
		return nil, errf(ErrEmpty, "%s: no samples", kind)
	}
	n := 0
	for i, s := range samples {
		if err := checkFinite(fmt.Sprintf("samples[%d] (%s).Values", i, s.Label), s.Values); err != nil {
			return nil, err
		}
		n += len(s.Values)
	}
	if n == 0 {
		return nil, errf(ErrEmpty, "%s: all %d samples are empty", kind, len(samples))
	}
	if o.Bins == 0 {
		o.Bins = 40
	}
	if o.Lo == 0 && o.Hi == 0 {
		o.Lo, o.Hi = math.Inf(1), math.Inf(-1)
		for _, s := range samples {
			for _, v := range s.Values {
				o.Lo, o.Hi = min(o.Lo, v), max(o.Hi, v)
			}
		}
		if o.Hi == o.Lo {
			o.Lo, o.Hi = o.Lo-0.5, o.Hi+0.5
		}
	}
	yname := "count"
	if o.Density {
		yname = "density"
	}
	o.XName = pickName(o.XName, o.Layout.XName, defX)
	o.YName = pickName(o.YName, o.Layout.YName, yname)
	lay := o.Layout.withDefaults(title, "380px")
	var summary []string
	var bars [][]float64
	var edges []float64
	for i, s := range samples {
		counts, e, outside, err := Histogram(s.Values, o.Lo, o.Hi, o.Bins)
		if err != nil {
			return nil, fmt.Errorf("samples[%d] (%s): %w", i, s.Label, err)
		}
		edges = e
		if o.Density && len(s.Values) > 0 {
			w := (o.Hi - o.Lo) / float64(o.Bins)
			for b := range counts {
				counts[b] /= float64(len(s.Values)) * w
			}
		}
		bars = append(bars, counts)
		line := fmt.Sprintf("%s: %d values", sampleLabel(s, i), len(s.Values))
		if outside > 0 {
			line += fmt.Sprintf(" (%d outside [%.4g, %.4g])", outside, o.Lo, o.Hi)
		}
		summary = append(summary, line)
	}
	sum := joinSummary(summary, extra)
	labels := make([]string, o.Bins)
	for b := range labels {
		labels[b] = strconv.FormatFloat((edges[b]+edges[b+1])/2, 'g', 4, 64)
	}
	c := charts.NewBar()
	c.SetXAxis(labels) // Bar.Validate copies this into the first x axis
	c.SetGlobalOptions(rectOpts(lay, lay.header(true, sum), "axis", true)...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(categoryXAxis(o.XName, labels, 0)),
		charts.WithYAxisOpts(valueYAxis(o.YName, 0, false)),
	)
	for i, s := range samples {
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: sampleLabel(s, i), Type: "bar", Data: numData(bars[i]), Color: lay.color(i),
			BarGap: "-100%", BarCategoryGap: "5%", Animation: opts.Bool(false),
			ItemStyle: &opts.ItemStyle{Opacity: opts.Float(opacityFor(len(samples)))},
		})
	}
	return finish(kind, name, lay, c, sum, map[string]any{"dataZoom": xZoom()})
}

func opacityFor(n int) float32 {
	if n <= 1 {
		return 0.9
	}
	return 0.55
}

func sampleLabel(s Sample, i int) string {
	if s.Label != "" {
		return s.Label
	}
	return fmt.Sprintf("sample %d", i)
}

func joinSummary(parts []string, extra string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "; "
		}
		s += p
	}
	if extra != "" {
		if s != "" {
			s += "; "
		}
		s += extra
	}
	return s
}

// DisplayHistogram builds a [HistogramChart] and displays it.
func DisplayHistogram(name string, samples []Sample, o HistogramOptions) error {
	return display(HistogramChart(name, samples, o))
}

// ISIChart draws the inter-spike-interval histogram of each population (default 0–200 ms in
// 2 ms bins when Lo = Hi = 0 and Bins = 0). The subtitle gives each population's ISI count,
// mean and coefficient of variation over all its ISIs.
func ISIChart(name string, pops []Spikes, o HistogramOptions) (*Chart, error) {
	if _, _, err := validatePops(pops); err != nil {
		return nil, err
	}
	if o.Lo == 0 && o.Hi == 0 {
		o.Hi = 200
		if o.Bins == 0 {
			o.Bins = 100
		}
	}
	var samples []Sample
	var stats []string
	for i, p := range pops {
		isi, err := ISIs(p)
		if err != nil {
			return nil, err
		}
		samples = append(samples, Sample{Label: p.label(i), Values: isi})
		if len(isi) > 1 {
			m, sd := meanStd(isi)
			stats = append(stats, fmt.Sprintf("%s: mean %.3g ms, CV %.2f", p.label(i), m, sd/m))
		}
	}
	return histogramChart("isi", "Inter-spike intervals", "ISI (ms)", name, samples, o, joinSummary(stats, ""))
}

// DisplayISI builds an [ISIChart] and displays it.
func DisplayISI(name string, pops []Spikes, o HistogramOptions) error {
	return display(ISIChart(name, pops, o))
}

func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)-1))
}

// WeightHistogramChart draws the weight distribution before and after learning (e.g. STDP) on
// shared bins. after may be nil.
func WeightHistogramChart(name string, before, after []float64, o HistogramOptions) (*Chart, error) {
	samples := []Sample{{Label: "before", Values: before}}
	if after != nil {
		samples = append(samples, Sample{Label: "after", Values: after})
	}
	return histogramChart("weight-hist", "Weight distribution", "weight", name, samples, o, "")
}

// DisplayWeightHistogram builds a [WeightHistogramChart] and displays it.
func DisplayWeightHistogram(name string, before, after []float64, o HistogramOptions) error {
	return display(WeightHistogramChart(name, before, after, o))
}
