package brain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Space is the box cells live in: [0, ExtentMM[0]) × [0, ExtentMM[1])
// (× [0, ExtentMM[2]) in 3-D), lengths in mm. With Periodic set the box
// wraps around (a torus): distances are measured to the nearest image, as
// NEST's spatial layers with edge_wrap do, so that no cell sits at an
// edge.
type Space struct {
	Dim      int        // 2 or 3
	ExtentMM [3]float64 // side lengths (mm), > 0 for the first Dim
	Periodic bool
}

func (s Space) validate() error {
	if s.Dim != 2 && s.Dim != 3 {
		return fmt.Errorf("brain: Space.Dim = %d: must be 2 or 3", s.Dim)
	}
	for d := range s.Dim {
		if e := s.ExtentMM[d]; !(e > 0) || math.IsInf(e, 0) {
			return fmt.Errorf("brain: Space.ExtentMM[%d] = %v: must be a finite number > 0 mm", d, e)
		}
	}
	return nil
}

// Dist is the distance (mm) between points a and b: Euclidean over the
// first Dim coordinates, to the nearest image when Periodic.
func (s Space) Dist(a, b [3]float64) float64 {
	sum := 0.0
	for d := range s.Dim {
		x := math.Abs(a[d] - b[d])
		if s.Periodic && x > s.ExtentMM[d]/2 {
			x = s.ExtentMM[d] - x
		}
		sum += x * x
	}
	return math.Sqrt(sum)
}

// Positions are the locations of the cells of a population in a Space
// (mm): Pos[i] is cell i's (x, y, z), z = 0 in 2-D.
type Positions struct {
	Space
	Pos [][3]float64
}

// Len is the number of cells.
func (p *Positions) Len() int { return len(p.Pos) }

// GridPositions places prod(shape) cells on a regular grid filling the
// space, shape[d] cells along dimension d (len(shape) == Dim), each at
// the centre of its grid cell; cell index runs fastest along x.
func GridPositions(sp Space, shape ...int) (*Positions, error) {
	if err := sp.validate(); err != nil {
		return nil, err
	}
	if len(shape) != sp.Dim {
		return nil, fmt.Errorf("brain: GridPositions: %d sizes for a %d-D space", len(shape), sp.Dim)
	}
	n := 1
	for d, k := range shape {
		if k <= 0 || n > math.MaxInt32/k {
			return nil, fmt.Errorf("brain: GridPositions: shape[%d] = %d: must be > 0 with a product below 2³¹", d, k)
		}
		n *= k
	}
	p := &Positions{Space: sp, Pos: make([][3]float64, n)}
	for i := range p.Pos {
		r := i
		for d, k := range shape {
			p.Pos[i][d] = (float64(r%k) + 0.5) * sp.ExtentMM[d] / float64(k)
			r /= k
		}
	}
	return p, nil
}

// RandomPositions places n cells independently and uniformly in the space,
// drawn from a stream keyed by seed (the same seed gives the same
// positions).
func RandomPositions(n int, sp Space, seed uint64) (*Positions, error) {
	if err := sp.validate(); err != nil {
		return nil, err
	}
	if n <= 0 || n > math.MaxInt32 {
		return nil, fmt.Errorf("brain: RandomPositions: n = %d: must be in [1, 2³¹)", n)
	}
	r := rand.New(rand.NewPCG(seed, 0x5ace5ace))
	p := &Positions{Space: sp, Pos: make([][3]float64, n)}
	for i := range p.Pos {
		for d := range sp.Dim {
			p.Pos[i][d] = r.Float64() * sp.ExtentMM[d]
		}
	}
	return p, nil
}

// A DistanceKernel is a connection probability as a function of distance.
type DistanceKernel interface {
	// Prob is the probability (in [0, 1]) that two cells dMM apart are
	// connected. It must not increase with distance (DistanceProbability
	// draws the candidates of a bin at the value of its nearest point).
	Prob(dMM float64) float64
	// RangeMM is the distance beyond which Prob is taken as 0.
	RangeMM() float64
	// Validate reports bad parameters.
	Validate() error
	String() string
}

// GaussianKernel is p(d) = P0·exp(−d²/(2σ²)), taken as 0 beyond 5.26σ
// (where it falls below 10⁻⁶·P0).
type GaussianKernel struct {
	P0, SigmaMM float64
}

// Prob is the kernel's connection probability at distance d (mm).
func (k GaussianKernel) Prob(d float64) float64 {
	x := d / k.SigmaMM
	return k.P0 * math.Exp(-0.5*x*x)
}

// RangeMM is the distance (mm) beyond which Prob is taken as 0.
func (k GaussianKernel) RangeMM() float64 { return k.SigmaMM * math.Sqrt(2*math.Log(1e6)) }

// Validate reports a P0 outside [0, 1] or a length that is not > 0.
func (k GaussianKernel) Validate() error {
	return checkKernel("GaussianKernel", k.P0, "SigmaMM", k.SigmaMM)
}
func (k GaussianKernel) String() string {
	return fmt.Sprintf("GaussianKernel{P0: %v, SigmaMM: %v}", k.P0, k.SigmaMM)
}

// ExponentialKernel is p(d) = P0·exp(−d/λ), taken as 0 beyond 13.8λ
// (where it falls below 10⁻⁶·P0).
type ExponentialKernel struct {
	P0, LambdaMM float64
}

// Prob is the kernel's connection probability at distance d (mm).
func (k ExponentialKernel) Prob(d float64) float64 { return k.P0 * math.Exp(-d/k.LambdaMM) }

// RangeMM is the distance (mm) beyond which Prob is taken as 0.
func (k ExponentialKernel) RangeMM() float64 { return k.LambdaMM * math.Log(1e6) }

// Validate reports a P0 outside [0, 1] or a length that is not > 0.
func (k ExponentialKernel) Validate() error {
	return checkKernel("ExponentialKernel", k.P0, "LambdaMM", k.LambdaMM)
}
func (k ExponentialKernel) String() string {
	return fmt.Sprintf("ExponentialKernel{P0: %v, LambdaMM: %v}", k.P0, k.LambdaMM)
}

// BoxKernel is p(d) = P0 for d ≤ RadiusMM, else 0.
type BoxKernel struct {
	P0, RadiusMM float64
}

// Prob is the kernel's connection probability at distance d (mm).
func (k BoxKernel) Prob(d float64) float64 {
	if d <= k.RadiusMM {
		return k.P0
	}
	return 0
}

// RangeMM is the distance (mm) beyond which Prob is taken as 0.
func (k BoxKernel) RangeMM() float64 { return k.RadiusMM }

// Validate reports a P0 outside [0, 1] or a length that is not > 0.
func (k BoxKernel) Validate() error { return checkKernel("BoxKernel", k.P0, "RadiusMM", k.RadiusMM) }
func (k BoxKernel) String() string {
	return fmt.Sprintf("BoxKernel{P0: %v, RadiusMM: %v}", k.P0, k.RadiusMM)
}

func checkKernel(kind string, p0 float64, lname string, l float64) error {
	if !(p0 >= 0 && p0 <= 1) {
		return fmt.Errorf("brain: %s.P0 = %v: must be in [0, 1]", kind, p0)
	}
	if !(l > 0) || math.IsInf(l, 0) {
		return fmt.Errorf("brain: %s.%s = %v: must be a finite number > 0 mm", kind, lname, l)
	}
	return nil
}

// DistanceProbability connects each ordered pair of cells independently
// with a probability that depends on their distance (PyNN's
// DistanceDependentProbabilityConnector, NEST's spatial connections):
// Kernel.Prob(dist). Pre and Post give the cells' positions in one Space
// (Post nil: Pre, for a population projecting to itself). With SpeedMMPerMS
// > 0 every synapse gets the delay DelayMS + dist/SpeedMMPerMS (ms; a
// conduction speed of 1 m/s is 1 mm/ms), overriding the projection's
// Delay.
//
// Each row draws from its own stream (ConnBuilder.RowRand); rows are
// generated in parallel, in bin order of the presynaptic positions, and
// stored in row order, so the wiring does not depend on the number of
// cores or on the order of generation. Only the cells
// within Kernel.RangeMM() are visited, through a grid of bins over the
// postsynaptic positions: in each bin the candidates are drawn by
// geometric skipping at (a tabulated upper bound of) the kernel's largest
// value over the bin and kept with probability Prob(d)/that value
// (thinning, decided from the tabulated kernel unless the draw falls
// within one table step of it); in bins where that value exceeds 0.25
// every cell draws one uniform number instead. Both are exact, and the
// work grows with the number of synapses rather than of pairs.
type DistanceProbability struct {
	Pre, Post    *Positions
	Kernel       DistanceKernel
	NoSelf       bool    // drop autapses when a population projects to itself
	DelayMS      float64 // delay at distance 0 (ms), with SpeedMMPerMS
	SpeedMMPerMS float64 // conduction speed (mm/ms = m/s); 0: the projection's Delay
}

func (c DistanceProbability) String() string {
	return fmt.Sprintf("DistanceProbability{%v, NoSelf: %v, DelayMS: %v, SpeedMMPerMS: %v}", c.Kernel, c.NoSelf, c.DelayMS, c.SpeedMMPerMS)
}

// probTable tabulates a kernel against squared distance, each entry at
// the lower edge of its interval, so that for a non-increasing kernel
// p[int(d²·scale)] ≥ Prob(d): the bound a bin's candidates are drawn at.
type probTable struct {
	scale   float64 // entries per mm²
	p, logq []float64
}

const probTableSize = 1 << 12

func newProbTable(k DistanceKernel, cut float64) *probTable {
	// Two entries beyond the range serve keep's lower bound at the range.
	t := &probTable{scale: probTableSize / (cut * cut), p: make([]float64, probTableSize+3), logq: make([]float64, probTableSize+3)}
	for q := range t.p {
		t.p[q] = min(k.Prob(math.Sqrt(float64(q)/t.scale)), 1)
		t.logq[q] = math.Log1p(-t.p[q])
	}
	return t
}

// keep reports u < k.Prob(√d2) for 0 ≤ d2 ≤ cut², mostly from the table:
// the kernel at √d2 lies between the entries one below and two above d2's
// interval (one entry of slack either side for the rounding of d2·scale),
// so u outside that band decides without evaluating the kernel.
func (t *probTable) keep(k DistanceKernel, u, d2 float64) bool {
	q := int(d2 * t.scale)
	if u < t.p[q+2] {
		return true
	}
	if q > 0 && u >= t.p[q-1] {
		return false
	}
	return u < k.Prob(math.Sqrt(d2))
}

// binGrid is a counting-sort grid of positions.
type binGrid struct {
	nb    [3]int
	w     [3]float64   // bin widths
	start []int32      // per bin (flattened, x fastest), into cells; len bins+1
	cells []int32      // cell indices, ascending within a bin
	pos   [][3]float64 // their positions (in bin order, for locality)
}

func newBinGrid(p *Positions, width float64) *binGrid {
	g := &binGrid{nb: [3]int{1, 1, 1}, w: [3]float64{1, 1, 1}}
	bins := 1
	for d := range p.Dim {
		g.nb[d] = max(1, min(int(p.ExtentMM[d]/width), 1<<10))
		g.w[d] = p.ExtentMM[d] / float64(g.nb[d])
		bins *= g.nb[d]
	}
	of := make([]int32, len(p.Pos))
	g.start = make([]int32, bins+1)
	for i, x := range p.Pos {
		b := 0
		for d := p.Dim - 1; d >= 0; d-- {
			k := min(max(int(x[d]/g.w[d]), 0), g.nb[d]-1)
			b = b*g.nb[d] + k
		}
		of[i] = int32(b)
		g.start[b+1]++
	}
	for b := range bins {
		g.start[b+1] += g.start[b]
	}
	fill := slices.Clone(g.start[:bins])
	g.cells = make([]int32, len(p.Pos))
	g.pos = make([][3]float64, len(p.Pos))
	for i, b := range of {
		g.cells[fill[b]] = int32(i)
		g.pos[fill[b]] = p.Pos[i]
		fill[b]++
	}
	return g
}

// Connect builds the synapses.
func (c DistanceProbability) Connect(b *ConnBuilder) error {
	pre, post := c.Pre, c.Post
	if post == nil {
		post = pre
	}
	if pre == nil || c.Kernel == nil {
		return fmt.Errorf("brain: DistanceProbability: Pre positions and Kernel are required")
	}
	if err := c.Kernel.Validate(); err != nil {
		return err
	}
	if err := post.validate(); err != nil {
		return err
	}
	if pre.Space != post.Space {
		return fmt.Errorf("brain: DistanceProbability: Pre and Post positions live in different spaces (%+v, %+v)", pre.Space, post.Space)
	}
	if pre.Len() != b.NPre() || post.Len() != b.NPost() {
		return fmt.Errorf("brain: DistanceProbability: %d Pre and %d Post positions for %d presynaptic and %d postsynaptic cells", pre.Len(), post.Len(), b.NPre(), b.NPost())
	}
	if c.SpeedMMPerMS < 0 || math.IsNaN(c.SpeedMMPerMS) || math.IsInf(c.SpeedMMPerMS, 0) {
		return fmt.Errorf("brain: DistanceProbability.SpeedMMPerMS = %v: must be a finite number ≥ 0 (0: no distance-dependent delay)", c.SpeedMMPerMS)
	}
	if c.SpeedMMPerMS > 0 && (!(c.DelayMS >= 0) || math.IsInf(c.DelayMS, 0)) {
		return fmt.Errorf("brain: DistanceProbability.DelayMS = %v: must be a finite number ≥ 0 ms", c.DelayMS)
	}
	sp := post.Space
	cut := c.Kernel.RangeMM()
	// Bins about a sixth (2-D) or a quarter (3-D) of the range wide keep
	// the bins visited per row to a few hundred.
	k := 6.0
	if sp.Dim == 3 {
		k = 4
	}
	g := newBinGrid(post, cut/k)
	tb := newProbTable(c.Kernel, cut)
	// Expected synapses, for the builder's allocation: a rough count from
	// a few rows.
	expect := 0.0
	probe := min(b.NPre(), 64)
	var buf []uint32
	rows := func(i int, dst []uint32) []uint32 {
		return c.row(b, g, tb, pre.Pos[i], post, cut, i, dst)
	}
	for i := range probe {
		buf = rows(i*b.NPre()/probe, buf[:0])
		expect += float64(len(buf))
	}
	expect *= float64(b.NPre()) / float64(probe)
	// Rows are generated cell by cell in bin order of the presynaptic
	// positions: neighbouring rows visit the same bins, which stay in
	// cache.
	order := g.cells
	if pre != post {
		order = newBinGrid(pre, cut/k).cells
	}
	if err := b.rowsInOrder(expect, order, rows); err != nil {
		return err
	}
	if c.SpeedMMPerMS == 0 {
		return nil
	}
	delays := make([]float64, len(b.targets))
	parallelRows(b.NPre(), func(lo, hi int) {
		for _, i := range order[lo:hi] {
			for s := b.rowPtr[i]; s < b.rowPtr[i+1]; s++ {
				delays[s] = c.DelayMS + sp.Dist(pre.Pos[i], post.Pos[b.targets[s]])/c.SpeedMMPerMS
			}
		}
	})
	return b.SetDelays(delays)
}

// parallelRows runs f over [0, n) split into one chunk per core (f must
// write only its own rows' results).
func parallelRows(n int, f func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if w == 1 || n < 4096 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for c := range w {
		wg.Go(func() { f(n*c/w, n*(c+1)/w) })
	}
	wg.Wait()
}

// row appends the ascending targets of presynaptic cell i at x.
func (c DistanceProbability) row(b *ConnBuilder, g *binGrid, tb *probTable, x [3]float64, post *Positions, cut float64, i int, dst []uint32) []uint32 {
	r := b.RowRand(i)
	sp := post.Space
	self := c.NoSelf && b.Recurrent()
	var lo, hi, cen [3]int
	for d := range 3 {
		if d >= sp.Dim {
			lo[d], hi[d] = 0, 0
			continue
		}
		cen[d] = int(math.Floor(x[d] / g.w[d]))
		reach := int(math.Ceil(cut/g.w[d])) + 1
		lo[d], hi[d] = cen[d]-reach, cen[d]+reach
		if sp.Periodic {
			if hi[d]-lo[d]+1 >= g.nb[d] {
				lo[d], hi[d] = 0, g.nb[d]-1
			}
		} else {
			lo[d], hi[d] = max(lo[d], 0), min(hi[d], g.nb[d]-1)
		}
	}
	cut2 := cut * cut
	// Per dimension, for each bin of the range: the squared gap from x to
	// the bin, the bin's (wrapped) index, and x shifted into the frame of
	// the bin's image (cell − shifted x is the offset to the nearest
	// image when the range does not wrap onto itself; when it does, the
	// axis is unwrapped per cell).
	sc := rowScratchPool.Get().(*rowScratch)
	defer rowScratchPool.Put(sc)
	gaps, xs, idx := &sc.gaps, &sc.xs, &sc.idx
	var wrap [3]bool
	for d := range 3 {
		gaps[d], xs[d], idx[d] = gaps[d][:0], xs[d][:0], idx[d][:0]
		if d < sp.Dim && sp.Periodic && hi[d]-lo[d]+1 >= g.nb[d] {
			wrap[d] = true
		}
		for k := lo[d]; k <= hi[d]; k++ {
			if d >= sp.Dim {
				gaps[d], xs[d], idx[d] = append(gaps[d], 0), append(xs[d], 0), append(idx[d], 0)
				continue
			}
			blo := float64(k) * g.w[d]
			gap := gapTo(x[d], blo, blo+g.w[d])
			w, xk := k, x[d]
			if sp.Periodic {
				e := sp.ExtentMM[d]
				gap = min(gap, gapTo(x[d], blo-e, blo-e+g.w[d]), gapTo(x[d], blo+e, blo+e+g.w[d]))
				w = ((k % g.nb[d]) + g.nb[d]) % g.nb[d]
				if !wrap[d] {
					xk -= float64((k-w)/g.nb[d]) * e
				}
			}
			gaps[d], xs[d], idx[d] = append(gaps[d], gap*gap), append(xs[d], xk), append(idx[d], w)
		}
	}
	// Sparse bins share one exponential budget e: the cells of the row's
	// sparse bins, in visiting order, are independent trials, and the next
	// candidate is the first cell whose summed hazard −log(1 − pmax)
	// exceeds e (geometric skipping carried across bins, so an empty bin
	// costs no logarithm).
	e := -1.0 // < 0: draw when needed
	for az, gz := range gaps[2] {
		for ay, gy := range gaps[1] {
			if gz+gy > cut2 {
				continue
			}
			base := (idx[2][az]*g.nb[1] + idx[1][ay]) * g.nb[0]
			xb := [3]float64{0, xs[1][ay], xs[2][az]}
			for ax, gx := range gaps[0] {
				gap2 := gz + gy + gx
				if gap2 > cut2 {
					continue
				}
				flat := base + idx[0][ax]
				q := int(gap2 * tb.scale) // tabulated at the lower edge: an upper bound
				pmax := tb.p[q]
				if !(pmax > 0) {
					continue
				}
				xb[0] = xs[0][ax]
				cells := g.cells[g.start[flat]:g.start[flat+1]]
				cpos := g.pos[g.start[flat]:g.start[flat+1]]
				cpos = cpos[:len(cells)]
				// Dense bins: one uniform u per cell, a candidate when
				// u < pmax, kept when u < p(d). Sparse bins: skipping to
				// the candidates, kept with probability p/pmax.
				dense := pmax > 0.25
				h := -tb.logq[q]
				k := -1
				for {
					u := 0.0
					if dense {
						if k++; k >= len(cells) {
							break
						}
						if u = r.Float64(); u >= pmax {
							continue
						}
					} else {
						if e < 0 {
							e = r.ExpFloat64()
						}
						left := float64(len(cells) - k - 1)
						skip := math.Floor(e / h)
						if skip >= left {
							e -= left * h
							break
						}
						k += 1 + int(skip)
						e = -1
					}
					j := int(cells[k])
					if self && j == i {
						continue
					}
					if !dense {
						u = r.Float64() * pmax
					}
					d2 := 0.0
					for e := range sp.Dim {
						v := cpos[k][e] - xb[e]
						if wrap[e] {
							v = math.Abs(v)
							if v > sp.ExtentMM[e]/2 {
								v = sp.ExtentMM[e] - v
							}
						}
						d2 += v * v
					}
					if d2 > cut2 {
						continue
					}
					if tb.keep(c.Kernel, u, d2) {
						dst = append(dst, uint32(j))
					}
				}
			}
		}
	}
	slices.Sort(dst)
	return dst
}

// rowScratch holds a row's per-dimension bin gaps and indices; rows reuse
// them through a pool (the values never carry from one row to the next).
type rowScratch struct {
	gaps, xs [3][]float64
	idx      [3][]int
}

var rowScratchPool = sync.Pool{New: func() any { return new(rowScratch) }}

// gapTo is the distance from x to the interval [lo, hi] (0 inside).
func gapTo(x, lo, hi float64) float64 {
	switch {
	case x < lo:
		return lo - x
	case x > hi:
		return x - hi
	}
	return 0
}
