package validate_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/fit/validate"
)

// testdata is the repository's top-level testdata directory.
var testdata = filepath.Join("..", "..", "..", "testdata")

func readStored(t *testing.T) validate.Stored {
	t.Helper()
	s, err := validate.ReadStored(filepath.Join(testdata, "validation.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The stored suite results cover exactly the family this code defines
// (so they cannot be stale after a change of the family), and their
// summary and f–I errors follow from the per-protocol numbers.
func TestStoredResults(t *testing.T) {
	s := readStored(t)
	fam := validate.Family(validate.DefaultTuning, validate.DefaultHeldOut)
	if len(s.Results) != len(fam) || s.Protocols != len(fam) {
		t.Fatalf("%d stored results, the family has %d protocols", len(s.Results), len(fam))
	}
	byID := map[string]validate.Result{}
	for _, r := range s.Results {
		byID[r.Protocol.ID] = r
	}
	for _, p := range fam {
		r, ok := byID[p.ID]
		if !ok || r.Protocol != p {
			t.Errorf("protocol %s: stored %+v, family %+v", p.ID, r.Protocol, p)
			continue
		}
		want := 2
		if p.Simulator == validate.SimBrian2 {
			want = 3
		}
		if len(r.Ceilings) != want {
			t.Errorf("%s: %d ceilings, want %d", p.ID, len(r.Ceilings), want)
		}
		fi, err := fit.FIError(r.FIRef, r.FIModel)
		if err != nil || math.Abs(fi-r.FIError) > 1e-12 {
			t.Errorf("%s: stored f–I error %v, recomputed %v (%v)", p.ID, r.FIError, fi, err)
		}
		if !(r.GammaTest <= 1) || !(r.GammaTrain <= 1) || r.RateError < 0 {
			t.Errorf("%s: Γ train %v, test %v, rate error %v", p.ID, r.GammaTrain, r.GammaTest, r.RateError)
		}
	}
	sum := validate.Summarise(s.Results)
	if len(sum) != len(s.Summary) {
		t.Fatalf("%d stored summary rows, recomputed %d", len(s.Summary), len(sum))
	}
	for i := range sum {
		if sum[i] != s.Summary[i] {
			t.Errorf("summary row %d: stored %+v, recomputed %+v", i, s.Summary[i], sum[i])
		}
	}
}

// A short live fit on stored Brian2 data (an integrator and spike
// detection independent of brain/reference): the FS cell in the
// fluctuation-driven issue protocol, with a fifth of the default search.
// The bound is below the suite's full-budget number (testdata) by the
// loss measured for the reduced search.
func TestBrian2QuickFit(t *testing.T) {
	var p validate.Protocol
	for _, q := range validate.Family(validate.DefaultTuning, validate.DefaultHeldOut) {
		if q.ID == "issue-brian2-FS-fluc" {
			p = q
		}
	}
	d, err := validate.LoadBrian2(p, filepath.Join(testdata, "brian2"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Recording.Spikes); n < 150 || n > 250 {
		t.Fatalf("Brian2 FS fired %d spikes in 20 s, protocol wants about 200", n)
	}
	r, err := validate.Run(d, validate.Options{Fit: fit.Options{Seed: 1, MaxEvals: 120}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Γ train %.3f test %.3f, rate error %.1f %%, f–I error %.1f %%, %d sims, %.1f s",
		r.GammaTrain, r.GammaTest, 100*r.RateError, 100*r.FIError, r.Evals, r.FitSeconds)
	if r.GammaTest < quickGammaFS {
		t.Errorf("Γ test %.3f < %.2f", r.GammaTest, quickGammaFS)
	}
	if r.FIError > quickFIFS {
		t.Errorf("f–I error %.3f > %.2f", r.FIError, quickFIFS)
	}
}

// Bounds of TestBrian2QuickFit.
const (
	quickGammaFS = 0.93
	quickFIFS    = 0.08
)
