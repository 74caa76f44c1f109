package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist/mpi"
	"github.com/neuron-sim/neuron/brain/models"
)

func init() {
	register(command{name: "dist", summary: "one benchmark network over MPI ranks, with timings (build with -tags mpi, start with mpirun)", run: runDist})
}

// timedComm counts and times the collective calls of a rank.
type timedComm struct {
	brain.Comm
	calls int64
	words int64 // received
	wait  time.Duration
}

func (t *timedComm) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	start := time.Now()
	out, err := t.Comm.AllGather(dst, counts, send)
	t.wait += time.Since(start)
	t.calls++
	t.words += int64(len(out))
	return out, err
}

// runDist builds a benchmark network on every rank of the MPI job (one
// rank in a build without -tags mpi), runs it and prints, from rank 0, the
// spike count, the build and run times and, per rank, the CPU time and the
// time spent in the spike exchange.
func runDist(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "cuba", "network: cuba, coba or brunel (Brunel's SIfast state)")
	n := fs.Int("n", 4000, "neurons (CUBA, COBA) or excitatory neurons (Brunel)")
	ms := fs.Float64("ms", 1000, "simulated time (ms)")
	seed := fs.Uint64("seed", 1, "seed")
	workers := fs.Int("workers", 1, "goroutines per rank (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	world, err := mpi.Init()
	if err != nil {
		return err
	}
	defer world.Finalize()
	comm := &timedComm{Comm: world}
	t0, c0 := time.Now(), cpuSeconds()
	var net *brain.Network
	switch *model {
	case "cuba":
		net, err = models.CUBA(*n, *seed)
	case "coba":
		net, err = models.COBA(*n, *seed)
	case "brunel":
		var bp models.BrunelParams
		if bp, err = models.BrunelPoint("SIfast", *n); err == nil {
			net, err = models.Brunel(bp, *seed)
		}
	default:
		err = fmt.Errorf("unknown -model %q (cuba, coba, brunel)", *model)
	}
	if err != nil {
		return err
	}
	net.Comm = comm
	net.Workers = *workers
	spikes := &spikeCounter{}
	if err := net.AddMonitor(spikes); err != nil {
		return err
	}
	if err := net.Build(); err != nil {
		return err
	}
	build := time.Since(t0)
	t1, c1 := time.Now(), cpuSeconds()
	calls0, wait0 := comm.calls, comm.wait
	if err := net.Run(context.Background(), *ms, nil); err != nil {
		return err
	}
	wall, cpu := time.Since(t1), cpuSeconds()-c1
	calls, wait := comm.calls-calls0, comm.wait-wait0
	// Rank 0 prints every rank's figures (ms, as int32).
	counts := make([]int, world.Size())
	mine := []int32{int32(cpu * 1000), int32(wait.Milliseconds()), int32((cpuSeconds() - c0) * 1000)}
	all, err := comm.Comm.AllGather(nil, counts, mine)
	if err != nil || world.Rank() != 0 {
		return err
	}
	syn := int64(0)
	for _, p := range net.Projections() {
		syn += int64(p.NumSynapses())
	}
	fmt.Fprintf(stdout, "%s N=%d, %g ms, %d ranks × %d workers (mpi: %v)\n", *model, *n, *ms, world.Size(), *workers, mpi.Enabled)
	fmt.Fprintf(stdout, "spikes %d (%.2f Hz), rank 0 holds %d synapses\n", spikes.n, float64(spikes.n)/float64(spikes.cells)/(*ms/1000), syn)
	fmt.Fprintf(stdout, "build %.2f s, run %.3f s wall, %d collective calls on rank 0 (%.1f words received per call)\n",
		build.Seconds(), wall.Seconds(), calls, float64(comm.words)/float64(max(comm.calls, 1)))
	for r := range world.Size() {
		fmt.Fprintf(stdout, "rank %d: run CPU %.3f s, of which waiting in the exchange %.3f s wall; total CPU %.3f s\n",
			r, float64(all[3*r])/1000, float64(all[3*r+1])/1000, float64(all[3*r+2])/1000)
	}
	return nil
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
