package plasticity

import (
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// VogelsSprekeler is the inhibitory spike-timing-dependent plasticity of
// Vogels, Sprekeler, Zenke, Clopath & Gerstner (2011, Science 334:1569):
// a symmetric window that strengthens an inhibitory synapse whenever its
// presynaptic and postsynaptic spikes come close in time, whatever their
// order, and weakens it by a constant at every presynaptic spike. Each
// cell has a trace x (jumps by 1 at a spike, decays with TauMS):
//
//	presynaptic spike of i:   w_ij ← w_ij + Eta·(x_j − α)
//	postsynaptic spike of j:  w_ij ← w_ij + Eta·x_i
//	α = 2·Rho0Hz·TauMS/1000
//
// For uncorrelated spike trains the weights drift at
// Eta·ρ_pre·(2·ρ_post·τ − α), zero when the postsynaptic rate ρ_post is
// the target Rho0Hz: inhibition grows while the cell fires faster than
// Rho0Hz and shrinks while it fires slower, restoring the balance of
// excitation and inhibition, and synapses whose activity is correlated
// with the cell's firing grow most, so inhibition comes to mirror the
// excitation a cell receives. Weights (magnitudes, nS or pA) are clipped
// to [WMin, WMax]. The paper: τ = 20 ms, ρ0 = 5 Hz (α = 0.2); its
// published single-cell code (ModelDB 143751) uses η = 1e−3 of its
// inhibitory conductance quantum (350 pS) and α = 0.25. Correlated pre-
// and postsynaptic trains move the fixed point below ρ0 (docs/plasticity.md).
type VogelsSprekeler struct {
	// TauMS is the decay time of the traces (ms, > 0).
	TauMS float64
	// Eta is the learning rate (weight units, ≥ 0).
	Eta float64
	// Rho0Hz is the target postsynaptic rate (Hz, ≥ 0).
	Rho0Hz float64
	// WMin and WMax bound the weight magnitudes (0 ≤ WMin < WMax).
	WMin, WMax float64

	rate, alpha    float64 // dt/τ, α
	xPre, xPost    []float64
	tPre, tPost    []int64
	colPtr, colSyn []uint32
}

// Validate checks the parameters and names the first bad one.
func (v *VogelsSprekeler) Validate() error {
	for _, f := range []struct {
		name string
		x    float64
		ok   bool
	}{
		{"TauMS", v.TauMS, v.TauMS > 0}, {"Eta", v.Eta, v.Eta >= 0}, {"Rho0Hz", v.Rho0Hz, v.Rho0Hz >= 0},
		{"WMin", v.WMin, v.WMin >= 0}, {"WMax", v.WMax, v.WMax > v.WMin},
	} {
		if !f.ok || math.IsInf(f.x, 0) {
			return fmt.Errorf("plasticity: VogelsSprekeler.%s = %v: out of range (see its doc)", f.name, f.x)
		}
	}
	return nil
}

// Alpha is the depression per presynaptic spike, 2·ρ0·τ.
func (v *VogelsSprekeler) Alpha() float64 { return 2 * v.Rho0Hz * v.TauMS / 1000 }

// Prepare checks the rule and the initial weights and allocates the
// traces.
func (v *VogelsSprekeler) Prepare(s *brain.Synapses, dt float64) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if err := s.CheckWeights(v.WMin, v.WMax); err != nil {
		return fmt.Errorf("plasticity: VogelsSprekeler: initial weight outside [WMin, WMax]: %w", err)
	}
	v.rate, v.alpha = dt/v.TauMS, v.Alpha()
	v.xPre, v.tPre = make([]float64, s.NPre()), make([]int64, s.NPre())
	v.xPost, v.tPost = make([]float64, s.NPost()), make([]int64, s.NPost())
	v.colPtr, v.colSyn = s.Incoming()
	return nil
}

// Learn applies the rule to the step's spikes: presynaptic ones first
// (each reading the postsynaptic traces before this step's jumps), then
// postsynaptic ones.
func (v *VogelsSprekeler) Learn(s *brain.Synapses, k int64, pre, post []int32) {
	ws, tg, rp := s.Weights(), s.Targets(), s.RowPtr()
	eta, alpha, lo, hi := v.Eta, v.alpha, v.WMin, v.WMax
	for _, i := range pre {
		a, b := rp[i], rp[i+1]
		ww, ts := ws[a:b], tg[a:b]
		ww = ww[:len(ts)]
		for m, j := range ts {
			x := trace(v.xPost[j], v.tPost[j], k, v.rate)
			ww[m] = float32(min(max(float64(ww[m])+eta*(x-alpha), lo), hi))
		}
		v.xPre[i] = trace(v.xPre[i], v.tPre[i], k, v.rate) + 1
		v.tPre[i] = k
	}
	for _, j := range post {
		i := 0
		for _, syn := range v.colSyn[v.colPtr[j]:v.colPtr[j+1]] {
			if rp[i+1] <= syn {
				i = s.RowOf(syn, i)
			}
			x := trace(v.xPre[i], v.tPre[i], k, v.rate)
			ws[syn] = float32(min(max(float64(ws[syn])+eta*x, lo), hi))
		}
		v.xPost[j] = trace(v.xPost[j], v.tPost[j], k, v.rate) + 1
		v.tPost[j] = k
	}
}

// SaveState writes the traces.
func (v *VogelsSprekeler) SaveState(e *brain.StateEncoder) {
	e.Float64s(v.xPre)
	e.Float64s(v.xPost)
	e.Int64s(v.tPre)
	e.Int64s(v.tPost)
}

// RestoreState reads what SaveState wrote.
func (v *VogelsSprekeler) RestoreState(d *brain.StateDecoder) error {
	d.Float64s(v.xPre)
	d.Float64s(v.xPost)
	d.Int64s(v.tPre)
	d.Int64s(v.tPost)
	return d.Err()
}

// WeightBounds is [WMin, WMax], kept: every update clips to it.
func (v *VogelsSprekeler) WeightBounds() (lo, hi float64, kept bool) { return v.WMin, v.WMax, true }

// StorageBytes counts the traces (per cell).
func (v *VogelsSprekeler) StorageBytes() (perSynapse, perCell int64) {
	return 0, int64(16 * (len(v.xPre) + len(v.xPost)))
}

var (
	_ brain.Stateful      = (*VogelsSprekeler)(nil)
	_ brain.WeightBounder = (*VogelsSprekeler)(nil)
)
