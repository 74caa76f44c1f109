package fit

import (
	"math"
	"testing"
)

// The rate error of an extra sweep is taken relative to its recorded rate
// or, if that is lower, to the mean recorded rate of the sweeps: a model
// silent on a sweep of 8 recorded spikes and on one of 72 (mean 40) pays
// RatePenalty·(8/40)² and RatePenalty·(72/72)², not (8/8)² and (72/72)².
func TestExtraObjectiveRateRelativeToMean(t *testing.T) {
	o := Options{FIWeight: -1}.withDefaults()
	n := int(1000 / o.SimDT) // 1 s at rest: the model stays silent
	train := func(k int) []float64 {
		var s []float64
		for i := range k {
			s = append(s, (float64(i)+0.5)*1000/float64(k))
		}
		return s
	}
	extras := []extraSweep{
		{in: make([]float64, n), spikes: train(8), w: Window{0, 1000}},
		{in: make([]float64, n), spikes: train(72), w: Window{0, 1000}},
	}
	var s sim
	if err := s.init(initialDefault(), o.SimDT); err != nil {
		t.Fatal(err)
	}
	scores, err := scoreExtra(o, &s, extras)
	if err != nil {
		t.Fatal(err)
	}
	for i, sc := range scores {
		if sc.RateModel != 0 {
			t.Fatalf("sweep %d: the model at rest fired at %v Hz", i, sc.RateModel)
		}
	}
	got, err := extraObjective(&s, o, extras)
	if err != nil {
		t.Fatal(err)
	}
	rp := o.RatePenalty
	want := (-scores[0].Gamma() + rp*0.2*0.2 - scores[1].Gamma() + rp*1) / 2
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("objective %v, want %v (a rate error relative to its own rate would give %v)", got, want,
			(-scores[0].Gamma()+rp-scores[1].Gamma()+rp)/2)
	}
	// The f–I term: a silent model misses every recorded Hz, an f–I
	// error of 1, weighed by FIWeight.
	o.FIWeight = 2.5
	withFI, err := extraObjective(&s, o, extras)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(withFI-(want+2.5)) > 1e-12 {
		t.Errorf("with FIWeight 2.5: objective %v, want %v", withFI, want+2.5)
	}
}

// With SweepGammaMS the Γ of a sweep covers only its first SweepGammaMS;
// the rate error still covers the whole sweep. A recorded train that
// matches the model's spike for spike in the first 300 ms and is shifted
// by 5 ms after it scores Γ 1 there (Γ of the whole sweep below 1); a
// window before the first spike of either train takes Γ as 1, which
// leaves the rate term alone; 0, or a window at least as long as the
// sweep, is the whole sweep as before.
func TestSweepGammaWindow(t *testing.T) {
	o := Options{FIWeight: -1}.withDefaults()
	p := initialDefault()
	n := int(1200 / o.SimDT)
	in := make([]float64, n)
	for i := int(100 / o.SimDT); i < int(1100/o.SimDT); i++ {
		in[i] = 3 * p.GL * (p.VT - p.EL) // three times the threshold current
	}
	var s sim
	if err := s.init(p, o.SimDT); err != nil {
		t.Fatal(err)
	}
	model, err := s.run(in, 0, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(model) < 10 || model[0] < 100 {
		t.Fatalf("the model fired %d spikes, first at %v ms: want a regular train on the step", len(model), model)
	}
	var rec []float64
	for _, x := range model {
		if x >= 300 {
			x += 5
		}
		rec = append(rec, x)
	}
	rec = append(rec, 1110) // one spike more than the model, after the step
	extras := []extraSweep{{in: in, spikes: rec, w: Window{0, 1200}}}
	whole, err := scoreExtra(o, &s, extras)
	if err != nil {
		t.Fatal(err)
	}
	g := whole[0].Gamma()
	if !(g < 0.9) {
		t.Fatalf("Γ over the whole sweep %v: want the shifted part to lower it", g)
	}
	r := (whole[0].RateModel - whole[0].RateData) / whole[0].RateData
	pen := o.RatePenalty * r * r
	if !(pen > 0) {
		t.Fatalf("rate penalty %v: want the extra spike to count", pen)
	}
	for _, c := range []struct {
		ms, wantGamma float64
	}{{0, g}, {1200, g}, {5000, g}, {300, 1}, {50, 1}} {
		oo := o
		oo.SweepGammaMS = c.ms
		got, err := extraObjective(&s, oo, extras)
		if err != nil {
			t.Fatal(err)
		}
		if want := -c.wantGamma + pen; math.Abs(got-want) > 1e-12 {
			t.Errorf("SweepGammaMS %v: objective %v, want %v", c.ms, got, want)
		}
	}
}
