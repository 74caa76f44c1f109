//go:build goexperiment.simd && amd64

package simd

import (
	"math"
	"simd/archsimd"
)

// Vector reports whether the vector kernels are in use: in this build
// (GOEXPERIMENT=simd, amd64), when the CPU has AVX-512 or AVX2.
var Vector = Width > 0

// Width is the vector kernels' number of lanes: 8 with AVX-512, 4 with
// AVX2 alone (lif_vec4.go), 0 without either. Tests set it to each width
// the CPU has.
var Width = func() int {
	switch {
	case archsimd.X86.AVX512():
		return 8
	case archsimd.X86.AVX2():
		return 4
	}
	return 0
}()

// Widths lists the vector widths this CPU can run, narrowest first: 4 with
// AVX2, 8 with AVX-512 (tests and benchmarks run the kernels at each).
func Widths() []int {
	var ws []int
	if archsimd.X86.AVX2() {
		ws = append(ws, 4)
	}
	if archsimd.X86.AVX512() {
		ws = append(ws, 8)
	}
	return ws
}

type f8 = archsimd.Float64x8

func bc(x float64) f8          { return archsimd.BroadcastFloat64x8(x) }
func ld(s []float64, i int) f8 { return archsimd.LoadFloat64x8(at8(s, i)) }

// at8 is the eight elements of s from i on (see at4).
func at8(s []float64, i int) *[8]float64 { return (*[8]float64)(s[i : i+8]) }

// The vector kernels process eight neurons at a time and return the index
// of the first block of eight that holds a neuron needing the caller (or
// the start of the last, partial block) without having stored anything for
// it: the scalar kernel continues from there. They repeat the scalar
// kernels' operations in the same order, so each lane rounds as the scalar
// code does. As with four lanes, they load and store through at8 and clear
// the registers' upper parts before returning (clearUpper): measured on an
// AVX-512 machine (AMD EPYC, Zen 4 class), the eight-lane kernels with
// s[i:] slicing and no clearing took 1.08 (Curr), 2.13 (Cond) and 0.72
// (CondEuler) CPU ns per cell-step against 0.76, 1.47 and 0.50 now (five
// alternated pairs, BenchmarkKernels; docs/benchmarks.md), and were slower
// than the four-lane forms on the same machine.

func currVec(k *CurrConsts, a *Arrays) int {
	if Width == 4 {
		return clearUpper(currVec4(k, a))
	}
	if a.Uniform {
		return clearUpper(currVec8U(k, a))
	}
	return clearUpper(currVec8(k, a))
}

func currVec8(k *CurrConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pm, c0, kC, kE, kI := bc(k.PM), bc(k.C0), bc(k.KC), bc(k.KE), bc(k.KI)
	pE, pI, h, vr := bc(k.PE), bc(k.PI), bc(k.H), bc(k.VReset)
	lo, zero := bc(-1e12), bc(0)
	i := 0
	for ; i+8 <= n; i += 8 {
		ie, ii := ld(sE, i), ld(sI, i)
		x := ld(iext, i).Add(ld(ibias, i))
		v := ld(V, i).Mul(pm).Add(c0).Add(x.Mul(kC).Add(ie.Mul(kE).Sub(ii.Mul(kI))))
		if v.Less(ld(th, i)).ToBits()&v.Greater(lo).ToBits() != 0xff {
			return i
		}
		ie.Mul(pE).Store(at8(sE, i))
		ii.Mul(pI).Store(at8(sI, i))
		rf := ld(ref, i)
		rf.Sub(h).Store(at8(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at8(V, i))
	}
	return i
}

func condVec(k *CondConsts, a *Arrays) int {
	if Width == 4 {
		return clearUpper(condVec4(k, a))
	}
	if a.Uniform {
		return clearUpper(condVec8U(k, a))
	}
	return clearUpper(condVec8(k, a))
}

func condVec8(k *CondConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pE, pI, mE, mI := bc(k.PE), bc(k.PI), bc(k.ME), bc(k.MI)
	gl, glEL, ee, ei := bc(k.GL), bc(k.GLEL), bc(k.EE), bc(k.EI)
	negHC, h, vr := bc(-k.HOverC), bc(k.H), bc(k.VReset)
	lo, zero, xMin := bc(-1e12), bc(0), bc(-700)
	for i := 0; i+8 <= n; i += 8 {
		ge, gi := ld(sE, i), ld(sI, i)
		gE, gI := ge.Mul(mE), gi.Mul(mI)
		G := gl.Add(gE).Add(gI)
		vinf := glEL.Add(gE.Mul(ee)).Add(gI.Mul(ei)).Add(ld(iext, i).Add(ld(ibias, i))).Div(G)
		e := ExpVec8(G.Mul(negHC).Max(xMin))
		v := vinf.Add(ld(V, i).Sub(vinf).Mul(e))
		if v.Less(ld(th, i)).ToBits()&v.Greater(lo).ToBits() != 0xff {
			return i
		}
		ge.Mul(pE).Store(at8(sE, i))
		gi.Mul(pI).Store(at8(sI, i))
		rf := ld(ref, i)
		rf.Sub(h).Store(at8(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at8(V, i))
	}
	return n &^ 7
}

func condEulerVec(k *CondConsts, a *Arrays) int {
	if Width == 4 {
		return clearUpper(condEulerVec4(k, a))
	}
	if a.Uniform {
		return clearUpper(condEulerVec8U(k, a))
	}
	return clearUpper(condEulerVec8(k, a))
}

func condEulerVec8(k *CondConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pE, pI, gl, el, ee, ei := bc(k.PE), bc(k.PI), bc(k.GL), bc(k.EL), bc(k.EE), bc(k.EI)
	hc, h, vr := bc(k.HOverC), bc(k.H), bc(k.VReset)
	lo, zero, gc := bc(-1e12), bc(0), bc(k.GCrit)
	for i := 0; i+8 <= n; i += 8 {
		ge, gi := ld(sE, i), ld(sI, i)
		u := ld(V, i)
		in := gl.Mul(el.Sub(u)).Add(ge.Mul(ee.Sub(u))).Add(gi.Mul(ei.Sub(u))).Add(ld(iext, i).Add(ld(ibias, i)))
		v := u.Add(hc.Mul(in))
		if v.Less(ld(th, i)).ToBits()&v.Greater(lo).ToBits()&ge.Add(gi).Less(gc).ToBits() != 0xff {
			return i
		}
		ge.Mul(pE).Store(at8(sE, i))
		gi.Mul(pI).Store(at8(sI, i))
		rf := ld(ref, i)
		rf.Sub(h).Store(at8(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at8(V, i))
	}
	return n &^ 7
}

// The U forms are the kernels above for Arrays.Uniform: the drive
// IExt + IBias and the threshold are constants, so a block loads V, the
// two synaptic variables and the refractory clock only (four streams
// instead of seven). Measured on 4000 cells of this project's AVX-512
// machine (AMD EPYC, Zen 5 class), the current kernel took 0.28–0.45 CPU
// ns per cell-step against 0.46–0.73 with the arrays (four alternated
// runs); for forward Euler the difference was within the noise
// (docs/benchmarks.md).

func currVec8U(k *CurrConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, ref := a.SE[:n], a.SI[:n], a.Ref[:n]
	pm, c0, kE, kI := bc(k.PM), bc(k.C0), bc(k.KE), bc(k.KI)
	pE, pI, h, vr := bc(k.PE), bc(k.PI), bc(k.H), bc(k.VReset)
	lo, zero, th := bc(-1e12), bc(0), bc(a.Theta)
	xk := bc(a.Drive).Mul(bc(k.KC))
	i := 0
	for ; i+8 <= n; i += 8 {
		ie, ii := ld(sE, i), ld(sI, i)
		v := ld(V, i).Mul(pm).Add(c0).Add(xk.Add(ie.Mul(kE).Sub(ii.Mul(kI))))
		if v.Less(th).ToBits()&v.Greater(lo).ToBits() != 0xff {
			return i
		}
		ie.Mul(pE).Store(at8(sE, i))
		ii.Mul(pI).Store(at8(sI, i))
		rf := ld(ref, i)
		rf.Sub(h).Store(at8(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at8(V, i))
	}
	return i
}

func condVec8U(k *CondConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, ref := a.SE[:n], a.SI[:n], a.Ref[:n]
	pE, pI, mE, mI := bc(k.PE), bc(k.PI), bc(k.ME), bc(k.MI)
	gl, glEL, ee, ei := bc(k.GL), bc(k.GLEL), bc(k.EE), bc(k.EI)
	negHC, h, vr := bc(-k.HOverC), bc(k.H), bc(k.VReset)
	lo, zero, xMin := bc(-1e12), bc(0), bc(-700)
	x, th := bc(a.Drive), bc(a.Theta)
	for i := 0; i+8 <= n; i += 8 {
		ge, gi := ld(sE, i), ld(sI, i)
		gE, gI := ge.Mul(mE), gi.Mul(mI)
		G := gl.Add(gE).Add(gI)
		vinf := glEL.Add(gE.Mul(ee)).Add(gI.Mul(ei)).Add(x).Div(G)
		e := ExpVec8(G.Mul(negHC).Max(xMin))
		v := vinf.Add(ld(V, i).Sub(vinf).Mul(e))
		if v.Less(th).ToBits()&v.Greater(lo).ToBits() != 0xff {
			return i
		}
		ge.Mul(pE).Store(at8(sE, i))
		gi.Mul(pI).Store(at8(sI, i))
		rf := ld(ref, i)
		rf.Sub(h).Store(at8(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at8(V, i))
	}
	return n &^ 7
}

func condEulerVec8U(k *CondConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, ref := a.SE[:n], a.SI[:n], a.Ref[:n]
	pE, pI, gl, el, ee, ei := bc(k.PE), bc(k.PI), bc(k.GL), bc(k.EL), bc(k.EE), bc(k.EI)
	hc, h, vr := bc(k.HOverC), bc(k.H), bc(k.VReset)
	lo, zero, gc := bc(-1e12), bc(0), bc(k.GCrit)
	x, th := bc(a.Drive), bc(a.Theta)
	for i := 0; i+8 <= n; i += 8 {
		ge, gi := ld(sE, i), ld(sI, i)
		u := ld(V, i)
		in := gl.Mul(el.Sub(u)).Add(ge.Mul(ee.Sub(u))).Add(gi.Mul(ei.Sub(u))).Add(x)
		v := u.Add(hc.Mul(in))
		if v.Less(th).ToBits()&v.Greater(lo).ToBits()&ge.Add(gi).Less(gc).ToBits() != 0xff {
			return i
		}
		ge.Mul(pE).Store(at8(sE, i))
		gi.Mul(pI).Store(at8(sI, i))
		rf := ld(ref, i)
		rf.Sub(h).Store(at8(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at8(V, i))
	}
	return n &^ 7
}

// ExpVec8 is Exp lane by lane, for arguments already raised to −700 or
// more: the same operations in the same order, with 2^(j/256) computed as
// the product of its two 16-entry tables' entries (each table held in two
// registers and looked up with one permute) instead of read from the
// scalar form's 256 products. The kernels here and in package kernel need
// it inlined (a call makes the compiler spill every live vector around
// it): its cost is 205 of the compiler's budget of 240 (go build
// -gcflags=-m=2); loading the tables through slices cost 261.
func ExpVec8(x f8) f8 {
	magic := bc(expMagic)
	y := x.Mul(bc(256 / math.Ln2)).Add(magic)
	b := y.AsUint64x8()
	r := x.Sub(y.Sub(magic).Mul(bc(math.Ln2 / 256)))
	p := bc(1).Add(r).Add(r.Mul(r).Mul(bc(expC2).Add(r.Mul(bc(expC3)))))
	// ConcatPermute uses the low 4 bits of each index: k&15 for expLo,
	// (k>>4)&15 for expHi.
	hi := archsimd.LoadFloat64x8((*[8]float64)(expHi[:8])).ConcatPermute(archsimd.LoadFloat64x8((*[8]float64)(expHi[8:])), b.ShiftAllRight(4))
	lo := archsimd.LoadFloat64x8((*[8]float64)(expLo[:8])).ConcatPermute(archsimd.LoadFloat64x8((*[8]float64)(expLo[8:])), b)
	scale := hi.Mul(lo).AsUint64x8().Add(b.ShiftAllRight(8).ShiftAllLeft(52)).AsFloat64x8()
	return p.Mul(scale)
}

// allBits8 is AllBits for the eight-lane build: it checks whole blocks of
// eight and returns how many elements it checked (false: one differs).
func allBits8(x []float64, b uint64, addZero bool) (int, bool) {
	want, zero := archsimd.BroadcastUint64x8(b), bc(0)
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := ld(x, i)
		if addZero {
			v = zero.Add(v)
		}
		if v.AsUint64x8().Equal(want).ToBits() != 0xff {
			return i, false
		}
	}
	return i, true
}
