package experiments_test

import (
	"context"
	"testing"

	"github.com/neuron-sim/neuron/brain/experiments"
)

const storedConditioning = "../../testdata/rstdp_conditioning.json"

// TestConditioningStoredHour checks the stored hour-long run of
// Izhikevich's (2007) conditioning experiment (neuron rstdp --duration
// 3600 --seed 1): the rewarded synapse reaches the maximum weight 4 and
// stays near it, while the other 79 999 excitatory synapses stay low on
// average (below their initial weight 1). Its first sample is recomputed
// bit for bit, so the file belongs to the code.
func TestConditioningStoredHour(t *testing.T) {
	r, err := experiments.ReadConditioning(storedConditioning)
	if err != nil {
		t.Fatal(err)
	}
	n := len(r.TimesS)
	if r.DurationS != 3600 || r.Synapses != 100000 || n != 360 || len(r.Rewarded) != n || len(r.OthersMean) != n {
		t.Fatalf("stored run: duration %v s, %d synapses, %d samples: want 3600 s, 100000, 360", r.DurationS, r.Synapses, n)
	}
	reached := -1.0
	for k, w := range r.Rewarded {
		if w >= 0.99*4 && reached < 0 {
			reached = r.TimesS[k]
		}
	}
	late := 0.0
	for _, w := range r.Rewarded[n/2:] {
		late += w
	}
	late /= float64(n - n/2)
	total, top, half := 0, 0, 0
	for k, c := range r.HistCounts {
		total += c
		if r.HistEdges[k] >= 3.9 {
			top += c
		}
		if r.HistEdges[k+1] <= 0.5 {
			half += c
		}
	}
	t.Logf("rewarded synapse at ≥ 3.96 first at %v s, mean %.2f over the second half hour, %.3f at the end; others: mean %.3f at the end, %.1f %% ≤ 0.5, %.2f %% ≥ 3.9; %d rewards",
		reached, late, r.Rewarded[n-1], r.OthersMean[n-1], 100*float64(half)/float64(total), 100*float64(top)/float64(total), len(r.RewardTimesS))
	if reached < 0 || reached > 1800 {
		t.Errorf("rewarded synapse reached 0.99·max at %v s: want within the first half hour", reached)
	}
	if late < 3.5 {
		t.Errorf("rewarded synapse averages %.2f over the second half hour: want ≥ 3.5 (max 4)", late)
	}
	if m := r.OthersMean[n-1]; m >= 1 {
		t.Errorf("other synapses: mean %.3f at the end, want below the initial 1", m)
	}
	if f := float64(top) / float64(total); f > 0.02 {
		t.Errorf("other synapses: %.2f %% at ≥ 3.9, want ≤ 2 %%", 100*f)
	}
	if total != 79999 {
		t.Errorf("histogram counts %d synapses, want 79999", total)
	}
	// The file belongs to this code: the first 10 s again.
	first, err := experiments.RunConditioning(context.Background(), experiments.Conditioning{DurationS: 10, SampleEveryS: 10, Seed: r.Seed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Rewarded[0] != r.Rewarded[0] || first.OthersMean[0] != r.OthersMean[0] || first.OthersMax[0] != r.OthersMax[0] {
		t.Errorf("first 10 s recomputed: rewarded %v, mean %v; stored %v, %v", first.Rewarded[0], first.OthersMean[0], r.Rewarded[0], r.OthersMean[0])
	}
}

// TestConditioningShortRun: a few simulated minutes of the experiment
// already separate the rewarded synapse from the rest: it grows (by
// ≥ 0.25 from 1) while the mean of the others falls (to ≤ 0.9), for two
// seeds.
func TestConditioningShortRun(t *testing.T) {
	if testing.Short() {
		t.Skip("five simulated minutes per seed")
	}
	for _, seed := range []uint64{1, 2} {
		r, err := experiments.RunConditioning(context.Background(), experiments.Conditioning{DurationS: 300, SampleEveryS: 60, Seed: seed}, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := len(r.Rewarded) - 1
		t.Logf("seed %d, 300 s: rewarded synapse %.3f, others mean %.3f (99th percentile %.3f); %d rewards; rates %.2f / %.2f Hz",
			seed, r.Rewarded[n], r.OthersMean[n], r.OthersP99[n], len(r.RewardTimesS), r.RateExcHz, r.RateInhHz)
		if r.Rewarded[n] < 1.25 || r.OthersMean[n] > 0.9 {
			t.Errorf("seed %d: rewarded synapse %.3f (want ≥ 1.25), others mean %.3f (want ≤ 0.9)", seed, r.Rewarded[n], r.OthersMean[n])
		}
	}
}
