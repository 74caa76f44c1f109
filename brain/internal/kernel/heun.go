package kernel

import "math"

// The fused kernel of the GeneralizedNeuron with current synapses
// (CurrentExp) and one Heun step per dt (Prepare's nsub = 1: dt small
// against the linear time constants). It computes what stepFull computes
// — one Heun step (explicit trapezoid) for every neuron that is not
// refractory and stays below θ + xFast·ΔT, Slow for the others — in
// short passes over a block of Block neurons, each specialised so that
// its loop has no branch on the configuration, keeps its pointers and
// constants in registers and holds one exponential, so that the CPU can
// overlap several neurons:
//
//   - heunInputs / heunInputsDend: the somatic (and dendritic) input
//     current at both ends of the step, J(0) and J(h), and the synaptic
//     variables decayed by the exact per-population factors (no
//     per-neuron exponential);
//   - heunSensory (sensory rule only): running input statistics and θ∞;
//     θ at the end of the step (θ dynamics only);
//   - heunStage1Soma / heunStage1Dend: the right-hand side at the start of
//     the step and the predictor;
//   - heunStage2Soma / heunStage2Dend: the right-hand side at the
//     predictor, the corrector and the test that the step stayed on the
//     fast path; the neurons that did not are listed, not touched;
//   - heunEvents: the listed neurons, in ascending order — a whole
//     refractory step in closed form, anything else by Slow.
//
// The arithmetic of the stages is stepFull's, operation for operation, so
// the two kernels agree to rounding (both call Exp).

// heunConsts are the per-population constants of the fused kernel,
// computed once by Prepare.
type heunConsts struct {
	dend, thDyn, sensory bool

	el, ngl, a, gc, ngld float64 // EL, −GL, A, Gc, −GLd
	hC, hCd, hW          float64 // h/C, h/Cd, h/τw
	hC2, hCd2, hW2       float64 // halves of the above
	invDT, glDT          float64 // 1/ΔT (0 if ΔT = 0), GL·ΔT

	// A fast step starts with V − θ < startLim and ends with V − θ < xFastV
	// and its predictor with V − θ < vpLim: xFast·ΔT each (capped at
	// xMax·ΔT where it bounds the exponential's argument), or, with
	// ΔT = 0, +Inf, 0 (V < θ) and +Inf.
	startLim, xFastV, vpLim float64
	// vpeak is VPeak (+Inf when ΔT = 0): a fast step must also end below
	// it, so that a spike is detected in the step where V crosses VPeak
	// even when VPeak lies closer to θ than xFast·ΔT.
	vpeak float64

	// vMin is the lower bound of V (−1e12: below it a blow-up).
	vMin float64

	pE, pI, pTh         float64 // exp(−h/τE), exp(−h/τI), exp(−h/τθ) (1 without θ dynamics)
	aVar, oneMinusAVar  float64 // sensory rule: α = 1 − exp(−h/τvar), 1 − α
	thPerSD, thDropMax  float64
	vreset, wRef, pW    float64 // refractory steps: V, W's target A·(VReset−EL), exp(−h/τw)
	gtd, vdRefJ, pVdRef float64 // GLd + Gc, GLd·EL + Gc·VReset, exp(−(GLd+Gc)·h/Cd)
}

func makeHeun(p Params, k *lifConsts, f *fullConsts) heunConsts {
	h := k.h
	c := heunConsts{
		dend: p.Gc > 0, thDyn: p.TauTheta > 0, sensory: p.TauVar > 0,
		el: p.EL, ngl: -p.GL, a: p.A, gc: p.Gc, ngld: -p.GLd,
		hC: h * f.invC, hCd: h * f.invCd, hW: h * f.invTauW,
		invDT: f.invDT, glDT: f.glDT,
		pE: k.pE, pI: k.pI, pTh: k.pTh,
		aVar: k.aVar, oneMinusAVar: 1 - k.aVar,
		thPerSD: p.ThetaPerSD, thDropMax: p.ThetaDropMax,
		vreset: p.VReset, wRef: f.wRef, pW: k.pW,
		gtd: p.GLd + p.Gc, vdRefJ: p.GLd*p.EL + p.Gc*p.VReset, pVdRef: f.pVdRef,
	}
	c.hC2, c.hCd2, c.hW2 = 0.5*c.hC, 0.5*c.hCd, 0.5*c.hW
	c.vMin = -1e12
	if p.DeltaT > 0 {
		// Capping the limits at xMax (stepFull's cap of the exponential's
		// argument; xFast exceeds it only if τm/dt > 1e22) keeps the
		// exponential's argument in expFast's range; a predictor beyond it
		// is rejected whatever the exponential returned.
		xf := min(k.xFast, k.xMax)
		c.startLim = xf * p.DeltaT
		c.xFastV = k.xFast * p.DeltaT
		c.vpLim = xf * p.DeltaT
		c.vpeak = p.VPeak
	} else {
		c.vpeak = math.Inf(1)
		c.startLim = math.Inf(1)
		c.xFastV = 0
		c.vpLim = math.Inf(1)
	}
	return c
}

// heunScratch is the per-chunk scratch of the fused kernel, Block
// entries each.
type heunScratch struct {
	in   [][4]float64 // J_s(0), J_s(h), J_d(0), J_d(h) (pA, times 1/Size)
	save [][4]float64 // synaptic variables at the start of the step (prox E, I, dist E, I)
	ev   []int32      // block-relative indices of the neurons left to heunEvents
	st4  [][4]float64 // stage 1 → stage 2, no dendrite: Vp, Wp, f1, dW1
	st6  [][6]float64 // with a dendrite: Vp, Vdp, Wp, f1, dVd1, dW1
}

func newHeunScratch() heunScratch {
	return heunScratch{in: make([][4]float64, Block), save: make([][4]float64, Block), ev: make([]int32, Block),
		st4: make([][4]float64, Block), st6: make([][6]float64, Block)}
}

// stepHeun advances neurons [lo, hi) (at most Block of them).
func stepHeun(cs *Consts, s *State, lo, hi int, dst []int32, sc *Scratch) ([]int32, int) {
	c := &cs.hn
	n := hi - lo
	in, save, ev := sc.heun.in[:n], sc.heun.save[:n], sc.heun.ev[:n]
	V := s.V[lo:hi]
	W := s.W[lo:hi][:n]
	Th := s.Theta[lo:hi][:n]
	ref := s.Ref[lo:hi][:n]
	thInf := s.Theta0[lo:hi][:n]
	if c.dend {
		heunInputsDend(c, s, lo, hi, in, save)
	} else {
		heunInputs(c, s, lo, hi, in, save)
	}
	if c.sensory {
		thInf = sc.thInf[:n]
		heunSensory(c, s, lo, hi, in, thInf)
	}
	if !cs.k.unitSize {
		gain := s.Gain[lo:hi][:n]
		for i := range in {
			g := gain[i]
			s := &in[i]
			s[0], s[1], s[2], s[3] = g*s[0], g*s[1], g*s[2], g*s[3]
		}
	}
	th1 := Th
	if c.thDyn {
		th1 = sc.th1[:n]
		thInf := thInf[:n]
		for i := range th1 {
			ti := thInf[i]
			th1[i] = ti + (Th[i]-ti)*c.pTh
		}
	}
	var ne int
	if c.dend {
		Vd := s.Vd[lo:hi][:n]
		st := sc.heun.st6[:n]
		heunStage1Dend(c, V, Vd, W, Th, ref, in, st)
		ne = heunStage2Dend(c, V, Vd, W, Th, th1, in, st, ev)
	} else {
		st := sc.heun.st4[:n]
		heunStage1Soma(c, V, W, Th, ref, in, st)
		ne = heunStage2Soma(c, V, W, Th, th1, in, st, ev)
	}
	return heunEvents(cs, s, lo, dst, ev[:ne], in, save, thInf)
}

// heunInputs gathers the somatic input current of neurons [lo, hi) at
// both ends of the step (no dendrite) and decays their synaptic variables.
func heunInputs(c *heunConsts, s *State, lo, hi int, in, save [][4]float64) {
	sE := s.EP[lo:hi]
	n := len(sE)
	sI := s.IP[lo:hi][:n]
	iext := s.IExt[lo:hi][:n]
	ibias := s.IBias[lo:hi][:n]
	in, save = in[:n], save[:n]
	pE, pI := c.pE, c.pI
	for i := range sE {
		e, r := sE[i], sI[i]
		e1, r1 := e*pE, r*pI
		iS := iext[i] + ibias[i]
		sv := &save[i]
		sv[0], sv[1] = e, r
		s := &in[i]
		s[0] = e - r + iS
		s[1] = e1 - r1 + iS
		sE[i], sI[i] = e1, r1
	}
}

// heunInputsDend is heunInputs with a dendrite.
func heunInputsDend(c *heunConsts, s *State, lo, hi int, in, save [][4]float64) {
	sE := s.EP[lo:hi]
	n := len(sE)
	sI := s.IP[lo:hi][:n]
	dE := s.ED[lo:hi][:n]
	dI := s.ID[lo:hi][:n]
	iext := s.IExt[lo:hi][:n]
	ibias := s.IBias[lo:hi][:n]
	iextd := s.IExtDist[lo:hi][:n]
	in, save = in[:n], save[:n]
	pE, pI := c.pE, c.pI
	for i := range sE {
		e, r, de, dr := sE[i], sI[i], dE[i], dI[i]
		sv := &save[i]
		sv[0], sv[1], sv[2], sv[3] = e, r, de, dr
		e1, r1, de1, dr1 := e*pE, r*pI, de*pE, dr*pI
		iS, iD := iext[i]+ibias[i], iextd[i]
		s := &in[i]
		s[0], s[1], s[2], s[3] = e-r+iS, e1-r1+iS, de-dr+iD, de1-dr1+iD
		sE[i], sI[i], dE[i], dI[i] = e1, r1, de1, dr1
	}
}

// heunSensory updates the running mean and variance of the total input
// current at the start of the step (before the 1/Size gain) and sets
// θ∞ = θ0 − min(ThetaPerSD·σ, ThetaDropMax).
func heunSensory(c *heunConsts, s *State, lo, hi int, in [][4]float64, thInf []float64) {
	mu := s.Mu[lo:hi]
	n := len(mu)
	vr := s.Var[lo:hi][:n]
	th0 := s.Theta0[lo:hi][:n]
	in, thInf = in[:n], thInf[:n]
	for i := range mu {
		d := in[i][0] + in[i][2] - mu[i]
		mu[i] += c.aVar * d
		vr[i] = c.oneMinusAVar * (vr[i] + c.aVar*d*d)
		thInf[i] = th0[i] - min(c.thPerSD*math.Sqrt(vr[i]), c.thDropMax)
	}
}

// The state passes: one Heun step for every neuron that is not
// refractory and stays below θ + xFast·ΔT (below θ when ΔT = 0), in two
// loops so that each has a short dependency chain (one exponential) and
// the CPU can overlap several neurons. heunStage1 evaluates the
// right-hand side at the start and the predictor, heunStage2 the
// right-hand side at the predictor, the corrector and the acceptance
// test, and lists the rejected neurons in ev (ascending) without touching
// their state. A NaN or infinite input or state variable reaches V1
// (through the coupling), so the test on V1 catches it too.

// heunStage1Soma: no dendrite. st[i] = (Vp, Wp, f1, dW1), or Vp = NaN if
// the neuron does not start a fast step.
func heunStage1Soma(c *heunConsts, V, W, Th, ref []float64, in, st [][4]float64) {
	n := len(V)
	W, Th, ref, in, st = W[:n], Th[:n], ref[:n], in[:n], st[:n]
	for i := range V {
		v, th := V[i], Th[i]
		if ref[i] > 0 || !(v-th < c.startLim) {
			st[i][0] = math.NaN()
			continue
		}
		x := (v - th) * c.invDT
		ex := c.glDT * Exp(x)
		w := W[i]
		f1 := c.ngl*(v-c.el) - w + in[i][0] + ex
		dw1 := c.a*(v-c.el) - w
		o := &st[i]
		o[0], o[1], o[2], o[3] = v+c.hC*f1, w+c.hW*dw1, f1, dw1
	}
}

// heunStage2Soma completes heunStage1Soma's steps; th1s is θ at the end
// of the step (Th itself when θ is fixed, and then not written back). It
// returns the number of rejected neurons listed in ev.
func heunStage2Soma(c *heunConsts, V, W, Th, th1s []float64, in, st [][4]float64, ev []int32) int {
	thDyn := c.thDyn
	n := len(V)
	W, Th, th1s, in, st, ev = W[:n], Th[:n], th1s[:n], in[:n], st[:n], ev[:n]
	ne := 0
	for i := range V {
		s := &st[i]
		vp, th1 := s[0], th1s[i]
		x := (vp - th1) * c.invDT
		ex := c.glDT * Exp(x)
		wp := s[1]
		f2 := c.ngl*(vp-c.el) - wp + in[i][1] + ex
		v1 := V[i] + c.hC2*(s[2]+f2)
		if !(v1-th1 < c.xFastV) || !(vp-th1 < c.vpLim) || !(v1 > c.vMin) || !(v1 < c.vpeak) {
			ev[ne] = int32(i)
			ne++
			continue
		}
		V[i] = v1
		W[i] += c.hW2 * (s[3] + (c.a*(vp-c.el) - wp))
		if thDyn {
			Th[i] = th1
		}
	}
	return ne
}

// heunStage1Dend: with a dendrite. st[i] = (Vp, Vdp, Wp, f1, dVd1, dW1),
// or Vp = NaN if the neuron does not start a fast step.
func heunStage1Dend(c *heunConsts, V, Vd, W, Th, ref []float64, in [][4]float64, st [][6]float64) {
	n := len(V)
	Vd, W, Th, ref, in, st = Vd[:n], W[:n], Th[:n], ref[:n], in[:n], st[:n]
	for i := range V {
		v, th := V[i], Th[i]
		if ref[i] > 0 || !(v-th < c.startLim) {
			st[i][0] = math.NaN()
			continue
		}
		x := (v - th) * c.invDT
		ex := c.glDT * Exp(x)
		vd, w := Vd[i], W[i]
		f1 := c.ngl*(v-c.el) - w + in[i][0] + ex
		dw1 := c.a*(v-c.el) - w
		f1 -= c.gc * (v - vd)
		dvd1 := c.ngld*(vd-c.el) + c.gc*(v-vd) + in[i][2]
		o := &st[i]
		o[0], o[1], o[2], o[3], o[4], o[5] = v+c.hC*f1, vd+c.hCd*dvd1, w+c.hW*dw1, f1, dvd1, dw1
	}
}

// heunStage2Dend completes heunStage1Dend's steps (see heunStage2Soma).
func heunStage2Dend(c *heunConsts, V, Vd, W, Th, th1s []float64, in [][4]float64, st [][6]float64, ev []int32) int {
	thDyn := c.thDyn
	n := len(V)
	Vd, W, Th, th1s, in, st, ev = Vd[:n], W[:n], Th[:n], th1s[:n], in[:n], st[:n], ev[:n]
	ne := 0
	for i := range V {
		s := &st[i]
		vp, th1 := s[0], th1s[i]
		x := (vp - th1) * c.invDT
		ex := c.glDT * Exp(x)
		vdp, wp := s[1], s[2]
		f2 := c.ngl*(vp-c.el) - wp + in[i][1] + ex
		f2 -= c.gc * (vp - vdp)
		v1 := V[i] + c.hC2*(s[3]+f2)
		if !(v1-th1 < c.xFastV) || !(vp-th1 < c.vpLim) || !(v1 > c.vMin) || !(v1 < c.vpeak) {
			ev[ne] = int32(i)
			ne++
			continue
		}
		dvd2 := c.ngld*(vdp-c.el) + c.gc*(vp-vdp) + in[i][3]
		V[i] = v1
		Vd[i] += c.hCd2 * (s[4] + dvd2)
		W[i] += c.hW2 * (s[5] + (c.a*(vp-c.el) - wp))
		if thDyn {
			Th[i] = th1
		}
	}
	return ne
}

// heunEvents finishes the neurons the stages left (block-relative indices
// ev, ascending; their state is still that of the step start): a whole
// step of refractoriness in closed form (V held at VReset, W and Vd
// relaxing exactly with the inputs frozen at their start values, θ towards
// θ∞), anything else — a spike, the end of refractoriness, the upswing, a
// blow-up — by Slow, in ascending order. It reuses ev's storage.
func heunEvents(cs *Consts, s *State, lo int, dst []int32, ev []int32, in, save [][4]float64, thInf []float64) ([]int32, int) {
	if len(ev) == 0 {
		return dst, -1
	}
	c := &cs.hn
	h := cs.k.h
	// Whole refractory steps first, in a loop over block-relative slices;
	// the others (they may spike, refractory steps never do) stay in ev.
	n := len(in)
	V, Vd, W, Th, ref := s.V[lo:lo+n], s.Vd[lo:lo+n], s.W[lo:lo+n], s.Theta[lo:lo+n], s.Ref[lo:lo+n]
	thInf = thInf[:n]
	slow := ev[:0]
	for _, j := range ev {
		r := ref[j]
		if !(r >= h) {
			slow = append(slow, j)
			continue
		}
		V[j] = c.vreset
		W[j] = c.wRef + (W[j]-c.wRef)*c.pW
		if c.dend {
			vdInf := (c.vdRefJ + in[j][2]) / c.gtd
			Vd[j] = vdInf + (Vd[j]-vdInf)*c.pVdRef
		}
		if c.thDyn {
			ti := thInf[j]
			Th[j] = ti + (Th[j]-ti)*c.pTh
		}
		r -= h
		if r < 1e-12*h {
			r = 0
		}
		ref[j] = r
	}
	for _, j := range slow {
		i := lo + int(j)
		g := 1.0
		if !cs.k.unitSize {
			g = s.Gain[i]
		}
		sv := &save[j]
		var iD, ed, id float64
		if c.dend {
			iD, ed, id = s.IExtDist[i], sv[2], sv[3]
		}
		v, vd, w, th, spiked, ts, ok := Slow(cs, s, i, V[j], Vd[j], W[j], Th[j], thInf[j], g,
			s.IExt[i]+s.IBias[i], iD, sv[0], sv[1], ed, id)
		V[j], Vd[j], W[j], Th[j] = v, vd, w, th
		if !ok || !finite(v) || !finite(w) || !finite(vd) {
			// the synaptic variables are already decayed: put back their
			// start values, as the error describes the step's start
			s.EP[i], s.IP[i] = sv[0], sv[1]
			if c.dend {
				s.ED[i], s.ID[i] = sv[2], sv[3]
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
