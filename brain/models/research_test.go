package models_test

import (
	"context"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/models"
)

// TestResearchObjectives checks the project's research objectives on the
// research circuit over five 40-step cycles and three seeds: neuron 9 (a
// fast-spiking interneuron) fires 18–22 spikes in every cycle, and
// neurons 2, 3 and 5 fire their first spike of every cycle in protocol
// step 4 or 5 (15 ms < latency ≤ 25 ms with 5-ms steps).
func TestResearchObjectives(t *testing.T) {
	const cycles = 5
	for seed := uint64(1); seed <= 3; seed++ {
		c, err := models.Research(seed)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Inhibitory(9) || c.Inhibitory(2) {
			t.Fatal("neuron 9 must be the interneuron, 2 a pyramidal cell")
		}
		if err := c.Net.Run(context.Background(), cycles*models.ResearchCycleMS, nil); err != nil {
			t.Fatal(err)
		}
		var counts []int
		for k := range cycles {
			t0 := float64(k) * models.ResearchCycleMS
			n := analysis.Count(c.Times(9), t0, t0+models.ResearchCycleMS)
			counts = append(counts, n)
			if n < 18 || n > 22 {
				t.Errorf("seed %d cycle %d: neuron 9 fired %d spikes, want 18–22", seed, k, n)
			}
		}
		for _, i := range []int{2, 3, 5} {
			var steps []int
			for k := range cycles {
				t0 := float64(k) * models.ResearchCycleMS
				lat, ok := analysis.FirstSpikeLatency(c.Times(i), t0)
				step := int(math.Ceil(lat / models.ResearchStepMS)) // protocol step, 1-based
				steps = append(steps, step)
				if !ok || step < 4 || step > 5 {
					t.Errorf("seed %d cycle %d: neuron %d first spike after %.1f ms (step %d), want step 4–5", seed, k, i, lat, step)
				}
			}
			if seed == 1 {
				t.Logf("neuron %d: first-spike step per cycle %v", i, steps)
			}
		}
		t.Logf("seed %d: neuron 9 spikes per cycle %v (%.0f Hz)", seed, counts, analysis.Rate(c.Times(9), 0, cycles*models.ResearchCycleMS))
	}
}
