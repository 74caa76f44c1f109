package brain_test

import (
	"context"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// NewPopulation(name, n, p) and NewModelPopulation(name, n,
// &GeneralizedNeuron{P: p}) are the same population: same variables,
// same spikes in the same network.
func TestGeneralizedNeuronIsAModel(t *testing.T) {
	run := func(pop *brain.Population) []int32 {
		t.Helper()
		for i := range pop.IBias {
			pop.IBias[i] = 200 + 40*float64(i) // pA, a spread of firing rates
		}
		net := brain.NewNetwork(0.1, 3)
		if err := net.AddPopulation(pop); err != nil {
			t.Fatal(err)
		}
		rec, err := net.RecordSpikes(pop)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Run(context.Background(), 300, nil); err != nil {
			t.Fatal(err)
		}
		steps, ids := rec.Spikes()
		return append(slices.Clone(steps), ids...)
	}
	a, err := brain.NewPopulation("a", 20, brain.Pyramidal())
	if err != nil {
		t.Fatal(err)
	}
	b, err := brain.NewModelPopulation("a", 20, &brain.GeneralizedNeuron{P: brain.Pyramidal()})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Model().(*brain.GeneralizedNeuron); !ok {
		t.Fatalf("NewPopulation's model is %T, want *brain.GeneralizedNeuron", a.Model())
	}
	if !slices.Equal(a.VarNames(), b.VarNames()) || !slices.Contains(a.VarNames(), "IEd") || !slices.Contains(a.VarNames(), "Size") {
		t.Fatalf("variables %v and %v: want equal, with Size and the dendrite's IEd", a.VarNames(), b.VarNames())
	}
	sa, sb := run(a), run(b)
	if len(sa) == 0 || !slices.Equal(sa, sb) {
		t.Errorf("NewPopulation: %d spike values, NewModelPopulation: %d; want equal and nonzero", len(sa), len(sb))
	}
}

// twoCompartments is a user model with a dendrite: it records what
// reaches each compartment (the sum over the run of the inputs it sees).
type twoCompartments struct{}

func (twoCompartments) Vars() []brain.Var {
	return []brain.Var{{Name: "Soma", Unit: "pA·step"}, {Name: "Dend", Unit: "pA·step"}}
}
func (twoCompartments) HasDendrite() bool                        { return true }
func (twoCompartments) Prepare(dt float64, s *brain.State) error { return nil }
func (twoCompartments) Step(s *brain.State, lo, hi int, _ int64, dst []int32) []int32 {
	soma, dend := s.Var(0), s.Var(1)
	ep, ed := s.InputAt(brain.Proximal, brain.Excitatory), s.InputAt(brain.Distal, brain.Excitatory)
	ie, id := s.IExt(), s.IExtDist()
	for i := lo; i < hi; i++ {
		soma[i] += ep[i] + ie[i]
		dend[i] += ed[i] + id[i]
		ep[i], ed[i] = 0, 0
	}
	return dst
}

// A CompartmentModel's population keeps distal synaptic inputs and a
// dendritic current of its own: a projection to Distal and a clamp at the
// dendrite reach State.InputAt(Distal, ·) and State.IExtDist, and
// nothing reaches the soma.
func TestCompartmentModelDistalInputs(t *testing.T) {
	pop, err := brain.NewModelPopulation("two", 2, twoCompartments{})
	if err != nil {
		t.Fatal(err)
	}
	if d, p := pop.Input(brain.Distal, brain.Excitatory), pop.Input(brain.Proximal, brain.Excitatory); &d[0] == &p[0] || &pop.IExtDist[0] == &pop.IExt[0] {
		t.Fatal("a model with a dendrite shares the soma's inputs")
	}
	net := brain.NewNetwork(0.1, 1)
	src := &brain.SpikeSourceArray{Name: "in", Times: [][]float64{{1, 2, 3}}}
	if _, err := net.ConnectSource(src, pop, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(5), Compartment: brain.Distal}); err != nil {
		t.Fatal(err)
	}
	if err := net.Inject(pop, []int{1}, brain.Distal, brain.DCClamp{AmpPA: 2}); err != nil {
		t.Fatal(err)
	}
	if err := net.Run(context.Background(), 10, nil); err != nil { // 100 steps
		t.Fatal(err)
	}
	soma, dend := pop.Var("Soma"), pop.Var("Dend")
	// cell 0: three spikes of 5 pA; cell 1: the same plus 2 pA in each of 100 steps
	if soma[0] != 0 || soma[1] != 0 || dend[0] != 15 || dend[1] != 15+200 {
		t.Errorf("soma %v, dendrite %v: want [0 0] and [15 215]", soma, dend)
	}
}
