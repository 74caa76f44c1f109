//go:build goexperiment.simd && amd64

package simd

import (
	"math"
	"math/rand/v2"
	"simd/archsimd"
	"testing"
)

// vectorWidths are the vector kernels' widths this CPU runs: 4 with AVX2,
// 8 with AVX-512.
func vectorWidths() []int {
	var ws []int
	if archsimd.X86.AVX2() {
		ws = append(ws, 4)
	}
	if archsimd.X86.AVX512() {
		ws = append(ws, 8)
	}
	return ws
}

// setWidth makes the kernels use w lanes and returns the width before.
func setWidth(w int) int {
	old := Width
	Width = w
	return old
}

// TestExpVec: the vector forms of Exp (expVec4 with AVX2, expVec with
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
				expVec4(archsimd.LoadFloat64x4Slice(xs[i:])).StoreSlice(got[i:])
			} else {
				expVec(archsimd.LoadFloat64x8Slice(xs[i:])).StoreSlice(got[i:])
			}
		}
		for i, x := range xs {
			if want := Exp(x); math.Float64bits(got[i]) != math.Float64bits(want) {
				t.Fatalf("width %d: exp(%v) = %v, Exp gives %v", w, x, got[i], want)
			}
		}
	}
}
