package brain

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fullSlowRef is the original fullSlow (closures, expKernel), kept as the
// reference that TestFullSlowMatchesReference compares fullSlow with.
// fullSlow integrated one neuron over one step with adaptive substeps,
// spikes located inside the step and refractoriness in continuous time.
// It returns the new state, whether the neuron spiked, the time of its
// first spike from the step start, and false on a blow-up.
func (p *Population) fullSlowRef(c *fullConsts, i int, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id float64) (float64, float64, float64, float64, bool, float64, bool) {
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
			// xPeak of the neuron's current θ (adaptive threshold)
			if xp := (c.vpeak - th) / c.dT; x >= c.xCommit && xp > c.xCommit {
				// The upswing is committed: the time left to reach VPeak under
				// the dominant exponential term, dx/dt = e^x/τm.
				tail := max(0, c.tauM*(expKernel(-x)-expKernel(-xp)))
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

// fullSlow (the rewrite without closures, with the synaptic decay factors
// carried from one substep to the next) computes what the original did,
// to rounding: random states near threshold, in the upswing and in
// refractoriness, with and without synaptic input, for every
// configuration.
func TestFullSlowMatchesReference(t *testing.T) {
	cond := Pyramidal()
	cond.Synapse.Model = ConductanceExp
	sens := Sensory()
	sens.Synapse.Model = ConductanceExp
	hard := Pyramidal()
	hard.DeltaT, hard.VPeak = 0, 0
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range []Params{Pyramidal(), Interneuron(), Sensory(), Purkinje(), Motor(), cond, sens, hard} {
		for _, dt := range []float64{0.1, 0.025} {
			pop := mustPop(t, 1, p, dt)
			c := &pop.fc
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
				pop.ref[0] = ref
				a0, a1, a2, a3, a4, a5, a6 := pop.fullSlow(c, 0, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id)
				ra := pop.ref[0]
				pop.ref[0] = ref
				b0, b1, b2, b3, b4, b5, b6 := pop.fullSlowRef(c, 0, v, vd, w, th, thInf, g, iS, iD, ep, ip, ed, id)
				if a4 {
					spikes++
				}
				if a4 != b4 || a6 != b6 {
					t.Fatalf("%s: spiked/ok %v %v, reference %v %v", p.Name, a4, a6, b4, b6)
				}
				for _, d := range [][2]float64{{a0, b0}, {a1, b1}, {a2, b2}, {a3, b3}, {a5, b5}, {ra, pop.ref[0]}} {
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
