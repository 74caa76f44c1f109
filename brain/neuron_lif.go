package brain

import "math"

// kernelConsts are the per-population constants of the integration
// kernels, computed once by Prepare (never per step).
type kernelConsts struct {
	lif      bool // exact LIF path
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

	// general path
	invC, invCd, invTauW, invTauTh float64
	nsub                           int     // fixed substeps of the general path
	hs                             float64 // h/nsub
	xMax                           float64 // cap of the exponential's argument
	xCommit                        float64 // exp argument beyond which the spike is certain
	xPeak                          float64 // (VPeak − θ0)/ΔT, for reference
	xFast                          float64 // largest (V−θ)/ΔT the one-step fast path accepts
}

// propagatorCurrentExp is the exact contribution to V(t+h) of an
// exponentially decaying current I(t) = I0·exp(−t/τs) injected into a
// membrane with time constant τm and capacitance C, per pA of I0:
//
//	P21 = τm·τs/(C·(τs − τm)) · (exp(−h/τs) − exp(−h/τm))
//	    = exp(−h/τm)·expm1(h·(1/τm − 1/τs)) / (C·(1/τm − 1/τs))
//
// The second form is the one evaluated: it is exact to rounding also when
// τs is close to τm, and its limit h·exp(−h/τm)/C is used when τs == τm
// (Rotter & Diesmann 1999, Biol Cybern 81:381; NEST iaf_psc_exp).
func propagatorCurrentExp(h, tauM, tauS, c float64) float64 {
	d := 1/tauM - 1/tauS
	pm := math.Exp(-h / tauM)
	if d == 0 {
		return pm * h / c
	}
	return pm * math.Expm1(h*d) / (c * d)
}

func makeKernelConsts(p Params, h float64) kernelConsts {
	tauM := p.C / p.GL
	k := kernelConsts{
		lif:  p.IsLIF(),
		cond: p.Synapse.Model == ConductanceExp,
		dend: p.Gc > 0,
		h:    h,
	}
	k.pm = math.Exp(-h / tauM)
	k.pE = math.Exp(-h / p.Synapse.TauE)
	k.pI = math.Exp(-h / p.Synapse.TauI)
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
	k.kE = propagatorCurrentExp(h, tauM, p.Synapse.TauE, p.C)
	k.kI = propagatorCurrentExp(h, tauM, p.Synapse.TauI, p.C)
	k.mE = -math.Expm1(-h/p.Synapse.TauE) * p.Synapse.TauE / h
	k.mI = -math.Expm1(-h/p.Synapse.TauI) * p.Synapse.TauI / h
	k.hOverC = h / p.C
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
	k.nsub = max(1, int(math.Ceil(h*lam/0.5)))
	k.hs = h / float64(k.nsub)
	k.xMax = 50
	k.xCommit = 8
	// The fast path takes one Heun step while the exponential term's rate
	// e^x/τm times dt stays ≤ 0.2, i.e. x ≤ ln(0.2·τm/dt) (at least 0);
	// fullSlow's adaptive substeps keep the same bound beyond.
	k.xFast = max(0, math.Log(0.2*tauM/h))
	if p.DeltaT > 0 {
		k.xPeak = (p.VPeak - p.VT) / p.DeltaT
	}
	return k
}

// stepLIFCurr is the exact LIF kernel with CurrentExp synapses. Over one
// step of length h with constant external current I0 and synaptic currents
// decaying from I_E, I_I:
//
//	V ← EL + (V − EL)·pm + I0·(1 − pm)/GL + P21E·I_E − P21I·I_I
//	I_E ← I_E·exp(−h/τE),  I_I ← I_I·exp(−h/τI)
//
// While refractory V is held at VReset and only the synapses decay.
func (p *Population) stepLIFCurr(lo, hi int, step int64, dst []int32) ([]int32, error) {
	k := &p.k
	el, vreset := p.P.EL, p.P.VReset
	pm, kC, kE, kI, pE, pI, refSet, h := k.pm, k.kC, k.kE, k.kI, k.pE, k.pI, k.refSet, k.h
	V := p.V[lo:hi]
	n := len(V)
	sE := p.syn[Proximal][Excitatory][lo:hi][:n]
	sI := p.syn[Proximal][Inhibitory][lo:hi][:n]
	iext := p.IExt[lo:hi][:n]
	ibias := p.IBias[lo:hi][:n]
	gain := p.gain[lo:hi][:n]
	th := p.Theta0[lo:hi][:n]
	ref := p.ref[lo:hi][:n]
	off := p.offset[lo:hi][:n]
	unit := k.unitSize
	for i := range V {
		ie, ii := sE[i], sI[i]
		v := V[i]
		if ref[i] > 0 {
			ref[i] -= h
			v = vreset
		} else {
			g := 1.0
			if !unit {
				g = gain[i]
			}
			v = el + (v-el)*pm + g*((iext[i]+ibias[i])*kC+ie*kE-ii*kI)
		}
		sE[i] = ie * pE
		sI[i] = ii * pI
		if v >= th[i] {
			if v > 1e12 { // +Inf: a blow-up, not a spike
				V[i] = v
				return dst, p.blowUp(lo+i, step)
			}
			v = vreset
			ref[i] = refSet
			off[i] = h
			dst = append(dst, int32(lo+i))
		} else if !finite(v) {
			V[i] = v
			return dst, p.blowUp(lo+i, step)
		}
		V[i] = v
	}
	return dst, nil
}

// stepLIFCond is the LIF kernel with ConductanceExp synapses. It is not
// exact (the conductances make the equation time-varying); it uses the
// exponential Euler scheme with the conductances replaced by their exact
// mean over the step, ḡ = g·(τ/h)(1 − exp(−h/τ)):
//
//	G  = GL + ḡE + ḡI
//	V∞ = (GL·EL + ḡE·EE + ḡI·EI + I0)/G
//	V ← V∞ + (V − V∞)·exp(−G·h/C)
//
// which is unconditionally stable and exact for constant conductances
// (forward Euler at 0.1 ms, the COBA benchmark's reference, is first order
// and conditionally stable).
func (p *Population) stepLIFCond(lo, hi int, step int64, dst []int32) ([]int32, error) {
	k := &p.k
	el, vreset, gl := p.P.EL, p.P.VReset, p.P.GL
	ee, ei := p.P.Synapse.EE, p.P.Synapse.EI
	mE, mI, pE, pI, refSet, h, hc := k.mE, k.mI, k.pE, k.pI, k.refSet, k.h, k.hOverC
	V := p.V[lo:hi]
	n := len(V)
	sE := p.syn[Proximal][Excitatory][lo:hi][:n]
	sI := p.syn[Proximal][Inhibitory][lo:hi][:n]
	iext := p.IExt[lo:hi][:n]
	ibias := p.IBias[lo:hi][:n]
	gain := p.gain[lo:hi][:n]
	th := p.Theta0[lo:hi][:n]
	ref := p.ref[lo:hi][:n]
	off := p.offset[lo:hi][:n]
	unit := k.unitSize
	for i := range V {
		ge, gi := sE[i], sI[i]
		v := V[i]
		if ref[i] > 0 {
			ref[i] -= h
			v = vreset
		} else {
			g := 1.0
			if !unit {
				g = gain[i]
			}
			gE, gI := ge*mE*g, gi*mI*g
			G := gl + gE + gI
			vinf := (gl*el + gE*ee + gI*ei + g*(iext[i]+ibias[i])) / G
			v = vinf + (v-vinf)*expKernel(-G*hc)
		}
		sE[i] = ge * pE
		sI[i] = gi * pI
		if v >= th[i] {
			if v > 1e12 { // +Inf: a blow-up, not a spike
				V[i] = v
				return dst, p.blowUp(lo+i, step)
			}
			v = vreset
			ref[i] = refSet
			off[i] = h
			dst = append(dst, int32(lo+i))
		} else if !finite(v) {
			V[i] = v
			return dst, p.blowUp(lo+i, step)
		}
		V[i] = v
	}
	return dst, nil
}
