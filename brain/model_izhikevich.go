package brain

import (
	"fmt"
	"math"
)

// Izhikevich is the simple model of Izhikevich (2003, IEEE Trans. Neural
// Netw. 14:1569), a NeuronModel:
//
//	dv/dt = 0.04·v² + 5·v + 140 − u + I
//	du/dt = a·(b·v − u)
//	when v ≥ VPeakMV (30 mV):  v ← c,  u ← u + d
//
// v in mV, t in ms, and u and I in the model's units, which are pA for a
// membrane capacitance of 1 pF (so that dv/dt in mV/ms = I in pA / 1 pF).
// The per-neuron parameters a, b, c, d are state variables (constant
// unless you change them), so that a population can be heterogeneous, as
// in the paper's network; they start at A, B, C, D. v starts at C and u at
// B·C.
//
// Synaptic input is a current pulse lasting one step: the weights
// delivered into Input(Excitatory) and Input(Inhibitory) (pA) act during
// the step and are then cleared, as in the paper's network, where a spike
// adds its weight to I for one 1-ms step. v is integrated by forward Euler
// in substeps of at most 0.5 ms (the paper: two half-millisecond steps per
// millisecond), u by one Euler step of dt; at dt = 1 ms this is the
// paper's scheme exactly.
//
// Presets (Izhikevich 2003, Fig. 2): regular spiking (RS) a = 0.02, b =
// 0.2, c = −65, d = 8; fast spiking (FS) a = 0.1, b = 0.2, c = −65, d = 2;
// chattering (CH) c = −50, d = 2; intrinsically bursting (IB) c = −55,
// d = 4.
type Izhikevich struct {
	A, B, C, D float64 // initial a (1/ms), b (1), c (mV), d (pA)
	VPeakMV    float64 // spike cut-off (mV); 0 means 30

	sub  int     // v substeps per step
	h    float64 // substep (ms)
	dt   float64
	peak float64
}

// Vars are v (mV), u (pA) and the per-neuron parameters a, b, c, d.
func (m *Izhikevich) Vars() []Var {
	return []Var{
		{Name: "V", Unit: "mV", Init: m.C},
		{Name: "U", Unit: "pA", Init: m.B * m.C},
		{Name: "a", Unit: "1/ms", Init: m.A},
		{Name: "b", Unit: "1", Init: m.B},
		{Name: "c", Unit: "mV", Init: m.C},
		{Name: "d", Unit: "pA", Init: m.D},
	}
}

// Prepare checks the parameters and sets the substep.
func (m *Izhikevich) Prepare(dt float64, s *State) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"A", m.A}, {"B", m.B}, {"C", m.C}, {"D", m.D}, {"VPeakMV", m.VPeakMV}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("brain: Izhikevich.%s = %v: must be finite", f.name, f.v)
		}
	}
	m.peak = 30
	if m.VPeakMV != 0 {
		m.peak = m.VPeakMV
	}
	if !(m.C < m.peak) {
		return fmt.Errorf("brain: Izhikevich.C = %v: must be below the peak %v mV", m.C, m.peak)
	}
	m.sub = max(1, int(math.Ceil(dt/0.5-1e-9)))
	m.h = dt / float64(m.sub)
	m.dt = dt
	return nil
}

// Step advances neurons lo … hi−1.
func (m *Izhikevich) Step(s *State, lo, hi int, _ int64, dst []int32) []int32 {
	v, u := s.Var(0)[lo:hi], s.Var(1)[lo:hi]
	a, b, c, d := s.Var(2)[lo:hi], s.Var(3)[lo:hi], s.Var(4)[lo:hi], s.Var(5)[lo:hi]
	ge, gi, iext := s.Input(Excitatory)[lo:hi], s.Input(Inhibitory)[lo:hi], s.IExt()[lo:hi]
	h, dt, peak, sub := m.h, m.dt, m.peak, m.sub
	for k := range v {
		I := iext[k] + ge[k] - gi[k]
		ge[k], gi[k] = 0, 0
		x, y := v[k], u[k]
		for range sub {
			x += h * (0.04*x*x + 5*x + 140 - y + I)
		}
		y += dt * a[k] * (b[k]*x - y)
		if x >= peak {
			x = c[k]
			y += d[k]
			dst = append(dst, int32(lo+k))
		}
		v[k], u[k] = x, y
	}
	return dst
}
