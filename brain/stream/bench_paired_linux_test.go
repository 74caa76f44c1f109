//go:build linux

package stream_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/brain/stream"
)

// processCPU is the CPU time of the whole process so far (every thread,
// the writer goroutine's included).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCUBARecordingPaired measures the cost of streaming every spike
// of CUBA to disk as a ratio taken within one run: two identical networks,
// one recording (every spike, and V of 10 cells every step), run 100 ms
// each in alternation (the order swapped every iteration), so that the
// load of a shared machine falls on both alike. It reports the ratios of
// the totals (wall and process CPU time, the writer goroutine included)
// and the median of the per-iteration wall ratios:
//
//	go test ./brain/stream -run '^$' -bench CUBARecordingPaired -benchtime 20x
func BenchmarkCUBARecordingPaired(b *testing.B) {
	for _, n := range []int{4000, 64000} {
		b.Run("N="+strconv.Itoa(n), func(b *testing.B) {
			plain, err := models.CUBA(n, 1)
			if err != nil {
				b.Fatal(err)
			}
			recorded, err := models.CUBA(n, 1)
			if err != nil {
				b.Fatal(err)
			}
			rec, err := stream.Create(filepath.Join(b.TempDir(), "cuba.nrs"), recorded, stream.Options{})
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range recorded.Populations() {
				if err := rec.Spikes(p); err != nil {
					b.Fatal(err)
				}
			}
			if err := rec.State(recorded.Population("exc"), []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []string{"V"}, 1); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			run := func(net *brain.Network) (time.Duration, time.Duration) {
				c0, t0 := processCPU(), time.Now()
				if err := net.Run(ctx, 100, nil); err != nil {
					b.Fatal(err)
				}
				return time.Since(t0), processCPU() - c0
			}
			run(plain) // warm-up
			run(recorded)
			var wallP, wallR, cpuP, cpuR time.Duration
			var ratios []float64
			k := 0
			for b.Loop() {
				var wp, cp, wr, cr time.Duration
				if k%2 == 0 {
					wp, cp = run(plain)
					wr, cr = run(recorded)
				} else {
					wr, cr = run(recorded)
					wp, cp = run(plain)
				}
				k++
				wallP, cpuP, wallR, cpuR = wallP+wp, cpuP+cp, wallR+wr, cpuR+cr
				ratios = append(ratios, float64(wr)/float64(wp))
			}
			if err := rec.Close(); err != nil {
				b.Fatal(err)
			}
			slices.Sort(ratios)
			b.ReportMetric(float64(wallR)/float64(wallP), "wall-ratio")
			b.ReportMetric(float64(cpuR)/float64(cpuP), "cpu-ratio")
			b.ReportMetric(ratios[len(ratios)/2], "median-wall-ratio")
			sinkSpikes += rec.Counts()[0]
		})
	}
}
