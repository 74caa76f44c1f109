package brain

import (
	"math"
	"slices"
	"testing"
)

// naudParams returns the AdEx parameters of Naud, Marcille, Clopath &
// Gerstner 2008 (Biol Cybern 99:335), Table 1, and the step current (pA)
// they use for each firing pattern. VPeak = 0 mV; no refractoriness.
//
//	pattern        C    gL   EL   VT   ΔT  a   τw   b    Vr   I
//	tonic          200  10   −70  −50  2   2   30   0    −58  500
//	adapting       200  12   −70  −50  2   2   300  60   −58  500
//	initial burst  130  18   −58  −50  2   4   150  120  −50  400
//	bursting       200  10   −58  −50  2   2   120  100  −46  210
func naudParams() []struct {
	name string
	p    Params
	I    float64
} {
	mk := func(name string, c, gl, el, vt, a, tw, b, vr float64) Params {
		return Params{Name: name, C: c, GL: gl, EL: el, VT: vt, DeltaT: 2, VPeak: 0, VReset: vr,
			A: a, TauW: tw, B: b, Efficacy: 1, Synapse: defaultSynapse()}
	}
	return []struct {
		name string
		p    Params
		I    float64
	}{
		{"tonic", mk("tonic", 200, 10, -70, -50, 2, 30, 0, -58), 500},
		{"adapting", mk("adapting", 200, 12, -70, -50, 2, 300, 60, -58), 500},
		{"initial burst", mk("initial burst", 130, 18, -58, -50, 4, 150, 120, -50), 400},
		{"bursting", mk("bursting", 200, 10, -58, -50, 2, 120, 100, -46), 210},
	}
}

// adaptationIndex is Naud et al. 2008's A = mean of
// (ISI_{i+1} − ISI_i)/(ISI_{i+1} + ISI_i) over consecutive intervals.
func adaptationIndex(isi []float64) float64 {
	s := 0.0
	for i := 1; i < len(isi); i++ {
		s += (isi[i] - isi[i-1]) / (isi[i] + isi[i-1])
	}
	return s / float64(len(isi)-1)
}

// adaptationRatio is the two-point form of the adaptation index,
//
//	(ISI_ss − ISI_1)/(ISI_ss + ISI_1),
//
// with ISI_ss the last interval: 0 for tonic firing, → 1 for strong
// adaptation. Unlike adaptationIndex it does not shrink as the train gets
// longer.
func adaptationRatio(isi []float64) float64 {
	a, b := isi[0], isi[len(isi)-1]
	return (b - a) / (b + a)
}

// classify names the firing pattern of a spike train evoked by a current
// step from its ISI sequence:
//   - bursting: in the second half, long and short ISIs alternate (max/min > 3);
//   - initial burst: some ISI of the transient is > 3× the one before it
//     (an abrupt end of a burst), steady state regular;
//   - adapting: ISIs lengthen gradually to more than twice the first;
//   - tonic: otherwise (last/first ISI ≤ 2).
func classify(isi []float64) string {
	if len(isi) < 4 {
		return "too few spikes"
	}
	tail := isi[len(isi)/2:]
	if slices.Max(tail)/slices.Min(tail) > 3 {
		return "bursting"
	}
	for i := 1; i < len(isi); i++ {
		if isi[i] > 3*isi[i-1] {
			return "initial burst"
		}
	}
	if isi[len(isi)-1]/isi[0] > 2 {
		return "adapting"
	}
	return "tonic"
}

func simulate(t testing.TB, p Params, dt, durMS, onsetMS, amp float64) []float64 {
	t.Helper()
	n := int(math.Round(durMS / dt))
	sp, _, err := SimulateCurrent(p, dt, StepCurrent(n, dt, onsetMS, durMS, amp), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// Naud et al. 2008 (Fig. 4, Table 1) patterns from their published
// parameters, classified by ISI statistics on a 1 s step.
func TestNaudFiringPatterns(t *testing.T) {
	for _, c := range naudParams() {
		sp := simulate(t, c.p, 0.1, 1000, 0, c.I)
		isi := isis(sp)
		if got := classify(isi); got != c.name {
			t.Errorf("%s: classified %q; ISIs %.1f", c.name, got, isi)
		}
		if c.name == "tonic" {
			if a := adaptationIndex(isi); a > 0.02 {
				t.Errorf("tonic: adaptation index %.3f, want ≈ 0", a)
			}
		}
	}
}

// dt convergence: every spike of a 1 s step-current run at dt = 0.1 ms
// lies within 0.2 ms of the same spike at dt = 0.01 ms.
func TestFullDTConvergence(t *testing.T) {
	cases := []struct {
		name string
		p    Params
		I    float64
	}{{"pyramidal", Pyramidal(), 1500}, {"interneuron", Interneuron(), 1500}, {"sensory", Sensory(), 400}, {"motor", Motor(), 6000}}
	for _, c := range naudParams() {
		cases = append(cases, struct {
			name string
			p    Params
			I    float64
		}{c.name, c.p, c.I})
	}
	// the same with conductance synapses driven by a synaptic barrage
	for _, c := range cases {
		coarse := simulate(t, c.p, 0.1, 1000, 100, c.I)
		fine := simulate(t, c.p, 0.01, 1000, 100, c.I)
		if len(coarse) != len(fine) || len(fine) == 0 {
			t.Errorf("%s: %d spikes at dt = 0.1, %d at dt = 0.01", c.name, len(coarse), len(fine))
			continue
		}
		worst := 0.0
		for i := range fine {
			worst = max(worst, math.Abs(coarse[i]-fine[i]))
		}
		if worst > 0.2 {
			t.Errorf("%s: max spike-time difference %.3f ms > 0.2 ms", c.name, worst)
		}
		t.Logf("%-13s %3d spikes, max |Δt| = %.4f ms", c.name, len(fine), worst)
	}
}

// Steady state of a passive two-compartment cell (ΔT = 0, a = 0,
// subthreshold) under a constant current I injected at the soma or at the
// dendrite. With u = V − EL, ud = Vd − EL:
//
//	proximal: u = I·(GLd + Gc)/D,   distal: u = I·Gc/D,
//	D = GL·GLd + GL·Gc + Gc·GLd
//
// so the distal/proximal ratio is Gc/(Gc + GLd) = Params.Attenuation.
func TestDendriticAttenuationSteadyState(t *testing.T) {
	p := Pyramidal()
	p.DeltaT, p.A, p.B, p.VT, p.VPeak = 0, 0, 0, 100, 0
	p.Gc, p.GLd, p.Cd = 12, 30, 150
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	const I = 200.0
	D := p.GL*p.GLd + p.GL*p.Gc + p.Gc*p.GLd
	n := 40000 // 4 s ≫ slowest time constant
	_, trP, err := SimulateCurrent(p, 0.1, ConstantCurrent(n, I), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, trD, err := SimulateCurrent(p, 0.1, ConstantCurrent(n, 0), ConstantCurrent(n, I))
	if err != nil {
		t.Fatal(err)
	}
	uP, uD := trP.V[n-1]-p.EL, trD.V[n-1]-p.EL
	if want := I * (p.GLd + p.Gc) / D; math.Abs(uP-want) > 1e-6 {
		t.Errorf("proximal: u = %.9f mV, closed form %.9f", uP, want)
	}
	if want := I * p.Gc / D; math.Abs(uD-want) > 1e-6 {
		t.Errorf("distal: u = %.9f mV, closed form %.9f", uD, want)
	}
	if got, want := uD/uP, p.Attenuation(); math.Abs(got-want) > 1e-6 {
		t.Errorf("attenuation %.9f, Gc/(Gc+GLd) = %.9f", got, want)
	}
	if want := 12.0 / 42; math.Abs(p.Attenuation()-want) > 1e-15 {
		t.Errorf("Attenuation() = %v, want %v", p.Attenuation(), want)
	}
}

// The full kernel with ΔT = 0 and no adaptation, dendrite or threshold
// dynamics is the LIF, but with spikes located inside the step and
// refractoriness in continuous time: its ISI must equal the closed-form
// period T = t_ref + τm·ln((EL + R·I − Vr)/(EL + R·I − θ)) without the
// grid error of the exact kernel (Heun + linear crossing interpolation:
// 0.01 ms).
func TestFullKernelReducesToLIF(t *testing.T) {
	full := Generic()
	full.DeltaTheta, full.TauTheta = 1e-300, 1 // forces the general kernel, θ effectively fixed
	if full.IsLIF() {
		t.Fatal("full params still LIF")
	}
	const I = 150.0
	R, tau := 1/full.GL, full.C/full.GL
	T := full.TRef + tau*math.Log((full.EL+R*I-full.VReset)/(full.EL+R*I-full.VT))
	sp := simulate(t, full, 0.1, 1000, 0, I)
	isi := isis(sp)
	if len(isi) < 30 {
		t.Fatalf("%d ISIs", len(isi))
	}
	for i, d := range isi {
		if math.Abs(d-T) > 0.01 {
			t.Fatalf("ISI %d = %.5f ms, closed form %.5f", i, d, T)
		}
	}
}
