package reference_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/reference"
)

func isis(s []float64) []float64 {
	out := make([]float64, 0, len(s))
	for i := 1; i < len(s); i++ {
		out = append(out, s[i]-s[i-1])
	}
	return out
}

func TestPresetsValid(t *testing.T) {
	for _, p := range []reference.Params{reference.RS(), reference.FS(), reference.IB(), reference.LTS()} {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
}

func TestValidateNamesField(t *testing.T) {
	p := reference.RS()
	p.GLeak = 0
	_, err := reference.New(p)
	if !errors.Is(err, reference.ErrParams) {
		t.Fatalf("err = %v, want ErrParams", err)
	}
	if want := "RS GLeak = 0"; !contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// The unit conversion of the doc comment: 100 pA into the in vitro RS cell
// (d = L = 61.4 µm) is 0.844 µA/cm²; its capacitance is 118.4 pF and its leak
// conductance 2.43 nS. The generic 96 µm cells have 289.5 pF and, with
// gleak = 0.1 mS/cm², 28.95 nS ("Rin = 34 Meg" in ModelDB's sPY_template).
func TestUnits(t *testing.T) {
	p := reference.RSInVitro()
	q := reference.RS()
	cases := []struct {
		name      string
		got, want float64
	}{
		{"area cm²", p.AreaCM2(), math.Pi * 61.4 * 61.4 * 1e-8},
		{"density of 100 pA", p.DensityFromPA(100), 0.8443},
		{"C pF", p.CapacitancePF(), 118.44},
		{"gleak nS", p.LeakConductanceNS(), 2.428},
		{"RS C pF", q.CapacitancePF(), 289.53},
		{"RS gleak nS", q.LeakConductanceNS(), 28.953},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-3*math.Abs(c.want) {
			t.Errorf("%s = %.5g, want %.5g", c.name, c.got, c.want)
		}
	}
}

// At rest the net ionic current vanishes, so V stays put without input;
// the resting potentials lie within 2.5 mV of Eleak (below it where I_M and
// I_Kd pull towards EK = −90 mV; LTS rests near −54 mV, its Eleak being
// −50 mV and its M current large against its leak).
func TestRestIsStationary(t *testing.T) {
	cases := []struct {
		c      *reference.Cell
		lo, hi float64 // mV
	}{
		{reference.NewRS(), -71, -70},
		{reference.NewFS(), -71, -69},
		{reference.NewIB(), -76, -75},
		{reference.NewLTS(), -56, -52},
		{reference.NewRSInVitro(), -73, -70},
	}
	for _, c := range cases {
		v0 := c.c.RestingPotential()
		if v0 < c.lo || v0 > c.hi {
			t.Errorf("%s: rest %.2f mV outside [%v, %v]", c.c.Params().Name, v0, c.lo, c.hi)
		}
		sp, v, err := c.c.Run(make([]float64, 5000), 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if len(sp) != 0 || math.Abs(v[len(v)-1]-v0) > 1e-6 {
			t.Errorf("%s: drifted from rest %.4f to %.4f mV (%d spikes)", c.c.Params().Name, v0, v[len(v)-1], len(sp))
		}
	}
}

// Regular-spiking pyramidal cells adapt: the interspike interval grows
// during a sustained step (Connors & Gutnick 1990; Pospischil et al. 2008
// model this with I_M). Fast-spiking interneurons fire at high rates with
// little adaptation (McCormick et al. 1985; the FS model has no I_M).
func TestRSAdaptsFSDoesNot(t *testing.T) {
	step := reference.Step(11000, 0.1, 100, 1100, 0)
	run := func(c *reference.Cell, amp float64) []float64 {
		for i := range step {
			step[i] = 0
			if tm := (float64(i) + 0.5) * 0.1; tm >= 100 && tm < 1100 {
				step[i] = amp
			}
		}
		s, err := c.Spikes(step, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rs := isis(run(reference.NewRS(), 1000))
	if len(rs) < 10 {
		t.Fatalf("RS fired %d spikes at 1 nA", len(rs)+1)
	}
	if r := rs[len(rs)-1] / rs[0]; r < 1.4 {
		t.Errorf("RS adaptation ratio last/first ISI = %.2f, want ≥ 1.4", r)
	}
	fs := isis(run(reference.NewFS(), 800))
	if len(fs) < 50 {
		t.Fatalf("FS fired %d spikes at 800 pA", len(fs)+1)
	}
	if r := fs[len(fs)-1] / fs[0]; r > 1.1 {
		t.Errorf("FS adaptation ratio = %.2f, want ≤ 1.1", r)
	}
	// FS cells reach > 100 Hz (McCormick et al. 1985): at 1 nA.
	f, err := reference.NewFS().FI([]float64{1000}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if f[0] < 100 {
		t.Errorf("FS rate at 1 nA = %.0f Hz, want > 100", f[0])
	}
}

// Intrinsically bursting cells open a step with a high-frequency burst and
// then fire much more slowly (Connors & Gutnick 1990); in the model the
// burst rides on the L-type Ca²⁺ current (without it the burst is gone).
// 700 pA is the step of Pospischil et al. 2008 Fig. 6a (0.7 nA) for this
// 96 µm cell.
func TestIBInitialBurst(t *testing.T) {
	I := reference.Step(11000, 0.1, 100, 1100, 700)
	s, err := reference.NewIB().Spikes(I, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	d := isis(s)
	if len(d) < 6 {
		t.Fatalf("IB fired %d spikes", len(s))
	}
	for k := 0; k < 4; k++ {
		if d[k] > 10 {
			t.Errorf("burst ISI %d = %.1f ms, want ≤ 10 (> 100 Hz)", k, d[k])
		}
	}
	if last := d[len(d)-1]; last < 3*d[0] {
		t.Errorf("late ISI %.1f ms not ≥ 3× first ISI %.1f ms", last, d[0])
	}
	p := reference.IB()
	p.GL = 0
	c, err := reference.New(p)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c.Spikes(I, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if d2 := isis(s2); len(d2) > 0 && d2[0] < 10 {
		t.Errorf("IB without I_L still bursts: ISIs %.1f", d2)
	}
}

// Low-threshold spiking cells fire a rebound burst when released from
// hyperpolarisation: I_T, inactivated at rest, recovers while the cell is
// hyperpolarised (de Lima & Singer 1986; Destexhe et al. 2001).
func TestLTSReboundBurst(t *testing.T) {
	I := reference.Step(15000, 0.1, 100, 600, -200)
	run := func(p reference.Params) []float64 {
		c, err := reference.New(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Spikes(I, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := run(reference.LTS())
	var rebound []float64
	for _, x := range s {
		if x < 600 {
			t.Errorf("spike at %.1f ms during hyperpolarisation", x)
		}
		if x >= 600 && x < 700 {
			rebound = append(rebound, x)
		}
	}
	if len(rebound) < 2 {
		t.Fatalf("rebound spikes within 100 ms of release: %v, want ≥ 2", rebound)
	}
	if d := rebound[1] - rebound[0]; d > 10 {
		t.Errorf("rebound ISI %.1f ms, want ≤ 10 (burst)", d)
	}
	p := reference.LTS()
	p.GT = 0
	if n := len(run(p)); n > 0 {
		t.Errorf("LTS without I_T fires %d rebound spikes", n)
	}
}

// Rheobase and f–I magnitudes of the cells, measured with 1 s steps. The
// generic 96 µm cells have the low input resistance of the paper's NEURON
// templates (≈ 34 MΩ) and need 0.4–0.8 nA, the amplitudes used in
// Pospischil et al. 2008 (Figs. 2, 6: 0.5–0.75 nA); the LTS and in vitro RS
// cells (≈ 180–400 MΩ) need tens of pA, as cortical neurons in slices
// (Connors & Gutnick 1990). Tonic rates at twice rheobase lie between a few
// and ~100 Hz (IB higher: its bursts). The f–I curve rises monotonically.
func TestRheobaseAndFI(t *testing.T) {
	cases := []struct {
		c          *reference.Cell
		rhLo, rhHi float64 // pA: silent at rhLo, fires at rhHi
		rh         float64 // pA, a value inside, for the f–I points
		fLo, fHi   float64 // Hz at 2·rh
	}{
		{reference.NewRS(), 500, 600, 551, 20, 80},
		{reference.NewFS(), 350, 420, 384, 60, 150},
		{reference.NewIB(), 540, 620, 582, 60, 160},
		{reference.NewLTS(), 30, 45, 37, 3, 20},
		{reference.NewRSInVitro(), 50, 65, 56, 5, 20},
	}
	for _, c := range cases {
		name := c.c.Params().Name
		amps := []float64{c.rhLo, c.rhHi, 1.5 * c.rh, 2 * c.rh, 3 * c.rh}
		f, err := c.c.FI(amps, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if f[0] != 0 || f[1] == 0 {
			t.Errorf("%s: rheobase not in [%v, %v] pA: f = %v Hz", name, c.rhLo, c.rhHi, f[:2])
		}
		if f[3] < c.fLo || f[3] > c.fHi {
			t.Errorf("%s: rate at %v pA = %.1f Hz outside [%v, %v]", name, amps[3], f[3], c.fLo, c.fHi)
		}
		for k := 2; k < len(f); k++ {
			if f[k] < f[k-1] {
				t.Errorf("%s: f–I not monotone: %v at %v pA", name, f, amps)
			}
		}
		t.Logf("%s: f(%v pA) = %v Hz", name, roundAll(amps), f)
	}
	// Rheobase bisection agrees with the bracket.
	rh, err := reference.NewFS().Rheobase(1000, 1000, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rh < 350 || rh > 425 {
		t.Errorf("FS Rheobase = %.0f pA, want in [350, 425]", rh)
	}
}

func roundAll(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Round(v)
	}
	return out
}

// Halving the internal step leaves the spike train unchanged: same count,
// times within 0.002 ms (RK4 is fourth order; at 0.01 ms its error is far
// below the sampling interval).
func TestStepHalvingAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	cases := []struct {
		p        reference.Params
		mean, sd float64 // pA, near rheobase so that the cell fires irregularly
	}{
		{reference.RS(), 550, 300},
		{reference.FS(), 420, 150},
		{reference.IB(), 550, 300},
		{reference.LTS(), 60, 30},
	}
	for _, tc := range cases {
		p := tc.p
		cell, err := reference.New(p)
		if err != nil {
			t.Fatal(err)
		}
		I, err := reference.OU(nil, 10000, 0.1, tc.mean, tc.sd, 5, rng)
		if err != nil {
			t.Fatal(err)
		}
		a, err := cell.Spikes(I, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		fine := *cell
		fine.MaxStepMS = 0.005
		b, err := fine.Spikes(I, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) || len(a) < 5 {
			t.Fatalf("%s: %d spikes at 0.01 ms, %d at 0.005 ms", p.Name, len(a), len(b))
		}
		worst := 0.0
		for i := range a {
			worst = math.Max(worst, math.Abs(a[i]-b[i]))
		}
		t.Logf("%s: %d spikes, max |Δt| = %.2g ms", p.Name, len(a), worst)
		if worst > 0.002 {
			t.Errorf("%s: spike times differ by up to %.4f ms", p.Name, worst)
		}
	}
}

func TestRunErrors(t *testing.T) {
	c := reference.NewRS()
	for _, tc := range []struct {
		name string
		I    []float64
		dt   float64
	}{
		{"empty", nil, 0.1},
		{"zero dt", []float64{0}, 0},
		{"NaN current", []float64{math.NaN()}, 0.1},
	} {
		if _, _, err := c.Run(tc.I, tc.dt); !errors.Is(err, reference.ErrInput) {
			t.Errorf("%s: err = %v, want ErrInput", tc.name, err)
		}
	}
}

// The OU generator is exact: stationary mean μ, s.d. σ, and autocorrelation
// e^{−lag/τ}. With 10⁶ samples at dt = 0.1 ms (10⁴ correlation times) the
// sampling s.d. of the mean is ≈ σ·√(2τ/T) ≈ 0.014σ.
func TestOUStatistics(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 0))
	const n, dt, mu, sd, tau = 1000000, 0.1, 50.0, 20.0, 5.0
	x, err := reference.OU(nil, n, dt, mu, sd, tau, rng)
	if err != nil {
		t.Fatal(err)
	}
	var m, v float64
	for _, xi := range x {
		m += xi
	}
	m /= n
	for _, xi := range x {
		v += (xi - m) * (xi - m)
	}
	v /= n
	lag := int(tau / dt)
	var c float64
	for i := 0; i+lag < n; i++ {
		c += (x[i] - m) * (x[i+lag] - m)
	}
	c /= float64(n-lag) * v
	if math.Abs(m-mu) > 0.06*sd {
		t.Errorf("mean %.2f, want %.2f", m, mu)
	}
	if math.Abs(math.Sqrt(v)-sd) > 0.05*sd {
		t.Errorf("s.d. %.2f, want %.2f", math.Sqrt(v), sd)
	}
	if math.Abs(c-math.Exp(-1)) > 0.03 {
		t.Errorf("autocorrelation at τ = %.3f, want %.3f", c, math.Exp(-1))
	}
	if _, err := reference.OU(nil, 10, 0.1, 0, 1, 5, nil); !errors.Is(err, reference.ErrInput) {
		t.Errorf("nil rng: err = %v", err)
	}
}

// ExampleNewRS drives the regular-spiking cell with a 1 nA step for one
// second: it fires with growing interspike intervals (adaptation by I_M).
func ExampleNewRS() {
	cell := reference.NewRS()
	current := reference.Step(10000, 0.1, 0, 1000, 1000) // pA, dt = 0.1 ms
	spikes, v, err := cell.Run(current, 0.1)
	if err != nil {
		panic(err)
	}
	fmt.Printf("rest %.1f mV, %d spikes, first at %.2f ms\n", v[0], len(spikes), spikes[0])
	fmt.Printf("first ISI %.1f ms, last ISI %.1f ms\n", spikes[1]-spikes[0], spikes[len(spikes)-1]-spikes[len(spikes)-2])
	// Output:
	// rest -70.4 mV, 37 spikes, first at 12.15 ms
	// first ISI 13.5 ms, last ISI 30.1 ms
}
