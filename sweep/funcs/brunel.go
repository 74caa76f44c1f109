package funcs

import (
	"context"
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/sweep"
)

// Brunel is the sweep function "brunel": it simulates models.Brunel (model A
// of Brunel 2000, J Comput Neurosci 8:183) at the relative inhibition g and
// external drive eta = ν_ext/ν_thr of the point, with the point's seed, and
// measures the excitatory population after a transient.
//
// Parameters (optional ones take the default when absent from the spec):
//
//	g            relative strength of inhibition (required)
//	eta          ν_ext/ν_thr (required)
//	ne           excitatory cells (default 4000; NI = NE/4, ε = 0.1)
//	j_mv         EPSP amplitude J (mV; default 100 mV / CE, so that CE·J = 100 mV
//	             as in Brunel's CE = 1000, J = 0.1 mV)
//	delay_ms     transmission delay D (default 1.5 ms, Brunel's)
//	duration_ms  simulated time (default 300 ms)
//	transient_ms time left out of the measures (default 100 ms)
//
// Results, over [transient, duration):
//
//	rate_hz   mean rate of the excitatory cells (Hz)
//	cv        mean coefficient of variation of their ISIs (cells with ≥ 3 spikes;
//	          NaN if none)
//	chi       synchrony χ of 1-ms spike counts (Golomb & Rinzel 1993): ≈ 1/√N when
//	          asynchronous, → 1 when synchronous
//	osc       oscillation index of the population rate in 0.5-ms bins (side-peak
//	          height of its autocorrelation within 100 ms or half the window;
//	          0 for no rhythm)
//	peak_hz   frequency of the largest peak of the population rate's spectrum
//	          between 5 and 500 Hz (Welch, 64-ms segments: 15.6 Hz resolution)
var Brunel = sweep.Func{
	Params:  []string{"g", "eta"},
	Results: []string{"rate_hz", "cv", "chi", "osc", "peak_hz"},
	Eval:    brunelEval,
}

func init() {
	if err := sweep.Register("brunel", Brunel); err != nil {
		panic(err)
	}
}

func opt(p sweep.Point, name string, def float64) float64 {
	if v, ok := p.Get(name); ok {
		return v
	}
	return def
}

func brunelEval(ctx context.Context, p sweep.Point) ([]float64, error) {
	g, _ := p.Get("g")
	eta, _ := p.Get("eta")
	neF := opt(p, "ne", 4000)
	ne := int(neF)
	if float64(ne) != neF || ne < 8 {
		return nil, fmt.Errorf("funcs: brunel: ne = %v, want an integer ≥ 8", neF)
	}
	bp := models.BrunelParams{NE: ne, Epsilon: 0.1, G: g, Eta: eta, DelayMS: opt(p, "delay_ms", 1.5)}
	ce := math.Round(bp.Epsilon * float64(ne))
	bp.JmV = opt(p, "j_mv", 100/ce)
	dur := opt(p, "duration_ms", 300)
	t0 := opt(p, "transient_ms", 100)
	if !(dur > 0) || !(t0 >= 0 && t0+10 <= dur) {
		return nil, fmt.Errorf("funcs: brunel: duration_ms = %v, transient_ms = %v: want 0 ≤ transient ≤ duration − 10", dur, t0)
	}
	net, err := models.Brunel(bp, p.Seed)
	if err != nil {
		return nil, fmt.Errorf("funcs: brunel: %w", err)
	}
	rec, err := net.RecordSpikes(net.Population("exc"))
	if err != nil {
		return nil, fmt.Errorf("funcs: brunel: %w", err)
	}
	if err := net.Run(ctx, dur, nil); err != nil {
		return nil, fmt.Errorf("funcs: brunel: %w", err)
	}
	tr := rec.AllTimes()
	rate := analysis.MeanRate(tr, t0, dur)
	cv, _ := analysis.MeanCV(tr, t0, dur, 3)
	chi := analysis.SpikeSynchrony(tr, t0, dur, 1)
	pr := analysis.PopulationRate(nil, tr, t0, dur, 0.5)
	f, pw := analysis.PowerSpectrum(pr, 0.5, 128)
	peak, _, _ := analysis.SpectralPeak(f, pw, 5, 500)
	osc, _ := analysis.OscillationIndex(pr, min(200, len(pr)/2))
	return []float64{rate, cv, chi, osc, peak}, nil
}

// Regimes of Brunel (2000), in the order of the codes BrunelRegime returns.
var Regimes = []string{"Q", "SR", "AI", "SI fast", "SI slow"}

// BrunelRegime names the state of a row of the "brunel" function by the
// criteria of Brunel 2000 (section 4): quiescent "Q" (rate_hz < 1), synchronous
// regular "SR" (cells fire regularly: cv < 0.2; windows of 100 ms or less bias
// the CV of irregular cells down to 0.25–0.45, hence not 0.3), and, for
// irregular cells,
// synchronous irregular with a fast global oscillation "SI fast" (an
// oscillation index ≥ 0.35 at a spectral peak ≥ 100 Hz, a period of a few
// delays), with a slow one "SI slow" (an oscillation index ≥ 0.35 below
// 100 Hz), or else asynchronous irregular "AI". It returns the index in
// Regimes, or −1 if a result it needs is NaN.
func BrunelRegime(rateHz, cv, osc, peakHz float64) int {
	switch {
	case math.IsNaN(rateHz):
		return -1
	case rateHz < 1:
		return 0
	case math.IsNaN(cv):
		return -1
	case cv < 0.2:
		return 1
	case osc >= 0.35 && peakHz >= 100:
		return 3
	case osc >= 0.35:
		return 4
	}
	return 2
}
