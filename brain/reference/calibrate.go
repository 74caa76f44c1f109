package reference

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CalibrateOU finds the mean μ (pA) of an Ornstein–Uhlenbeck current with
// s.d. sdPA (pA) and correlation time tauMS (ms) that makes the cell fire at
// targetHz (within 2.5 %) over durationMS, for the frozen noise realisation
// of rand.NewPCG(seed, stream): the fluctuation is drawn once and μ is
// shifted by regula falsi (the rate grows with μ). It returns μ and the
// current, which equals OU(nil, n, dt, μ, sdPA, tauMS, rand.New(rand.NewPCG(seed, stream))).
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
	// Bracket the target, then regula falsi with the Illinois modification
	// on rate(μ) − target, stopping within 2.5 % of the target rate.
	lo, hi := -4*sdPA, 4*sdPA+100
	flo, err := rate(lo)
	if err != nil {
		return 0, nil, err
	}
	flo -= targetHz
	fhi, err := rate(hi)
	if err != nil {
		return 0, nil, err
	}
	fhi -= targetHz
	for k := 0; fhi < 0 && k < 20; k++ {
		lo, flo = hi, fhi
		hi = 2*hi + 100
		if fhi, err = rate(hi); err != nil {
			return 0, nil, err
		}
		fhi -= targetHz
	}
	for k := 0; flo > 0 && k < 20; k++ {
		hi, fhi = lo, flo
		lo = 2*lo - 100
		if flo, err = rate(lo); err != nil {
			return 0, nil, err
		}
		flo -= targetHz
	}
	if flo > 0 || fhi < 0 {
		return 0, nil, fmt.Errorf("%w: CalibrateOU cannot bracket %v Hz", ErrInput, targetHz)
	}
	mu := 0.5 * (lo + hi)
	side := 0
	for range 40 {
		mu = hi - fhi*(hi-lo)/(fhi-flo)
		if !(mu > lo && mu < hi) {
			mu = 0.5 * (lo + hi)
		}
		f, err := rate(mu)
		if err != nil {
			return 0, nil, err
		}
		f -= targetHz
		if math.Abs(f) <= 0.025*targetHz || hi-lo < 0.01 {
			break
		}
		if f < 0 {
			lo, flo = mu, f
			if side == -1 {
				fhi /= 2
			}
			side = -1
		} else {
			hi, fhi = mu, f
			if side == 1 {
				flo /= 2
			}
			side = 1
		}
	}
	for i, x := range noise {
		cur[i] = mu + x
	}
	return mu, cur, nil
}
