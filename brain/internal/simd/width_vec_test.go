//go:build goexperiment.simd && amd64

package simd

import (
	"math"
	"math/rand/v2"
	"simd/archsimd"
	"testing"
)

// vectorWidths are the vector kernels' widths this CPU runs.
func vectorWidths() []int { return Widths() }

// setWidth makes the kernels use w lanes and returns the width before.
func setWidth(w int) int {
	old := Width
	Width = w
	return old
}

// TestExpVec: the vector forms of Exp (ExpVec4 with AVX2, ExpVec8 with
// AVX-512) give Exp's bits in every lane, over a grid of [−700, 50] fine
// enough to hit every entry of both tables many times and over random
// arguments near 0, where the conductance kernels evaluate it.
func TestExpVec(t *testing.T) {
	xs := make([]float64, 0, 1<<21)
	for x := -700.0; x <= 50; x += 0.000731 {
		xs = append(xs, x)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200_000 {
		xs = append(xs, -2+2.5*r.Float64())
	}
	xs = append(xs, -700, -1e-300, 0, 1e-300, 50, math.Ln2, -math.Ln2/512)
	for len(xs)%8 != 0 {
		xs = append(xs, 0)
	}
	got := make([]float64, len(xs))
	for _, w := range vectorWidths() {
		for i := 0; i < len(xs); i += w {
			if w == 4 {
				ExpVec4(archsimd.LoadFloat64x4Slice(xs[i:])).StoreSlice(got[i:])
			} else {
				ExpVec8(archsimd.LoadFloat64x8Slice(xs[i:])).StoreSlice(got[i:])
			}
		}
		for i, x := range xs {
			if want := Exp(x); math.Float64bits(got[i]) != math.Float64bits(want) {
				t.Fatalf("width %d: exp(%v) = %v, Exp gives %v", w, x, got[i], want)
			}
		}
	}
}

// TestVectorKernelsRun: at each width the CPU has, the vector kernels
// themselves (not the scalar kernel they hand over to) advance every whole
// block of a population with no events, and leave the state the portable
// kernels leave; and the width chosen at start-up is the widest the CPU
// has (8 with AVX-512), so the other tests exercise the kernels that run.
func TestVectorKernelsRun(t *testing.T) {
	ws := vectorWidths()
	if len(ws) == 0 {
		t.Skip("no vector kernels on this CPU")
	}
	if want := ws[len(ws)-1]; Width != want || !Vector {
		t.Fatalf("Width = %d (Vector %v) at start-up; this CPU runs %d lanes", Width, Vector, want)
	}
	cu, co, eu := cubaConsts(), cobaConsts(false), cobaConsts(true)
	vecs := []struct {
		name      string
		vec, port kernel
	}{
		{"Curr", func(a *Arrays) (int, float64, float64) { return currVec(cu, a), 0, 0 },
			func(a *Arrays) (int, float64, float64) { return CurrScalar(cu, a) }},
		{"Cond", func(a *Arrays) (int, float64, float64) { return condVec(co, a), 0, 0 },
			func(a *Arrays) (int, float64, float64) { return CondScalar(co, a) }},
		{"CondEuler", func(a *Arrays) (int, float64, float64) { return condEulerVec(eu, a), 0, 0 },
			func(a *Arrays) (int, float64, float64) { return CondEulerScalar(eu, a) }},
	}
	const n = 203
	for _, w := range ws {
		defer setWidth(setWidth(w))
		for _, c := range vecs {
			a := newArrays(n, 9, c.name != "Curr")
			for i := range a.V { // far below threshold, none refractory but a few
				a.V[i] = -70 + float64(i%7)
				a.Ref[i] = 0
				if i%5 == 0 {
					a.Ref[i] = 1
				}
			}
			b := a.clone()
			got, _, _ := c.vec(a)
			if want := n / w * w; got != want {
				t.Fatalf("width %d, %s: the vector kernel stopped at %d of %d cells, want %d", w, c.name, got, n, want)
			}
			if j, _, _ := c.port(b); j != n {
				t.Fatalf("width %d, %s: the portable kernel stopped at cell %d", w, c.name, j)
			}
			for _, p := range [][2][]float64{{a.V, b.V}, {a.SE, b.SE}, {a.SI, b.SI}, {a.Ref, b.Ref}} {
				for i := range got {
					if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
						t.Fatalf("width %d, %s: cell %d: %v (vector) vs %v (portable)", w, c.name, i, p[0][i], p[1][i])
					}
				}
			}
		}
	}
}
