package brain

import (
	"context"
	"fmt"
	"testing"
)

// userSTDP is the library's STDP wrapped as a user's rule: it does not
// declare that it keeps its bounds, so Run sweeps its weights
// (plasticity_guard.go).
type userSTDP struct{ PlasticityRule }

// BenchmarkUserRuleSweep runs a plastic network on one worker: 2000
// Poisson inputs at 10 Hz onto 1000 Generic cells, half of all pairs
// connected (10⁶ synapses, initial weights uniform in [0, wmax] pA) under
// the library's STDP (Song et al. 2000, gmax = wmax) wrapped as a user's
// rule, plus sparse recurrent synapses; 100 ms per iteration after 100 ms
// of transient. It reports CPU time per step and the cells' rate. Compare
// binaries with and without the sweep to time it.
func BenchmarkUserRuleSweep(b *testing.B) {
	for _, wmax := range []float64{2, 4} {
		b.Run(fmt.Sprintf("wmax=%g", wmax), func(b *testing.B) {
			src := must(NewPoissonGroup("in", 2000, 10))
			pop := must(NewPopulation("cells", 1000, Generic()))
			net := NewNetwork(0.1, 11)
			net.Workers = 1
			rule := SongRule(wmax)
			must(net.ConnectSource(src, pop, FixedProbability{P: 0.5}, SynapseSpec{Weight: Uniform(0, wmax), Plasticity: userSTDP{rule.NewRule()}}))
			must(net.Connect(pop, pop, FixedProbability{P: 0.02}, SynapseSpec{Weight: Const(5), Delay: Const(1.5)}))
			rec := must(net.RecordSpikes(pop))
			ctx := context.Background()
			if err := net.Run(ctx, 100, nil); err != nil {
				b.Fatal(err)
			}
			const ms = 100
			steps, n0 := int64(0), rec.Len()
			c0, ok := processCPUNanos()
			b.ResetTimer()
			for range b.N {
				if err := net.Run(ctx, ms, nil); err != nil {
					b.Fatal(err)
				}
				steps += ms * 10
			}
			b.StopTimer()
			if c1, ok1 := processCPUNanos(); ok && ok1 {
				b.ReportMetric(float64(c1-c0)/float64(steps), "cpu-ns/step")
			}
			b.ReportMetric(float64(rec.Len()-n0)/1000/(float64(steps)*1e-4), "Hz")
		})
	}
}

// BenchmarkGuardSweep times one step's sweep of a 10⁶-synapse projection
// (guardChunk weights) on its own.
func BenchmarkGuardSweep(b *testing.B) {
	p := &Projection{Name: "p", targets: make([]uint32, 1<<20), weights: make([]float32, 1<<20), rule: userSTDP{}}
	p.syn = &Synapses{p: p, dt: 0.1}
	for k := range p.weights {
		p.weights[k] = float32(k%100) * 0.01
	}
	g := newRuleGuard(p)
	b.ReportMetric(float64(g.chunk), "synapses/step")
	c0, ok := processCPUNanos()
	for k := range b.N {
		g.sweep(p, int64(k))
	}
	if c1, ok1 := processCPUNanos(); ok && ok1 {
		b.ReportMetric(float64(c1-c0)/float64(b.N), "cpu-ns/op")
	}
	if p.syn.err != nil {
		b.Fatal(p.syn.err)
	}
}
