package experiments_test

import (
	"context"
	"testing"

	"github.com/neuron-sim/neuron/brain/experiments"
)

const storedConditioning = "../../testdata/rstdp_conditioning.json"

// TestConditioningStoredHour checks the stored hour-long run of
// Izhikevich's (2007) conditioning experiment (neuron rstdp --duration
// 3600 --seed 1): the rewarded synapse, from 0, reaches the maximum weight
// 4 within 45 minutes and stays near it (mean ≥ 3.5 over the second half
// hour), while the other 79 999 excitatory synapses stay low on average
// (below their initial weight 1); the tail of them at the bound is
// compared with Izhikevich's program in TestDaspnetStoredHour. Its first
// sample is recomputed bit for bit, so the file belongs to the code.
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
	if reached < 0 || reached > 2700 {
		t.Errorf("rewarded synapse reached 0.99·max at %v s: want within the first 45 minutes", reached)
	}
	if late < 3.5 {
		t.Errorf("rewarded synapse averages %.2f over the second half hour: want ≥ 3.5 (max 4)", late)
	}
	if m := r.OthersMean[n-1]; m >= 1 {
		t.Errorf("other synapses: mean %.3f at the end, want below the initial 1", m)
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

// TestConditioningShortRun: five simulated minutes of the experiment, for
// two seeds: the rewarded synapse, which starts at 0 (as in Izhikevich's
// program), has grown (to ≥ 0.15) while the mean of the others has fallen
// (from 1 to ≤ 0.9). Separating it from the rest takes his network about
// half an hour (the stored hours).
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
		if r.Rewarded[n] < 0.15 || r.OthersMean[n] > 0.9 {
			t.Errorf("seed %d: rewarded synapse %.3f (want ≥ 0.15, from 0), others mean %.3f (want ≤ 0.9)", seed, r.Rewarded[n], r.OthersMean[n])
		}
	}
}

const storedDaspnet = "../../testdata/rstdp_daspnet.json"

// TestDaspnetStoredHour checks the stored hour of the reference
// transcription of Izhikevich's program (neuron rstdp --reference
// --duration 3600 --seed 1) against RunConditioning's: in both the
// rewarded synapse ends near the maximum (≥ 3.9), the other synapses'
// mean ends below its start, and a tail of more than 0.5 % of them sits
// at the bound (≥ 3.9): his own network does it too. (The tails differ:
// 0.79 % here, 2.70 % in his program; docs/plasticity.md.) It recomputes
// the reference's first sample bit for bit, so the file belongs to the
// code.
func TestDaspnetStoredHour(t *testing.T) {
	ref, err := experiments.ReadConditioning(storedDaspnet)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := experiments.ReadConditioning(storedConditioning)
	if err != nil {
		t.Fatal(err)
	}
	top := func(r experiments.ConditioningResult) float64 {
		total, n := 0, 0
		for k, c := range r.HistCounts {
			total += c
			if r.HistEdges[k] >= 3.9 {
				n += c
			}
		}
		if total != 79999 {
			t.Errorf("histogram counts %d synapses, want 79999", total)
		}
		return float64(n) / float64(total)
	}
	fr, fo := top(ref), top(ours)
	nr, no := len(ref.Rewarded)-1, len(ours.Rewarded)-1
	t.Logf("reference (his program): rewarded %.3f, others mean %.3f, %.2f %% ≥ 3.9, %d rewards; RunConditioning: rewarded %.3f, others mean %.3f, %.2f %% ≥ 3.9, %d rewards",
		ref.Rewarded[nr], ref.OthersMean[nr], 100*fr, len(ref.RewardTimesS), ours.Rewarded[no], ours.OthersMean[no], 100*fo, len(ours.RewardTimesS))
	if ref.DurationS != 3600 || nr != 359 {
		t.Fatalf("reference: %v s, %d samples: want 3600 s, 360", ref.DurationS, nr+1)
	}
	if ref.Rewarded[nr] < 3.9 || ours.Rewarded[no] < 3.9 {
		t.Errorf("rewarded synapse ends at %.3f (reference) and %.3f: want ≥ 3.9 in both", ref.Rewarded[nr], ours.Rewarded[no])
	}
	if !(fr > 0.005 && fo > 0.005) {
		t.Errorf("other synapses at ≥ 3.9: %.2f %% here, %.2f %% in the reference: want > 0.5 %% in both", 100*fo, 100*fr)
	}
	if !(ref.OthersMean[nr] < 1 && ours.OthersMean[no] < 1) {
		t.Errorf("other synapses' mean ends at %.3f here and %.3f in the reference: want < 1 (the start) in both", ours.OthersMean[no], ref.OthersMean[nr])
	}
	first, err := experiments.RunDaspnet(context.Background(), experiments.Conditioning{DurationS: 10, SampleEveryS: 10, Seed: ref.Seed})
	if err != nil {
		t.Fatal(err)
	}
	if first.Rewarded[0] != ref.Rewarded[0] || first.OthersMean[0] != ref.OthersMean[0] || first.OthersMax[0] != ref.OthersMax[0] {
		t.Errorf("reference: first 10 s recomputed: rewarded %v, mean %v; stored %v, %v", first.Rewarded[0], first.OthersMean[0], ref.Rewarded[0], ref.OthersMean[0])
	}
}
