package brain

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// FixedTotalNumber makes exactly N synapses, each from a presynaptic cell
// and to a postsynaptic cell drawn uniformly and independently (NEST's
// fixed_total_number rule with its defaults, multapses and autapses
// allowed; PyNN FixedTotalNumberConnector with_replacement). Potjans &
// Diesmann 2014 (Cereb Cortex 24:785) wire their microcircuit this way,
// with N chosen so that a pair is connected at least once with the
// published probability.
//
// The number of synapses of each presynaptic row is drawn first
// (multinomial, from the projection's own stream, ProjectionRand); each row
// then draws its targets from its own stream (RowRand), so the wiring does
// not depend on the number of cores.
type FixedTotalNumber struct {
	N int64 // synapses in the projection, ≥ 0
}

func (c FixedTotalNumber) String() string { return fmt.Sprintf("FixedTotalNumber{N: %d}", c.N) }

// Connect builds the synapses.
func (c FixedTotalNumber) Connect(g *ConnBuilder) error {
	if c.N < 0 {
		return fmt.Errorf("brain: FixedTotalNumber.N = %d must be ≥ 0", c.N)
	}
	if err := g.checkSize(c.N); err != nil {
		return err
	}
	if c.N > 0 && (g.nPre == 0 || g.nPost == 0) {
		return fmt.Errorf("brain: FixedTotalNumber.N = %d synapses between %d presynaptic and %d postsynaptic cells", c.N, g.nPre, g.nPost)
	}
	count := make([]uint32, g.nPre)
	r := g.ProjectionRand()
	for range c.N {
		count[r.IntN(g.nPre)]++
	}
	return g.RowsParallel(float64(c.N), func(i int, dst []uint32) []uint32 {
		k := int(count[i])
		if k == 0 {
			return dst
		}
		rr := g.RowRand(i)
		start := len(dst)
		for range k {
			dst = append(dst, uint32(rr.IntN(g.nPost)))
		}
		slices.Sort(dst[start:])
		return dst
	})
}

// ProjectionRand returns the random stream of the projection as a whole
// (for draws that belong to no single row or column, such as how many
// synapses each row gets), keyed by the projection index alone.
func (g *ConnBuilder) ProjectionRand() *rand.Rand {
	return rand.New(newStream(g.seed, streamConnect, g.proj<<1, 1<<63))
}
