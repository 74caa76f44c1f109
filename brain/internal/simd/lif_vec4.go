//go:build goexperiment.simd && amd64

package simd

import (
	"math"
	"simd/archsimd"
)

// The AVX2 forms of the vector kernels: four float64 lanes, for CPUs with
// AVX2 but not AVX-512 (Width 4). They are the eight-lane kernels of
// lif_vec.go with Float64x4, the same operations in the same order, and
// return the index of the first block of four that needs the scalar kernel.

type f4 = archsimd.Float64x4
type u4 = archsimd.Uint64x4

// clearUpper clears the upper halves of the vector registers (VZEROUPPER)
// before the scalar code runs again and returns i: legacy SSE instructions,
// which Go's scalar floating-point code uses, otherwise depend on the
// registers' old contents.
func clearUpper(i int) int {
	archsimd.ClearAVXUpperBits()
	return i
}

func bc4(x float64) f4          { return archsimd.BroadcastFloat64x4(x) }
func ld4(s []float64, i int) f4 { return archsimd.LoadFloat64x4(at4(s, i)) }

// at4 is the four elements of s from i on. (Slicing s[i:i+4] rather than
// s[i:] spares the pointer masking that an empty slice s[i:] requires;
// with it the loops spent more instructions on addresses than on lanes.)
func at4(s []float64, i int) *[4]float64 { return (*[4]float64)(s[i : i+4]) }

func currVec4(k *CurrConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pm, c0, kC, kE, kI := bc4(k.PM), bc4(k.C0), bc4(k.KC), bc4(k.KE), bc4(k.KI)
	pE, pI, h, vr := bc4(k.PE), bc4(k.PI), bc4(k.H), bc4(k.VReset)
	lo, zero := bc4(-1e12), bc4(0)
	for i := 0; i+4 <= n; i += 4 {
		ie, ii := ld4(sE, i), ld4(sI, i)
		x := ld4(iext, i).Add(ld4(ibias, i))
		v := ld4(V, i).Mul(pm).Add(c0).Add(x.Mul(kC).Add(ie.Mul(kE).Sub(ii.Mul(kI))))
		if v.Less(ld4(th, i)).And(v.Greater(lo)).ToBits() != 0xf {
			return i
		}
		ie.Mul(pE).Store(at4(sE, i))
		ii.Mul(pI).Store(at4(sI, i))
		rf := ld4(ref, i)
		rf.Sub(h).Store(at4(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at4(V, i))
	}
	return n &^ 3
}

func condVec4(k *CondConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pE, pI, mE, mI := bc4(k.PE), bc4(k.PI), bc4(k.ME), bc4(k.MI)
	gl, glEL, ee, ei := bc4(k.GL), bc4(k.GLEL), bc4(k.EE), bc4(k.EI)
	negHC, h, vr := bc4(-k.HOverC), bc4(k.H), bc4(k.VReset)
	lo, zero, xMin := bc4(-1e12), bc4(0), bc4(-700)
	for i := 0; i+4 <= n; i += 4 {
		ge, gi := ld4(sE, i), ld4(sI, i)
		gE, gI := ge.Mul(mE), gi.Mul(mI)
		G := gl.Add(gE).Add(gI)
		vinf := glEL.Add(gE.Mul(ee)).Add(gI.Mul(ei)).Add(ld4(iext, i).Add(ld4(ibias, i))).Div(G)
		e := ExpVec4(G.Mul(negHC).Max(xMin))
		v := vinf.Add(ld4(V, i).Sub(vinf).Mul(e))
		if v.Less(ld4(th, i)).And(v.Greater(lo)).ToBits() != 0xf {
			return i
		}
		ge.Mul(pE).Store(at4(sE, i))
		gi.Mul(pI).Store(at4(sI, i))
		rf := ld4(ref, i)
		rf.Sub(h).Store(at4(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at4(V, i))
	}
	return n &^ 3
}

func condEulerVec4(k *CondConsts, a *Arrays) int {
	V := a.V
	n := len(V)
	sE, sI, iext, ibias, th, ref := a.SE[:n], a.SI[:n], a.IExt[:n], a.IBias[:n], a.Th[:n], a.Ref[:n]
	pE, pI, gl, el, ee, ei := bc4(k.PE), bc4(k.PI), bc4(k.GL), bc4(k.EL), bc4(k.EE), bc4(k.EI)
	hc, h, vr := bc4(k.HOverC), bc4(k.H), bc4(k.VReset)
	lo, zero, gc := bc4(-1e12), bc4(0), bc4(k.GCrit)
	for i := 0; i+4 <= n; i += 4 {
		ge, gi := ld4(sE, i), ld4(sI, i)
		u := ld4(V, i)
		in := gl.Mul(el.Sub(u)).Add(ge.Mul(ee.Sub(u))).Add(gi.Mul(ei.Sub(u))).Add(ld4(iext, i).Add(ld4(ibias, i)))
		v := u.Add(hc.Mul(in))
		if v.Less(ld4(th, i)).And(v.Greater(lo)).And(ge.Add(gi).Less(gc)).ToBits() != 0xf {
			return i
		}
		ge.Mul(pE).Store(at4(sE, i))
		gi.Mul(pI).Store(at4(sI, i))
		rf := ld4(ref, i)
		rf.Sub(h).Store(at4(ref, i))
		vr.Merge(v, rf.Greater(zero)).Store(at4(V, i))
	}
	return n &^ 3
}

// ExpVec4 is Exp lane by lane, for arguments already raised to −700 or
// more: the same operations in the same order as Exp and ExpVec8. AVX2 has
// no permute of float64 lanes by run-time indices and archsimd no gather,
// so 2^(j/256) is read from the scalar form's 256-entry table one lane at a
// time (VPEXTRQ, a load, VPINSRQ). Reading ExpVec8's two 16-entry tables
// with the 32-bit permute VPERMD instead (four permutes and three blends
// per table) took about 1.4 times as long per cell in the Cond kernel.
// Inlined like ExpVec8 (cost 239 of 240: the table entries are set into
// the index vector's own halves rather than into fresh broadcasts).
func ExpVec4(x f4) f4 {
	magic := bc4(expMagic)
	y := x.Mul(bc4(256 / math.Ln2)).Add(magic)
	b := y.AsUint64x4()
	r := x.Sub(y.Sub(magic).Mul(bc4(math.Ln2 / 256)))
	p := bc4(1).Add(r).Add(r.Mul(r).Mul(bc4(expC2).Add(r.Mul(bc4(expC3)))))
	t := &expBits
	l, h := b.GetLo(), b.GetHi()
	sl := l.SetElem(0, t[uint8(l.GetElem(0))]).SetElem(1, t[uint8(l.GetElem(1))])
	sh := h.SetElem(0, t[uint8(h.GetElem(0))]).SetElem(1, t[uint8(h.GetElem(1))])
	// (b>>8)<<52 as a mask and one shift: ShiftAllRight by a constant
	// compiles to a count moved with a legacy SSE instruction, which in
	// AVX code waits for the register's upper half.
	e := b.And(archsimd.BroadcastUint64x4(0xfff00)).ShiftAllLeft(44)
	return p.Mul(b.SetLo(sl).SetHi(sh).Add(e).AsFloat64x4())
}
