//go:build goexperiment.simd && amd64

package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/internal/simd"
)

var sinkSpikes int

// BenchmarkHeunVec times one step of 10 000 cells of each of the vector
// kernel's test models (pyramidal: AdEx soma with dendrite and adaptation;
// soma: the AdEx soma alone) with the scalar Heun kernel and with the
// vector kernel at each width the CPU has, after 1000 steps from random
// states with bias currents spread over [0.5, 1.5)·drive, as brain's
// BenchmarkPopulationStep drives its Full and FullSoma cells (with no
// population around the kernel). ns/neuron-step is wall time,
// cpu-ns/neuron-step the thread's CPU time (Linux).
func BenchmarkHeunVec(b *testing.B) {
	defer func(w int) { simd.Width = w }(simd.Width)
	for _, tc := range vecTestParams()[:2] {
		for _, w := range append([]int{0}, vecWidths()...) {
			name := "scalar"
			if w > 0 {
				name = fmt.Sprintf("vector%d", w)
			}
			b.Run(fmt.Sprintf("%s/%s/N=10000", tc.name, name), func(b *testing.B) {
				const n = 10000
				simd.Width = w
				c := NewConsts(tc.p, 0.1, true)
				s := vecTestState(tc.p, n, tc.drive, rand.New(rand.NewPCG(1, 2)))
				for i := range s.EP { // no synaptic input: the drive is the bias
					s.EP[i], s.IP[i], s.ED[i], s.ID[i], s.IExt[i], s.IExtDist[i] = 0, 0, 0, 0, 0, 0
				}
				sc := NewScratch()
				var dst []int32
				for range 1000 {
					dst, _ = Step(c, s, 0, n, dst[:0], sc)
				}
				spikes := 0
				b.ReportAllocs()
				cpu := threadCPU()
				for b.Loop() {
					dst, _ = Step(c, s, 0, n, dst[:0], sc)
					spikes += len(dst)
				}
				sinkSpikes += spikes
				if ns, ok := cpu(); ok {
					b.ReportMetric(float64(ns)/float64(b.N)/n, "cpu-ns/neuron-step")
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/neuron-step")
				b.ReportMetric(float64(spikes)/float64(b.N)/n*1e4, "Hz")
			})
		}
	}
}
