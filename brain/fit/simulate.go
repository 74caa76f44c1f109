package fit

import (
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// DefaultSimDT is the integration step of fitted models (ms), the project's
// default clock (brain.DefaultDT).
const DefaultSimDT = brain.DefaultDT

// Simulate runs one GeneralizedNeuron with parameters p, from rest at
// t = 0, driven at the soma by current (pA, sampled every dt ms, held over
// each sample), integrating with step simDT (ms; 0 means DefaultSimDT).
// It returns the spike times (ms, interpolated inside the step by brain)
// and the somatic voltage at the start of every simulation step (mV; nil
// unless withV).
//
// It uses only brain's public API: a one-neuron brain.Population whose IExt
// is set before every Step.
func Simulate(p brain.Params, current []float64, dt, simDT float64, withV bool) (spikes, v []float64, err error) {
	if simDT == 0 {
		simDT = DefaultSimDT
	}
	in, err := resample(current, dt, simDT)
	if err != nil {
		return nil, nil, err
	}
	var s sim
	if err := s.init(p, simDT); err != nil {
		return nil, nil, err
	}
	if withV {
		v = make([]float64, len(in))
	}
	spikes, err = s.run(in, 0, len(in), v)
	return spikes, v, err
}

// sim is a reusable one-neuron simulation.
type sim struct {
	pop *brain.Population
	h   float64
	p   brain.Params
}

func (s *sim) init(p brain.Params, h float64) error {
	pop, err := brain.NewPopulation("fit", 1, p)
	if err != nil {
		return err
	}
	if err := pop.Prepare(h); err != nil {
		return err
	}
	s.pop, s.h, s.p = pop, h, p
	return nil
}

// reset puts the simulation back at rest with the same parameters.
func (s *sim) reset() error { return s.init(s.p, s.h) }

// run integrates steps [k0, k1) of the input in (one value per step, pA)
// from the population's current state and returns the spike times (ms,
// absolute). If v is non-nil, v[k] receives the voltage at the start of
// step k.
func (s *sim) run(in []float64, k0, k1 int, v []float64) ([]float64, error) {
	pop := s.pop
	var spikes []float64
	for k := k0; k < k1; k++ {
		if v != nil {
			v[k] = pop.V[0]
		}
		pop.IExt[0] = in[k]
		fired, err := pop.Step(int64(k))
		if err != nil {
			return spikes, err
		}
		if len(fired) > 0 {
			spikes = append(spikes, float64(k)*s.h+pop.SpikeOffset(0))
		}
	}
	return spikes, nil
}

// FI returns the mean firing rate (Hz) of the model p during a current step
// of each amplitude (pA) lasting durationMS, from rest: the number of
// spikes in [0, durationMS) divided by the duration, integrated with step
// simDT (0: DefaultSimDT). It is the model side of the f–I comparison with
// a reference cell (reference.Cell.FI uses the same protocol).
func FI(p brain.Params, ampsPA []float64, durationMS, simDT float64) ([]float64, error) {
	if simDT == 0 {
		simDT = DefaultSimDT
	}
	if !(simDT >= MinSimDT && simDT <= MaxSimDT) {
		return nil, fmt.Errorf("%w: FI simulation step %v ms: must be in [%g, %g] ms", ErrInput, simDT, MinSimDT, MaxSimDT)
	}
	f := math.Round(durationMS / simDT)
	if !(durationMS > 0) || !(f >= 1 && f <= float64(MaxSamples)) {
		return nil, fmt.Errorf("%w: FI duration = %v ms: must be between one step and MaxSamples = %d steps of %v ms", ErrInput, durationMS, MaxSamples, simDT)
	}
	n := int(f)
	for i, a := range ampsPA {
		if math.IsNaN(a) || math.Abs(a) > 1e9 {
			return nil, fmt.Errorf("%w: FI amplitude [%d] = %v pA", ErrInput, i, a)
		}
	}
	out := make([]float64, len(ampsPA))
	in := make([]float64, n)
	for k, a := range ampsPA {
		for i := range in {
			in[i] = a
		}
		var s sim
		if err := s.init(p, simDT); err != nil {
			return nil, err
		}
		sp, err := s.run(in, 0, n, nil)
		if err != nil {
			return nil, err
		}
		out[k] = float64(len(sp)) / durationMS * 1000
	}
	return out, nil
}

// FIError is the relative L1 distance between two f–I curves sampled at the
// same amplitudes: Σ|f_model − f_ref| / Σ f_ref (0 if both are silent).
func FIError(ref, model []float64) (float64, error) {
	if len(ref) != len(model) {
		return 0, fmt.Errorf("%w: f–I curves of %d and %d points", ErrInput, len(ref), len(model))
	}
	var num, den float64
	for i := range ref {
		num += math.Abs(model[i] - ref[i])
		den += ref[i]
	}
	if den == 0 {
		if num == 0 {
			return 0, nil
		}
		return math.Inf(1), nil
	}
	return num / den, nil
}
