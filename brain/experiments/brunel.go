package experiments

import (
	"context"
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/models"
)

// BrunelRun is one simulated state of Brunel's model A: the spike trains (ms) of every
// excitatory and inhibitory cell.
type BrunelRun struct {
	State       string              // "SR", "AI", "SIfast" or "SIslow" (models.BrunelPoint)
	Params      models.BrunelParams // the network that ran
	DurMS, T0MS float64             // simulated duration; analysis starts at T0MS (transient dropped)
	Exc, Inh    [][]float64         // spike times (ms) per cell
	Net         *brain.Network      // the network after the run (nil when not kept)
}

// RunBrunel simulates one of Brunel's Fig. 8 states on a network of ne excitatory cells with
// EPSP amplitude jmV (ne/4 inhibitory cells, ε = 0.1, D = 1.5 ms) for durMS from the given seed.
// With keepNet false the network is dropped after the run, keeping only the spikes.
func RunBrunel(state string, ne int, jmV, durMS, t0MS float64, seed uint64, keepNet bool) (BrunelRun, error) {
	bp, err := models.BrunelPoint(state, ne)
	if err != nil {
		return BrunelRun{}, err
	}
	bp.JmV = jmV
	if !(durMS > t0MS) || t0MS < 0 {
		return BrunelRun{}, fmt.Errorf("experiments: RunBrunel: durMS = %v, t0MS = %v: want 0 ≤ t0MS < durMS", durMS, t0MS)
	}
	net, err := models.Brunel(bp, seed)
	if err != nil {
		return BrunelRun{}, err
	}
	re, err := net.RecordSpikes(net.Population("exc"))
	if err != nil {
		return BrunelRun{}, err
	}
	ri, err := net.RecordSpikes(net.Population("inh"))
	if err != nil {
		return BrunelRun{}, err
	}
	if err := net.Run(context.Background(), durMS, nil); err != nil {
		return BrunelRun{}, err
	}
	r := BrunelRun{State: state, Params: bp, DurMS: durMS, T0MS: t0MS, Exc: re.AllTimes(), Inh: ri.AllTimes()}
	if keepNet {
		r.Net = net
	}
	return r, nil
}

// MeanField returns the mean-field description of the run's network (analysis.BrunelMeanField
// with CE = round(ε·NE)).
func (r BrunelRun) MeanField() analysis.MeanFieldLIF {
	ce := int(math.Round(r.Params.Epsilon * float64(r.Params.NE)))
	return analysis.BrunelMeanField(ce, r.Params.JmV, r.Params.G, r.Params.Eta)
}

// RegimeStats are the measurements that tell Brunel's states apart (excitatory cells,
// [T0MS, DurMS)).
type RegimeStats struct {
	RateHz      float64   // mean single-cell rate
	Nu0Hz       float64   // mean-field stationary rate (analysis.MeanFieldRate)
	CV          float64   // mean CV of the ISIs over cells with ≥ 3 spikes
	Chi         float64   // synchrony χ of 1 ms spike counts (analysis.SpikeSynchrony)
	Osc         float64   // oscillation index of the 0.5 ms population rate (lags ≤ 100 ms)
	OscPeriodMS float64   // lag of that side peak
	PeakHz      float64   // spectral peak of the population rate (Welch, 5–995 Hz)
	Fluct       float64   // s.d./mean of the 1 ms population rate
	PopRate     []float64 // population rate in 0.5 ms bins from T0MS (Hz)
}

// MeasureRegime computes the regime statistics of a run.
func MeasureRegime(r BrunelRun) (RegimeStats, error) {
	var s RegimeStats
	var err error
	if s.Nu0Hz, err = analysis.MeanFieldRate(r.MeanField()); err != nil {
		return s, err
	}
	s.RateHz = analysis.MeanRate(r.Exc, r.T0MS, r.DurMS)
	s.CV, _ = analysis.MeanCV(r.Exc, r.T0MS, r.DurMS, 3)
	s.Chi = analysis.SpikeSynchrony(r.Exc, r.T0MS, r.DurMS, 1)
	s.PopRate = analysis.PopulationRate(nil, r.Exc, r.T0MS, r.DurMS, 0.5)
	osc, lag := analysis.OscillationIndex(s.PopRate, 200) // lags up to 100 ms
	s.Osc, s.OscPeriodMS = osc, 0.5*float64(lag)
	f, p := analysis.PowerSpectrum(s.PopRate, 0.5, 256)
	s.PeakHz, _, _ = analysis.SpectralPeak(f, p, 5, 995) // up to the Nyquist frequency of 0.5 ms bins
	pr1 := analysis.PopulationRate(nil, r.Exc, r.T0MS, r.DurMS, 1)
	m, sd := meanSD(pr1)
	if m > 0 {
		s.Fluct = sd / m
	}
	return s, nil
}

// InDegree returns the smallest and largest number of synapses onto any cell of p's target.
func InDegree(p *brain.Projection) (lo, hi int) {
	in := make([]int, p.Post().N)
	for _, t := range p.Targets() {
		in[t]++
	}
	lo, hi = math.MaxInt, 0
	for _, k := range in {
		lo, hi = min(lo, k), max(hi, k)
	}
	return lo, hi
}

func meanSD(xs []float64) (m, sd float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		sd += (x - m) * (x - m)
	}
	return m, math.Sqrt(sd / float64(len(xs)))
}

// RegimeRun is a state to simulate with RunRegimes.
type RegimeRun struct {
	State       string
	DurMS, T0MS float64
}

// RunRegimes simulates several states of the same network (ne excitatory cells, EPSP jmV,
// seed) at most workers at a time, drops the networks and returns the runs and their regime
// statistics in the order given.
func RunRegimes(states []RegimeRun, ne int, jmV float64, seed uint64, workers int) ([]BrunelRun, []RegimeStats, error) {
	runs := make([]BrunelRun, len(states))
	stats := make([]RegimeStats, len(states))
	errs := make([]error, len(states))
	sem := make(chan struct{}, max(workers, 1))
	done := make(chan struct{})
	for i, st := range states {
		go func() {
			defer func() { done <- struct{}{} }()
			sem <- struct{}{}
			defer func() { <-sem }()
			runs[i], errs[i] = RunBrunel(st.State, ne, jmV, st.DurMS, st.T0MS, seed, false)
			if errs[i] == nil {
				stats[i], errs[i] = MeasureRegime(runs[i])
			}
		}()
	}
	for range states {
		<-done
	}
	for i, err := range errs {
		if err != nil {
			return nil, nil, fmt.Errorf("experiments: state %s: %w", states[i].State, err)
		}
	}
	return runs, stats, nil
}
