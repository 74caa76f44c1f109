package kernel

import "math"

// The LIF kernels. Each sweeps the neurons in a tight loop (lifCurrRun,
// lifCondRun) that keeps every pointer and constant in registers: it never
// branches on refractoriness (a refractory neuron's new V is computed and
// then replaced by VReset with a conditional move, and every refractory
// clock is counted down, any value ≤ 0 meaning "not refractory"), and it
// returns to the caller at the rare neuron that reaches θ or a non-finite
// V, so that the spike list is not live in the loop. lifSweep handles that
// neuron (lifEvent) and resumes.
//
// With current synapses the step is exact (Rotter & Diesmann 1999). Over
// one step of length h with constant external current I0 and synaptic
// currents decaying from I_E, I_I:
//
//	V ← EL + (V − EL)·pm + I0·(1 − pm)/GL + P21E·I_E − P21I·I_I
//	I_E ← I_E·exp(−h/τE),  I_I ← I_I·exp(−h/τI)
//
// (evaluated as V·pm + EL·(1 − pm) + …). While refractory V is held at
// VReset and only the synapses decay.
//
// With conductance synapses it is not exact (the conductances make the
// equation time-varying); it uses the exponential Euler scheme with the
// conductances replaced by their exact mean over the step,
// ḡ = g·(τ/h)(1 − exp(−h/τ)):
//
//	G  = GL + ḡE + ḡI
//	V∞ = (GL·EL + ḡE·EE + ḡI·EI + I0)/G
//	V ← V∞ + (V − V∞)·exp(−G·h/C)
//
// which is unconditionally stable and exact for constant conductances
// (forward Euler at 0.1 ms, the COBA benchmark's reference, is first order
// and conditionally stable). The exponential is Exp (5e-13 relative).

// lifArrays are the slices of one chunk the LIF kernels read and write,
// all of the same length.
type lifArrays struct {
	V, sE, sI, iext, ibias, gain, th, ref []float64
}

func makeLIFArrays(s *State, lo, hi int) lifArrays {
	V := s.V[lo:hi]
	n := len(V)
	return lifArrays{V: V,
		sE:    s.EP[lo:hi][:n],
		sI:    s.IP[lo:hi][:n],
		iext:  s.IExt[lo:hi][:n],
		ibias: s.IBias[lo:hi][:n],
		gain:  s.Gain[lo:hi][:n],
		th:    s.Theta0[lo:hi][:n],
		ref:   s.Ref[lo:hi][:n],
	}
}

// from returns the arrays from index i on.
func (a *lifArrays) from(i int) lifArrays {
	return lifArrays{V: a.V[i:], sE: a.sE[i:], sI: a.sI[i:], iext: a.iext[i:], ibias: a.ibias[i:],
		gain: a.gain[i:], th: a.th[i:], ref: a.ref[i:]}
}

// lifEvent finishes neuron j of a (neuron i of the population), whose
// new potential v the sweep did not store: held at VReset if it was
// refractory (rf > 0, its clock before this step's count-down), a spike
// if v ≥ θ, else a blow-up (ok false).
func lifEvent(k *lifConsts, s *State, a *lifArrays, j, i int, v, rf float64, dst []int32) ([]int32, bool) {
	switch {
	case rf > 0:
		a.V[j] = k.vreset
	case v >= a.th[j] && v <= 1e12: // (+Inf is a blow-up, not a spike)
		a.V[j] = k.vreset
		a.ref[j] = k.refSet
		s.Offset[i] = k.h
		dst = append(dst, int32(i))
	default:
		a.V[j] = v
		return dst, false
	}
	return dst, true
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
func lifSweep(c *Consts, s *State, lo, hi int, dst []int32, sweep int) ([]int32, int) {
	k := &c.k
	a := makeLIFArrays(s, lo, hi)
	for {
		var j int
		var v, rf float64
		switch sweep {
		case sweepCurr:
			j, v, rf = lifCurrRun(k, &a)
		case sweepCurrGain:
			j, v, rf = lifCurrRunGain(k, &a)
		case sweepCond:
			j, v, rf = lifCondRun(k, &a)
		default:
			j, v, rf = lifCondRunGain(k, &a)
		}
		if j >= len(a.V) {
			return dst, -1
		}
		var ok bool
		if dst, ok = lifEvent(k, s, &a, j, lo+j, v, rf, dst); !ok {
			return dst, lo + j
		}
		a = a.from(j + 1)
		lo += j + 1
	}
}

// lifCurrRun advances the neurons of a (all of Size 1) from the first on
// until the end, or until one needs lifEvent: it returns that neuron's
// index, its new V (not stored) and its refractory clock before this
// step.
func lifCurrRun(k *lifConsts, a *lifArrays) (int, float64, float64) {
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
func lifCurrRunGain(k *lifConsts, a *lifArrays) (int, float64, float64) {
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

// lifCondRun is lifCurrRun for conductance synapses. Its constants are
// read through k: with the exponential's constants there are too many for
// the registers, and loads from k fold into the arithmetic.
func lifCondRun(k *lifConsts, a *lifArrays) (int, float64, float64) {
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
		v := vinf + (V[i]-vinf)*Exp(-G*k.hOverC)
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
func lifCondRunGain(k *lifConsts, a *lifArrays) (int, float64, float64) {
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
		v := vinf + (V[i]-vinf)*Exp(-G*k.hOverC)
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
