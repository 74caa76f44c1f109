package brain

import (
	"errors"
	"fmt"
	"math"
)

// ReceptorLIF is a conductance-based leaky integrate-and-fire cell with
// four receptors, a ReceptorModel:
//
//	C dV/dt = gL·(EL − V) + Σ_r g_r·B_r(V)·(E_r − V) + I_ext
//	when V ≥ VTh: V ← VReset, refractory for TRefMS
//
// over the receptors AMPA (receptor 0, the default of excitatory
// projections), GABA_A (1, the default of inhibitory ones), NMDA (2, with
// the Mg²⁺ block B(V) of Jahr & Stevens 1990) and GABA_B (3), each a
// RiseDecayKernel (by default AMPAReceptor, GABAAReceptor, NMDAReceptor
// and GABABReceptor; any RiseDecayKernel of yours may replace them).
// Target NMDA or GABA_B with SynapseSpec.Receptor; weights are peak
// conductances (nS).
//
// The membrane parameters default to the pyramidal cell of Brunel & Wang
// (2001, J. Comput. Neurosci. 11:63, Table 1): C = 500 pF, gL = 25 nS
// (τm = 20 ms), EL = −70 mV, threshold −50 mV, reset −55 mV, 2 ms
// refractory. V is integrated by forward Euler with the synaptic current
// of the start of the step (use dt ≤ 0.1 ms); the receptor kinetics are
// exact.
//
// Variables: V (mV), Ref (refractory time left, ms), then x and g of each
// receptor ("xAMPA", "gAMPA", …; nS), and ISyn, the total synaptic
// current of the last step (pA).
type ReceptorLIF struct {
	CPF, GLNS                float64         // capacitance (pF) and leak conductance (nS); 0 means 500 and 25
	ELMV, VThMV, VResetMV    float64         // rest, threshold and reset (mV); all 0 means −70, −50, −55
	TRefMS                   float64         // refractory period (ms); 0 means 2 (negative: none)
	AMPA, GABAA, NMDA, GABAB RiseDecayKernel // nil means the library's kernel

	c, gl, el, th, reset, tref, dt float64
	kern                           [4]RiseDecayKernel
}

// receptorLIFNames are the receptors, in Receptor order.
var receptorLIFNames = []string{"AMPA", "GABA_A", "NMDA", "GABA_B"}

// Receptors are AMPA, GABA_A, NMDA and GABA_B.
func (m *ReceptorLIF) Receptors() []string { return receptorLIFNames }

// Vars are V, Ref, the kernels' x and g, and ISyn.
func (m *ReceptorLIF) Vars() []Var {
	el := m.ELMV
	if m.ELMV == 0 && m.VThMV == 0 && m.VResetMV == 0 {
		el = -70
	}
	vs := []Var{{Name: "V", Unit: "mV", Init: el}, {Name: "Ref", Unit: "ms"}}
	for _, r := range receptorLIFNames {
		n := r
		if r == "GABA_A" || r == "GABA_B" {
			n = "GABA" + r[5:]
		}
		vs = append(vs, Var{Name: "x" + n, Unit: "nS"}, Var{Name: "g" + n, Unit: "nS"})
	}
	return append(vs, Var{Name: "ISyn", Unit: "pA"})
}

// Prepare checks the parameters and prepares the kernels.
func (m *ReceptorLIF) Prepare(dt float64, _ *State) error {
	m.c, m.gl, m.tref = or(m.CPF, 500), or(m.GLNS, 25), or(m.TRefMS, 2)
	m.el, m.th, m.reset = m.ELMV, m.VThMV, m.VResetMV
	if m.ELMV == 0 && m.VThMV == 0 && m.VResetMV == 0 {
		m.el, m.th, m.reset = -70, -50, -55
	}
	for _, f := range []struct {
		name string
		v    float64
		pos  bool
	}{{"CPF", m.c, true}, {"GLNS", m.gl, true}, {"ELMV", m.el, false}, {"VThMV", m.th, false}, {"VResetMV", m.reset, false}, {"TRefMS", m.tref, false}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || (f.pos && f.v <= 0) {
			return fmt.Errorf("brain: ReceptorLIF.%s = %v: must be finite%s", f.name, f.v, map[bool]string{true: " and > 0"}[f.pos])
		}
	}
	if !(m.reset < m.th) {
		return fmt.Errorf("brain: ReceptorLIF.VResetMV = %v: must be below the threshold %v mV", m.reset, m.th)
	}
	m.kern = [4]RiseDecayKernel{m.AMPA, m.GABAA, m.NMDA, m.GABAB}
	def := [4]func() *DualExpConductance{AMPAReceptor, GABAAReceptor, NMDAReceptor, GABABReceptor}
	var errs []error
	for r, k := range m.kern {
		if k == nil {
			m.kern[r] = def[r]()
		}
		if err := m.kern[r].Prepare(dt); err != nil {
			errs = append(errs, fmt.Errorf("brain: ReceptorLIF receptor %s: %w", receptorLIFNames[r], unwrapPrefix(err)))
		}
	}
	m.dt = dt
	return errors.Join(errs...)
}

func or(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// Step advances neurons lo … hi−1.
func (m *ReceptorLIF) Step(s *State, lo, hi int, _ int64, dst []int32) []int32 {
	v, ref := s.Var(0)[lo:hi], s.Var(1)[lo:hi]
	isyn := s.Var(10)[lo:hi]
	clear(isyn)
	for r, k := range m.kern {
		in, x, g := s.Input(Receptor(r))[lo:hi], s.Var(2 + 2*r)[lo:hi], s.Var(3 + 2*r)[lo:hi]
		x = x[:len(in)]
		for j, w := range in {
			x[j] += w
			in[j] = 0
		}
		k.Current(x, g, v, isyn)
	}
	iext := s.IExt()[lo:hi]
	c, gl, el, th, reset, tref, dt := m.c, m.gl, m.el, m.th, m.reset, m.tref, m.dt
	iext, ref, isyn = iext[:len(v)], ref[:len(v)], isyn[:len(v)]
	for k, x := range v {
		if ref[k] > dt/2 {
			ref[k] -= dt
			continue
		}
		ref[k] = 0
		x += dt / c * (gl*(el-x) + isyn[k] + iext[k])
		if x >= th {
			x = reset
			ref[k] = tref
			dst = append(dst, int32(lo+k))
		}
		v[k] = x
	}
	return dst
}
