package plasticity_test

import (
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
