package brain_test

// A plasticity rule written outside the package: reward-modulated STDP
// with eligibility traces (Izhikevich 2007, Cereb Cortex 17:2443), which
// the library does not ship. It uses every hook: presynaptic and
// postsynaptic spikes (the STDP pairing that sets a synapse's eligibility
// c), the per-step call (c decays, w follows c·dopamine) and the
// neuromodulator (dopamine).

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// rstdp: on a pre-before-post pair at interval Δt the eligibility c of the
// synapse grows by APlus·exp(−Δt/τ), on post-before-pre it falls by
// AMinus·exp(−Δt/τ); c decays with TauC; the weight follows
// dw/dt = Rate·c·d(t), d the dopamine level (brain.Synapses.Modulation),
// clipped to [0, WMax]. Izhikevich (2007): τ = 20 ms, TauC = 1 s,
// APlus = 1, AMinus = 1.5; Rate (1/ms) sets the weight units.
type rstdp struct {
	TauMS, TauCMS, APlus, AMinus, WMax, Rate float64

	c            []float64 // eligibility per synapse
	xPre, xPost  []float64 // pair traces per cell
	dC, dX, dt   float64
	colPtr, cols []uint32
}

func (r *rstdp) Prepare(s *brain.Synapses, dt float64) error {
	if !(r.TauMS > 0 && r.TauCMS > 0 && r.WMax > 0) {
		return fmt.Errorf("rstdp: TauMS = %v, TauCMS = %v, WMax = %v: must be > 0", r.TauMS, r.TauCMS, r.WMax)
	}
	r.c = make([]float64, s.Len())
	r.xPre, r.xPost = make([]float64, s.NPre()), make([]float64, s.NPost())
	r.dC, r.dX, r.dt = math.Exp(-dt/r.TauCMS), math.Exp(-dt/r.TauMS), dt
	r.colPtr, r.cols = s.Incoming()
	return nil
}

func (r *rstdp) Learn(s *brain.Synapses, step int64, pre, post []int32) {
	w, tg := s.Weights(), s.Targets()
	for _, i := range pre { // post-before-pre: depress eligibility
		lo, hi := s.Row(int(i))
		for k := lo; k < hi; k++ {
			r.c[k] -= r.AMinus * r.xPost[tg[k]]
		}
		r.xPre[i]++
	}
	for _, j := range post { // pre-before-post: potentiate eligibility
		i := 0
		for _, k := range r.cols[r.colPtr[j]:r.colPtr[j+1]] {
			i = s.RowOf(k, i)
			r.c[k] += r.APlus * r.xPre[i]
		}
		r.xPost[j]++
	}
	d := s.Modulation(step) * r.dt * r.Rate
	for k, c := range r.c {
		w[k] = float32(min(max(float64(w[k])+c*d, 0), r.WMax))
		r.c[k] = c * r.dC
	}
	for i := range r.xPre {
		r.xPre[i] *= r.dX
	}
	for j := range r.xPost {
		r.xPost[j] *= r.dX
	}
}

func (r *rstdp) SaveState(e *brain.StateEncoder) {
	e.Float64s(r.c)
	e.Float64s(r.xPre)
	e.Float64s(r.xPost)
}

func (r *rstdp) RestoreState(d *brain.StateDecoder) error {
	d.Float64s(r.c)
	d.Float64s(r.xPre)
	d.Float64s(r.xPost)
	return d.Err()
}

func newRSTDP() *rstdp {
	return &rstdp{TauMS: 20, TauCMS: 1000, APlus: 1, AMinus: 1.5, WMax: 4, Rate: 0.01}
}

// dopamine is a sum of pulses 0.5·exp(−(t − t_r)/200 ms) at the reward
// times (Izhikevich 2007: d jumps by 0.5 per reward, τ_d = 200 ms).
func dopamine(rewardsMS ...float64) brain.ModulatorFunc {
	return func(t float64) float64 {
		d := 0.0
		for _, tr := range rewardsMS {
			if t >= tr {
				d += 0.5 * math.Exp(-(t-tr)/200)
			}
		}
		return d
	}
}

// TestRewardSTDPDistalReward: one presynaptic spike followed 10 ms later
// by a postsynaptic spike makes the synapse eligible; a reward 1 s later
// still potentiates it (the "distal reward" of Izhikevich 2007), a reward
// 5 s later (five eligibility time constants) by e⁻⁴ ≈ 2 % as much, no
// reward not at all, and a post-before-pre pairing followed by reward
// depresses it.
func TestRewardSTDPDistalReward(t *testing.T) {
	run := func(preMS, postMS float64, rewards ...float64) float64 {
		net := brain.NewNetwork(0.1, 1)
		pre := must(brain.NewSpikeSourceArray("pre", [][]float64{{preMS}}))
		teacher := must(brain.NewSpikeSourceArray("teacher", [][]float64{{postMS - 1.5}}))
		cell := must(brain.NewPopulation("cell", 1, brain.Generic()))
		rule := newRSTDP()
		proj := must(net.ConnectSource(pre, cell, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1), Plasticity: rule, Modulator: dopamine(rewards...)}))
		if _, err := net.ConnectSource(teacher, cell, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1200)}); err != nil {
			t.Fatal(err)
		}
		rec := must(net.RecordSpikes(cell))
		if err := net.Run(context.Background(), 7000, nil); err != nil {
			t.Fatal(err)
		}
		if tr := rec.Times(0); len(tr) != 1 || math.Abs(tr[0]-postMS) > 1 {
			t.Fatalf("teacher: postsynaptic spikes at %v, want one near %v ms", tr, postMS)
		}
		return proj.Weight(0) - 1
	}
	// With one pairing at Δt = 10 ms, c = exp(−0.5) ≈ 0.61 after the pair
	// and decays with 1 s; a reward at t_r adds Rate·∫ c·d dt =
	// 0.01·0.61·e^(−(t_r−t_pair)/1000)·0.5·(1/(1/200 + 1/1000)) ≈
	// 0.51·e^(−Δ/1000).
	const pairMS = 100
	want := func(delayMS float64) float64 {
		return 0.01 * math.Exp(-0.5) * math.Exp(-delayMS/1000) * 0.5 / (1.0/200 + 1.0/1000)
	}
	for _, c := range []struct {
		name            string
		pre, post       float64
		rewards         []float64
		want, tolerance float64
	}{
		{"reward after 1 s", pairMS, pairMS + 10, []float64{pairMS + 1000}, want(990), 0.1 * want(990)},
		{"reward after 5 s", pairMS, pairMS + 10, []float64{pairMS + 5000}, want(4990), 0.2 * want(4990)},
		{"no reward", pairMS, pairMS + 10, nil, 0, 1e-9},
		{"post before pre, reward after 1 s", pairMS + 10, pairMS, []float64{pairMS + 1000}, -1.5 * want(990), 0.1 * 1.5 * want(990)},
	} {
		got := run(c.pre, c.post, c.rewards...)
		t.Logf("%s: Δw = %.4f (want %.4f)", c.name, got, c.want)
		if math.Abs(got-c.want) > c.tolerance {
			t.Errorf("%s: Δw = %.4f, want %.4f ± %.4f", c.name, got, c.want, c.tolerance)
		}
	}
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(err)
	}
	return x
}

// TestUserRuleDeterminismCheckpoint: a network with the user's rule, model
// and receptor (condNetwork plus a reward-modulated projection) gives the
// same weights for every worker count and resumes bit-exactly.
func TestUserRuleDeterminismCheckpoint(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	ctx := context.Background()
	build := func(workers int) (*brain.Network, *brain.Projection) {
		net, pops := condNetwork(t, 9, newCondLIF(), newCondLIF())
		net.Workers = workers
		in := must(brain.NewPoissonGroup("plastic in", 300, 8))
		rewards := []float64{150, 300, 450}
		p, err := net.ConnectSource(in, pops[0], brain.FixedProbability{P: 0.2}, brain.SynapseSpec{
			Weight: brain.Uniform(0, 1), Plasticity: newRSTDP(), Modulator: dopamine(rewards...), Delay: brain.Const(1)})
		if err != nil {
			t.Fatal(err)
		}
		return net, p
	}
	var ref []float64
	for _, c := range []struct{ procs, workers int }{{1, 1}, {2, 2}, {8, 8}, {8, 3}} {
		runtime.GOMAXPROCS(c.procs)
		net, p := build(c.workers)
		if err := net.Run(ctx, 600, nil); err != nil {
			t.Fatal(err)
		}
		w := p.Weights(nil)
		if ref == nil {
			ref = w
			continue
		}
		if !slices.Equal(w, ref) {
			t.Errorf("GOMAXPROCS %d, Workers %d: weights differ from the serial run", c.procs, c.workers)
		}
	}
	// The rule changed the weights.
	first, p0 := build(0)
	if err := first.Build(); err != nil {
		t.Fatal(err)
	}
	w0 := p0.Weights(nil)
	changed := 0
	for k := range w0 {
		if w0[k] != ref[k] {
			changed++
		}
	}
	if changed < len(w0)/10 {
		t.Errorf("reward-modulated STDP changed %d of %d weights in 600 ms with three rewards: want ≥ 10 %%", changed, len(w0))
	}
	if err := first.Run(ctx, 280, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Save(&buf); err != nil {
		t.Fatal(err)
	}
	second, p2 := build(0)
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(ctx, 320, nil); err != nil {
		t.Fatal(err)
	}
	if w := p2.Weights(nil); !slices.Equal(w, ref) {
		t.Error("resumed run: weights differ from the uninterrupted run's")
	}
}
