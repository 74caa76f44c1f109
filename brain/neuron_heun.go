package brain

import "math"

// The fused kernel of the GeneralizedNeuron with current synapses
// (CurrentExp) and one Heun step per dt (Prepare's nsub = 1: dt small
// against the linear time constants). It computes what stepFull computes
// — one Heun step (explicit trapezoid) for every neuron that is not
// refractory and stays below θ + xFast·ΔT, fullSlow for the others — in
// short passes over a block of fullBlock neurons, each specialised so that
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
//     refractory step in closed form, anything else by fullSlow.
//
// The arithmetic of the stages is stepFull's, operation for operation, so
// the two kernels agree to the exponential's rounding (expFast instead of
// expInline: 2e-13 relative).

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

	// expFast's constants and the lower bounds of x and V as fields: the
	// compiler folds field loads into the arithmetic, but loads literal
	// constants into registers first.
	kx, shift, ln2k, one, half, sixth, xMin, vMin float64

	pE, pI, pTh         float64 // exp(−h/τE), exp(−h/τI), exp(−h/τθ) (1 without θ dynamics)
	aVar, oneMinusAVar  float64 // sensory rule: α = 1 − exp(−h/τvar), 1 − α
	thPerSD, thDropMax  float64
	vreset, wRef, pW    float64 // refractory steps: V, W's target A·(VReset−EL), exp(−h/τw)
	gtd, vdRefJ, pVdRef float64 // GLd + Gc, GLd·EL + Gc·VReset, exp(−(GLd+Gc)·h/Cd)
}

func makeHeun(p Params, k *kernelConsts, f *fullConsts) heunConsts {
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
	c.kx, c.shift, c.ln2k = 256/math.Ln2, 0x1.8p52, math.Ln2/256
	c.one, c.half, c.sixth, c.xMin, c.vMin = 1, 0.5, 1.0/6, -700, -1e12
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

// heunScratch is the per-chunk scratch of the fused kernel, fullBlock
// entries each.
type heunScratch struct {
	in   [][4]float64 // J_s(0), J_s(h), J_d(0), J_d(h) (pA, times 1/Size)
	save [][4]float64 // synaptic variables at the start of the step (prox E, I, dist E, I)
	ev   []int32      // block-relative indices of the neurons left to heunEvents
	st4  [][4]float64 // stage 1 → stage 2, no dendrite: Vp, Wp, f1, dW1
	st6  [][6]float64 // with a dendrite: Vp, Vdp, Wp, f1, dVd1, dW1
}

func newHeunScratch() heunScratch {
	return heunScratch{in: make([][4]float64, fullBlock), save: make([][4]float64, fullBlock), ev: make([]int32, fullBlock),
		st4: make([][4]float64, fullBlock), st6: make([][6]float64, fullBlock)}
}

// stepHeun advances neurons [lo, hi) (at most fullBlock of them).
func (p *Population) stepHeun(lo, hi int, step int64, dst []int32, sc *fullScratch) ([]int32, error) {
	c := &p.heun
	n := hi - lo
	in, save, ev := sc.heun.in[:n], sc.heun.save[:n], sc.heun.ev[:n]
	V := p.V[lo:hi]
	W := p.W[lo:hi][:n]
	Th := p.Theta[lo:hi][:n]
	ref := p.ref[lo:hi][:n]
	thInf := p.Theta0[lo:hi][:n]
	if c.dend {
		p.heunInputsDend(lo, hi, in, save)
	} else {
		p.heunInputs(lo, hi, in, save)
	}
	if c.sensory {
		thInf = sc.thInf[:n]
		p.heunSensory(lo, hi, in, thInf)
	}
	if !p.k.unitSize {
		gain := p.gain[lo:hi][:n]
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
		Vd := p.Vd[lo:hi][:n]
		st := sc.heun.st6[:n]
		heunStage1Dend(c, V, Vd, W, Th, ref, in, st)
		ne = heunStage2Dend(c, V, Vd, W, Th, th1, in, st, ev)
	} else {
		st := sc.heun.st4[:n]
		heunStage1Soma(c, V, W, Th, ref, in, st)
		ne = heunStage2Soma(c, V, W, Th, th1, in, st, ev)
	}
	return p.heunEvents(lo, step, dst, ev[:ne], in, save, thInf)
}

// heunInputs gathers the somatic input current of neurons [lo, hi) at
// both ends of the step (no dendrite) and decays their synaptic variables.
func (p *Population) heunInputs(lo, hi int, in, save [][4]float64) {
	c := &p.heun
	sE := p.syn[Proximal][Excitatory][lo:hi]
	n := len(sE)
	sI := p.syn[Proximal][Inhibitory][lo:hi][:n]
	iext := p.IExt[lo:hi][:n]
	ibias := p.IBias[lo:hi][:n]
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
func (p *Population) heunInputsDend(lo, hi int, in, save [][4]float64) {
	c := &p.heun
	sE := p.syn[Proximal][Excitatory][lo:hi]
	n := len(sE)
	sI := p.syn[Proximal][Inhibitory][lo:hi][:n]
	dE := p.syn[Distal][Excitatory][lo:hi][:n]
	dI := p.syn[Distal][Inhibitory][lo:hi][:n]
	iext := p.IExt[lo:hi][:n]
	ibias := p.IBias[lo:hi][:n]
	iextd := p.IExtDist[lo:hi][:n]
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
func (p *Population) heunSensory(lo, hi int, in [][4]float64, thInf []float64) {
	c := &p.heun
	mu := p.mu[lo:hi]
	n := len(mu)
	vr := p.vr[lo:hi][:n]
	th0 := p.Theta0[lo:hi][:n]
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
		if x < c.xMin {
			x = c.xMin
		}
		y := x*c.kx + c.shift
		kf := y - c.shift
		b := math.Float64bits(y)
		r := x - kf*c.ln2k
		ex := c.glDT * (((c.one + r) + r*r*(c.half+r*c.sixth)) * math.Float64frombits(exp256Bits[b&255]+(b>>8)<<52))
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
		if x < c.xMin {
			x = c.xMin
		}
		y := x*c.kx + c.shift
		kf := y - c.shift
		b := math.Float64bits(y)
		r := x - kf*c.ln2k
		ex := c.glDT * (((c.one + r) + r*r*(c.half+r*c.sixth)) * math.Float64frombits(exp256Bits[b&255]+(b>>8)<<52))
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
		if x < c.xMin {
			x = c.xMin
		}
		y := x*c.kx + c.shift
		kf := y - c.shift
		b := math.Float64bits(y)
		r := x - kf*c.ln2k
		ex := c.glDT * (((c.one + r) + r*r*(c.half+r*c.sixth)) * math.Float64frombits(exp256Bits[b&255]+(b>>8)<<52))
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
		if x < c.xMin {
			x = c.xMin
		}
		y := x*c.kx + c.shift
		kf := y - c.shift
		b := math.Float64bits(y)
		r := x - kf*c.ln2k
		ex := c.glDT * (((c.one + r) + r*r*(c.half+r*c.sixth)) * math.Float64frombits(exp256Bits[b&255]+(b>>8)<<52))
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
// blow-up — by fullSlow, in ascending order. It reuses ev's storage.
func (p *Population) heunEvents(lo int, step int64, dst []int32, ev []int32, in, save [][4]float64, thInf []float64) ([]int32, error) {
	if len(ev) == 0 {
		return dst, nil
	}
	c := &p.heun
	h := p.k.h
	// Whole refractory steps first, in a loop over block-relative slices;
	// the others (they may spike, refractory steps never do) stay in ev.
	n := len(in)
	V, Vd, W, Th, ref := p.V[lo:lo+n], p.Vd[lo:lo+n], p.W[lo:lo+n], p.Theta[lo:lo+n], p.ref[lo:lo+n]
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
	f := &p.fc
	for _, j := range slow {
		i := lo + int(j)
		g := 1.0
		if !p.k.unitSize {
			g = p.gain[i]
		}
		sv := &save[j]
		var iD, ed, id float64
		if c.dend {
			iD, ed, id = p.IExtDist[i], sv[2], sv[3]
		}
		v, vd, w, th, spiked, ts, ok := p.fullSlow(f, i, V[j], Vd[j], W[j], Th[j], thInf[j], g,
			p.IExt[i]+p.IBias[i], iD, sv[0], sv[1], ed, id)
		V[j], Vd[j], W[j], Th[j] = v, vd, w, th
		if !ok || !finite(v) || !finite(w) || !finite(vd) {
			// the synaptic variables are already decayed: put back their
			// start values, as the error describes the step's start
			p.syn[Proximal][Excitatory][i], p.syn[Proximal][Inhibitory][i] = sv[0], sv[1]
			if c.dend {
				p.syn[Distal][Excitatory][i], p.syn[Distal][Inhibitory][i] = sv[2], sv[3]
			}
			return dst, p.blowUp(i, step)
		}
		if spiked {
			p.offset[i] = ts
			dst = append(dst, int32(i))
		}
	}
	return dst, nil
}
