package brain_test

import (
	"context"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// receptorPSP returns the PSP (mV, against an unstimulated twin) of a
// ReceptorLIF held at vHold by a DC current, for one spike of weight w nS
// into receptor rec at t = 10 ms, sampled every 0.1 ms for 600 ms.
func receptorPSP(t *testing.T, rec string, vHold, w float64) []float64 {
	t.Helper()
	m := &brain.ReceptorLIF{}
	pop, err := brain.NewModelPopulation("cells", 2, m)
	if err != nil {
		t.Fatal(err)
	}
	pop.V[0], pop.V[1] = vHold, vHold
	net := brain.NewNetwork(0.1, 1)
	src, err := brain.NewSpikeSourceArray("in", [][]float64{{9.9}})
	if err != nil {
		t.Fatal(err)
	}
	src.Inhibitory = rec == "GABA_A" || rec == "GABA_B"
	if src.Inhibitory {
		w = -w
	}
	if _, err := net.ConnectSource(src, pop, brain.FromList{Pairs: [][2]int{{0, 1}}}, brain.SynapseSpec{Weight: brain.Const(w), Delay: brain.Const(0.1), Receptor: rec}); err != nil {
		t.Fatal(err)
	}
	if err := net.Inject(pop, nil, brain.Proximal, brain.DCClamp{AmpPA: 25 * (vHold + 70)}); err != nil {
		t.Fatal(err)
	}
	sr, err := net.RecordState(pop, []int{0, 1}, []string{"V"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(context.Background(), 600, nil); err != nil {
		t.Fatal(err)
	}
	v0, _ := sr.Trace(0, "V")
	v1, _ := sr.Trace(1, "V")
	for k := range v1 {
		v1[k] -= v0[k]
	}
	return v1
}

// extremum returns the largest |x| and its sample index.
func extremum(x []float64) (float64, int) {
	best, at := 0.0, 0
	for k, v := range x {
		if math.Abs(v) > math.Abs(best) {
			best, at = v, k
		}
	}
	return best, at
}

// TestReceptorLIFReceptors: each of the four receptors of the built-in
// ReceptorLIF, targeted by name, gives a PSP of the right sign and speed,
// and the NMDA PSP grows with depolarisation by the Jahr–Stevens block:
// from −70 to −55 mV the NMDA PSP changes by B(−55)/B(−70) ≈ 2.37 times
// the factor of the AMPA PSP (the driving force and membrane cancel in
// the ratio of ratios; small weights, so the PSPs are linear), within 1 %.
func TestReceptorLIFReceptors(t *testing.T) {
	const w = 0.5
	psp := map[string][2]float64{}
	for _, c := range []struct {
		rec        string
		sign       float64
		minT, maxT float64 // time to the PSP peak after the spike (ms)
	}{
		{"AMPA", 1, 2, 15}, {"NMDA", 1, 10, 60}, {"GABA_A", -1, 2, 20}, {"GABA_B", -1, 100, 250},
	} {
		for k, vh := range []float64{-70, -55} {
			v := receptorPSP(t, c.rec, vh, w)
			peak, at := extremum(v)
			tPeak := float64(at+1)*0.1 - 10
			psp[c.rec] = func(a [2]float64) [2]float64 { a[k] = peak; return a }(psp[c.rec])
			t.Logf("%s at %v mV: PSP %.4f mV, peak %.1f ms after the spike", c.rec, vh, peak, tPeak)
			if vh == -70 && (c.rec == "GABA_A") {
				continue // at the GABA_A reversal potential: no PSP
			}
			if peak*c.sign <= 0 || tPeak < c.minT || tPeak > c.maxT {
				t.Errorf("%s at %v mV: PSP %.4g mV peaking %.1f ms after the spike, want sign %+v and %v–%v ms", c.rec, vh, peak, tPeak, c.sign, c.minT, c.maxT)
			}
		}
	}
	want := brain.MgBlock(-55, 1) / brain.MgBlock(-70, 1)
	got := (psp["NMDA"][1] / psp["NMDA"][0]) / (psp["AMPA"][1] / psp["AMPA"][0])
	t.Logf("NMDA/AMPA depolarisation ratio %.4f, B(−55)/B(−70) = %.4f", got, want)
	if math.Abs(got/want-1) > 0.01 {
		t.Errorf("NMDA PSP growth from −70 to −55 mV relative to AMPA: %.4f, want B(−55)/B(−70) = %.4f ± 1 %%", got, want)
	}
}
