package diehlcook

import (
	"math"
	"testing"
)

// TestMembraneDoesNotOvershoot drives one excitatory and one inhibitory
// cell with conductances large enough that the forward Euler step would
// carry the membrane past its equilibrium (k = dt(1+g)/τ > 1). The default
// model must land on the exact solution, inside the reversal potentials;
// with EulerMembrane it must reproduce the published code's Euler step.
func TestMembraneDoesNotOvershoot(t *testing.T) {
	for _, euler := range []bool{false, true} {
		p := Paper(4)
		p.EulerMembrane = euler
		s, err := NewSim(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewModel(p, nil)
		if err == nil {
			t.Fatal("NewModel accepted a nil rng")
		}
		m = &Model{P: p, W: make([]float64, p.InputPerCell*p.NExc), Theta: make([]float64, p.NExc)}
		for j := range m.Theta {
			m.Theta[j] = p.ThetaInit
		}
		s.reset()
		// cell 0: strong inhibition (k ≈ 2.5); cell 1: weak (k < 1);
		// inhibitory cell 2: strong drive from its partner (k > 1).
		s.gi[0], s.gi[1] = 500, 20
		s.gei[2] = 40
		s.activate(2)
		v0, v1, vi2 := s.ve[0], s.ve[1], s.vi[2]
		s.run(m, false, 0, 1)

		kE := p.Dt / p.TauE * (1 + 500)
		vInf := (p.VRestE + 500*p.EInhE) / 501
		exact := vInf + (v0-vInf)*math.Exp(-kE)
		eulerE := v0 + p.Dt/p.TauE*((p.VRestE-v0)+500*(p.EInhE-v0))
		want := exact
		if euler {
			want = eulerE
		}
		if s.ve[0] != want {
			t.Errorf("EulerMembrane %v: strongly inhibited v = %.6f mV, want %.6f (exact %.6f, Euler %.6f)", euler, s.ve[0], want, exact, eulerE)
		}
		if !euler && (s.ve[0] < p.EInhE || s.ve[0] > v0) {
			t.Errorf("v = %.6f mV left [E_inh, v0] = [%g, %g]", s.ve[0], p.EInhE, v0)
		}
		if euler && s.ve[0] >= p.EInhE {
			t.Errorf("the Euler step should overshoot E_inh here: v = %.6f mV", s.ve[0])
		}
		// k < 1: an Euler step in both schemes, bit for bit.
		if w := v1 + p.Dt/p.TauE*((p.VRestE-v1)+20*(p.EInhE-v1)); s.ve[1] != w {
			t.Errorf("EulerMembrane %v: weakly inhibited v = %.17g, want the Euler step %.17g", euler, s.ve[1], w)
		}
		kI := p.Dt / p.TauI * (1 + 40)
		viInf := (p.VRestI + 40*p.EExc) / 41
		wantI := viInf + (vi2-viInf)*math.Exp(-kI)
		if euler {
			wantI = vi2 + p.Dt/p.TauI*((p.VRestI-vi2)+40*(p.EExc-vi2))
		}
		if wantI > p.VThreshI {
			wantI = p.VResetI // it fires and is reset
		}
		if s.vi[2] != wantI {
			t.Errorf("EulerMembrane %v: inhibitory v = %.6f mV, want %.6f", euler, s.vi[2], wantI)
		}
	}
}
