package experiments

import (
	"context"
	"fmt"

	"github.com/neuron-sim/neuron/brain"
)

// STPResponses sends the spike train times (ms, ascending, on the dt grid)
// from one generator through a synapse of weight wPA (pA) whose rule is
// rule (short-term plasticity: a brain.Transmitter) onto one probe cell,
// and returns the amplitude (pA) each spike delivered, read from the
// probe's synaptic input one delay (1 ms) later: w times the spike's
// release factor. dt is 0.1 ms.
func STPResponses(rule brain.PlasticityRule, wPA float64, times []float64) ([]float64, error) {
	if len(times) == 0 {
		return nil, fmt.Errorf("experiments: STPResponses: empty spike train")
	}
	net := brain.NewNetwork(0.1, 1)
	src, err := brain.NewSpikeSourceArray("train", [][]float64{times})
	if err != nil {
		return nil, err
	}
	cell, err := brain.NewModelPopulation("probe", 1, inputProbe{})
	if err != nil {
		return nil, err
	}
	if _, err := net.ConnectSource(src, cell, brain.OneToOne{}, brain.SynapseSpec{
		Weight: brain.Const(wPA), Delay: brain.Const(1), Plasticity: rule}); err != nil {
		return nil, err
	}
	rec, err := net.RecordState(cell, []int{0}, []string{"in"}, 1)
	if err != nil {
		return nil, err
	}
	if err := net.Run(context.Background(), times[len(times)-1]+5, nil); err != nil {
		return nil, err
	}
	got, err := rec.Trace(0, "in")
	if err != nil {
		return nil, err
	}
	var amps []float64
	for _, g := range got {
		if g != 0 {
			amps = append(amps, g)
		}
	}
	if len(amps) != len(times) {
		return amps, fmt.Errorf("experiments: STPResponses: %d amplitudes for %d spikes (two spikes in one step?)", len(amps), len(times))
	}
	return amps, nil
}

// inputProbe is a cell that never fires and keeps, each step, the
// excitatory input delivered to it ("in", pA), then clears the input.
type inputProbe struct{}

func (inputProbe) Vars() []brain.Var                   { return []brain.Var{{Name: "in", Unit: "pA"}} }
func (inputProbe) Prepare(float64, *brain.State) error { return nil }
func (inputProbe) Step(s *brain.State, lo, hi int, _ int64, dst []int32) []int32 {
	got, e, in := s.Var(0), s.Input(brain.Excitatory), s.Input(brain.Inhibitory)
	for k := lo; k < hi; k++ {
		got[k] = e[k]
		e[k], in[k] = 0, 0
	}
	return dst
}
