package simd

import (
	"fmt"
	"testing"
)

// sinkSpikes keeps the benchmarked work alive.
var sinkSpikes int

// BenchmarkKernels times one step of 4000 cells (the benchmark networks'
// size) per kernel, vectorised (Curr, Cond, CondEuler: the fast path when
// the build and CPU have it; vector4 with AVX2's four lanes, vector8 with
// AVX-512's eight) and portable, with the event handling of a
// population (spikes, resets) but no synaptic delivery; ns/cell-step is the
// figure the performance targets quote, and cpu-ns/cell-step the same in
// process CPU time (steadier than wall time on a shared machine, where
// the benchmark is descheduled now and then). Compare with
//
//	GOEXPERIMENT=simd go test ./brain/internal/simd -run '^$' -bench . -count 10
func BenchmarkKernels(b *testing.B) {
	const n = 4000
	for _, c := range kernels() {
		type variant struct {
			name  string
			f     kernel
			width int
		}
		var vs []variant
		for _, w := range vectorWidths() {
			vs = append(vs, variant{fmt.Sprintf("vector%d", w), c.fast, w})
		}
		for _, k := range append(vs, variant{"scalar", c.slow, 0}) {
			b.Run(fmt.Sprintf("%s/%s/N=%d", c.name, k.name, n), func(b *testing.B) {
				if k.width > 0 {
					defer setWidth(setWidth(k.width))
				}
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
