package fit_test

import (
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
)

// smallCell is a non-adapting soma half the size of the default start
// (brain.Pyramidal: C 281 pF, GL 30 nS, τm 9.4 ms) with a shorter membrane
// time constant (6.5 ms), like the fast-spiking cell of Pospischil et al.
// (2008), whose 67 µm cylinder has C 141 pF and gleak 21 nS.
func smallCell() brain.Params {
	p := adex()
	p.Name = "small"
	p.C, p.GL, p.EL = 130, 20, -70
	p.VT, p.DeltaT = -52, 1.5
	p.VReset, p.TRef = -62, 1.5
	p.A, p.B = 0, 0
	return p
}

// Without a voltage trace nothing tells the fit the size of the membrane.
// Fit rescales the default soma until it fires at the recorded rate, at
// three membrane time constants, and starts from the best: a cell half the
// default size is then fitted on spikes alone.
func TestSpikesOnlyStartMatchesScale(t *testing.T) {
	rec := syntheticP(t, smallCell(), 12000, 5)
	rec.Voltage = nil
	o := fit.Options{Train: fit.Window{StartMS: 0, EndMS: 8000}, Test: fit.Window{StartMS: 8000, EndMS: 12000}, Seed: 1, MaxEvals: 200}
	res, err := fit.Fit(rec, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d spikes; start C %.0f pF GL %.1f nS; fit Γ train %.3f test %.3f, C %.0f pF GL %.1f nS, %d sims",
		len(rec.Spikes), res.Initial.C, res.Initial.GL, res.GammaTrain, res.GammaTest, res.Params.C, res.Params.GL, res.Evals)
	if r := res.Initial.C / smallCell().C; r < 0.5 || r > 2 {
		t.Errorf("start C = %.0f pF: not within a factor 2 of the cell's %.0f pF", res.Initial.C, smallCell().C)
	}
	// Measured (seed 1, 200 simulations per search): Γ test 0.688 from the
	// rescaled start; 0.378 from the default soma alone (start C 281 pF).
	if res.GammaTest < 0.6 {
		t.Errorf("Γ test %.3f < 0.6", res.GammaTest)
	}
	if res.Evals > 23*200/8+18*fit.SettleEvals+len(fit.SpikesOnlyTauFactors)*(fit.MatchRateEvals+1)+40 {
		t.Errorf("%d simulations: beyond the documented bound", res.Evals)
	}
}
