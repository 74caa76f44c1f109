package plasticity_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/experiments"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// tmRecursion is the Tsodyks–Markram model written independently of the
// rule: u and x are integrated between spikes from their differential
// equations in closed form,
//
//	du/dt = (U − u)/τF   (u ≡ U without facilitation)
//	dx/dt = (1 − x)/τrec
//
// and at a spike u jumps by U·(1 − u⁻) (facilitation), the spike releases
// u⁺·x⁻, and x drops by that amount. It returns the release u⁺·x⁻ of each
// spike (times in ms, ascending, starting from rest).
func tmRecursion(U, tauRec, tauFac float64, times []float64) []float64 {
	out := make([]float64, len(times))
	u, x := 0.0, 1.0 // u before the jump: at rest u⁻ = 0 so that u⁺ = U
	if tauFac == 0 {
		u = U
	}
	for k, t := range times {
		if k > 0 {
			h := t - times[k-1]
			x = 1 - (1-x)*math.Exp(-h/tauRec)
			if tauFac > 0 {
				u = u * math.Exp(-h/tauFac) // relaxes to 0 between spikes (u⁻ form)
			}
		}
		up := U
		if tauFac > 0 {
			up = u + U*(1-u)
		}
		out[k] = up * x
		x -= up * x
		u = up
	}
	return out
}

// runSTP drives one probe cell through a TsodyksMarkram synapse of weight
// w (pA) with spikes at times (ms, on the grid) and returns the amplitude
// delivered by each spike.
func runSTP(t *testing.T, rule *plasticity.TsodyksMarkram, w float64, times []float64) []float64 {
	t.Helper()
	amps, err := experiments.STPResponses(rule, w, times)
	if err != nil {
		t.Fatal(err)
	}
	return amps
}

func poissonTimes(seed uint64, rateHz, durMS, dt float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	var ts []float64
	t := 5.0
	for {
		t += r.ExpFloat64() * 1000 / rateHz
		if t > durMS {
			return ts
		}
		g := math.Round(t/dt) * dt
		if len(ts) > 0 && g <= ts[len(ts)-1] {
			continue
		}
		ts = append(ts, g)
	}
}

func TestTsodyksMarkramMatchesRecursion(t *testing.T) {
	regular := make([]float64, 40) // 20 Hz, 2 s
	for k := range regular {
		regular[k] = 10 + 50*float64(k)
	}
	irregular := poissonTimes(2026, 20, 3000, 0.1)
	const w = 100.0 // pA
	for _, tc := range []struct {
		name  string
		rule  func() *plasticity.TsodyksMarkram
		train []float64
	}{
		{"depressing 20 Hz", plasticity.DepressingPyrPyr, regular},
		{"depressing Poisson", plasticity.DepressingPyrPyr, irregular},
		{"facilitating 20 Hz", plasticity.FacilitatingPyrInterneuron, regular},
		{"facilitating Poisson", plasticity.FacilitatingPyrInterneuron, irregular},
		{"parallel fibre 20 Hz", plasticity.FacilitatingParallelFibre, regular},
		{"parallel fibre Poisson", plasticity.FacilitatingParallelFibre, irregular},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.rule()
			got := runSTP(t, r, w, tc.train)
			want := tmRecursion(r.U, r.TauRecMS, r.TauFacMS, tc.train)
			if len(got) != len(want) {
				t.Fatalf("%d PSCs delivered, want %d", len(got), len(want))
			}
			worst := 0.0
			for k := range got {
				worst = max(worst, math.Abs(got[k]-w*want[k])/w)
			}
			if worst > 1e-9 {
				t.Errorf("worst |PSC − w·u·x|/w = %.3g, want ≤ 1e-9", worst)
			}
			t.Logf("%d spikes, worst relative error %.2g, PSC_n/PSC_1 from %.3f to %.3f", len(got), worst, got[1]/got[0], got[len(got)-1]/got[0])
		})
	}
}

// The presets behave as their synapses do: the pyramidal synapse
// depresses (the 5th PSC of a 20 Hz train below half the first), the
// facilitating ones grow (the 2nd above the 1st by at least 30 %).
func TestTsodyksMarkramPresetsShape(t *testing.T) {
	train := []float64{10, 60, 110, 160, 210}
	dep := runSTP(t, plasticity.DepressingPyrPyr(), 1, train)
	if r := dep[4] / dep[0]; !(r < 0.5) {
		t.Errorf("depressing: PSC5/PSC1 = %.3f, want < 0.5", r)
	}
	for _, f := range []func() *plasticity.TsodyksMarkram{plasticity.FacilitatingPyrInterneuron, plasticity.FacilitatingParallelFibre} {
		fac := runSTP(t, f(), 1, train)
		if r := fac[1] / fac[0]; !(r > 1.3) {
			t.Errorf("%+v: PSC2/PSC1 = %.3f, want > 1.3", *f(), r)
		}
	}
}

func TestTsodyksMarkramValidate(t *testing.T) {
	for _, bad := range []plasticity.TsodyksMarkram{
		{U: 0, TauRecMS: 100}, {U: 1.5, TauRecMS: 100}, {U: 0.5, TauRecMS: 0},
		{U: 0.5, TauRecMS: 100, TauFacMS: -1}, {U: 0.5, TauRecMS: math.Inf(1)},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
