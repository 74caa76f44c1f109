package explore

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestRunCellErrorsNameTheField(t *testing.T) {
	base := DefaultCell("pyramidal")
	cases := []struct {
		field string
		edit  func(p *CellParams)
	}{
		{"cell type", func(p *CellParams) { p.Type = "astrocyte" }},
		{"CurrentPA", func(p *CellParams) { p.CurrentPA = math.NaN() }},
		{"DistalPA", func(p *CellParams) { p.DistalPA = 2e5 }},
		{"Adaptation", func(p *CellParams) { p.Adaptation = -1 }},
		{"DurationMS", func(p *CellParams) { p.DurationMS = 10 }},
		{"OnsetMS", func(p *CellParams) { p.OnsetMS = 600 }},
		{"MaxPoints", func(p *CellParams) { p.MaxPoints = 3 }},
	}
	for _, c := range cases {
		p := base
		c.edit(&p)
		_, err := RunCell(p)
		if err == nil || !strings.Contains(err.Error(), c.field) || !strings.HasPrefix(err.Error(), "explore: ") {
			t.Errorf("%s: err = %v, want an explore error naming %q", c.field, err, c.field)
		}
	}
}

// More current never gives fewer spikes, for every cell type, at the soma and at the dendrite
// (currents in multiples of each type's rheobase, which spans 6 pA to 3.6 nA).
func TestRunCellMonotoneInCurrent(t *testing.T) {
	for _, ty := range CellTypes {
		q, _ := Preset(ty)
		for _, distal := range []bool{false, true} {
			prev := -1
			for _, x := range []float64{0, 0.5, 0.9, 1.1, 1.5, 2, 3, 4} {
				i := x * q.Rheobase()
				p := DefaultCell(ty)
				p.CurrentPA, p.DistalPA = 0, 0
				if distal {
					p.DistalPA = i
				} else {
					p.CurrentPA = i
				}
				r, err := RunCell(p)
				if err != nil {
					t.Fatal(err)
				}
				if r.Spikes < prev {
					t.Errorf("%s distal=%v: %g pA gives %d spikes, fewer than %d at the previous current", ty, distal, i, r.Spikes, prev)
				}
				prev = r.Spikes
			}
			if prev == 0 {
				t.Errorf("%s distal=%v: silent even at 4 × rheobase", ty, distal)
			}
		}
	}
}

func TestRunCellClaims(t *testing.T) {
	run := func(p CellParams) *CellResult {
		t.Helper()
		r, err := RunCell(p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Purkinje cells are pacemakers: they fire with no input at all.
	pk := DefaultCell("purkinje")
	pk.CurrentPA = 0
	if r := run(pk); r.RateHz < 20 {
		t.Errorf("purkinje without input: %.1f spikes/s, want a pacemaker rate ≥ 20", r.RateHz)
	}
	// The pyramidal dendrite attenuates: the same current fires the cell less from the dendrite.
	for _, i := range []float64{1200, 1600, 2400} {
		prox, dist := DefaultCell("pyramidal"), DefaultCell("pyramidal")
		prox.CurrentPA = i
		dist.CurrentPA, dist.DistalPA = 0, i
		if a, b := run(prox).Spikes, run(dist).Spikes; !(b < a) {
			t.Errorf("pyramidal %g pA: distal %d spikes, proximal %d; want distal < proximal", i, b, a)
		}
	}
	// Removing adaptation raises the rate of the adapting pyramidal cell.
	for _, i := range []float64{1200, 2000} {
		with, without := DefaultCell("pyramidal"), DefaultCell("pyramidal")
		with.CurrentPA, without.CurrentPA, without.Adaptation = i, i, 0
		if a, b := run(with).Spikes, run(without).Spikes; !(b > a) {
			t.Errorf("pyramidal %g pA: %d spikes without adaptation, %d with; want more without", i, b, a)
		}
	}
}

func TestRunCellResultShape(t *testing.T) {
	p := DefaultCell("generic")
	p.MaxPoints = 500
	r, err := RunCell(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Steps != 5000 || len(r.T) != len(r.V) || len(r.T) > 500 || len(r.T) < 250 {
		t.Fatalf("steps %d, len(T) %d, len(V) %d; want 5000 steps and 250–500 samples", r.Steps, len(r.T), len(r.V))
	}
	if r.Spikes != len(r.SpikeTimesMS) || r.Spikes == 0 {
		t.Fatalf("Spikes %d, %d spike times", r.Spikes, len(r.SpikeTimesMS))
	}
	if !slices.IsSorted(r.T) {
		t.Error("trace times not sorted")
	}
	again, _ := RunCell(p)
	if !slices.Equal(again.SpikeTimesMS, r.SpikeTimesMS) || !slices.Equal(again.V, r.V) {
		t.Error("two runs with the same parameters differ")
	}
}

func TestMinMaxKeepsExtremes(t *testing.T) {
	for _, n := range []int{10, 1000, 9999} {
		tt, v := make([]float64, n), make([]float64, n)
		for i := range v {
			tt[i] = float64(i)
			v[i] = math.Sin(float64(i)*0.37) + 0.001*float64(i%7)
		}
		for _, m := range []int{4, 100, 2000} {
			rt, rv := MinMax(tt, v, m)
			if len(rt) != len(rv) || len(rt) > max(m, min(n, m)) && len(rt) > n {
				t.Fatalf("n=%d m=%d: %d samples", n, m, len(rt))
			}
			if n > m && len(rt) > m {
				t.Errorf("n=%d m=%d: %d samples > %d", n, m, len(rt), m)
			}
			if slices.Max(rv) != slices.Max(v) || slices.Min(rv) != slices.Min(v) {
				t.Errorf("n=%d m=%d: extremes lost", n, m)
			}
			if !slices.IsSorted(rt) {
				t.Errorf("n=%d m=%d: times out of order", n, m)
			}
		}
	}
}

func TestRunNetErrorsNameTheField(t *testing.T) {
	cases := []struct {
		field string
		edit  func(p *NetParams)
	}{
		{"G", func(p *NetParams) { p.G = -1 }},
		{"Eta", func(p *NetParams) { p.Eta = math.NaN() }},
		{"NE", func(p *NetParams) { p.NE = 10 }},
		{"DurationMS", func(p *NetParams) { p.DurationMS = 1e6 }},
		{"RasterCells", func(p *NetParams) { p.RasterCells = 5000 }},
		{"BinMS", func(p *NetParams) { p.BinMS = 0.01 }},
	}
	for _, c := range cases {
		p := DefaultNet()
		c.edit(&p)
		_, err := RunNet(p)
		if err == nil || !strings.Contains(err.Error(), "NetParams."+c.field) {
			t.Errorf("%s: err = %v, want an error naming NetParams.%s", c.field, err, c.field)
		}
	}
}

// Brunel's synchronous regular state (g = 3: excitation dominates) against the
// inhibition-dominated asynchronous irregular one (g = 5), for three seeds: SR fires
// faster, more regularly and more synchronously.
func TestRunNetStates(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		sr, ai := DefaultNet(), DefaultNet()
		sr.G, sr.Seed, ai.Seed = 3, seed, seed
		sr.DurationMS, ai.DurationMS = 300, 300
		a, err := RunNet(sr)
		if err != nil {
			t.Fatal(err)
		}
		b, err := RunNet(ai)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d: SR %s", seed, a.Summary())
		t.Logf("seed %d: AI %s", seed, b.Summary())
		if !(a.RateE > 2*b.RateE && a.CV < 0.3 && b.CV > 0.5 && a.Synchrony > 2*b.Synchrony) {
			t.Errorf("seed %d: SR (rate %.1f, CV %.2f, χ %.3f) vs AI (rate %.1f, CV %.2f, χ %.3f): want SR faster ×2, CV < 0.3 < 0.5 < AI's, χ ×2",
				seed, a.RateE, a.CV, a.Synchrony, b.RateE, b.CV, b.Synchrony)
		}
		for _, r := range []*NetResult{a, b} {
			if r.Spikes != r.SpikesE+r.SpikesI || len(r.RasterT) != len(r.RasterN) || len(r.RasterT) > r.SpikesE {
				t.Errorf("inconsistent counts: %d = %d + %d, raster %d/%d", r.Spikes, r.SpikesE, r.SpikesI, len(r.RasterT), len(r.RasterN))
			}
			if len(r.Rate) != 300 || len(r.RateT) != 300 {
				t.Errorf("rate has %d bins, want 300", len(r.Rate))
			}
		}
	}
	p := DefaultNet()
	p.DurationMS = 100
	x, _ := RunNet(p)
	y, _ := RunNet(p)
	if x.Spikes != y.Spikes || !slices.Equal(x.RasterT, y.RasterT) {
		t.Error("same seed, different spikes")
	}
}
