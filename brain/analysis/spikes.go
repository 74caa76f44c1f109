package analysis

import (
	"math"
	"slices"
	"sort"
)

// window returns the part of an ascending train inside [t0, t1).
func window(train []float64, t0, t1 float64) []float64 {
	lo := sort.SearchFloat64s(train, t0)
	hi := sort.SearchFloat64s(train, t1)
	if hi < lo {
		hi = lo
	}
	return train[lo:hi]
}

// Count is the number of spikes of an ascending train in [t0, t1).
func Count(train []float64, t0, t1 float64) int { return len(window(train, t0, t1)) }

// Rate is the firing rate (Hz) of one train over [t0, t1) ms: spike count
// divided by the window length.
func Rate(train []float64, t0, t1 float64) float64 {
	if !(t1 > t0) {
		return math.NaN()
	}
	return float64(Count(train, t0, t1)) / (t1 - t0) * 1000
}

// Rates fills dst with the rate (Hz) of every train over [t0, t1).
func Rates(dst []float64, trains [][]float64, t0, t1 float64) []float64 {
	dst = resize(dst, len(trains))
	for i, tr := range trains {
		dst[i] = Rate(tr, t0, t1)
	}
	return dst
}

// MeanRate is the mean firing rate (Hz) over all trains in [t0, t1)
// (silent trains included).
func MeanRate(trains [][]float64, t0, t1 float64) float64 {
	if len(trains) == 0 || !(t1 > t0) {
		return math.NaN()
	}
	n := 0
	for _, tr := range trains {
		n += Count(tr, t0, t1)
	}
	return float64(n) / float64(len(trains)) / (t1 - t0) * 1000
}

// ISIs fills dst with the inter-spike intervals (ms) of an ascending train.
func ISIs(dst []float64, train []float64) []float64 {
	if len(train) < 2 {
		return dst[:0]
	}
	dst = resize(dst, len(train)-1)
	for k := range dst {
		dst[k] = train[k+1] - train[k]
	}
	return dst
}

// CV is the coefficient of variation of the inter-spike intervals of a
// train, σ_ISI/μ_ISI (population standard deviation); NaN with fewer than
// two intervals. A Poisson train has CV = 1, a regular one 0 (Softky &
// Koch 1993).
func CV(train []float64) float64 {
	if len(train) < 3 {
		return math.NaN()
	}
	var s, s2 float64
	n := float64(len(train) - 1)
	for k := 1; k < len(train); k++ {
		d := train[k] - train[k-1]
		s += d
		s2 += d * d
	}
	m := s / n
	return math.Sqrt(math.Max(s2/n-m*m, 0)) / m
}

// MeanCV is the mean CV over the trains with at least minSpikes spikes in
// [t0, t1) (minSpikes < 3 counts as 3), and how many trains entered it.
func MeanCV(trains [][]float64, t0, t1 float64, minSpikes int) (cv float64, n int) {
	minSpikes = max(minSpikes, 3)
	var s float64
	for _, tr := range trains {
		w := window(tr, t0, t1)
		if len(w) < minSpikes {
			continue
		}
		s += CV(w)
		n++
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return s / float64(n), n
}

// WindowCounts fills dst with the spike counts of a train in consecutive
// windows of windowMS from t0 (the last partial window is dropped).
func WindowCounts(dst []float64, train []float64, t0, t1, windowMS float64) []float64 {
	nw := wholeBins(t0, t1, windowMS) // int((t1−t0)/w) made 0.3/0.1 two windows
	if nw <= 0 || !(windowMS > 0) {
		return dst[:0]
	}
	dst = resize(dst, nw)
	clear(dst)
	for _, t := range window(train, t0, t0+float64(nw)*windowMS) {
		k := int((t - t0) / windowMS)
		dst[min(k, nw-1)]++
	}
	return dst
}

// Fano is the Fano factor Var(N)/E(N) of a set of counts (population
// variance); NaN when the mean is 0 or there are fewer than two counts.
func Fano(counts []float64) float64 {
	if len(counts) < 2 {
		return math.NaN()
	}
	var s, s2 float64
	for _, c := range counts {
		s += c
		s2 += c * c
	}
	n := float64(len(counts))
	m := s / n
	if m == 0 {
		return math.NaN()
	}
	return (s2/n - m*m) / m
}

// FanoFactor is the mean over trains of the Fano factor of each train's
// spike counts in consecutive windows of windowMS over [t0, t1) (trains
// with no spikes are skipped). A Poisson train gives 1.
func FanoFactor(trains [][]float64, t0, t1, windowMS float64) float64 {
	var s float64
	n := 0
	var buf []float64
	for _, tr := range trains {
		buf = WindowCounts(buf, tr, t0, t1, windowMS)
		if f := Fano(buf); !math.IsNaN(f) {
			s += f
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// TrialFano is the Fano factor of the spike counts in [t0, t1) across
// trials (one train per trial): the classic trial-to-trial variability.
func TrialFano(trials [][]float64, t0, t1 float64) float64 {
	c := make([]float64, len(trials))
	for k, tr := range trials {
		c[k] = float64(Count(tr, t0, t1))
	}
	return Fano(c)
}

// PSTH fills dst with the peri-stimulus time histogram of trials (spike
// times relative to their trial's start, ms): the mean rate (Hz) per trial
// in consecutive bins of binMS over [t0, t1). When t1 − t0 is not a whole
// number of bins, the last bin is the partial one up to t1, and its rate
// is its count over its own width.
func PSTH(dst []float64, trials [][]float64, t0, t1, binMS float64) []float64 {
	return binnedRate(dst, trials, t0, t1, binMS)
}

// PopulationRate fills dst with the population rate (Hz per neuron) of the
// trains in consecutive bins of binMS over [t0, t1): the number of spikes
// of all neurons in a bin divided by the number of neurons and the bin
// width (a last partial bin, as in PSTH, by its own width).
func PopulationRate(dst []float64, trains [][]float64, t0, t1, binMS float64) []float64 {
	return binnedRate(dst, trains, t0, t1, binMS)
}

// PopulationRateFromSpikes is PopulationRate for spikes given as flat
// (time, neuron) lists, e.g. a recorder's; n is the number of neurons.
func PopulationRateFromSpikes(dst []float64, timesMS []float64, n int, t0, t1, binMS float64) []float64 {
	nb := coverBins(t0, t1, binMS)
	if nb <= 0 || n <= 0 {
		return dst[:0]
	}
	dst = resize(dst, nb)
	clear(dst)
	for _, t := range timesMS {
		if t >= t0 && t < t1 {
			dst[min(int((t-t0)/binMS), nb-1)]++
		}
	}
	toRates(dst, t0, t1, binMS, n)
	return dst
}

func binnedRate(dst []float64, trains [][]float64, t0, t1, binMS float64) []float64 {
	nb := coverBins(t0, t1, binMS)
	if nb <= 0 || len(trains) == 0 {
		return dst[:0]
	}
	dst = resize(dst, nb)
	clear(dst)
	for _, tr := range trains {
		for _, t := range window(tr, t0, t1) {
			dst[min(int((t-t0)/binMS), nb-1)]++
		}
	}
	toRates(dst, t0, t1, binMS, len(trains))
	return dst
}

// coverBins is the number of bins of binMS that cover [t0, t1):
// ⌈(t1−t0)/binMS⌉, except that a quotient within 1e-9 (relative) above a
// whole number k is k ((0.1+0.2)/0.1 is 3.0000000000000004, and a fourth
// bin would be empty); 0 for an empty window or a bin that is not > 0.
// (Rounding the quotient, as these functions did, put up to half a bin's
// spikes more into the last bin, or left it up to half empty, and divided
// it by the full width: at 400 ms in bins of 3 ms, the last bin's rate came
// out a third too high.)
func coverBins(t0, t1, binMS float64) int { return countBins(t0, t1, binMS, math.Ceil) }

// wholeBins is the number of whole bins of binMS in [t0, t1), a quotient
// within 1e-9 (relative) below a whole number k counting as k.
func wholeBins(t0, t1, binMS float64) int { return countBins(t0, t1, binMS, math.Floor) }

// countBins is (t1−t0)/binMS taken to a whole number by whole (math.Ceil
// or math.Floor), a quotient within 1e-9 (relative) of a whole number k
// being k; 0 for an empty window or a bin that is not > 0.
func countBins(t0, t1, binMS float64, whole func(float64) float64) int {
	q := (t1 - t0) / binMS
	if !(q > 0) || math.IsInf(q, 0) {
		return 0
	}
	if k := math.Round(q); k >= 1 && math.Abs(q-k) <= 1e-9*k {
		return int(k)
	}
	return int(whole(q))
}

// toRates turns the counts of coverBins(t0, t1, binMS) bins of n trains
// into rates (Hz per train), the last bin by its own width.
func toRates(dst []float64, t0, t1, binMS float64, n int) {
	scale := 1000 / binMS / float64(n)
	for k := range dst {
		dst[k] *= scale
	}
	if nb := len(dst); nb > 0 {
		if w := t1 - (t0 + float64(nb-1)*binMS); w < binMS*(1-1e-9) {
			dst[nb-1] *= binMS / w
		}
	}
}

// FirstSpikeLatency is the time (ms) from onsetMS to the first spike at or
// after it, and false when there is none.
func FirstSpikeLatency(train []float64, onsetMS float64) (float64, bool) {
	k := sort.SearchFloat64s(train, onsetMS)
	if k == len(train) {
		return math.NaN(), false
	}
	return train[k] - onsetMS, true
}

// Latencies fills dst with the first-spike latency (ms) of every train
// after onsetMS (NaN for trains that never fire).
func Latencies(dst []float64, trains [][]float64, onsetMS float64) []float64 {
	dst = resize(dst, len(trains))
	for i, tr := range trains {
		dst[i], _ = FirstSpikeLatency(tr, onsetMS)
	}
	return dst
}

// SortTrains sorts every train ascending in place and returns them (for
// trains gathered in emission order).
func SortTrains(trains [][]float64) [][]float64 {
	for _, tr := range trains {
		slices.Sort(tr)
	}
	return trains
}

func resize(dst []float64, n int) []float64 {
	if cap(dst) < n {
		return make([]float64, n)
	}
	return dst[:n]
}
