package reference

import (
	"fmt"
	"math"
)

// FIDT is the sampling interval (ms) of the step currents built by FI and
// Rheobase; the cell still integrates at MaxStepMS.
const FIDT = 0.1

// FI returns the mean firing rate (Hz) of the cell during a current step of
// each amplitude (pA) lasting durationMS, starting from rest: the number of
// spikes in [0, durationMS) divided by the duration. It is the f–I curve
// used to compare a reference cell with a fitted model (both are driven by
// identical steps).
func (c *Cell) FI(ampsPA []float64, durationMS float64) ([]float64, error) {
	if !(durationMS > 0) || math.IsInf(durationMS, 0) {
		return nil, fmt.Errorf("%w: FI duration = %v ms", ErrInput, durationMS)
	}
	n := int(math.Round(durationMS / FIDT))
	if n < 1 {
		return nil, fmt.Errorf("%w: FI duration = %v ms is shorter than one sample", ErrInput, durationMS)
	}
	out := make([]float64, len(ampsPA))
	cur := make([]float64, n)
	for k, a := range ampsPA {
		for i := range cur {
			cur[i] = a
		}
		s, err := c.Spikes(cur, FIDT)
		if err != nil {
			return nil, err
		}
		out[k] = float64(len(s)) / (float64(n) * FIDT) * 1000
	}
	return out, nil
}

// Rheobase returns the smallest step amplitude (pA, to within tolPA) that
// makes the cell fire at least once within durationMS, searched by
// bisection in [0, maxPA]. It returns an error if maxPA does not make the
// cell fire.
func (c *Cell) Rheobase(durationMS, maxPA, tolPA float64) (float64, error) {
	if !(tolPA > 0) || !(maxPA > 0) {
		return 0, fmt.Errorf("%w: Rheobase maxPA = %v, tolPA = %v", ErrInput, maxPA, tolPA)
	}
	fires := func(a float64) (bool, error) {
		r, err := c.FI([]float64{a}, durationMS)
		if err != nil {
			return false, err
		}
		return r[0] > 0, nil
	}
	ok, err := fires(maxPA)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%w: %s does not fire at %v pA within %v ms", ErrInput, c.p.Name, maxPA, durationMS)
	}
	lo, hi := 0.0, maxPA
	for hi-lo > tolPA {
		mid := 0.5 * (lo + hi)
		ok, err := fires(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}
