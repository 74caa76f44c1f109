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
	eNegPeak                                float64 // exp(−xPeak)
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
	c.eNegPeak = expKernel(-k.xPeak)
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

// stepFull is the general kernel of the GeneralizedNeuron (AdEx soma,
// passive dendrite, adaptation, adaptive and variance-driven threshold),
// used for conductance synapses and for steps too long for one Heun step
// (nsub > 1); stepHeun is its specialised form for current synapses.
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
	c := &p.fc
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
		// (a fast step must end below VPeak too, or the spike would be
		// detected a step late when VPeak − θ < xFast·ΔT)
		ok := v1-th1 < xFastV && vp-th1 < xFastV && v1 < c.vpeak
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
		v, vd, w, th, spiked, ts, ok := p.fullSlow(c, i+lo, v, vd, w, th, thInfs[i], g,
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
	heun                                   heunScratch
}

func newFullScratch() *fullScratch {
	mk := func() []float64 { return make([]float64, fullBlock) }
	return &fullScratch{js0: mk(), js1: mk(), gs0: mk(), gs1: mk(), jd0: mk(), jd1: mk(), gd0: mk(), gd1: mk(),
		th1: mk(), thInf: mk(), ex: mk(), slow: make([]int32, 0, fullBlock), heun: newHeunScratch()}
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
//
// Each substep is one Heun step of length hs ≤ dt/nsub, shortened so that
// the exponential term's rate e^x/τm times hs stays ≤ 0.2 (x = (V−θ)/ΔT,
// its argument capped at xMax). A spike is located by linear
// interpolation of the crossing of VPeak (of θ when ΔT = 0) inside the
// substep, or, once x ≥ xCommit, as the remaining time of the pure
// exponential upswing τm·(e^−x − e^−xPeak). Refractoriness is continuous:
// V is held at VReset while W, Vd and θ relax exactly (inputs frozen at
// the start of the interval). The synaptic inputs are evaluated exactly at
// both ends of every substep (their decay factors at the end of a substep
// are reused at the start of the next).
func (p *Population) fullSlow(c *fullConsts, i int, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id float64) (float64, float64, float64, float64, bool, float64, bool) {
	k := &p.k
	h := k.h
	cond, dend := k.cond, k.dend
	thDyn := k.invTauTh > 0
	t := 0.0
	spiked := false
	first := 0.0
	ref := p.ref[i]
	noSyn := ep == 0 && ip == 0 && ed == 0 && id == 0
	// decay factors of the synaptic variables at time tF into the step
	// (tF < 0: not yet computed)
	tF, fe, fi := 0.0, 1.0, 1.0
	const eps = 1e-12
	for iter := 0; t < h-eps*h; iter++ {
		if iter > maxSubsteps || !finite(v) {
			p.ref[i] = ref
			return v, vd, w, th, spiked, first, false
		}
		if t != tF && !noSyn {
			tF, fe, fi = t, expFastClamp(-t/c.tauE), expFastClamp(-t/c.tauI)
		}
		if ref > 0 {
			// Held at VReset: W and Vd relax exactly with V = VReset and
			// the inputs frozen at their value at the start of the interval.
			d := min(ref, h-t)
			v = c.vreset
			if c.invTauW > 0 {
				w = c.wRef + (w-c.wRef)*expKernel(-d*c.invTauW)
			}
			if dend {
				jd, gd := iD, 0.0
				if !noSyn {
					jd, gd = c.synInputs(cond, ed*fe, id*fi)
					jd += iD
				}
				gt := c.gld + c.gc + g*gd
				vdInf := (c.gld*c.el + c.gc*c.vreset + g*jd) / gt
				vd = vdInf + (vd-vdInf)*expKernel(-gt*d*c.invCd)
			}
			if thDyn {
				th = thInf + (th-thInf)*expKernel(-d*c.invTauTh)
			}
			ref -= d
			if ref < eps*h {
				ref = 0
			}
			t += d
			continue
		}
		// (comparisons rather than min and max, whose NaN handling costs
		// more; a NaN state is caught at the top of the next substep)
		hs := k.hs
		if h-t < hs {
			hs = h - t
		}
		var ex float64 // e^min(x, xMax) at the substep's start
		if c.dT > 0 {
			x := (v - th) * c.invDT
			// xPeak of this neuron's θ (θ moves with the adaptive and
			// sensory thresholds; the division matches k.xPeak bit for bit
			// when θ = VT)
			if xp := (c.vpeak - th) / c.dT; x >= c.xCommit && xp > c.xCommit {
				// The upswing is committed: the time left to reach VPeak under
				// the dominant exponential term, dx/dt = e^x/τm.
				ePk := c.eNegPeak
				if xp != c.xPeak {
					ePk = expKernel(-xp)
				}
				tail := max(0, c.tauM*(expKernel(-x)-ePk))
				if t+tail <= h {
					w += tail * (c.a*(v-c.el) - w) * c.invTauW
					if thDyn {
						th = thInf + (th-thInf)*expKernel(-tail*c.invTauTh)
					}
					t += tail
					if !spiked {
						first = t
					}
					spiked = true
					v, w, th, ref = c.vreset, w+c.b, th+c.dTheta, c.tref
					continue
				}
			}
			xe := x
			if xe > c.xMax {
				xe = c.xMax
			}
			ex = expFastClamp(xe)
			if x > -2 {
				r := 0.2 * c.tauM / ex
				if r < 1e-7 {
					r = 1e-7
				}
				if r < hs {
					hs = r
				}
			}
		}
		// inputs J − G·V at both ends of the substep
		js0, gs0, jd0, gd0 := iS, 0.0, iD, 0.0
		js1, gs1, jd1, gd1 := iS, 0.0, iD, 0.0
		if !noSyn {
			js0, gs0 = c.synInputs(cond, ep*fe, ip*fi)
			jd0, gd0 = c.synInputs(cond, ed*fe, id*fi)
			js0 += iS
			jd0 += iD
			tF, fe, fi = t+hs, expFastClamp(-(t+hs)/c.tauE), expFastClamp(-(t+hs)/c.tauI)
			js1, gs1 = c.synInputs(cond, ep*fe, ip*fi)
			jd1, gd1 = c.synInputs(cond, ed*fe, id*fi)
			js1 += iS
			jd1 += iD
		}
		th1 := th
		if thDyn {
			th1 = thInf + (th-thInf)*expKernel(-hs*c.invTauTh)
		}
		// stage 1
		f := -c.gl*(v-c.el) - w + g*(js0-gs0*v) + c.glDT*ex
		var dvd1 float64
		if dend {
			f -= c.gc * (v - vd)
			dvd1 = (-c.gld*(vd-c.el) + c.gc*(v-vd) + g*(jd0-gd0*vd)) * c.invCd
		}
		dv1, dw1 := f*c.invC, (c.a*(v-c.el)-w)*c.invTauW
		vp, vdp, wp := v+hs*dv1, vd+hs*dvd1, w+hs*dw1
		// stage 2
		f = -c.gl*(vp-c.el) - wp + g*(js1-gs1*vp)
		if c.dT > 0 {
			x := (vp - th1) * c.invDT
			if x > c.xMax {
				x = c.xMax
			}
			f += c.glDT * expFastClamp(x)
		}
		var dvd2 float64
		if dend {
			f -= c.gc * (vp - vdp)
			dvd2 = (-c.gld*(vdp-c.el) + c.gc*(vp-vdp) + g*(jd1-gd1*vdp)) * c.invCd
		}
		dv2, dw2 := f*c.invC, (c.a*(vp-c.el)-wp)*c.invTauW
		v1 := v + 0.5*hs*(dv1+dv2)
		vd1 := vd + 0.5*hs*(dvd1+dvd2)
		w1 := w + 0.5*hs*(dw1+dw2)
		level := c.vpeak
		if c.dT == 0 {
			level = th1
		}
		if v1 >= level {
			fr := 1.0
			if v1 > v {
				fr = min(1, max(0, (level-v)/(v1-v)))
			}
			vd += fr * (vd1 - vd)
			w += fr * (w1 - w)
			if thDyn {
				th = thInf + (th-thInf)*expKernel(-fr*hs*c.invTauTh)
			}
			t += fr * hs
			if !spiked {
				first = t
			}
			spiked = true
			v, w, th, ref = c.vreset, w+c.b, th+c.dTheta, c.tref
			continue
		}
		v, vd, w, th = v1, vd1, w1, th1
		t += hs
	}
	p.ref[i] = ref
	return v, vd, w, th, spiked, first, true
}
