package brain

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// A Connector decides which presynaptic cells project to which postsynaptic
// cells (PyNN's connectors). The library's connectors are AllToAll,
// OneToOne, FixedProbability, FixedInDegree, FixedOutDegree, FromList and
// FromMatrix; a type of yours that implements Connector is used the same
// way by Network.Connect. Random connectors draw from streams keyed by the
// projection index and the global id of the row (or column) they build
// (ConnBuilder.RowRand, ColumnRand), so the same seed gives the same
// wiring on any number of cores.
type Connector interface {
	// Connect builds the projection's synapses with one of b's builders
	// (Rows, RowsParallel, Columns or SetCSR) and, optionally, gives each
	// synapse its weight and delay (SetWeights, SetDelays).
	Connect(b *ConnBuilder) error
	// String describes the connector.
	String() string
}

// RankLocalConnector is an optional interface of a Connector whose every
// row or column is a pure function of its index: Connect builds with Rows,
// RowsParallel or Columns, draws only from RowRand(i) or ColumnRand(j), and
// sets no weights or delays of its own (SetWeights, SetDelays, SetCSR). In
// a distributed run (Network.Comm) the projection of such a connector, when
// its weight and delay are constant, generates only the synapses onto the
// rank's own cells: the ConnBuilder drops the others as each row is made,
// and Columns visits only the rank's columns. Any other connector is built
// whole on every rank and then cut to the rank's synapses — the same
// synapses, but the whole projection passes through memory once. The
// library's AllToAll, OneToOne, FixedProbability, FixedInDegree and
// FixedOutDegree implement it; a user's connector that keeps to the rules
// above implements it the same way.
type RankLocalConnector interface {
	Connector
	// RankLocal reports whether Connect keeps to the rules above.
	RankLocal() bool
}

// ConnBuilder is the work area of one projection's connectivity, handed to
// Connector.Connect by Network.Build. Synapses are stored in compressed
// sparse rows: the targets of presynaptic cell i, ascending, then those of
// cell i+1.
type ConnBuilder struct {
	seed        uint64
	proj        uint64 // projection index (stream key)
	preBase     uint64 // global id of presynaptic cell 0 (stream key)
	postBase    uint64 // global id of postsynaptic cell 0 (stream key)
	nPre, nPost int
	same        bool // presynaptic and postsynaptic population are the same
	// trim: keep only the synapses onto [keepLo, keepHi) (the block of a
	// rank in a distributed run, network_dist.go).
	trim           bool
	keepLo, keepHi int

	rowPtr  []uint32
	targets []uint32
	weights []float64 // per synapse, signed; nil: use the projection's Weight
	delays  []float64 // per synapse, ms; nil: use the projection's Delay
}

// NPre is the number of presynaptic cells (or generators).
func (g *ConnBuilder) NPre() int { return g.nPre }

// NPost is the number of postsynaptic cells.
func (g *ConnBuilder) NPost() int { return g.nPost }

// Recurrent reports whether the projection goes from a population to
// itself (so that i == j is an autapse).
func (g *ConnBuilder) Recurrent() bool { return g.same }

// SetWeights gives every synapse its own signed weight (pA or nS, Dale's
// law), in the order the builders stored them (row by row, ascending
// targets); it overrides the projection's Weight. Call it after building.
func (g *ConnBuilder) SetWeights(w []float64) error {
	if len(w) != len(g.targets) {
		return fmt.Errorf("brain: ConnBuilder.SetWeights: %d weights for %d synapses", len(w), len(g.targets))
	}
	g.weights = w
	return nil
}

// SetDelays gives every synapse its own delay (ms), as SetWeights.
func (g *ConnBuilder) SetDelays(d []float64) error {
	if len(d) != len(g.targets) {
		return fmt.Errorf("brain: ConnBuilder.SetDelays: %d delays for %d synapses", len(d), len(g.targets))
	}
	g.delays = d
	return nil
}

// SetCSR stores connectivity built elsewhere: rowPtr (NPre+1 offsets,
// rowPtr[0] = 0, non-decreasing) and targets (postsynaptic indices < NPost,
// ascending within a row; repeats allowed). b keeps the slices.
func (g *ConnBuilder) SetCSR(rowPtr, targets []uint32) error {
	if len(rowPtr) != g.nPre+1 || rowPtr[0] != 0 || int(rowPtr[g.nPre]) != len(targets) {
		return fmt.Errorf("brain: ConnBuilder.SetCSR: rowPtr of length %d must have NPre+1 = %d offsets from 0 to len(targets) = %d", len(rowPtr), g.nPre+1, len(targets))
	}
	if err := g.checkSize(int64(len(targets))); err != nil {
		return err
	}
	for i := range g.nPre {
		lo, hi := rowPtr[i], rowPtr[i+1]
		if hi < lo {
			return fmt.Errorf("brain: ConnBuilder.SetCSR: rowPtr[%d] = %d > rowPtr[%d] = %d", i, lo, i+1, hi)
		}
		for s := lo; s < hi; s++ {
			if int(targets[s]) >= g.nPost || (s > lo && targets[s] < targets[s-1]) {
				return fmt.Errorf("brain: ConnBuilder.SetCSR: row %d: target %d out of range [0, %d) or not ascending", i, targets[s], g.nPost)
			}
		}
	}
	g.rowPtr, g.targets = rowPtr, targets
	return nil
}

// maxSynapses bounds one projection (32-bit synapse indices).
const maxSynapses = math.MaxUint32 - 1

func (g *ConnBuilder) checkSize(n int64) error {
	if n > maxSynapses {
		return fmt.Errorf("brain: projection would hold %d synapses, more than the %d a 32-bit index allows", n, int64(maxSynapses))
	}
	return nil
}

// RowRand returns the random stream of presynaptic row i, keyed by the
// projection and the global id of cell i.
func (g *ConnBuilder) RowRand(i int) *rand.Rand {
	s := g.rowStream(i)
	return rand.New(&s)
}

// rowStream is the source of RowRand(i), as a value.
func (g *ConnBuilder) rowStream(i int) rand.PCG {
	return *newStream(g.seed, streamConnect, g.proj<<1, g.preBase+uint64(i))
}

// ColumnRand returns the random stream of postsynaptic column j, keyed
// by the projection and the global id of cell j.
func (g *ConnBuilder) ColumnRand(j int) *rand.Rand {
	return rand.New(newStream(g.seed, streamConnect, g.proj<<1|1, g.postBase+uint64(j)))
}

// Rows builds the synapses row by row: row(i, dst) appends the ascending
// targets of presynaptic cell i to dst and returns it. Rows calls row for
// i = 0 … NPre−1 in order, from one goroutine. A row with a target outside
// [0, NPost) or not ascending is an error naming the row.
func (g *ConnBuilder) Rows(row func(i int, dst []uint32) []uint32) error {
	g.rowPtr = make([]uint32, g.nPre+1)
	var buf []uint32
	for i := range g.nPre {
		buf = row(i, buf[:0])
		if err := g.checkRow(i, buf); err != nil {
			return err
		}
		kept := g.kept(buf)
		if err := g.checkSize(int64(len(g.targets)) + int64(len(kept))); err != nil {
			return err
		}
		g.targets = append(g.targets, kept...)
		g.rowPtr[i+1] = uint32(len(g.targets))
	}
	return nil
}

// checkRow checks that row i's targets lie in [0, NPost) and ascend
// (repeats allowed): delivery into part of a population finds a row's
// targets in range by binary search, so a row out of order would reach
// other cells depending on the worker count.
func (g *ConnBuilder) checkRow(i int, row []uint32) error {
	for k, t := range row {
		if int(t) >= g.nPost {
			return fmt.Errorf("brain: ConnBuilder: row %d: target %d out of range [0, %d)", i, t, g.nPost)
		}
		if k > 0 && t < row[k-1] {
			return fmt.Errorf("brain: ConnBuilder: row %d: targets not ascending (%d after %d)", i, t, row[k-1])
		}
	}
	return nil
}

// kept is the part of an ascending row that the builder keeps.
func (g *ConnBuilder) kept(row []uint32) []uint32 {
	if !g.trim {
		return row
	}
	a := lowerBound(row, 0, uint32(len(row)), uint32(g.keepLo))
	b := lowerBound(row, a, uint32(len(row)), uint32(g.keepHi))
	return row[a:b]
}

// share is the fraction of the synapses the builder keeps, for sizing.
func (g *ConnBuilder) share() float64 {
	if !g.trim || g.nPost == 0 {
		return 1
	}
	return float64(g.keepHi-g.keepLo) / float64(g.nPost)
}

// RowsParallel is Rows for a row function that is a pure function of i
// (draw only from RowRand(i)) with no shared scratch, given the expected
// total of synapses: large projections generate their rows in parallel
// chunks (one per core), joined in row order, so the result is the serial
// one.
func (g *ConnBuilder) RowsParallel(expect float64, row func(i int, dst []uint32) []uint32) error {
	if runtime.GOMAXPROCS(0) == 1 || g.nPre < 4096 || expect*g.share() < 1<<18 {
		if e := expect * g.share(); e < maxSynapses {
			g.targets = make([]uint32, 0, int(e*1.01)+64)
		}
		return g.Rows(row)
	}
	return g.rowsInOrder(expect, nil, row)
}

// rowsInOrder is RowsParallel with the rows generated in the given order
// (a permutation of the presynaptic cells, such as cells sorted by
// position, so that consecutive rows read the same memory; nil: 0, 1, …)
// by one goroutine per core over consecutive parts of order. row must be
// a pure function of i; the synapses are stored in row order, the same as
// Rows'.
func (g *ConnBuilder) rowsInOrder(expect float64, order []int32, row func(i int, dst []uint32) []uint32) error {
	if order != nil && len(order) != g.nPre {
		return fmt.Errorf("brain: ConnBuilder: an order of %d rows for %d presynaptic cells", len(order), g.nPre)
	}
	rowAt := func(k int) int {
		if order == nil {
			return k
		}
		return int(order[k])
	}
	w := runtime.GOMAXPROCS(0)
	expect *= g.share()
	if g.nPre < 4096 || expect < 1<<18 {
		w = 1
	}
	type part struct {
		targets []uint32
		err     error
	}
	parts := make([]part, w)
	at := make([]uint32, g.nPre) // row i's offset in its part
	g.rowPtr = make([]uint32, g.nPre+1)
	var wg sync.WaitGroup
	for c := range parts {
		k0, k1 := g.nPre*c/w, g.nPre*(c+1)/w
		wg.Go(func() {
			pt := &parts[c]
			if share := expect * float64(k1-k0) / float64(g.nPre); share < maxSynapses {
				pt.targets = make([]uint32, 0, int(share*1.01)+64)
			}
			var buf []uint32
			for k := k0; k < k1; k++ {
				i := rowAt(k)
				buf = row(i, buf[:0])
				if err := g.checkRow(i, buf); err != nil {
					pt.err = err
					return
				}
				kept := g.kept(buf)
				if err := g.checkSize(int64(len(pt.targets)) + int64(len(kept))); err != nil {
					pt.err = err
					return
				}
				at[i] = uint32(len(pt.targets))
				g.rowPtr[i+1] = uint32(len(kept)) // a length; summed below
				pt.targets = append(pt.targets, kept...)
			}
		})
	}
	wg.Wait()
	var total int64
	for _, pt := range parts {
		if pt.err != nil {
			return pt.err
		}
		total += int64(len(pt.targets))
	}
	if err := g.checkSize(total); err != nil {
		return err
	}
	for i := range g.nPre {
		g.rowPtr[i+1] += g.rowPtr[i]
	}
	g.targets = make([]uint32, total)
	for c := range parts {
		k0, k1 := g.nPre*c/w, g.nPre*(c+1)/w
		if order == nil { // the part's rows are consecutive: one copy
			copy(g.targets[g.rowPtr[k0]:], parts[c].targets)
		} else {
			for k := k0; k < k1; k++ {
				i := rowAt(k)
				copy(g.targets[g.rowPtr[i]:g.rowPtr[i+1]], parts[c].targets[at[i]:])
			}
		}
		parts[c].targets = nil
	}
	return nil
}

// Columns builds the synapses column by column: col(j, dst) appends the
// presynaptic cells of postsynaptic cell j to dst and returns it. col must
// be a pure function of j (draw only from ColumnRand(j)): it is called
// twice, once to count and once to fill. A presynaptic cell outside
// [0, NPre), or a column that changes between the two calls, is an error.
func (g *ConnBuilder) Columns(col func(j int, dst []uint32) []uint32) error {
	count := make([]int64, g.nPre+1)
	var buf []uint32
	var total int64
	j0, j1 := 0, g.nPost
	if g.trim {
		j0, j1 = g.keepLo, g.keepHi
	}
	for j := j0; j < j1; j++ {
		buf = col(j, buf[:0])
		for _, i := range buf {
			if int(i) >= g.nPre {
				return fmt.Errorf("brain: ConnBuilder: column %d: presynaptic cell %d out of range [0, %d)", j, i, g.nPre)
			}
			count[i+1]++
		}
		total += int64(len(buf))
	}
	if err := g.checkSize(total); err != nil {
		return err
	}
	g.rowPtr = make([]uint32, g.nPre+1)
	for i := range g.nPre {
		count[i+1] += count[i]
		g.rowPtr[i+1] = uint32(count[i+1])
	}
	g.targets = make([]uint32, total)
	fill := count[:g.nPre] // next free slot of each row
	changed := func(j int) error {
		return fmt.Errorf("brain: ConnBuilder: column %d differs between the two calls of col (it must be a pure function of j)", j)
	}
	for j := j0; j < j1; j++ {
		buf = col(j, buf[:0])
		for _, i := range buf {
			if int(i) >= g.nPre || fill[i] >= int64(g.rowPtr[i+1]) {
				return changed(j)
			}
			g.targets[fill[i]] = uint32(j)
			fill[i]++
		}
	}
	for i, f := range fill {
		if f != int64(g.rowPtr[i+1]) {
			return fmt.Errorf("brain: ConnBuilder: presynaptic cell %d got %d of its %d synapses: col returned other cells the second time (it must be a pure function of j)", i, f-int64(g.rowPtr[i]), g.rowPtr[i+1]-g.rowPtr[i])
		}
	}
	return nil
}

// AllToAll connects every presynaptic cell to every postsynaptic cell.
type AllToAll struct {
	// NoSelf drops the autapse i→i when a population projects to itself.
	NoSelf bool
}

func (c AllToAll) String() string { return fmt.Sprintf("AllToAll{NoSelf: %v}", c.NoSelf) }

// RankLocal reports true: every row (column) is drawn from its own stream.
func (AllToAll) RankLocal() bool { return true }

// Connect builds the synapses.
func (c AllToAll) Connect(g *ConnBuilder) error {
	return g.RowsParallel(float64(g.nPre)*float64(g.nPost), func(i int, dst []uint32) []uint32 {
		for j := range g.nPost {
			if c.NoSelf && g.same && i == j {
				continue
			}
			dst = append(dst, uint32(j))
		}
		return dst
	})
}

// OneToOne connects presynaptic cell i to postsynaptic cell i; both sides
// must have the same size.
type OneToOne struct{}

func (OneToOne) String() string { return "OneToOne{}" }

// RankLocal reports true: every row (column) is drawn from its own stream.
func (OneToOne) RankLocal() bool { return true }

// Connect builds the synapses.
func (OneToOne) Connect(g *ConnBuilder) error {
	if g.nPre != g.nPost {
		return fmt.Errorf("brain: OneToOne needs equal sizes, got %d presynaptic and %d postsynaptic cells", g.nPre, g.nPost)
	}
	return g.Rows(func(i int, dst []uint32) []uint32 { return append(dst, uint32(i)) })
}

// FixedProbability connects each ordered pair independently with
// probability P (Erdős–Rényi; Brette et al. 2007 benchmarks use P = 0.02).
// Each presynaptic row draws its targets by geometric skipping, so the
// work is proportional to the number of synapses.
type FixedProbability struct {
	P      float64 // connection probability, in [0, 1]
	NoSelf bool    // drop autapses when a population projects to itself
}

func (c FixedProbability) String() string {
	return fmt.Sprintf("FixedProbability{P: %v, NoSelf: %v}", c.P, c.NoSelf)
}

// RankLocal reports true: every row (column) is drawn from its own stream.
func (FixedProbability) RankLocal() bool { return true }

// Connect builds the synapses.
func (c FixedProbability) Connect(g *ConnBuilder) error {
	if !(c.P >= 0 && c.P <= 1) {
		return fmt.Errorf("brain: FixedProbability.P = %v must be in [0, 1]", c.P)
	}
	if c.P == 0 {
		return g.Rows(func(int, []uint32) []uint32 { return nil })
	}
	logq := math.Log1p(-c.P) // < 0, −Inf when P == 1
	return g.RowsParallel(c.P*float64(g.nPre)*float64(g.nPost), func(i int, dst []uint32) []uint32 {
		// RowRand(i)'s stream, drawn from directly: the generator stays
		// on the stack (RowRand's is two heap objects per row).
		r := g.rowStream(i)
		j := -1
		for {
			// Gap to the next connected target: geometric on {0, 1, …}.
			skip := 0.0
			if c.P < 1 {
				u := float64(r.Uint64()<<11>>11) / (1 << 53) // rand.Rand.Float64
				skip = math.Floor(math.Log(1-u) / logq)
			}
			if skip >= float64(g.nPost-j-1) {
				return dst
			}
			j += 1 + int(skip)
			if c.NoSelf && g.same && i == j {
				continue
			}
			dst = append(dst, uint32(j))
		}
	})
}

// sampleDistinct appends k distinct numbers from {0, …, n−1} \ {exclude}
// (exclude < 0: none) to dst in ascending order. seen is a scratch bitmap
// of length ≥ n that is all false on entry and on return.
func sampleDistinct(r *rand.Rand, n, k, exclude int, seen []bool, dst []uint32) []uint32 {
	avail := n
	if exclude >= 0 {
		avail--
	}
	start := len(dst)
	if 2*k <= avail {
		for len(dst)-start < k {
			x := r.IntN(n)
			if x == exclude || seen[x] {
				continue
			}
			seen[x] = true
			dst = append(dst, uint32(x))
		}
	} else {
		// Dense: choose the avail−k cells to leave out instead.
		out := avail - k
		if exclude >= 0 {
			seen[exclude] = true
		}
		for cnt := 0; cnt < out; {
			x := r.IntN(n)
			if seen[x] {
				continue
			}
			seen[x] = true
			cnt++
		}
		for x := range n {
			if !seen[x] {
				dst = append(dst, uint32(x))
			}
		}
		for x := range n {
			seen[x] = false
		}
		return dst
	}
	for _, x := range dst[start:] {
		seen[x] = false
	}
	slices.Sort(dst[start:])
	return dst
}

// FixedInDegree gives every postsynaptic cell exactly K distinct
// presynaptic partners chosen at random (Brunel 2000: C_E excitatory and
// C_I inhibitory inputs per neuron; PyNN FixedNumberPreConnector).
type FixedInDegree struct {
	K      int  // inputs per postsynaptic cell
	NoSelf bool // drop autapses when a population projects to itself
}

func (c FixedInDegree) String() string {
	return fmt.Sprintf("FixedInDegree{K: %d, NoSelf: %v}", c.K, c.NoSelf)
}

// RankLocal reports true: every row (column) is drawn from its own stream.
func (FixedInDegree) RankLocal() bool { return true }

// Connect builds the synapses.
func (c FixedInDegree) Connect(g *ConnBuilder) error {
	avail := g.nPre
	if c.NoSelf && g.same {
		avail--
	}
	if c.K < 0 || c.K > avail {
		return fmt.Errorf("brain: FixedInDegree.K = %d must be in [0, %d]", c.K, avail)
	}
	seen := make([]bool, g.nPre)
	return g.Columns(func(j int, dst []uint32) []uint32 {
		ex := -1
		if c.NoSelf && g.same {
			ex = j
		}
		return sampleDistinct(g.ColumnRand(j), g.nPre, c.K, ex, seen, dst)
	})
}

// FixedOutDegree gives every presynaptic cell exactly K distinct
// postsynaptic targets chosen at random (PyNN FixedNumberPostConnector).
type FixedOutDegree struct {
	K      int  // targets per presynaptic cell
	NoSelf bool // drop autapses when a population projects to itself
}

func (c FixedOutDegree) String() string {
	return fmt.Sprintf("FixedOutDegree{K: %d, NoSelf: %v}", c.K, c.NoSelf)
}

// RankLocal reports true: every row (column) is drawn from its own stream.
func (FixedOutDegree) RankLocal() bool { return true }

// Connect builds the synapses.
func (c FixedOutDegree) Connect(g *ConnBuilder) error {
	avail := g.nPost
	if c.NoSelf && g.same {
		avail--
	}
	if c.K < 0 || c.K > avail {
		return fmt.Errorf("brain: FixedOutDegree.K = %d must be in [0, %d]", c.K, avail)
	}
	seen := make([]bool, g.nPost)
	return g.Rows(func(i int, dst []uint32) []uint32 {
		ex := -1
		if c.NoSelf && g.same {
			ex = i
		}
		return sampleDistinct(g.RowRand(i), g.nPost, c.K, ex, seen, dst)
	})
}

// FromList makes exactly the listed synapses (PyNN FromListConnector).
// Weights and Delays, when not nil, give each synapse its own weight
// (signed, Dale's law) and delay (ms) and override the projection's.
type FromList struct {
	Pairs   [][2]int  // (presynaptic index, postsynaptic index); repeats allowed
	Weights []float64 // nil, or one per pair
	Delays  []float64 // nil, or one per pair (ms)
}

func (c FromList) String() string { return fmt.Sprintf("FromList{%d pairs}", len(c.Pairs)) }

// Connect builds the synapses.
func (c FromList) Connect(g *ConnBuilder) error {
	n := len(c.Pairs)
	if c.Weights != nil && len(c.Weights) != n {
		return fmt.Errorf("brain: FromList: %d weights for %d pairs", len(c.Weights), n)
	}
	if c.Delays != nil && len(c.Delays) != n {
		return fmt.Errorf("brain: FromList: %d delays for %d pairs", len(c.Delays), n)
	}
	if err := g.checkSize(int64(n)); err != nil {
		return err
	}
	order := make([]int, n)
	for k, p := range c.Pairs {
		if p[0] < 0 || p[0] >= g.nPre || p[1] < 0 || p[1] >= g.nPost {
			return fmt.Errorf("brain: FromList: pair %d = %v outside %d×%d", k, p, g.nPre, g.nPost)
		}
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int {
		pa, pb := c.Pairs[a], c.Pairs[b]
		if x := cmp.Compare(pa[0], pb[0]); x != 0 {
			return x
		}
		return cmp.Compare(pa[1], pb[1])
	})
	rowPtr := make([]uint32, g.nPre+1)
	targets := make([]uint32, n)
	var weights, delays []float64
	if c.Weights != nil {
		weights = make([]float64, n)
	}
	if c.Delays != nil {
		delays = make([]float64, n)
	}
	for s, k := range order {
		p := c.Pairs[k]
		rowPtr[p[0]+1]++
		targets[s] = uint32(p[1])
		if c.Weights != nil {
			weights[s] = c.Weights[k]
		}
		if c.Delays != nil {
			delays[s] = c.Delays[k]
		}
	}
	for i := range g.nPre {
		rowPtr[i+1] += rowPtr[i]
	}
	if err := g.SetCSR(rowPtr, targets); err != nil {
		return err
	}
	if weights != nil {
		if err := g.SetWeights(weights); err != nil {
			return err
		}
	}
	if delays != nil {
		return g.SetDelays(delays)
	}
	return nil
}

// FromMatrix makes one synapse for every non-zero entry W[pre][post], with
// that entry as its weight (signed, Dale's law). It is the natural form of
// an external-input matrix: rows are input channels (or presynaptic
// cells), columns postsynaptic cells. Delays, when not nil, has W's shape
// and gives each synapse's delay (ms).
type FromMatrix struct {
	W      [][]float64
	Delays [][]float64
}

func (c FromMatrix) String() string { return fmt.Sprintf("FromMatrix{%d rows}", len(c.W)) }

// Connect builds the synapses.
func (c FromMatrix) Connect(g *ConnBuilder) error {
	if len(c.W) != g.nPre {
		return fmt.Errorf("brain: FromMatrix: %d rows for %d presynaptic cells", len(c.W), g.nPre)
	}
	if c.Delays != nil && len(c.Delays) != g.nPre {
		return fmt.Errorf("brain: FromMatrix: %d delay rows for %d presynaptic cells", len(c.Delays), g.nPre)
	}
	weights := []float64{}
	var delays []float64
	for i, row := range c.W {
		if len(row) != g.nPost {
			return fmt.Errorf("brain: FromMatrix: row %d has %d columns for %d postsynaptic cells", i, len(row), g.nPost)
		}
		if c.Delays != nil && len(c.Delays[i]) != g.nPost {
			return fmt.Errorf("brain: FromMatrix: delay row %d has %d columns for %d postsynaptic cells", i, len(c.Delays[i]), g.nPost)
		}
	}
	err := g.Rows(func(i int, dst []uint32) []uint32 {
		for j, w := range c.W[i] {
			if w != 0 {
				dst = append(dst, uint32(j))
				weights = append(weights, w)
				if c.Delays != nil {
					delays = append(delays, c.Delays[i][j])
				}
			}
		}
		return dst
	})
	if err != nil {
		return err
	}
	if err := g.SetWeights(weights); err != nil {
		return err
	}
	if c.Delays != nil {
		return g.SetDelays(delays)
	}
	return nil
}
