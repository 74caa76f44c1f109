package plasticity_test

import (
	"context"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// pairThenReward: a presynaptic spike at preMS and a postsynaptic spike
// (forced by a strong teacher input) near postMS, a RewardSTDP synapse of
// weight 1, dopamine made of rewards at the given times (0.5, τ 200 ms);
// it returns the weight change after 7 s and the time of the postsynaptic
// spike.
func pairThenReward(t *testing.T, rule *plasticity.RewardSTDP, preMS, postMS float64, rewards ...float64) (dw, post float64) {
	t.Helper()
	net := brain.NewNetwork(0.1, 1)
	pre := must(brain.NewSpikeSourceArray("pre", [][]float64{{preMS}}))
	teacher := must(brain.NewSpikeSourceArray("teacher", [][]float64{{postMS - 1.5}}))
	cell := must(brain.NewPopulation("cell", 1, brain.Generic()))
	da := &plasticity.Dopamine{Amount: 0.5, TauMS: 200}
	for _, r := range rewards {
		da.Reward(r)
	}
	proj := must(net.ConnectSource(pre, cell, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1), Plasticity: rule, Modulator: da}))
	must(net.ConnectSource(teacher, cell, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1200)}))
	rec := must(net.RecordSpikes(cell))
	if err := net.Run(context.Background(), 7000, nil); err != nil {
		t.Fatal(err)
	}
	if tr := rec.Times(0); len(tr) != 1 || math.Abs(tr[0]-postMS) > 1 {
		t.Fatalf("teacher: postsynaptic spikes at %v, want one near %v ms", tr, postMS)
	}
	return proj.Weight(0) - 1, rec.Times(0)[0]
}

// TestRewardSTDPEligibility: the weight change that a pairing and a
// delayed reward make is the eligibility left at the reward times the
// dopamine's integral, Rate·c(t_r)·Amount·τdτc/(τd + τc), c(t_r) =
// A±·exp(−(|Δt| − δ)/τ±)·exp(−(t_r − t_pair)/τc), δ one step for
// pre-before-post pairs and 0 otherwise (CoincidentDepress) (exact for a continuous
// update; the step-by-step update is within 1 %); without dopamine
// nothing changes, and a post-before-pre pairing depresses.
func TestRewardSTDPEligibility(t *testing.T) {
	newRule := func() *plasticity.RewardSTDP {
		r := plasticity.Izhikevich2007()
		r.UpdateEveryMS = 0 // every step
		r.BaselineDA = 0
		return r
	}
	const pair = 100.0
	integral := 0.5 * 200 * 1000 / (200 + 1000) // ∫ Amount·e^(−s/τd)·e^(−s/τc) ds
	// predict for a pairing of spikes at pre and post, a reward at tr.
	// The preset pairs as Izhikevich's program does (CoincidentDepress):
	// a pre-before-post pair reads the presynaptic trace one step (0.1 ms)
	// before the postsynaptic spike.
	predict := func(pre, post, tr float64) float64 {
		r := newRule()
		a := r.APlus * math.Exp(-(post-pre-0.1)/r.TauPlusMS)
		if post < pre {
			a = -r.AMinus * math.Exp(-(pre-post)/r.TauMinusMS)
		}
		return r.Rate * a * math.Exp(-(tr-max(pre, post))/r.TauCMS) * integral
	}
	for _, c := range []struct {
		name      string
		pre, post float64
		rewards   []float64
		tol       float64
	}{
		{"pre→post, reward 1 s later", pair, pair + 10, []float64{pair + 10 + 1000}, 0.01},
		{"pre→post, reward 3 s later", pair, pair + 10, []float64{pair + 10 + 3000}, 0.01},
		{"post→pre, reward 1 s later", pair + 10, pair, []float64{pair + 10 + 1000}, 0.01},
		{"pre→post, no reward", pair, pair + 10, nil, 0},
	} {
		got, post := pairThenReward(t, newRule(), c.pre, c.post, c.rewards...)
		want := 0.0
		if c.rewards != nil {
			want = predict(c.pre, post, c.rewards[0])
		}
		t.Logf("%s: postsynaptic spike at %.1f ms, Δw = %.5f, predicted %.5f", c.name, post, got, want)
		if want == 0 {
			if got != 0 {
				t.Errorf("%s: Δw = %v, want exactly 0 (no dopamine, no change)", c.name, got)
			}
			continue
		}
		if math.Abs(got-want) > c.tol*math.Abs(want) {
			t.Errorf("%s: Δw = %.5f, want %.5f ± %.0f %%", c.name, got, want, 100*c.tol)
		}
	}
	// Batched updates (the paper's 10 ms) agree with the step-by-step ones
	// within a few per cent.
	batched := plasticity.Izhikevich2007()
	batched.BaselineDA = 0
	got, post := pairThenReward(t, batched, pair, pair+10, pair+1010)
	if want := predict(pair, post, pair+1010); math.Abs(got-want) > 0.05*want {
		t.Errorf("batched every 10 ms: Δw = %.5f, want %.5f ± 5 %%", got, want)
	}
}

func TestRewardSTDPValidate(t *testing.T) {
	for _, mod := range []func(*plasticity.RewardSTDP){
		func(r *plasticity.RewardSTDP) { r.TauCMS = 0 },
		func(r *plasticity.RewardSTDP) { r.WMax = r.WMin },
		func(r *plasticity.RewardSTDP) { r.APlus = -1 },
		func(r *plasticity.RewardSTDP) { r.Rate = math.Inf(1) },
		func(r *plasticity.RewardSTDP) { r.Pairing = 7 },
	} {
		r := plasticity.Izhikevich2007()
		mod(r)
		if err := r.Validate(); err == nil {
			t.Errorf("%+v: no error", *r)
		}
	}
}

// TestRewardSTDPHugeIntervalNeverUpdates: an UpdateEveryMS beyond the
// clock's 2⁵³ steps means no batch update ever comes. The interval in
// steps was converted to int64 unchecked, undefined past 2⁶³ (negative on
// amd64), and max(1, ·) then made it an update every step: the weight
// below moved by the full rewarded pairing.
func TestRewardSTDPHugeIntervalNeverUpdates(t *testing.T) {
	r := plasticity.Izhikevich2007()
	r.BaselineDA = 0
	r.UpdateEveryMS = 1e300
	if dw, _ := pairThenReward(t, r, 100, 110, 1110); dw != 0 {
		t.Errorf("UpdateEveryMS = 1e300: Δw = %v, want 0 (no update within the run)", dw)
	}
}
