package plasticity_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// TestInitialWeightAtWMax: VogelsSprekeler and RewardSTDP accept initial
// weights equal to WMax. Weights are stored in 32 bits and float32(0.3)
// lies above 0.3, so comparing the stored weight with the float64 bound
// refused them ("initial weight 0.3 outside [WMin, WMax] = [0, 0.3]").
// Weights truly above WMax are still refused.
func TestInitialWeightAtWMax(t *testing.T) {
	const wmax = 0.3 // float32(0.3) = 0.30000001192…
	build := func(rule brain.PlasticityRule, inhib bool, w float64) error {
		post := must(brain.NewPopulation("post", 4, brain.Generic()))
		src := must(brain.NewPoissonGroup("src", 6, 10))
		src.Inhibitory = inhib
		if inhib {
			w = -w
		}
		net := brain.NewNetwork(0.1, 1)
		if _, err := net.ConnectSource(src, post, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(w), Plasticity: rule}); err != nil {
			return err
		}
		return net.Build()
	}
	rules := []struct {
		name  string
		rule  func() brain.PlasticityRule
		inhib bool
	}{
		{"VogelsSprekeler", func() brain.PlasticityRule {
			return &plasticity.VogelsSprekeler{TauMS: 20, Eta: 1e-3, Rho0Hz: 5, WMax: wmax}
		}, true},
		{"RewardSTDP", func() brain.PlasticityRule {
			r := plasticity.Izhikevich2007()
			r.WMax = wmax
			return r
		}, false},
	}
	for _, c := range rules {
		if err := build(c.rule(), c.inhib, wmax); err != nil {
			t.Errorf("%s: initial weights = WMax = %v: %v", c.name, wmax, err)
		}
		if err := build(c.rule(), c.inhib, wmax*(1+1e-6)); err == nil || !strings.Contains(err.Error(), "outside [WMin, WMax]") {
			t.Errorf("%s: initial weights above WMax: error %v, want one naming the bounds", c.name, err)
		}
	}
}

// TestSetWeightInsideBounds: Projection.SetWeight refuses a weight outside
// the rule's [WMin, WMax] (brain.WeightBounder), naming the bounds, for
// each rule here and for a Combined one (the intersection); it accepted
// anything in [0, brain.MaxWeight].
func TestSetWeightInsideBounds(t *testing.T) {
	rules := []struct {
		name   string
		rule   func() brain.PlasticityRule
		inhib  bool
		w, bad float64
		bounds string
	}{
		{"VogelsSprekeler", func() brain.PlasticityRule {
			return &plasticity.VogelsSprekeler{TauMS: 20, Eta: 1e-3, Rho0Hz: 5, WMax: 0.3}
		}, true, 0.1, 0.5, "[0, 0.3]"},
		{"RewardSTDP", func() brain.PlasticityRule { return plasticity.Izhikevich2007() }, false, 1, 4.5, "[0, 4]"},
		{"Combined", func() brain.PlasticityRule {
			r := plasticity.Izhikevich2007()
			r.WMin = 0.5
			return plasticity.Combine(plasticity.DepressingPyrPyr(), r)
		}, false, 1, 0.25, "[0.5, 4]"},
		{"TsodyksMarkram", func() brain.PlasticityRule { return plasticity.DepressingPyrPyr() }, false, 1, 2e6, "[0, 1e+06]"},
	}
	for _, c := range rules {
		post := must(brain.NewPopulation("post", 4, brain.Generic()))
		src := must(brain.NewPoissonGroup("src", 6, 10))
		src.Inhibitory = c.inhib
		w := c.w
		if c.inhib {
			w = -w
		}
		net := brain.NewNetwork(0.1, 1)
		p := must(net.ConnectSource(src, post, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(w), Plasticity: c.rule()}))
		if err := net.Build(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err := p.SetWeight(2, c.bad)
		if err == nil || !strings.Contains(err.Error(), c.bounds) {
			t.Errorf("%s: SetWeight(2, %v): error %v, want one naming the bounds %s", c.name, c.bad, err, c.bounds)
		}
		if got := p.Weight(2); got != float64(float32(c.w)) {
			t.Errorf("%s: weight %v after a refused SetWeight, want %v", c.name, got, c.w)
		}
	}
}

// TestBadModulatorAndShortRuleChecked: the library's rules keep their
// weights in bounds only when they are given sane inputs. A Modulator
// whose level is NaN made RewardSTDP write NaN into every weight at its
// next batch update (min and max pass NaN through), silently until the
// cells blew up; now Run stops at the level, naming it, and the weights
// stay finite. A Combined rule whose short-term part is a user's
// Transmitter is checked too: a negative release factor from it stops Run
// (it reversed the synapses, against Dale's law).
func TestBadModulatorAndShortRuleChecked(t *testing.T) {
	net := brain.NewNetwork(0.1, 2)
	src := must(brain.NewPoissonGroup("src", 20, 20))
	cell := must(brain.NewPopulation("cell", 5, brain.Generic()))
	rule := plasticity.Izhikevich2007()
	rule.UpdateEveryMS = 1
	bad := brain.ModulatorFunc(func(t float64) float64 {
		if t >= 30 {
			return math.NaN()
		}
		return 0.1
	})
	proj := must(net.ConnectSource(src, cell, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(1), Plasticity: rule, Modulator: bad}))
	err := net.Run(context.Background(), 100, nil)
	if err == nil || !strings.Contains(err.Error(), "gave level NaN at t = 30 ms") {
		t.Errorf("RewardSTDP with a NaN modulator: error %v, want one naming the level at 30 ms", err)
	}
	for s := range proj.NumSynapses() {
		if w := proj.Weight(s); !(w >= 0 && w <= 4) {
			t.Fatalf("synapse %d: weight %v after the NaN level", s, w)
		}
	}

	net = brain.NewNetwork(0.1, 2)
	src = must(brain.NewPoissonGroup("src", 20, 20))
	cell = must(brain.NewPopulation("cell", 5, brain.Generic()))
	must(net.ConnectSource(src, cell, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(1),
		Plasticity: plasticity.Combine(&flipper{}, plasticity.Izhikevich2007())}))
	err = net.Run(context.Background(), 100, nil)
	if err == nil || !strings.Contains(err.Error(), "release factor -0.5") {
		t.Errorf("Combined with a Transmitter giving -0.5: error %v, want one naming the release factor", err)
	}
}

// flipper is a user's short-term rule that gives every spike the release
// factor −0.5.
type flipper struct{}

func (*flipper) Prepare(*brain.Synapses, float64) error         { return nil }
func (*flipper) Learn(*brain.Synapses, int64, []int32, []int32) {}
func (*flipper) Transmit(_ *brain.Synapses, _ int64, _ []int32, release []float64) {
	for n := range release {
		release[n] = -0.5
	}
}
