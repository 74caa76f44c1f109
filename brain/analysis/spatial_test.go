package analysis_test

import (
	"context"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
)

// TestConnectionDistanceProfile: on a 1-D-like grid (10 × 1 cells 0.1 mm
// apart) wired all-to-all without autapses, every pair is a synapse, the
// pair counts per distance bin are the grid's, and a kernel p = 1 expects
// exactly the synapses with zero variance.
func TestConnectionDistanceProfile(t *testing.T) {
	pos, err := brain.GridPositions(brain.Space{Dim: 2, ExtentMM: [3]float64{1, 0.1}}, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	pop, _ := brain.NewPopulation("p", 10, brain.Generic())
	net := brain.NewNetwork(0.1, 1)
	proj, err := net.Connect(pop, pop, brain.AllToAll{NoSelf: true}, brain.SynapseSpec{Weight: brain.Const(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(context.Background(), 0.1, nil); err != nil {
		t.Fatal(err)
	}
	d, err := analysis.ConnectionDistanceProfile(proj, pos, pos, brain.BoxKernel{P0: 1, RadiusMM: 2}, 0.999, 10, true)
	if err != nil {
		t.Fatal(err)
	}
	for b := range 10 {
		// Distances k·0.1 mm (k = 1 … 9) fall in bin k (width 0.0999 mm);
		// 2·(10 − k) ordered pairs each.
		want := 0.0
		if b >= 1 {
			want = float64(2 * (10 - b))
		}
		if d.Pairs[b] != want || d.Synapses[b] != want || d.Expected[b] != want || d.Var[b] != 0 {
			t.Errorf("bin %d: pairs %v, synapses %v, expected %v, var %v; want %v, %v, %v, 0", b, d.Pairs[b], d.Synapses[b], d.Expected[b], d.Var[b], want, want, want)
		}
	}
	if p := d.Probability(); p[3] != 1 || !math.IsNaN(p[0]) {
		t.Errorf("probabilities %v", p)
	}
	if z := analysis.BonferroniZ(0.05, 1); math.Abs(z-1.959964) > 1e-5 {
		t.Errorf("BonferroniZ(0.05, 1) = %v, want 1.96", z)
	}
	if _, err := analysis.ConnectionDistanceProfile(proj, pos, pos, nil, 0, 10, true); err == nil {
		t.Error("maxMM = 0 accepted")
	}
}
