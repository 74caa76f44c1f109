package brain

import (
	"math"
	"testing"
)

func TestExpKernelMatchesMathExp(t *testing.T) {
	worst, at := 0.0, 0.0
	for x := -707.0; x < 709; x += 0.000913 {
		got, want := expKernel(x), math.Exp(x)
		if e := math.Abs(got-want) / want; e > worst {
			worst, at = e, x
		}
		// expInline is the code the kernels repeat by hand (x ∈ [−700, 700])
		if x >= -700 && x <= 700 && expInline(x) != got {
			t.Fatalf("expInline(%v) = %v, expKernel %v", x, expInline(x), got)
		}
	}
	// 4e-15 is ~18 ulp: the Taylor remainder r^12/12! at |r| = ln2/2 is
	// 2e-15 and the rest is rounding.
	if worst > 4e-15 {
		t.Errorf("max relative error %g at x = %g, want ≤ 4e-15", worst, at)
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {-800, 0}, {800, math.Inf(1)}, {math.Inf(-1), 0}, {math.Inf(1), math.Inf(1)},
	} {
		if got := expKernel(c.x); got != c.want {
			t.Errorf("expKernel(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(expKernel(math.NaN())) {
		t.Error("expKernel(NaN) is not NaN")
	}
}

func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 1000)
	ys := make([]float64, 1000)
	for i := range xs {
		xs[i] = -float64(i) / 100
	}
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{{"math.Exp", math.Exp}, {"expKernel", expKernel}, {"expFast", expFast}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for i, x := range xs {
					ys[i] = f.f(x)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
		})
	}
}

// expFast is accurate to 5e-13 relative over the range the kernels use.
func TestExpFastAccuracy(t *testing.T) {
	worst, at := 0.0, 0.0
	for x := -700.0; x <= 50; x += 0.000731 {
		got, want := expFast(x), math.Exp(x)
		if e := math.Abs(got-want) / want; e > worst {
			worst, at = e, x
		}
	}
	for _, x := range []float64{-700, -1e-300, 0, 1e-300, 50} {
		if e := math.Abs(expFast(x)-math.Exp(x)) / math.Exp(x); e > worst {
			worst, at = e, x
		}
	}
	if worst > 5e-13 {
		t.Errorf("max relative error %g at x = %g, want ≤ 5e-13", worst, at)
	}
	t.Logf("expFast: max relative error %.2g at x = %.4g", worst, at)
}
