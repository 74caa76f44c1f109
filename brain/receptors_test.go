package brain_test

import (
	"context"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// fourInputs is a user model with four receptors that records, per
// receptor, the total weight that landed in its input (variables S0 … S3)
// and clears the inputs.
type fourInputs struct{}

func (fourInputs) Receptors() []string { return []string{"AMPA", "GABA_A", "NMDA", "GABA_B"} }
func (fourInputs) Vars() []brain.Var {
	return []brain.Var{{Name: "S0"}, {Name: "S1"}, {Name: "S2"}, {Name: "S3"}}
}
func (fourInputs) Prepare(float64, *brain.State) error { return nil }
func (fourInputs) Step(s *brain.State, lo, hi int, _ int64, dst []int32) []int32 {
	for r := range 4 {
		in, acc := s.Input(brain.Receptor(r))[lo:hi], s.Var(r)[lo:hi]
		for k := range in {
			acc[k] += in[k]
			in[k] = 0
		}
	}
	return dst
}

// TestReceptorTargeting: projections land in the receptor they name, and
// those that name none follow Dale's law into receptors 0 and 1.
func TestReceptorTargeting(t *testing.T) {
	net := brain.NewNetwork(0.1, 1)
	post, err := brain.NewModelPopulation("post", 3, fourInputs{})
	if err != nil {
		t.Fatal(err)
	}
	if got := post.Receptors(); strings.Join(got, ",") != "AMPA,GABA_A,NMDA,GABA_B" {
		t.Fatalf("Receptors() = %v", got)
	}
	exc, err := brain.NewSpikeSourceArray("exc", [][]float64{{1}})
	if err != nil {
		t.Fatal(err)
	}
	inh, err := brain.NewSpikeSourceArray("inh", [][]float64{{1}})
	if err != nil {
		t.Fatal(err)
	}
	inh.Inhibitory = true
	for _, c := range []struct {
		src  brain.Source
		rec  string
		w    float64
		want brain.Receptor
	}{
		{exc, "", 1, 0}, {inh, "", -2, 1}, {exc, "NMDA", 3, 2}, {inh, "GABA_B", -4, 3}, {inh, "GABA_A", -5, 1},
	} {
		p, err := net.ConnectSource(c.src, post, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(c.w), Delay: brain.Const(0.5), Receptor: c.rec})
		if err != nil {
			t.Fatal(err)
		}
		if p.Receptor() != c.want {
			t.Errorf("receptor %q: Projection.Receptor() = %d, want %d", c.rec, p.Receptor(), c.want)
		}
	}
	if _, err := net.ConnectSource(exc, post, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(1), Receptor: "mGluR"}); err == nil || !strings.Contains(err.Error(), `"mGluR"`) {
		t.Errorf("unknown receptor: err = %v, want one naming it", err)
	}
	if err := net.Run(context.Background(), 5, nil); err != nil {
		t.Fatal(err)
	}
	for r, want := range []float64{1, 2 + 5, 3, 4} {
		for i, x := range post.Var("S" + string(rune('0'+r))) {
			if x != want {
				t.Errorf("receptor %d, cell %d: received %v, want %v", r, i, x, want)
			}
		}
	}
	if !strings.Contains(net.Summary(), "NMDA") {
		t.Errorf("Summary does not name the receptor NMDA:\n%s", net.Summary())
	}
}

// badReceptors declares too few or repeated receptors.
type badReceptors struct {
	fourInputs
	names []string
}

func (b badReceptors) Receptors() []string { return b.names }

func TestReceptorModelValidation(t *testing.T) {
	for _, names := range [][]string{{"AMPA"}, {"AMPA", "AMPA"}, {"AMPA", ""}} {
		if _, err := brain.NewModelPopulation("p", 2, badReceptors{names: names}); err == nil {
			t.Errorf("Receptors() = %q: no error", names)
		}
	}
	pop, err := brain.NewModelPopulation("p", 2, &brain.Izhikevich{A: 0.02, B: 0.2, C: -65, D: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pop.ReceptorIndex("NMDA"); err == nil {
		t.Error("Izhikevich has no NMDA receptor, but ReceptorIndex found one")
	}
	if r, err := pop.ReceptorIndex("Inhibitory"); err != nil || r != brain.Inhibitory {
		t.Errorf("ReceptorIndex(Inhibitory) = %v, %v", r, err)
	}
	if pop.Input(brain.Proximal, 2) != nil {
		t.Error("Input(Proximal, 2) of a two-receptor model is not nil")
	}
}

// TestReceptorInputsCheckpointed: the inputs beyond the first two are part
// of a population's encoded state.
func TestReceptorInputsCheckpointed(t *testing.T) {
	a, err := brain.NewModelPopulation("p", 5, fourInputs{})
	if err != nil {
		t.Fatal(err)
	}
	for r := range 4 {
		for i := range 5 {
			a.Input(brain.Proximal, brain.Receptor(r))[i] = float64(10*r + i)
		}
	}
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := brain.NewModelPopulation("p", 5, fourInputs{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	for r := range 4 {
		for i, x := range b.Input(brain.Proximal, brain.Receptor(r)) {
			if x != float64(10*r+i) {
				t.Errorf("receptor %d cell %d: restored %v, want %v", r, i, x, 10*r+i)
			}
		}
	}
}
