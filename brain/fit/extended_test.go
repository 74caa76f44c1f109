package fit_test

import (
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
)

// ExtendedStarts offers the fast threshold component (also with a short
// refractory period in place of a longer one) and the saturating
// increment only where they are new and (for WSat) where the cell adapts.
func TestExtendedStarts(t *testing.T) {
	p := adex() // B 40 pA, τw 150 ms, TRef 2 ms
	got := fit.ExtendedStarts(p, 10, true)
	if len(got) != 6 {
		t.Fatalf("%d starts, want 2 threshold + 2 threshold with TRef %v ms + 2 saturation", len(got), fit.ExtendedRefractoryMS)
	}
	for i, q := range got {
		if !q.Extended() || q.Validate() != nil {
			t.Errorf("start %d: Extended %v, Validate %v", i, q.Extended(), q.Validate())
		}
	}
	for i, q := range got[:4] {
		wantTRef := p.TRef
		if i >= 2 {
			wantTRef = fit.ExtendedRefractoryMS
		}
		if q.DeltaTheta2 != got[i%2].DeltaTheta2 || q.TauTheta2 != got[i%2].TauTheta2 || q.TRef != wantTRef || q.WSat != 0 {
			t.Errorf("threshold start %d: Δθ2 %v τθ2 %v TRef %v WSat %v", i, q.DeltaTheta2, q.TauTheta2, q.TRef, q.WSat)
		}
	}
	// WSat = k·B·max(1, τw·ν): 8 and 32 × 40 pA × 1.5
	if got[4].WSat != 8*40*1.5 || got[5].WSat != 32*40*1.5 || got[4].DeltaTheta2 != 0 || got[4].TRef != p.TRef {
		t.Errorf("saturation starts %+v", got[4:])
	}
	q := p
	q.TRef = fit.ExtendedRefractoryMS
	if n := len(fit.ExtendedStarts(q, 10, true)); n != 4 {
		t.Errorf("refractory period already short: %d starts, want 4", n)
	}
	if n := len(fit.ExtendedStarts(p, 10, false)); n != 2 {
		t.Errorf("without the threshold: %d starts, want 2", n)
	}
	p.B = 0
	if n := len(fit.ExtendedStarts(p, 10, false)); n != 0 {
		t.Errorf("no adaptation, no threshold: %d starts, want 0", n)
	}
	p.DeltaTheta2, p.TauTheta2 = 3, 2
	if n := len(fit.ExtendedStarts(p, 10, true)); n != 0 {
		t.Errorf("θ2 already in use: %d starts, want 0", n)
	}
}
