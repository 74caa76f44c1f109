package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The benchmark networks' cells (Brette et al. 2007, benchmarks 1 and 2):
// τm = 20 ms, τE = 5 ms, τI = 10 ms, Vt = −50 mV, Vr = −60 mV, refractory
// 5 ms, dt = 0.1 ms; C = 200 pF, GL = 10 nS (τm = C/GL). CUBA's rest EL =
// −49 mV lies above threshold, so unconnected cells fire regularly
// (about 19 Hz), which exercises the kernels' event path.
const (
	tH, tauM, tauE, tauI = 0.1, 20.0, 5.0, 10.0
	cm, gl               = 200.0, 10.0
	vt, vr, tRef         = -50.0, -60.0, 5.0
)

// p21 is the exact propagator of an exponentially decaying current onto
// V per pA of its start value (Rotter & Diesmann 1999).
func p21(tauS float64) float64 {
	return tauM * tauS / (cm * (tauS - tauM)) * (math.Exp(-tH/tauS) - math.Exp(-tH/tauM))
}

func cubaConsts() *CurrConsts {
	pm := math.Exp(-tH / tauM)
	return &CurrConsts{PM: pm, C0: -49 * (1 - pm), KC: (1 - pm) / gl, KE: p21(tauE), KI: p21(tauI),
		PE: math.Exp(-tH / tauE), PI: math.Exp(-tH / tauI), H: tH, VReset: vr}
}

// cobaConsts are the COBA cells' (EL = −60 mV, EE = 0 mV, EI = −80 mV)
// for Cond (euler false) or CondEuler.
func cobaConsts(euler bool) *CondConsts {
	k := &CondConsts{PE: math.Exp(-tH / tauE), PI: math.Exp(-tH / tauI),
		ME: -math.Expm1(-tH/tauE) * tauE / tH, MI: -math.Expm1(-tH/tauI) * tauI / tH,
		GL: gl, GLEL: gl * -60, EL: -60, EE: 0, EI: -80, HOverC: tH / cm, H: tH, VReset: vr}
	if euler {
		k.PE, k.PI, k.ME, k.MI = 1-tH/tauE, 1-tH/tauI, 1, 1
		k.GCrit = 2*cm/tH - gl
	}
	return k
}

// newArrays is the state of n cells: V uniform in [Vr, Vt), synaptic
// variables as in the COBA benchmark's start (in nS: 4 ± 1.5 and 20 ± 12
// times GL/10) or zero, a quarter of the cells refractory.
func newArrays(n int, seed uint64, syn bool) *Arrays {
	r := rand.New(rand.NewPCG(seed, 1))
	a := &Arrays{V: make([]float64, n), SE: make([]float64, n), SI: make([]float64, n),
		IExt: make([]float64, n), IBias: make([]float64, n), Th: make([]float64, n), Ref: make([]float64, n)}
	for i := range n {
		a.V[i] = vr + (vt-vr)*r.Float64()
		a.Th[i] = vt
		if syn {
			a.SE[i] = max(0, 4+1.5*r.NormFloat64())
			a.SI[i] = max(0, 20+12*r.NormFloat64())
		}
		if r.IntN(4) == 0 {
			a.Ref[i] = tRef * r.Float64()
		}
	}
	return a
}

func (a *Arrays) clone() *Arrays {
	return &Arrays{V: slices.Clone(a.V), SE: slices.Clone(a.SE), SI: slices.Clone(a.SI),
		IExt: slices.Clone(a.IExt), IBias: slices.Clone(a.IBias), Th: slices.Clone(a.Th), Ref: slices.Clone(a.Ref)}
}

// kernel is one of the kernels with its constants bound.
type kernel func(*Arrays) (int, float64, float64)

// stepAll advances every cell of a by one step with kernel k, handling the
// cells it stops at as a population does (reset and refractory clock on a
// spike, V held at VReset while refractory), and appends the spikes to
// dst. A non-finite V is reported as cell −1−i. b is scratch space (its
// address goes to the kernel, so a local would be moved to the heap).
func stepAll(k kernel, a, b *Arrays, dst []int32) []int32 {
	refSet := (math.Round(tRef/tH) - 0.5) * tH
	*b = *a
	base := 0
	for {
		j, v, rf := k(b)
		if j >= len(b.V) {
			return dst
		}
		switch {
		case rf > 0:
			b.V[j] = vr
		case v >= b.Th[j] && v <= 1e12:
			b.V[j] = vr
			b.Ref[j] = refSet
			dst = append(dst, int32(base+j))
		default:
			b.V[j] = v
			dst = append(dst, int32(-1-(base+j)))
		}
		*b = b.From(j + 1)
		base += j + 1
	}
}

// kernels lists each kernel with its portable form and inputs that make
// it fire: excitatory kicks for the conductance kernels, whose rest lies
// below threshold.
func kernels() []struct {
	name       string
	fast, slow kernel
	syn        bool
	kick       float64
} {
	cu, co, eu := cubaConsts(), cobaConsts(false), cobaConsts(true)
	return []struct {
		name       string
		fast, slow kernel
		syn        bool
		kick       float64
	}{
		{"Curr", func(a *Arrays) (int, float64, float64) { return Curr(cu, a) },
			func(a *Arrays) (int, float64, float64) { return CurrScalar(cu, a) }, false, 20},
		{"Cond", func(a *Arrays) (int, float64, float64) { return Cond(co, a) },
			func(a *Arrays) (int, float64, float64) { return CondScalar(co, a) }, true, 6},
		{"CondEuler", func(a *Arrays) (int, float64, float64) { return CondEuler(eu, a) },
			func(a *Arrays) (int, float64, float64) { return CondEulerScalar(eu, a) }, true, 6},
	}
}

// TestVectorMatchesScalar: each kernel and its portable form, run side by
// side over 3000 steps of 1003 cells (not a multiple of 4 or 8) with random
// synaptic kicks, give bit-identical state and the same spikes at every
// step, for each vector width the CPU has (AVX2's 4 lanes, AVX-512's 8).
// Without vector kernels in the build or on the CPU both sides are the
// portable code and the test is skipped.
func TestVectorMatchesScalar(t *testing.T) {
	if len(vectorWidths()) == 0 {
		t.Skip("no vector kernels in this build or on this CPU")
	}
	atEveryWidth(t, vectorMatchesScalar)
}

func vectorMatchesScalar(t *testing.T) {
	for _, c := range kernels() {
		a := newArrays(1003, 7, c.syn)
		b := a.clone()
		r := rand.New(rand.NewPCG(3, 4))
		var sa, sb []int32
		var scratch Arrays
		total := 0
		for s := range 3000 {
			for range 40 { // random kicks, the same on both sides
				i, w := r.IntN(1003), c.kick*r.Float64()
				a.SE[i] += w
				b.SE[i] += w
			}
			sa, sb = stepAll(c.fast, a, &scratch, sa[:0]), stepAll(c.slow, b, &scratch, sb[:0])
			if !slices.Equal(sa, sb) {
				t.Fatalf("%s, step %d: spikes %v (vector) vs %v (scalar)", c.name, s, sa, sb)
			}
			total += len(sa)
		}
		for _, p := range [][2][]float64{{a.V, b.V}, {a.SE, b.SE}, {a.SI, b.SI}, {a.Ref, b.Ref}} {
			for i := range p[0] {
				if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
					t.Fatalf("%s: cell %d: %v (vector) vs %v (scalar)", c.name, i, p[0][i], p[1][i])
				}
			}
		}
		if total < 3000 {
			t.Errorf("%s: only %d spikes in 3000 steps: the event path is barely exercised", c.name, total)
		}
	}
}

// TestUniformMatchesArrays: with Arrays.Uniform (IExt 0, one bias, one
// threshold) each kernel gives, bit for bit, the state and spikes of its
// portable form reading the arrays, over 3000 steps of 1003 cells with
// random kicks, at each vector width the CPU has (the eight-lane kernels
// take the constants then; the others read the arrays anyway).
func TestUniformMatchesArrays(t *testing.T) {
	uniformMatchesArrays(t)
	atEveryWidth(t, uniformMatchesArrays)
}

func uniformMatchesArrays(t *testing.T) {
	for _, c := range kernels() {
		for _, bias := range []float64{0, 3.25} {
			a := newArrays(1003, 11, c.syn)
			for i := range a.IBias {
				a.IBias[i] = bias
			}
			b := a.clone()
			a.Uniform, a.Drive, a.Theta = true, 0+bias, vt
			r := rand.New(rand.NewPCG(5, 6))
			var sa, sb []int32
			var scratch Arrays
			total := 0
			for s := range 3000 {
				for range 40 {
					i, w := r.IntN(1003), c.kick*r.Float64()
					a.SE[i] += w
					b.SE[i] += w
				}
				sa, sb = stepAll(c.fast, a, &scratch, sa[:0]), stepAll(c.slow, b, &scratch, sb[:0])
				if !slices.Equal(sa, sb) {
					t.Fatalf("%s, bias %v, step %d: spikes %v (uniform) vs %v (arrays)", c.name, bias, s, sa, sb)
				}
				total += len(sa)
			}
			for _, p := range [][2][]float64{{a.V, b.V}, {a.SE, b.SE}, {a.SI, b.SI}, {a.Ref, b.Ref}} {
				for i := range p[0] {
					if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
						t.Fatalf("%s, bias %v: cell %d: %v (uniform) vs %v (arrays)", c.name, bias, i, p[0][i], p[1][i])
					}
				}
			}
			if total < 3000 {
				t.Errorf("%s, bias %v: only %d spikes in 3000 steps", c.name, bias, total)
			}
		}
	}
}

// TestKernelsStopAtEvents: a NaN and a huge V stop every kernel at that
// cell (reported as a non-finite event), a refractory cell stays at
// VReset, and a cell pushed over threshold spikes in the same step; with
// the vector kernels at each width the CPU has.
func TestKernelsStopAtEvents(t *testing.T) {
	kernelsStopAtEvents(t)
	atEveryWidth(t, kernelsStopAtEvents)
}

// atEveryWidth runs f as a subtest at each vector width the build and CPU
// have.
func atEveryWidth(t *testing.T, f func(*testing.T)) {
	for _, w := range vectorWidths() {
		t.Run(fmt.Sprintf("width=%d", w), func(t *testing.T) {
			defer setWidth(setWidth(w))
			f(t)
		})
	}
}

// TestCondEulerStopsAtUnstableStep: CondEuler stops at the first cell
// whose conductances make the forward Euler step unstable (gE + gI ≥
// GCrit), with that cell untouched and EulerUnstable true, steps the cells
// before it, and does not stop at a refractory cell with the same
// conductance (its V is held anyway); vector and portable forms alike.
func TestCondEulerStopsAtUnstableStep(t *testing.T) {
	condEulerStopsAtUnstable(t)
	atEveryWidth(t, condEulerStopsAtUnstable)
}

func condEulerStopsAtUnstable(t *testing.T) {
	k := cobaConsts(true)
	for _, f := range []struct {
		name string
		f    kernel
	}{{"fast", func(a *Arrays) (int, float64, float64) { return CondEuler(k, a) }},
		{"slow", func(a *Arrays) (int, float64, float64) { return CondEulerScalar(k, a) }}} {
		a := newArrays(37, 2, true)
		for i := range a.Ref {
			a.Ref[i] = 0
		}
		a.Ref[9] = 1
		a.SI[9] = k.GCrit // refractory: not a stop
		a.SI[21] = k.GCrit - a.SE[21]
		v0, e0 := a.V[0], a.SE[0]
		if _, ok := EulerUnstable(k, a, 21); !ok {
			t.Fatalf("%s: EulerUnstable false at gE + gI = GCrit", f.name)
		}
		b := *a
		j, _, _ := f.f(&b)
		for j < 21 { // a spike before cell 21: go on after it
			rest := b.From(j + 1)
			var jj int
			jj, _, _ = f.f(&rest)
			j += jj + 1
		}
		if j != 21 {
			t.Fatalf("%s: stopped at %d, want 21", f.name, j)
		}
		if r, ok := EulerUnstable(k, a, 21); !ok || math.Abs(r-2) > 1e-12 {
			t.Errorf("%s: EulerUnstable(21) = %v, %v after the stop, want 2, true", f.name, r, ok)
		}
		if a.SI[21] != k.GCrit-a.SE[21] || a.Ref[21] != 0 {
			t.Errorf("%s: the unstable cell was changed: gI %v, ref %v", f.name, a.SI[21], a.Ref[21])
		}
		if a.V[0] == v0 && a.SE[0] == e0 {
			t.Errorf("%s: cell 0 was not stepped", f.name)
		}
	}
}

func kernelsStopAtEvents(t *testing.T) {
	for _, c := range kernels() {
		for _, k := range []struct {
			name string
			f    kernel
		}{{"fast", c.fast}, {"slow", c.slow}} {
			a := newArrays(37, 1, c.syn)
			for i := range a.Ref {
				a.Ref[i] = 0
			}
			a.V[5] = math.NaN()
			a.V[20] = 1e13
			a.Ref[30] = 2
			a.V[33] = vt + 5 // over threshold already: spikes
			sp := stepAll(k.f, a, new(Arrays), nil)
			if want := []int32{-1 - 5, -1 - 20, 33}; !slices.Equal(sp, want) {
				t.Errorf("%s %s: events %v, want %v (blow-ups at 5 and 20, a spike at 33)", c.name, k.name, sp, want)
			}
			if a.V[30] != vr {
				t.Errorf("%s %s: refractory cell at %v mV, want %v", c.name, k.name, a.V[30], vr)
			}
		}
	}
}

// TestCheck: arrays of different lengths are reported by field.
func TestCheck(t *testing.T) {
	a := newArrays(10, 1, false)
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
	a.Ref = a.Ref[:9]
	if err := a.Check(); err == nil {
		t.Error("Check accepted a 9-element Ref beside a 10-element V")
	}
}

// TestAllBits: AllBits finds a differing element at every position of
// slices of several lengths (vector blocks and the tail), treats −0 as +0
// only with addZero, at each vector width the CPU has.
func TestAllBits(t *testing.T) {
	allBits(t)
	atEveryWidth(t, allBits)
}

func allBits(t *testing.T) {
	b := math.Float64bits(-50)
	for _, n := range []int{1, 7, 8, 9, 33} {
		x := make([]float64, n)
		for i := range x {
			x[i] = -50
		}
		if !AllBits(x, b, false) || !AllBits(x, b, true) {
			t.Errorf("n %d: uniform slice not recognised", n)
		}
		for i := range x {
			x[i] = -50.000001
			if AllBits(x, b, false) || AllBits(x, b, true) {
				t.Errorf("n %d: element %d differs but AllBits is true", n, i)
			}
			x[i] = -50
		}
	}
	z := []float64{0, math.Copysign(0, -1), 0, 0, 0, 0, 0, 0, 0}
	if AllBits(z, 0, false) || !AllBits(z, 0, true) {
		t.Error("−0: want different bits without addZero, +0 with it")
	}
}
