package experiments_test

import (
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/experiments"
	"github.com/neuron-sim/neuron/brain/models"
)

// The pairing protocol measures Δt from spike times exactly, and 60 pairings change the weight by
// 60 × the rule's window (the traces decay completely between pairings 1 s apart).
func TestPairingRunWindow(t *testing.T) {
	const w0 = 1.0
	rule := brain.BiPooRule(0, 0, 10*w0)
	rule.APlus, rule.AMinus = experiments.BiPooLTP*w0/experiments.BiPooPairings, experiments.BiPooLTD*w0/experiments.BiPooPairings
	var dts [][]float64
	for _, d := range []float64{-40, -10, 10, 40} {
		row := make([]float64, 5)
		for k := range row {
			row[k] = d
		}
		dts = append(dts, row)
	}
	p, err := experiments.PairingRun(rule, w0, dts, experiments.BiPooPeriodMS, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range dts {
		for k, m := range p.Measured[i] {
			if math.Abs(m-dts[i][k]) > 1e-6 {
				t.Errorf("cell %d pairing %d: Δt measured %v ms, want %v", i, k, m, dts[i][k])
			}
		}
		got := p.Proj.Weight(p.Proj.Find(i, i)) - w0
		want := 5 * rule.Window(dts[i][0], w0)
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("Δt = %v ms: Δw %.6f, want 5 × window = %.6f", dts[i][0], got, want)
		}
	}
	if p.Weights == nil || p.Weights.Len() == 0 {
		t.Error("no weight samples recorded")
	}
}

// SongNetwork with additive STDP at 15 Hz is models.SongSTDP, spike for spike.
func TestSongNetworkIsTheBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("network run")
	}
	ref, err := models.SongSTDP(1)
	if err != nil {
		t.Fatal(err)
	}
	a, err := experiments.RunSong(ref, ref.Population("post"), ref.Projections()[0], 2000, []int{0, 500})
	if err != nil {
		t.Fatal(err)
	}
	net, post, proj, err := experiments.SongNetwork(15, brain.Additive, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := experiments.RunSong(net, post, proj, 2000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Spikes) == 0 || len(a.Spikes) != len(b.Spikes) {
		t.Fatalf("%d vs %d output spikes", len(a.Spikes), len(b.Spikes))
	}
	for i := range a.Spikes {
		if a.Spikes[i] != b.Spikes[i] {
			t.Fatalf("spike %d: %v vs %v ms", i, a.Spikes[i], b.Spikes[i])
		}
	}
	if a.Weights == nil || len(a.Weights.Trace(1)) == 0 {
		t.Error("tracked synapses not recorded")
	}
}

func TestWeightStatistics(t *testing.T) {
	w := []float64{0, 0.005, 0.05, 0.095, 0.1, 0.1} // gmax 0.1
	low, high, mean, dec := experiments.WeightStats(w, 0.1)
	if math.Abs(low-2.0/6) > 1e-12 || math.Abs(high-3.0/6) > 1e-12 || math.Abs(mean-0.35/0.6) > 1e-12 {
		t.Errorf("WeightStats = %v, %v, %v", low, high, mean)
	}
	if dec[0] != 2 || dec[5] != 1 || dec[9] != 3 {
		t.Errorf("deciles %v", dec)
	}
	if lo, hi := experiments.Bimodality([]int{10, 1, 2, 2, 2, 2, 2, 2, 1, 20}); lo != 5 || hi != 10 {
		t.Errorf("Bimodality = %v, %v, want 5, 10", lo, hi)
	}
	if !experiments.Unimodal([]float64{1, 2, 2, 5, 3, 1}) || experiments.Unimodal([]float64{5, 1, 5}) {
		t.Error("Unimodal wrong")
	}
	if s := experiments.Scaled([]float64{0.05, 0.1000001}, 0.1); s[0] != 0.5 || s[1] != 1 {
		t.Errorf("Scaled = %v", s)
	}
	if r := experiments.RateIn([]float64{100, 200, 300, 1500}, 0, 1000); r != 3 {
		t.Errorf("RateIn = %v, want 3 Hz", r)
	}
}
