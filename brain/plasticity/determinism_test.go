package plasticity_test

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// allRules builds a 1000-cell network in which every rule of the package
// is at work: Poisson drive onto the excitatory cells through
// reward-modulated STDP (rewards follow the spikes), depressing E→E
// synapses that also learn with STDP (Combined), facilitating E→I
// synapses (TsodyksMarkram), and I→E synapses learning with
// VogelsSprekeler.
func allRules(t *testing.T, workers int) (*brain.Network, []*brain.Projection, []*brain.SpikeRecorder, *plasticity.Dopamine) {
	t.Helper()
	net := brain.NewNetwork(0.1, 11)
	net.Workers = workers
	exc := must(brain.NewPopulation("exc", 800, brain.Generic()))
	ip := brain.Generic()
	ip.Inhibitory = true
	inh := must(brain.NewPopulation("inh", 200, ip))
	drive := must(brain.NewPoissonGroup("drive", 400, 15))
	// Rewards follow the network's own spikes, so they live only in the
	// Dopamine: a resumed run needs them from the checkpoint.
	da := &plasticity.Dopamine{Amount: 0.5, TauMS: 200}
	if err := net.AddMonitor(rewardOn{da: da}); err != nil {
		t.Fatal(err)
	}
	rs := plasticity.Izhikevich2007()
	rs.WMax = 400
	rs.Rate = 50
	var projs []*brain.Projection
	for _, c := range []struct {
		pre  *brain.Population
		post *brain.Population
		w    brain.Value
		rule brain.PlasticityRule
	}{
		{exc, exc, brain.Const(60), plasticity.Combine(plasticity.DepressingPyrPyr(), brain.SongRule(120).NewRule())},
		{exc, inh, brain.Const(60), plasticity.FacilitatingPyrInterneuron()},
		{inh, exc, brain.Uniform(-60, -20), &plasticity.VogelsSprekeler{TauMS: 20, Eta: 2, Rho0Hz: 5, WMax: 200}},
	} {
		projs = append(projs, must(net.Connect(c.pre, c.post, brain.FixedProbability{P: 0.05}, brain.SynapseSpec{
			Weight: c.w, Delay: brain.Uniform(1, 3), Plasticity: c.rule})))
	}
	projs = append(projs, must(net.ConnectSource(drive, exc, brain.FixedProbability{P: 0.1}, brain.SynapseSpec{
		Weight: brain.Uniform(100, 300), Delay: brain.Const(1), Plasticity: rs, Modulator: da})))
	if _, err := net.ConnectSource(drive, inh, brain.FixedProbability{P: 0.1}, brain.SynapseSpec{Weight: brain.Const(150)}); err != nil {
		t.Fatal(err)
	}
	return net, projs, []*brain.SpikeRecorder{must(net.RecordSpikes(exc)), must(net.RecordSpikes(inh))}, da
}

// rewardOn rewards 40 ms after every step in which one of the excitatory
// cells 0–39 fires.
type rewardOn struct{ da *plasticity.Dopamine }

func (r rewardOn) Observe(v *brain.StepView) error {
	if s := v.Spikes(0); len(s) > 0 && s[0] < 40 {
		r.da.Reward(v.TimeMS() + 40)
	}
	return nil
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

func snapshot(projs []*brain.Projection, recs []*brain.SpikeRecorder) ([][]float64, [][]int32) {
	var ws [][]float64
	for _, p := range projs {
		ws = append(ws, p.Weights(nil))
	}
	var sp [][]int32
	for _, r := range recs {
		s, n := r.Spikes()
		sp = append(sp, slices.Clone(s), slices.Clone(n))
	}
	return ws, sp
}

func equalAll[T comparable](a, b [][]T) bool {
	return slices.EqualFunc(a, b, func(x, y []T) bool { return slices.Equal(x, y) })
}

// TestRulesWorkerCountAndCheckpoint: with every rule enabled, the spikes
// and weights are the same for every worker count and GOMAXPROCS, and a
// run saved halfway and resumed in a fresh network is bit-identical to
// the uninterrupted one.
func TestRulesWorkerCountAndCheckpoint(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	ctx := context.Background()
	const dur = 500.0
	var refW [][]float64
	var refS [][]int32
	for _, c := range []struct{ procs, workers int }{{1, 1}, {2, 2}, {4, 3}, {8, 8}} {
		runtime.GOMAXPROCS(c.procs)
		net, projs, recs, _ := allRules(t, c.workers)
		if err := net.Run(ctx, dur, nil); err != nil {
			t.Fatal(err)
		}
		w, s := snapshot(projs, recs)
		if refW == nil {
			refW, refS = w, s
			ne, ni := len(s[0]), len(s[2])
			t.Logf("%d excitatory and %d inhibitory spikes in %v ms", ne, ni, dur)
			if ne < 500 || ni < 100 {
				t.Fatalf("network too quiet to test anything: %d / %d spikes", ne, ni)
			}
			continue
		}
		if !equalAll(s, refS) {
			t.Errorf("GOMAXPROCS %d, Workers %d: spikes differ from the serial run", c.procs, c.workers)
		}
		if !equalAll(w, refW) {
			t.Errorf("GOMAXPROCS %d, Workers %d: weights differ from the serial run", c.procs, c.workers)
		}
	}
	// The plastic rules changed their weights.
	net0, projs0, _, _ := allRules(t, 1)
	if err := net0.Build(); err != nil {
		t.Fatal(err)
	}
	for k, p := range projs0 {
		if k == 1 { // short-term plasticity alone: weights constant
			continue
		}
		if slices.Equal(p.Weights(nil), refW[k]) {
			t.Errorf("projection %s: weights unchanged after %v ms", p.Name, dur)
		}
	}
	// Checkpoint halfway, resume in a fresh network.
	first, _, _, da1 := allRules(t, 2)
	half := dur/2 - 7.3
	if err := first.Run(ctx, half, nil); err != nil {
		t.Fatal(err)
	}
	if r := da1.Rewards(); len(r) == 0 || r[len(r)-1] <= half || r[0] > half {
		t.Fatalf("rewards at %v ms: want some before and one pending at the checkpoint (%v ms), for the test to mean something", r, half)
	}
	var buf bytes.Buffer
	if err := first.Save(&buf); err != nil {
		t.Fatal(err)
	}
	second, projs2, recs2, _ := allRules(t, 3)
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(ctx, dur/2+7.3, nil); err != nil {
		t.Fatal(err)
	}
	w2, _ := snapshot(projs2, recs2)
	if !equalAll(w2, refW) {
		t.Error("resumed run: weights differ from the uninterrupted run's")
	}
	// Spikes after the checkpoint equal the reference's second half.
	_, s2 := snapshot(projs2, recs2)
	for pop := range 2 {
		steps, ids := s2[2*pop], s2[2*pop+1]
		rs, rn := refS[2*pop], refS[2*pop+1]
		if len(steps) == 0 {
			t.Fatalf("population %d: no spikes after the resume", pop)
		}
		k := slices.IndexFunc(rs, func(s int32) bool { return s >= steps[0] })
		if k < 0 || !slices.Equal(rs[k:], steps) || !slices.Equal(rn[k:], ids) {
			t.Errorf("population %d: spikes after the resume differ from the uninterrupted run's", pop)
		}
	}
}
