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
// cells (PyNN's connectors). The connectors are AllToAll, OneToOne,
// FixedProbability, FixedInDegree, FixedOutDegree, FromList and
// FromMatrix. Random connectors draw from streams keyed by the projection
// index and the global id of the row (or column) they build, so the same
// seed gives the same wiring on any number of cores.
type Connector interface {
	// connect fills g.rowPtr and g.targets (targets ascending within a
	// row) and optionally g.weights / g.delays (one per synapse).
	connect(g *connGen) error
	// String describes the connector.
	String() string
}

// connGen is the work area of one projection's connectivity build.
type connGen struct {
	seed        uint64
	proj        uint64 // projection index (stream key)
	preBase     uint64 // global id of presynaptic cell 0 (stream key)
	postBase    uint64 // global id of postsynaptic cell 0 (stream key)
	nPre, nPost int
	same        bool // presynaptic and postsynaptic population are the same

	rowPtr  []uint32
	targets []uint32
	weights []float64 // per synapse, signed; nil: use the projection's Weight
	delays  []float64 // per synapse, ms; nil: use the projection's Delay
}

// maxSynapses bounds one projection (32-bit synapse indices).
const maxSynapses = math.MaxUint32 - 1

func (g *connGen) checkSize(n int64) error {
	if n > maxSynapses {
		return fmt.Errorf("brain: projection would hold %d synapses, more than the %d a 32-bit index allows", n, int64(maxSynapses))
	}
	return nil
}

// rowStream is the connectivity stream of presynaptic row i.
func (g *connGen) rowStream(i int) *rand.Rand {
	return rand.New(newStream(g.seed, streamConnect, g.proj<<1, g.preBase+uint64(i)))
}

// colStream is the connectivity stream of postsynaptic column j.
func (g *connGen) colStream(j int) *rand.Rand {
	return rand.New(newStream(g.seed, streamConnect, g.proj<<1|1, g.postBase+uint64(j)))
}

// byRows builds the CSR arrays from a row generator that appends the
// ascending targets of row i to dst.
func (g *connGen) byRows(row func(i int, dst []uint32) []uint32) error {
	g.rowPtr = make([]uint32, g.nPre+1)
	var buf []uint32
	for i := range g.nPre {
		buf = row(i, buf[:0])
		if err := g.checkSize(int64(len(g.targets)) + int64(len(buf))); err != nil {
			return err
		}
		g.targets = append(g.targets, buf...)
		g.rowPtr[i+1] = uint32(len(g.targets))
	}
	return nil
}

// byRowsParallel is byRows for a row generator that is a pure function of
// i with no shared scratch, and an expected total of synapses: large
// projections generate their rows in parallel chunks (one per core), which
// are joined in row order, so the result is the serial one.
func (g *connGen) byRowsParallel(expect float64, row func(i int, dst []uint32) []uint32) error {
	w := runtime.GOMAXPROCS(0)
	if w == 1 || g.nPre < 4096 || expect < 1<<18 {
		if expect < maxSynapses {
			g.targets = make([]uint32, 0, int(expect*1.01)+64)
		}
		return g.byRows(row)
	}
	type part struct {
		targets []uint32
		err     error
	}
	parts := make([]part, w)
	g.rowPtr = make([]uint32, g.nPre+1)
	var wg sync.WaitGroup
	for c := range parts {
		a, b := g.nPre*c/w, g.nPre*(c+1)/w
		wg.Go(func() {
			pt := &parts[c]
			share := expect * float64(b-a) / float64(g.nPre)
			if share < maxSynapses {
				pt.targets = make([]uint32, 0, int(share*1.01)+64)
			}
			var buf []uint32
			for i := a; i < b; i++ {
				buf = row(i, buf[:0])
				if err := g.checkSize(int64(len(pt.targets)) + int64(len(buf))); err != nil {
					pt.err = err
					return
				}
				pt.targets = append(pt.targets, buf...)
				g.rowPtr[i+1] = uint32(len(pt.targets)) // within the part; shifted below
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
	g.targets = make([]uint32, 0, total)
	for c, pt := range parts {
		a, b := g.nPre*c/w, g.nPre*(c+1)/w
		base := uint32(len(g.targets))
		for i := a; i < b; i++ {
			g.rowPtr[i+1] += base
		}
		g.targets = append(g.targets, pt.targets...)
		parts[c].targets = nil
	}
	return nil
}

// byColumns builds the CSR arrays from a column generator that appends the
// presynaptic sources of column j to dst. The generator must be a pure
// function of j (it is called twice: once to count, once to fill).
func (g *connGen) byColumns(col func(j int, dst []uint32) []uint32) error {
	count := make([]int64, g.nPre+1)
	var buf []uint32
	var total int64
	for j := range g.nPost {
		buf = col(j, buf[:0])
		for _, i := range buf {
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
	for j := range g.nPost {
		buf = col(j, buf[:0])
		for _, i := range buf {
			g.targets[fill[i]] = uint32(j)
			fill[i]++
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

func (c AllToAll) connect(g *connGen) error {
	return g.byRowsParallel(float64(g.nPre)*float64(g.nPost), func(i int, dst []uint32) []uint32 {
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

func (OneToOne) connect(g *connGen) error {
	if g.nPre != g.nPost {
		return fmt.Errorf("brain: OneToOne needs equal sizes, got %d presynaptic and %d postsynaptic cells", g.nPre, g.nPost)
	}
	return g.byRows(func(i int, dst []uint32) []uint32 { return append(dst, uint32(i)) })
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

func (c FixedProbability) connect(g *connGen) error {
	if !(c.P >= 0 && c.P <= 1) {
		return fmt.Errorf("brain: FixedProbability.P = %v must be in [0, 1]", c.P)
	}
	if c.P == 0 {
		return g.byRows(func(int, []uint32) []uint32 { return nil })
	}
	logq := math.Log1p(-c.P) // < 0, −Inf when P == 1
	return g.byRowsParallel(c.P*float64(g.nPre)*float64(g.nPost), func(i int, dst []uint32) []uint32 {
		r := g.rowStream(i)
		j := -1
		for {
			// Gap to the next connected target: geometric on {0, 1, …}.
			skip := 0.0
			if c.P < 1 {
				skip = math.Floor(math.Log(1-r.Float64()) / logq)
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

func (c FixedInDegree) connect(g *connGen) error {
	avail := g.nPre
	if c.NoSelf && g.same {
		avail--
	}
	if c.K < 0 || c.K > avail {
		return fmt.Errorf("brain: FixedInDegree.K = %d must be in [0, %d]", c.K, avail)
	}
	seen := make([]bool, g.nPre)
	return g.byColumns(func(j int, dst []uint32) []uint32 {
		ex := -1
		if c.NoSelf && g.same {
			ex = j
		}
		return sampleDistinct(g.colStream(j), g.nPre, c.K, ex, seen, dst)
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

func (c FixedOutDegree) connect(g *connGen) error {
	avail := g.nPost
	if c.NoSelf && g.same {
		avail--
	}
	if c.K < 0 || c.K > avail {
		return fmt.Errorf("brain: FixedOutDegree.K = %d must be in [0, %d]", c.K, avail)
	}
	seen := make([]bool, g.nPost)
	return g.byRows(func(i int, dst []uint32) []uint32 {
		ex := -1
		if c.NoSelf && g.same {
			ex = i
		}
		return sampleDistinct(g.rowStream(i), g.nPost, c.K, ex, seen, dst)
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

func (c FromList) connect(g *connGen) error {
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
	g.rowPtr = make([]uint32, g.nPre+1)
	g.targets = make([]uint32, n)
	if c.Weights != nil {
		g.weights = make([]float64, n)
	}
	if c.Delays != nil {
		g.delays = make([]float64, n)
	}
	for s, k := range order {
		p := c.Pairs[k]
		g.rowPtr[p[0]+1]++
		g.targets[s] = uint32(p[1])
		if c.Weights != nil {
			g.weights[s] = c.Weights[k]
		}
		if c.Delays != nil {
			g.delays[s] = c.Delays[k]
		}
	}
	for i := range g.nPre {
		g.rowPtr[i+1] += g.rowPtr[i]
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

func (c FromMatrix) connect(g *connGen) error {
	if len(c.W) != g.nPre {
		return fmt.Errorf("brain: FromMatrix: %d rows for %d presynaptic cells", len(c.W), g.nPre)
	}
	if c.Delays != nil && len(c.Delays) != g.nPre {
		return fmt.Errorf("brain: FromMatrix: %d delay rows for %d presynaptic cells", len(c.Delays), g.nPre)
	}
	g.weights = []float64{}
	if c.Delays != nil {
		g.delays = []float64{}
	}
	for i, row := range c.W {
		if len(row) != g.nPost {
			return fmt.Errorf("brain: FromMatrix: row %d has %d columns for %d postsynaptic cells", i, len(row), g.nPost)
		}
		if c.Delays != nil && len(c.Delays[i]) != g.nPost {
			return fmt.Errorf("brain: FromMatrix: delay row %d has %d columns for %d postsynaptic cells", i, len(c.Delays[i]), g.nPost)
		}
	}
	return g.byRows(func(i int, dst []uint32) []uint32 {
		for j, w := range c.W[i] {
			if w != 0 {
				dst = append(dst, uint32(j))
				g.weights = append(g.weights, w)
				if c.Delays != nil {
					g.delays = append(g.delays, c.Delays[i][j])
				}
			}
		}
		return dst
	})
}
