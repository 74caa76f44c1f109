package brain_test

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

func TestPositions(t *testing.T) {
	sp := brain.Space{Dim: 3, ExtentMM: [3]float64{1, 2, 4}}
	g, err := brain.GridPositions(sp, 2, 4, 8)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 64 || g.Pos[0] != [3]float64{0.25, 0.25, 0.25} || g.Pos[63] != [3]float64{0.75, 1.75, 3.75} || g.Pos[1] != [3]float64{0.75, 0.25, 0.25} {
		t.Errorf("grid: %d cells, first %v, second %v, last %v", g.Len(), g.Pos[0], g.Pos[1], g.Pos[63])
	}
	r, err := brain.RandomPositions(1000, brain.Space{Dim: 2, ExtentMM: [3]float64{2, 3}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	var mean [2]float64
	for _, p := range r.Pos {
		if p[0] < 0 || p[0] >= 2 || p[1] < 0 || p[1] >= 3 || p[2] != 0 {
			t.Fatalf("random position %v outside the 2×3 box", p)
		}
		mean[0] += p[0] / 1000
		mean[1] += p[1] / 1000
	}
	// Uniform: mean within 4 standard errors of the centre.
	if math.Abs(mean[0]-1) > 4*2/math.Sqrt(12*1000) || math.Abs(mean[1]-1.5) > 4*3/math.Sqrt(12*1000) {
		t.Errorf("random positions: mean %v, want ≈ (1, 1.5)", mean)
	}
	per := brain.Space{Dim: 2, ExtentMM: [3]float64{1, 1}, Periodic: true}
	if d := per.Dist([3]float64{0.05, 0.5}, [3]float64{0.95, 0.5}); math.Abs(d-0.1) > 1e-12 {
		t.Errorf("periodic distance across the edge = %v, want 0.1", d)
	}
	per.Periodic = false
	if d := per.Dist([3]float64{0.05, 0.5}, [3]float64{0.95, 0.5}); math.Abs(d-0.9) > 1e-12 {
		t.Errorf("open distance = %v, want 0.9", d)
	}
	for _, bad := range []brain.Space{{Dim: 1, ExtentMM: [3]float64{1}}, {Dim: 2, ExtentMM: [3]float64{1, 0}}, {Dim: 3, ExtentMM: [3]float64{1, 1, math.Inf(1)}}} {
		if _, err := brain.RandomPositions(10, bad, 1); err == nil {
			t.Errorf("space %+v accepted", bad)
		}
	}
}

// spatialProjection builds n cells at random positions connected to
// themselves by c (Pre = Post) and returns the projection.
func spatialProjection(t testing.TB, pos *brain.Positions, c brain.DistanceProbability, seed uint64) *brain.Projection {
	t.Helper()
	pop, err := brain.NewPopulation("cells", pos.Len(), brain.Generic())
	if err != nil {
		t.Fatal(err)
	}
	net := brain.NewNetwork(0.1, seed)
	c.Pre = pos
	proj, err := net.Connect(pop, pop, c, brain.SynapseSpec{Weight: brain.Const(1), Delay: brain.Const(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	return proj
}

// TestDistanceProbabilityKernel: for every kernel (Gaussian, exponential,
// box), in 2-D and 3-D, open and periodic, the measured connection
// probability as a function of distance agrees with the kernel. Pairs are
// binned by distance (20 bins up to the kernel's range); in each bin the
// number of connections is a sum of independent Bernoulli(p(d)) over its
// pairs, with mean Σp and variance Σp(1−p), and must lie within z
// standard deviations of the mean. z is Bonferroni-corrected over every
// bin tested in this test (family-wise 95 %: z = Φ⁻¹(1 − 0.025/bins)),
// bins with variance < 10 (where the normal approximation is poor) are
// not tested, and at least 8 bins per configuration must be. Autapses are
// excluded (NoSelf) and counted as errors. The test fails for 5 % of
// network seeds by construction; seed 12 is used. With the exponential
// budget drawn by ExpFloat64, seeds 11–16 gave largest deviations of
// 2.73, 2.94, 2.89, 3.01, 3.23 and 3.82 s.d. (seed 16 above the limit).
func TestDistanceProbabilityKernel(t *testing.T) {
	type result struct {
		name      string
		obs, mean []float64
		vr        []float64
	}
	var results []result
	bins := 0
	for _, dim := range []int{2, 3} {
		for _, periodic := range []bool{false, true} {
			sp := brain.Space{Dim: dim, ExtentMM: [3]float64{1, 1, 1}, Periodic: periodic}
			for _, k := range []brain.DistanceKernel{
				brain.GaussianKernel{P0: 0.6, SigmaMM: 0.08},
				brain.ExponentialKernel{P0: 0.8, LambdaMM: 0.05},
				brain.BoxKernel{P0: 0.3, RadiusMM: 0.15},
			} {
				pos, err := brain.RandomPositions(2000, sp, uint64(dim)*10+map[bool]uint64{true: 1}[periodic])
				if err != nil {
					t.Fatal(err)
				}
				proj := spatialProjection(t, pos, brain.DistanceProbability{Kernel: k, NoSelf: true}, 12)
				const nb = 20
				width := k.RangeMM() / nb
				res := result{name: fmt.Sprintf("%d-D periodic=%v %v", dim, periodic, k),
					obs: make([]float64, nb), mean: make([]float64, nb), vr: make([]float64, nb)}
				for i := range pos.Len() {
					lo, hi := proj.Row(i)
					for _, j := range proj.Targets()[lo:hi] {
						if int(j) == i {
							t.Errorf("%s: autapse %d", res.name, i)
						}
						if d := sp.Dist(pos.Pos[i], pos.Pos[j]); d < k.RangeMM() {
							res.obs[int(d/width)]++
						} else {
							t.Errorf("%s: synapse %d→%d at %v mm, beyond the range %v", res.name, i, j, d, k.RangeMM())
						}
					}
					for j := range pos.Len() {
						d := sp.Dist(pos.Pos[i], pos.Pos[j])
						if j == i || d >= k.RangeMM() {
							continue
						}
						p := k.Prob(d)
						res.mean[int(d/width)] += p
						res.vr[int(d/width)] += p * (1 - p)
					}
				}
				tested := 0
				for b := range nb {
					if res.vr[b] >= 10 {
						tested++
					}
				}
				if tested < 8 {
					t.Errorf("%s: only %d bins testable", res.name, tested)
				}
				bins += tested
				results = append(results, res)
			}
		}
	}
	z := math.Sqrt2 * math.Erfinv(1-0.05/float64(bins))
	worst := 0.0
	for _, r := range results {
		for b := range r.obs {
			if r.vr[b] < 10 {
				continue
			}
			dev := (r.obs[b] - r.mean[b]) / math.Sqrt(r.vr[b])
			worst = max(worst, math.Abs(dev))
			if math.Abs(dev) > 2.5 {
				t.Logf("%s, bin %d: %.2f s.d. (%v vs %.1f)", r.name, b, dev, r.obs[b], r.mean[b])
			}
			if math.Abs(dev) > z {
				t.Errorf("%s, bin %d: %v connections, kernel expects %.1f ± %.1f (%.2f s.d., limit %.2f)", r.name, b, r.obs[b], r.mean[b], math.Sqrt(r.vr[b]), dev, z)
			}
		}
	}
	t.Logf("%d bins tested over %d configurations, Bonferroni z = %.2f, largest |deviation| %.2f s.d.", bins, len(results), z, worst)
}

// TestDistanceDelays: every synapse's delay is DelayMS + dist/speed,
// rounded to whole steps.
func TestDistanceDelays(t *testing.T) {
	sp := brain.Space{Dim: 2, ExtentMM: [3]float64{2, 2}, Periodic: true}
	pos, err := brain.GridPositions(sp, 40, 40)
	if err != nil {
		t.Fatal(err)
	}
	c := brain.DistanceProbability{Kernel: brain.GaussianKernel{P0: 0.5, SigmaMM: 0.2}, DelayMS: 0.5, SpeedMMPerMS: 0.3}
	proj := spatialProjection(t, pos, c, 3)
	if proj.NumSynapses() < 10000 {
		t.Fatalf("%d synapses", proj.NumSynapses())
	}
	distinct := map[int]bool{}
	for s := range proj.NumSynapses() {
		i, j, steps := proj.Synapse(s)
		want := int(math.Round((0.5 + sp.Dist(pos.Pos[i], pos.Pos[j])/0.3) / 0.1))
		if steps != want {
			t.Fatalf("synapse %d (%d→%d): delay %d steps, want %d", s, i, j, steps, want)
		}
		distinct[steps] = true
	}
	if len(distinct) < 20 {
		t.Errorf("only %d distinct delays", len(distinct))
	}
}

// TestDistanceProbabilityDeterministic: the same wiring (targets and
// delays) for GOMAXPROCS 1, 2 and 8 (the rows are built in parallel
// chunks), and a different one for another seed.
func TestDistanceProbabilityDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	pos, err := brain.RandomPositions(6000, brain.Space{Dim: 3, ExtentMM: [3]float64{1, 1, 1}, Periodic: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	c := brain.DistanceProbability{Kernel: brain.ExponentialKernel{P0: 1, LambdaMM: 0.07}, DelayMS: 1, SpeedMMPerMS: 0.5}
	var ref []uint32
	var refD []int
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		proj := spatialProjection(t, pos, c, 9)
		got := slices.Clone(proj.Targets())
		var d []int
		for s := 0; s < proj.NumSynapses(); s += 97 {
			_, _, k := proj.Synapse(s)
			d = append(d, k)
		}
		if ref == nil {
			ref, refD = got, d
			if len(ref) < 1<<18 {
				t.Fatalf("%d synapses: too few for the parallel path", len(ref))
			}
			continue
		}
		if !slices.Equal(got, ref) || !slices.Equal(d, refD) {
			t.Errorf("GOMAXPROCS %d: wiring differs from GOMAXPROCS 1", procs)
		}
	}
	if other := spatialProjection(t, pos, c, 10); slices.Equal(other.Targets(), ref) {
		t.Error("another seed gave the same wiring")
	}
}

func TestDistanceProbabilityValidation(t *testing.T) {
	sp := brain.Space{Dim: 2, ExtentMM: [3]float64{1, 1}}
	pos, _ := brain.RandomPositions(10, sp, 1)
	other, _ := brain.RandomPositions(10, brain.Space{Dim: 2, ExtentMM: [3]float64{2, 1}}, 1)
	short, _ := brain.RandomPositions(9, sp, 1)
	for _, c := range []brain.DistanceProbability{
		{Pre: pos, Kernel: brain.GaussianKernel{P0: 1.5, SigmaMM: 1}},
		{Pre: pos, Kernel: brain.ExponentialKernel{P0: 1, LambdaMM: 0}},
		{Pre: pos, Kernel: brain.BoxKernel{P0: 1, RadiusMM: math.NaN()}},
		{Pre: pos, Post: other, Kernel: brain.BoxKernel{P0: 1, RadiusMM: 1}},
		{Pre: short, Kernel: brain.BoxKernel{P0: 1, RadiusMM: 1}},
		{Pre: pos, Kernel: brain.BoxKernel{P0: 1, RadiusMM: 1}, SpeedMMPerMS: -1},
		{Pre: pos},
	} {
		pop, _ := brain.NewPopulation("p", 10, brain.Generic())
		net := brain.NewNetwork(0.1, 1)
		if _, err := net.Connect(pop, pop, c, brain.SynapseSpec{Weight: brain.Const(1)}); err != nil {
			t.Fatal(err)
		}
		if err := net.Build(); err == nil {
			t.Errorf("%v: Build accepted it", c)
		}
	}
}

// BenchmarkDistanceProbabilityBuild: Network.Build of 10⁵ cells at random
// positions with about 100 synapses each (Gaussian kernel, P0 = 0.5,
// periodic unit box; distance-dependent delays), in 2-D and 3-D.
func BenchmarkDistanceProbabilityBuild(b *testing.B) {
	const n = 100000
	for _, c := range []struct {
		dim   int
		sigma float64
	}{
		// 2-D: n·P0·2πσ² = 100; 3-D: n·P0·(2π)^{3/2}σ³ = 100.
		{2, math.Sqrt(100 / (n * 0.5 * 2 * math.Pi))},
		{3, math.Cbrt(100 / (n * 0.5 * math.Pow(2*math.Pi, 1.5)))},
	} {
		b.Run(fmt.Sprintf("%dD", c.dim), func(b *testing.B) {
			pos, err := brain.RandomPositions(n, brain.Space{Dim: c.dim, ExtentMM: [3]float64{1, 1, 1}, Periodic: true}, 1)
			if err != nil {
				b.Fatal(err)
			}
			conn := brain.DistanceProbability{Pre: pos, Kernel: brain.GaussianKernel{P0: 0.5, SigmaMM: c.sigma}, NoSelf: true, DelayMS: 0.5, SpeedMMPerMS: 0.5}
			syn := 0
			for b.Loop() {
				pop, err := brain.NewPopulation("cells", n, brain.Generic())
				if err != nil {
					b.Fatal(err)
				}
				net := brain.NewNetwork(0.1, 1)
				proj, err := net.Connect(pop, pop, conn, brain.SynapseSpec{Weight: brain.Const(1)})
				if err != nil {
					b.Fatal(err)
				}
				if err := net.Build(); err != nil {
					b.Fatal(err)
				}
				syn = proj.NumSynapses()
			}
			b.ReportMetric(float64(syn)/n, "syn/cell")
		})
	}
}
