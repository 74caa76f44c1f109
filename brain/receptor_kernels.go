package brain

import (
	"fmt"
	"math"
)

// A RiseDecayKernel is the kinetics of a receptor whose conductance (or
// current) rises and then decays after a spike (alpha function, difference
// of exponentials): a second-order linear filter with two per-neuron
// variables, the input x that spikes add their weights into and the
// conductance g (nS, or current in pA) that drives the receptor's current.
// A NeuronModel keeps both among its declared variables (so that
// checkpoints, recorders and blow-up detection cover them), moves the
// weights delivered into State.Input into x, and calls Current from its
// Step. It is the second-order counterpart of ReceptorKernel: AlphaCurrent,
// AlphaConductance, DualExpCurrent and DualExpConductance (which carries
// the NMDA magnesium block) are the library's.
//
// Every library kernel is normalised so that one spike of weight w makes g
// peak at exactly w, and its discrete-time update is the exact solution of
// the kernel's linear equations over one step (g at the end of step n is
// the closed form at t = n·dt), so it does not depend on dt.
type RiseDecayKernel interface {
	// Prepare checks the parameters and precomputes the propagator for
	// time step dt (ms).
	Prepare(dt float64) error
	// Current adds to i[k] the current (pA) that g[k] drives at membrane
	// potential v[k] (mV) during the step, then advances (x[k], g[k]) by
	// one step, for every k. The four slices have the same length.
	Current(x, g, v, i []float64)
}

// riseDecay is the exact propagator of the linear filter
//
//	dx/dt = −x/τr,  dg/dt = −g/τd + c·x
//
// over one step h: x ← x·pr, g ← g·pd + k·x, with k = c·τrτd/(τd−τr)·
// (pd − pr) for τr ≠ τd and k = c·h·pd for τr = τd (alpha).
type riseDecay struct {
	pr, pd, k float64
}

// prepare computes the propagator for rise τr and decay τd (ms, τr ≤ τd)
// with c chosen so that x(0) = w, g(0) = 0 peaks at g = w.
func (p *riseDecay) prepare(kind string, dt, tr, td float64) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"rise time constant", tr}, {"decay time constant", td}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("brain: %s: %s = %v ms: must be a finite number > 0", kind, f.name, f.v)
		}
	}
	p.pr, p.pd = math.Exp(-dt/tr), math.Exp(-dt/td)
	if tr == td {
		c := math.E / td // g(t) = w·(t/τ)·e^(1−t/τ), peak w at t = τ
		p.k = c * dt * p.pd
		return nil
	}
	if !(tr < td) {
		return fmt.Errorf("brain: %s: rise time constant %v ms must be below the decay time constant %v ms", kind, tr, td)
	}
	tp := DualExpPeakMS(tr, td)
	peak := math.Exp(-tp/td) - math.Exp(-tp/tr)
	// g(t) = c·w·τrτd/(τd−τr)·(e^(−t/τd) − e^(−t/τr)) peaks at w.
	a := tr * td / (td - tr)
	c := 1 / (a * peak)
	p.k = c * a * (p.pd - p.pr)
	return nil
}

// DualExpPeakMS is the time (ms) at which the difference of exponentials
// e^(−t/τd) − e^(−t/τr) peaks: τrτd/(τd−τr)·ln(τd/τr) (τr < τd, ms).
func DualExpPeakMS(tauRiseMS, tauDecayMS float64) float64 {
	tr, td := tauRiseMS, tauDecayMS
	return tr * td / (td - tr) * math.Log(td/tr)
}

// DualExpShape is the conductance (or current) of a dual-exponential
// kernel at t ms after a spike of weight 1: N·(e^(−t/τd) − e^(−t/τr)) with
// N making the peak 1 (0 for t < 0); with τr == τd it is the alpha
// function (t/τ)·e^(1−t/τ). It is the closed form the kernels are tested
// against.
func DualExpShape(tauRiseMS, tauDecayMS, t float64) float64 {
	if t < 0 {
		return 0
	}
	tr, td := tauRiseMS, tauDecayMS
	if tr == td {
		return t / td * math.Exp(1-t/td)
	}
	tp := DualExpPeakMS(tr, td)
	return (math.Exp(-t/td) - math.Exp(-t/tr)) / (math.Exp(-tp/td) - math.Exp(-tp/tr))
}

// advance is the propagator applied to every neuron, with drive(k, g)
// the current of conductance g at neuron k.
func (p *riseDecay) step(x, g []float64) {
	pr, pd, kk := p.pr, p.pd, p.k
	g = g[:len(x)]
	for k, a := range x {
		g[k] = g[k]*pd + kk*a
		x[k] = a * pr
	}
}

// AlphaCurrent is a current-based alpha synapse: a spike of weight w (pA)
// gives the current w·(t/τ)·e^(1−t/τ), which peaks at w at t = τ.
type AlphaCurrent struct {
	TauMS float64 // time to peak (ms)
	p     riseDecay
}

// Prepare computes the propagator.
func (r *AlphaCurrent) Prepare(dt float64) error {
	return r.p.prepare("AlphaCurrent (TauMS)", dt, r.TauMS, r.TauMS)
}

// Current adds g to i and advances (x, g).
func (r *AlphaCurrent) Current(x, g, v, i []float64) {
	addCurrent(g, i)
	r.p.step(x, g)
}

// AlphaConductance is a conductance-based alpha synapse: a spike of weight
// w (nS) gives g(t) = w·(t/τ)·e^(1−t/τ), peak w at t = τ, and the current
// g·(EMV − V) (pA).
type AlphaConductance struct {
	TauMS float64 // time to peak (ms)
	EMV   float64 // reversal potential (mV)
	p     riseDecay
}

// Prepare computes the propagator.
func (r *AlphaConductance) Prepare(dt float64) error {
	if err := checkFinite("AlphaConductance", "EMV", r.EMV); err != nil {
		return err
	}
	return r.p.prepare("AlphaConductance (TauMS)", dt, r.TauMS, r.TauMS)
}

// Current adds g·(EMV − v) to i and advances (x, g).
func (r *AlphaConductance) Current(x, g, v, i []float64) {
	addConductance(g, v, i, r.EMV)
	r.p.step(x, g)
}

// DualExpCurrent is a current-based dual-exponential synapse: a spike of
// weight w (pA) gives w·N·(e^(−t/τd) − e^(−t/τr)), normalised to peak at w
// at t = τrτd/(τd−τr)·ln(τd/τr) (DualExpPeakMS).
type DualExpCurrent struct {
	TauRiseMS, TauDecayMS float64 // rise and decay time constants (ms), rise < decay
	p                     riseDecay
}

// Prepare computes the propagator.
func (r *DualExpCurrent) Prepare(dt float64) error {
	return r.p.prepare("DualExpCurrent", dt, r.TauRiseMS, r.TauDecayMS)
}

// Current adds g to i and advances (x, g).
func (r *DualExpCurrent) Current(x, g, v, i []float64) {
	addCurrent(g, i)
	r.p.step(x, g)
}

// DualExpConductance is a conductance-based dual-exponential synapse: a
// spike of weight w (nS) gives g(t) = w·N·(e^(−t/τd) − e^(−t/τr)) (peak w,
// see DualExpCurrent) and the current g·B(V)·(EMV − V) (pA). With MgMM > 0
// it is an NMDA receptor: B(V) = 1/(1 + [Mg²⁺]/3.57 mM·e^(−0.062·V)) is
// the voltage-dependent magnesium block of Jahr & Stevens (1990, J.
// Neurosci. 10:3178), V in mV; with MgMM = 0, B = 1.
type DualExpConductance struct {
	TauRiseMS, TauDecayMS float64 // rise and decay time constants (ms), rise < decay
	EMV                   float64 // reversal potential (mV)
	MgMM                  float64 // extracellular Mg²⁺ (mM); 0: no block
	p                     riseDecay
}

// Prepare computes the propagator.
func (r *DualExpConductance) Prepare(dt float64) error {
	if err := checkFinite("DualExpConductance", "EMV", r.EMV); err != nil {
		return err
	}
	if !(r.MgMM >= 0) || math.IsInf(r.MgMM, 0) {
		return fmt.Errorf("brain: DualExpConductance: MgMM = %v mM: must be a finite number ≥ 0", r.MgMM)
	}
	return r.p.prepare("DualExpConductance", dt, r.TauRiseMS, r.TauDecayMS)
}

// Current adds g·B(v)·(EMV − v) to i and advances (x, g).
func (r *DualExpConductance) Current(x, g, v, i []float64) {
	if r.MgMM == 0 {
		addConductance(g, v, i, r.EMV)
	} else {
		e, mg := r.EMV, r.MgMM/3.57
		v, i := v[:len(g)], i[:len(g)]
		for k, y := range g {
			i[k] += y * (e - v[k]) / (1 + mg*math.Exp(-0.062*v[k]))
		}
	}
	r.p.step(x, g)
}

// MgBlock is the fraction of NMDA conductance left unblocked at membrane
// potential vMV (mV) and extracellular magnesium mgMM (mM): 1/(1 +
// [Mg²⁺]/3.57·e^(−0.062·V)) (Jahr & Stevens 1990).
func MgBlock(vMV, mgMM float64) float64 { return 1 / (1 + mgMM/3.57*math.Exp(-0.062*vMV)) }

func addCurrent(g, i []float64) {
	i = i[:len(g)]
	for k, y := range g {
		i[k] += y
	}
}

func addConductance(g, v, i []float64, e float64) {
	v, i = v[:len(g)], i[:len(g)]
	for k, y := range g {
		i[k] += y * (e - v[k])
	}
}

func checkFinite(kind, field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("brain: %s: %s = %v: must be finite", kind, field, v)
	}
	return nil
}

// Literature receptor kinetics (conductance-based, dual exponential, peak
// conductance = weight): the default synapse parameters of NEST's
// ht_neuron, the thalamocortical cell of Hill & Tononi (2005, J.
// Neurophysiol. 93:1671), with the NMDA magnesium block of Jahr & Stevens
// (1990) at their physiological 1 mM Mg²⁺ in place of ht_neuron's own
// block:
//
//	receptor  rise (ms)  decay (ms)  reversal (mV)  peak after (ms)
//	AMPA         0.5        2.4           0             0.99
//	NMDA         4         40             0            10.2  (Mg block, 1 mM)
//	GABA_A       1          7           −70             2.27
//	GABA_B      60        200           −90           103.2
//
// Each call returns a new kernel (one per population).
func AMPAReceptor() *DualExpConductance {
	return &DualExpConductance{TauRiseMS: 0.5, TauDecayMS: 2.4, EMV: 0}
}

// NMDAReceptor is the NMDA kernel of the table above (AMPAReceptor).
func NMDAReceptor() *DualExpConductance {
	return &DualExpConductance{TauRiseMS: 4, TauDecayMS: 40, EMV: 0, MgMM: 1}
}

// GABAAReceptor is the GABA_A kernel of the table above (AMPAReceptor).
func GABAAReceptor() *DualExpConductance {
	return &DualExpConductance{TauRiseMS: 1, TauDecayMS: 7, EMV: -70}
}

// GABABReceptor is the slow GABA_B kernel of the table above
// (AMPAReceptor).
func GABABReceptor() *DualExpConductance {
	return &DualExpConductance{TauRiseMS: 60, TauDecayMS: 200, EMV: -90}
}
