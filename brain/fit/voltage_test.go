package fit_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

// A model scored against its own recording follows it exactly between
// spikes (VoltageRMS = 0 up to rounding); a shifted leak reversal shows as
// a voltage error of the order of the shift.
func TestVoltageRMS(t *testing.T) {
	rec := synthetic(t, 3000, 4)
	w := fit.Window{StartMS: 0, EndMS: 3000}
	s, err := fit.Evaluate(adex(), rec, w, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !(s.VoltageRMS <= 1e-9) || s.Gamma() != 1 { // (NaN fails too)
		t.Errorf("own model: voltage RMS %g mV, Γ %v; want 0 and 1", s.VoltageRMS, s.Gamma())
	}
	p := adex()
	p.EL += 1
	// Up to 5 ms before the third recorded spike, where the shifted model
	// still fires the same spikes (over the whole 3 s they drift apart, Γ
	// 0.69, and the after-spike trajectories differ by far more than the
	// shift: 2.2 mV).
	early := fit.Window{StartMS: 0, EndMS: rec.Spikes[2] - 5}
	s, err = fit.Evaluate(p, rec, early, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A 1 mV shift of EL moves the subthreshold voltage by up to
	// GL/(GL + a) · 1 mV = 0.83 mV in steady state, less where spikes and
	// adaptation intervene.
	if !(s.VoltageRMS >= 0.3 && s.VoltageRMS <= 1.2) { // (NaN fails too)
		t.Errorf("EL + 1 mV: voltage RMS %.3f mV, want 0.3–1.2", s.VoltageRMS)
	}
	rec.Voltage = nil
	s, err = fit.Evaluate(adex(), rec, w, fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(s.VoltageRMS) {
		t.Errorf("no voltage: VoltageRMS = %v, want NaN", s.VoltageRMS)
	}
}

// The regression finds a spike-triggered moving threshold where the cell
// has one (here; TestEstimatesRecoverAdEx checks that it keeps the
// threshold fixed where the cell has none).
func TestRegressionMovingThreshold(t *testing.T) {
	for _, c := range []struct {
		dTheta, tauTheta float64
	}{{2, 20}} {
		p := adex()
		p.DeltaTheta, p.TauTheta = c.dTheta, c.tauTheta
		rec := syntheticP(t, p, 8000, 5)
		w := fit.Window{StartMS: 0, EndMS: 8000}
		iv, err := fit.EstimateDynamicIV(rec.Voltage, rec.Current, rec.DT, rec.Spikes, w, fit.IVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		st, err := fit.EstimateSubthreshold(rec.Voltage, rec.Current, rec.DT, rec.Spikes, w, iv.VT, iv.DeltaT, fit.RegressOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("truth Δθ %v τθ %v: Δθ %v τθ %v, residual %.4f (fixed threshold %.4f) mV/ms", c.dTheta, c.tauTheta, st.DeltaTheta, st.TauTheta, st.RMSResidual, st.RMSFixedThreshold)
		if st.DeltaTheta != c.dTheta || (c.dTheta > 0 && st.TauTheta != c.tauTheta) {
			t.Errorf("truth Δθ %v mV, τθ %v ms: estimated %v mV, %v ms", c.dTheta, c.tauTheta, st.DeltaTheta, st.TauTheta)
		}
	}
}

// Under zero-mean, strongly fluctuating current the voltage spends long
// stretches far below rest, where the dynamic I–V curve is large and
// positive; the exponential fit must still find the spike-initiation zone
// (Pospischil FS cell: the threshold of the exponential near −50 mV), not
// stop at the most hyperpolarised bin.
func TestDynamicIVZeroMeanCurrent(t *testing.T) {
	c := reference.NewFS()
	in, err := reference.OU(nil, 40000, 0.1, 0, 900, 5, rand.New(rand.NewPCG(3, 0)))
	if err != nil {
		t.Fatal(err)
	}
	sp, v, err := c.Run(in, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if len(sp) < 20 {
		t.Fatalf("FS fired %d spikes in 4 s", len(sp))
	}
	iv, err := fit.EstimateDynamicIV(v, in, 0.1, sp, fit.Window{StartMS: 0, EndMS: 4000}, fit.IVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if iv.VBins[0] > -100 {
		t.Fatalf("lowest voltage bin %.1f mV: the input did not hyperpolarise the cell", iv.VBins[0])
	}
	if iv.VT < -58 || iv.VT > -44 || math.Abs(iv.EL+70) > 2 {
		t.Errorf("VT = %.1f mV (want −58…−44), EL = %.1f mV (want −70 ± 2)", iv.VT, iv.EL)
	}
}
