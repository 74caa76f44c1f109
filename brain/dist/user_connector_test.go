package dist_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/dist"
	"github.com/neuron-sim/neuron/brain/dist/internal/disttest"
	"github.com/neuron-sim/neuron/brain/models"
)

// bandConn is a user's connector: every postsynaptic cell j gets K
// consecutive presynaptic partners starting at a point drawn from j's own
// stream. It builds column by column, so a builder that may trim visits
// only the rank's columns; local says whether it declares so
// (brain.RankLocalConnector).
type bandConn struct {
	k       int
	local   bool
	visited *atomic.Int64 // columns visited, both passes of Columns
}

func (c bandConn) String() string { return fmt.Sprintf("bandConn{K: %d}", c.k) }

func (c bandConn) Connect(b *brain.ConnBuilder) error {
	return b.Columns(func(j int, dst []uint32) []uint32 {
		c.visited.Add(1)
		start := b.ColumnRand(j).IntN(b.NPre() - c.k + 1)
		for i := range c.k {
			dst = append(dst, uint32(start+i))
		}
		return dst
	})
}

type localBandConn struct{ bandConn }

func (c localBandConn) RankLocal() bool { return c.local }

// TestRanksUserConnector: a connector of the user's own that implements
// brain.RankLocalConnector is generated only onto each rank's cells, as the
// library's are (its columns outside the block are never visited); one that
// does not, or says false, is built whole and cut. Both give the spikes of
// one process bit for bit at 1, 2 and 3 ranks.
func TestRanksUserConnector(t *testing.T) {
	const n, k = 1000, 20
	for _, tc := range []struct {
		name  string
		conn  func(v *atomic.Int64) brain.Connector
		trims bool
	}{
		{"RankLocal", func(v *atomic.Int64) brain.Connector { return localBandConn{bandConn{k, true, v}} }, true},
		{"RankLocal false", func(v *atomic.Int64) brain.Connector { return localBandConn{bandConn{k, false, v}} }, false},
		{"plain", func(v *atomic.Int64) brain.Connector { return bandConn{k, false, v} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var visited atomic.Int64
			m := disttest.Model{Name: "CUBA+band", MS: 100, Build: func(seed uint64) (*brain.Network, error) {
				net, err := models.CUBA(n, seed)
				if err != nil {
					return nil, err
				}
				exc := net.Population("exc")
				_, err = net.Connect(exc, exc, tc.conn(&visited), brain.SynapseSpec{Weight: brain.Const(8)})
				return net, err
			}}
			ref, err := disttest.Run(m, nil, 1, 5)
			if err != nil {
				t.Fatal(err)
			}
			if ref.SpikeCount() < 40 {
				t.Fatalf("reference run has only %d spikes", ref.SpikeCount())
			}
			ne := int(visited.Load()) / 2 // columns of one process (two passes)
			for _, size := range []int{1, 2, 3} {
				visited.Store(0)
				var mu sync.Mutex
				got := make([]disttest.Result, size)
				err := dist.Run(size, func(c brain.Comm) error {
					res, err := disttest.Run(m, c, 1, 5)
					mu.Lock()
					got[c.Rank()] = res
					mu.Unlock()
					return err
				})
				if err != nil {
					t.Fatalf("%d ranks: %v", size, err)
				}
				for r, res := range got {
					if err := res.Equal(ref); err != nil {
						t.Errorf("%d ranks, rank %d: %v", size, r, err)
					}
				}
				want := 2 * ne * size // every rank visits every column
				if tc.trims {
					want = 2 * ne // the ranks' blocks partition the columns
				}
				if v := int(visited.Load()); v != want {
					t.Errorf("%d ranks: the connector visited %d columns in all, want %d", size, v, want)
				}
			}
		})
	}
}
