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
