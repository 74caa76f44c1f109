package simd

import (
	"fmt"
	"math"
)

// Arrays are the state arrays of one chunk of neurons, all of the same
// length (see the package doc for units).
type Arrays struct {
	V, SE, SI, IExt, IBias, Th, Ref []float64
	// Uniform promises that IExt[i] + IBias[i] is Drive and Th[i] is
	// Theta for every neuron, bit for bit (a network population without
	// current sources, whose IExt is 0, with one bias and one threshold):
	// the eight-lane kernels then take the two constants instead of
	// loading three arrays per block. The results are the same either
	// way; the other forms read the arrays.
	Uniform      bool
	Drive, Theta float64
}

// Check reports an error when the arrays' lengths differ.
func (a *Arrays) Check() error {
	n := len(a.V)
	for _, s := range []struct {
		name string
		x    []float64
	}{{"SE", a.SE}, {"SI", a.SI}, {"IExt", a.IExt}, {"IBias", a.IBias}, {"Th", a.Th}, {"Ref", a.Ref}} {
		if len(s.x) != n {
			return fmt.Errorf("simd: Arrays.%s has %d elements, V has %d", s.name, len(s.x), n)
		}
	}
	return nil
}

// From returns the arrays from index i on.
func (a *Arrays) From(i int) Arrays {
	return Arrays{V: a.V[i:], SE: a.SE[i:], SI: a.SI[i:], IExt: a.IExt[i:], IBias: a.IBias[i:],
		Th: a.Th[i:], Ref: a.Ref[i:], Uniform: a.Uniform, Drive: a.Drive, Theta: a.Theta}
}

// CurrConsts are the per-population constants of Curr, computed once.
type CurrConsts struct {
	PM     float64 // exp(−h/τm)
	C0     float64 // EL·(1 − pm) (mV)
	KC     float64 // (1 − pm)/GL: mV per pA of constant current
	KE, KI float64 // mV per pA of exponentially decaying synaptic current
	PE, PI float64 // synaptic decay over one step
	H      float64 // time step (ms)
	VReset float64 // mV
}

// CondConsts are the per-population constants of Cond and CondEuler.
type CondConsts struct {
	PE, PI float64 // synaptic decay over one step: exp(−h/τ) (Cond) or 1 − h/τ (Euler)
	ME, MI float64 // mean of a decaying conductance over the step per unit start value (Cond; 1 for Euler)
	GL     float64 // leak conductance (nS)
	GLEL   float64 // GL·EL (pA)
	EL     float64 // leak reversal (mV; Euler)
	EE, EI float64 // synaptic reversal potentials (mV)
	HOverC float64 // h/C (ms/pF)
	H      float64 // time step (ms)
	VReset float64 // mV
	// GCrit is the synaptic conductance gE + gI (nS; per unit gain) from
	// which a forward Euler step is unstable: h·(GL + gE + gI)/C ≥ 2, that
	// is gE + gI ≥ 2C/h − GL (CondEuler; Cond ignores it).
	GCrit float64
}

// Curr advances the neurons of a by one step with current synapses (see
// the package doc) until the end or the first neuron that needs the
// caller; it returns that neuron's index (len(a.V) if none), its new V
// (not stored) and its refractory clock before the step. The synaptic
// variables and the refractory clock of that neuron are already updated.
func Curr(k *CurrConsts, a *Arrays) (int, float64, float64) {
	i := 0
	if Vector && len(a.V) >= Width {
		i = currVec(k, a)
	}
	if i == 0 {
		return CurrScalar(k, a)
	}
	rest := a.From(i)
	j, v, rf := CurrScalar(k, &rest)
	return i + j, v, rf
}

// Cond is Curr for conductance synapses (exponential Euler).
func Cond(k *CondConsts, a *Arrays) (int, float64, float64) {
	i := 0
	if Vector && len(a.V) >= Width {
		i = condVec(k, a)
	}
	if i == 0 {
		return CondScalar(k, a)
	}
	rest := a.From(i)
	j, v, rf := CondScalar(k, &rest)
	return i + j, v, rf
}

// CondEuler is Curr for conductance synapses with forward Euler. It also
// stops at a neuron that is not refractory and whose conductances make the
// step unstable (gE + gI ≥ GCrit; see EulerUnstable), and leaves that
// neuron's variables as they were at the start of the step.
func CondEuler(k *CondConsts, a *Arrays) (int, float64, float64) {
	i := 0
	if Vector && len(a.V) >= Width {
		i = condEulerVec(k, a)
	}
	if i == 0 {
		return CondEulerScalar(k, a)
	}
	rest := a.From(i)
	j, v, rf := CondEulerScalar(k, &rest)
	return i + j, v, rf
}

// CurrScalar is the portable form of Curr.
func CurrScalar(k *CurrConsts, a *Arrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pm, c0, kC, kE, kI, pE, pI, h := k.PM, k.C0, k.KC, k.KE, k.KI, k.PE, k.PI, k.H
	vr := math.Float64bits(k.VReset)
	for i := range V {
		ie, ii := sE[i], sI[i]
		sE[i], sI[i] = ie*pE, ii*pI
		v := (float64(V[i]*pm) + c0) + (float64((iext[i]+ibias[i])*kC) + (float64(ie*kE) - float64(ii*kI)))
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

// CondScalar is the portable form of Cond.
func CondScalar(k *CondConsts, a *Arrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	negHC := -k.HOverC
	vr := math.Float64bits(k.VReset)
	for i := range V {
		ge, gi := sE[i], sI[i]
		sE[i], sI[i] = ge*k.PE, gi*k.PI
		gE, gI := ge*k.ME, gi*k.MI
		G := (k.GL + gE) + gI
		vinf := (((k.GLEL + float64(gE*k.EE)) + float64(gI*k.EI)) + (iext[i] + ibias[i])) / G
		e := Exp(G * negHC)
		v := vinf + float64((V[i]-vinf)*e)
		rf := ref[i]
		ref[i] = rf - k.H
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

// CondEulerScalar is the portable form of CondEuler.
func CondEulerScalar(k *CondConsts, a *Arrays) (int, float64, float64) {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	vr := math.Float64bits(k.VReset)
	for i := range V {
		ge, gi := sE[i], sI[i]
		if !(ge+gi < k.GCrit) && !(ref[i] > 0) {
			return i, math.NaN(), ref[i]
		}
		sE[i], sI[i] = ge*k.PE, gi*k.PI
		u := V[i]
		in := ((float64(k.GL*(k.EL-u)) + float64(ge*(k.EE-u))) + float64(gi*(k.EI-u))) + (iext[i] + ibias[i])
		v := u + float64(k.HOverC*in)
		rf := ref[i]
		ref[i] = rf - k.H
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

// EulerUnstable reports whether CondEuler stopped at neuron i of a because
// its step would be unstable, and h·(GL + gE + gI)/C, the factor that
// forward Euler's step multiplies the distance to the equilibrium by one
// minus (from 1 on it overshoots the equilibrium, from 2 on the error
// grows with every step).
func EulerUnstable(k *CondConsts, a *Arrays, i int) (float64, bool) {
	g := a.SE[i] + a.SI[i]
	return k.HOverC * (k.GL + g), !(g < k.GCrit) && !(a.Ref[i] > 0)
}

// AllBits reports whether every element of x, plus 0 when addZero (which
// turns −0 into +0, as IExt + IBias does with IExt 0), has the bits b. It
// is how a network checks, once per Run and after each progress callback,
// that a population's bias and threshold are uniform (Arrays.Uniform).
func AllBits(x []float64, b uint64, addZero bool) bool {
	i := 0
	if Vector && Width == 8 {
		var ok bool
		if i, ok = allBits8(x, b, addZero); !ok {
			return false
		}
	}
	for ; i < len(x); i++ {
		v := x[i]
		if addZero {
			v = 0 + v
		}
		if math.Float64bits(v) != b {
			return false
		}
	}
	return true
}
