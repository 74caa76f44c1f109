package experiments

import (
	"slices"

	"github.com/neuron-sim/neuron/brain"
)

// FiringPattern is one parameter set of Naud, Marcille, Clopath & Gerstner (2008, Biol Cybern
// 99:335, Table 1 and Fig. 4): an AdEx cell with ΔT = 2 mV, θ0 = −50 mV, spikes cut at 0 mV with
// no refractory period (as the Brian 2 example reproducing their Fig. 4), and its step current.
type FiringPattern struct {
	Name, Short               string
	C, GL, EL, A, TauW, B, VR float64 // pF, nS, mV, nS, ms, pA, mV
	IPA                       float64 // step current (pA)
}

// NaudPatterns are the eight patterns of Naud et al. 2008, Table 1.
var NaudPatterns = []FiringPattern{
	{"tonic spiking", "tonic", 200, 10, -70, 2, 30, 0, -58, 500},
	{"adapting", "adapting", 200, 12, -70, 2, 300, 60, -58, 500},
	{"initial burst", "init. burst", 130, 18, -58, 4, 150, 120, -50, 400},
	{"regular bursting", "bursting", 200, 10, -58, 2, 120, 100, -46, 210},
	{"delayed accelerating", "del. accel.", 200, 12, -70, -10, 300, 0, -58, 300},
	{"delayed regular bursting", "del. burst", 100, 10, -65, -10, 90, 30, -47, 110},
	{"transient spiking", "transient", 100, 10, -65, 10, 90, 100, -47, 180},
	{"irregular spiking", "irregular", 100, 12, -60, -11, 130, 30, -48, 160},
}

// Params returns the cell of the pattern.
func (z FiringPattern) Params() brain.Params {
	return brain.Params{Name: z.Name, C: z.C, GL: z.GL, EL: z.EL, VT: -50, DeltaT: 2, VPeak: 0,
		VReset: z.VR, TRef: 0, A: z.A, B: z.B, TauW: z.TauW, Efficacy: 1, Synapse: brain.Generic().Synapse}
}

// ISIStats are the spike-train statistics ClassifyPattern uses.
type ISIStats struct {
	N, Late          int
	Latency          float64 // ms from step onset to the first spike
	MeanLate, CVLate float64 // mean (ms) and CV of the ISIs in the second half of the step
	Gap              float64 // largest ratio of neighbouring sorted late ISIs
	Jump             float64 // largest ISI(k+1)/ISI(k) among the first three ISIs
	LastFirst        float64 // last ISI / first ISI
}

func isis(s []float64) []float64 {
	out := make([]float64, 0, max(len(s)-1, 0))
	for k := 1; k < len(s); k++ {
		out = append(out, s[k]-s[k-1])
	}
	return out
}

// ClassifyPattern names the firing pattern of the spikes sp (ms) during a step [on, off) from
// ISI statistics alone:
//  1. no spike in the second half: "transient spiking";
//  2. late ISIs sorted, a jump by more than 3× between neighbours: bursting ("delayed regular
//     bursting" if the latency exceeds twice the mean late ISI); else a late CV above 0.2:
//     "irregular spiking";
//  3. otherwise: latency > 2 × the mean late ISI: delayed ("delayed accelerating" when the last
//     ISI is below 0.8 × the first); an ISI more than 3× its predecessor among the first three:
//     "initial burst"; last/first ISI > 1.5: "adapting", < 0.8: "accelerating"; else "tonic spiking".
func ClassifyPattern(sp []float64, on, off float64) (string, ISIStats) {
	s := Within(sp, on, off)
	st := ISIStats{N: len(s)}
	if len(s) == 0 {
		return "silent", st
	}
	st.Latency = s[0] - on
	late := Within(s, (on+off)/2, off)
	st.Late = len(late)
	if len(late) < 2 {
		return "transient spiking", st
	}
	all, li := isis(s), isis(late)
	m, sd := meanSD(li)
	st.MeanLate, st.CVLate = m, sd/m
	sorted := slices.Sorted(slices.Values(li))
	st.Gap = 1
	for k := 1; k < len(sorted); k++ {
		st.Gap = max(st.Gap, sorted[k]/sorted[k-1])
	}
	for k := 1; k < min(3, len(all)); k++ {
		st.Jump = max(st.Jump, all[k]/all[k-1])
	}
	st.LastFirst = all[len(all)-1] / all[0]
	delayed := st.Latency > 2*st.MeanLate
	switch {
	case st.Gap > 3 && delayed:
		return "delayed regular bursting", st
	case st.Gap > 3:
		return "regular bursting", st
	case st.CVLate > 0.2:
		return "irregular spiking", st
	case delayed && st.LastFirst < 0.8:
		return "delayed accelerating", st
	case delayed:
		return "delayed spiking", st
	case st.Jump > 3:
		return "initial burst", st
	case st.LastFirst > 1.5:
		return "adapting", st
	case st.LastFirst < 0.8:
		return "accelerating", st
	}
	return "tonic spiking", st
}
