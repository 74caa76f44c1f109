package reference

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// OU fills dst with an Ornstein–Uhlenbeck current (pA) sampled every dt ms:
//
//	τ dI/dt = (μ − I) + σ √(2τ) ξ(t)
//
// with mean μ (pA), stationary standard deviation σ (pA) and correlation time
// τ (ms). The update is the exact one (Gillespie 1996):
//
//	I ← μ + (I − μ) e^{−dt/τ} + σ √(1 − e^{−2dt/τ}) z,   z ~ N(0, 1)
//
// and the first sample is drawn from the stationary distribution, so the
// process is stationary from t = 0. If dst is nil a slice of length n is
// allocated; otherwise len(dst) samples are written and n is ignored.
func OU(dst []float64, n int, dt, mean, sd, tau float64, rng *rand.Rand) ([]float64, error) {
	switch {
	case rng == nil:
		return nil, fmt.Errorf("%w: OU needs a *rand.Rand", ErrInput)
	case !(dt > 0) || math.IsInf(dt, 0):
		return nil, fmt.Errorf("%w: OU dt = %v ms", ErrInput, dt)
	case !(tau > 0) || math.IsInf(tau, 0):
		return nil, fmt.Errorf("%w: OU tau = %v ms", ErrInput, tau)
	case !(sd >= 0) || math.IsInf(sd, 0):
		return nil, fmt.Errorf("%w: OU sd = %v pA", ErrInput, sd)
	case math.IsNaN(mean) || math.IsInf(mean, 0):
		return nil, fmt.Errorf("%w: OU mean = %v pA", ErrInput, mean)
	}
	if dst == nil {
		if n < 0 {
			return nil, fmt.Errorf("%w: OU n = %d", ErrInput, n)
		}
		dst = make([]float64, n)
	}
	decay := math.Exp(-dt / tau)
	kick := sd * math.Sqrt(-math.Expm1(-2*dt/tau))
	x := sd * rng.NormFloat64()
	for i := range dst {
		dst[i] = mean + x
		x = x*decay + kick*rng.NormFloat64()
	}
	return dst, nil
}

// Step returns n samples that are 0 pA before onMS, amp pA on [onMS, offMS)
// and 0 pA afterwards; sample i covers [i·dt, (i+1)·dt).
func Step(n int, dt, onMS, offMS, amp float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		t := (float64(i) + 0.5) * dt
		if t >= onMS && t < offMS {
			out[i] = amp
		}
	}
	return out
}
