package nbhelpers

import (
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// SpikesFromTrains flattens per-neuron spike trains (trains[i] holds the times, ms, of neuron i)
// into the parallel slices the chart builders take, keeping the spikes in [t0MS, t1MS).
// Pass t0MS = math.Inf(-1) and t1MS = math.Inf(1) to keep every spike. N is len(trains).
func SpikesFromTrains(label string, trains [][]float64, t0MS, t1MS float64) Spikes {
	s := Spikes{Label: label, N: len(trains)}
	for i, tr := range trains {
		for _, t := range tr {
			if t >= t0MS && t < t1MS {
				s.TimesMS = append(s.TimesMS, t)
				s.IDs = append(s.IDs, int32(i))
			}
		}
	}
	return s
}

// SpikesFromRecorder returns the spikes a brain.SpikeRecorder holds in [t0MS, t1MS) (a spike
// recorded for step k is at (k+1)·dt, as the recorder reports it). N is the recorder's
// population size. A nil recorder gives an empty, labelled population.
func SpikesFromRecorder(label string, r *brain.SpikeRecorder, t0MS, t1MS float64) Spikes {
	if r == nil {
		return Spikes{Label: label}
	}
	s := Spikes{Label: label, N: r.N}
	steps, neurons := r.Spikes()
	for k, st := range steps {
		t := float64(st+1) * r.DT
		if t >= t0MS && t < t1MS {
			s.TimesMS = append(s.TimesMS, t)
			s.IDs = append(s.IDs, neurons[k])
		}
	}
	return s
}

// AllTime is the window [−∞, +∞) for [SpikesFromTrains] and [SpikesFromRecorder].
var AllTime = [2]float64{math.Inf(-1), math.Inf(1)}

// Shift returns a copy of s with every spike time moved by dMS (e.g. −t0 to start a window at 0).
func (s Spikes) Shift(dMS float64) Spikes {
	out := s
	out.TimesMS = make([]float64, len(s.TimesMS))
	for k, t := range s.TimesMS {
		out.TimesMS[k] = t + dMS
	}
	return out
}

// Fold cuts a run into consecutive periods of periodMS and stacks them: each spike's time becomes
// its phase in [0, periodMS), and neuron i in period c becomes trial c·N + i, so a PSTH of the
// result is the cycle-aligned rate averaged over cells and periods. N must be set (> 0).
func (s Spikes) Fold(periodMS float64, periods int) (Spikes, error) {
	if err := checkPositive("periodMS", periodMS); err != nil {
		return Spikes{}, err
	}
	if s.N <= 0 || periods <= 0 {
		return Spikes{}, errf(ErrRange, "Fold: N = %d and periods = %d, want both > 0", s.N, periods)
	}
	out := Spikes{Label: s.Label, N: s.N * periods}
	for k, t := range s.TimesMS {
		c := int(math.Floor(t / periodMS))
		if c < 0 || c >= periods {
			continue
		}
		out.TimesMS = append(out.TimesMS, t-float64(c)*periodMS)
		out.IDs = append(out.IDs, int32(c*s.N)+s.IDs[k])
	}
	return out, nil
}
