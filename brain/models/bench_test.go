package models_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
)

// The standard benchmark networks (package brain/models; Brette et al. 2007;
// Vogels & Abbott 2005; Song, Miller & Abbott 2000), built with the same
// constructors users call (CUBA, COBA, SongSTDP) and run through
// Network.Run. Compare with
//
//	go test ./brain/models -run '^$' -bench 'CUBA|COBA|SongSTDP' -cpu 1,2 -count 10 > new.txt
//	benchstat old.txt new.txt
//
// -cpu sets GOMAXPROCS; each network then runs as a user's would, with
// Network.Workers left at 0 (every core for networks of 2000 cells or
// more, so the STDP network of 1001 cells stays on one). The sizes beyond
// 64 000 neurons run only with -bench.large. `go run ./cmd/neuron bench` prints the same figures as a
// table, with peak memory per model and Brian2 side by side.

var benchLarge = flag.Bool("bench.large", false, "also benchmark CUBA at 256 000 and 1 000 000 neurons")

// sinkBench keeps the compiler from discarding the benchmarked work.
var sinkBench int

// benchCounter records every population and source of a network and
// turns the recorded spikes into synaptic events (the sum of the spiking
// cells' out-degrees over every projection).
type benchCounter struct {
	recs []*brain.SpikeRecorder
	deg  [][]int32 // out-degree of every cell, per recorder
	pops []*brain.Population
}

func newBenchCounter(net *brain.Network) (*benchCounter, error) {
	c := &benchCounter{}
	var pres []func(*brain.Projection) bool
	var sizes []int
	for _, pop := range net.Populations() {
		r, err := net.RecordSpikes(pop)
		if err != nil {
			return nil, err
		}
		c.recs = append(c.recs, r)
		c.pops = append(c.pops, pop)
		pres = append(pres, func(p *brain.Projection) bool { return p.Pre() == pop })
		sizes = append(sizes, pop.N)
	}
	for _, src := range net.Sources() {
		r, err := net.RecordSourceSpikes(src)
		if err != nil {
			return nil, err
		}
		c.recs = append(c.recs, r)
		pres = append(pres, func(p *brain.Projection) bool { return p.PreSource() == src })
		sizes = append(sizes, src.Len())
	}
	if err := net.Build(); err != nil {
		return nil, err
	}
	for k, pre := range pres {
		deg := make([]int32, sizes[k])
		for _, p := range net.Projections() {
			if !pre(p) {
				continue
			}
			for i := range deg {
				lo, hi := p.Row(i)
				deg[i] += int32(hi - lo)
			}
		}
		c.deg = append(c.deg, deg)
	}
	return c, nil
}

// take returns the spikes and synaptic events recorded since the last
// call (population spikes only in spikes) and forgets them.
func (c *benchCounter) take() (spikes, events int64) {
	for k, r := range c.recs {
		_, neurons := r.Spikes()
		if k < len(c.pops) {
			spikes += int64(len(neurons))
		}
		for _, i := range neurons {
			events += int64(c.deg[k][i])
		}
		r.Reset()
	}
	return spikes, events
}

// bytesPerSynapse is the connectivity and plasticity memory of net per
// synapse (Projection.Bytes).
func bytesPerSynapse(net *brain.Network) float64 {
	var b int64
	var s int
	for _, p := range net.Projections() {
		b += p.Bytes()
		s += p.NumSynapses()
	}
	return float64(b) / float64(max(s, 1))
}

// benchmarkRun times chunkMS of simulated time per iteration of a network
// that has already run warmMS, and reports simulated seconds per wall
// second, synaptic events per second (wall), the mean rate of the
// recorded populations and bytes per synapse.
func benchmarkRun(b *testing.B, build func() (*brain.Network, error), warmMS, chunkMS float64) {
	net, err := build()
	if err != nil {
		b.Fatal(err)
	}
	c, err := newBenchCounter(net)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := net.Run(ctx, warmMS, nil); err != nil {
		b.Fatal(err)
	}
	c.take()
	var spikes, events int64
	b.ReportAllocs()
	cpu0, cpuOK := processCPUNanos()
	for b.Loop() {
		if err := net.Run(ctx, chunkMS, nil); err != nil {
			b.Fatal(err)
		}
		s, e := c.take()
		spikes += s
		events += e
	}
	cells := 0
	for _, p := range c.pops {
		cells += p.N
	}
	wall := b.Elapsed().Seconds()
	sim := float64(b.N) * chunkMS / 1000
	b.ReportMetric(sim/wall, "sim-s/wall-s")
	if cpu1, ok := processCPUNanos(); ok && cpuOK {
		// CPU seconds of every worker per simulated second (on a shared
		// machine steadier than the wall time)
		b.ReportMetric(float64(cpu1-cpu0)/1e9/sim, "cpu-s/sim-s")
	}
	b.ReportMetric(float64(events)/wall, "events/s")
	b.ReportMetric(float64(spikes)/float64(cells)/sim, "Hz")
	b.ReportMetric(bytesPerSynapse(net), "B/synapse")
	sinkBench += int(spikes)
}

func benchSizes() []int {
	sizes := []int{4000, 16000, 64000}
	if *benchLarge {
		sizes = append(sizes, 256000, 1000000)
	}
	return sizes
}

// BenchmarkCUBA runs the current-based benchmark network (Brette et al.
// 2007 benchmark 2) at in-degree 80, 100 ms of simulated time per
// iteration after a 100 ms transient.
func BenchmarkCUBA(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchmarkRun(b, func() (*brain.Network, error) { return models.CUBA(n, 1) }, 100, 100)
		})
	}
}

// BenchmarkCOBA runs the conductance-based benchmark network (Brette et
// al. 2007 benchmark 1), as BenchmarkCUBA.
func BenchmarkCOBA(b *testing.B) {
	for _, n := range []int{4000, 16000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchmarkRun(b, func() (*brain.Network, error) { return models.COBA(n, 1) }, 100, 100)
		})
	}
}

// BenchmarkSongSTDP runs the Song, Miller & Abbott 2000 network (1000
// Poisson inputs at 15 Hz through STDP synapses onto one cell), 1 s of
// simulated time per iteration after 1 s.
func BenchmarkSongSTDP(b *testing.B) {
	b.Run("inputs=1000", func(b *testing.B) {
		benchmarkRun(b, func() (*brain.Network, error) { return models.SongSTDP(1) }, 1000, 1000)
	})
}

// BenchmarkBuild times the construction of the benchmark networks:
// constructor, connectivity and Build.
func BenchmarkBuild(b *testing.B) {
	for _, c := range []struct {
		name  string
		build func() (*brain.Network, error)
	}{
		{"CUBA/N=4000", func() (*brain.Network, error) { return models.CUBA(4000, 1) }},
		{"CUBA/N=64000", func() (*brain.Network, error) { return models.CUBA(64000, 1) }},
		{"COBA/N=4000", func() (*brain.Network, error) { return models.COBA(4000, 1) }},
		{"SongSTDP/inputs=1000", func() (*brain.Network, error) { return models.SongSTDP(1) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var bps float64
			for b.Loop() {
				net, err := c.build()
				if err == nil {
					err = net.Build()
				}
				if err != nil {
					b.Fatal(err)
				}
				bps = bytesPerSynapse(net)
			}
			b.ReportMetric(bps, "B/synapse")
		})
	}
}

// TestBenchmarkModelsDoNotAllocate guards the step loop of the benchmark
// networks: after a warm-up, Run allocates nothing per step. Run may
// allocate a fixed amount when it starts (its worker pool's goroutines and
// channels, whose count the Go runtime varies by one or two), so a run of
// 2000 steps may allocate at most 2 more times than a run of 20 steps
// (< 0.001 allocations per step).
func TestBenchmarkModelsDoNotAllocate(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		build func() (*brain.Network, error)
	}{
		{"CUBA", func() (*brain.Network, error) { return models.CUBA(1000, 1) }},
		{"COBA", func() (*brain.Network, error) { return models.COBA(1000, 1) }},
		{"COBA, forward Euler", func() (*brain.Network, error) {
			net, err := models.COBA(1000, 1)
			if err == nil {
				for _, p := range net.Populations() {
					p.P.Integrator = brain.ForwardEuler
				}
			}
			return net, err
		}},
		{"SongSTDP", func() (*brain.Network, error) { return models.SongSTDP(1) }},
	} {
		for _, procs := range []int{1, 2} {
			runtime.GOMAXPROCS(procs)
			net := must(c.build())
			net.Workers = procs
			if err := net.Run(ctx, 50, nil); err != nil {
				t.Fatal(err)
			}
			perRun := func(ms float64) float64 {
				return testing.AllocsPerRun(5, func() {
					if err := net.Run(ctx, ms, nil); err != nil {
						t.Fatal(err)
					}
				})
			}
			short, long := perRun(2), perRun(200)
			if long > short+2 {
				t.Errorf("%s, GOMAXPROCS %d: Run allocates %v times for 20 steps and %v for 2000: the step loop allocates", c.name, procs, short, long)
			}
			if short > 16 {
				t.Errorf("%s, GOMAXPROCS %d: Run allocates %v times at start (want ≤ 16)", c.name, procs, short)
			}
		}
	}
}

// TestSynapticEvents: SynapticEvents counts every recorded spike once per
// outgoing synapse (computed here from the recorders and Projection.Row).
func TestSynapticEvents(t *testing.T) {
	for _, build := range []func() (*brain.Network, error){
		func() (*brain.Network, error) { return models.CUBA(1000, 3) },
		func() (*brain.Network, error) { return models.SongSTDP(3) },
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
