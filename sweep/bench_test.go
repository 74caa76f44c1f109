package sweep_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/neuron-sim/neuron/sweep"
)

func benchSpec(n int) sweep.Spec {
	return sweep.Spec{Name: "bench", Func: "bench", Grid: []sweep.Axis{{Name: "x", Min: 0, Max: float64(n - 1), N: n}}}
}

// BenchmarkOverhead is the cost of a point beyond its function (which
// returns at once here): enumeration, scheduling, the row, the journal
// line and the sorted table. Target: ≤ 1 ms per point.
func BenchmarkOverhead(b *testing.B) {
	f := sweep.Func{Params: []string{"x"}, Results: []string{"y"},
		Eval: func(ctx context.Context, p sweep.Point) ([]float64, error) { return p.Params[:1], nil }}
	for _, journal := range []bool{false, true} {
		for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("journal=%v/workers=%d", journal, w), func(b *testing.B) {
				const n = 2000
				dir := b.TempDir()
				b.ReportAllocs()
				for i := range b.N {
					opt := sweep.Options{Workers: w, Progress: func(done, total int) {}}
					if journal {
						opt.Journal = filepath.Join(dir, fmt.Sprint(i))
					}
					if _, err := sweep.RunFunc(context.Background(), benchSpec(n), f, opt); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N*n), "ms/point")
			})
		}
	}
}

// BenchmarkThroughput runs points that each burn about 10 ms of CPU (400 000
// sines) on 1, 2, … GOMAXPROCS workers; points/s should grow with the
// workers up to the number of free cores. It reports the wall-clock throughput, the CPU time
// per point (flat if the pool adds no work) and the cores used on average
// (CPU time / wall time): on a loaded machine the last shows how much CPU the
// run actually got.
func BenchmarkThroughput(b *testing.B) {
	f := sweep.Func{Params: []string{"x"}, Results: []string{"y"},
		Eval: func(ctx context.Context, p sweep.Point) ([]float64, error) {
			s := p.Params[0]
			for k := range 400_000 {
				s = math.Sin(s + float64(k))
			}
			return []float64{s}, nil
		}}
	for w := 1; w <= runtime.GOMAXPROCS(0); w *= 2 {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			const n = 64
			cpu0 := cpuSeconds()
			for range b.N {
				if _, err := sweep.RunFunc(context.Background(), benchSpec(n), f, sweep.Options{Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			cpu := cpuSeconds() - cpu0
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "points/s")
			b.ReportMetric(cpu*1000/float64(b.N*n), "cpu-ms/point")
			b.ReportMetric(cpu/b.Elapsed().Seconds(), "cores")
		})
	}
}
