package kernel

import "math"

// synInputs turns synaptic variables into the J − G·V form of the
// input current: J = e − i, G = 0 for current synapses,
// J = e·EE + i·EI, G = e + i for conductance synapses.
func (c *fullConsts) synInputs(cond bool, e, i float64) (j, g float64) {
	if cond {
		return e*c.ee + i*c.ei, e + i
	}
	return e - i, 0
}

// stepFull is the general kernel of the GeneralizedNeuron (AdEx soma,
// passive dendrite, adaptation, adaptive and variance-driven threshold),
// used for conductance synapses, for steps too long for one Heun step
// (nsub > 1) and for the extended terms (Params.Extended: a second
// threshold component θ2, which decays exactly, exp(−t/τθ2), and adds to
// θ in the exponential; a saturating adaptation increment); stepHeun is
// its specialised form for current synapses.
//
// Scheme: per neuron, Heun's method (explicit trapezoid, second order) on
// (V, Vd, W) with the synaptic variables evaluated exactly at both ends of
// the step, and θ relaxed exactly towards its target. The common case — not
// refractory, V below θ + ΔT at both ends, no spike — takes one Heun step of
// length dt (more substeps if dt is large against the fastest linear time
// constant). Otherwise the step is redone by Slow, which subdivides it
// adaptively so that the exponential term's rate times the substep stays
// below 0.2, locates the spike inside the step (crossing of VPeak by linear
// interpolation within a substep, or, once (V−θ)/ΔT ≥ 8, the remaining time
// to VPeak of the pure exponential upswing, τm·(e^−x − e^−xPeak)), resets
// there and integrates the rest of the step, including refractoriness that
// starts or ends inside it.
func stepFull(cs *Consts, s *State, lo, hi int, dst []int32, sc *Scratch) ([]int32, int) {
	k := &cs.k
	c := &cs.f
	h, pE, pI, pTh, aVar := k.h, k.pE, k.pI, k.pTh, k.aVar
	cond, dend := k.cond, k.dend
	fast := k.nsub == 1
	sensory := aVar > 0
	thDyn := k.invTauTh > 0
	unit := k.unitSize
	V := s.V[lo:hi]
	n := len(V)
	Vd := s.Vd[lo:hi][:n]
	W := s.W[lo:hi][:n]
	Th := s.Theta[lo:hi][:n]
	Th0 := s.Theta0[lo:hi][:n]
	sEp := s.EP[lo:hi][:n]
	sIp := s.IP[lo:hi][:n]
	sEd := s.ED[lo:hi][:n]
	sId := s.ID[lo:hi][:n]
	iext := s.IExt[lo:hi][:n]
	iextd := s.IExtDist[lo:hi][:n]
	ibias := s.IBias[lo:hi][:n]
	gain := s.Gain[lo:hi][:n]
	ref := s.Ref[lo:hi][:n]
	mu := s.Mu[lo:hi][:n]
	vr := s.Var[lo:hi][:n]
	off := s.Offset[lo:hi][:n]
	mat := c.mat
	var T2 []float64
	if mat {
		T2 = s.Theta2[lo:hi][:n]
	}

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
	// thA and thB are the thresholds of the exponential at the start and
	// the end of the step: θ and θ(h), plus θ2 with the second component.
	thA, thB := Th, th1s
	if mat {
		thA, thB = sc.thA[:n], sc.thB[:n]
		for i := range thA {
			t2 := T2[i]
			thA[i] = Th[i] + t2
			thB[i] = th1s[i] + t2*c.pTh2
		}
	}

	// Pass 3: the stage-1 exponential GL·ΔT·exp((V−θ)/ΔT).
	if c.dT > 0 {
		for i := range ex {
			x := (V[i] - thA[i]) * c.invDT
			if x > c.xMax {
				x = c.xMax
			}
			ex[i] = c.glDT * Exp(x)
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
		v, th, th1 := V[i], thA[i], thB[i]
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
			if x1 > c.xMax {
				x1 = c.xMax
			}
			ex1 = c.glDT * Exp(x1)
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
		V[i], W[i], Th[i] = v1, w1, th1s[i]
		if dend {
			Vd[i] = vd1
		}
		if mat {
			T2[i] *= c.pTh2
		}
	}

	// Pass 5, the queued neurons in ascending order: a whole step of
	// refractoriness, or Slow (adaptive substeps, spikes inside the
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
					pv = Exp(-gt * h * c.invCd)
				}
				Vd[i] = vdInf + (vd-vdInf)*pv
			}
			Th[i] = th1s[i]
			if mat {
				T2[i] *= c.pTh2
			}
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
		v, vd, w, th, spiked, ts, ok := Slow(cs, s, i+lo, v, vd, w, th, thInfs[i], g,
			iext[i]+ibias[i], iD, sEp[i], sIp[i], ed, id)
		V[i], Vd[i], W[i], Th[i] = v, vd, w, th
		if !ok || !finite(v) || !finite(w) || !finite(vd) {
			return dst, lo + i
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
	return dst, -1
}

// MaxSubsteps bounds the substeps Slow may take in one step before it
// reports a blow-up (a runaway that never reaches VPeak).
const MaxSubsteps = 100000

// Slow is the adaptive path of the general model, which the fast
// kernels leave every neuron to that spikes, is refractory or in its
// upswing. It reads and writes s.Ref[i] only, and s.Theta2[i] with the
// second threshold component (DeltaTheta2 ≠ 0); the state and inputs of
// neuron i are its arguments (θ∞ the threshold's target, g = 1/Size, iS
// and iD the external plus bias currents at soma and dendrite, ep, ip,
// ed, id the synaptic variables at the step's start).
//
// Slow integrates one neuron over one step with adaptive substeps,
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
// are reused at the start of the next). θ2 decays exactly over every
// interval and jumps by DeltaTheta2 at a spike, as θ by DeltaTheta; the
// exponential sees θ + θ2 (θ2 = 0 without it, which changes no rounding).
func Slow(cs *Consts, s *State, i int, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id float64) (float64, float64, float64, float64, bool, float64, bool) {
	k, c := &cs.k, &cs.f
	h := k.h
	cond, dend := k.cond, k.dend
	thDyn := k.invTauTh > 0
	t := 0.0
	spiked := false
	first := 0.0
	ref := s.Ref[i]
	mat := c.mat
	th2 := 0.0
	if mat {
		th2 = s.Theta2[i]
	}
	noSyn := ep == 0 && ip == 0 && ed == 0 && id == 0
	// decay factors of the synaptic variables at time tF into the step
	// (tF < 0: not yet computed)
	tF, fe, fi := 0.0, 1.0, 1.0
	const eps = 1e-12
	for iter := 0; t < h-eps*h; iter++ {
		if iter > MaxSubsteps || !finite(v) {
			s.Ref[i] = ref
			if mat {
				s.Theta2[i] = th2
			}
			return v, vd, w, th, spiked, first, false
		}
		if t != tF && !noSyn {
			tF, fe, fi = t, Exp(-t/c.tauE), Exp(-t/c.tauI)
		}
		if ref > 0 {
			// Held at VReset: W and Vd relax exactly with V = VReset and
			// the inputs frozen at their value at the start of the interval.
			d := min(ref, h-t)
			v = c.vreset
			if c.invTauW > 0 {
				w = c.wRef + (w-c.wRef)*Exp(-d*c.invTauW)
			}
			if dend {
				jd, gd := iD, 0.0
				if !noSyn {
					jd, gd = c.synInputs(cond, ed*fe, id*fi)
					jd += iD
				}
				gt := c.gld + c.gc + g*gd
				vdInf := (c.gld*c.el + c.gc*c.vreset + g*jd) / gt
				vd = vdInf + (vd-vdInf)*Exp(-gt*d*c.invCd)
			}
			if thDyn {
				th = thInf + (th-thInf)*Exp(-d*c.invTauTh)
			}
			if mat {
				th2 *= Exp(-d * c.invTauTh2)
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
			x := (v - th - th2) * c.invDT
			// xPeak of this neuron's θ + θ2 (θ moves with the adaptive and
			// sensory thresholds; the division matches k.xPeak bit for bit
			// when θ = VT and θ2 = 0)
			if xp := (c.vpeak - th - th2) / c.dT; x >= c.xCommit && xp > c.xCommit {
				// The upswing is committed: the time left to reach VPeak under
				// the dominant exponential term, dx/dt = e^x/τm.
				ePk := c.eNegPeak
				if xp != c.xPeak {
					ePk = Exp(-xp)
				}
				tail := max(0, c.tauM*(Exp(-x)-ePk))
				if t+tail <= h {
					w += tail * (c.a*(v-c.el) - w) * c.invTauW
					if thDyn {
						th = thInf + (th-thInf)*Exp(-tail*c.invTauTh)
					}
					if mat {
						th2 = th2*Exp(-tail*c.invTauTh2) + c.dTheta2
					}
					t += tail
					if !spiked {
						first = t
					}
					spiked = true
					v, w, th, ref = c.vreset, c.jumpW(w), th+c.dTheta, c.tref
					continue
				}
			}
			xe := x
			if xe > c.xMax {
				xe = c.xMax
			}
			ex = Exp(xe)
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
			tF, fe, fi = t+hs, Exp(-(t+hs)/c.tauE), Exp(-(t+hs)/c.tauI)
			js1, gs1 = c.synInputs(cond, ep*fe, ip*fi)
			jd1, gd1 = c.synInputs(cond, ed*fe, id*fi)
			js1 += iS
			jd1 += iD
		}
		th1 := th
		if thDyn {
			th1 = thInf + (th-thInf)*Exp(-hs*c.invTauTh)
		}
		th21 := th2
		if mat {
			th21 = th2 * Exp(-hs*c.invTauTh2)
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
			x := (vp - th1 - th21) * c.invDT
			if x > c.xMax {
				x = c.xMax
			}
			f += c.glDT * Exp(x)
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
			level = th1 + th21
		}
		if v1 >= level {
			fr := 1.0
			if v1 > v {
				fr = min(1, max(0, (level-v)/(v1-v)))
			}
			vd += fr * (vd1 - vd)
			w += fr * (w1 - w)
			if thDyn {
				th = thInf + (th-thInf)*Exp(-fr*hs*c.invTauTh)
			}
			if mat {
				th2 = th2*Exp(-fr*hs*c.invTauTh2) + c.dTheta2
			}
			t += fr * hs
			if !spiked {
				first = t
			}
			spiked = true
			v, w, th, ref = c.vreset, c.jumpW(w), th+c.dTheta, c.tref
			continue
		}
		v, vd, w, th, th2 = v1, vd1, w1, th1, th21
		t += hs
	}
	s.Ref[i] = ref
	if mat {
		s.Theta2[i] = th2
	}
	return v, vd, w, th, spiked, first, true
}
