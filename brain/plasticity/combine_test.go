package plasticity_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// forcedProbe is a cell that fires at the given steps whatever its input
// and keeps, each step, the excitatory input delivered to it ("in", pA),
// then clears it.
type forcedProbe struct{ fire []int64 }

func (forcedProbe) Vars() []brain.Var                   { return []brain.Var{{Name: "in", Unit: "pA"}} }
func (forcedProbe) Prepare(float64, *brain.State) error { return nil }
func (f forcedProbe) Step(s *brain.State, lo, hi int, step int64, dst []int32) []int32 {
	got, e := s.Var(0), s.Input(brain.Excitatory)
	for k := lo; k < hi; k++ {
		got[k] = e[k]
		e[k] = 0
	}
	if _, ok := slices.BinarySearch(f.fire, step); ok && lo == 0 && hi > 0 {
		dst = append(dst, 0)
	}
	return dst
}

// pairedRun sends the presynaptic train pre (ms) through one synapse of
// weight 50 pA with rule onto a probe that fires at post (ms), for durMS,
// saving and restoring the network into a fresh one at cutMS when cutMS >
// 0. It returns the amplitude each presynaptic spike delivered (in spike
// order) and the final weight.
func pairedRun(t *testing.T, rule func() brain.PlasticityRule, pre, post []float64, durMS, cutMS float64) ([]float64, float64) {
	t.Helper()
	const dt = 0.1
	build := func() (*brain.Network, *brain.Projection, *brain.StateRecorder) {
		net := brain.NewNetwork(dt, 3)
		src := must(brain.NewSpikeSourceArray("pre", [][]float64{pre}))
		var fire []int64
		for _, p := range post {
			fire = append(fire, int64(math.Round(p/dt)))
		}
		cell := must(brain.NewModelPopulation("probe", 1, forcedProbe{fire: fire}))
		pr := must(net.ConnectSource(src, cell, brain.OneToOne{}, brain.SynapseSpec{
			Weight: brain.Const(50), Delay: brain.Const(1), Plasticity: rule()}))
		return net, pr, must(net.RecordState(cell, []int{0}, []string{"in"}, 1))
	}
	net, pr, rec := build()
	var in []float64
	if cutMS > 0 {
		if err := net.Run(context.Background(), cutMS, nil); err != nil {
			t.Fatal(err)
		}
		first, _ := rec.Trace(0, "in")
		in = slices.Clone(first)
		var buf bytes.Buffer
		if err := net.Save(&buf); err != nil {
			t.Fatal(err)
		}
		net, pr, rec = build()
		if err := net.Restore(&buf); err != nil {
			t.Fatal(err)
		}
		durMS -= cutMS
	}
	if err := net.Run(context.Background(), durMS, nil); err != nil {
		t.Fatal(err)
	}
	rest, _ := rec.Trace(0, "in")
	in = append(in, rest...)
	var amps []float64
	for _, x := range in {
		if x != 0 {
			amps = append(amps, x)
		}
	}
	return amps, pr.Weight(0)
}

// TestCombinedSTPAndSTDP: on one projection carrying both Tsodyks–Markram
// short-term plasticity and pair STDP, spike n delivers w_n·u_n·x_n,
// where w_n is the weight STDP has reached (measured by the same run with
// STDP alone: the probe's spikes are forced, so the weights do not depend
// on the transmission) and u_n·x_n the model's recursion (written
// independently in stp_test.go); the weights learn exactly as without
// short-term plasticity; and a run saved and resumed halfway in a fresh
// network is bit-identical.
func TestCombinedSTPAndSTDP(t *testing.T) {
	pre := poissonTimes(7, 20, 3000, 0.1)
	var post []float64
	for _, p := range poissonTimes(8, 15, 3000, 0.1) {
		post = append(post, p+0.3) // off the presynaptic grid points
	}
	stdp := brain.SongRule(100)
	stdp.APlus, stdp.AMinus = 2, 2.1 // pA: weights move visibly
	alone := func() brain.PlasticityRule { return stdp.NewRule() }
	both := func() brain.PlasticityRule {
		return plasticity.Combine(plasticity.DepressingPyrPyr(), stdp.NewRule())
	}
	w, wEnd := pairedRun(t, alone, pre, post, 3010, 0)
	got, gotEnd := pairedRun(t, both, pre, post, 3010, 0)
	ux := tmRecursion(0.5, 800, 0, pre)
	if len(w) != len(pre) || len(got) != len(pre) {
		t.Fatalf("%d and %d amplitudes for %d spikes", len(w), len(got), len(pre))
	}
	lo, hi := slices.Min(w), slices.Max(w)
	if hi-lo < 5 {
		t.Fatalf("STDP moved the weight only within [%v, %v] pA: the test shows nothing", lo, hi)
	}
	worst := 0.0
	for n := range got {
		worst = max(worst, math.Abs(got[n]-w[n]*ux[n])/w[n])
	}
	t.Logf("%d spikes; weight %v → %v pA (range %.1f–%.1f); worst |PSC − w·u·x|/w = %.2g", len(pre), 50, wEnd, lo, hi, worst)
	if worst > 1e-9 {
		t.Errorf("worst |PSC − w_STDP·u·x|/w = %.3g, want ≤ 1e-9", worst)
	}
	if gotEnd != wEnd {
		t.Errorf("final weight %v with short-term plasticity, %v without: want the same", gotEnd, wEnd)
	}
	res, resEnd := pairedRun(t, both, pre, post, 3010, 1234.5)
	if !slices.Equal(res, got) || resEnd != gotEnd {
		t.Errorf("resumed run differs from the uninterrupted one (final weight %v against %v)", resEnd, gotEnd)
	}
}

func TestCombinedNeedsBoth(t *testing.T) {
	net := brain.NewNetwork(0.1, 1)
	src := must(brain.NewSpikeSourceArray("pre", [][]float64{{1}}))
	cell := must(brain.NewPopulation("c", 1, brain.Generic()))
	if _, err := net.ConnectSource(src, cell, brain.OneToOne{}, brain.SynapseSpec{
		Weight: brain.Const(1), Plasticity: plasticity.Combine(plasticity.DepressingPyrPyr(), nil)}); err != nil {
		return // refused at Connect: fine
	}
	if err := net.Build(); err == nil {
		t.Error("Combined without Long: no error")
	}
}
