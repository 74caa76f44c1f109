package brain

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// FixedTotalNumber makes exactly N synapses, spreads them evenly over the
// rows and columns (multinomial counts), and the same seed gives the same
// wiring with any number of cores.
func TestFixedTotalNumber(t *testing.T) {
	build := func(seed uint64) *Projection {
		pre, err := NewPopulation("pre", 5000, Generic())
		if err != nil {
			t.Fatal(err)
		}
		post, err := NewPopulation("post", 200, Generic())
		if err != nil {
			t.Fatal(err)
		}
		net := NewNetwork(DefaultDT, seed)
		pr, err := net.Connect(pre, post, FixedTotalNumber{N: 300000}, SynapseSpec{Weight: Const(1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		return pr
	}
	pr := build(3)
	if pr.NumSynapses() != 300000 {
		t.Fatalf("%d synapses, want 300000", pr.NumSynapses())
	}
	rows := make([]float64, 5000)
	cols := make([]float64, 200)
	for i := range 5000 {
		lo, hi := pr.Row(i)
		rows[i] = float64(hi - lo)
		ts := pr.Targets()[lo:hi]
		if !slices.IsSorted(ts) {
			t.Fatalf("row %d not ascending", i)
		}
		for _, j := range ts {
			cols[j]++
		}
	}
	// Row counts are multinomial(300000, 1/5000): mean 60, variance
	// 60·(1 − 1/5000); columns likewise with mean 1500.
	check := func(name string, x []float64, mean float64, n int) {
		var m, v float64
		for _, c := range x {
			m += c
		}
		m /= float64(len(x))
		for _, c := range x {
			v += (c - m) * (c - m)
		}
		v /= float64(len(x) - 1)
		want := mean * (1 - 1/float64(n))
		if m != mean || math.Abs(v/want-1) > 0.25 {
			t.Errorf("%s: mean %v, variance %v; want %v and about %v", name, m, v, mean, want)
		}
	}
	check("rows", rows, 60, 5000)
	check("columns", cols, 1500, 200)
	old := runtime.GOMAXPROCS(1)
	one := build(3)
	runtime.GOMAXPROCS(4)
	four := build(3)
	runtime.GOMAXPROCS(old)
	for _, x := range []*Projection{one, four} {
		if !slices.Equal(x.Targets(), pr.Targets()) || !slices.Equal(x.rowPtr, pr.rowPtr) {
			t.Errorf("wiring depends on GOMAXPROCS")
		}
	}
	if other := build(4); slices.Equal(other.Targets(), pr.Targets()) {
		t.Errorf("seeds 3 and 4 give the same wiring")
	}
	g := &ConnBuilder{nPre: 2, nPost: 2}
	if err := (FixedTotalNumber{N: -1}).Connect(g); err == nil {
		t.Errorf("N = −1 accepted")
	}
}

// The counting sort of groupDelays gives the rows the stable
// comparison sort gives them.
func TestGroupDelaysCountingSortMatchesStableSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, spread := range []int64{3, 40, 3000} {
		nPre, nPost := 50, 80
		rowPtr := make([]uint32, nPre+1)
		var targets []uint32
		for i := range nPre {
			k := r.IntN(120)
			row := make([]uint32, k)
			for j := range row {
				row[j] = uint32(r.IntN(nPost))
			}
			slices.Sort(row)
			targets = append(targets, row...)
			rowPtr[i+1] = uint32(len(targets))
		}
		d := make([]int64, len(targets))
		w := make([]float32, len(targets))
		for s := range d {
			d[s] = 1 + r.Int64N(spread)
			w[s] = r.Float32()
		}
		mk := func() *Projection {
			return &Projection{nPre: nPre, nPost: nPost, rowPtr: slices.Clone(rowPtr),
				targets: slices.Clone(targets), weights: slices.Clone(w)}
		}
		a := mk()
		a.groupDelays(slices.Clone(d))
		b := mk()
		b.groupPtr = make([]uint32, nPre+1)
		for i := range nPre {
			b.groupRowSorted(int(rowPtr[i]), int(rowPtr[i+1]), d)
			b.groupPtr[i+1] = uint32(len(b.groupEnd))
		}
		if !slices.Equal(a.targets, b.targets) || !slices.Equal(a.weights, b.weights) ||
			!slices.Equal(a.groupPtr, b.groupPtr) || !slices.Equal(a.groupDelay, b.groupDelay) || !slices.Equal(a.groupEnd, b.groupEnd) {
			t.Errorf("spread %d: counting sort and stable sort differ", spread)
		}
	}
}

// FixedProbability draws each row from RowRand(i)'s stream (it reads the
// generator directly, without RowRand's heap objects): its rows are those
// of geometric skipping with RowRand(i).Float64.
func TestFixedProbabilityRowStreams(t *testing.T) {
	for _, c := range []FixedProbability{{P: 0.02}, {P: 0.3, NoSelf: true}} {
		pre, _ := NewPopulation("pre", 500, Generic())
		post, _ := NewPopulation("post", 400, Generic())
		net := NewNetwork(DefaultDT, 7)
		net.Connect(pre, pre, c, SynapseSpec{Weight: Const(1)}) // a projection before: index 1 below
		pr, err := net.Connect(pre, post, c, SynapseSpec{Weight: Const(1)})
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		g := &ConnBuilder{seed: 7, proj: 1, preBase: 0, postBase: 500, nPre: 500, nPost: 400}
		logq := math.Log1p(-c.P)
		for i := range 500 {
			r := g.RowRand(i)
			var want []uint32
			for j := -1; ; {
				j += 1 + int(math.Floor(math.Log(1-r.Float64())/logq))
				if j >= 400 {
					break
				}
				want = append(want, uint32(j))
			}
			lo, hi := pr.Row(i)
			if got := pr.Targets()[lo:hi]; !slices.Equal(got, want) {
				t.Fatalf("%v: row %d = %v, want %v", c, i, got, want)
			}
		}
	}
}
