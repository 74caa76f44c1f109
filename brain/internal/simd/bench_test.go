package simd

import (
	"fmt"
	"testing"
)

// sinkSpikes keeps the benchmarked work alive.
var sinkSpikes int

// BenchmarkKernels times one step of 4000 cells (the benchmark networks'
// size) per kernel, vectorised (Curr, Cond, CondEuler: the fast path when
// the build and CPU have it) and portable, with the event handling of a
// population (spikes, resets) but no synaptic delivery; ns/cell-step is the
// figure the performance targets quote, and cpu-ns/cell-step the same in
// process CPU time (steadier than wall time on a shared machine, where
// the benchmark is descheduled now and then). Compare with
//
//	GOEXPERIMENT=simd go test ./brain/internal/simd -run '^$' -bench . -count 10
func BenchmarkKernels(b *testing.B) {
	const n = 4000
	for _, c := range kernels() {
		for _, k := range []struct {
			name string
			f    kernel
		}{{"vector", c.fast}, {"scalar", c.slow}} {
			if k.name == "vector" && !Vector {
				continue
			}
			b.Run(fmt.Sprintf("%s/%s/N=%d", c.name, k.name, n), func(b *testing.B) {
				a := newArrays(n, 1, c.syn)
				var sp []int32
				var scratch Arrays
				b.ReportAllocs()
				cpu0 := cpuNS()
				for i := 0; b.Loop(); i++ {
					if i&63 == 0 && c.syn { // keep the conductance cells near threshold
						for j := i & 127; j < n; j += 97 {
							a.SE[j] += c.kick
						}
					}
					sp = stepAll(k.f, a, &scratch, sp[:0])
					sinkSpikes += len(sp)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/cell-step")
				if cpu := cpuNS() - cpu0; cpu > 0 {
					b.ReportMetric(float64(cpu)/float64(b.N)/n, "cpu-ns/cell-step")
				}
			})
		}
	}
}
