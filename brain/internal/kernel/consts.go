package kernel

import (
	"math"

	"github.com/neuron-sim/neuron/brain/internal/simd"
)

// Params are the GeneralizedNeuron's parameters as plain numbers, in the
// units of brain.Params (ms, mV, pA, pF, nS). The caller has validated
// them (brain.Params.Validate); the kernels do not check them again.
type Params struct {
	C, GL, EL, VT, DeltaT, VPeak, VReset, TRef float64 // soma: pF, nS, mV, mV, mV, mV, mV, ms
	A, B, TauW                                 float64 // adaptation: nS, pA, ms
	Cd, GLd, Gc                                float64 // dendrite: pF, nS, nS (Gc = 0: none)
	DeltaTheta, TauTheta                       float64 // adaptive threshold: mV, ms
	DeltaTheta2, TauTheta2                     float64 // second threshold component θ2 (MAT): mV, ms
	WSat                                       float64 // saturation of the adaptation increment (pA; 0: none)
	TauVar, ThetaPerSD, ThetaDropMax           float64 // sensory rule: ms, mV per pA, mV
	Cond                                       bool    // conductance synapses (else current synapses)
	Euler                                      bool    // LIF with conductance synapses: forward Euler
	TauE, TauI, EE, EI                         float64 // synapses: ms, ms, mV, mV
}

// IsLIF reports whether p is the leaky integrate-and-fire special case
// (the same test as brain.Params.IsLIF).
func (p *Params) IsLIF() bool {
	return p.DeltaT == 0 && p.A == 0 && p.B == 0 && p.Gc == 0 &&
		p.DeltaTheta == 0 && p.DeltaTheta2 == 0 && p.TauVar == 0
}

// Extended reports whether p uses the optional terms that only the
// General kernel integrates (the same test as brain.Params.Extended): a
// second threshold component θ2 (DeltaTheta2 ≠ 0; its state is
// State.Theta2) or a saturating adaptation increment (WSat > 0, B ≠ 0).
// NewConsts chooses General for such a set; any other kernel must leave
// it alone.
func (p *Params) Extended() bool {
	return p.DeltaTheta2 != 0 || (p.WSat > 0 && p.B != 0)
}

// Kind names the kernel NewConsts chose.
type Kind uint8

const (
	// LIFCurrent is the exact LIF kernel with current synapses.
	LIFCurrent Kind = iota
	// LIFConductance is the exponential-Euler LIF kernel with conductance
	// synapses.
	LIFConductance
	// Heun is the fused Heun kernel of the general model (current
	// synapses, one Heun step per dt).
	Heun
	// General is the general kernel (conductance synapses, several
	// substeps per dt, or the extended terms of Params.Extended).
	General
	// LIFConductanceEuler is the forward-Euler LIF kernel with
	// conductance synapses (Params.Euler).
	LIFConductanceEuler
)

func (k Kind) String() string {
	return [...]string{"LIFCurrent", "LIFConductance", "Heun", "General", "LIFConductanceEuler"}[k]
}

// Consts are a population's kernel constants for one time step, computed
// once by NewConsts (never per step).
type Consts struct {
	kind Kind
	k    lifConsts
	f    fullConsts
	hn   heunConsts

	// vecHeun: the Heun kernel runs in vector form where the CPU has one
	// (heun_vec.go, heunVecSupports)
	vecHeun bool
}

// Kind is the kernel Step runs.
func (c *Consts) Kind() Kind { return c.kind }

// XFast is the largest (V − θ)/ΔT at which the general model takes its
// one-Heun-step fast path; beyond it, or when refractory, a neuron goes
// to the adaptive path.
func (c *Consts) XFast() float64 { return c.k.xFast }

// RefractorySteps is the value an exact LIF neuron's refractory clock is
// set to after a spike, (round(TRef/dt) − ½)·dt ms, or 0 without
// refractoriness; the LIF kernels count it down by dt per step.
func (c *Consts) RefractorySteps() float64 { return c.k.refSet }

// NewConsts computes the constants of the kernel for parameters p and
// time step dt (ms). unitSize says every neuron's Size is 1 (State.Gain
// all ones), which lets the kernels skip the gain.
func NewConsts(p Params, dt float64, unitSize bool) *Consts {
	c := &Consts{k: makeLIFConsts(p, dt)}
	c.k.unitSize = unitSize
	c.f = makeFullConsts(p, &c.k)
	switch {
	case c.k.lif && c.k.cond && p.Euler:
		c.kind = LIFConductanceEuler
	case c.k.lif && c.k.cond:
		c.kind = LIFConductance
	case c.k.lif:
		c.kind = LIFCurrent
	case c.k.heun:
		c.kind = Heun
		c.hn = makeHeun(p, &c.k, &c.f)
		c.vecHeun = heunVecSupports(p, c)
	default:
		c.kind = General
	}
	return c
}

// lifConsts are the per-population constants of the integration
// kernels (the LIF ones and those the general model shares).
type lifConsts struct {
	lif      bool // exact LIF path
	heun     bool // fused Heun kernel (general model, current synapses, one substep)
	unitSize bool // every Size is 1: the kernels skip the gain array
	cond     bool // ConductanceExp synapses
	dend     bool // dendrite present

	h float64 // dt (ms)

	// exponential propagators over one step
	pm     float64 // exp(−h/τm)
	pE, pI float64 // exp(−h/τE), exp(−h/τI)
	pW     float64 // exp(−h/τw) (1 if no adaptation)
	pTh    float64 // exp(−h/τθ) (1 if no threshold dynamics)
	aVar   float64 // 1 − exp(−h/τvar) (0 if no variance rule)

	// exact LIF, current synapses (Rotter & Diesmann 1999)
	kC     float64 // (1 − pm)/GL: mV per pA of constant current
	kE, kI float64 // mV per pA of exponentially decaying synaptic current

	// exact mean of an exponentially decaying conductance over the step,
	// as a fraction of its start value: (τ/h)(1 − exp(−h/τ))
	mE, mI float64
	hOverC float64 // h/C (ms/pF)

	refSet float64 // value the refractory counter is set to after a spike

	// exact LIF: V·pm + c0 is EL + (V − EL)·pm
	c0, vreset       float64
	gl, glEL, ee, ei float64 // LIF with conductance synapses: GL, GL·EL, EE, EI

	// the same constants for package simd's kernels: exact LIF, exponential
	// Euler and forward Euler (ve: its synapses decay by 1 − h/τ)
	vc     simd.CurrConsts
	vd, ve simd.CondConsts

	// general path
	invC, invCd, invTauW, invTauTh float64
	nsub                           int     // fixed substeps of the general path
	hs                             float64 // h/nsub
	xMax                           float64 // cap of the exponential's argument
	xCommit                        float64 // exp argument beyond which the spike is certain
	xPeak                          float64 // (VPeak − θ0)/ΔT, for reference
	xFast                          float64 // largest (V−θ)/ΔT the one-step fast path accepts
}

// PropagatorCurrentExp is the exact contribution to V(t+h) of an
// exponentially decaying current I(t) = I0·exp(−t/τs) injected into a
// membrane with time constant τm and capacitance C, per pA of I0:
//
//	P21 = τm·τs/(C·(τs − τm)) · (exp(−h/τs) − exp(−h/τm))
//	    = exp(−h/τm)·expm1(h·(1/τm − 1/τs)) / (C·(1/τm − 1/τs))
//
// The second form is the one evaluated: it is exact to rounding also when
// τs is close to τm, and its limit h·exp(−h/τm)/C is used when τs == τm
// (Rotter & Diesmann 1999, Biol Cybern 81:381; NEST iaf_psc_exp).
func PropagatorCurrentExp(h, tauM, tauS, c float64) float64 {
	d := 1/tauM - 1/tauS
	pm := math.Exp(-h / tauM)
	if d == 0 {
		return pm * h / c
	}
	return pm * math.Expm1(h*d) / (c * d)
}

func makeLIFConsts(p Params, h float64) lifConsts {
	tauM := p.C / p.GL
	k := lifConsts{
		lif:  p.IsLIF(),
		cond: p.Cond,
		dend: p.Gc > 0,
		h:    h,
	}
	k.pm = math.Exp(-h / tauM)
	k.pE = math.Exp(-h / p.TauE)
	k.pI = math.Exp(-h / p.TauI)
	k.pW, k.pTh = 1, 1
	if p.TauW > 0 {
		k.pW = math.Exp(-h / p.TauW)
		k.invTauW = 1 / p.TauW
	}
	if p.TauTheta > 0 {
		k.pTh = math.Exp(-h / p.TauTheta)
		k.invTauTh = 1 / p.TauTheta
	}
	if p.TauVar > 0 {
		k.aVar = -math.Expm1(-h / p.TauVar)
	}
	k.kC = -math.Expm1(-h/tauM) / p.GL
	k.kE = PropagatorCurrentExp(h, tauM, p.TauE, p.C)
	k.kI = PropagatorCurrentExp(h, tauM, p.TauI, p.C)
	k.mE = -math.Expm1(-h/p.TauE) * p.TauE / h
	k.mI = -math.Expm1(-h/p.TauI) * p.TauI / h
	k.hOverC = h / p.C
	k.c0 = p.EL * -math.Expm1(-h/tauM)
	k.vreset = p.VReset
	k.gl, k.glEL, k.ee, k.ei = p.GL, p.GL*p.EL, p.EE, p.EI
	k.vc = simd.CurrConsts{PM: k.pm, C0: k.c0, KC: k.kC, KE: k.kE, KI: k.kI, PE: k.pE, PI: k.pI, H: h, VReset: k.vreset}
	k.vd = simd.CondConsts{PE: k.pE, PI: k.pI, ME: k.mE, MI: k.mI, GL: k.gl, GLEL: k.glEL, EL: p.EL,
		EE: k.ee, EI: k.ei, HOverC: k.hOverC, H: h, VReset: k.vreset}
	k.ve = k.vd
	k.ve.PE, k.ve.PI, k.ve.ME, k.ve.MI = 1-h/p.TauE, 1-h/p.TauI, 1, 1
	k.ve.GCrit = 2/k.hOverC - p.GL
	// LIF: the neuron is held for n = round(TRef/h) whole steps; the
	// counter starts at (n − ½)h and drops by h per step, so it is
	// positive for exactly n steps whatever the rounding.
	n := math.Round(p.TRef / h)
	k.refSet = (n - 0.5) * h
	if n == 0 {
		k.refSet = 0
	}
	k.invC = 1 / p.C
	if p.Cd > 0 {
		k.invCd = 1 / p.Cd
	}
	// Fastest linear rate of the general path; Heun (explicit trapezoid)
	// is kept at h_sub·λ ≤ 0.5, far inside its stability bound of 2.
	lam := (p.GL + p.Gc) / p.C
	if p.Gc > 0 {
		lam = max(lam, (p.GLd+p.Gc)/p.Cd)
	}
	lam = max(lam, k.invTauW, k.invTauTh)
	if p.DeltaTheta2 != 0 {
		lam = max(lam, 1/p.TauTheta2)
	}
	k.nsub = max(1, int(math.Ceil(h*lam/0.5)))
	k.heun = !k.lif && !k.cond && k.nsub == 1 && !p.Extended()
	k.hs = h / float64(k.nsub)
	k.xMax = 50
	k.xCommit = 8
	// The fast path takes one Heun step while the exponential term's rate
	// e^x/τm times dt stays ≤ 0.2, i.e. x ≤ ln(0.2·τm/dt) (at least 0);
	// Slow's adaptive substeps keep the same bound beyond.
	k.xFast = max(0, math.Log(0.2*tauM/h))
	if p.DeltaT > 0 {
		k.xPeak = (p.VPeak - p.VT) / p.DeltaT
	}
	return k
}

// fullConsts are the model constants the general kernel reads, gathered in
// one place so that the hot loop keeps them in registers.
type fullConsts struct {
	el, gl, dT, glDT, gc, gld, a, b, ee, ei float64
	vpeak, vreset, tref, dTheta, tauM       float64
	thPerSD, thDropMax                      float64
	invC, invCd, invTauW, invTauTh          float64
	tauE, tauI, tauW, tauTh                 float64
	xMax, xCommit, xPeak, xFast             float64
	invDT                                   float64 // 1/ΔT (0 if ΔT = 0)
	wRef                                    float64 // A·(VReset − EL): W's target while refractory
	invGtd, pVdRef                          float64 // 1/(GLd+Gc), exp(−(GLd+Gc)h/Cd)
	eNegPeak                                float64 // exp(−xPeak)

	// extended terms (Params.Extended)
	mat             bool    // second threshold component θ2 (DeltaTheta2 ≠ 0)
	dTheta2         float64 // θ2's increment per spike (mV)
	invTauTh2, pTh2 float64 // 1/τθ2, exp(−h/τθ2)
	sat             bool    // saturating adaptation increment (WSat > 0, B ≠ 0)
	bSat            float64 // B/WSat: w ← w + B − bSat·w at a spike
}

// jumpW is W after a spike: W + B, or with saturation W + B·(1 − W/WSat).
func (c *fullConsts) jumpW(w float64) float64 {
	if c.sat {
		return w + c.b - c.bSat*w
	}
	return w + c.b
}

func makeFullConsts(q Params, k *lifConsts) fullConsts {
	c := fullConsts{
		el: q.EL, gl: q.GL, dT: q.DeltaT, glDT: q.GL * q.DeltaT, gc: q.Gc, gld: q.GLd,
		a: q.A, b: q.B, ee: q.EE, ei: q.EI,
		vpeak: q.VPeak, vreset: q.VReset, tref: q.TRef, dTheta: q.DeltaTheta, tauM: q.C / q.GL,
		thPerSD: q.ThetaPerSD, thDropMax: q.ThetaDropMax,
		invC: k.invC, invCd: k.invCd, invTauW: k.invTauW, invTauTh: k.invTauTh,
		tauE: q.TauE, tauI: q.TauI, tauW: q.TauW, tauTh: q.TauTheta,
		xMax: k.xMax, xCommit: k.xCommit, xPeak: k.xPeak, xFast: k.xFast,
	}
	if q.DeltaT > 0 {
		c.invDT = 1 / q.DeltaT
	}
	c.wRef = q.A * (q.VReset - q.EL)
	c.eNegPeak = Exp(-k.xPeak)
	if q.Gc > 0 {
		c.invGtd = 1 / (q.GLd + q.Gc)
		c.pVdRef = math.Exp(-(q.GLd + q.Gc) * k.h / q.Cd)
	}
	if q.DeltaTheta2 != 0 {
		c.mat, c.dTheta2 = true, q.DeltaTheta2
		c.invTauTh2, c.pTh2 = 1/q.TauTheta2, math.Exp(-k.h/q.TauTheta2)
	}
	if q.WSat > 0 && q.B != 0 {
		c.sat, c.bSat = true, q.B/q.WSat
	}
	return c
}

// Substeps is the number of Heun substeps the general kernels take per
// step at least (1 for the fast paths).
func (c *Consts) Substeps() int { return c.k.nsub }
