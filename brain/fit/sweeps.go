package fit

import (
	"fmt"
	"math"
)

// Sweeps: a real current-clamp protocol is a set of sweeps (a noise sweep,
// a family of current steps, …). Fit takes one Recording as the main sweep
// (the one with the Train and Test windows) and any number of further
// training sweeps in Options.Extra, typically the steps of an f–I
// protocol, so that the fitted model keeps the cell's f–I curve as well as
// its spike timing under noise.
//
// A reader of another file format (NWB current-clamp series, ABF, …) only
// has to build one Recording per sweep: the stimulus in pA sampled every
// DT ms, the response voltage in mV on the same samples (or nil), and the
// spike times in ms (DetectSpikes finds them in a voltage trace). Then
//
//	res, err := fit.Fit(noise, fit.Options{Train: …, Test: …, Extra: steps})

// DetectSpikes returns the spike times (ms) of a voltage trace v (mV,
// v[i] = V(i·dt)): the upward crossings of thresholdMV, linearly
// interpolated between samples. A new spike is only counted once the
// voltage has fallen below the threshold again.
func DetectSpikes(v []float64, dt, thresholdMV float64) ([]float64, error) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("%w: DetectSpikes dt = %v ms", ErrInput, dt)
	}
	if math.IsNaN(thresholdMV) || math.IsInf(thresholdMV, 0) {
		return nil, fmt.Errorf("%w: DetectSpikes threshold = %v mV", ErrInput, thresholdMV)
	}
	var out []float64
	for i := 1; i < len(v); i++ {
		a, b := v[i-1], v[i]
		if math.IsNaN(a) || math.IsNaN(b) {
			return nil, fmt.Errorf("%w: DetectSpikes v[%d] is NaN", ErrInput, i)
		}
		if a < thresholdMV && b >= thresholdMV {
			out = append(out, (float64(i-1)+(thresholdMV-a)/(b-a))*dt)
		}
	}
	return out, nil
}

// extraSweep is a training sweep on the simulation grid.
type extraSweep struct {
	in     []float64
	spikes []float64
	w      Window
}

// prepareExtra checks the extra sweeps of o and resamples their currents
// to the simulation step.
func prepareExtra(o Options) ([]extraSweep, error) {
	var out []extraSweep
	for i, r := range o.Extra {
		if err := r.Validate(); err != nil {
			return nil, fmt.Errorf("%w (Extra[%d])", err, i)
		}
		in, err := resample(r.Current, r.DT, o.SimDT)
		if err != nil {
			return nil, fmt.Errorf("%w (Extra[%d])", err, i)
		}
		out = append(out, extraSweep{in: in, spikes: r.Spikes, w: Window{0, float64(len(in)) * o.SimDT}})
	}
	return out, nil
}

// extraObjective is ExtraWeight times the mean over the extra sweeps of
// −Γ + RatePenalty·r², each sweep simulated from rest (no voltage term),
// where r is the sweep's rate error relative to its recorded rate or, if
// that is lower, to the mean recorded rate of the extra sweeps:
// r = (ν_model − ν_cell) / max(ν_cell, mean ν_cell). So a sweep near
// rheobase, which fires a few spikes, weighs a spike too many or too few
// as a sweep at the mean rate does, as the f–I error (Σ|Δf| / Σf) weighs
// every Hz alike. Measured against its own few spikes, three spikes too
// many on a step of 8 add 1.4 to that sweep's term at the default
// RatePenalty, more than the whole range of its Γ, and decided the fits
// of bursting cells (see docs/accuracy.md). A sweep on which neither cell nor model fires adds
// 0 (−Γ of two silent trains is taken as −1).
func extraObjective(s *sim, p Options, extras []extraSweep) (float64, error) {
	if len(extras) == 0 || p.ExtraWeight == 0 {
		return 0, nil
	}
	o := p
	o.VoltageWeight = 0
	o.WarmupMS = 0
	mean := 0.0 // the mean recorded rate of the sweeps (Hz)
	for _, e := range extras {
		mean += float64(len(spikesIn(e.spikes, e.w))) / e.w.Duration() * 1000
	}
	mean /= float64(len(extras))
	var sum, fiNum, fiDen float64
	for _, e := range extras {
		if err := s.reset(); err != nil {
			return 0, err
		}
		sc, model, err := evaluateSpikes(s, e.in, e.spikes, e.w, o, nil)
		if err != nil {
			return 0, err
		}
		fiNum += math.Abs(sc.RateModel - sc.RateData)
		fiDen += sc.RateData
		if sc.Coincidence.NData == 0 && sc.Coincidence.NModel == 0 {
			sum += -1
			continue
		}
		if mean > 0 {
			r := (sc.RateModel - sc.RateData) / math.Max(sc.RateData, mean)
			g, err := sweepGamma(sc, model, e, o)
			if err != nil {
				return 0, err
			}
			sum += -g + o.RatePenalty*r*r
			continue
		}
		sum += o.objective(sc)
	}
	f := p.ExtraWeight * sum / float64(len(extras))
	if p.FIWeight > 0 && fiDen > 0 {
		f += p.FIWeight * fiNum / fiDen
	}
	return f, nil
}

// sweepGamma is the Γ of the extra sweep e in its score sc (model: the
// model's spike times in the sweep): sc's Γ over the whole sweep, or with
// o.SweepGammaMS > 0 the Γ over the sweep's first SweepGammaMS, 1 if
// neither train has a spike there.
func sweepGamma(sc Score, model []float64, e extraSweep, o Options) (float64, error) {
	if !(o.SweepGammaMS > 0) || o.SweepGammaMS >= e.w.Duration() {
		return sc.Gamma(), nil
	}
	w := Window{0, o.SweepGammaMS} // from the sweep's start
	ref, mod := spikesIn(spikesIn(e.spikes, e.w), w), spikesIn(model, w)
	if len(ref) == 0 && len(mod) == 0 {
		return 1, nil
	}
	c, err := coincidence(ref, mod, o.DeltaMS, w.Duration())
	if err != nil {
		return 0, err
	}
	return c.Gamma, nil
}

// scoreExtra scores p on every extra sweep.
func scoreExtra(p Options, s *sim, extras []extraSweep) ([]Score, error) {
	o := p
	o.VoltageWeight = 0
	o.WarmupMS = 0
	var out []Score
	for _, e := range extras {
		if err := s.reset(); err != nil {
			return nil, err
		}
		sc, err := evaluate(s, e.in, e.spikes, e.w, o, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}
