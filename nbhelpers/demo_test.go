package nbhelpers

import (
	"math"
	"testing"
)

// The gallery's synthetic data have the properties notebook 01 states.
func TestDemoData(t *testing.T) {
	pops := DemoMillionSpikes()
	if n := len(pops[0].TimesMS) + len(pops[1].TimesMS); n != 1_000_000 || len(pops[0].TimesMS) != 700_000 {
		t.Errorf("million spikes: %d total, %d from E", n, len(pops[0].TimesMS))
	}
	tm, v, w, th, spikes := DemoAdapting()
	if len(tm) != 5000 || len(v) != 3 {
		t.Fatalf("adapting: %d samples, %d cells", len(tm), len(v))
	}
	for k, sk := range spikes {
		var isi []float64
		for i := 1; i < len(sk); i++ {
			if sk[i] < 450 {
				isi = append(isi, sk[i]-sk[i-1])
			}
		}
		wMax, thMax := math.Inf(-1), math.Inf(-1)
		for i := range w[k] {
			wMax, thMax = max(wMax, w[k][i]), max(thMax, th[k][i])
		}
		if len(isi) < 3 || isi[len(isi)-1] <= isi[0] || wMax <= 0 || thMax <= -50 {
			t.Errorf("cell %d does not adapt: ISIs %v, w max %.1f, θ max %.1f", k, isi, wMax, thMax)
		}
	}
	for _, cv := range DemoFICurves() {
		for i, iPA := range cv.CurrentPA {
			if iPA <= 200 && cv.RateHz[i] != 0 || iPA > 220 && cv.RateHz[i] <= cv.RateHz[i-1] {
				t.Errorf("%s at %.0f pA: %.2f Hz", cv.Label, iPA, cv.RateHz[i])
			}
		}
	}
	// ∫ window = A+τ+ − A−τ− = 0.005·20·(1 − 1.05) = −0.005 ms.
	integral := 0.0
	for dt := -400.0; dt < 400; dt += 0.01 {
		integral += DemoSTDPWindow(dt+0.005) * 0.01
	}
	if math.Abs(integral+0.005) > 1e-5 {
		t.Errorf("STDP window integral %.6f, want −0.005", integral)
	}
	before, after, evo, win := DemoPlasticity()
	if len(before) != 5000 || len(after) != 5000 || len(evo.Values) != 6 || len(win.DeltaTMS) != 41 {
		t.Errorf("plasticity sizes %d %d %d %d", len(before), len(after), len(evo.Values), len(win.DeltaTMS))
	}
	m, err := DemoConnectivity()
	if err != nil || m.Rows != 250 || m.Cols != 250 {
		t.Errorf("connectivity %d×%d, %v", m.Rows, m.Cols, err)
	}
}
