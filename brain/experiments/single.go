package experiments

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neuron-sim/neuron/brain"
)

// Presets returns the seven cell types in the order of the project's parameter table:
// pyramidal, interneuron, sensory, Purkinje, granule, motor, generic.
func Presets() []brain.Params {
	return []brain.Params{brain.Pyramidal(), brain.Interneuron(), brain.Sensory(),
		brain.Purkinje(), brain.Granule(), brain.Motor(), brain.Generic()}
}

// Steps is the number of steps of dtMS in ms milliseconds (rounded).
func Steps(ms, dtMS float64) int { return int(math.Round(ms / dtMS)) }

// Within returns the spike times of an ascending train in [t0, t1) (ms).
func Within(train []float64, t0, t1 float64) []float64 {
	lo, _ := slices.BinarySearch(train, t0)
	hi, _ := slices.BinarySearch(train, t1)
	return train[lo:hi]
}

// MeasuredRheobase is the smallest constant current (pA, to 0.5 pA) that makes p fire within
// 1 s from rest, found by bisection on simulations with step dtMS. It is negative for a cell
// that fires with no input (the Purkinje cell).
func MeasuredRheobase(p brain.Params, dtMS float64) (float64, error) {
	n := Steps(1000, dtMS)
	var simErr error
	fires := func(i float64) bool {
		sp, _, err := brain.SimulateCurrent(p, dtMS, brain.ConstantCurrent(n, i), nil)
		if err != nil && simErr == nil {
			simErr = err
		}
		return len(sp) > 0
	}
	lo, hi := -5000.0, 1000.0
	for !fires(hi) && simErr == nil && hi < 1e7 {
		lo, hi = hi, 2*hi
	}
	if simErr != nil {
		return 0, simErr
	}
	if fires(lo) {
		return 0, fmt.Errorf("experiments: MeasuredRheobase: %s fires at %v pA", p.Name, lo)
	}
	for hi-lo > 0.5 {
		if m := (lo + hi) / 2; fires(m) {
			hi = m
		} else {
			lo = m
		}
	}
	return hi, simErr
}

// Adaptation summarises the spikes of a step response in [on, off): the onset rate F1 = 1/ISI₁
// (Hz), the steady rate FSS = 1/(last ISI) and the adaptation index A = 1 − FSS/F1 (Benda &
// Herz 2003, Neural Comput 15:2523). With fewer than 3 spikes only N is set.
type Adaptation struct {
	N          int
	F1, FSS, A float64
}

// AdaptationOf measures the adaptation of the spikes sp (ms) during a step [on, off).
func AdaptationOf(sp []float64, on, off float64) Adaptation {
	s := Within(sp, on, off)
	r := Adaptation{N: len(s)}
	if len(s) >= 3 {
		r.F1, r.FSS = 1000/(s[1]-s[0]), 1000/(s[len(s)-1]-s[len(s)-2])
		r.A = 1 - r.FSS/r.F1
	}
	return r
}

// SpikePeak is the height (mV) to which spikes are drawn: V_peak for AdEx cells, 0 mV for LIF.
func SpikePeak(p brain.Params) float64 {
	if p.DeltaT > 0 {
		return p.VPeak
	}
	return 0
}

// FIRates are the rates of one cell under a constant current for 1 s: the steady rate (spikes
// in [500, 1000) ms), the onset rate 1/ISI₁ and the rate from the mean ISI (Hz).
type FIRates struct{ Steady, Onset, MeanISI float64 }

// RatesAt simulates p for 1 s at the constant current iPA (step dtMS) and returns its rates.
func RatesAt(p brain.Params, iPA, dtMS float64) (FIRates, error) {
	sp, _, err := brain.SimulateCurrent(p, dtMS, brain.ConstantCurrent(Steps(1000, dtMS), iPA), nil)
	if err != nil {
		return FIRates{}, err
	}
	r := FIRates{Steady: float64(len(Within(sp, 500, 1000))) * 2}
	if len(sp) >= 2 {
		r.Onset = 1000 / (sp[1] - sp[0])
		r.MeanISI = 1000 * float64(len(sp)-1) / (sp[len(sp)-1] - sp[0])
	}
	return r, nil
}

// LineFit returns the least-squares line y = a + b·x.
func LineFit(x, y []float64) (a, b float64) {
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for i := range x {
		sx, sy, sxx, sxy = sx+x[i], sy+y[i], sxx+x[i]*x[i], sxy+x[i]*y[i]
	}
	b = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return (sy - b*sx) / n, b
}

// SteadyDepolarisation returns the somatic depolarisation (mV) after 1 s of iPA injected at the
// soma (distal false) or at the dendrite (distal true), relative to the resting trace.
func SteadyDepolarisation(p brain.Params, iPA float64, distal bool, dtMS float64) (float64, error) {
	n := Steps(1000, dtMS)
	_, rest, err := brain.SimulateCurrent(p, dtMS, make([]float64, n), nil)
	if err != nil {
		return 0, err
	}
	soma, dend := brain.ConstantCurrent(n, iPA), []float64(nil)
	if distal {
		soma, dend = make([]float64, n), soma
	}
	_, tr, err := brain.SimulateCurrent(p, dtMS, soma, dend)
	if err != nil {
		return 0, err
	}
	return tr.V[n-1] - rest.V[n-1], nil
}

// EPSP returns the somatic potential of one cell after a single synaptic event of weight wPA
// arriving at compartment c at 20 ms, sampled every step for 100 ms (t at the end of each step).
func EPSP(p brain.Params, c brain.Compartment, wPA, dtMS float64) (t, v []float64, err error) {
	pop, err := brain.NewPopulation("cell", 1, p)
	if err != nil {
		return nil, nil, err
	}
	if err := pop.Prepare(dtMS); err != nil {
		return nil, nil, err
	}
	at := int64(Steps(20, dtMS))
	for k := int64(0); k < int64(Steps(100, dtMS)); k++ {
		if k == at {
			pop.Input(c, brain.Excitatory)[0] += wPA
		}
		if _, err := pop.Step(k); err != nil {
			return nil, nil, err
		}
		t, v = append(t, float64(k+1)*dtMS), append(v, pop.V[0])
	}
	return t, v, nil
}

// OUCurrent is an Ornstein–Uhlenbeck current (pA) of n samples every dtMS: mean m, standard
// deviation s, correlation time tauMS, exact update, from a seeded generator.
func OUCurrent(n int, dtMS, m, s, tauMS float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	a := math.Exp(-dtMS / tauMS)
	k := s * math.Sqrt(1-a*a)
	x := m + s*r.NormFloat64()
	out := make([]float64, n)
	for i := range out {
		out[i] = x
		x = m + (x-m)*a + k*r.NormFloat64()
	}
	return out
}

// SwitchOn zeroes the current i (sampled every dtMS) before t0MS and returns it.
func SwitchOn(i []float64, t0MS, dtMS float64) []float64 {
	for k := range min(Steps(t0MS, dtMS), len(i)) {
		i[k] = 0
	}
	return i
}

// PredictedTheta runs the sensory cell's documented variance rule on an input trace alone (no
// spikes): the threshold p should have at every step,
//
//	μ ← μ + α(I − μ),  σ² ← (1 − α)(σ² + α(I − μ_old)²),  α = 1 − exp(−dt/τvar)
//	θ∞ = θ0 − min(k·σ, Δθmax),  θ relaxes to θ∞ with τθ.
func PredictedTheta(p brain.Params, in []float64, dtMS float64) []float64 {
	alpha := -math.Expm1(-dtMS / p.TauVar)
	decay := math.Exp(-dtMS / p.TauTheta)
	mu, v, th := 0.0, 0.0, p.VT
	out := make([]float64, len(in))
	for k, x := range in {
		d := x - mu
		mu += alpha * d
		v = (1 - alpha) * (v + alpha*d*d)
		inf := p.VT - min(p.ThetaPerSD*math.Sqrt(v), p.ThetaDropMax)
		th = inf + (th-inf)*decay
		out[k] = th
	}
	return out
}

// Mean returns the mean of xs (NaN for none).
func Mean(xs []float64) float64 {
	m, _ := meanSD(xs)
	if len(xs) == 0 {
		return math.NaN()
	}
	return m
}
