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
func (p *Population) stepFull(lo, hi int, step int64, dst []int32) ([]int32, error) {
	k := &p.k
	c := p.fullConstants()
	h, pE, pI, pTh, aVar := k.h, k.pE, k.pI, k.pTh, k.aVar
	cond, dend := k.cond, k.dend
	fast := k.nsub == 1
	sensory := aVar > 0
	thDyn := k.invTauTh > 0
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
	unit := k.unitSize
	for i := range V {
		v, vd, w, th := V[i], Vd[i], W[i], Th[i]
		g := 1.0
		if !unit {
			g = gain[i]
		}
		ep, ip := sEp[i], sIp[i]
		var ed, id float64
		if dend {
			ed, id = sEd[i], sId[i]
		}
		iS := iext[i] + ibias[i]
		iD := 0.0
		if dend {
			iD = iextd[i]
		}
		js0, gs0 := c.synInputs(cond, ep, ip)
		jd0, gd0 := c.synInputs(cond, ed, id)
		js0 += iS
		jd0 += iD

		// Threshold target θ∞: θ0, lowered by the recent s.d. of the input.
		thInf := Th0[i]
		if sensory {
			in := js0 - gs0*v + jd0 - gd0*vd
			d := in - mu[i]
			mu[i] += aVar * d
			vr[i] = (1 - aVar) * (vr[i] + aVar*d*d)
			thInf -= min(c.thPerSD*math.Sqrt(vr[i]), c.thDropMax)
		}
		th1 := th
		if thDyn {
			th1 = thInf + (th-thInf)*pTh
		}

		ep1, ip1 := ep*pE, ip*pI
		ed1, id1 := ed*pE, id*pI
		spiked := false
		var ts float64
		done := false
		if fast && ref[i] <= 0 && (c.dT == 0 || v-th < c.xFast*c.dT) {
			// One Heun step, written out: stage 1 at (t, y0), stage 2 at
			// (t+h, y0 + h·k1). The stage-2 exponential is the stage-1 one
			// times exp(δ), δ = (vp − v − θ1 + θ)/ΔT, and |δ| is small here.
			js1, gs1 := c.synInputs(cond, ep1, ip1)
			js1 += iS
			var ex0, ex1 float64
			if c.dT > 0 {
				ex0 = c.glDT * expKernel((v-th)*c.invDT)
			}
			f1 := -c.gl*(v-c.el) - w + g*(js0-gs0*v) + ex0
			dw1 := (c.a*(v-c.el) - w) * c.invTauW
			var dvd1, vdp float64
			if dend {
				f1 -= c.gc * (v - vd)
				dvd1 = (-c.gld*(vd-c.el) + c.gc*(v-vd) + g*(jd0-gd0*vd)) * c.invCd
				vdp = vd + h*dvd1
			}
			dv1 := f1 * c.invC
			vp, wp := v+h*dv1, w+h*dw1
			if c.dT > 0 {
				ex1 = ex0 * expSmall((vp-v-th1+th)*c.invDT)
			}
			f2 := -c.gl*(vp-c.el) - wp + g*(js1-gs1*vp) + ex1
			dw2 := (c.a*(vp-c.el) - wp) * c.invTauW
			var dvd2 float64
			if dend {
				jd1, gd1 := c.synInputs(cond, ed1, id1)
				jd1 += iD
				f2 -= c.gc * (vp - vdp)
				dvd2 = (-c.gld*(vdp-c.el) + c.gc*(vp-vdp) + g*(jd1-gd1*vdp)) * c.invCd
			}
			v1 := v + 0.5*h*(dv1+f2*c.invC)
			if (c.dT > 0 && v1-th1 < c.xFast*c.dT && vp-th1 < c.xFast*c.dT) || (c.dT == 0 && v1 < th1) {
				v, vd, w = v1, vd+0.5*h*(dvd1+dvd2), w+0.5*h*(dw1+dw2)
				th = th1
				done = true
			}
		}
		if fast && !done && ref[i] >= h {
			// Refractory for the whole step: V held at VReset; W, Vd and θ
			// relax exactly with V = VReset and the inputs frozen.
			v = c.vreset
			w = c.wRef + (w-c.wRef)*k.pW
			if dend {
				if cond {
					gt := c.gld + c.gc + g*gd0
					vdInf := (c.gld*c.el + c.gc*c.vreset + g*jd0) / gt
					vd = vdInf + (vd-vdInf)*expKernel(-gt*h*c.invCd)
				} else {
					vdInf := (c.gld*c.el + c.gc*c.vreset + g*jd0) * c.invGtd
					vd = vdInf + (vd-vdInf)*c.pVdRef
				}
			}
			th = th1
			ref[i] -= h
			if ref[i] < 1e-12*h {
				ref[i] = 0
			}
			done = true
		}
		if !done {
			var ok bool
			v, vd, w, th, spiked, ts, ok = p.fullSlow(&c, i+lo, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id)
			if !ok {
				V[i], Vd[i], W[i], Th[i] = v, vd, w, th
				return dst, p.blowUp(lo+i, step)
			}
		}
		sEp[i], sIp[i] = ep1, ip1
		if dend {
			sEd[i], sId[i] = ed1, id1
		}
		V[i], Vd[i], W[i], Th[i] = v, vd, w, th
		if spiked {
			off[i] = ts
			dst = append(dst, int32(lo+i))
		}
		if !finite(v) || !finite(w) || !finite(vd) {
			return dst, p.blowUp(lo+i, step)
		}
	}
	return dst, nil
}

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
