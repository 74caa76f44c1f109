package dist_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist"
	"github.com/neuron-sim/neuron/brain/dist/internal/disttest"
	"github.com/neuron-sim/neuron/brain/models"
)

type (
	model  = disttest.Model
	result = disttest.Result
)

func testModels() []model { return disttest.Models() }

func run(m model, comm brain.Comm, workers int) (result, error) {
	return disttest.Run(m, comm, workers, 7)
}

// TestRanksBitIdentical runs CUBA, COBA, Brunel and the Song STDP network
// on 1, 2 and 4 in-process ranks (with 1 and 2 workers each) and requires
// the spikes and STDP weights of one process, bit for bit.
func TestRanksBitIdentical(t *testing.T) {
	for _, m := range testModels() {
		t.Run(m.Name, func(t *testing.T) {
			ref, err := run(m, nil, 1)
			if err != nil {
				t.Fatal(err)
			}
			if total := ref.SpikeCount(); total < 40 {
				t.Fatalf("reference run has only %d spikes: the comparison would say little", total)
			}
			if m.Name == "Song" {
				moved := 0
				for _, s := range ref.Synapses[0] {
					if s.Weight == 0 || s.Weight >= 0.1 {
						moved++
					}
				}
				if moved == 0 {
					t.Fatal("no STDP weight reached a bound: the weight comparison would say little")
				}
			}
			for _, size := range []int{1, 2, 4} {
				for _, workers := range []int{1, 2} {
					if testing.Short() && workers == 2 {
						continue
					}
					var mu sync.Mutex
					got := make([]result, size)
					err := dist.Run(size, func(c brain.Comm) error {
						res, err := run(m, c, workers)
						mu.Lock()
						got[c.Rank()] = res
						mu.Unlock()
						return err
					})
					if err != nil {
						t.Fatalf("%d ranks, %d workers: %v", size, workers, err)
					}
					for r, res := range got {
						if err := res.Equal(ref); err != nil {
							t.Errorf("%d ranks, %d workers, rank %d: %v", size, workers, r, err)
						}
					}
				}
			}
		})
	}
}

// TestRanksOwnBlocks checks that each rank keeps only the synapses onto
// its cells: the ranks' synapse counts add up to one process's.
func TestRanksOwnBlocks(t *testing.T) {
	build := func(c brain.Comm) (*brain.Network, error) {
		net, err := models.CUBA(1000, 3)
		if err != nil {
			return nil, err
		}
		net.Comm = c
		return net, net.Build()
	}
	ref, err := build(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range ref.Projections() {
		want += p.NumSynapses()
	}
	var mu sync.Mutex
	got := 0
	err = dist.Run(3, func(c brain.Comm) error {
		net, err := build(c)
		if err != nil {
			return err
		}
		n := 0
		for _, p := range net.Projections() {
			lo, hi := net.Owned(p.Post())
			for _, tg := range p.Targets() {
				if int(tg) < lo || int(tg) >= hi {
					return fmt.Errorf("rank %d keeps a synapse onto cell %d outside its block [%d, %d)", c.Rank(), tg, lo, hi)
				}
			}
			n += p.NumSynapses()
		}
		mu.Lock()
		got += n
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("ranks hold %d synapses in all, one process %d", got, want)
	}
}

// TestRanksFailTogether: a rank that fails (a monitor's error, a cancelled
// context), a rank that disappears, or a rank with another description
// stops every rank with an error naming it.
func TestRanksFailTogether(t *testing.T) {
	cuba := func(c brain.Comm, seed uint64) (*brain.Network, error) {
		net, err := models.CUBA(500, seed)
		if err != nil {
			return nil, err
		}
		net.Comm = c
		return net, nil
	}
	cases := []struct {
		name string
		body func(c brain.Comm) error
		want string
	}{
		{"monitor", func(c brain.Comm) error {
			net, err := cuba(c, 1)
			if err != nil {
				return err
			}
			if c.Rank() == 2 {
				net.AddMonitor(failAt{step: 30})
			}
			return net.Run(context.Background(), 20, nil)
		}, "rank 2 of 4: brain: monitor"},
		{"cancel", func(c brain.Comm) error {
			net, err := cuba(c, 1)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.Rank() == 1 {
				cancel()
			}
			return net.Run(ctx, 20, nil)
		}, "rank 1 of 4: brain: Run stopped"},
		{"gone", func(c brain.Comm) error {
			net, err := cuba(c, 1)
			if err != nil {
				return err
			}
			if c.Rank() == 3 {
				if err := net.Run(context.Background(), 5, nil); err != nil {
					return err
				}
				c.(*dist.LocalComm).Close()
				return errors.New("rank 3 died")
			}
			return net.Run(context.Background(), 20, nil)
		}, "rank 3 left the job"},
		{"description", func(c brain.Comm) error {
			seed := uint64(1)
			if c.Rank() == 1 {
				seed = 2
			}
			net, err := cuba(c, seed)
			if err != nil {
				return err
			}
			return net.Run(context.Background(), 20, nil)
		}, "rank 1 of 4: its global description"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := make([]error, 4)
			cs, err := dist.Local(4)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for r, c := range cs {
				wg.Go(func() { errs[r] = tc.body(c) })
			}
			wg.Wait()
			for r, err := range errs {
				if tc.name == "gone" && r == 3 {
					continue // the rank that died returns its own error
				}
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("rank %d: error %v, want one containing %q", r, err, tc.want)
				}
			}
		})
	}
}

type failAt struct{ step int64 }

func (f failAt) Observe(v *brain.StepView) error {
	if v.Step() == f.step {
		return errors.New("deliberate failure")
	}
	return nil
}

// TestRanksCheckpoint: a checkpoint written by each of k ranks restores
// into k ranks, and the continued run gives one process's spikes.
func TestRanksCheckpoint(t *testing.T) {
	m := testModels()[2] // Brunel: delays of 15 steps, spikes in flight
	whole, err := run(model{Name: m.Name, Build: m.Build, MS: 2 * 60}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	const size = 2
	saved := make([][]byte, size)
	err = dist.Run(size, func(c brain.Comm) error {
		net, err := m.Build(7)
		if err != nil {
			return err
		}
		net.Comm = c
		if err := net.Run(context.Background(), 60, nil); err != nil {
			return err
		}
		var b bytes.Buffer
		if err := net.Save(&b); err != nil {
			return err
		}
		saved[c.Rank()] = b.Bytes()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]result, size)
	err = dist.Run(size, func(c brain.Comm) error {
		net, err := m.Build(7)
		if err != nil {
			return err
		}
		net.Comm = c
		if err := net.Restore(bytes.NewReader(saved[c.Rank()])); err != nil {
			return err
		}
		var recs []*brain.SpikeRecorder
		for _, p := range net.Populations() {
			r, err := net.RecordSpikes(p)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		if err := net.Run(context.Background(), 60, nil); err != nil {
			return err
		}
		for _, r := range recs {
			st, nn := r.Spikes()
			got[c.Rank()].Spikes = append(got[c.Rank()].Spikes, [2][]int32{slices.Clone(st), slices.Clone(nn)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The second half of the whole run.
	var want result
	half := int32(600)
	for _, s := range whole.Spikes {
		var st, nn []int32
		for i, step := range s[0] {
			if step >= half {
				st, nn = append(st, step), append(nn, s[1][i])
			}
		}
		want.Spikes = append(want.Spikes, [2][]int32{st, nn})
	}
	if len(want.Spikes[0][0]) == 0 {
		t.Fatal("no spikes in the second half")
	}
	for r, res := range got {
		if err := res.Equal(want); err != nil {
			t.Errorf("rank %d after restore: %v", r, err)
		}
	}
}

// TestRanksIntervalAndState: Brunel's ranks exchange once per 15 steps
// (its 1.5 ms delay), CUBA's and Song's every step; a state recorder of a
// cell a rank owns records what one process records, one of a cell it
// does not own is an error.
func TestRanksIntervalAndState(t *testing.T) {
	brunel := testModels()[2]
	record := func(c brain.Comm, cell func(net *brain.Network, exc *brain.Population) int) (*brain.Network, []float64, error) {
		net, err := brunel.Build(7)
		if err != nil {
			return nil, nil, err
		}
		net.Comm = c
		if err := net.Build(); err != nil {
			return nil, nil, err
		}
		exc := net.Population("exc")
		rec, err := net.RecordState(exc, []int{cell(net, exc)}, []string{"V"}, 1)
		if err != nil {
			return nil, nil, err
		}
		if err := net.Run(context.Background(), 30, nil); err != nil {
			return net, nil, err
		}
		v, err := rec.Trace(cell(net, exc), "V")
		return net, slices.Clone(v), err
	}
	const size = 2
	var mu sync.Mutex
	traces := map[int][]float64{}
	err := dist.Run(size, func(c brain.Comm) error {
		lo := 0
		net, v, err := record(c, func(net *brain.Network, exc *brain.Population) int {
			lo, _ = net.Owned(exc)
			return lo
		})
		if err != nil {
			return err
		}
		if got := net.ExchangeInterval(); got != 15 {
			return fmt.Errorf("rank %d: Brunel exchanges every %d steps, want 15", c.Rank(), got)
		}
		mu.Lock()
		traces[lo] = v
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range traces {
		_, want, err := record(nil, func(*brain.Network, *brain.Population) int { return cell })
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !slices.Equal(v, want) {
			t.Errorf("V of cell %d: %d samples differ from one process's %d", cell, len(v), len(want))
		}
	}
	err = dist.Run(size, func(c brain.Comm) error {
		_, _, err := record(c, func(net *brain.Network, exc *brain.Population) int {
			_, hi := net.Owned(exc)
			return hi % exc.N // the next rank's first cell
		})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "belongs to another rank") {
		t.Errorf("recording another rank's cell: error %v, want one saying it belongs to another rank", err)
	}
	for _, m := range []model{testModels()[0], testModels()[3]} {
		err := dist.Run(size, func(c brain.Comm) error {
			net, err := m.Build(7)
			if err != nil {
				return err
			}
			net.Comm = c
			if err := net.Build(); err != nil {
				return err
			}
			if got := net.ExchangeInterval(); got != 1 {
				return fmt.Errorf("%s: exchanges every %d steps, want 1", m.Name, got)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
}

// TestRanksWeightRecorder: the rank that owns the Song network's one cell
// records the weights one process records; another rank asking for them
// is told whose they are.
func TestRanksWeightRecorder(t *testing.T) {
	pairs := [][2]int{{0, 0}, {500, 0}, {999, 0}}
	record := func(c brain.Comm, pairs [][2]int) ([]float64, error) {
		net, err := models.SongSTDP(3)
		if err != nil {
			return nil, err
		}
		net.Comm = c
		rec, err := net.RecordWeights(net.Projections()[0], pairs, 100)
		if err != nil {
			return nil, err
		}
		if err := net.Run(context.Background(), 500, nil); err != nil {
			return nil, err
		}
		var out []float64
		for k := range pairs {
			out = append(out, rec.Trace(k)...)
		}
		return out, nil
	}
	want, err := record(nil, pairs)
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	err = dist.Run(2, func(c brain.Comm) error {
		p := pairs
		if c.Rank() == 0 { // rank 0 of 2 owns none of the one cell
			p = nil
		}
		if p == nil {
			net, err := models.SongSTDP(3)
			if err != nil {
				return err
			}
			net.Comm = c
			return net.Run(context.Background(), 500, nil)
		}
		v, err := record(c, p)
		got = v
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("weights recorded on the owning rank differ from one process (%d and %d samples)", len(got), len(want))
	}
	err = dist.Run(2, func(c brain.Comm) error {
		_, err := record(c, pairs)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "ends on a cell of another rank") {
		t.Errorf("recording another rank's synapses: error %v", err)
	}
}

// TestRanksCheckpointLayout: a rank's checkpoint restores into no other
// rank, job size or single process, with an error saying whose it is.
func TestRanksCheckpointLayout(t *testing.T) {
	build := func(c brain.Comm) (*brain.Network, error) {
		net, err := models.CUBA(400, 5)
		if err != nil {
			return nil, err
		}
		net.Comm = c
		return net, nil
	}
	saved := make([][]byte, 2)
	err := dist.Run(2, func(c brain.Comm) error {
		net, err := build(c)
		if err != nil {
			return err
		}
		if err := net.Run(context.Background(), 5, nil); err != nil {
			return err
		}
		var b bytes.Buffer
		err = net.Save(&b)
		saved[c.Rank()] = b.Bytes()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	single, err := build(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := single.Restore(bytes.NewReader(saved[0])); err == nil || !strings.Contains(err.Error(), "written by rank 0 of a job of 2 ranks") {
		t.Errorf("rank 0's checkpoint into one process: %v", err)
	}
	var one bytes.Buffer
	if err := single.Save(&one); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		size int
		data func(r int) []byte
		want string
	}{
		{2, func(r int) []byte { return saved[1-r] }, "restored into rank"},
		{3, func(r int) []byte { return saved[min(r, 1)] }, "restored into rank"},
		{2, func(int) []byte { return one.Bytes() }, "written by a single process"},
	} {
		errs := make([]error, tc.size)
		dist.Run(tc.size, func(c brain.Comm) error {
			net, err := build(c)
			if err != nil {
				return err
			}
			if err := net.Build(); err != nil {
				return err
			}
			errs[c.Rank()] = net.Restore(bytes.NewReader(tc.data(c.Rank())))
			return nil
		})
		for r, err := range errs {
			if err == nil || !errors.Is(err, brain.ErrCheckpoint) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%d ranks, rank %d: %v, want ErrCheckpoint saying %q", tc.size, r, err, tc.want)
			}
		}
	}
}
