package fit_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

func TestDetectSpikes(t *testing.T) {
	cases := []struct {
		name string
		v    []float64
		dt   float64
		want []float64
	}{
		{"none", []float64{-70, -60, -50}, 0.1, nil},
		{"one, interpolated", []float64{-70, -10, 30, 10, -60}, 0.5, []float64{0.5 + 0.5*10/40.0}},
		{"two, recrossing needed", []float64{-70, 10, 20, -5, 5, -70}, 1, []float64{70.0 / 80, 3.5}},
		{"at threshold counts", []float64{-1, 0}, 1, []float64{1}},
	}
	for _, c := range cases {
		got, err := fit.DetectSpikes(c.v, c.dt, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %v, want %v", c.name, got, c.want)
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s: spike %d at %v ms, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
	if _, err := fit.DetectSpikes([]float64{0, 1}, 0, 0); !errors.Is(err, fit.ErrInput) || !strings.Contains(err.Error(), "dt = 0") {
		t.Errorf("dt 0: err = %v", err)
	}
	if _, err := fit.DetectSpikes([]float64{0, math.NaN()}, 1, 0); !errors.Is(err, fit.ErrInput) || !strings.Contains(err.Error(), "v[1]") {
		t.Errorf("NaN: err = %v", err)
	}
}

// The spikes DetectSpikes finds in a reference cell's voltage are the
// cell's own (interpolated between 0.01 ms steps) to within a sample.
func TestDetectSpikesMatchesReference(t *testing.T) {
	c := reference.NewFS()
	in := reference.Step(5000, 0.1, 50, 450, 600)
	sp, v, err := c.Run(in, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fit.DetectSpikes(v, 0.1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sp) || len(sp) < 5 {
		t.Fatalf("%d spikes detected, cell fired %d", len(got), len(sp))
	}
	for i := range sp {
		if math.Abs(got[i]-sp[i]) > 0.1 {
			t.Errorf("spike %d: %.3f ms detected, %.3f ms fired", i, got[i], sp[i])
		}
	}
}

// Extra sweeps are scored and reported; a bad one is named.
func TestFitExtraSweeps(t *testing.T) {
	c := reference.NewFS()
	noiseIn := reference.Step(20000, 0.1, 0, 2000, 500)
	sp, err := c.Spikes(noiseIn, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	step := reference.Step(6000, 0.1, 100, 500, 800)
	spStep, err := c.Spikes(step, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	rec := fit.Recording{DT: 0.1, Current: noiseIn, Spikes: sp}
	extra := []fit.Recording{{DT: 0.1, Current: step, Spikes: spStep}}
	res, err := fit.Fit(rec, fit.Options{Train: fit.Window{StartMS: 0, EndMS: 2000}, MaxEvals: 40, Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Extra) != 1 || res.Extra[0].Coincidence.NData != len(spStep) {
		t.Fatalf("Extra scores %+v, want one with %d recorded spikes", res.Extra, len(spStep))
	}
	bad := []fit.Recording{extra[0], {DT: 0.1}}
	_, err = fit.Fit(rec, fit.Options{Train: fit.Window{StartMS: 0, EndMS: 2000}, MaxEvals: 40, Extra: bad})
	if !errors.Is(err, fit.ErrInput) || !strings.Contains(err.Error(), "Extra[1]") {
		t.Errorf("bad extra sweep: err = %v", err)
	}
}

// A model that fires so fast that Γ is undefined (2νΔ ≥ 1) scores Γ = 0
// instead of failing the evaluation.
func TestEvaluateRunawayModel(t *testing.T) {
	p := fit.InitialFromIV(fit.DynamicIV{C: 100, GL: 10, EL: -70, VT: -55, DeltaT: 2, VReset: -60})
	p.TRef, p.B, p.A = 0, 0, 0
	in := make([]float64, 10000)
	for i := range in {
		in[i] = 5000
	}
	rec := fit.Recording{DT: 0.1, Current: in, Spikes: []float64{100, 500}}
	sc, err := fit.Evaluate(p, rec, fit.Window{StartMS: 0, EndMS: 1000}, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sc.RateModel < 250 || sc.Gamma() != 0 {
		t.Errorf("model at %.0f Hz: Γ = %v, want 0 (rate above 250 Hz)", sc.RateModel, sc.Gamma())
	}
}

// The CMA-ES search is reproducible for a seed and improves on its start;
// an unknown optimizer is named in the error.
func TestFitCMAES(t *testing.T) {
	truth := fit.InitialFromIV(fit.DynamicIV{C: 200, GL: 10, EL: -70, VT: -50, DeltaT: 2, VReset: -60})
	truth.B, truth.TauW = 40, 150
	in := reference.Step(30000, 0.1, 0, 3000, 400)
	for i := range in {
		in[i] += 150 * math.Sin(float64(i)*0.01) * math.Sin(float64(i)*0.0037)
	}
	sp, _, err := fit.Simulate(truth, in, 0.1, 0.1, false)
	if err != nil {
		t.Fatal(err)
	}
	rec := fit.Recording{DT: 0.1, Current: in, Spikes: sp}
	o := fit.Options{Train: fit.Window{StartMS: 0, EndMS: 3000}, MaxEvals: 150, Seed: 7, Optimizer: fit.OptCMAES}
	a, err := fit.Fit(rec, o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fit.Fit(rec, o)
	if err != nil {
		t.Fatal(err)
	}
	if a.Params != b.Params {
		t.Errorf("same seed, different fits:\n%+v\n%+v", a.Params, b.Params)
	}
	start, err := fit.Evaluate(a.Initial, rec, o.Train, o)
	if err != nil {
		t.Fatal(err)
	}
	if a.GammaTrain <= start.Gamma() || a.Evals > 23*o.MaxEvals/8+18*fit.SettleEvals+len(fit.SpikesOnlyTauFactors)*(fit.MatchRateEvals+1)+40 {
		t.Errorf("Γ train %.3f from a start at %.3f in %d simulations", a.GammaTrain, start.Gamma(), a.Evals)
	}
	o.Optimizer = "simplex"
	if _, err := fit.Fit(rec, o); !errors.Is(err, fit.ErrInput) || !strings.Contains(err.Error(), `"simplex"`) {
		t.Errorf("unknown optimizer: err = %v", err)
	}
}
