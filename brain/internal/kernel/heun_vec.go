//go:build goexperiment.simd && amd64

package kernel

import (
	"simd/archsimd"

	"github.com/neuron-sim/neuron/brain/internal/simd"
)

// vecWidth is the number of lanes of the vector Heun kernels (simd.Width:
// 8 with AVX-512, 4 with AVX2 alone, 0 without either).
func vecWidth() int { return simd.Width }

// stepHeunVec is the fused Heun kernel (heun.go) in vector form, for the
// parameters heunVecSupports accepts: eight (AVX-512) or four (AVX2)
// neurons per instruction, in one pass over neurons [lo, hi). Each lane
// performs the scalar stages' floating-point operations in the same
// order (Exp as simd.ExpVec8 / ExpVec4, which give its bits), so the two
// kernels agree bit for bit. A lane ends its step in one of three ways,
// chosen by masks, without branches:
//
//   - the fast Heun step (not refractory, below θ + xFast·ΔT and VPeak at
//     both stages, finite): its new state is stored;
//   - a whole step of refractoriness (refractory time left ≥ dt), in the
//     closed form of heunEvents: stored as well;
//   - anything else (a spike, the end of refractoriness, the upswing, a
//     blow-up): the lane's state is left as it was and Slow advances it
//     right after the vector step of its group, in ascending order, as
//     heunEvents does.
//
// The neurons after the last whole vector go to the scalar kernel.
func stepHeunVec(cs *Consts, s *State, lo, hi int, dst []int32, sc *Scratch) ([]int32, int) {
	var i, bad int
	switch simd.Width {
	case 8:
		dst, i, bad = heunVec8(cs, s, lo, hi, dst)
	case 4:
		dst, i, bad = heunVec4(cs, s, lo, hi, dst)
	default:
		i, bad = lo, -1
	}
	archsimd.ClearAVXUpperBits()
	if bad >= 0 {
		return dst, bad
	}
	for b := i; b < hi; b += Block {
		if dst, bad = stepHeun(cs, s, b, min(b+Block, hi), dst, sc); bad >= 0 {
			return dst, bad
		}
	}
	return dst, -1
}

type (
	f8 = archsimd.Float64x8
	f4 = archsimd.Float64x4
)

func bc8(x float64) f8                   { return archsimd.BroadcastFloat64x8(x) }
func ld8(s []float64, i int) f8          { return archsimd.LoadFloat64x8(at8(s, i)) }
func at8(s []float64, i int) *[8]float64 { return (*[8]float64)(s[i : i+8]) }
func bc4(x float64) f4                   { return archsimd.BroadcastFloat64x4(x) }
func ld4(s []float64, i int) f4          { return archsimd.LoadFloat64x4(at4(s, i)) }
func at4(s []float64, i int) *[4]float64 { return (*[4]float64)(s[i : i+4]) }

// heunVec8 advances the whole groups of eight neurons of [lo, hi) and
// returns dst, the index after the last group done, and the index of a
// neuron that blew up (−1 if none; then the step stopped there). The
// model's constants are broadcast where they are used: Go's register
// allocator uses 15 vector registers, so constants broadcast once before
// the loop were spilled to the stack and reloaded anyway, and the forms
// with and without a dendrite are separate loops, so that neither keeps
// the other's values live. The dendritic loops read the constants from a
// copy on their own stack frame: read from the population's Consts, the
// same code ran 1.2–1.3 times slower after fields were added to Consts in
// front of them (Full benchmark, medians of 6 and 8 alternated pairs; the
// machine code differed only in the constants' offsets), a data-placement
// effect the copy removes (0.68–0.81 times the time, median 0.79, 6
// pairs); for the somatic loops the copy made no difference (1.01–1.03).
func heunVec8(cs *Consts, s *State, lo, hi int, dst []int32) ([]int32, int, int) {
	if cs.hn.dend {
		return heunVec8Dend(cs, s, lo, hi, dst)
	}
	return heunVec8Soma(cs, s, lo, hi, dst)
}

func heunVec8Soma(cs *Consts, s *State, lo, hi int, dst []int32) ([]int32, int, int) {
	c := &cs.hn
	V := s.V[lo:hi]
	n := len(V)
	W, Th, ref, th0 := s.W[lo:hi][:n], s.Theta[lo:hi][:n], s.Ref[lo:hi][:n], s.Theta0[lo:hi][:n]
	sE, sI, iext, ibias := s.EP[lo:hi][:n], s.IP[lo:hi][:n], s.IExt[lo:hi][:n], s.IBias[lo:hi][:n]
	thDyn := c.thDyn
	h := cs.k.h
	epsH := 1e-12 * h
	var e0, r0 [8]float64 // the synaptic variables' start values of a group with Slow lanes
	i := 0
	for ; i+8 <= n; i += 8 {
		e, r := ld8(sE, i), ld8(sI, i)
		e1, r1 := e.Mul(bc8(c.pE)), r.Mul(bc8(c.pI))
		iS := ld8(iext, i).Add(ld8(ibias, i))
		j0, j1 := e.Sub(r).Add(iS), e1.Sub(r1).Add(iS)
		e1.Store(at8(sE, i))
		r1.Store(at8(sI, i))
		v, w, th := ld8(V, i), ld8(W, i), ld8(Th, i)
		th1 := th
		if thDyn {
			ti := ld8(th0, i)
			th1 = ti.Add(th.Sub(ti).Mul(bc8(c.pTh)))
		}
		// stage 1 (heunStage1Soma)
		el := bc8(c.el)
		ex := bc8(c.glDT).Mul(simd.ExpVec8(v.Sub(th).Mul(bc8(c.invDT)).Max(bc8(-700))))
		f1 := bc8(c.ngl).Mul(v.Sub(el)).Sub(w).Add(j0).Add(ex)
		dw1 := bc8(c.a).Mul(v.Sub(el)).Sub(w)
		vp, wp := v.Add(bc8(c.hC).Mul(f1)), w.Add(bc8(c.hW).Mul(dw1))
		// stage 2 (heunStage2Soma)
		ex2 := bc8(c.glDT).Mul(simd.ExpVec8(vp.Sub(th1).Mul(bc8(c.invDT)).Max(bc8(-700))))
		el = bc8(c.el)
		f2 := bc8(c.ngl).Mul(vp.Sub(el)).Sub(wp).Add(j1).Add(ex2)
		v1 := v.Add(bc8(c.hC2).Mul(f1.Add(f2)))
		w1 := w.Add(bc8(c.hW2).Mul(dw1.Add(bc8(c.a).Mul(vp.Sub(el)).Sub(wp))))
		rf := ld8(ref, i)
		okBits := ^rf.Greater(bc8(0)).ToBits() & v.Sub(th).Less(bc8(c.startLim)).ToBits() &
			v1.Sub(th1).Less(bc8(c.xFastV)).ToBits() & vp.Sub(th1).Less(bc8(c.vpLim)).ToBits() &
			v1.Greater(bc8(c.vMin)).ToBits() & v1.Less(bc8(c.vpeak)).ToBits()
		// a whole refractory step (heunEvents); no fast lane is refractory
		hv := bc8(h)
		refBits := rf.GreaterEqual(hv).ToBits()
		ok, rm := archsimd.Mask64x8FromBits(okBits), archsimd.Mask64x8FromBits(refBits)
		rr := rf.Sub(hv)
		rr = bc8(0).Merge(rr, rr.Less(bc8(epsH)))
		rr.Merge(rf, rm).Store(at8(ref, i))
		v1.Merge(bc8(c.vreset).Merge(v, rm), ok).Store(at8(V, i))
		wRef := bc8(c.wRef)
		w1.Merge(wRef.Add(w.Sub(wRef).Mul(bc8(c.pW))).Merge(w, rm), ok).Store(at8(W, i))
		if thDyn {
			th1.Merge(th, archsimd.Mask64x8FromBits(okBits|refBits)).Store(at8(Th, i))
		}
		slow := ^(okBits | refBits)
		if slow == 0 {
			continue
		}
		e.Store(&e0)
		r.Store(&r0)
		archsimd.ClearAVXUpperBits() // Slow is scalar (legacy SSE) code
		var bad int
		if dst, bad = heunSlowLanes(cs, s, lo+i, uint(slow), dst, &e0, &r0, nil, nil); bad >= 0 {
			return dst, lo + i, bad
		}
	}
	return dst, lo + i, -1
}

func heunVec8Dend(cs *Consts, s *State, lo, hi int, dst []int32) ([]int32, int, int) {
	hn := cs.hn // a copy on the stack (see heunVec8)
	c := &hn
	V := s.V[lo:hi]
	n := len(V)
	W, Th, ref, th0 := s.W[lo:hi][:n], s.Theta[lo:hi][:n], s.Ref[lo:hi][:n], s.Theta0[lo:hi][:n]
	sE, sI, iext, ibias := s.EP[lo:hi][:n], s.IP[lo:hi][:n], s.IExt[lo:hi][:n], s.IBias[lo:hi][:n]
	Vd, dE, dI, iextd := s.Vd[lo:hi][:n], s.ED[lo:hi][:n], s.ID[lo:hi][:n], s.IExtDist[lo:hi][:n]
	thDyn := c.thDyn
	h := cs.k.h
	epsH := 1e-12 * h
	var e0, r0, de0, dr0 [8]float64 // the synaptic variables' start values of a group with Slow lanes
	i := 0
	for ; i+8 <= n; i += 8 {
		e, r := ld8(sE, i), ld8(sI, i)
		e1, r1 := e.Mul(bc8(c.pE)), r.Mul(bc8(c.pI))
		iS := ld8(iext, i).Add(ld8(ibias, i))
		j0, j1 := e.Sub(r).Add(iS), e1.Sub(r1).Add(iS)
		e1.Store(at8(sE, i))
		r1.Store(at8(sI, i))
		de, dr := ld8(dE, i), ld8(dI, i)
		de1, dr1 := de.Mul(bc8(c.pE)), dr.Mul(bc8(c.pI))
		iD := ld8(iextd, i)
		jd0, jd1 := de.Sub(dr).Add(iD), de1.Sub(dr1).Add(iD)
		de1.Store(at8(dE, i))
		dr1.Store(at8(dI, i))
		v, vd, w, th := ld8(V, i), ld8(Vd, i), ld8(W, i), ld8(Th, i)
		th1 := th
		if thDyn {
			ti := ld8(th0, i)
			th1 = ti.Add(th.Sub(ti).Mul(bc8(c.pTh)))
		}
		// stage 1 (heunStage1Dend)
		el, gc := bc8(c.el), bc8(c.gc)
		ex := bc8(c.glDT).Mul(simd.ExpVec8(v.Sub(th).Mul(bc8(c.invDT)).Max(bc8(-700))))
		f1 := bc8(c.ngl).Mul(v.Sub(el)).Sub(w).Add(j0).Add(ex)
		dw1 := bc8(c.a).Mul(v.Sub(el)).Sub(w)
		f1 = f1.Sub(gc.Mul(v.Sub(vd)))
		dvd1 := bc8(c.ngld).Mul(vd.Sub(el)).Add(gc.Mul(v.Sub(vd))).Add(jd0)
		vp, vdp, wp := v.Add(bc8(c.hC).Mul(f1)), vd.Add(bc8(c.hCd).Mul(dvd1)), w.Add(bc8(c.hW).Mul(dw1))
		// stage 2 (heunStage2Dend)
		ex2 := bc8(c.glDT).Mul(simd.ExpVec8(vp.Sub(th1).Mul(bc8(c.invDT)).Max(bc8(-700))))
		el, gc = bc8(c.el), bc8(c.gc)
		f2 := bc8(c.ngl).Mul(vp.Sub(el)).Sub(wp).Add(j1).Add(ex2)
		f2 = f2.Sub(gc.Mul(vp.Sub(vdp)))
		v1 := v.Add(bc8(c.hC2).Mul(f1.Add(f2)))
		w1 := w.Add(bc8(c.hW2).Mul(dw1.Add(bc8(c.a).Mul(vp.Sub(el)).Sub(wp))))
		dvd2 := bc8(c.ngld).Mul(vdp.Sub(el)).Add(gc.Mul(vp.Sub(vdp))).Add(jd1)
		vd1 := vd.Add(bc8(c.hCd2).Mul(dvd1.Add(dvd2)))
		rf := ld8(ref, i)
		okBits := ^rf.Greater(bc8(0)).ToBits() & v.Sub(th).Less(bc8(c.startLim)).ToBits() &
			v1.Sub(th1).Less(bc8(c.xFastV)).ToBits() & vp.Sub(th1).Less(bc8(c.vpLim)).ToBits() &
			v1.Greater(bc8(c.vMin)).ToBits() & v1.Less(bc8(c.vpeak)).ToBits()
		// a whole refractory step (heunEvents); no fast lane is refractory
		hv := bc8(h)
		refBits := rf.GreaterEqual(hv).ToBits()
		ok, rm := archsimd.Mask64x8FromBits(okBits), archsimd.Mask64x8FromBits(refBits)
		rr := rf.Sub(hv)
		rr = bc8(0).Merge(rr, rr.Less(bc8(epsH)))
		rr.Merge(rf, rm).Store(at8(ref, i))
		v1.Merge(bc8(c.vreset).Merge(v, rm), ok).Store(at8(V, i))
		wRef := bc8(c.wRef)
		w1.Merge(wRef.Add(w.Sub(wRef).Mul(bc8(c.pW))).Merge(w, rm), ok).Store(at8(W, i))
		vdInf := bc8(c.vdRefJ).Add(jd0).Div(bc8(c.gtd))
		vdR := vdInf.Add(vd.Sub(vdInf).Mul(bc8(c.pVdRef)))
		vd1.Merge(vdR.Merge(vd, rm), ok).Store(at8(Vd, i))
		if thDyn {
			th1.Merge(th, archsimd.Mask64x8FromBits(okBits|refBits)).Store(at8(Th, i))
		}
		slow := ^(okBits | refBits)
		if slow == 0 {
			continue
		}
		e.Store(&e0)
		r.Store(&r0)
		de.Store(&de0)
		dr.Store(&dr0)
		archsimd.ClearAVXUpperBits() // Slow is scalar (legacy SSE) code
		var bad int
		if dst, bad = heunSlowLanes(cs, s, lo+i, uint(slow), dst, &e0, &r0, &de0, &dr0); bad >= 0 {
			return dst, lo + i, bad
		}
	}
	return dst, lo + i, -1
}

// heunVec4 is heunVec4 with four lanes (AVX2): the same operations in the
// same order, with masks held in vector registers (AVX2 has no mask
// registers) and combined with And and Or; !(rf > 0) is rf ≤ 0 or NaN.
func heunVec4(cs *Consts, s *State, lo, hi int, dst []int32) ([]int32, int, int) {
	if cs.hn.dend {
		return heunVec4Dend(cs, s, lo, hi, dst)
	}
	return heunVec4Soma(cs, s, lo, hi, dst)
}

func heunVec4Soma(cs *Consts, s *State, lo, hi int, dst []int32) ([]int32, int, int) {
	c := &cs.hn
	V := s.V[lo:hi]
	n := len(V)
	W, Th, ref, th0 := s.W[lo:hi][:n], s.Theta[lo:hi][:n], s.Ref[lo:hi][:n], s.Theta0[lo:hi][:n]
	sE, sI, iext, ibias := s.EP[lo:hi][:n], s.IP[lo:hi][:n], s.IExt[lo:hi][:n], s.IBias[lo:hi][:n]
	thDyn := c.thDyn
	h := cs.k.h
	epsH := 1e-12 * h
	var e0, r0 [8]float64 // the synaptic variables' start values of a group with Slow lanes
	i := 0
	for ; i+4 <= n; i += 4 {
		e, r := ld4(sE, i), ld4(sI, i)
		e1, r1 := e.Mul(bc4(c.pE)), r.Mul(bc4(c.pI))
		iS := ld4(iext, i).Add(ld4(ibias, i))
		j0, j1 := e.Sub(r).Add(iS), e1.Sub(r1).Add(iS)
		e1.Store(at4(sE, i))
		r1.Store(at4(sI, i))
		v, w, th := ld4(V, i), ld4(W, i), ld4(Th, i)
		th1 := th
		if thDyn {
			ti := ld4(th0, i)
			th1 = ti.Add(th.Sub(ti).Mul(bc4(c.pTh)))
		}
		// stage 1 (heunStage1Soma)
		el := bc4(c.el)
		ex := bc4(c.glDT).Mul(simd.ExpVec4(v.Sub(th).Mul(bc4(c.invDT)).Max(bc4(-700))))
		f1 := bc4(c.ngl).Mul(v.Sub(el)).Sub(w).Add(j0).Add(ex)
		dw1 := bc4(c.a).Mul(v.Sub(el)).Sub(w)
		vp, wp := v.Add(bc4(c.hC).Mul(f1)), w.Add(bc4(c.hW).Mul(dw1))
		// stage 2 (heunStage2Soma)
		ex2 := bc4(c.glDT).Mul(simd.ExpVec4(vp.Sub(th1).Mul(bc4(c.invDT)).Max(bc4(-700))))
		el = bc4(c.el)
		f2 := bc4(c.ngl).Mul(vp.Sub(el)).Sub(wp).Add(j1).Add(ex2)
		v1 := v.Add(bc4(c.hC2).Mul(f1.Add(f2)))
		w1 := w.Add(bc4(c.hW2).Mul(dw1.Add(bc4(c.a).Mul(vp.Sub(el)).Sub(wp))))
		rf := ld4(ref, i)
		ok := rf.LessEqual(bc4(0)).Or(rf.IsNaN()).And(v.Sub(th).Less(bc4(c.startLim))).
			And(v1.Sub(th1).Less(bc4(c.xFastV))).And(vp.Sub(th1).Less(bc4(c.vpLim))).
			And(v1.Greater(bc4(c.vMin))).And(v1.Less(bc4(c.vpeak)))
		// a whole refractory step (heunEvents); no fast lane is refractory
		hv := bc4(h)
		rm := rf.GreaterEqual(hv)
		rr := rf.Sub(hv)
		rr = bc4(0).Merge(rr, rr.Less(bc4(epsH)))
		rr.Merge(rf, rm).Store(at4(ref, i))
		v1.Merge(bc4(c.vreset).Merge(v, rm), ok).Store(at4(V, i))
		wRef := bc4(c.wRef)
		w1.Merge(wRef.Add(w.Sub(wRef).Mul(bc4(c.pW))).Merge(w, rm), ok).Store(at4(W, i))
		if thDyn {
			th1.Merge(th, ok.Or(rm)).Store(at4(Th, i))
		}
		slow := 0xf &^ ok.Or(rm).ToBits()
		if slow == 0 {
			continue
		}
		e.Store(at4(e0[:], 0))
		r.Store(at4(r0[:], 0))
		archsimd.ClearAVXUpperBits() // Slow is scalar (legacy SSE) code
		var bad int
		if dst, bad = heunSlowLanes(cs, s, lo+i, uint(slow), dst, &e0, &r0, nil, nil); bad >= 0 {
			return dst, lo + i, bad
		}
	}
	return dst, lo + i, -1
}

func heunVec4Dend(cs *Consts, s *State, lo, hi int, dst []int32) ([]int32, int, int) {
	hn := cs.hn // a copy on the stack (see heunVec8)
	c := &hn
	V := s.V[lo:hi]
	n := len(V)
	W, Th, ref, th0 := s.W[lo:hi][:n], s.Theta[lo:hi][:n], s.Ref[lo:hi][:n], s.Theta0[lo:hi][:n]
	sE, sI, iext, ibias := s.EP[lo:hi][:n], s.IP[lo:hi][:n], s.IExt[lo:hi][:n], s.IBias[lo:hi][:n]
	Vd, dE, dI, iextd := s.Vd[lo:hi][:n], s.ED[lo:hi][:n], s.ID[lo:hi][:n], s.IExtDist[lo:hi][:n]
	thDyn := c.thDyn
	h := cs.k.h
	epsH := 1e-12 * h
	var e0, r0, de0, dr0 [8]float64 // the synaptic variables' start values of a group with Slow lanes
	i := 0
	for ; i+4 <= n; i += 4 {
		e, r := ld4(sE, i), ld4(sI, i)
		e1, r1 := e.Mul(bc4(c.pE)), r.Mul(bc4(c.pI))
		iS := ld4(iext, i).Add(ld4(ibias, i))
		j0, j1 := e.Sub(r).Add(iS), e1.Sub(r1).Add(iS)
		e1.Store(at4(sE, i))
		r1.Store(at4(sI, i))
		de, dr := ld4(dE, i), ld4(dI, i)
		de1, dr1 := de.Mul(bc4(c.pE)), dr.Mul(bc4(c.pI))
		iD := ld4(iextd, i)
		jd0, jd1 := de.Sub(dr).Add(iD), de1.Sub(dr1).Add(iD)
		de1.Store(at4(dE, i))
		dr1.Store(at4(dI, i))
		v, vd, w, th := ld4(V, i), ld4(Vd, i), ld4(W, i), ld4(Th, i)
		th1 := th
		if thDyn {
			ti := ld4(th0, i)
			th1 = ti.Add(th.Sub(ti).Mul(bc4(c.pTh)))
		}
		// stage 1 (heunStage1Dend)
		el, gc := bc4(c.el), bc4(c.gc)
		ex := bc4(c.glDT).Mul(expVec4Call(v.Sub(th).Mul(bc4(c.invDT)).Max(bc4(-700))))
		f1 := bc4(c.ngl).Mul(v.Sub(el)).Sub(w).Add(j0).Add(ex)
		dw1 := bc4(c.a).Mul(v.Sub(el)).Sub(w)
		f1 = f1.Sub(gc.Mul(v.Sub(vd)))
		dvd1 := bc4(c.ngld).Mul(vd.Sub(el)).Add(gc.Mul(v.Sub(vd))).Add(jd0)
		vp, vdp, wp := v.Add(bc4(c.hC).Mul(f1)), vd.Add(bc4(c.hCd).Mul(dvd1)), w.Add(bc4(c.hW).Mul(dw1))
		// stage 2 (heunStage2Dend)
		ex2 := bc4(c.glDT).Mul(expVec4Call(vp.Sub(th1).Mul(bc4(c.invDT)).Max(bc4(-700))))
		el, gc = bc4(c.el), bc4(c.gc)
		f2 := bc4(c.ngl).Mul(vp.Sub(el)).Sub(wp).Add(j1).Add(ex2)
		f2 = f2.Sub(gc.Mul(vp.Sub(vdp)))
		v1 := v.Add(bc4(c.hC2).Mul(f1.Add(f2)))
		w1 := w.Add(bc4(c.hW2).Mul(dw1.Add(bc4(c.a).Mul(vp.Sub(el)).Sub(wp))))
		dvd2 := bc4(c.ngld).Mul(vdp.Sub(el)).Add(gc.Mul(vp.Sub(vdp))).Add(jd1)
		vd1 := vd.Add(bc4(c.hCd2).Mul(dvd1.Add(dvd2)))
		rf := ld4(ref, i)
		ok := rf.LessEqual(bc4(0)).Or(rf.IsNaN()).And(v.Sub(th).Less(bc4(c.startLim))).
			And(v1.Sub(th1).Less(bc4(c.xFastV))).And(vp.Sub(th1).Less(bc4(c.vpLim))).
			And(v1.Greater(bc4(c.vMin))).And(v1.Less(bc4(c.vpeak)))
		// a whole refractory step (heunEvents); no fast lane is refractory
		hv := bc4(h)
		rm := rf.GreaterEqual(hv)
		rr := rf.Sub(hv)
		rr = bc4(0).Merge(rr, rr.Less(bc4(epsH)))
		rr.Merge(rf, rm).Store(at4(ref, i))
		v1.Merge(bc4(c.vreset).Merge(v, rm), ok).Store(at4(V, i))
		wRef := bc4(c.wRef)
		w1.Merge(wRef.Add(w.Sub(wRef).Mul(bc4(c.pW))).Merge(w, rm), ok).Store(at4(W, i))
		vdInf := bc4(c.vdRefJ).Add(jd0).Div(bc4(c.gtd))
		vdR := vdInf.Add(vd.Sub(vdInf).Mul(bc4(c.pVdRef)))
		vd1.Merge(vdR.Merge(vd, rm), ok).Store(at4(Vd, i))
		if thDyn {
			th1.Merge(th, ok.Or(rm)).Store(at4(Th, i))
		}
		slow := 0xf &^ ok.Or(rm).ToBits()
		if slow == 0 {
			continue
		}
		e.Store(at4(e0[:], 0))
		r.Store(at4(r0[:], 0))
		de.Store(at4(de0[:], 0))
		dr.Store(at4(dr0[:], 0))
		archsimd.ClearAVXUpperBits() // Slow is scalar (legacy SSE) code
		var bad int
		if dst, bad = heunSlowLanes(cs, s, lo+i, uint(slow), dst, &e0, &r0, &de0, &dr0); bad >= 0 {
			return dst, lo + i, bad
		}
	}
	return dst, lo + i, -1
}

// expVec4Call is simd.ExpVec4 as a call, for heunVec4Dend: inlined there,
// the exponential's temporaries pushed the loop's other values out of the
// 15 vector registers, and the kernel took 1.00–1.34 times as long
// (median 1.05, 6 alternated runs of BenchmarkHeunVec, Zen 4).
//
//go:noinline
func expVec4Call(x f4) f4 { return simd.ExpVec4(x) }

// heunSlowLanes runs Slow for the lanes of the group at g whose bits are
// set in slow, in ascending order, as heunEvents does: their state is that
// of the step's start, their synaptic variables are already decayed (the
// start values are e0, r0, de0, dr0). It returns dst with their spikes
// and the index of a neuron that blew up (−1 if none), whose synaptic
// variables it restores.
func heunSlowLanes(cs *Consts, s *State, g int, slow uint, dst []int32, e0, r0, de0, dr0 *[8]float64) ([]int32, int) {
	dend := cs.hn.dend
	for l := 0; slow != 0; l, slow = l+1, slow>>1 {
		if slow&1 == 0 {
			continue
		}
		i := g + l
		var iD, ed, id float64
		if dend {
			iD, ed, id = s.IExtDist[i], de0[l], dr0[l]
		}
		v, vd, w, th, spiked, ts, ok := Slow(cs, s, i, s.V[i], s.Vd[i], s.W[i], s.Theta[i], s.Theta0[i], 1,
			s.IExt[i]+s.IBias[i], iD, e0[l], r0[l], ed, id)
		s.V[i], s.Vd[i], s.W[i], s.Theta[i] = v, vd, w, th
		if !ok || !finite(v) || !finite(w) || !finite(vd) {
			s.EP[i], s.IP[i] = e0[l], r0[l]
			if dend {
				s.ED[i], s.ID[i] = de0[l], dr0[l]
			}
			return dst, i
		}
		if spiked {
			s.Offset[i] = ts
			dst = append(dst, int32(i))
		}
	}
	return dst, -1
}
