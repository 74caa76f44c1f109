package models

import (
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// Constructors of the community's standard networks, built only with the
// public API of package brain so that benchmarks, notebooks and tests
// share them. Each returns an unbuilt network: add recorders, then Run.

// benchLIF is the LIF cell of the Brette et al. 2007 benchmarks (J Comput
// Neurosci 23:349; Vogels & Abbott 2005, J Neurosci 25:10786):
//
//	τm 20 ms (C 200 pF, gL 10 nS) | Vt −50 mV | Vr −60 mV | t_ref 5 ms
//	τe 5 ms | τi 10 ms
func benchLIF(name string, el float64, model brain.SynapseModel, inhibitory bool) brain.Params {
	return brain.Params{
		Name: name, C: 200, GL: 10, EL: el, VT: -50, VReset: -60, TRef: 5,
		Inhibitory: inhibitory, Efficacy: 1,
		Synapse: brain.SynapseParams{Model: model, TauE: 5, TauI: 10, EE: 0, EI: -80},
	}
}

// benchNet builds the shared skeleton of CUBA and COBA: n LIF neurons,
// 80 % excitatory, every ordered pair connected with p = 80/n (0.02 at
// n = 4000; autapses allowed, as in the Brian2 reference), one-step delay.
func benchNet(n int, seed uint64, el float64, model brain.SynapseModel, we, wi float64) (net *brain.Network, exc, inh *brain.Population, err error) {
	if n < 100 {
		return nil, nil, nil, fmt.Errorf("models: benchmark network: n = %d: need ≥ 100", n)
	}
	ne := n * 4 / 5
	exc, err = brain.NewPopulation("exc", ne, benchLIF("exc", el, model, false))
	if err != nil {
		return nil, nil, nil, err
	}
	inh, err = brain.NewPopulation("inh", n-ne, benchLIF("inh", el, model, true))
	if err != nil {
		return nil, nil, nil, err
	}
	net = brain.NewNetwork(brain.DefaultDT, seed)
	conn := brain.FixedProbability{P: min(1, 80/float64(n))}
	for _, pre := range []*brain.Population{exc, inh} {
		w := we
		if pre == inh {
			w = wi
		}
		for _, post := range []*brain.Population{exc, inh} {
			if _, err := net.Connect(pre, post, conn, brain.SynapseSpec{Weight: brain.Const(w)}); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return net, exc, inh, nil
}

// CUBA is the current-based benchmark network of Brette et al. 2007
// (benchmark 2; Vogels & Abbott 2005) with n neurons:
//
//	τm dv/dt = (ge + gi) − (v − El),  El −49 mV, Vt −50 mV, Vr −60 mV
//	we = 1.62 mV → 16.2 pA,  wi = −9 mV → −90 pA  (× gL = 10 nS)
//	initial v uniform in [Vr, Vt)
//
// The synaptic jumps of the benchmark are in mV of ge (τm dv/dt = ge);
// with C = 200 pF and gL = 10 nS they are currents of gL·we. The
// reference mean rate is 5.7–6.0 Hz. Populations are "exc" and "inh".
func CUBA(n int, seed uint64) (*brain.Network, error) {
	net, exc, inh, err := benchNet(n, seed, -49, brain.CurrentExp, 16.2, -90)
	if err != nil {
		return nil, err
	}
	for k, pop := range []*brain.Population{exc, inh} {
		r := brain.NewStream(seed, 1, uint64(k))
		for i := range pop.V {
			pop.V[i] = -60 + 10*r.Float64() // uniform in [Vr, Vt)
		}
	}
	return net, nil
}

// COBA is the conductance-based benchmark network of Brette et al. 2007
// (benchmark 1; Vogels & Abbott 2005) with n neurons:
//
//	τm dv/dt = ge(Ee − v) + gi(Ei − v) − (v − El),  El −60 mV, Ee 0 mV, Ei −80 mV
//	exc spike: ge += 6 nS;  inh spike: gi += 67 nS
//	initial v = El + 5z − 5 mV, ge = (1.5z + 4)·10 nS, gi = (12z + 20)·10 nS
//
// (z independent standard normals). The reference mean rate is 18–20 Hz.
// Populations are "exc" and "inh".
func COBA(n int, seed uint64) (*brain.Network, error) {
	net, exc, inh, err := benchNet(n, seed, -60, brain.ConductanceExp, 6, -67)
	if err != nil {
		return nil, err
	}
	for k, pop := range []*brain.Population{exc, inh} {
		r := brain.NewStream(seed, 3, uint64(k))
		ge, gi := pop.Input(brain.Proximal, brain.Excitatory), pop.Input(brain.Proximal, brain.Inhibitory)
		for i := range pop.V {
			pop.V[i] = -60 + 5*r.NormFloat64() - 5
			ge[i] = (1.5*r.NormFloat64() + 4) * 10
			gi[i] = (12*r.NormFloat64() + 20) * 10
		}
	}
	return net, nil
}

// SongSTDP is the STDP benchmark of Song, Miller & Abbott 2000 (Nat
// Neurosci 3:919) in the form of the Brian2 example (Brian2 documentation,
// examples/frompapers/Song_Miller_Abbott_2000): 1000
// Poisson inputs at 15 Hz ("input") onto one conductance-based LIF neuron
// ("post") through additive, all-to-all STDP synapses (SongRule), initial
// weights uniform in [0, gmax):
//
//	τm dv/dt = ge(Ee − v) + El − v,  τe dge/dt = −ge
//	τm 10 ms | El −74 mV | vt −54 mV | vr −60 mV | Ee 0 mV | τe 5 ms | no refractoriness
//	gmax = 0.01 gL = 0.1 nS (gL = 10 nS, so C = 100 pF)
//
// The reference output rate is ≈ 26 Hz over 100 s, and the weights move
// to the bounds (Song). The STDP projection is
// net.Projections()[0].
func SongSTDP(seed uint64) (*brain.Network, error) {
	const gL = 10.0        // nS
	const gmax = 0.01 * gL // nS (Song et al. 2000 via the Brian2 example)
	p := brain.Params{
		Name: "song", C: 10 * gL, GL: gL, EL: -74, VT: -54, VReset: -60, TRef: 0,
		Efficacy: 1,
		Synapse:  brain.SynapseParams{Model: brain.ConductanceExp, TauE: 5, TauI: 5, EE: 0, EI: -80},
	}
	post, err := brain.NewPopulation("post", 1, p)
	if err != nil {
		return nil, err
	}
	in, err := brain.NewPoissonGroup("input", 1000, 15)
	if err != nil {
		return nil, err
	}
	rule := brain.SongRule(gmax)
	net := brain.NewNetwork(brain.DefaultDT, seed)
	if _, err := net.ConnectSource(in, post, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Uniform(0, gmax), STDP: &rule}); err != nil {
		return nil, err
	}
	return net, nil
}

// BrunelParams configure the sparse excitatory–inhibitory network of
// Brunel 2000 (J Comput Neurosci 8:183), model A: NE excitatory and
// NI = NE/4 inhibitory LIF cells; every cell receives CE = ε·NE
// excitatory and CI = ε·NI inhibitory recurrent inputs (fixed in-degree,
// no autapses) and CE independent external Poisson inputs at ν_ext =
// Eta·ν_thr, with ν_thr = θ/(J·CE·τ) the external rate that brings the
// mean input to threshold. Excitatory PSPs are J, inhibitory −G·J, all
// with delay DelayMS.
type BrunelParams struct {
	NE      int     // excitatory cells (Brunel: 10 000)
	Epsilon float64 // connection probability (Brunel: 0.1)
	JmV     float64 // EPSP amplitude J (mV; Brunel: 0.1)
	G       float64 // relative strength of inhibition g
	Eta     float64 // ν_ext/ν_thr
	DelayMS float64 // transmission delay D (ms; Brunel: 1.5)
}

// Brunel cell (Brunel 2000, section 2): τ = 20 ms, θ = 20 mV and
// Vr = 10 mV above rest, τrp = 2 ms; rest placed at −70 mV. Brunel's
// synapses are delta currents; here they are exponential currents with
// τ = 0.01 ms, which deliver 99.995 % of their charge within the first
// 0.1 ms step, and the weight is set so that the PSP peak is exactly J.
const (
	brunelTauM  = 20.0  // ms
	brunelTauS  = 0.01  // ms, stands in for Brunel's delta synapses
	brunelTheta = 20.0  // mV above rest
	brunelVr    = 10.0  // mV above rest
	brunelTRef  = 2.0   // ms
	brunelC     = 250.0 // pF (any value; only τ matters for a current-free LIF)
	brunelEL    = -70.0 // mV
)

// pspPeakPerPA is the peak depolarisation (mV) caused by an exponential
// synaptic current of 1 pA initial amplitude with time constant tauS (ms)
// in a passive membrane of time constant tauM (ms) and capacitance c (pF).
func pspPeakPerPA(tauM, tauS, c float64) float64 {
	tp := tauS * tauM / (tauM - tauS) * math.Log(tauM/tauS)
	return tauS * tauM / (c * (tauM - tauS)) * (math.Exp(-tp/tauM) - math.Exp(-tp/tauS))
}

// BrunelPoint returns the parameters of one of the four example states of
// Brunel 2000, Fig. 8, on a network of ne excitatory cells with ε = 0.1,
// J = 0.1 mV, D = 1.5 ms: "SR" (g = 3, η = 2, synchronous regular), "AI"
// (g = 5, η = 2, asynchronous irregular), "SIfast" (g = 6, η = 4,
// synchronous irregular with fast oscillations), "SIslow" (g = 4.5,
// η = 0.9, synchronous irregular with slow oscillations).
func BrunelPoint(name string, ne int) (BrunelParams, error) {
	bp := BrunelParams{NE: ne, Epsilon: 0.1, JmV: 0.1, DelayMS: 1.5}
	switch name {
	case "SR":
		bp.G, bp.Eta = 3, 2
	case "AI":
		bp.G, bp.Eta = 5, 2
	case "SIfast":
		bp.G, bp.Eta = 6, 4
	case "SIslow":
		bp.G, bp.Eta = 4.5, 0.9
	default:
		return bp, fmt.Errorf("models: BrunelPoint: unknown state %q (want SR, AI, SIfast, SIslow)", name)
	}
	return bp, nil
}

// Brunel builds the network of bp; populations "exc" and "inh", external
// sources "extE" and "extI". Membrane potentials start uniform between
// reset and threshold.
func Brunel(bp BrunelParams, seed uint64) (*brain.Network, error) {
	if bp.NE < 8 || !(bp.Epsilon > 0 && bp.Epsilon <= 1) || !(bp.JmV > 0) || !(bp.G >= 0) || !(bp.Eta >= 0) || !(bp.DelayMS > 0) {
		return nil, fmt.Errorf("models: Brunel: invalid parameters %+v", bp)
	}
	ni := bp.NE / 4
	ce := int(math.Round(bp.Epsilon * float64(bp.NE)))
	ci := int(math.Round(bp.Epsilon * float64(ni)))
	gl := brunelC / brunelTauM
	cell := func(name string, inh bool) brain.Params {
		return brain.Params{Name: name, C: brunelC, GL: gl, EL: brunelEL, VT: brunelEL + brunelTheta,
			VReset: brunelEL + brunelVr, TRef: brunelTRef, Inhibitory: inh, Efficacy: 1,
			Synapse: brain.SynapseParams{Model: brain.CurrentExp, TauE: brunelTauS, TauI: brunelTauS}}
	}
	exc, err := brain.NewPopulation("exc", bp.NE, cell("exc", false))
	if err != nil {
		return nil, err
	}
	inh, err := brain.NewPopulation("inh", ni, cell("inh", true))
	if err != nil {
		return nil, err
	}
	w := bp.JmV / pspPeakPerPA(brunelTauM, brunelTauS, brunelC)       // pA
	nuThr := brunelTheta / (bp.JmV * float64(ce) * brunelTauM) * 1000 // Hz
	extRate := bp.Eta * nuThr * float64(ce)                           // Hz per cell
	net := brain.NewNetwork(brain.DefaultDT, seed)
	d := brain.Const(bp.DelayMS)
	for _, post := range []*brain.Population{exc, inh} {
		if _, err := net.Connect(exc, post, brain.FixedInDegree{K: ce, NoSelf: true}, brain.SynapseSpec{Weight: brain.Const(w), Delay: d}); err != nil {
			return nil, err
		}
		if _, err := net.Connect(inh, post, brain.FixedInDegree{K: ci, NoSelf: true}, brain.SynapseSpec{Weight: brain.Const(-bp.G * w), Delay: d}); err != nil {
			return nil, err
		}
		ext, err := brain.NewPoissonGroup("ext"+map[bool]string{true: "E", false: "I"}[post == exc], post.N, extRate)
		if err != nil {
			return nil, err
		}
		if _, err := net.ConnectSource(ext, post, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(w), Delay: d}); err != nil {
			return nil, err
		}
	}
	for k, pop := range []*brain.Population{exc, inh} {
		r := brain.NewStream(seed, 4, uint64(k))
		for i := range pop.V {
			pop.V[i] = brunelEL + brunelVr + (brunelTheta-brunelVr)*r.Float64()
		}
	}
	return net, nil
}
