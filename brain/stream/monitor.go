package stream

import (
	"fmt"

	"github.com/neuron-sim/neuron/brain"
)

// StartRun (brain.RunStarter) refuses to record a network whose DT is not
// the one the recorder wrote into the file's stream declarations at
// Create: every time read back would be off by their ratio. DT may change
// until Build; create the recorder after setting it.
func (r *Recorder) StartRun(v *brain.StepView, _ int64) error {
	if v.DT() != r.dt {
		return fmt.Errorf("brain/stream: %s: the network runs with DT = %v ms but the file was declared with %v ms, the DT when Create was called (set Network.DT before creating the Recorder)", r.path, v.DT(), r.dt)
	}
	return nil
}

// Observe records one step (brain.Monitor). Create adds the recorder to
// its network, so a Run calls it after every step.
func (r *Recorder) Observe(v *brain.StepView) error {
	return r.recordStep(v.Step(), func(k int) []int32 {
		if k >= 0 {
			return v.Spikes(k)
		}
		return v.SourceSpikes(-1 - k)
	})
}

// EndRun flushes the buffers at the end of every Run (brain.RunEnder), so
// the file holds the whole run when Run returns.
func (r *Recorder) EndRun(*brain.StepView) error { return r.Flush() }

var (
	_ brain.Monitor    = (*Recorder)(nil)
	_ brain.RunEnder   = (*Recorder)(nil)
	_ brain.RunStarter = (*Recorder)(nil)
)
