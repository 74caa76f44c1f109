package brain

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/internal/kernel"
)

// slowRef is the readable form of the adaptive path (kernel.Slow: the
// first version of it, with closures, math.Exp and its constants written
// from Params), kept as the reference that TestSlowMatchesReference
// compares kernel.Slow with. It integrates one neuron over one step of
// dt with Heun substeps of at most hs (dt/nsub) shortened where the
// exponential term is fast, spikes located inside the step and
// refractoriness in continuous time. It returns the new state, whether the
// neuron spiked, the time of its first spike from the step start, and
// false on a blow-up; *refp is the refractory time left and *th2p the
// second threshold component θ2 (DeltaTheta2 ≠ 0: it decays with
// TauTheta2, jumps by DeltaTheta2 at a spike and adds to θ in the
// exponential). With WSat > 0 a spike adds B·(1 − W/WSat) to W.
func slowRef(p Params, h, hs float64, refp, th2p *float64, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id float64) (float64, float64, float64, float64, bool, float64, bool) {
	cond, dend := p.Synapse.Model == ConductanceExp, p.Gc > 0
	thDyn := p.TauTheta > 0
	th2 := *th2p
	relaxTh2 := func(th2, d float64) float64 {
		if p.DeltaTheta2 == 0 {
			return th2
		}
		return th2 * math.Exp(-d/p.TauTheta2)
	}
	const xMax, xCommit = 50, 8 // the kernels' cap of the exponential's argument; committed upswing
	invTauW := 0.0
	if p.TauW > 0 {
		invTauW = 1 / p.TauW
	}
	invCd := 0.0
	if dend {
		invCd = 1 / p.Cd
	}
	tauM := p.C / p.GL
	synInputs := func(e, i float64) (j, g float64) {
		if cond {
			return e*p.Synapse.EE + i*p.Synapse.EI, e + i
		}
		return e - i, 0
	}
	// rhs is the right-hand side of the model for one neuron, the input
	// currents written J − G·V, g = 1/Size
	rhs := func(v, vd, w, th, js, gs, jd, gd float64) (dv, dvd, dw float64) {
		f := -p.GL*(v-p.EL) - w + g*(js-gs*v)
		if p.DeltaT > 0 {
			f += p.GL * p.DeltaT * math.Exp(min((v-th)/p.DeltaT, xMax)) // th: θ + θ2
		}
		if dend {
			f -= p.Gc * (v - vd)
			dvd = (-p.GLd*(vd-p.EL) + p.Gc*(v-vd) + g*(jd-gd*vd)) * invCd
		}
		return f / p.C, dvd, (p.A*(v-p.EL) - w) * invTauW
	}
	t := 0.0
	spiked := false
	first := 0.0
	ref := *refp
	// synaptic values at time s into the step
	noSyn := ep == 0 && ip == 0 && ed == 0 && id == 0
	synAt := func(s float64) (js, gs, jd, gd float64) {
		if noSyn {
			return iS, 0, iD, 0
		}
		fe, fi := math.Exp(-s/p.Synapse.TauE), math.Exp(-s/p.Synapse.TauI)
		js, gs = synInputs(ep*fe, ip*fi)
		jd, gd = synInputs(ed*fe, id*fi)
		return js + iS, gs, jd + iD, gd
	}
	relaxTh := func(th, d float64) float64 {
		if !thDyn {
			return th
		}
		return thInf + (th-thInf)*math.Exp(-d/p.TauTheta)
	}
	spike := func(ts float64) {
		if !spiked {
			first = ts
		}
		spiked = true
		v = p.VReset
		if p.WSat > 0 {
			w += p.B * (1 - w/p.WSat)
		} else {
			w += p.B
		}
		th += p.DeltaTheta
		th2 += p.DeltaTheta2
		ref = p.TRef
		t = ts
	}
	const eps = 1e-12
	for iter := 0; t < h-eps*h; iter++ {
		if iter > kernel.MaxSubsteps || !(v < 1e12 && v > -1e12) {
			*refp, *th2p = ref, th2
			return v, vd, w, th, spiked, first, false
		}
		if ref > 0 {
			// Held at VReset: W and Vd relax exactly with V = VReset and
			// the inputs frozen at their value at the start of the interval.
			d := min(ref, h-t)
			v = p.VReset
			if invTauW > 0 {
				wInf := p.A * (p.VReset - p.EL)
				w = wInf + (w-wInf)*math.Exp(-d*invTauW)
			}
			if dend {
				_, _, jd, gd := synAt(t)
				gt := p.GLd + p.Gc + g*gd
				vdInf := (p.GLd*p.EL + p.Gc*p.VReset + g*jd) / gt
				vd = vdInf + (vd-vdInf)*math.Exp(-gt*d*invCd)
			}
			th = relaxTh(th, d)
			th2 = relaxTh2(th2, d)
			ref -= d
			if ref < eps*h {
				ref = 0
			}
			t += d
			continue
		}
		hs := min(hs, h-t)
		if p.DeltaT > 0 {
			x := (v - th - th2) / p.DeltaT
			// xPeak of the neuron's current θ + θ2 (adaptive threshold)
			if xp := (p.VPeak - th - th2) / p.DeltaT; x >= xCommit && xp > xCommit {
				// The upswing is committed: the time left to reach VPeak under
				// the dominant exponential term, dx/dt = e^x/τm.
				tail := max(0, tauM*(math.Exp(-x)-math.Exp(-xp)))
				if t+tail <= h {
					wAt := w + tail*(p.A*(v-p.EL)-w)*invTauW
					th = relaxTh(th, tail)
					th2 = relaxTh2(th2, tail)
					w = wAt
					spike(t + tail)
					continue
				}
			}
			if x > -2 {
				rate := math.Exp(min(x, xMax)) / tauM // 1/ms
				hs = min(hs, max(0.2/rate, 1e-7))
			}
		}
		js0, gs0, jd0, gd0 := synAt(t)
		js1, gs1, jd1, gd1 := synAt(t + hs)
		th1 := relaxTh(th, hs)
		th21 := relaxTh2(th2, hs)
		dv1, dvd1, dw1 := rhs(v, vd, w, th+th2, js0, gs0, jd0, gd0)
		vp, vdp, wp := v+hs*dv1, vd+hs*dvd1, w+hs*dw1
		dv2, dvd2, dw2 := rhs(vp, vdp, wp, th1+th21, js1, gs1, jd1, gd1)
		v1 := v + 0.5*hs*(dv1+dv2)
		vd1 := vd + 0.5*hs*(dvd1+dvd2)
		w1 := w + 0.5*hs*(dw1+dw2)
		level := p.VPeak
		if p.DeltaT == 0 {
			level = th1 + th21
		}
		if v1 >= level {
			f := 1.0
			if v1 > v {
				f = min(1, max(0, (level-v)/(v1-v)))
			}
			vd += f * (vd1 - vd)
			w += f * (w1 - w)
			th = relaxTh(th, f*hs)
			th2 = relaxTh2(th2, f*hs)
			spike(t + f*hs)
			continue
		}
		v, vd, w, th, th2 = v1, vd1, w1, th1, th21
		t += hs
	}
	*refp, *th2p = ref, th2
	return v, vd, w, th, spiked, first, true
}

// kernel.Slow (written without closures, with the synaptic decay factors
// carried from one substep to the next and the kernels' exponential)
// computes what slowRef does, to rounding (the exponentials differ by
// 5e-13 relative): random states near threshold, in the upswing and in
// refractoriness, with and without synaptic input, for every
// configuration, with and without the extended terms (Params.Extended).
func TestSlowMatchesReference(t *testing.T) {
	cond := Pyramidal()
	cond.Synapse.Model = ConductanceExp
	sens := Sensory()
	sens.Synapse.Model = ConductanceExp
	hard := Pyramidal()
	hard.DeltaT, hard.VPeak = 0, 0
	// MAT: a fast θ2 (Kobayashi et al. 2009) beside the slow θ, and a
	// saturating adaptation increment
	mat := Sensory()
	mat.Name, mat.DeltaTheta2, mat.TauTheta2, mat.WSat = "mat", 5, 3, 150
	matCond := Pyramidal()
	matCond.Name, matCond.DeltaTheta2, matCond.TauTheta2, matCond.WSat = "mat-cond", 3, 8, 40
	matCond.Synapse.Model = ConductanceExp
	matHard := hard
	matHard.Name, matHard.DeltaTheta2, matHard.TauTheta2 = "mat-hard", 2, 5
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range []Params{Pyramidal(), Interneuron(), Sensory(), Purkinje(), Motor(), cond, sens, hard, mat, matCond, matHard} {
		for _, dt := range []float64{0.1, 0.025} {
			pop := mustPop(t, 1, p, dt)
			gn := pop.Model().(*GeneralizedNeuron)
			c, s := gn.c, &gn.ks
			worst, spikes := 0.0, 0
			for range 3000 {
				v := p.VT + (rng.Float64()*30 - 15)
				if p.DeltaT > 0 {
					v = p.VT + p.DeltaT*(rng.Float64()*14-4)
				}
				vd := p.EL + rng.Float64()*20
				w := rng.Float64() * 300
				th := p.VT + rng.Float64()*4 - 2
				thInf := p.VT - rng.Float64()*3
				g := 0.5 + rng.Float64()
				var ep, ip, ed, id float64
				if rng.IntN(2) == 0 {
					ep, ip, ed, id = rng.Float64()*800, rng.Float64()*400, rng.Float64()*800, rng.Float64()*400
					if p.Synapse.Model == ConductanceExp {
						ep, ip, ed, id = ep/100, ip/100, ed/100, id/100
					}
				}
				ref := 0.0
				if rng.IntN(3) == 0 {
					ref = rng.Float64() * 2 * dt
				}
				iS, iD := rng.Float64()*2000, rng.Float64()*500
				s.Ref[0] = ref
				th2 := 0.0
				if p.DeltaTheta2 != 0 {
					th2 = rng.Float64() * p.DeltaTheta2
					s.Theta2[0] = th2
				}
				a0, a1, a2, a3, a4, a5, a6 := kernel.Slow(c, s, 0, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id)
				ra := s.Ref[0]
				ta := 0.0
				if p.DeltaTheta2 != 0 {
					ta = s.Theta2[0]
				}
				rb, tb := ref, th2
				b0, b1, b2, b3, b4, b5, b6 := slowRef(p, dt, dt/float64(c.Substeps()), &rb, &tb, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id)
				if a4 {
					spikes++
				}
				if a4 != b4 || a6 != b6 {
					t.Fatalf("%s: spiked/ok %v %v, reference %v %v", p.Name, a4, a6, b4, b6)
				}
				for _, d := range [][2]float64{{a0, b0}, {a1, b1}, {a2, b2}, {a3, b3}, {a5, b5}, {ra, rb}, {ta, tb}} {
					e := math.Abs(d[0]-d[1]) / max(1, math.Abs(d[1]))
					worst = max(worst, e)
				}
			}
			if worst > 1e-9 || spikes < 300 {
				t.Errorf("%s dt=%v: largest relative difference %g (%d of 3000 spiked)", p.Name, dt, worst, spikes)
			}
			if testing.Verbose() {
				t.Logf("%-12s dt=%v: %d spikes, max rel diff %.2g", p.Name, dt, spikes, worst)
			}
		}
	}
}
