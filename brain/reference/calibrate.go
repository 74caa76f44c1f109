package reference

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CalibrateOU finds the mean μ (pA) of an Ornstein–Uhlenbeck current with
// s.d. sdPA (pA) and correlation time tauMS (ms) that makes the cell fire at
// targetHz over durationMS, for the frozen noise realisation of
// rand.NewPCG(seed, stream): the fluctuation is drawn once and μ is shifted
// by bisection (the rate grows with μ). It returns μ and the current.
func (c *Cell) CalibrateOU(targetHz, sdPA, tauMS, durationMS, dt float64, seed, stream uint64) (float64, []float64, error) {
	n := int(math.Round(durationMS / dt))
	if n < 1 || !(targetHz > 0) {
		return 0, nil, fmt.Errorf("%w: CalibrateOU duration = %v ms, target = %v Hz", ErrInput, durationMS, targetHz)
	}
	noise, err := OU(nil, n, dt, 0, sdPA, tauMS, rand.New(rand.NewPCG(seed, stream)))
	if err != nil {
		return 0, nil, err
	}
	cur := make([]float64, n)
	rate := func(mu float64) (float64, error) {
		for i, x := range noise {
			cur[i] = mu + x
		}
		s, err := c.Spikes(cur, dt)
		if err != nil {
			return 0, err
		}
		return float64(len(s)) / (float64(n) * dt) * 1000, nil
	}
	lo, hi := -4*sdPA, 4*sdPA+100
	for range 20 {
		r, err := rate(hi)
		if err != nil {
			return 0, nil, err
		}
		if r >= targetHz {
			break
		}
		lo, hi = hi, 2*hi+100
	}
	for range 30 {
		mid := 0.5 * (lo + hi)
		r, err := rate(mid)
		if err != nil {
			return 0, nil, err
		}
		if r < targetHz {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 0.05 {
			break
		}
	}
	mu := 0.5 * (lo + hi)
	for i, x := range noise {
		cur[i] = mu + x
	}
	return mu, cur, nil
}
