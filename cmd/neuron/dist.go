package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist"
	"github.com/neuron-sim/neuron/brain/dist/mpi"
	"github.com/neuron-sim/neuron/brain/models"
)

func init() {
	register(command{name: "dist", summary: "one benchmark network over MPI ranks, with timings (build with -tags mpi, start with mpirun)", run: runDist})
}

// timedComm counts and times the collective calls of a rank.
type timedComm struct {
	brain.Comm
	calls   int64
	words   int64 // received
	wait    time.Duration
	waitCPU float64 // process CPU seconds spent inside the calls (MPI polls while it waits)
}

func (t *timedComm) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	start, c0 := time.Now(), cpuSeconds()
	out, err := t.Comm.AllGather(dst, counts, send)
	t.wait += time.Since(start)
	t.waitCPU += cpuSeconds() - c0
	t.calls++
	t.words += int64(len(out))
	return out, err
}

type distConfig struct {
	model         string
	n             int
	ms            float64
	seed          uint64
	workers       int
	bare          bool
	inproc        int
	stdout, stder io.Writer
}

// rankStats is what one rank measured (seconds).
type rankStats struct {
	build, wall, cpu, wait, needed float64
	waitCPU                        float64 // CPU seconds inside the exchange calls
	calls, words, spikes, cells    int64
	synapses                       int64
}

// runDist builds a benchmark network on every rank of the MPI job (one
// rank in a build without -tags mpi), or on -inproc ranks that are
// goroutines of this process, runs it and prints, from rank 0, the spike
// count, the build and run times and, per rank, the CPU time and the time
// spent in the spike exchange.
func runDist(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := distConfig{stdout: stdout, stder: stderr}
	fs.StringVar(&cfg.model, "model", "cuba", "network: cuba, coba or brunel (Brunel's SIfast state)")
	fs.IntVar(&cfg.n, "n", 4000, "neurons (CUBA, COBA) or excitatory neurons (Brunel)")
	fs.Float64Var(&cfg.ms, "ms", 1000, "simulated time (ms)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed")
	fs.IntVar(&cfg.workers, "workers", 1, "goroutines per rank (0: GOMAXPROCS)")
	fs.BoolVar(&cfg.bare, "bare", false, "the populations alone, without projections or sources (the cost of the cells)")
	fs.IntVar(&cfg.inproc, "inproc", 0, "run this many ranks as goroutines of this process instead of MPI (0: MPI)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.inproc > 0 {
		stats := make([]rankStats, cfg.inproc)
		c0 := cpuSeconds()
		var cpuRun float64
		var mu sync.Mutex
		err := dist.Run(cfg.inproc, func(c brain.Comm) error {
			st, err := distRank(c, cfg)
			mu.Lock()
			stats[c.Rank()] = st
			mu.Unlock()
			return err
		})
		if err != nil {
			return err
		}
		cpuRun = cpuSeconds() - c0
		printDist(cfg, stats, "in-process")
		fmt.Fprintf(stdout, "process CPU: run %.3f s (all %d ranks), build and run %.3f s (GOMAXPROCS %d)\n", stats[0].cpu, cfg.inproc, cpuRun, runtime.GOMAXPROCS(0))
		return nil
	}
	world, err := mpi.Init()
	if err != nil {
		return err
	}
	defer world.Finalize()
	st, err := distRank(world, cfg)
	if err != nil {
		return err
	}
	// Rank 0 prints every rank's figures (µs and ppm, as int32).
	counts := make([]int, world.Size())
	mine := []int32{int32(st.cpu * 1e3), int32(st.wait * 1e3), int32(st.needed * 1e6), int32(st.waitCPU * 1e3)}
	all, err := world.AllGather(nil, counts, mine)
	if err != nil || world.Rank() != 0 {
		return err
	}
	stats := make([]rankStats, world.Size())
	for r := range stats {
		stats[r] = st
		x := all[4*r : 4*r+4]
		stats[r].cpu, stats[r].wait, stats[r].needed, stats[r].waitCPU = float64(x[0])/1e3, float64(x[1])/1e3, float64(x[2])/1e6, float64(x[3])/1e3
	}
	printDist(cfg, stats, fmt.Sprintf("mpi: %v", mpi.Enabled))
	return nil
}

func printDist(cfg distConfig, stats []rankStats, how string) {
	w, st := cfg.stdout, stats[0]
	fmt.Fprintf(w, "%s N=%d, %g ms, %d ranks × %d workers (%s)\n", cfg.model, cfg.n, cfg.ms, len(stats), cfg.workers, how)
	fmt.Fprintf(w, "spikes %d (%.2f Hz), rank 0 holds %d synapses\n", st.spikes, float64(st.spikes)/float64(max(st.cells, 1))/(cfg.ms/1000), st.synapses)
	fmt.Fprintf(w, "build %.2f s, run %.3f s wall, %d collective calls on rank 0 (%.1f words received per call)\n",
		st.build, st.wall, st.calls, float64(st.words)/float64(max(st.calls, 1)))
	for r, x := range stats {
		cpu := fmt.Sprintf("run CPU %.3f s (%.3f s outside the exchange), ", x.cpu, x.cpu-x.waitCPU)
		if cfg.inproc > 0 {
			cpu = "" // one process: see below
		}
		fmt.Fprintf(w, "rank %d: %swaiting in the exchange %.3f s wall; needs the spikes of %.1f %% of the cells\n",
			r, cpu, x.wait, 100*x.needed)
	}
}

// distRank is one rank's part: build, run, measure.
func distRank(world brain.Comm, cfg distConfig) (rankStats, error) {
	var st rankStats
	comm := &timedComm{Comm: world}
	t0 := time.Now()
	var net *brain.Network
	var err error
	switch cfg.model {
	case "cuba":
		net, err = models.CUBA(cfg.n, cfg.seed)
	case "coba":
		net, err = models.COBA(cfg.n, cfg.seed)
	case "brunel":
		var bp models.BrunelParams
		if bp, err = models.BrunelPoint("SIfast", cfg.n); err == nil {
			net, err = models.Brunel(bp, cfg.seed)
		}
	default:
		err = fmt.Errorf("unknown -model %q (cuba, coba, brunel)", cfg.model)
	}
	if err != nil {
		return st, err
	}
	if cfg.bare {
		bare := brain.NewNetwork(net.DT, net.Seed)
		for _, p := range net.Populations() {
			q, err := brain.NewPopulation(p.Name, p.N, p.P)
			if err != nil {
				return st, err
			}
			copy(q.V, p.V)
			if err := bare.AddPopulation(q); err != nil {
				return st, err
			}
		}
		net = bare
	}
	net.Comm = comm
	net.Workers = cfg.workers
	spikes := &spikeCounter{}
	if err := net.AddMonitor(spikes); err != nil {
		return st, err
	}
	if err := net.Build(); err != nil {
		return st, err
	}
	st.build = time.Since(t0).Seconds()
	// Start together (in-process, rank 0's CPU time is then the run's CPU
	// time of all ranks).
	if _, err := world.AllGather(nil, make([]int, world.Size()), nil); err != nil {
		return st, err
	}
	t1, c1 := time.Now(), cpuSeconds()
	calls0, wait0, words0, waitCPU0 := comm.calls, comm.wait, comm.words, comm.waitCPU
	if err := net.Run(context.Background(), cfg.ms, nil); err != nil {
		return st, err
	}
	st.wall, st.cpu = time.Since(t1).Seconds(), cpuSeconds()-c1
	st.calls, st.wait, st.words = comm.calls-calls0, (comm.wait - wait0).Seconds(), comm.words-words0
	st.waitCPU = comm.waitCPU - waitCPU0
	st.spikes, st.cells = spikes.n, spikes.cells
	for _, p := range net.Projections() {
		st.synapses += int64(p.NumSynapses())
	}
	st.needed = needed(net)
	return st, nil
}

// needed is the fraction of the network's cells with at least one synapse
// onto this rank's cells: what a directed exchange (MPI_Alltoallv) would
// send this rank, relative to the all-to-all gather that sends it every
// spike.
func needed(net *brain.Network) float64 {
	total, hit := 0, 0
	for _, pop := range net.Populations() {
		total += pop.N
		for i := range pop.N {
			for _, p := range net.Projections() {
				if p.Pre() != pop {
					continue
				}
				if lo, hi := p.Row(i); hi > lo {
					hit++
					break
				}
			}
		}
	}
	return float64(hit) / float64(max(total, 1))
}

// spikeCounter counts every population's spikes.
type spikeCounter struct{ n, cells int64 }

func (s *spikeCounter) Observe(v *brain.StepView) error {
	if s.cells == 0 {
		for k := range v.NumPopulations() {
			s.cells += int64(v.Population(k).N)
		}
	}
	for k := range v.NumPopulations() {
		s.n += int64(len(v.Spikes(k)))
	}
	return nil
}
