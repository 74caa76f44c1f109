//go:build mpi

package mpi_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist/internal/disttest"
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

// TestMPIMatchesOneProcess runs CUBA, COBA, Brunel and Song on every rank
// of the job (one worker each: one rank per core is the usual layout);
// rank 0 compares the spikes and STDP weights with a run of its own in one
// process. Brunel's ranks must exchange once per 15 steps (its 1.5 ms
// delay), the others' every step.
func TestMPIMatchesOneProcess(t *testing.T) {
	interval := map[string]int{"CUBA": 1, "COBA": 1, "Brunel": 15, "Song": 1}
	for _, m := range disttest.Models() {
		t.Run(m.Name, func(t *testing.T) {
			start := time.Now()
			got, err := disttest.Run(m, world, 1, 11)
			if err != nil {
				t.Fatalf("rank %d: %v", world.Rank(), err)
			}
			took := time.Since(start)
			if world.Size() > 1 && got.Interval != interval[m.Name] {
				t.Errorf("rank %d: %s exchanges every %d steps, want %d", world.Rank(), m.Name, got.Interval, interval[m.Name])
			}
			if world.Rank() != 0 {
				return
			}
			want, err := disttest.Run(m, nil, 1, 11)
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Equal(want); err != nil {
				t.Errorf("%d ranks: %v", world.Size(), err)
			}
			if want.SpikeCount() < 40 {
				t.Errorf("only %d spikes: the comparison says little", want.SpikeCount())
			}
			t.Logf("%s: %d ranks: %d spikes bit-identical to one process (%v on %d ranks)", m.Name, world.Size(), want.SpikeCount(), took.Round(time.Millisecond), world.Size())
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
