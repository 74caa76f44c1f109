package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExp: Exp against math.Exp over [−700, 50] (a fine grid, 2 million
// random points, dense near 0 where the conductance kernels live, and the
// ends), relative error ≤ 3e-13, the bound its doc states; arguments below
// −700 give Exp(−700).
func TestExp(t *testing.T) {
	worst, at := 0.0, 0.0
	check := func(x float64) {
		want := math.Exp(x)
		if e := math.Abs(Exp(x)-want) / want; e > worst {
			worst, at = e, x
		}
	}
	for x := -700.0; x <= 50; x += 0.000731 {
		check(x)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2_000_000 {
		if i < 200_000 {
			check(-2 + 2.5*r.Float64())
		} else {
			check(-700 + 750*r.Float64())
		}
	}
	for _, x := range []float64{-700, -1e-300, 0, 1e-300, 50, math.Ln2, -math.Ln2 / 512} {
		check(x)
	}
	if worst > 3e-13 {
		t.Errorf("Exp: relative error %.3g at x = %v, want ≤ 3e-13", worst, at)
	}
	t.Logf("Exp: largest relative error %.2g at x = %.4g", worst, at)
	for _, x := range []float64{-701, -1e4, math.Inf(-1)} {
		if got, want := Exp(x), Exp(-700); got != want {
			t.Errorf("Exp(%v) = %v, want Exp(−700) = %v", x, got, want)
		}
	}
}

// TestExpTable: the scalar form's table holds the products the vector form
// computes (expHi[j>>4]·expLo[j&15], bit for bit), each in [1, 2) (so that
// adding to the exponent bits scales it by 2^(k>>8)) and within 2 ulp of
// 2^(j/256).
func TestExpTable(t *testing.T) {
	for j, bits := range expBits {
		v := math.Float64frombits(bits)
		if p := expHi[j>>4] * expLo[j&15]; math.Float64bits(p) != bits {
			t.Errorf("expBits[%d] = %v, want the product %v", j, v, p)
		}
		if !(v >= 1 && v < 2) {
			t.Errorf("expBits[%d] = %v, outside [1, 2)", j, v)
		}
		if want := math.Exp2(float64(j) / 256); math.Abs(v-want) > 2*0x1p-52 {
			t.Errorf("expBits[%d] = %v, more than 2 ulp from 2^(%d/256) = %v", j, v, j, want)
		}
	}
}

var sinkExp float64

// BenchmarkExp times Exp per call against math.Exp on the arguments of the
// conductance kernels (−G·h/C, here −0.005 … −5).
func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = -0.005 * float64(i+1)
	}
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{{"math.Exp", math.Exp}, {"Exp", Exp}} {
		b.Run(f.name, func(b *testing.B) {
			s := 0.0
			for b.Loop() {
				for _, x := range xs {
					s += f.f(x)
				}
			}
			sinkExp = s
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
		})
	}
}
