package plasticity_test

import (
	"context"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain/experiments"
)

// TestVogelsBalance reproduces the single-cell result of Vogels et al.
// (2011, Figs. 1–2) with experiments.RunBalance: starting from weak
// inhibition (the cell fires at ≈ 40 Hz) or from strong inhibition (the
// cell is silent), inhibitory plasticity brings the output rate to the
// target ρ0 = 5 Hz, and the inhibitory current comes to track the
// excitatory one: their correlation (50-ms bins) rises, and the learned
// inhibitory weights are tuned like the excitatory ones (largest on the
// preferred channel 4).
func TestVogelsBalance(t *testing.T) {
	if testing.Short() {
		t.Skip("a few simulated minutes")
	}
	const rho0 = 5.0
	for _, c := range []struct {
		name string
		w0   float64 // nS
		seed uint64
	}{{"weak inhibition", 0.035, 1}, {"strong inhibition", 0.6, 2}} {
		r, err := experiments.RunBalance(context.Background(), experiments.Balance{
			LearnS: 400, FrozenS: 30, Rho0Hz: rho0, EtaNS: 1e-3, InitialInhNS: c.w0, Seed: c.seed})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: rate %.1f Hz before, %.2f Hz over the last 200 s of learning, %.2f Hz after (frozen); E–I current correlation %.3f → %.3f; inhibitory weights per channel %.3f nS",
			c.name, r.RateBeforeHz, r.RateLateHz, r.RateAfterHz, r.CorrBefore, r.CorrAfter, r.InhWeights)
		if math.Abs(r.RateBeforeHz-rho0) < 2 {
			t.Errorf("%s: the rate starts at %.2f Hz, already near ρ0: the test shows nothing", c.name, r.RateBeforeHz)
		}
		if math.Abs(r.RateLateHz-rho0) > 0.2*rho0 {
			t.Errorf("%s: rate over the last 200 s of learning %.2f Hz, want ρ0 = %v Hz ± 20 %%", c.name, r.RateLateHz, rho0)
		}
		best := 0
		for k, w := range r.InhWeights {
			if w > r.InhWeights[best] {
				best = k
			}
		}
		if best != 4 {
			t.Errorf("%s: largest learned inhibitory weight on channel %d, want the preferred channel 4", c.name, best)
		}
		if c.w0 < 0.1 && !(r.CorrAfter > 0.8 && r.CorrAfter > r.CorrBefore+0.15) {
			t.Errorf("%s: E–I correlation %.3f → %.3f: want > 0.8 after and a rise of > 0.15", c.name, r.CorrBefore, r.CorrAfter)
		}
	}
}
