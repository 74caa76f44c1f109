package brain

import "math"

// fullConsts are the model constants the general kernel reads, gathered in
// one place so that the hot loop keeps them in registers.
type fullConsts struct {
	el, gl, dT, glDT, gc, gld, a, b, ee, ei float64
	vpeak, vreset, tref, dTheta, tauM       float64
	thPerSD, thDropMax                      float64
	invC, invCd, invTauW, invTauTh          float64
	tauE, tauI, tauW, tauTh                 float64
	xMax, xCommit, xPeak, xFast             float64
	invDT                                   float64 // 1/ΔT (0 if ΔT = 0)
	wRef                                    float64 // A·(VReset − EL): W's target while refractory
	invGtd, pVdRef                          float64 // 1/(GLd+Gc), exp(−(GLd+Gc)h/Cd)
}

func (p *Population) fullConstants() fullConsts {
	q := p.P
	k := &p.k
	c := fullConsts{
		el: q.EL, gl: q.GL, dT: q.DeltaT, glDT: q.GL * q.DeltaT, gc: q.Gc, gld: q.GLd,
		a: q.A, b: q.B, ee: q.Synapse.EE, ei: q.Synapse.EI,
		vpeak: q.VPeak, vreset: q.VReset, tref: q.TRef, dTheta: q.DeltaTheta, tauM: q.C / q.GL,
		thPerSD: q.ThetaPerSD, thDropMax: q.ThetaDropMax,
		invC: k.invC, invCd: k.invCd, invTauW: k.invTauW, invTauTh: k.invTauTh,
		tauE: q.Synapse.TauE, tauI: q.Synapse.TauI, tauW: q.TauW, tauTh: q.TauTheta,
		xMax: k.xMax, xCommit: k.xCommit, xPeak: k.xPeak, xFast: k.xFast,
	}
	if q.DeltaT > 0 {
		c.invDT = 1 / q.DeltaT
	}
	c.wRef = q.A * (q.VReset - q.EL)
	if q.Gc > 0 {
		c.invGtd = 1 / (q.GLd + q.Gc)
		c.pVdRef = math.Exp(-(q.GLd + q.Gc) * k.h / q.Cd)
	}
	return c
}

// rhs is the right-hand side of the GeneralizedNeuron for one neuron:
//
//	C  dV/dt  = −GL(V−EL) + GL·ΔT·exp((V−θ)/ΔT) − Gc(V−Vd) − W + g·(Js − Gs·V)
//	Cd dVd/dt = −GLd(Vd−EL) + Gc(V−Vd) + g·(Jd − Gd·Vd)
//	τw dW/dt  = A(V−EL) − W
//
// where g = 1/Size and the somatic (dendritic) input current is written
// Js − Gs·V (Jd − Gd·Vd): Gs = 0 for CurrentExp, Gs = gE + gI for
// ConductanceExp. The exponential's argument is capped at xMax.
func (c *fullConsts) rhs(dend bool, v, vd, w, th, js, gs, jd, gd, g float64) (dv, dvd, dw float64) {
	f := -c.gl*(v-c.el) - w + g*(js-gs*v)
	if c.dT > 0 {
		f += c.glDT * expKernel(min((v-th)*c.invDT, c.xMax))
	}
	if dend {
		f -= c.gc * (v - vd)
		dvd = (-c.gld*(vd-c.el) + c.gc*(v-vd) + g*(jd-gd*vd)) * c.invCd
	}
	return f * c.invC, dvd, (c.a*(v-c.el) - w) * c.invTauW
}

// synInputs turns synaptic variables into the Js, Gs form of rhs.
func (c *fullConsts) synInputs(cond bool, e, i float64) (j, g float64) {
	if cond {
		return e*c.ee + i*c.ei, e + i
	}
	return e - i, 0
}

// stepFull is the kernel of the general GeneralizedNeuron (AdEx soma,
// passive dendrite, adaptation, adaptive and variance-driven threshold).
//
// Scheme: per neuron, Heun's method (explicit trapezoid, second order) on
// (V, Vd, W) with the synaptic variables evaluated exactly at both ends of
// the step, and θ relaxed exactly towards its target. The common case — not
// refractory, V below θ + ΔT at both ends, no spike — takes one Heun step of
// length dt (more substeps if dt is large against the fastest linear time
// constant). Otherwise the step is redone by fullSlow, which subdivides it
// adaptively so that the exponential term's rate times the substep stays
// below 0.2, locates the spike inside the step (crossing of VPeak by linear
// interpolation within a substep, or, once (V−θ)/ΔT ≥ 8, the remaining time
// to VPeak of the pure exponential upswing, τm·(e^−x − e^−xPeak)), resets
// there and integrates the rest of the step, including refractoriness that
// starts or ends inside it.
func (p *Population) stepFull(lo, hi int, step int64, dst []int32, sc *fullScratch) ([]int32, error) {
	k := &p.k
	c := p.fullConstants()
	h, pE, pI, pTh, aVar := k.h, k.pE, k.pI, k.pTh, k.aVar
	cond, dend := k.cond, k.dend
	fast := k.nsub == 1
	sensory := aVar > 0
	thDyn := k.invTauTh > 0
	unit := k.unitSize
	V := p.V[lo:hi]
	n := len(V)
	Vd := p.Vd[lo:hi][:n]
	W := p.W[lo:hi][:n]
	Th := p.Theta[lo:hi][:n]
	Th0 := p.Theta0[lo:hi][:n]
	sEp := p.syn[Proximal][Excitatory][lo:hi][:n]
	sIp := p.syn[Proximal][Inhibitory][lo:hi][:n]
	sEd := p.syn[Distal][Excitatory][lo:hi][:n]
	sId := p.syn[Distal][Inhibitory][lo:hi][:n]
	iext := p.IExt[lo:hi][:n]
	iextd := p.IExtDist[lo:hi][:n]
	ibias := p.IBias[lo:hi][:n]
	gain := p.gain[lo:hi][:n]
	ref := p.ref[lo:hi][:n]
	mu := p.mu[lo:hi][:n]
	vr := p.vr[lo:hi][:n]
	off := p.offset[lo:hi][:n]

	// The step is done in passes over the block, each a short loop with
	// independent iterations: few live values (no register spills) and
	// room for the CPU to overlap neurons. Scratch values are per neuron
	// of the block; currents are already multiplied by 1/Size.
	js0, js1, gs0, gs1 := sc.js0[:n], sc.js1[:n], sc.gs0[:n], sc.gs1[:n]
	jd0, jd1, gd0, gd1 := sc.jd0[:n], sc.jd1[:n], sc.gd0[:n], sc.gd1[:n]
	th1s, thInfs, ex := sc.th1[:n], sc.thInf[:n], sc.ex[:n]
	slow := sc.slow[:0]

	// Pass 1: synaptic and external input at both ends of the step,
	// written J − G·V (G = 0 for current synapses).
	for i := range js0 {
		g := 1.0
		if !unit {
			g = gain[i]
		}
		ep, ip := sEp[i], sIp[i]
		ep1, ip1 := ep*pE, ip*pI
		iS := iext[i] + ibias[i]
		if cond {
			js0[i] = g * (ep*c.ee + ip*c.ei + iS)
			gs0[i] = g * (ep + ip)
			js1[i] = g * (ep1*c.ee + ip1*c.ei + iS)
			gs1[i] = g * (ep1 + ip1)
		} else {
			js0[i] = g * (ep - ip + iS)
			js1[i] = g * (ep1 - ip1 + iS)
		}
		if dend {
			ed, id := sEd[i], sId[i]
			ed1, id1 := ed*pE, id*pI
			iD := iextd[i]
			if cond {
				jd0[i] = g * (ed*c.ee + id*c.ei + iD)
				gd0[i] = g * (ed + id)
				jd1[i] = g * (ed1*c.ee + id1*c.ei + iD)
				gd1[i] = g * (ed1 + id1)
			} else {
				jd0[i] = g * (ed - id + iD)
				jd1[i] = g * (ed1 - id1 + iD)
			}
		}
	}
	if !cond {
		clear(gs0)
		clear(gs1)
		clear(gd0)
		clear(gd1)
	}
	if !dend {
		clear(jd0)
		clear(jd1)
	}

	// Pass 2: threshold target θ∞ (θ0 lowered by the recent s.d. of the
	// total input current) and θ at the end of the step.
	if sensory || thDyn {
		for i := range th1s {
			thInf := Th0[i]
			if sensory {
				g := 1.0
				if !unit {
					g = gain[i]
				}
				in := (js0[i] - gs0[i]*V[i] + jd0[i] - gd0[i]*Vd[i]) / g
				d := in - mu[i]
				mu[i] += aVar * d
				vr[i] = (1 - aVar) * (vr[i] + aVar*d*d)
				thInf -= min(c.thPerSD*math.Sqrt(vr[i]), c.thDropMax)
			}
			thInfs[i] = thInf
			th1s[i] = thInf + (Th[i]-thInf)*pTh
		}
	} else {
		copy(th1s, Th)
		copy(thInfs, Th0)
	}

	// Pass 3: the stage-1 exponential GL·ΔT·exp((V−θ)/ΔT) (expInline's
	// code, written out: the compiler will not inline it).
	if c.dT > 0 {
		for i := range ex {
			x := (V[i] - Th[i]) * c.invDT
			if x < -700 {
				x = -700
			} else if x > c.xMax {
				x = c.xMax
			}
			y := x*(64/math.Ln2) + 1.5*(1<<52)
			kf := y - 1.5*(1<<52)
			b := math.Float64bits(y)
			r := (x - kf*0.010830417275428772) - kf*7.420820373486988e-09
			r2 := r * r
			q := (1 + r) + r2*((0.5+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
			ex[i] = c.glDT * q * math.Float64frombits(math.Float64bits(expTable[b&63])+(b>>6)<<52)
		}
	} else {
		clear(ex)
	}

	// Pass 4: one Heun step (stage 1 at (t, y0), stage 2 at (t+h, y0 + h·k1))
	// for every neuron that is not refractory and stays below θ + xFast·ΔT;
	// the others are queued for pass 5.
	hC, hCd, hW := h*c.invC, h*c.invCd, h*c.invTauW
	xFastV := c.xFast * c.dT
	for i := range V {
		v, th, th1 := V[i], Th[i], th1s[i]
		if !fast || ref[i] > 0 || (c.dT > 0 && !(v-th < xFastV)) {
			slow = append(slow, int32(i))
			continue
		}
		vd, w := Vd[i], W[i]
		f1 := -c.gl*(v-c.el) - w + js0[i] - gs0[i]*v + ex[i]
		dw1 := c.a*(v-c.el) - w
		var dvd1, vdp float64
		if dend {
			f1 -= c.gc * (v - vd)
			dvd1 = -c.gld*(vd-c.el) + c.gc*(v-vd) + jd0[i] - gd0[i]*vd
			vdp = vd + hCd*dvd1
		}
		vp, wp := v+hC*f1, w+hW*dw1
		var ex1 float64
		if c.dT > 0 {
			x1 := (vp - th1) * c.invDT
			if x1 < -700 {
				x1 = -700
			} else if x1 > c.xMax {
				x1 = c.xMax
			}
			y := x1*(64/math.Ln2) + 1.5*(1<<52)
			kf := y - 1.5*(1<<52)
			b := math.Float64bits(y)
			r := (x1 - kf*0.010830417275428772) - kf*7.420820373486988e-09
			r2 := r * r
			q := (1 + r) + r2*((0.5+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
			ex1 = c.glDT * q * math.Float64frombits(math.Float64bits(expTable[b&63])+(b>>6)<<52)
		}
		f2 := -c.gl*(vp-c.el) - wp + js1[i] - gs1[i]*vp + ex1
		dw2 := c.a*(vp-c.el) - wp
		var vd1 float64
		if dend {
			f2 -= c.gc * (vp - vdp)
			dvd2 := -c.gld*(vdp-c.el) + c.gc*(vp-vdp) + jd1[i] - gd1[i]*vdp
			vd1 = vd + 0.5*hCd*(dvd1+dvd2)
		}
		v1 := v + 0.5*hC*(f1+f2)
		w1 := w + 0.5*hW*(dw1+dw2)
		ok := v1-th1 < xFastV && vp-th1 < xFastV
		if c.dT == 0 {
			ok = v1 < th1
		}
		if !ok || !finite(v1) || !finite(w1) || (dend && !finite(vd1)) {
			slow = append(slow, int32(i))
			continue
		}
		V[i], W[i], Th[i] = v1, w1, th1
		if dend {
			Vd[i] = vd1
		}
	}

	// Pass 5, the queued neurons in ascending order: a whole step of
	// refractoriness, or fullSlow (adaptive substeps, spikes inside the
	// step).
	for _, i32 := range slow {
		i := int(i32)
		v, vd, w, th := V[i], Vd[i], W[i], Th[i]
		g := 1.0
		if !unit {
			g = gain[i]
		}
		if fast && ref[i] >= h {
			// Held at VReset: W, Vd and θ relax exactly with V = VReset
			// and the inputs frozen at their start values.
			V[i] = c.vreset
			W[i] = c.wRef + (w-c.wRef)*k.pW
			if dend {
				gt := c.gld + c.gc + gd0[i]
				vdInf := (c.gld*c.el + c.gc*c.vreset + jd0[i]) / gt
				pv := c.pVdRef
				if cond {
					pv = expKernel(-gt * h * c.invCd)
				}
				Vd[i] = vdInf + (vd-vdInf)*pv
			}
			Th[i] = th1s[i]
			ref[i] -= h
			if ref[i] < 1e-12*h {
				ref[i] = 0
			}
			continue
		}
		var ed, id, iD float64
		if dend {
			ed, id, iD = sEd[i], sId[i], iextd[i]
		}
		v, vd, w, th, spiked, ts, ok := p.fullSlow(&c, i+lo, v, vd, w, th, thInfs[i], g,
			iext[i]+ibias[i], iD, sEp[i], sIp[i], ed, id)
		V[i], Vd[i], W[i], Th[i] = v, vd, w, th
		if !ok || !finite(v) || !finite(w) || !finite(vd) {
			return dst, p.blowUp(lo+i, step)
		}
		if spiked {
			off[i] = ts
			dst = append(dst, int32(lo+i))
		}
	}
	sc.slow = slow[:0]

	// Pass 6: the synaptic variables decay over the step.
	for i := range sEp {
		sEp[i] *= pE
		sIp[i] *= pI
	}
	if dend {
		for i := range sEd {
			sEd[i] *= pE
			sId[i] *= pI
		}
	}
	return dst, nil
}

// fullScratch is the per-chunk scratch of stepFull: fullBlock values each.
type fullScratch struct {
	js0, js1, gs0, gs1, jd0, jd1, gd0, gd1 []float64
	th1, thInf, ex                         []float64
	slow                                   []int32
}

func newFullScratch() *fullScratch {
	mk := func() []float64 { return make([]float64, fullBlock) }
	return &fullScratch{js0: mk(), js1: mk(), gs0: mk(), gs1: mk(), jd0: mk(), jd1: mk(), gd0: mk(), gd1: mk(),
		th1: mk(), thInf: mk(), ex: mk(), slow: make([]int32, 0, fullBlock)}
}

// fullBlock is the number of neurons stepFull processes per pass.
const fullBlock = 256

// maxSubsteps bounds the substeps fullSlow may take in one step before it
// reports a blow-up (a runaway that never reaches VPeak).
const maxSubsteps = 100000

// fullSlow integrates one neuron over one step with adaptive substeps,
// spikes located inside the step and refractoriness in continuous time.
// It returns the new state, whether the neuron spiked, the time of its
// first spike from the step start, and false on a blow-up.
func (p *Population) fullSlow(c *fullConsts, i int, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id float64) (float64, float64, float64, float64, bool, float64, bool) {
	k := &p.k
	h := k.h
	cond, dend := k.cond, k.dend
	thDyn := k.invTauTh > 0
	t := 0.0
	spiked := false
	first := 0.0
	ref := p.ref[i]
	// synaptic values at time s into the step
	noSyn := ep == 0 && ip == 0 && ed == 0 && id == 0
	synAt := func(s float64) (js, gs, jd, gd float64) {
		if noSyn {
			return iS, 0, iD, 0
		}
		fe, fi := expKernel(-s/c.tauE), expKernel(-s/c.tauI)
		js, gs = c.synInputs(cond, ep*fe, ip*fi)
		jd, gd = c.synInputs(cond, ed*fe, id*fi)
		return js + iS, gs, jd + iD, gd
	}
	relaxTh := func(th, d float64) float64 {
		if !thDyn {
			return th
		}
		return thInf + (th-thInf)*expKernel(-d*c.invTauTh)
	}
	spike := func(ts float64) {
		if !spiked {
			first = ts
		}
		spiked = true
		v = c.vreset
		w += c.b
		th += c.dTheta
		ref = c.tref
		t = ts
	}
	const eps = 1e-12
	for iter := 0; t < h-eps*h; iter++ {
		if iter > maxSubsteps || !finite(v) {
			p.ref[i] = ref
			return v, vd, w, th, spiked, first, false
		}
		if ref > 0 {
			// Held at VReset: W and Vd relax exactly with V = VReset and
			// the inputs frozen at their value at the start of the interval.
			d := min(ref, h-t)
			v = c.vreset
			if c.invTauW > 0 {
				wInf := c.a * (c.vreset - c.el)
				w = wInf + (w-wInf)*expKernel(-d*c.invTauW)
			}
			if dend {
				_, _, jd, gd := synAt(t)
				gt := c.gld + c.gc + g*gd
				vdInf := (c.gld*c.el + c.gc*c.vreset + g*jd) / gt
				vd = vdInf + (vd-vdInf)*expKernel(-gt*d*c.invCd)
			}
			th = relaxTh(th, d)
			ref -= d
			if ref < eps*h {
				ref = 0
			}
			t += d
			continue
		}
		hs := min(k.hs, h-t)
		if c.dT > 0 {
			x := (v - th) / c.dT
			if x >= c.xCommit && c.xPeak > c.xCommit {
				// The upswing is committed: the time left to reach VPeak under
				// the dominant exponential term, dx/dt = e^x/τm.
				tail := c.tauM * (expKernel(-x) - expKernel(-c.xPeak))
				if t+tail <= h {
					wAt := w + tail*(c.a*(v-c.el)-w)*c.invTauW
					th = relaxTh(th, tail)
					w = wAt
					spike(t + tail)
					continue
				}
			}
			if x > -2 {
				rate := expKernel(min(x, c.xMax)) / c.tauM // 1/ms
				hs = min(hs, max(0.2/rate, 1e-7))
			}
		}
		js0, gs0, jd0, gd0 := synAt(t)
		js1, gs1, jd1, gd1 := synAt(t + hs)
		th1 := relaxTh(th, hs)
		dv1, dvd1, dw1 := c.rhs(dend, v, vd, w, th, js0, gs0, jd0, gd0, g)
		vp, vdp, wp := v+hs*dv1, vd+hs*dvd1, w+hs*dw1
		dv2, dvd2, dw2 := c.rhs(dend, vp, vdp, wp, th1, js1, gs1, jd1, gd1, g)
		v1 := v + 0.5*hs*(dv1+dv2)
		vd1 := vd + 0.5*hs*(dvd1+dvd2)
		w1 := w + 0.5*hs*(dw1+dw2)
		level := c.vpeak
		if c.dT == 0 {
			level = th1
		}
		if v1 >= level {
			f := 1.0
			if v1 > v {
				f = min(1, max(0, (level-v)/(v1-v)))
			}
			vd += f * (vd1 - vd)
			w += f * (w1 - w)
			th = relaxTh(th, f*hs)
			spike(t + f*hs)
			continue
		}
		v, vd, w, th = v1, vd1, w1, th1
		t += hs
	}
	p.ref[i] = ref
	return v, vd, w, th, spiked, first, true
}
