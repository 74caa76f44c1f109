package plasticity

import (
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// TsodyksMarkram is short-term synaptic plasticity, depression and
// facilitation, in the formulation of Tsodyks, Pawelzik & Markram (1998,
// Neural Comput 10:821) and Markram, Wang & Tsodyks (1998, PNAS 95:5323)
// as NEST's tsodyks2_synapse solves it (Maass & Markram 2002, Neural Netw
// 15:155). Each presynaptic cell has a release probability u and a
// fraction of available resources x. Between spikes u relaxes to U with
// TauFacMS and x recovers to 1 with TauRecMS; a spike releases u·x of the
// resources. For the n-th spike, Δ after the previous one,
//
//	u_n = U + u_{n−1}·(1 − U)·exp(−Δ/TauFacMS)       (u_n = U without facilitation)
//	x_n = 1 + (x_{n−1} − u_{n−1}·x_{n−1} − 1)·exp(−Δ/TauRecMS)
//
// and the spike transmits w·u_n·x_n (w the synapse's weight magnitude, the
// absolute efficacy A_SE of the papers). The synapse starts at rest: the
// first spike transmits w·U (u_1 = U, x_1 = 1; NEST instead counts the
// first interval from t = 0). The weights themselves do not change, so
// TsodyksMarkram does nothing in Learn.
//
// All synapses of a presynaptic cell share its u and x (they see the same
// spikes): the state is per presynaptic cell, 24 bytes each.
type TsodyksMarkram struct {
	// U is the utilisation of synaptic efficacy: the release probability
	// at rest and its increment per spike (in (0, 1]).
	U float64
	// TauRecMS is the recovery time of the resources (ms, > 0).
	TauRecMS float64
	// TauFacMS is the decay time of facilitation (ms, ≥ 0; 0 turns
	// facilitation off).
	TauFacMS float64

	dt   float64
	u, x []float64 // after the last spike (before its depletion)
	last []int64   // step of the last spike, −1 before the first
}

// DepressingPyrPyr is the depressing synapse between neocortical layer-5
// pyramidal cells: U = 0.5, τrec = 800 ms, no facilitation (Tsodyks &
// Markram 1997, PNAS 94:719, whose fits give U_SE ≈ 0.5 and τrec ≈ 0.8 s;
// also NEST's tsodyks2 defaults).
func DepressingPyrPyr() *TsodyksMarkram {
	return &TsodyksMarkram{U: 0.5, TauRecMS: 800, TauFacMS: 0}
}

// FacilitatingPyrInterneuron is the facilitating synapse from neocortical
// pyramidal cells onto interneurons: U = 0.05, τrec = 125 ms, τfac =
// 1200 ms (Markram, Wang & Tsodyks 1998, PNAS 95:5323; Gupta, Wang &
// Markram 2000, Science 287:273; the values as tabulated for excitatory →
// inhibitory synapses by Maass, Natschläger & Markram 2002, Neural Comput
// 14:2531).
func FacilitatingPyrInterneuron() *TsodyksMarkram {
	return &TsodyksMarkram{U: 0.05, TauRecMS: 125, TauFacMS: 1200}
}

// FacilitatingParallelFibre is the cerebellar parallel-fibre → Purkinje
// synapse, with a low initial release probability and strong facilitation
// that decays in about 100 ms: U = 0.05, τfac = 100 ms (the initial release
// probability F1 ≈ 0.05 and facilitation decay τF ≈ 100 ms of Dittman,
// Kreitzer & Regehr 2000, J Neurosci 20:1374, Table 1), τrec = 100 ms
// (recovery from depression is fast at this synapse, same source; a
// Tsodyks–Markram approximation of their model, not their equations).
func FacilitatingParallelFibre() *TsodyksMarkram {
	return &TsodyksMarkram{U: 0.05, TauRecMS: 100, TauFacMS: 100}
}

// Validate checks the parameters and names the first bad one.
func (m *TsodyksMarkram) Validate() error {
	switch {
	case !(m.U > 0 && m.U <= 1):
		return fmt.Errorf("plasticity: TsodyksMarkram.U = %v: must be in (0, 1]", m.U)
	case !(m.TauRecMS > 0) || math.IsInf(m.TauRecMS, 0):
		return fmt.Errorf("plasticity: TsodyksMarkram.TauRecMS = %v: must be finite and > 0 ms", m.TauRecMS)
	case !(m.TauFacMS >= 0) || math.IsInf(m.TauFacMS, 0):
		return fmt.Errorf("plasticity: TsodyksMarkram.TauFacMS = %v: must be finite and ≥ 0 ms (0: no facilitation)", m.TauFacMS)
	}
	return nil
}

// Prepare checks the parameters and puts every presynaptic cell at rest.
func (m *TsodyksMarkram) Prepare(s *brain.Synapses, dt float64) error {
	if err := m.Validate(); err != nil {
		return err
	}
	n := s.NPre()
	m.dt = dt
	m.u, m.x, m.last = make([]float64, n), make([]float64, n), make([]int64, n)
	for i := range n {
		m.u[i], m.x[i], m.last[i] = m.U, 1, -1
	}
	return nil
}

// Transmit advances u and x of each spiking cell to its spike and sets the
// spike's release factor u·x.
func (m *TsodyksMarkram) Transmit(_ *brain.Synapses, step int64, pre []int32, release []float64) {
	U, tr, tf, dt := m.U, m.TauRecMS, m.TauFacMS, m.dt
	for n, i := range pre {
		u, x := U, 1.0
		if l := m.last[i]; l >= 0 {
			h := float64(step-l) * dt
			u0, x0 := m.u[i], m.x[i]
			x = 1 + (x0-u0*x0-1)*math.Exp(-h/tr)
			u = U
			if tf > 0 {
				u += u0 * (1 - U) * math.Exp(-h/tf)
			}
		}
		m.u[i], m.x[i], m.last[i] = u, x, step
		release[n] = u * x
	}
}

// Learn does nothing: short-term plasticity leaves the weights alone.
func (m *TsodyksMarkram) Learn(*brain.Synapses, int64, []int32, []int32) {}

// State returns the release probability u and the available resources x
// with which presynaptic cell i transmitted its last spike (its release
// factor was u·x), and that spike's step (−1: none yet, u = U, x = 1).
func (m *TsodyksMarkram) State(i int) (u, x float64, lastStep int64) {
	return m.u[i], m.x[i], m.last[i]
}

// SaveState writes u, x and the last spike steps.
func (m *TsodyksMarkram) SaveState(e *brain.StateEncoder) {
	e.Float64s(m.u)
	e.Float64s(m.x)
	e.Int64s(m.last)
}

// RestoreState reads what SaveState wrote.
func (m *TsodyksMarkram) RestoreState(d *brain.StateDecoder) error {
	d.Float64s(m.u)
	d.Float64s(m.x)
	d.Int64s(m.last)
	return d.Err()
}

// WeightBounds is [0, brain.MaxWeight], kept: the rule leaves the weights
// alone, and its release factors u·x lie in [0, 1] (U in (0, 1], x in
// [0, 1]).
func (m *TsodyksMarkram) WeightBounds() (lo, hi float64, kept bool) { return 0, brain.MaxWeight, true }

// StorageBytes counts u, x and the last spike steps (per cell).
func (m *TsodyksMarkram) StorageBytes() (perSynapse, perCell int64) {
	return 0, int64(8 * (len(m.u) + len(m.x) + len(m.last)))
}

var (
	_ brain.Transmitter   = (*TsodyksMarkram)(nil)
	_ brain.Stateful      = (*TsodyksMarkram)(nil)
	_ brain.WeightBounder = (*TsodyksMarkram)(nil)
)
