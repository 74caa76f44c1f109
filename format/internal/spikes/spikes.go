// Package spikes is the spike source format/nwb and format/sonata read:
// a population's spikes in step order, from an in-memory recorder or a
// stream file, readable as many times as a writer needs passes.
package spikes

import (
	"math"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/stream"
)

// Population is the spikes of one population, read in step order by Each.
type Population struct {
	// Name labels the population.
	Name string
	// N is the number of cells.
	N int
	// DT is the step (ms): a spike of step k is at (k+1)·DT ms.
	DT float64
	// Each calls fn for every step with spikes, in step order, with the
	// cells that spiked (the slice is valid during the call).
	Each func(fn func(step int64, cells []int32) error) error
}

// FromRecorder returns the spikes of an in-memory recorder.
func FromRecorder(name string, r *brain.SpikeRecorder) Population {
	return Population{Name: name, N: r.N, DT: r.DT, Each: func(fn func(int64, []int32) error) error {
		steps, ids := r.Spikes()
		for k := 0; k < len(steps); {
			j := k
			for j < len(steps) && steps[j] == steps[k] {
				j++
			}
			if err := fn(int64(steps[k]), ids[k:j]); err != nil {
				return err
			}
			k = j
		}
		return nil
	}}
}

// FromStream returns the spikes of a stream file's spike stream, read
// block by block.
func FromStream(sp *stream.Spikes) Population {
	return Population{Name: sp.Info.Name, N: sp.Info.N, DT: sp.Info.DT, Each: func(fn func(int64, []int32) error) error {
		return sp.Each(0, math.MaxInt64, fn)
	}}
}
