package brain

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/internal/kernel"
)

// refNeuron is the state of one GeneralizedNeuron for refStep.
type refNeuron struct {
	V, Vd, W, Th              float64 // mV, mV, pA, mV
	Th2                       float64 // second threshold component θ2 (mV)
	EP, IP, ED, ID            float64 // synaptic variables (pA or nS): proximal/distal, excitatory/inhibitory
	IExt, IExtDist, IBias, T0 float64
	Mu, Var                   float64 // running mean (pA) and variance (pA²) of the input current (sensory rule)
}

// refStep is the readable reference form of the GeneralizedNeuron (the
// equations of the package documentation, unit Size, not refractory, no
// spike in the step): the sensory rule's running statistics updated with
// the input current at the step's start, then the ODEs written as they
// read, with every synaptic variable decaying exactly, integrated over dt
// by classical Runge–Kutta in 2000 substeps (error ~1e-13 of the state).
// The second threshold component θ2 (DeltaTheta2 ≠ 0) relaxes to 0 with
// TauTheta2 and adds to θ in the exponential.
// Every specialised kernel (package internal/kernel) must agree with it
// on random states.
func refStep(p Params, n refNeuron, dt float64) refNeuron {
	cond := p.Synapse.Model == ConductanceExp
	if p.TauVar > 0 {
		in := n.EP - n.IP + n.ED - n.ID
		if cond {
			in = n.EP*(p.Synapse.EE-n.V) + n.IP*(p.Synapse.EI-n.V) + n.ED*(p.Synapse.EE-n.Vd) + n.ID*(p.Synapse.EI-n.Vd)
		}
		in += n.IExt + n.IBias + n.IExtDist
		a := 1 - math.Exp(-dt/p.TauVar)
		d := in - n.Mu
		n.Mu += a * d
		n.Var = (1 - a) * (n.Var + a*d*d)
		n.T0 -= min(p.ThetaPerSD*math.Sqrt(n.Var), p.ThetaDropMax)
	}
	deriv := func(s float64, v, vd, w, th, th2 float64) (dv, dvd, dw, dth, dth2 float64) {
		fe, fi := math.Exp(-s/p.Synapse.TauE), math.Exp(-s/p.Synapse.TauI)
		var iProx, iDist float64
		if cond {
			iProx = n.EP*fe*(p.Synapse.EE-v) + n.IP*fi*(p.Synapse.EI-v)
			iDist = n.ED*fe*(p.Synapse.EE-vd) + n.ID*fi*(p.Synapse.EI-vd)
		} else {
			iProx = n.EP*fe - n.IP*fi
			iDist = n.ED*fe - n.ID*fi
		}
		expo := 0.0
		if p.DeltaT > 0 {
			expo = p.GL * p.DeltaT * math.Exp((v-th-th2)/p.DeltaT)
		}
		dv = (-p.GL*(v-p.EL) + expo - p.Gc*(v-vd) - w + iProx + n.IExt + n.IBias) / p.C
		if p.Gc > 0 {
			dvd = (-p.GLd*(vd-p.EL) + p.Gc*(v-vd) + iDist + n.IExtDist) / p.Cd
		}
		if p.TauW > 0 {
			dw = (p.A*(v-p.EL) - w) / p.TauW
		}
		if p.TauTheta > 0 {
			dth = (n.T0 - th) / p.TauTheta
		}
		if p.DeltaTheta2 != 0 {
			dth2 = -th2 / p.TauTheta2
		}
		return
	}
	const sub = 2000
	h := dt / sub
	v, vd, w, th, th2 := n.V, n.Vd, n.W, n.Th, n.Th2
	for k := range sub {
		s := float64(k) * h
		a1, b1, c1, d1, e1 := deriv(s, v, vd, w, th, th2)
		a2, b2, c2, d2, e2 := deriv(s+h/2, v+h/2*a1, vd+h/2*b1, w+h/2*c1, th+h/2*d1, th2+h/2*e1)
		a3, b3, c3, d3, e3 := deriv(s+h/2, v+h/2*a2, vd+h/2*b2, w+h/2*c2, th+h/2*d2, th2+h/2*e2)
		a4, b4, c4, d4, e4 := deriv(s+h, v+h*a3, vd+h*b3, w+h*c3, th+h*d3, th2+h*e3)
		v += h / 6 * (a1 + 2*a2 + 2*a3 + a4)
		vd += h / 6 * (b1 + 2*b2 + 2*b3 + b4)
		w += h / 6 * (c1 + 2*c2 + 2*c3 + c4)
		th += h / 6 * (d1 + 2*d2 + 2*d3 + d4)
		th2 += h / 6 * (e1 + 2*e2 + 2*e3 + e4)
	}
	n.V, n.Vd, n.W, n.Th, n.Th2 = v, vd, w, th, th2
	return n
}

// TestKernelsMatchReference steps every kernel variant of the
// GeneralizedNeuron once on random states and compares it with refStep.
// The exact LIF propagators must agree to rounding; the other kernels are
// second-order schemes (Heun, exponential Euler with mean conductances) and
// must agree to their local error, O(dt³) per step (fullSlow: Heun
// substeps with the exponential's rate × substep ≤ 0.2, so larger):
// tolerances are the measured errors (printed with -v; seed 1) times about
// 3, each far below what a missing term changes in one step (the dendritic
// coupling Gc·(V−Vd)·dt/C is about 1 mV here, the adaptation current's
// W·dt/C 0.02 mV).
func TestKernelsMatchReference(t *testing.T) {
	cond := func(p Params) Params { p.Synapse.Model = ConductanceExp; return p }
	movingTh := Sensory()
	movingTh.TauVar, movingTh.ThetaPerSD, movingTh.ThetaDropMax = 0, 0, 0 // θ relaxes to θ0
	// a dendrite a little faster than one Heun step at 0.1 ms allows:
	// λ·dt = (GLd + Gc)/Cd·dt = 0.55 > 0.5, so Prepare takes 2 substeps,
	// each with λ·h = 0.275 and Heun's local error (λh)³/6 ≈ 0.0035 of
	// Vd's distance from its equilibrium (up to ~25 mV here); a missing
	// coupling term would change Vd by Gc·(V−Vd)·dt/Cd, several mV
	fastDend := Pyramidal()
	fastDend.Cd = (fastDend.GLd + fastDend.Gc) * 0.1 / 0.55
	steep := Pyramidal()
	// the extended terms (Params.Extended): a multi-timescale threshold
	// (MAT, Kobayashi et al. 2009: a fast θ2 beside the slow θ) and a
	// saturating adaptation increment (which acts only at spikes, so here
	// it only routes the set to the general kernel)
	mat := movingTh
	mat.DeltaTheta2, mat.TauTheta2, mat.WSat = 4, 3, 200
	matDend := Pyramidal()
	matDend.DeltaTheta2, matDend.TauTheta2 = 6, 2
	for _, c := range []struct {
		name     string
		p        Params
		dt       float64     // ms
		vLo, vHi float64     // V range relative to VT (mV)
		tol      float64     // mV (V, Vd, θ) and pA (W)
		kernel   kernel.Kind // the kernel Prepare must choose
		sized    bool        // random Size in [0.5, 2) (the gain variants)
	}{
		{"LIF current (exact propagators)", Generic(), 0.1, -20, -2, 1e-9, kernel.LIFCurrent, false},
		{"LIF conductance (exponential Euler)", cond(Generic()), 0.1, -20, -2, 1e-5, kernel.LIFConductance, false},
		{"LIF current, any Size (gain kernel)", Generic(), 0.1, -20, -2, 1e-9, kernel.LIFCurrent, true},
		{"LIF conductance, any Size (gain kernel)", cond(Generic()), 0.1, -20, -2, 1e-5, kernel.LIFConductance, true},
		{"AdEx soma, current (fused Heun)", Interneuron(), 0.1, -20, -4, 3e-5, kernel.Heun, false},
		{"AdEx soma, current, any Size (fused Heun)", Interneuron(), 0.1, -20, -4, 3e-5, kernel.Heun, true},
		{"AdEx + dendrite, current (fused Heun)", Pyramidal(), 0.1, -20, -4, 2e-4, kernel.Heun, false},
		{"AdEx + moving θ, current (fused Heun)", movingTh, 0.1, -20, -4, 1e-5, kernel.Heun, false},
		{"AdEx + sensory rule, current (fused Heun)", Sensory(), 0.1, -20, -4, 1e-5, kernel.Heun, false},
		{"AdEx + dendrite, conductance (general kernel)", cond(Pyramidal()), 0.1, -20, -4, 2e-4, kernel.General, false},
		{"AdEx + dendrite, conductance, any Size (general kernel)", cond(Pyramidal()), 0.1, -20, -4, 2e-4, kernel.General, true},
		{"AdEx + sensory rule, conductance (general kernel)", cond(Sensory()), 0.1, -20, -4, 1e-5, kernel.General, false},
		{"AdEx + fast dendrite, current, 2 substeps (general kernel)", fastDend, 0.1, -20, -4, 0.2, kernel.General, false},
		{"AdEx upswing, current (adaptive Slow)", steep, 0.1, 3.0 * steep.DeltaT, 3.4 * steep.DeltaT, 5e-3, kernel.Heun, false},
		{"AdEx upswing, conductance (adaptive Slow)", cond(steep), 0.1, 3.0 * steep.DeltaT, 3.4 * steep.DeltaT, 5e-3, kernel.General, false},
		{"AdEx + MAT θ, θ2 + saturating w, current (general kernel)", mat, 0.1, -20, -4, 1e-5, kernel.General, false},
		{"AdEx + MAT θ2 + dendrite, any Size (general kernel)", matDend, 0.1, -20, -4, 2e-4, kernel.General, true},
		{"AdEx + MAT θ2 + dendrite, conductance (general kernel)", cond(matDend), 0.1, -20, -4, 2e-4, kernel.General, false},
		{"AdEx + MAT θ2 upswing, current (adaptive Slow)", matDend, 0.1, 3.0 * steep.DeltaT, 3.4 * steep.DeltaT, 5e-3, kernel.General, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 512
			pop := must(NewPopulation("ref", n, c.p))
			r := rand.New(rand.NewPCG(1, 2))
			u := func(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }
			if c.sized {
				for i := range pop.Size {
					pop.Size[i] = u(0.5, 2)
				}
			}
			dt := c.dt
			if err := pop.Prepare(dt); err != nil {
				t.Fatal(err)
			}
			if c.p.Extended() != (pop.Model().(*GeneralizedNeuron).Theta2() != nil || c.p.WSat > 0) {
				t.Fatalf("Extended() = %v for DeltaTheta2 = %v, WSat = %v", c.p.Extended(), c.p.DeltaTheta2, c.p.WSat)
			}
			if got := pop.Model().(*GeneralizedNeuron).c.Kind(); got != c.kernel {
				t.Fatalf("Prepare chose the %s kernel, want %s", got, c.kernel)
			}
			// The upswing cases start beyond the fast path's bound
			// (V − θ)/ΔT > xFast, so every neuron takes fullSlow.
			if c.p.DeltaT > 0 && c.vLo/c.p.DeltaT > 2 && !(c.vLo/c.p.DeltaT > pop.Model().(*GeneralizedNeuron).c.XFast()) {
				t.Fatalf("V − VT ≥ %.1f ΔT does not reach the slow path (xFast = %.2f)", c.vLo/c.p.DeltaT, pop.Model().(*GeneralizedNeuron).c.XFast())
			}
			syn := 150.0 // pA
			if c.p.Synapse.Model == ConductanceExp {
				syn = 5 // nS
			}
			refs := make([]refNeuron, n)
			for i := range n {
				x := refNeuron{V: c.p.VT + u(c.vLo, c.vHi), Vd: c.p.EL + u(-5, 15), W: u(0, 60), Th: c.p.VT,
					EP: u(0, syn), IP: u(0, syn), ED: u(0, syn), ID: u(0, syn),
					IExt: u(-100, 200), IBias: c.p.IBias, T0: c.p.VT}
				if c.p.TauTheta > 0 {
					x.Th = c.p.VT + u(-1, 3)
				}
				if c.p.DeltaTheta2 != 0 {
					// θ2 up to one increment (in the upswing cases less,
					// so that V − θ − θ2 stays in the upswing)
					x.Th2 = u(0, c.p.DeltaTheta2)
					if c.vLo > 0 {
						x.Th2 = u(0, 0.5)
					}
					pop.Model().(*GeneralizedNeuron).Theta2()[i] = x.Th2
				}
				if c.p.IsLIF() {
					x.Vd, x.W, x.ED, x.ID = c.p.EL, 0, 0, 0
				}
				if c.p.TauW == 0 {
					x.W = 0
				}
				if c.p.Gc > 0 {
					x.IExtDist = u(-50, 100)
					pop.IExtDist[i] = x.IExtDist
					pop.syn[Distal][Excitatory][i], pop.syn[Distal][Inhibitory][i] = x.ED, x.ID
				} else {
					x.ED, x.ID, x.Vd = 0, 0, c.p.EL
				}
				pop.V[i], pop.Vd[i], pop.W[i], pop.Theta[i] = x.V, x.Vd, x.W, x.Th
				pop.syn[Proximal][Excitatory][i], pop.syn[Proximal][Inhibitory][i] = x.EP, x.IP
				pop.IExt[i] = x.IExt
				if c.p.TauVar > 0 {
					x.Mu, x.Var = u(-50, 150), u(0, 400)
					pop.Var("Mu")[i], pop.Var("SigmaSq")[i] = x.Mu, x.Var
				}
				if c.sized {
					// Size s scales every conductance and the capacitance:
					// the unit cell with its inputs divided by s (the
					// sensory rule, which sees the undivided input, is
					// not combined with it here).
					sz := pop.Size[i]
					x.EP, x.IP, x.IExt, x.IBias = x.EP/sz, x.IP/sz, x.IExt/sz, x.IBias/sz
					x.ED, x.ID, x.IExtDist = x.ED/sz, x.ID/sz, x.IExtDist/sz
				}
				refs[i] = x
			}
			sp, err := pop.Step(0)
			if err != nil {
				t.Fatal(err)
			}
			if len(sp) != 0 {
				t.Fatalf("%d neurons spiked: the random states must stay subthreshold for this comparison", len(sp))
			}
			var worst [5]float64
			for i := range n {
				want := refStep(c.p, refs[i], dt)
				th2 := 0.0
				if t2 := pop.Model().(*GeneralizedNeuron).Theta2(); t2 != nil {
					th2 = t2[i]
				}
				for k, d := range []float64{pop.V[i] - want.V, pop.Vd[i] - want.Vd, pop.W[i] - want.W, pop.Theta[i] - want.Th, th2 - want.Th2} {
					worst[k] = max(worst[k], math.Abs(d))
				}
			}
			t.Logf("largest |kernel − reference| after one step: V %.2g mV, Vd %.2g mV, W %.2g pA, θ %.2g mV, θ2 %.2g mV", worst[0], worst[1], worst[2], worst[3], worst[4])
			for k, name := range []string{"V", "Vd", "W", "Theta", "Theta2"} {
				if worst[k] > c.tol || math.IsNaN(worst[k]) {
					t.Errorf("%s differs from the reference by %.3g (tolerance %.3g)", name, worst[k], c.tol)
				}
			}
		})
	}
}
