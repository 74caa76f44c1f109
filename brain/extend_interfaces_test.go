package brain_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// burst is a user model whose cells all spike in step 0 and never again,
// described by a Params of its own (brain.ParamsModel).
type burst struct{ p brain.Params }

func (m *burst) Vars() []brain.Var                   { return []brain.Var{{Name: "V", Unit: "mV"}} }
func (m *burst) Prepare(float64, *brain.State) error { return nil }
func (m *burst) Params() brain.Params                { return m.p }
func (m *burst) Step(s *brain.State, lo, hi int, step int64, dst []int32) []int32 {
	if step == 0 {
		for i := lo; i < hi; i++ {
			dst = append(dst, int32(i))
		}
	}
	return dst
}

// TestUserParamsModel: a user model that implements ParamsModel gives its
// population its Params (name, Dale's law, efficacy) exactly as the
// GeneralizedNeuron does: an inhibitory one must project with weights ≤ 0,
// its spikes land in the inhibitory receptor scaled by its Efficacy; a
// model without Params gets the default (excitatory, Efficacy 1).
func TestUserParamsModel(t *testing.T) {
	mk := func() *brain.Population {
		pre, err := brain.NewModelPopulation("inh", 3, &burst{p: brain.Params{Name: "mine", Inhibitory: true, Efficacy: 0.5}})
		if err != nil {
			t.Fatal(err)
		}
		return pre
	}
	pre := mk()
	if pre.P.Name != "mine" || !pre.P.Inhibitory || pre.OutputScale() != 0.5 {
		t.Fatalf("P = {Name %q, Inhibitory %v, Efficacy %v}, want the model's {mine, true, 0.5}", pre.P.Name, pre.P.Inhibitory, pre.OutputScale())
	}
	post, err := brain.NewModelPopulation("post", 3, fourInputs{})
	if err != nil {
		t.Fatal(err)
	}
	if post.P.Inhibitory || post.OutputScale() != 1 || post.P.Name != "brain_test.fourInputs" {
		t.Errorf("a model without Params: P = {Name %q, Inhibitory %v, Efficacy %v}, want {brain_test.fourInputs, false, 1}", post.P.Name, post.P.Inhibitory, post.OutputScale())
	}

	// An excitatory weight from the inhibitory model is refused.
	net := brain.NewNetwork(0.1, 1)
	if _, err := net.Connect(pre, post, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(2)}); err == nil || !strings.Contains(err.Error(), "Dale's law") {
		t.Errorf("a weight of +2 from an inhibitory ParamsModel population: err = %v, want Dale's law", err)
	}

	pre, post2 := mk(), (*brain.Population)(nil)
	if post2, err = brain.NewModelPopulation("post", 3, fourInputs{}); err != nil {
		t.Fatal(err)
	}
	net = brain.NewNetwork(0.1, 1)
	proj, err := net.Connect(pre, post2, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(-2)})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(context.Background(), 1, nil); err != nil {
		t.Fatal(err)
	}
	if proj.Receptor() != brain.Inhibitory {
		t.Errorf("projection receptor %v, want Inhibitory", proj.Receptor())
	}
	// S1 sums what landed in receptor 1 (GABA_A, the inhibitory one): the
	// weight's magnitude 2 times Efficacy 0.5, once per cell.
	for i, s := range post2.Var("S1") {
		if s != 1 {
			t.Errorf("cell %d received %v in its inhibitory input, want |−2|·0.5 = 1", i, s)
		}
	}
	for _, name := range []string{"S0", "S2", "S3"} {
		for i, s := range post2.Var(name) {
			if s != 0 {
				t.Errorf("cell %d received %v in %s, want 0", i, s, name)
			}
		}
	}
}

// passiveC is the user passive model of TestGapCouplingCoefficient (τ =
// 10 ms, gL = 25 nS, so C = 250 pF) that also says its capacitance
// (brain.CapacitanceModel).
type passiveC struct {
	passive
	c float64 // pF
}

func (m *passiveC) Capacitance(_ *brain.State, _ int) float64 { return m.c }

// TestGapStabilityUserModel: Build's gap-junction stability check
// (Σg·dt/C < 0.5 per cell) applies to a user model that says its
// capacitance, as it does to the GeneralizedNeuron; it sums every set of
// junctions of the population; it refuses a capacitance that is not a
// finite number > 0; and a model that does not say its capacitance is not
// checked.
func TestGapStabilityUserModel(t *testing.T) {
	build := func(m brain.NeuronModel, gs ...float64) error {
		pop, err := brain.NewModelPopulation("pair", 3, m)
		if err != nil {
			t.Fatal(err)
		}
		net := brain.NewNetwork(0.1, 1)
		for _, g := range gs {
			if _, err := net.AddGapJunctions(pop, [][2]int{{1, 2}}, g); err != nil {
				t.Fatal(err)
			}
		}
		return net.Build()
	}
	newC := func(c float64) *passiveC { return &passiveC{passive: passive{exp: &brain.ExpCurrent{TauMS: 1}}, c: c} }
	for _, c := range []struct {
		name string
		m    brain.NeuronModel
		gs   []float64
		want string // "" for no error
	}{
		// 1000 nS·0.1 ms/250 pF = 0.4: stable.
		{"C = 250 pF, g·dt/C = 0.4", newC(250), []float64{1000}, ""},
		// 1250 nS·0.1 ms/250 pF = 0.5: refused, naming cell 1.
		{"C = 250 pF, g·dt/C = 0.5", newC(250), []float64{1250}, "cell 1 has 1250 nS"},
		// Two sets of 700 nS: 0.28 each, 0.56 together.
		{"two sets, 0.28 + 0.28", newC(250), []float64{700, 700}, "cell 1 has 1400 nS"},
		{"C = 0", newC(0), []float64{1}, "Capacitance of cell 1 = 0 pF"},
		{"C = NaN", newC(math.NaN()), []float64{1}, "Capacitance of cell 1 = NaN pF"},
		// Without CapacitanceModel there is nothing to check against.
		{"no capacitance", &passive{exp: &brain.ExpCurrent{TauMS: 1}}, []float64{1250}, ""},
		// The library's model goes through the same interface: Generic
		// has C = 200 pF, so 1000 nS gives 0.5.
		{"GeneralizedNeuron", &brain.GeneralizedNeuron{P: brain.Generic()}, []float64{1000}, "g·dt/C = 0.5"},
		{"GeneralizedNeuron, stable", &brain.GeneralizedNeuron{P: brain.Generic()}, []float64{900}, ""},
	} {
		err := build(c.m, c.gs...)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: Build: %v, want no error", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: Build: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// ramp is a user current source with state: each target's current grows by
// StepPA every step. It copies itself (brain.CurrentSourceCopier) when
// Copy is set.
type ramp struct {
	StepPA float64
	copies bool
	i      []float64
}

func (r *ramp) Validate() error                          { return nil }
func (r *ramp) String() string                           { return "ramp" }
func (r *ramp) Prepare(_ float64, s brain.Streams) error { r.i = make([]float64, s.Len()); return nil }
func (r *ramp) Add(_ int64, _ float64, cells []int32, dst []float64) {
	for k, c := range cells {
		r.i[k] += r.StepPA
		dst[c] += r.i[k]
	}
}

type copyingRamp struct{ ramp }

func (r *copyingRamp) Copy() brain.CurrentSource { return &copyingRamp{ramp{StepPA: r.StepPA}} }

// TestUserCurrentSourceCopier: a user's stateful current source that
// implements CurrentSourceCopier, injected twice from one value into the
// same cell, gets two copies with their own state, as OUNoise does (after
// n steps the cell has received 2·StepPA·n(n+1)/2); without Copy the two
// injections share the value's state, which advances twice a step.
func TestUserCurrentSourceCopier(t *testing.T) {
	total := func(src brain.CurrentSource) float64 {
		pop, err := brain.NewModelPopulation("sink", 1, &sinkIExt{})
		if err != nil {
			t.Fatal(err)
		}
		net := brain.NewNetwork(0.1, 1)
		for range 2 {
			if err := net.Inject(pop, nil, brain.Proximal, src); err != nil {
				t.Fatal(err)
			}
		}
		if err := net.Run(context.Background(), 1, nil); err != nil { // 10 steps
			t.Fatal(err)
		}
		return pop.Var("Q")[0]
	}
	// Two independent ramps of 1 pA per step over 10 steps: 2·(1+…+10).
	if got := total(&copyingRamp{ramp{StepPA: 1}}); got != 110 {
		t.Errorf("copied: the cell received %v pA·steps, want 2·55 = 110 (two independent ramps)", got)
	}
	// Shared state: the one ramp advances twice per step: 1+2+…+20.
	if got := total(&ramp{StepPA: 1}); got != 210 {
		t.Errorf("not copied: the cell received %v pA·steps, want 1+…+20 = 210 (one ramp, advanced twice a step)", got)
	}
}

// sinkIExt is a user model that sums its external current over the steps
// into Q.
type sinkIExt struct{}

func (*sinkIExt) Vars() []brain.Var                   { return []brain.Var{{Name: "Q", Unit: "pA"}} }
func (*sinkIExt) Prepare(float64, *brain.State) error { return nil }
func (*sinkIExt) Step(s *brain.State, lo, hi int, _ int64, dst []int32) []int32 {
	q, in := s.Var(0), s.IExt()
	for i := lo; i < hi; i++ {
		q[i] += in[i]
	}
	return dst
}
