// Package disttest holds what the tests of distributed runs share: the
// benchmark networks they split, a run that records spikes and merges
// plastic synapses, and the comparison with one process.
package disttest

import (
	"context"
	"fmt"
	"slices"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist"
	"github.com/neuron-sim/neuron/brain/models"
)

// Model builds an unbuilt network from a seed; MS is how long the tests
// run it (ms).
type Model struct {
	Name  string
	Build func(seed uint64) (*brain.Network, error)
	MS    float64
}

// Models are CUBA and COBA (2000 cells), Brunel's SIfast state (2500
// cells, delay 1.5 ms) and the Song et al. STDP network.
func Models() []Model {
	return []Model{
		{"CUBA", func(s uint64) (*brain.Network, error) { return models.CUBA(2000, s) }, 100},
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

// Result is what a run produced: every population's spikes (steps, then
// cells) and every plastic projection's synapses, merged over the ranks;
// Interval is the network's ExchangeInterval.
type Result struct {
	Spikes   [][2][]int32
	Synapses [][]dist.Synapse
	Interval int
}

// Run builds m with seed on comm (nil: one process) with workers
// goroutines, runs it and returns its result. With a comm it is a
// collective call.
func Run(m Model, comm brain.Comm, workers int, seed uint64) (Result, error) {
	net, err := m.Build(seed)
	if err != nil {
		return Result{}, err
	}
	net.Comm = comm
	net.Workers = workers
	var recs []*brain.SpikeRecorder
	for _, p := range net.Populations() {
		r, err := net.RecordSpikes(p)
		if err != nil {
			return Result{}, err
		}
		recs = append(recs, r)
	}
	if err := net.Run(context.Background(), m.MS, nil); err != nil {
		return Result{}, err
	}
	res := Result{Interval: net.ExchangeInterval()}
	for _, r := range recs {
		st, nn := r.Spikes()
		res.Spikes = append(res.Spikes, [2][]int32{slices.Clone(st), slices.Clone(nn)})
	}
	for _, p := range net.Projections() {
		if !p.Plastic() {
			continue
		}
		c := comm
		if c == nil {
			c = single{}
		}
		syn, err := dist.Merge(c, p)
		if err != nil {
			return Result{}, err
		}
		res.Synapses = append(res.Synapses, syn)
	}
	return res, nil
}

// single is a one-rank Comm.
type single struct{}

func (single) Rank() int { return 0 }
func (single) Size() int { return 1 }
func (single) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	counts[0] = len(send)
	return append(dst[:0], send...), nil
}

// SpikeCount is the number of spikes of every population.
func (a Result) SpikeCount() int {
	n := 0
	for _, s := range a.Spikes {
		n += len(s[1])
	}
	return n
}

// Equal returns an error saying how a differs from want, or nil.
func (a Result) Equal(want Result) error {
	if len(a.Spikes) != len(want.Spikes) {
		return fmt.Errorf("%d populations, want %d", len(a.Spikes), len(want.Spikes))
	}
	for k := range a.Spikes {
		for c := range 2 {
			if !slices.Equal(a.Spikes[k][c], want.Spikes[k][c]) {
				return fmt.Errorf("population %d: %d spikes, want %d (or other steps or cells)", k, len(a.Spikes[k][1]), len(want.Spikes[k][1]))
			}
		}
	}
	if len(a.Synapses) != len(want.Synapses) {
		return fmt.Errorf("%d plastic projections, want %d", len(a.Synapses), len(want.Synapses))
	}
	for k := range a.Synapses {
		if !slices.Equal(a.Synapses[k], want.Synapses[k]) {
			return fmt.Errorf("plastic projection %d: synapses or weights differ (%d synapses, want %d)", k, len(a.Synapses[k]), len(want.Synapses[k]))
		}
	}
	return nil
}
