package nbhelpers

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Spikes are the spikes of one population as parallel slices: spike k is neuron IDs[k] firing
// at TimesMS[k]. The order of spikes does not matter.
type Spikes struct {
	// Label names the population (legend entry, colour).
	Label string
	// N is the number of neurons; every id must be in [0, N). 0 means max(IDs)+1.
	N int
	// TimesMS are the spike times in ms.
	TimesMS []float64
	// IDs are the neuron indices within the population.
	IDs []int32
}

// size validates s and returns its number of neurons.
func (s Spikes) size(field string) (int, error) {
	if len(s.TimesMS) != len(s.IDs) {
		return 0, errf(ErrLength, "%s: %d spike times, %d neuron ids", field, len(s.TimesMS), len(s.IDs))
	}
	if s.N < 0 {
		return 0, errf(ErrRange, "%s.N = %d, want >= 0", field, s.N)
	}
	if err := checkFinite(field+".TimesMS", s.TimesMS); err != nil {
		return 0, err
	}
	n := s.N
	maxID := int32(-1)
	for k, id := range s.IDs {
		if id < 0 || (s.N > 0 && int(id) >= s.N) {
			return 0, errf(ErrRange, "%s.IDs[%d] = %d, want in [0, %d)", field, k, id, s.N)
		}
		maxID = max(maxID, id)
	}
	if n == 0 {
		n = int(maxID) + 1
	}
	return n, nil
}

func (s Spikes) label(i int) string {
	if s.Label != "" {
		return s.Label
	}
	return fmt.Sprintf("population %d", i)
}

// validatePops validates every population and returns their sizes and the total spike count.
func validatePops(pops []Spikes) (sizes []int, total int, err error) {
	if len(pops) == 0 {
		return nil, 0, errf(ErrEmpty, "no populations")
	}
	sizes = make([]int, len(pops))
	for i, p := range pops {
		if sizes[i], err = p.size(fmt.Sprintf("pops[%d] (%s)", i, p.label(i))); err != nil {
			return nil, 0, err
		}
		total += len(p.TimesMS)
	}
	if total == 0 {
		return nil, 0, errf(ErrEmpty, "no spikes in %d populations", len(pops))
	}
	return sizes, total, nil
}

// DefaultMaxMarks is the default number of raster marks sent to the browser: about 12 bytes
// each, so at most ~0.6 MB of option JSON per raster.
const DefaultMaxMarks = 50000

// RasterThinning is the result of [ThinRaster]: the marks to draw and exact counts of what
// they stand for.
type RasterThinning struct {
	// Spikes is the exact number of spikes in the input; Neurons the total number of neurons.
	Spikes, Neurons int
	// Marks is the number of marks to draw (<= the budget).
	Marks int
	// Stride: the spikes of every Stride-th neuron of each population (ids 0, Stride,
	// 2·Stride, ...) are drawn; 1 means all neurons.
	Stride int
	// NeuronsShown is the number of neurons whose spikes are drawn; SpikesShown the number of
	// their spikes (all of them, even when TimeBinMS merges some into one mark).
	NeuronsShown, SpikesShown int
	// TimeBinMS is 0 when marks are at exact spike times. When even one neuron per population
	// has more spikes than the budget, the spikes of a neuron within one bin of this width
	// share one mark at the bin centre.
	TimeBinMS float64
	// Offsets[p] is the row of neuron 0 of population p (populations are stacked in order).
	Offsets []int
	// T and Row hold, per population, the marks' times (ms) and rows (Offsets[p] + id).
	T, Row [][]float64
}

// Summary states the exact counts in words, e.g. "1000000 spikes from 10000 neurons; drawn:
// all 9874 spikes of 100 neurons (every 100th neuron of each population)".
func (r RasterThinning) Summary() string {
	s := fmt.Sprintf("%d spikes from %d neurons (exact)", r.Spikes, r.Neurons)
	switch {
	case r.Stride == 1 && r.TimeBinMS == 0:
		return s + "; all drawn"
	case r.TimeBinMS == 0:
		return s + fmt.Sprintf("; drawn: all %d spikes of %d neurons (every %s neuron of each population)",
			r.SpikesShown, r.NeuronsShown, ordinal(r.Stride))
	}
	return s + fmt.Sprintf("; drawn: %d spikes of %d neurons (every %s neuron) as %d marks in %.3g ms bins",
		r.SpikesShown, r.NeuronsShown, ordinal(r.Stride), r.Marks, r.TimeBinMS)
}

func ordinal(n int) string {
	switch {
	case n == 1:
		return ""
	case n%100 >= 11 && n%100 <= 13:
		return fmt.Sprintf("%dth", n)
	case n%10 == 1:
		return fmt.Sprintf("%dst", n)
	case n%10 == 2:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3:
		return fmt.Sprintf("%drd", n)
	}
	return fmt.Sprintf("%dth", n)
}

// ThinRaster chooses which spikes of a large raster to draw so that at most maxMarks marks
// reach the browser (maxMarks <= 0: DefaultMaxMarks). Small rasters are drawn whole. Larger
// ones keep every spike of every k-th neuron of each population, with the smallest stride k
// that fits: individual spike trains stay exact and the populations keep their proportions.
// Only if one neuron per population still has too many spikes are that neuron's spikes merged
// per time bin. The result states exact counts.
func ThinRaster(pops []Spikes, maxMarks int) (RasterThinning, error) {
	sizes, total, err := validatePops(pops)
	if err != nil {
		return RasterThinning{}, err
	}
	if maxMarks <= 0 {
		maxMarks = DefaultMaxMarks
	}
	r := RasterThinning{Spikes: total, Stride: 1, Offsets: make([]int, len(pops))}
	counts := make([][]int, len(pops))
	maxN := 0
	tmin, tmax := math.Inf(1), math.Inf(-1)
	for p, sp := range pops {
		r.Offsets[p] = r.Neurons
		r.Neurons += sizes[p]
		maxN = max(maxN, sizes[p])
		counts[p] = make([]int, sizes[p])
		for k, id := range sp.IDs {
			counts[p][id]++
			tmin, tmax = min(tmin, sp.TimesMS[k]), max(tmax, sp.TimesMS[k])
		}
	}
	shown := func(stride int) (spikes, neurons int) {
		for p := range pops {
			for id := 0; id < sizes[p]; id += stride {
				spikes += counts[p][id]
				neurons++
			}
		}
		return spikes, neurons
	}
	if total > maxMarks {
		// Walk up from 2 to the first stride that fits (the smallest one, even when spikes are
		// unevenly spread over ids); each try costs O(neurons/k).
		k := 2
		for ; k < maxN; k++ {
			if s, _ := shown(k); s <= maxMarks {
				break
			}
		}
		r.Stride = min(k, max(maxN, 1))
	}
	r.SpikesShown, r.NeuronsShown = shown(r.Stride)
	if r.SpikesShown > maxMarks {
		// Even one neuron per population is too much: merge spikes per (neuron, time bin),
		// doubling the bin until the marks fit.
		w := max((tmax-tmin)/float64(maxMarks), 1e-3)
		for {
			if m := binnedMarks(pops, r.Stride, tmin, w); m <= maxMarks {
				break
			}
			w *= 2
		}
		r.TimeBinMS = w
	}
	r.T, r.Row = make([][]float64, len(pops)), make([][]float64, len(pops))
	for p, sp := range pops {
		var seen map[[2]int64]bool
		if r.TimeBinMS > 0 {
			seen = make(map[[2]int64]bool)
		}
		for k, id := range sp.IDs {
			if int(id)%r.Stride != 0 {
				continue
			}
			t := sp.TimesMS[k]
			if r.TimeBinMS > 0 {
				b := int64(math.Floor((t - tmin) / r.TimeBinMS))
				if seen[[2]int64{int64(id), b}] {
					continue
				}
				seen[[2]int64{int64(id), b}] = true
				t = tmin + (float64(b)+0.5)*r.TimeBinMS
			}
			r.T[p] = append(r.T[p], t)
			r.Row[p] = append(r.Row[p], float64(r.Offsets[p]+int(id)))
		}
		r.Marks += len(r.T[p])
	}
	return r, nil
}

// binnedMarks counts the distinct (population, neuron, time bin) cells of the strided neurons.
func binnedMarks(pops []Spikes, stride int, t0, w float64) int {
	n := 0
	for _, sp := range pops {
		seen := make(map[[2]int64]bool)
		for k, id := range sp.IDs {
			if int(id)%stride != 0 {
				continue
			}
			key := [2]int64{int64(id), int64(math.Floor((sp.TimesMS[k] - t0) / w))}
			if !seen[key] {
				seen[key] = true
				n++
			}
		}
	}
	return n
}

// RasterOptions configures [RasterChart].
type RasterOptions struct {
	Layout
	// MaxMarks bounds the marks sent to the browser; default DefaultMaxMarks. See ThinRaster.
	MaxMarks int
	// StartMS and StopMS fix the time axis to [StartMS, StopMS], e.g. the simulated window, so
	// that the raster lines up with a PSTH of the same run and silent stretches at either end
	// show. Both 0: the axis spans the spikes. All spikes are drawn either way (zoom to see
	// ones outside the window).
	StartMS, StopMS float64
}

// RasterChart draws a spike raster: one row per neuron, populations stacked in order and
// coloured, one legend entry per population. Large rasters are thinned in Go by [ThinRaster];
// the subtitle always states the exact spike count and what is drawn ([Chart.Summary]).
func RasterChart(name string, pops []Spikes, o RasterOptions) (*Chart, error) {
	r, err := ThinRaster(pops, o.MaxMarks)
	if err != nil {
		return nil, err
	}
	xa := valueXAxis(pickName(o.Layout.XName, "time (ms)"), 0)
	if o.StartMS != 0 || o.StopMS != 0 {
		if !isFinite(o.StartMS) || !isFinite(o.StopMS) {
			return nil, errf(ErrNonFinite, "RasterOptions window [%v, %v]", o.StartMS, o.StopMS)
		}
		if o.StopMS <= o.StartMS {
			return nil, errf(ErrRange, "RasterOptions window [StartMS, StopMS] = [%v, %v] is empty", o.StartMS, o.StopMS)
		}
		xa.Min, xa.Max = o.StartMS, o.StopMS
	}
	lay := o.Layout.withDefaults("Spike raster", "460px")
	summary := r.Summary()
	c := charts.NewScatter()
	c.SetGlobalOptions(rectOpts(lay, lay.header(true, summary), "item", true)...)
	ya := valueYAxis(pickName(lay.YName, "neuron"), 0, false)
	ya.Min, ya.Max = 0, r.Neurons
	c.SetGlobalOptions(
		charts.WithXAxisOpts(xa),
		charts.WithYAxisOpts(ya),
	)
	size := 3.0
	if r.Marks > 5000 {
		size = 2
	}
	for p, sp := range pops {
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{
			Name: sp.label(p), Type: "scatter", Data: xyData{r.T[p], r.Row[p]},
			Symbol: "rect", SymbolSize: size, Color: lay.color(p),
			Large: opts.Bool(true), LargeThreshold: 2000, Animation: opts.Bool(false),
		})
	}
	return finish("raster", name, lay, c, summary, map[string]any{"dataZoom": xZoom()})
}

// DisplayRaster builds a [RasterChart] and displays it.
func DisplayRaster(name string, pops []Spikes, o RasterOptions) error {
	return display(RasterChart(name, pops, o))
}
