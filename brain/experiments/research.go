package experiments

import (
	"context"
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/models"
)

// ResearchRun simulates models.Research for the given number of 200 ms cycles. With
// record, it also records V of pyramidal cells 2 and 5 (first recorder) and of interneuron 9
// (second recorder) at every step; otherwise both recorders are nil.
func ResearchRun(seed uint64, cycles int, record bool) (*models.ResearchCircuit, *brain.StateRecorder, *brain.StateRecorder, error) {
	if cycles <= 0 {
		return nil, nil, nil, fmt.Errorf("experiments: ResearchRun: cycles = %d, want > 0", cycles)
	}
	c, err := models.Research(seed)
	if err != nil {
		return nil, nil, nil, err
	}
	var ve, vi *brain.StateRecorder
	if record {
		if ve, err = c.Net.RecordState(c.Exc, []int{2, 5}, []string{"V"}, 1); err != nil {
			return nil, nil, nil, err
		}
		if vi, err = c.Net.RecordState(c.Inh, []int{0}, []string{"V"}, 1); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := c.Net.Run(context.Background(), float64(cycles)*models.ResearchCycleMS, nil); err != nil {
		return nil, nil, nil, err
	}
	return c, ve, vi, nil
}

// CycleCounts returns the number of spikes of a train (ms) in each of the first cycles
// research cycles (models.ResearchCycleMS each).
func CycleCounts(train []float64, cycles int) []int {
	out := make([]int, cycles)
	for k := range out {
		t0 := float64(k) * models.ResearchCycleMS
		out[k] = analysis.Count(train, t0, t0+models.ResearchCycleMS)
	}
	return out
}

// FirstSpikeSteps returns, for each cycle, the protocol step of the train's first spike in that
// cycle (1-based: ⌈latency / models.ResearchStepMS⌉; 0 when the cycle has no spike) and its
// latency from the cycle start (ms).
func FirstSpikeSteps(train []float64, cycles int) (steps []int, latMS []float64) {
	steps, latMS = make([]int, cycles), make([]float64, cycles)
	for k := range steps {
		t0 := float64(k) * models.ResearchCycleMS
		lat, ok := analysis.FirstSpikeLatency(train, t0)
		if ok && lat < models.ResearchCycleMS {
			steps[k], latMS[k] = int(math.Ceil(lat/models.ResearchStepMS)), lat
		}
	}
	return steps, latMS
}

// PhaseCounts splits a train's spikes by their phase within the research cycle: those with
// phase in [fromMS, toMS) and the rest.
func PhaseCounts(train []float64, fromMS, toMS float64) (in, out int) {
	for _, t := range train {
		ph := math.Mod(t, models.ResearchCycleMS)
		if ph >= fromMS && ph < toMS {
			in++
		} else {
			out++
		}
	}
	return in, out
}

// ResearchWeights returns the circuit's weights (pA) as a row-major matrix with one row per
// target neuron (12) and one column per source: neurons 0–11, then the stimulus channels.
func ResearchWeights(c *models.ResearchCircuit) (rows, cols int, data []float64) {
	n := len(c.RecurrentW)
	rows, cols = n, n+len(c.ExternalW)
	data = make([]float64, rows*cols)
	for pre := range c.RecurrentW {
		for post, w := range c.RecurrentW[pre] {
			data[post*cols+pre] = w
		}
	}
	for k := range c.ExternalW {
		for post, w := range c.ExternalW[k] {
			data[post*cols+n+k] = w
		}
	}
	return rows, cols, data
}
