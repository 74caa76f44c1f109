//go:build mpi

package mpi_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist"
	"github.com/neuron-sim/neuron/brain/dist/mpi"
	"github.com/neuron-sim/neuron/brain/models"
)

// These tests run under mpirun (make test-mpi: -np 1, 2 and 4):
//
//	go test -c -tags mpi -o mpi.test ./brain/dist/mpi
//	mpirun -np 4 ./mpi.test

var world *mpi.Comm

func TestMain(m *testing.M) {
	c, err := mpi.Init()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	world = c
	code := m.Run()
	if err := c.Finalize(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

type model struct {
	name  string
	build func(seed uint64) (*brain.Network, error)
	ms    float64
}

func testModels() []model {
	return []model{
		{"CUBA", func(s uint64) (*brain.Network, error) { return models.CUBA(4000, s) }, 200},
		{"COBA", func(s uint64) (*brain.Network, error) { return models.COBA(2000, s) }, 100},
		{"Brunel", func(s uint64) (*brain.Network, error) {
			bp, err := models.BrunelPoint("SIfast", 2000)
			if err != nil {
				return nil, err
			}
			return models.Brunel(bp, s)
		}, 100},
		{"Song", models.SongSTDP, 2000},
	}
}

// run builds m, on comm when not nil, and returns its spikes (per
// population: steps then cells) and its plastic synapses, merged.
func run(m model, comm brain.Comm) ([][2][]int32, [][]dist.Synapse, error) {
	net, err := m.build(11)
	if err != nil {
		return nil, nil, err
	}
	net.Comm = comm
	net.Workers = 1 // one rank per core is the usual layout
	var recs []*brain.SpikeRecorder
	for _, p := range net.Populations() {
		r, err := net.RecordSpikes(p)
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, r)
	}
	if err := net.Run(context.Background(), m.ms, nil); err != nil {
		return nil, nil, err
	}
	if want := map[string]int{"Brunel": 15, "CUBA": 1, "Song": 1}[m.name]; comm != nil && comm.Size() > 1 && want > 0 && net.ExchangeInterval() != want {
		return nil, nil, fmt.Errorf("%s exchanges every %d steps, want %d", m.name, net.ExchangeInterval(), want)
	}
	var spikes [][2][]int32
	for _, r := range recs {
		st, nn := r.Spikes()
		spikes = append(spikes, [2][]int32{slices.Clone(st), slices.Clone(nn)})
	}
	var syn [][]dist.Synapse
	for _, p := range net.Projections() {
		if !p.Plastic() {
			continue
		}
		var c brain.Comm = comm
		if c == nil {
			c = mustLocal()
		}
		s, err := dist.Merge(c, p)
		if err != nil {
			return nil, nil, err
		}
		syn = append(syn, s)
	}
	return spikes, syn, nil
}

func mustLocal() brain.Comm {
	cs, _ := dist.Local(1)
	return cs[0]
}

// TestMPIMatchesOneProcess runs CUBA, COBA, Brunel and Song on every rank
// of the job; rank 0 compares the spikes and STDP weights with a run of
// its own in one process.
func TestMPIMatchesOneProcess(t *testing.T) {
	for _, m := range testModels() {
		t.Run(m.name, func(t *testing.T) {
			start := time.Now()
			spikes, syn, err := run(m, world)
			if err != nil {
				t.Fatalf("rank %d: %v", world.Rank(), err)
			}
			took := time.Since(start)
			if world.Rank() != 0 {
				return
			}
			refSpikes, refSyn, err := run(m, nil)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for k := range refSpikes {
				total += len(refSpikes[k][1])
				for c := range 2 {
					if !slices.Equal(spikes[k][c], refSpikes[k][c]) {
						t.Errorf("%d ranks: population %d: %d spikes, one process %d (or other steps/cells)", world.Size(), k, len(spikes[k][1]), len(refSpikes[k][1]))
					}
				}
			}
			for k := range refSyn {
				if !slices.Equal(syn[k], refSyn[k]) {
					t.Errorf("%d ranks: plastic projection %d: synapses or weights differ from one process", world.Size(), k)
				}
			}
			if total < 40 {
				t.Errorf("only %d spikes: the comparison says little", total)
			}
			t.Logf("%s: %d ranks: %d spikes bit-identical to one process (%v on %d ranks)", m.name, world.Size(), total, took.Round(time.Millisecond), world.Size())
		})
	}
}

// TestMPIRankDies is run by make test-mpi with NEURON_MPI_DIE=1: rank 1
// exits mid-run; mpirun must stop every rank (the make target checks the
// exit status and that the output names the rank).
func TestMPIRankDies(t *testing.T) {
	die, _ := strconv.Atoi(os.Getenv("NEURON_MPI_DIE"))
	if die == 0 {
		t.Skip("NEURON_MPI_DIE not set")
	}
	net, err := models.CUBA(4000, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.Comm = world
	if err := net.Run(context.Background(), 5, nil); err != nil {
		t.Fatal(err)
	}
	if world.Rank() == die {
		fmt.Fprintf(os.Stderr, "rank %d exits on purpose\n", die)
		os.Exit(3)
	}
	// The others would run for minutes.
	err = net.Run(context.Background(), 600000, nil)
	t.Fatalf("rank %d: Run returned %v after rank %d died", world.Rank(), err, die)
}

type failAt struct{ step int64 }

func (f failAt) Observe(v *brain.StepView) error {
	if v.Step() == f.step {
		return fmt.Errorf("deliberate failure at step %d", f.step)
	}
	return nil
}

// TestMPIRankFails: an error on the last rank stops every rank with a
// RankError naming it, instead of a hang.
func TestMPIRankFails(t *testing.T) {
	if world.Size() == 1 {
		t.Skip("one rank: a single process, no RankError")
	}
	net, err := models.CUBA(1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.Comm = world
	last := world.Size() - 1
	if world.Rank() == last {
		net.AddMonitor(failAt{step: 20})
	}
	err = net.Run(context.Background(), 10, nil)
	want := fmt.Sprintf("rank %d of %d: brain: monitor", last, world.Size())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("rank %d: Run returned %v, want an error containing %q", world.Rank(), err, want)
	}
}
