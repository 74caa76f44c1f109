package plasticity_test

import (
	"github.com/neuron-sim/neuron/brain"
)

// probe is a test neuron that never fires and stores, each step, the
// excitatory input delivered to it ("got", pA) and the running sum of the
// inhibitory and excitatory inputs, then clears them.
type probe struct{}

func (probe) Vars() []brain.Var {
	return []brain.Var{{Name: "got", Unit: "pA"}, {Name: "gotI", Unit: "pA"}}
}
func (probe) Prepare(float64, *brain.State) error { return nil }
func (probe) Step(s *brain.State, lo, hi int, _ int64, dst []int32) []int32 {
	got, gotI := s.Var(0), s.Var(1)
	e, in := s.Input(brain.Excitatory), s.Input(brain.Inhibitory)
	for k := lo; k < hi; k++ {
		got[k], gotI[k] = e[k], in[k]
		e[k], in[k] = 0, 0
	}
	return dst
}
