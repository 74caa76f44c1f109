package brain

import (
	"slices"
	"testing"
)

// The extended terms (Params.Extended) change what they should and are
// checkpointed: a saturating increment keeps W below WSat (A = 0, so only
// spikes move W up) and lets the cell fire faster at a strong current than
// the fixed increment; the second threshold component lengthens the
// intervals; a population with θ2 saved and restored part-way continues
// exactly as the uninterrupted one, and a checkpoint without θ2 restores
// it to rest.
func TestGeneralizedExtendedTerms(t *testing.T) {
	base := Pyramidal()
	base.A = 0
	run := func(p Params, pop *Population, k0, k1 int, iext float64) (spikes []int64, wMax float64) {
		if pop == nil {
			pop = mustPop(t, 1, p, 0.1)
		}
		for k := k0; k < k1; k++ {
			pop.IExt[0] = iext
			sp, err := pop.Step(int64(k))
			if err != nil {
				t.Fatal(err)
			}
			if len(sp) > 0 {
				spikes = append(spikes, int64(k))
			}
			wMax = max(wMax, pop.W[0])
		}
		return spikes, wMax
	}
	iext := 3 * base.Rheobase()
	fixed, wFixed := run(base, nil, 0, 10000, iext)
	sat := base
	sat.WSat = 2 * base.B
	if !sat.Extended() || base.Extended() {
		t.Fatalf("Extended: %v with WSat, %v without", sat.Extended(), base.Extended())
	}
	satSp, wSat := run(sat, nil, 0, 10000, iext)
	t.Logf("1 s at %.0f pA: %d spikes (max W %.0f pA) with W + B, %d (max W %.0f pA) with WSat = %.0f pA", iext, len(fixed), wFixed, len(satSp), wSat, sat.WSat)
	if !(wSat <= sat.WSat) || !(wFixed > sat.WSat) || !(len(satSp) > len(fixed)) {
		t.Errorf("saturation: max W %.1f (WSat %.1f, fixed increment %.1f), spikes %d vs %d", wSat, sat.WSat, wFixed, len(satSp), len(fixed))
	}

	mat := base
	mat.DeltaTheta2, mat.TauTheta2 = 5, 20
	matSp, _ := run(mat, nil, 0, 10000, iext)
	if !(len(matSp) < len(fixed)) || len(matSp) < 5 {
		t.Errorf("θ2: %d spikes, %d without", len(matSp), len(fixed))
	}

	// checkpoint part-way: the continuation is identical
	mat.WSat = 3 * base.B
	a := mustPop(t, 1, mat, 0.1)
	run(mat, a, 0, 5003, iext)
	th2 := a.Model().(*GeneralizedNeuron).Theta2()[0]
	blob, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := run(mat, a, 5003, 10000, iext)
	b := mustPop(t, 1, mat, 0.1)
	if err := b.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	if got := b.Model().(*GeneralizedNeuron).Theta2()[0]; got != th2 || th2 == 0 {
		t.Fatalf("restored θ2 = %v, saved %v", got, th2)
	}
	got, _ := run(mat, b, 5003, 10000, iext)
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("after restore %d spikes %v…, uninterrupted %d", len(got), got[:min(3, len(got))], len(want))
	}
	// a checkpoint without θ2 (its parameter set has none) puts θ2 at rest
	plain, err := mustPop(t, 1, base, 0.1).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalBinary(plain); err != nil {
		t.Fatal(err)
	}
	if got := b.Model().(*GeneralizedNeuron).Theta2()[0]; got != 0 {
		t.Errorf("θ2 after a checkpoint without it: %v", got)
	}
}
