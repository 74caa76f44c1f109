package kernel

import (
	"math"

	"github.com/neuron-sim/neuron/brain/internal/simd"
)

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
// and conditionally stable). The exponential is Exp (simd.Exp; 3e-13
// relative).
//
// LIFConductanceEuler is forward Euler for the same equation, the scheme
// of the COBA benchmark's Brian2 reference, offered to compare like with
// like:
//
//	V ← V + (h/C)·(GL·(EL − V) + gE·(EE − V) + gI·(EI − V) + I0)
//	gE ← gE·(1 − h/τE),  gI ← gI·(1 − h/τI)
//
// It is first order and stable only while h·(GL + gE + gI)/C < 2.
//
// With every Size 1 the sweeps are package simd's kernels (AVX-512 where
// the build has GOEXPERIMENT=simd and the CPU has it, else portable code
// with the same results bit for bit); the gain variants below are scalar.

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
func lifEvent(k *lifConsts, s *State, V, th, ref []float64, j, i int, v, rf float64, dst []int32) ([]int32, bool) {
	switch {
	case rf > 0:
		V[j] = k.vreset
	case v >= th[j] && v <= 1e12: // (+Inf is a blow-up, not a spike)
		V[j] = k.vreset
		ref[j] = k.refSet
		s.Offset[i] = k.h
		dst = append(dst, int32(i))
	default:
		V[j] = v
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
	sweepEuler
	sweepEulerGain
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
		case sweepCurrGain:
			j, v, rf = lifCurrRunGain(k, &a)
		case sweepCondGain:
			j, v, rf = lifCondRunGain(k, &a)
		default:
			j, v, rf = lifEulerRunGain(k, &a)
		}
		if j >= len(a.V) {
			return dst, -1
		}
		if sweep == sweepEulerGain && eulerUnstable(k, a.sE[j], a.sI[j], a.gain[j], a.ref[j]) {
			return dst, lo + j // the neuron's state is as at the start of the step
		}
		var ok bool
		if dst, ok = lifEvent(k, s, a.V, a.th, a.ref, j, lo+j, v, rf, dst); !ok {
			return dst, lo + j
		}
		a = a.from(j + 1)
		lo += j + 1
	}
}

// vecSweep is lifSweep for neurons of Size 1, with the kernels of package
// simd (vectorised where the build and CPU allow).
func vecSweep(c *Consts, s *State, lo, hi int, dst []int32, sweep int) ([]int32, int) {
	k := &c.k
	n := hi - lo
	a := simd.Arrays{V: s.V[lo:hi], SE: s.EP[lo:hi][:n], SI: s.IP[lo:hi][:n], IExt: s.IExt[lo:hi][:n],
		IBias: s.IBias[lo:hi][:n], Th: s.Theta0[lo:hi][:n], Ref: s.Ref[lo:hi][:n],
		Uniform: s.Uniform, Drive: s.Drive, Theta: s.UTheta}
	for {
		var j int
		var v, rf float64
		switch sweep {
		case sweepCurr:
			j, v, rf = simd.Curr(&k.vc, &a)
		case sweepCond:
			j, v, rf = simd.Cond(&k.vd, &a)
		default:
			j, v, rf = simd.CondEuler(&k.ve, &a)
		}
		if j >= len(a.V) {
			return dst, -1
		}
		if sweep == sweepEuler && eulerUnstable(k, a.SE[j], a.SI[j], 1, a.Ref[j]) {
			return dst, lo + j // the neuron's state is as at the start of the step
		}
		var ok bool
		if dst, ok = lifEvent(k, s, a.V, a.Th, a.Ref, j, lo+j, v, rf, dst); !ok {
			return dst, lo + j
		}
		a = a.From(j + 1)
		lo += j + 1
	}
}

// eulerUnstable reports whether the forward Euler sweep stopped at a
// neuron because its step would be unstable (simd.EulerUnstable): not
// refractory, and gain·(gE + gI) ≥ GCrit, with the conductances as they
// were at the start of the step (the sweeps leave such a neuron untouched;
// a neuron they stop at for a spike had a stable step, and its
// conductances have only decayed since).
func eulerUnstable(k *lifConsts, ge, gi, gain, ref float64) bool {
	return !(gain*(ge+gi) < k.ve.GCrit) && !(ref > 0)
}

// EulerUnstable returns h·(GL + gE + gI)/C of neuron i, computed from its
// state, and whether it is a forward Euler LIF cell (Consts made with
// Params.Euler) whose step from this state is unstable (the factor ≥ 2,
// not refractory). A Step that returns bad = i for such a neuron stopped
// there for that reason, with the neuron's state as at the start of the
// step.
func EulerUnstable(c *Consts, s *State, i int) (float64, bool) {
	if c.kind != LIFConductanceEuler {
		return 0, false
	}
	k := &c.k
	g := 1.0
	if !k.unitSize {
		g = s.Gain[i]
	}
	ge, gi := s.EP[i], s.IP[i]
	return k.hOverC * (k.gl + g*(ge+gi)), eulerUnstable(k, ge, gi, g, s.Ref[i])
}

// lifCurrRunGain is simd.Curr for neurons of any Size: the input current
// is multiplied by gain = 1/Size. It returns the index of the first neuron
// that needs lifEvent (len(a.V) if none), that neuron's new V (not stored)
// and its refractory clock before this step.
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

// lifCondRunGain is simd.Cond for neurons of any Size (the same scheme
// and exponential, simd.Exp).
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
		v := vinf + float64((V[i]-vinf)*simd.Exp(G*-k.hOverC))
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

// lifEulerRunGain is simd.CondEuler for neurons of any Size.
func lifEulerRunGain(k *lifConsts, a *lifArrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, gain, th, ref := a.sE[:n], a.sI[:n], a.iext[:n], a.ibias[:n], a.gain[:n], a.th[:n], a.ref[:n]
	e := &k.ve
	vr := math.Float64bits(k.vreset)
	for i := range V {
		ge, gi := sE[i], sI[i]
		if !(gain[i]*(ge+gi) < e.GCrit) && !(ref[i] > 0) {
			return i, math.NaN(), ref[i]
		}
		sE[i], sI[i] = ge*e.PE, gi*e.PI
		g, u := gain[i], V[i]
		in := ((float64(e.GL*(e.EL-u)) + float64(g*ge*(e.EE-u))) + float64(g*gi*(e.EI-u))) + g*(iext[i]+ibias[i])
		v := u + float64(e.HOverC*in)
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
