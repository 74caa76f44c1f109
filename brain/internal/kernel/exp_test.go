package kernel

import (
	"math"
	"testing"
)

// Exp is accurate to 5e-13 relative over the range the kernels use, and
// clamps below −700.
func TestExpAccuracy(t *testing.T) {
	worst, at := 0.0, 0.0
	for x := -700.0; x <= 50; x += 0.000731 {
		got, want := Exp(x), math.Exp(x)
		if e := math.Abs(got-want) / want; e > worst {
			worst, at = e, x
		}
	}
	for _, x := range []float64{-700, -1e-300, 0, 1e-300, 50} {
		if e := math.Abs(Exp(x)-math.Exp(x)) / math.Exp(x); e > worst {
			worst, at = e, x
		}
	}
	if worst > 5e-13 {
		t.Errorf("max relative error %g at x = %g, want ≤ 5e-13", worst, at)
	}
	t.Logf("Exp: max relative error %.2g at x = %.4g", worst, at)
	for _, x := range []float64{-701, -1e4, math.Inf(-1)} {
		if got, want := Exp(x), Exp(-700); got != want {
			t.Errorf("Exp(%v) = %v, want Exp(−700) = %v", x, got, want)
		}
	}
}

var sinkExp float64

func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = -float64(i) / 100
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
