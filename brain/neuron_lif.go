package brain

import "math"

// kernelConsts are the per-population constants of the integration
// kernels, computed once by Prepare (never per step).
type kernelConsts struct {
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
	k.c0 = p.EL * -math.Expm1(-h/tauM)
	k.vreset = p.VReset
	k.gl, k.glEL, k.ee, k.ei = p.GL, p.GL*p.EL, p.Synapse.EE, p.Synapse.EI
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
	k.heun = !k.lif && !k.cond && k.nsub == 1
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

// The LIF kernels. Each sweeps the neurons in a tight loop (lifCurrRun,
// lifCondRun) that keeps every pointer and constant in registers: it never
// branches on refractoriness (a refractory neuron's new V is computed and
// then replaced by VReset with a conditional move, and every refractory
// clock is counted down, any value ≤ 0 meaning "not refractory"), and it
// returns to the caller at the rare neuron that reaches θ or a non-finite
// V, so that the spike list is not live in the loop. The caller
// (stepLIFCurr, stepLIFCond) handles that neuron and resumes.

// lifArrays are the slices of one chunk the LIF kernels read and write,
// all of the same length.
type lifArrays struct {
	V, sE, sI, iext, ibias, gain, th, ref []float64
}

func (p *Population) lifArrays(lo, hi int) lifArrays {
	V := p.V[lo:hi]
	n := len(V)
	return lifArrays{V: V,
		sE:    p.syn[Proximal][Excitatory][lo:hi][:n],
		sI:    p.syn[Proximal][Inhibitory][lo:hi][:n],
		iext:  p.IExt[lo:hi][:n],
		ibias: p.IBias[lo:hi][:n],
		gain:  p.gain[lo:hi][:n],
		th:    p.Theta0[lo:hi][:n],
		ref:   p.ref[lo:hi][:n],
	}
}

// from returns the arrays from index i on.
func (a *lifArrays) from(i int) lifArrays {
	return lifArrays{V: a.V[i:], sE: a.sE[i:], sI: a.sI[i:], iext: a.iext[i:], ibias: a.ibias[i:],
		gain: a.gain[i:], th: a.th[i:], ref: a.ref[i:]}
}

// lifEvent finishes neuron j of a (neuron lo+j of the population), whose
// new potential v the sweep did not store: held at VReset if it was
// refractory (rf > 0, its clock before this step's count-down), a spike
// if v ≥ θ, else a blow-up. It returns the new spike list.
func (p *Population) lifEvent(a *lifArrays, j, lo int, v, rf float64, step int64, dst []int32) ([]int32, error) {
	k := &p.k
	switch {
	case rf > 0:
		a.V[j] = k.vreset
	case v >= a.th[j] && v <= 1e12: // (+Inf is a blow-up, not a spike)
		a.V[j] = k.vreset
		a.ref[j] = k.refSet
		p.offset[lo] = k.h
		dst = append(dst, int32(lo))
	default:
		a.V[j] = v
		return dst, p.blowUp(lo, step)
	}
	return dst, nil
}

// The LIF sweeps, selected by lifSweep (a switch rather than a function
// value, which would make the arrays escape to the heap).
const (
	sweepCurr = iota
	sweepCurrGain
	sweepCond
	sweepCondGain
)

// lifSweep runs one of the sweeps over neurons [lo, hi) and hands every
// neuron it stops at to lifEvent.
func (p *Population) lifSweep(lo, hi int, step int64, dst []int32, sweep int) ([]int32, error) {
	a := p.lifArrays(lo, hi)
	var err error
	for {
		var j int
		var v, rf float64
		switch sweep {
		case sweepCurr:
			j, v, rf = lifCurrRun(&p.k, &a)
		case sweepCurrGain:
			j, v, rf = lifCurrRunGain(&p.k, &a)
		case sweepCond:
			j, v, rf = lifCondRun(&p.k, &a)
		default:
			j, v, rf = lifCondRunGain(&p.k, &a)
		}
		if j >= len(a.V) {
			return dst, nil
		}
		if dst, err = p.lifEvent(&a, j, lo+j, v, rf, step, dst); err != nil {
			return dst, err
		}
		a = a.from(j + 1)
		lo += j + 1
	}
}

// stepLIFCurr is the exact LIF kernel with CurrentExp synapses. Over one
// step of length h with constant external current I0 and synaptic currents
// decaying from I_E, I_I:
//
//	V ← EL + (V − EL)·pm + I0·(1 − pm)/GL + P21E·I_E − P21I·I_I
//	I_E ← I_E·exp(−h/τE),  I_I ← I_I·exp(−h/τI)
//
// (evaluated as V·pm + EL·(1 − pm) + …). While refractory V is held at
// VReset and only the synapses decay.
func (p *Population) stepLIFCurr(lo, hi int, step int64, dst []int32) ([]int32, error) {
	if p.k.unitSize {
		return p.lifSweep(lo, hi, step, dst, sweepCurr)
	}
	return p.lifSweep(lo, hi, step, dst, sweepCurrGain)
}

// lifCurrRun advances the neurons of a (all of Size 1) from the first on
// until the end, or until one needs lifEvent: it returns that neuron's
// index, its new V (not stored) and its refractory clock before this
// step.
func lifCurrRun(k *kernelConsts, a *lifArrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.sE[:n], a.sI[:n], a.iext[:n], a.ibias[:n], a.th[:n], a.ref[:n]
	pm, c0, kC, kE, kI, pE, pI, h := k.pm, k.c0, k.kC, k.kE, k.kI, k.pE, k.pI, k.h
	vr := math.Float64bits(k.vreset)
	for i := range V {
		ie, ii := sE[i], sI[i]
		sE[i], sI[i] = ie*pE, ii*pI
		v := (V[i]*pm + c0) + ((iext[i]+ibias[i])*kC + (ie*kE - ii*kI))
		rf := ref[i]
		ref[i] = rf - h
		if !(v < th[i]) || !(v > -1e12) {
			return i, v, rf
		}
		b := math.Float64bits(v)
		if rf > 0 {
			b = vr
		}
		V[i] = math.Float64frombits(b)
	}
	return n, 0, 0
}

// lifCurrRunGain is lifCurrRun for neurons of any Size: the input current
// is multiplied by gain = 1/Size.
func lifCurrRunGain(k *kernelConsts, a *lifArrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, gain, th, ref := a.sE[:n], a.sI[:n], a.iext[:n], a.ibias[:n], a.gain[:n], a.th[:n], a.ref[:n]
	pm, c0, kC, kE, kI, pE, pI, h := k.pm, k.c0, k.kC, k.kE, k.kI, k.pE, k.pI, k.h
	vr := math.Float64bits(k.vreset)
	for i := range V {
		ie, ii := sE[i], sI[i]
		sE[i], sI[i] = ie*pE, ii*pI
		v := (V[i]*pm + c0) + gain[i]*((iext[i]+ibias[i])*kC+(ie*kE-ii*kI))
		rf := ref[i]
		ref[i] = rf - h
		if !(v < th[i]) || !(v > -1e12) {
			return i, v, rf
		}
		b := math.Float64bits(v)
		if rf > 0 {
			b = vr
		}
		V[i] = math.Float64frombits(b)
	}
	return n, 0, 0
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
// and conditionally stable). The exponential is expFast (5e-13 relative).
func (p *Population) stepLIFCond(lo, hi int, step int64, dst []int32) ([]int32, error) {
	if p.k.unitSize {
		return p.lifSweep(lo, hi, step, dst, sweepCond)
	}
	return p.lifSweep(lo, hi, step, dst, sweepCondGain)
}

// lifCondRun is lifCurrRun for conductance synapses. Its constants are
// read through k: with the exponential's constants there are too many for
// the registers, and loads from k fold into the arithmetic.
func lifCondRun(k *kernelConsts, a *lifArrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.sE[:n], a.sI[:n], a.iext[:n], a.ibias[:n], a.th[:n], a.ref[:n]
	vr := math.Float64bits(k.vreset)
	for i := range V {
		ge, gi := sE[i], sI[i]
		sE[i], sI[i] = ge*k.pE, gi*k.pI
		gE, gI := ge*k.mE, gi*k.mI
		G := k.gl + gE + gI
		vinf := (k.glEL + gE*k.ee + gI*k.ei + (iext[i] + ibias[i])) / G
		v := vinf + (V[i]-vinf)*expFastClamp(-G*k.hOverC)
		rf := ref[i]
		ref[i] = rf - k.h
		if !(v < th[i]) || !(v > -1e12) {
			return i, v, rf
		}
		b := math.Float64bits(v)
		if rf > 0 {
			b = vr
		}
		V[i] = math.Float64frombits(b)
	}
	return n, 0, 0
}

// lifCondRunGain is lifCondRun for neurons of any Size.
func lifCondRunGain(k *kernelConsts, a *lifArrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, gain, th, ref := a.sE[:n], a.sI[:n], a.iext[:n], a.ibias[:n], a.gain[:n], a.th[:n], a.ref[:n]
	vr := math.Float64bits(k.vreset)
	for i := range V {
		ge, gi := sE[i], sI[i]
		sE[i], sI[i] = ge*k.pE, gi*k.pI
		g := gain[i]
		gE, gI := ge*k.mE*g, gi*k.mI*g
		G := k.gl + gE + gI
		vinf := (k.glEL + gE*k.ee + gI*k.ei + g*(iext[i]+ibias[i])) / G
		v := vinf + (V[i]-vinf)*expFastClamp(-G*k.hOverC)
		rf := ref[i]
		ref[i] = rf - k.h
		if !(v < th[i]) || !(v > -1e12) {
			return i, v, rf
		}
		b := math.Float64bits(v)
		if rf > 0 {
			b = vr
		}
		V[i] = math.Float64frombits(b)
	}
	return n, 0, 0
}
