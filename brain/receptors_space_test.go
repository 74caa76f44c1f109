package brain_test

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// allMechanisms builds a network with every mechanism of this file group
// enabled: 1600 excitatory and 400 inhibitory ReceptorLIF cells at random
// positions in a periodic 1 mm square, wired by distance (Gaussian and
// exponential kernels) with distance-dependent delays, excitatory synapses
// onto AMPA and NMDA, inhibitory onto GABA_A and GABA_B, gap junctions
// among the inhibitory cells, and Poisson drive.
func allMechanisms(t testing.TB) (*brain.Network, [2]*brain.Population) {
	t.Helper()
	sp := brain.Space{Dim: 2, ExtentMM: [3]float64{1, 1}, Periodic: true}
	pe, err := brain.RandomPositions(1600, sp, 1)
	if err != nil {
		t.Fatal(err)
	}
	pi, err := brain.RandomPositions(400, sp, 2)
	if err != nil {
		t.Fatal(err)
	}
	e, err := brain.NewModelPopulation("E", 1600, &brain.ReceptorLIF{})
	if err != nil {
		t.Fatal(err)
	}
	i, err := brain.NewModelPopulation("I", 400, &brain.ReceptorLIF{})
	if err != nil {
		t.Fatal(err)
	}
	i.P.Inhibitory = true
	net := brain.NewNetwork(0.1, 21)
	for _, c := range []struct {
		pre, post   *brain.Population
		ppre, ppost *brain.Positions
		k           brain.DistanceKernel
		w           float64
		rec         string
	}{
		{e, e, pe, pe, brain.GaussianKernel{P0: 0.3, SigmaMM: 0.1}, 0.4, "AMPA"},
		{e, e, pe, pe, brain.GaussianKernel{P0: 0.3, SigmaMM: 0.1}, 0.1, "NMDA"},
		{e, i, pe, pi, brain.GaussianKernel{P0: 0.3, SigmaMM: 0.1}, 0.4, ""},
		{i, e, pi, pe, brain.ExponentialKernel{P0: 0.5, LambdaMM: 0.1}, -2, "GABA_A"},
		{i, e, pi, pe, brain.ExponentialKernel{P0: 0.5, LambdaMM: 0.1}, -0.2, "GABA_B"},
		{i, i, pi, pi, brain.ExponentialKernel{P0: 0.5, LambdaMM: 0.1}, -2, ""},
	} {
		conn := brain.DistanceProbability{Pre: c.ppre, Post: c.ppost, Kernel: c.k, NoSelf: true, DelayMS: 0.5, SpeedMMPerMS: 0.2}
		if _, err := net.Connect(c.pre, c.post, conn, brain.SynapseSpec{Weight: brain.Const(c.w), Receptor: c.rec}); err != nil {
			t.Fatal(err)
		}
	}
	var pairs [][2]int
	for a := range 400 {
		for b := a + 1; b < 400; b++ {
			if sp.Dist(pi.Pos[a], pi.Pos[b]) < 0.1 {
				pairs = append(pairs, [2]int{a, b})
			}
		}
	}
	if _, err := net.AddGapJunctions(i, pairs, 1); err != nil {
		t.Fatal(err)
	}
	in, err := brain.NewPoissonGroup("in", 400, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, post := range []*brain.Population{e, i} {
		if _, err := net.ConnectSource(in, post, brain.FixedInDegree{K: 60}, brain.SynapseSpec{Weight: brain.Const(4)}); err != nil {
			t.Fatal(err)
		}
	}
	return net, [2]*brain.Population{e, i}
}

// TestAllMechanismsDeterministic: with multiple receptors, NMDA and
// GABA_B, gap junctions and spatial wiring with distance delays all
// enabled, the spikes and the recorded NMDA and GABA_B conductances are
// the same for every GOMAXPROCS and worker count, and a run resumed from
// a checkpoint (spikes in flight in the delay rings, slow GABA_B
// conductances mid-decay) is bit-identical to the uninterrupted run.
func TestAllMechanismsDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	ctx := context.Background()
	type out struct {
		spikes []int32
		g      []float64
	}
	run := func(net *brain.Network, pops [2]*brain.Population, ms float64) out {
		rec, err := net.RecordSpikes(pops[0])
		if err != nil {
			t.Fatal(err)
		}
		sr, err := net.RecordState(pops[0], []int{3, 900}, []string{"gNMDA", "gGABAB", "V"}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Run(ctx, ms, nil); err != nil {
			t.Fatal(err)
		}
		steps, ids := rec.Spikes()
		var o out
		for k := range steps {
			o.spikes = append(o.spikes, steps[k], ids[k])
		}
		for _, v := range []string{"gNMDA", "gGABAB", "V"} {
			x, _ := sr.Trace(900, v)
			o.g = append(o.g, x...)
		}
		return o
	}
	var ref out
	for _, c := range []struct{ procs, workers int }{{1, 1}, {2, 2}, {8, 8}, {8, 3}, {2, 0}} {
		runtime.GOMAXPROCS(c.procs)
		net, pops := allMechanisms(t)
		net.Workers = c.workers
		got := run(net, pops, 300)
		if ref.spikes == nil {
			ref = got
			n := len(got.spikes) / 2
			rate := float64(n) / 1600 / 0.3
			t.Logf("E rate %.1f Hz, %d spikes, max gNMDA %.3g nS, max gGABAB %.3g nS", rate, n, slices.Max(got.g[:30]), slices.Max(got.g[30:60]))
			if rate < 1 || rate > 100 || slices.Max(got.g[:30]) <= 0 || slices.Max(got.g[30:60]) <= 0 {
				t.Fatalf("rate %.1f Hz or silent NMDA/GABA_B: the test needs an active network", rate)
			}
			continue
		}
		if !slices.Equal(got.spikes, ref.spikes) || !slices.Equal(got.g, ref.g) {
			t.Errorf("GOMAXPROCS %d, Workers %d: spikes or conductances differ from the serial run", c.procs, c.workers)
		}
	}
	runtime.GOMAXPROCS(2)
	first, _ := allMechanisms(t)
	if err := first.Run(ctx, 150, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Save(&buf); err != nil {
		t.Fatal(err)
	}
	second, pops := allMechanisms(t)
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	got := run(second, pops, 150)
	var want []int32
	for k := 0; k < len(ref.spikes); k += 2 {
		if ref.spikes[k] >= 1500 {
			want = ref.spikes[k:]
			break
		}
	}
	if !slices.Equal(got.spikes, want) {
		t.Errorf("resumed run: %d spikes, uninterrupted run %d after 150 ms", len(got.spikes)/2, len(want)/2)
	}
	// The state samples of the resumed run are the second half of the
	// uninterrupted run's (150 ms of 300 at every 10th step: 150 samples).
	for v := range 3 {
		if !slices.Equal(got.g[v*150:(v+1)*150], ref.g[v*300+150:(v+1)*300]) {
			t.Errorf("resumed run: recorded variable %d differs from the uninterrupted run", v)
		}
	}
}
