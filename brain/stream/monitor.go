package stream

import "github.com/neuron-sim/neuron/brain"

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
	_ brain.Monitor  = (*Recorder)(nil)
	_ brain.RunEnder = (*Recorder)(nil)
)
