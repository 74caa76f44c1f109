package brain_test

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
)

// BenchmarkCores runs CUBA and COBA 4000 (100 ms per iteration after a
// 100 ms transient) on one worker (solo), cut into two workers' tasks but
// run by one (split: the cost of cutting), on two workers kept in parallel
// mode (peer steps, network_peer.go, for these networks; phases: the
// general parallel step instead), and on two workers under the pacer, and
// reports wall and CPU time per step: what the second core buys, and what
// it costs. In paced mode par-epochs is the fraction of the pacer's epochs
// run in parallel. The -1s modes run 1 s per iteration, so that a batch of
// peer steps lasts 100 steps (the workers' replicas of split populations,
// network_replica.go, are used only in batches of 32 steps or more).
// The fresh modes build a new network for every iteration (outside the
// timer) and time one Run of 1 s from its start, as `neuron bench` does:
// fresh-1s on GOMAXPROCS workers under a new pacer, fresh-solo-1s on one,
// fresh-blind-1s as fresh-1s with a pacer that tries parallel epochs even
// while other tasks run (brain.LoadBlind).
func BenchmarkCores(b *testing.B) {

	nets := []struct {
		name  string
		build func() (*brain.Network, error)
	}{
		{"CUBA", func() (*brain.Network, error) { return models.CUBA(4000, 1) }},
		{"COBA", func() (*brain.Network, error) { return models.COBA(4000, 1) }},
		{"COBAEuler", func() (*brain.Network, error) {
			net, err := models.COBA(4000, 1)
			if err == nil {
				for _, p := range net.Populations() {
					p.P.Integrator = brain.ForwardEuler
				}
			}
			return net, err
		}},
	}
	modes := []string{"solo", "split", "parallel", "phases", "paced", "solo-1s", "parallel-1s", "paced-1s", "fresh-1s", "fresh-solo-1s", "fresh-blind-1s"}
	for _, nb := range nets {
		for _, mode := range modes {
			if strings.HasPrefix(mode, "fresh") {
				b.Run(nb.name+"/"+mode, func(b *testing.B) { benchFresh(b, nb.build, mode != "fresh-solo-1s", mode == "fresh-blind-1s") })
				continue
			}
			// The -1s modes run 1 s per iteration (progress every 100
			// steps, so a batch of peer steps lasts 100 steps, as in a
			// Run of 1 s with a progress callback; neuron bench has none)
			name := nb.name + "/" + mode
			ms := 100.0
			mode, long := strings.CutSuffix(mode, "-1s")
			if long {
				ms = 1000
			}
			b.Run(name, func(b *testing.B) {
				if mode != "solo" && runtime.GOMAXPROCS(0) < 2 {
					b.Skip("needs GOMAXPROCS ≥ 2")
				}
				net, err := nb.build()
				if err != nil {
					b.Fatal(err)
				}
				switch mode {
				case "solo":
					net.Workers = 1
				case "split":
					brain.KeepSplit(net, 2)
				case "parallel":
					brain.KeepParallel(net, 2)
				case "phases":
					brain.KeepParallel(net, 2)
					brain.NoPeer(net)
				case "paced":
					net.Workers = 2
				}
				ctx := context.Background()
				if err := net.Run(ctx, 100, nil); err != nil {
					b.Fatal(err)
				}
				// Run calls progress every 10 steps of a 1000-step run: the
				// windows' times show what a step costs while the process
				// has its cores (a window is far shorter than a time
				// slice), apart from the time lost to other processes.
				var windows []float64
				var last time.Time
				every := int64(ms / 10) // steps between progress calls
				progress := func(p brain.Progress) {
					now := time.Now()
					if p.Step > every {
						windows = append(windows, float64(now.Sub(last).Nanoseconds())/float64(every))
					}
					last = now
				}
				cpu0, ok0 := brain.ProcessCPUNanos()
				solo0, par0 := brain.PaceEpochs(net)
				b.ReportAllocs()
				for b.Loop() {
					last = time.Now()
					if err := net.Run(ctx, ms, progress); err != nil {
						b.Fatal(err)
					}
				}
				steps := float64(b.N) * ms * 10
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/steps, "ns/step")
				if cpu1, ok1 := brain.ProcessCPUNanos(); ok0 && ok1 {
					b.ReportMetric(float64(cpu1-cpu0)/steps, "cpu-ns/step")
				}
				if mode == "paced" {
					solo1, par1 := brain.PaceEpochs(net)
					if e := solo1 - solo0 + par1 - par0; e > 0 {
						b.ReportMetric(float64(par1-par0)/float64(e), "par-epochs")
					}
				}
				slices.Sort(windows)
				b.ReportMetric(windows[len(windows)/4], "q25-ns/step")
				b.ReportMetric(windows[len(windows)/2], "q50-ns/step")
			})
		}
	}
}

// benchFresh times one Run of 1 s of a network built for the iteration
// (spikes recorded, built and its garbage collected outside the timer, as
// in a `neuron bench` child), on GOMAXPROCS workers (paced) or one, and
// reports the parallel epochs per Run.
func benchFresh(b *testing.B, build func() (*brain.Network, error), paced, blind bool) {
	if paced && runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS ≥ 2")
	}
	ctx := context.Background()
	var par, all int
	var elapsed time.Duration
	for range b.N {
		b.StopTimer()
		net, err := build()
		if err != nil {
			b.Fatal(err)
		}
		if !paced {
			net.Workers = 1
		}
		if blind {
			brain.LoadBlind(net)
		}
		for _, p := range net.Populations() {
			if _, err := net.RecordSpikes(p); err != nil {
				b.Fatal(err)
			}
		}
		if err := net.Build(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
		t0 := time.Now()
		if err := net.Run(ctx, 1000, nil); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(t0)
		s, p := brain.PaceEpochs(net)
		par, all = par+p, all+s+p
	}
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/10000, "ns/step")
	if paced {
		b.ReportMetric(float64(par)/float64(b.N), "par-epochs/run")
		if all > 0 {
			b.ReportMetric(float64(par)/float64(all), "par-epochs")
		}
	}
}
