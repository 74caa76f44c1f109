package brain

import (
	"math"
	"testing"
)

// isis returns the inter-spike intervals of ascending spike times.
func isis(t []float64) []float64 {
	var d []float64
	for i := 1; i < len(t); i++ {
		d = append(d, t[i]-t[i-1])
	}
	return d
}

func mustPop(t testing.TB, n int, p Params, dt float64) *Population {
	t.Helper()
	pop, err := NewPopulation(p.Name, n, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := pop.Prepare(dt); err != nil {
		t.Fatal(err)
	}
	return pop
}

// The LIF with a constant current I below rheobase charges as
//
//	V(t) = EL + R·I·(1 − exp(−t/τm))
//
// and the exact kernel must match it at every step to rounding.
func TestLIFSubthresholdClosedForm(t *testing.T) {
	p := Generic()
	const dt, I = 0.1, 80.0 // pA; R·I = 8 mV < θ − EL = 10 mV
	pop := mustPop(t, 1, p, dt)
	tau, R := p.C/p.GL, 1/p.GL
	for k := range int64(2000) {
		pop.IExt[0] = I
		if sp, err := pop.Step(k); err != nil || len(sp) != 0 {
			t.Fatalf("step %d: spikes %v err %v", k, sp, err)
		}
		tm := float64(k+1) * dt
		want := p.EL + R*I*(1-math.Exp(-tm/tau))
		if d := math.Abs(pop.V[0] - want); d > 1e-10 {
			t.Fatalf("t = %g ms: V = %.12f, closed form %.12f (|Δ| = %g)", tm, pop.V[0], want, d)
		}
	}
}

// A single exponential current I(t) = w·exp(−t/τs) gives the PSP
//
//	V(t) − EL = w·τm·τs/(C·(τs − τm))·(exp(−t/τs) − exp(−t/τm))
//
// and, for τs = τm, w·t·exp(−t/τm)/C. The kernel is exact for both, and
// continuous across τs = τm (τs = τm(1+1e-9) is compared with the limit,
// which it differs from by O(1e-9) relative).
func TestLIFPSPClosedForm(t *testing.T) {
	for _, tauS := range []float64{5, 20, 20 * (1 + 1e-9), 40} {
		p := Generic()
		p.Synapse.TauE = tauS
		const dt, w = 0.1, 100.0
		pop := mustPop(t, 1, p, dt)
		tau := p.C / p.GL
		pop.Input(Proximal, Excitatory)[0] += w
		for k := range int64(1000) {
			if _, err := pop.Step(k); err != nil {
				t.Fatal(err)
			}
			tm := float64(k+1) * dt
			var want float64
			if math.Abs(tauS-tau) < 1e-6 {
				want = w * tm * math.Exp(-tm/tau) / p.C
			} else {
				want = w * tau * tauS / (p.C * (tauS - tau)) * (math.Exp(-tm/tauS) - math.Exp(-tm/tau))
			}
			if d := math.Abs(pop.V[0] - p.EL - want); d > 1e-9+1e-8*math.Abs(want) {
				t.Fatalf("τs = %v, t = %g: ΔV = %.12g, closed form %.12g", tauS, tm, pop.V[0]-p.EL, want)
			}
			if wantI := w * math.Exp(-tm/tauS); math.Abs(pop.Input(Proximal, Excitatory)[0]-wantI) > 1e-9 {
				t.Fatalf("τs = %v, t = %g: I_E = %g, want %g", tauS, tm, pop.Input(Proximal, Excitatory)[0], wantI)
			}
		}
	}
}

// The LIF firing period with constant suprathreshold current I is
//
//	T = t_ref + τm·ln((EL + R·I − Vr)/(EL + R·I − θ))
//
// On a grid of dt the spike is emitted at the end of the step in which V
// crosses θ, so the simulated period is t_ref + ⌈T_int/dt⌉·dt: the rate is
// low by at most dt/T (0.5 % at 50 Hz, dt = 0.1 ms). The rate, measured
// over 20 s, must be within 1 % of 1/T for rates up to 50 Hz.
func TestLIFFICurve(t *testing.T) {
	p := Generic()
	const dt = 0.1
	tau, R := p.C/p.GL, 1/p.GL
	// (below ~5 Hz the crossing is so flat that θ − V∞ falls below 1e-4 mV
	// and the closed form itself becomes ill-conditioned)
	rates := []float64{5, 10, 20, 30, 40, 50}
	pop := mustPop(t, len(rates), p, dt)
	period := func(I float64) float64 {
		return p.TRef + tau*math.Log((p.EL+R*I-p.VReset)/(p.EL+R*I-p.VT))
	}
	// invert the closed form for the current giving each target rate
	for i, f := range rates {
		lo, hi := (p.VT-p.EL)/R+1e-9, 1e5
		for range 200 {
			mid := 0.5 * (lo + hi)
			if 1000/period(mid) < f {
				lo = mid
			} else {
				hi = mid
			}
		}
		pop.IBias[i] = 0.5 * (lo + hi)
	}
	first := make([]float64, len(rates))
	last := make([]float64, len(rates))
	count := make([]int, len(rates))
	for k := range int64(200000) {
		sp, err := pop.Step(k)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range sp {
			ts := float64(k+1) * dt
			if count[i] == 0 {
				first[i] = ts
			}
			last[i] = ts
			count[i]++
		}
	}
	for i, f := range rates {
		got := 1000 * float64(count[i]-1) / (last[i] - first[i])
		want := 1000 / period(pop.IBias[i])
		if math.Abs(want-f) > 1e-6 {
			t.Fatalf("inversion failed: %v vs %v", want, f)
		}
		if rel := math.Abs(got-want) / want; rel > 0.01 {
			t.Errorf("I = %.3f pA: rate %.4f Hz, closed form %.4f Hz (rel. error %.3g > 1 %%)", pop.IBias[i], got, want, rel)
		}
	}
}

// While refractory, V is held at VReset for round(TRef/dt) steps and not
// integrated, but the synaptic currents keep decaying (NEST iaf_psc_exp).
func TestLIFRefractoryClamp(t *testing.T) {
	p := Generic() // TRef = 5 ms
	const dt = 0.1
	pop := mustPop(t, 1, p, dt)
	pop.V[0] = p.VT - 1e-3
	pop.IExt[0] = 1000
	sp, err := pop.Step(0)
	if err != nil || len(sp) != 1 {
		t.Fatalf("no spike at step 0: %v %v", sp, err)
	}
	pop.Input(Proximal, Excitatory)[0] = 500
	for k := int64(1); k <= 50; k++ {
		pop.IExt[0] = 1000
		if sp, _ := pop.Step(k); len(sp) != 0 {
			t.Fatalf("spike during refractoriness at step %d", k)
		}
		if pop.V[0] != p.VReset {
			t.Fatalf("step %d: V = %v during refractoriness, want VReset %v", k, pop.V[0], p.VReset)
		}
		if want := 500 * math.Exp(-float64(k)*dt/p.Synapse.TauE); math.Abs(pop.Input(Proximal, Excitatory)[0]-want) > 1e-9 {
			t.Fatalf("step %d: I_E = %v, want %v (decaying)", k, pop.Input(Proximal, Excitatory)[0], want)
		}
	}
	pop.Step(51)
	if pop.V[0] == p.VReset {
		t.Fatal("V still clamped after 50 refractory steps")
	}
}

// The conductance-based LIF kernel (exponential Euler with step-mean
// conductances) against forward Euler at dt/100 on the same input.
func TestLIFConductanceAgainstFineEuler(t *testing.T) {
	p := Generic()
	p.Synapse.Model = ConductanceExp
	p.VT = 100 // keep it subthreshold
	const dt = 0.1
	pop := mustPop(t, 1, p, dt)
	// reference state
	v, ge, gi := p.EL, 0.0, 0.0
	const sub = 100
	h := dt / sub
	maxErr := 0.0
	for k := range int64(3000) {
		if k%50 == 0 {
			pop.Input(Proximal, Excitatory)[0] += 6
			ge += 6
		}
		if k%170 == 0 {
			pop.Input(Proximal, Inhibitory)[0] += 20
			gi += 20
		}
		pop.IExt[0] = 50
		if _, err := pop.Step(k); err != nil {
			t.Fatal(err)
		}
		for range sub {
			dv := (-p.GL*(v-p.EL) + ge*(p.Synapse.EE-v) + gi*(p.Synapse.EI-v) + 50) / p.C
			v += h * dv
			ge -= h * ge / p.Synapse.TauE
			gi -= h * gi / p.Synapse.TauI
		}
		maxErr = max(maxErr, math.Abs(pop.V[0]-v))
	}
	// Local error O(dt²) per step on a slowly varying trace; 0.05 mV is
	// ~1 % of the excursions here.
	if maxErr > 0.05 {
		t.Errorf("max |V − V_ref| = %.4f mV, want ≤ 0.05", maxErr)
	}
	t.Logf("max |V − V_ref| = %.2g mV", maxErr)
}
