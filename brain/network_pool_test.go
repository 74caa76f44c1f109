package brain

import (
	"context"
	"runtime"
	"slices"
	"testing"
)

// TestTeamRunsEveryPhaseOnce drives the worker team through many short
// phases with more goroutines than cores (so that workers sleep, wake late
// and race the caller's wake-up loop): every worker must run every phase
// exactly once, in order.
func TestTeamRunsEveryPhaseOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	for round := range 20 {
		tm := newTeam(8)
		var ran [8]int
		for ph := range 2000 {
			tm.do(func(w int) {
				ran[w]++
				for i := 0; i < 200*w*(ph%3); i++ { // uneven work
					ran[w] += 0
				}
			})
			for w, k := range ran {
				if k != ph+1 {
					tm.close()
					t.Fatalf("round %d, phase %d: worker %d ran %d phases", round, ph, w, k)
				}
			}
		}
		tm.close()
	}
}

// TestWorkersSplitPopulations: a network whose populations are split into
// segments (delays of several steps, STDP, Poisson and array sources,
// current sources, a dendritic population) gives bit-identical spikes,
// membrane potentials and weights with 1, 2, 3 and 5 workers, also when
// the run is cut into pieces with different worker counts.
func TestWorkersSplitPopulations(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	type result struct {
		spikes [][]int32
		v      []float64
		w      []float64
	}
	run := func(workers ...int) result {
		net, recs := richNetwork(t, 7, 2400)
		for _, w := range workers {
			runtime.GOMAXPROCS(w)
			net.Workers = w
			if err := net.Run(context.Background(), 240/float64(len(workers)), nil); err != nil {
				t.Fatal(err)
			}
		}
		var ws []float64
		for _, p := range net.Projections() {
			ws = p.Weights(ws[len(ws):])
		}
		return result{spikesOf(recs), slices.Clone(net.Population("exc").V), ws}
	}
	ref := run(1)
	if len(ref.spikes[0]) == 0 {
		t.Fatal("network is silent")
	}
	for _, ws := range [][]int{{2}, {3}, {5}, {3, 1, 2}} {
		got := run(ws...)
		if !sameSpikes(got.spikes, ref.spikes) {
			t.Errorf("workers %v: spikes differ from 1 worker", ws)
		}
		if !slices.Equal(got.v, ref.v) {
			t.Errorf("workers %v: membrane potentials differ from 1 worker", ws)
		}
		if !slices.Equal(got.w, ref.w) {
			t.Errorf("workers %v: weights differ from 1 worker", ws)
		}
	}
}

// TestSynapticEvents: SynapticEvents counts every recorded spike once per
// outgoing synapse (computed here from the recorders and Projection.Row).
func TestSynapticEvents(t *testing.T) {
	for _, build := range []func() (*Network, error){
		func() (*Network, error) { return CUBA(1000, 3) },
		func() (*Network, error) { return SongSTDP(3) },
	} {
		net := must(build())
		c, err := newBenchCounter(net)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Run(context.Background(), 200, nil); err != nil {
			t.Fatal(err)
		}
		_, want := c.take()
		if got := net.SynapticEvents(); got != want || want == 0 {
			t.Errorf("SynapticEvents = %d, recorded spikes give %d", got, want)
		}
	}
}

// TestParallelConnectivity: large FixedProbability and AllToAll
// projections, generated in parallel chunks, are the same with 1 and 3
// cores.
func TestParallelConnectivity(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	build := func(procs int) [][]uint32 {
		runtime.GOMAXPROCS(procs)
		net := must(CUBA(20000, 9))
		a := must(NewPopulation("a", 5000, Generic()))
		b := must(NewPopulation("b", 60, Generic()))
		must(net.Connect(a, b, AllToAll{}, SynapseSpec{Weight: Const(1)}))
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		var out [][]uint32
		for _, p := range net.Projections() {
			rows := make([]uint32, 0, 5001)
			for i := range p.Pre().N {
				lo, _ := p.Row(i)
				rows = append(rows, uint32(lo))
			}
			out = append(out, slices.Clone(p.Targets()), rows)
		}
		return out
	}
	one, three := build(1), build(3)
	for k := range one {
		if !slices.Equal(one[k], three[k]) {
			t.Errorf("array %d differs between 1 and 3 cores", k)
		}
	}
}
