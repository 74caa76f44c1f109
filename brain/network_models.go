package brain

import (
	"fmt"
)

// Model constructors for the community's standard networks
// (BENCHMARKS.md), built only with the public API so that benchmarks,
// notebooks and tests share them. Each returns an unbuilt network: add
// recorders, then Run.

// benchLIF is the LIF cell of the Brette et al. 2007 benchmarks (J Comput
// Neurosci 23:349; Vogels & Abbott 2005, J Neurosci 25:10786):
//
//	τm 20 ms (C 200 pF, gL 10 nS) | Vt −50 mV | Vr −60 mV | t_ref 5 ms
//	τe 5 ms | τi 10 ms
func benchLIF(name string, el float64, model SynapseModel, inhibitory bool) Params {
	return Params{
		Name: name, C: 200, GL: 10, EL: el, VT: -50, VReset: -60, TRef: 5,
		Inhibitory: inhibitory, Efficacy: 1,
		Synapse: SynapseParams{Model: model, TauE: 5, TauI: 10, EE: 0, EI: -80},
	}
}

// benchNet builds the shared skeleton of CUBA and COBA: n LIF neurons,
// 80 % excitatory, every ordered pair connected with p = 80/n (0.02 at
// n = 4000; autapses allowed, as in the Brian2 reference), one-step delay.
func benchNet(n int, seed uint64, el float64, model SynapseModel, we, wi float64) (net *Network, exc, inh *Population, err error) {
	if n < 100 {
		return nil, nil, nil, fmt.Errorf("brain: benchmark network: n = %d: need ≥ 100", n)
	}
	ne := n * 4 / 5
	exc, err = NewPopulation("exc", ne, benchLIF("exc", el, model, false))
	if err != nil {
		return nil, nil, nil, err
	}
	inh, err = NewPopulation("inh", n-ne, benchLIF("inh", el, model, true))
	if err != nil {
		return nil, nil, nil, err
	}
	net = NewNetwork(DefaultDT, seed)
	conn := FixedProbability{P: min(1, 80/float64(n))}
	for _, pre := range []*Population{exc, inh} {
		w := we
		if pre == inh {
			w = wi
		}
		for _, post := range []*Population{exc, inh} {
			if _, err := net.Connect(pre, post, conn, SynapseSpec{Weight: Const(w)}); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return net, exc, inh, nil
}

// CUBA is the current-based benchmark network of Brette et al. 2007
// (benchmark 2; Vogels & Abbott 2005) with n neurons (BENCHMARKS.md):
//
//	τm dv/dt = (ge + gi) − (v − El),  El −49 mV, Vt −50 mV, Vr −60 mV
//	we = 1.62 mV → 16.2 pA,  wi = −9 mV → −90 pA  (× gL = 10 nS)
//	initial v uniform in [Vr, Vt)
//
// The synaptic jumps of the benchmark are in mV of ge (τm dv/dt = ge);
// with C = 200 pF and gL = 10 nS they are currents of gL·we. The
// reference mean rate is 5.7–6.0 Hz. Populations are "exc" and "inh".
func CUBA(n int, seed uint64) (*Network, error) {
	net, exc, inh, err := benchNet(n, seed, -49, CurrentExp, 16.2, -90)
	if err != nil {
		return nil, err
	}
	for k, pop := range []*Population{exc, inh} {
		r := NewStream(seed, 1, uint64(k))
		for i := range pop.V {
			pop.V[i] = -60 + 10*r.Float64() // uniform in [Vr, Vt)
		}
	}
	return net, nil
}

// COBA is the conductance-based benchmark network of Brette et al. 2007
// (benchmark 1; Vogels & Abbott 2005) with n neurons (BENCHMARKS.md):
//
//	τm dv/dt = ge(Ee − v) + gi(Ei − v) − (v − El),  El −60 mV, Ee 0 mV, Ei −80 mV
//	exc spike: ge += 6 nS;  inh spike: gi += 67 nS
//	initial v = El + 5z − 5 mV, ge = (1.5z + 4)·10 nS, gi = (12z + 20)·10 nS
//
// (z independent standard normals). The reference mean rate is 18–20 Hz.
// Populations are "exc" and "inh".
func COBA(n int, seed uint64) (*Network, error) {
	net, exc, inh, err := benchNet(n, seed, -60, ConductanceExp, 6, -67)
	if err != nil {
		return nil, err
	}
	for k, pop := range []*Population{exc, inh} {
		r := NewStream(seed, 3, uint64(k))
		ge, gi := pop.Input(Proximal, Excitatory), pop.Input(Proximal, Inhibitory)
		for i := range pop.V {
			pop.V[i] = -60 + 5*r.NormFloat64() - 5
			ge[i] = (1.5*r.NormFloat64() + 4) * 10
			gi[i] = (12*r.NormFloat64() + 20) * 10
		}
	}
	return net, nil
}

// SongSTDP is the STDP benchmark of Song, Miller & Abbott 2000 (Nat
// Neurosci 3:919) in the form of the Brian2 example (BENCHMARKS.md): 1000
// Poisson inputs at 15 Hz ("input") onto one conductance-based LIF neuron
// ("post") through additive, all-to-all STDP synapses (SongRule), initial
// weights uniform in [0, gmax):
//
//	τm dv/dt = ge(Ee − v) + El − v,  τe dge/dt = −ge
//	τm 10 ms | El −74 mV | vt −54 mV | vr −60 mV | Ee 0 mV | τe 5 ms | no refractoriness
//	gmax = 0.01 gL = 0.1 nS (gL = 10 nS, so C = 100 pF)
//
// The reference output rate is ≈ 26 Hz over 100 s, and the weights move
// to the bounds (BENCHMARKS.md). The STDP projection is
// net.Projections()[0].
func SongSTDP(seed uint64) (*Network, error) {
	const gL = 10.0        // nS
	const gmax = 0.01 * gL // nS (Song et al. 2000 via the Brian2 example)
	p := Params{
		Name: "song", C: 10 * gL, GL: gL, EL: -74, VT: -54, VReset: -60, TRef: 0,
		Efficacy: 1,
		Synapse:  SynapseParams{Model: ConductanceExp, TauE: 5, TauI: 5, EE: 0, EI: -80},
	}
	post, err := NewPopulation("post", 1, p)
	if err != nil {
		return nil, err
	}
	in, err := NewPoissonGroup("input", 1000, 15)
	if err != nil {
		return nil, err
	}
	rule := SongRule(gmax)
	net := NewNetwork(DefaultDT, seed)
	if _, err := net.ConnectSource(in, post, AllToAll{}, SynapseSpec{Weight: Uniform(0, gmax), STDP: &rule}); err != nil {
		return nil, err
	}
	return net, nil
}
