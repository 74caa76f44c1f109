package analysis

import (
	"fmt"
	"math"
	"slices"
)

// FIPoint is one point of an f–I curve.
type FIPoint struct {
	CurrentPA float64 // injected current (pA)
	RateHz    float64 // firing rate (Hz)
}

// FICurve measures an f–I curve: for every current it calls spikes (which
// simulates a cell under that constant current and returns its ascending
// spike times in ms) and takes the rate over [t0, t1) (skip the onset
// transient with t0 > 0). The first error stops it.
func FICurve(currentsPA []float64, spikes func(iPA float64) ([]float64, error), t0, t1 float64) ([]FIPoint, error) {
	if !(t1 > t0) {
		return nil, fmt.Errorf("brain: FICurve: window [%v, %v) ms is empty", t0, t1)
	}
	pts := make([]FIPoint, len(currentsPA))
	for k, i := range currentsPA {
		tr, err := spikes(i)
		if err != nil {
			return nil, fmt.Errorf("brain: FICurve at %v pA: %w", i, err)
		}
		pts[k] = FIPoint{CurrentPA: i, RateHz: Rate(tr, t0, t1)}
	}
	return pts, nil
}

// SteadyRate is the firing rate (Hz) from the mean inter-spike interval of
// the spikes in [t0, t1): 1000/mean ISI, which, unlike a count, does not
// depend on where the window cuts the first and last interval. NaN with
// fewer than two spikes.
func SteadyRate(train []float64, t0, t1 float64) float64 {
	w := window(train, t0, t1)
	if len(w) < 2 {
		return math.NaN()
	}
	return 1000 * float64(len(w)-1) / (w[len(w)-1] - w[0])
}

// Rheobase is the smallest current of an f–I curve at which the cell
// fires (NaN if it never does). Points need not be sorted.
func Rheobase(points []FIPoint) float64 {
	best := math.NaN()
	for _, p := range points {
		if p.RateHz > 0 && (math.IsNaN(best) || p.CurrentPA < best) {
			best = p.CurrentPA
		}
	}
	return best
}

// FIGain is the least-squares slope (Hz/pA) of the firing points (rate >
// 0) of an f–I curve; NaN with fewer than two.
func FIGain(points []FIPoint) float64 {
	var x, y []float64
	for _, p := range points {
		if p.RateHz > 0 {
			x = append(x, p.CurrentPA)
			y = append(y, p.RateHz)
		}
	}
	if len(x) < 2 {
		return math.NaN()
	}
	var sx, sy, sxx, sxy float64
	n := float64(len(x))
	for k := range x {
		sx += x[k]
		sy += y[k]
		sxx += x[k] * x[k]
		sxy += x[k] * y[k]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return math.NaN()
	}
	return (n*sxy - sx*sy) / d
}

// IsMonotone reports whether an f–I curve, sorted by current, never
// decreases by more than tolHz.
func IsMonotone(points []FIPoint, tolHz float64) bool {
	p := slices.Clone(points)
	slices.SortFunc(p, func(a, b FIPoint) int {
		switch {
		case a.CurrentPA < b.CurrentPA:
			return -1
		case a.CurrentPA > b.CurrentPA:
			return 1
		}
		return 0
	})
	for k := 1; k < len(p); k++ {
		if p[k].RateHz < p[k-1].RateHz-tolHz {
			return false
		}
	}
	return true
}

// LIFRate is the closed-form firing rate (Hz) of a leaky
// integrate-and-fire neuron under a constant current iPA (pA), with
// capacitance cPF (pF), leak gLnS (nS), rest elMV, threshold vtMV, reset
// vrMV (mV) and refractory period tRefMS (ms), when V starts from the
// reset after each spike:
//
//	T = t_ref + τm·ln((V∞ − Vr)/(V∞ − Vt)),  V∞ = EL + I/gL,  τm = C/gL
//
// and 0 when V∞ ≤ Vt (Tuckwell 1988; Gerstner et al. 2014, eq. 1.11).
func LIFRate(iPA, cPF, gLnS, elMV, vtMV, vrMV, tRefMS float64) float64 {
	vinf := elMV + iPA/gLnS
	if vinf <= vtMV {
		return 0
	}
	tau := cPF / gLnS
	return 1000 / (tRefMS + tau*math.Log((vinf-vrMV)/(vinf-vtMV)))
}
