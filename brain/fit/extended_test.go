package fit_test

import (
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
)

// ExtendedStarts offers the fast threshold component and the saturating
// increment only where they are new and (for WSat) where the cell adapts.
func TestExtendedStarts(t *testing.T) {
	p := adex() // B 40 pA, τw 150 ms
	got := fit.ExtendedStarts(p, 10, true)
	if len(got) != 4 {
		t.Fatalf("%d starts, want 2 threshold + 2 saturation", len(got))
	}
	for i, q := range got {
		if !q.Extended() || q.Validate() != nil {
			t.Errorf("start %d: Extended %v, Validate %v", i, q.Extended(), q.Validate())
		}
	}
	// WSat = k·B·max(1, τw·ν): 8 and 32 × 40 pA × 1.5
	if got[2].WSat != 8*40*1.5 || got[3].WSat != 32*40*1.5 || got[0].WSat != 0 || got[2].DeltaTheta2 != 0 {
		t.Errorf("starts %+v", got)
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
