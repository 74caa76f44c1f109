package kernel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The cells of brain's presets (units of Params), for the vector kernel's
// tests: Pyramidal (AdEx soma, Brette & Gerstner 2005, with a passive
// dendrite and adaptation), Interneuron (the soma alone, fast-spiking
// adaptation a = 2C/τw, b = 0), a moving threshold (Δθ 2 mV, τθ 200 ms, the
// slow component of Kobayashi et al. 2009), and the AdEx soma with ΔT = 0
// (a LIF with adaptation, which still takes the Heun kernel).
func vecTestParams() []struct {
	name  string
	p     Params
	drive float64 // mean bias current (pA)
} {
	syn := func(p Params) Params { p.TauE, p.TauI, p.EE, p.EI = 5, 10, 0, -80; return p }
	pyr := syn(Params{C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, VPeak: 20, VReset: -70.6, TRef: 2,
		A: 4, B: 80.5, TauW: 144, Cd: 281, GLd: 30, Gc: 30})
	in := syn(Params{C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, VPeak: 20, VReset: -70.6, TRef: 1,
		A: 2 * 281.0 / 144, TauW: 144})
	th := in
	th.DeltaTheta, th.TauTheta, th.TRef = 2, 200, 2
	lifA := in
	lifA.DeltaT, lifA.VPeak, lifA.A, lifA.B = 0, 0, 4, 40
	return []struct {
		name  string
		p     Params
		drive float64
	}{{"pyramidal", pyr, 1300}, {"soma", in, 900}, {"moving θ", th, 900}, {"ΔT = 0", lifA, 900}}
}

// vecTestState is the state of n cells of p with random V (from well
// below threshold to the upswing), W, synaptic variables and refractory
// clocks, bias currents spread over [0.5, 1.5)·drive and small external
// currents.
func vecTestState(p Params, n int, drive float64, r *rand.Rand) *State {
	mk := func() []float64 { return make([]float64, n) }
	s := &State{V: mk(), Vd: mk(), W: mk(), Theta: mk(), Theta0: mk(), EP: mk(), IP: mk(), ED: mk(), ID: mk(),
		IExt: mk(), IExtDist: mk(), IBias: mk(), Gain: mk(), Ref: mk(), Mu: mk(), Var: mk(), Offset: mk()}
	if p.Gc == 0 {
		s.ED, s.ID = s.EP, s.IP
	}
	for i := range n {
		s.Theta0[i] = p.VT
		s.Theta[i] = p.VT + 3*r.Float64()*p.DeltaTheta
		s.V[i] = p.VT - 25 + 30*r.Float64()
		s.Vd[i] = p.EL + 10*r.Float64()
		s.W[i] = 200 * r.Float64()
		s.EP[i], s.IP[i] = 300*r.Float64(), 300*r.Float64()
		if p.Gc > 0 {
			s.ED[i], s.ID[i] = 300*r.Float64(), 300*r.Float64()
			s.IExtDist[i] = 20 * r.NormFloat64()
		}
		s.IExt[i] = 20 * r.NormFloat64()
		s.IBias[i] = drive * (0.5 + r.Float64())
		s.Gain[i] = 1
		if r.IntN(8) == 0 {
			s.Ref[i] = p.TRef * r.Float64()
		}
	}
	return s
}

func (s *State) clone() *State {
	c := *s
	for _, p := range []*[]float64{&c.V, &c.Vd, &c.W, &c.Theta, &c.Theta0, &c.EP, &c.IP, &c.IExt, &c.IExtDist,
		&c.IBias, &c.Gain, &c.Ref, &c.Mu, &c.Var, &c.Offset} {
		*p = slices.Clone(*p)
	}
	if &s.ED[0] == &s.EP[0] {
		c.ED, c.ID = c.EP, c.IP
	} else {
		c.ED, c.ID = slices.Clone(s.ED), slices.Clone(s.ID)
	}
	return &c
}

// TestHeunVecSupports: the vector kernel takes only the parameters it
// knows: not the sensory rule, nor sizes other than 1, nor conductance
// synapses (the general kernel).
func TestHeunVecSupports(t *testing.T) {
	p := vecTestParams()[0].p
	if c := NewConsts(p, 0.1, true); !c.vecHeun {
		t.Error("the pyramidal cell does not take the vector kernel")
	}
	if c := NewConsts(p, 0.1, false); c.vecHeun {
		t.Error("sizes other than 1 take the vector kernel")
	}
	q := p
	q.TauVar, q.ThetaPerSD, q.ThetaDropMax = 50, 0.1, 6
	if c := NewConsts(q, 0.1, true); c.vecHeun {
		t.Error("the sensory rule takes the vector kernel")
	}
	q = p
	q.Cond = true
	if c := NewConsts(q, 0.1, true); c.vecHeun {
		t.Error("conductance synapses take the vector kernel")
	}
}
