package analysis_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
)

func TestRatesCountsLatency(t *testing.T) {
	tr := []float64{5, 10, 20, 40, 80}
	cases := []struct {
		name      string
		got, want float64
	}{
		{"count [10, 40)", float64(analysis.Count(tr, 10, 40)), 2},
		{"rate over 100 ms", analysis.Rate(tr, 0, 100), 50},
		{"mean rate with a silent train", analysis.MeanRate([][]float64{tr, nil}, 0, 100), 25},
		{"latency after 15 ms", must(analysis.FirstSpikeLatency(tr, 15)), 5},
		{"latency at a spike", must(analysis.FirstSpikeLatency(tr, 40)), 0},
		{"steady rate from ISIs", analysis.SteadyRate([]float64{10, 20, 30, 40}, 0, 100), 100},
		{"regular CV", analysis.CV([]float64{1, 2, 3, 4, 5}), 0},
		{"CV of ISIs 1,3", analysis.CV([]float64{0, 1, 4}), 0.5},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if _, ok := analysis.FirstSpikeLatency(tr, 100); ok {
		t.Error("latency after the last spike reported")
	}
	isi := analysis.ISIs(nil, tr)
	if len(isi) != 4 || isi[3] != 40 {
		t.Errorf("ISIs %v", isi)
	}
	lat := analysis.Latencies(nil, [][]float64{tr, nil}, 7)
	if lat[0] != 3 || !math.IsNaN(lat[1]) {
		t.Errorf("latencies %v", lat)
	}
}

func must(x float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return x
}

func poisson(r *rand.Rand, hz, durMS float64) []float64 {
	var s []float64
	for t := r.ExpFloat64() * 1000 / hz; t < durMS; t += r.ExpFloat64() * 1000 / hz {
		s = append(s, t)
	}
	return s
}

// TestPoissonStatistics: a Poisson process has ISI CV 1 and count Fano
// factor 1 (e.g. Dayan & Abbott 2001, ch. 1.4).
func TestPoissonStatistics(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	trains := make([][]float64, 200)
	for i := range trains {
		trains[i] = poisson(r, 20, 20000)
	}
	cv, n := analysis.MeanCV(trains, 0, 20000, 10)
	fano := analysis.FanoFactor(trains, 0, 20000, 100)
	rate := analysis.MeanRate(trains, 0, 20000)
	// 200 trains × 400 spikes: CV s.e. ≈ 0.004, Fano s.e. ≈ 0.007 per 200-count train set.
	if n != 200 || math.Abs(cv-1) > 0.02 || math.Abs(fano-1) > 0.03 || math.Abs(rate-20) > 0.3 {
		t.Errorf("Poisson: CV %.4f (n %d), Fano %.4f, rate %.3f; want 1, 1, 20", cv, n, fano, rate)
	}
	// Trial-to-trial Fano of a regular train is 0.
	reg := [][]float64{{10, 20, 30}, {11, 21, 31}, {12, 22, 32}}
	if f := analysis.TrialFano(reg, 0, 40); f != 0 {
		t.Errorf("regular trials: Fano %v", f)
	}
	// PSTH of trials with a spike at 12.5 ms: 1 spike per trial in the
	// 10–15 ms bin → 200 Hz.
	psth := analysis.PSTH(nil, [][]float64{{12.5}, {12.5}, {12.5, 31}}, 0, 40, 5)
	if psth[2] != 200 || psth[6] != 1000.0/5/3 || psth[0] != 0 {
		t.Errorf("PSTH %v", psth)
	}
	pr := analysis.PopulationRateFromSpikes(nil, []float64{12.5, 12.5, 12.5, 31}, 3, 0, 40, 5)
	if pr[2] != psth[2] || pr[6] != psth[6] {
		t.Errorf("population rate from flat spikes %v", pr)
	}
}

func TestSpectrumAndSynchrony(t *testing.T) {
	const dt = 0.5 // ms
	r := rand.New(rand.NewPCG(3, 4))
	n := 4096
	sig := make([]float64, n)
	noise := make([]float64, n)
	for k := range sig {
		sig[k] = 3*math.Sin(2*math.Pi*40*float64(k)*dt/1000) + 0.5*r.NormFloat64()
		noise[k] = r.NormFloat64()
	}
	f, p := analysis.PowerSpectrum(sig, dt, 512)
	peak, _, prom := analysis.SpectralPeak(f, p, 5, 500)
	// Resolution 1/(512·0.5 ms) = 7.8 Hz: the 40 Hz line lands within one bin.
	if math.Abs(peak-40) > 4 || prom < 20 {
		t.Errorf("40 Hz sine: peak %.1f Hz, prominence %.1f", peak, prom)
	}
	// Parseval: the density integrates to the variance (σ² = 1 for unit
	// white noise), within the Welch estimate's error.
	f, p = analysis.PowerSpectrum(noise, dt, 256)
	var integral float64
	for k := range p {
		integral += p[k] * (f[1] - f[0])
	}
	if math.Abs(integral-1) > 0.1 {
		t.Errorf("white noise: ∫PSD = %.3f, want 1", integral)
	}
	if h, per := analysis.OscillationIndex(sig, 200); h < 0.7 || math.Abs(float64(per)*dt-25) > 1 {
		t.Errorf("40 Hz sine: oscillation index %.2f at %v ms, want > 0.7 at 25 ms", h, float64(per)*dt)
	}
	if h, _ := analysis.OscillationIndex(noise, 200); h > 0.1 {
		t.Errorf("white noise: oscillation index %.2f, want ≈ 0", h)
	}

	// χ = 1 for identical signals, ≈ 1/√N for independent ones.
	same := [][]float64{sig, sig, sig}
	if x := analysis.Synchrony(same); math.Abs(x-1) > 1e-12 {
		t.Errorf("identical signals: χ = %v", x)
	}
	ind := make([][]float64, 100)
	for i := range ind {
		ind[i] = make([]float64, 2000)
		for k := range ind[i] {
			ind[i][k] = r.NormFloat64()
		}
	}
	if x := analysis.Synchrony(ind); math.Abs(x-0.1) > 0.02 {
		t.Errorf("100 independent signals: χ = %.3f, want ≈ 0.1", x)
	}
	trains := make([][]float64, 400)
	for i := range trains {
		trains[i] = poisson(r, 20, 5000)
	}
	if x := analysis.SpikeSynchrony(trains, 0, 5000, 2); math.Abs(x-0.05) > 0.015 {
		t.Errorf("400 independent Poisson trains: χ = %.3f, want ≈ 1/√400 = 0.05", x)
	}
	locked := [][]float64{{10, 30, 50}, {10, 30, 50}, {10, 30, 50}}
	if x := analysis.SpikeSynchrony(locked, 0, 60, 2); math.Abs(x-1) > 1e-12 {
		t.Errorf("identical trains: χ = %v", x)
	}
}

// TestFICurveLIF: the f–I curve of the exact LIF path of brain.Generic
// matches the closed form (LIFRate); on the dt grid each interval is
// rounded up to whole steps, so the simulated rate is at most one step
// per interval slower.
func TestFICurveLIF(t *testing.T) {
	p := brain.Generic()
	const dt, dur = 0.1, 2000.0
	sim := func(i float64) ([]float64, error) {
		cur := make([]float64, int(dur/dt))
		for k := range cur {
			cur[k] = i
		}
		s, _, err := brain.SimulateCurrent(p, dt, cur, nil)
		return s, err
	}
	currents := []float64{50, 100, 150, 200, 300, 400, 600, 800}
	pts, err := analysis.FICurve(currents, sim, 200, dur)
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range pts {
		want := analysis.LIFRate(pt.CurrentPA, p.C, p.GL, p.EL, p.VT, p.VReset, p.TRef)
		isi := 1000 / want
		lo := 1000 / (isi + dt) // one extra step per interval
		if want == 0 && pt.RateHz != 0 || want > 0 && (pt.RateHz < lo*0.98 || pt.RateHz > want*1.02) {
			t.Errorf("I = %v pA: %.2f Hz, closed form %.2f Hz (grid bound %.2f)", pt.CurrentPA, pt.RateHz, want, lo)
		}
	}
	if rh := analysis.Rheobase(pts); rh != 150 {
		t.Errorf("rheobase %v pA, want 150 (GL·(VT−EL) = 100 pA lies below)", rh)
	}
	if !analysis.IsMonotone(pts, 0) || !(analysis.FIGain(pts) > 0) {
		t.Error("f–I curve not monotone increasing")
	}
}

// TestPartialBins: binned rates over a window that is not a whole number
// of bins. The number of bins was the rounded quotient and every bin was
// divided by the full width, so a steady train read 14000 instead of
// 10000 Hz in the last bin of [0, 10.4) ms (1.4 bins lumped into it) and
// 5000 in that of [0, 10.5) (half a bin over a whole width); the live
// explorer's rate at 400 ms in bins of 3 ms ended a third too high.
// WindowCounts cut [0, 0.3) into two windows of 0.1 ms (0.3/0.1 is
// 2.9999999999999996), and SpikeSynchrony lumped the partial bin in.
func TestPartialBins(t *testing.T) {
	var train []float64 // every 0.1 ms: 10 spikes per ms, 10 kHz
	for k := range 200 {
		train = append(train, 0.05+0.1*float64(k))
	}
	for _, t1 := range []float64{10, 10.4, 10.5, 10.6} {
		want := int(math.Ceil(t1 - 1e-9))
		for name, r := range map[string][]float64{
			"PopulationRate":           analysis.PopulationRate(nil, [][]float64{train}, 0, t1, 1),
			"PSTH":                     analysis.PSTH(nil, [][]float64{train}, 0, t1, 1),
			"PopulationRateFromSpikes": analysis.PopulationRateFromSpikes(nil, train, 1, 0, t1, 1),
		} {
			if len(r) != want {
				t.Errorf("%s over [0, %v) in bins of 1 ms: %d bins, want %d", name, t1, len(r), want)
				continue
			}
			for k, x := range r {
				if math.Abs(x-10000) > 1e-6 {
					t.Errorf("%s over [0, %v): bin %d reads %v Hz, want 10000", name, t1, k, x)
				}
			}
		}
	}
	if c := analysis.WindowCounts(nil, train, 0, 0.3, 0.1); len(c) != 3 || c[0] != 1 || c[2] != 1 {
		t.Errorf("WindowCounts over [0, 0.3) in 0.1 ms: %v, want [1 1 1]", c)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	trains := make([][]float64, 50)
	for i := range trains {
		for tm := rng.ExpFloat64() * 5; tm < 12; tm += rng.ExpFloat64() * 5 {
			trains[i] = append(trains[i], tm)
		}
	}
	if a, b := analysis.SpikeSynchrony(trains, 0, 10, 1), analysis.SpikeSynchrony(trains, 0, 10.4, 1); a != b {
		t.Errorf("SpikeSynchrony over [0, 10.4) = %v, want that of its 10 whole bins, %v", b, a)
	}
}
