package brain

import (
	"fmt"
	"runtime"
	"testing"
)

// sinkSpikes keeps the compiler from discarding the benchmarked work.
var sinkSpikes int

// benchmarkStep steps n neurons of p driven by per-neuron bias currents
// spread over [0.5, 1.5)·drive (pA), so that they fire at a range of rates,
// and reports ns per neuron-step.
func benchmarkStep(b *testing.B, p Params, n, workers int, drive float64) {
	pop, err := NewPopulation("bench", n, p)
	if err != nil {
		b.Fatal(err)
	}
	for i := range pop.IBias {
		pop.IBias[i] = drive * (0.5 + float64(i%100)/100)
	}
	pop.SetWorkers(workers)
	if err := pop.Prepare(0.1); err != nil {
		b.Fatal(err)
	}
	// leave the initial transient
	for k := range int64(1000) {
		if _, err := pop.Step(k); err != nil {
			b.Fatal(err)
		}
	}
	step, spikes := int64(1000), 0
	if workers == 1 {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	cpu0, cpuOK := threadCPUNanos()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sp, err := pop.Step(step)
		if err != nil {
			b.Fatal(err)
		}
		spikes += len(sp)
		step++
	}
	sinkSpikes += spikes
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(float64(b.N)*float64(n)), "ns/neuron-step")
	if cpu1, ok := threadCPUNanos(); ok && cpuOK && workers == 1 {
		// thread CPU time: the same figure without the time spent waiting
		// for a core on a busy machine
		b.ReportMetric(float64(cpu1-cpu0)/(float64(b.N)*float64(n)), "cpu-ns/neuron-step")
	}
	b.ReportMetric(float64(spikes)/(float64(b.N)*float64(n))*1e4, "Hz")
}

// BenchmarkPopulationStep measures the population update alone (no
// network) for the exact LIF (current synapses, CUBA), the LIF with
// conductance synapses (COBA), the full GeneralizedNeuron (Pyramidal:
// AdEx soma, dendrite, adaptation) and the AdEx soma alone (FullSoma:
// Interneuron), on one core, then with every core.
func BenchmarkPopulationStep(b *testing.B) {
	cond := Generic()
	cond.Synapse.Model = ConductanceExp
	models := []struct {
		name  string
		p     Params
		drive float64
	}{
		{"LIF", Generic(), 150},
		{"LIFCond", cond, 150},
		{"Full", Pyramidal(), 1300},
		{"FullSoma", Interneuron(), 900},
	}
	for _, m := range models {
		for _, n := range []int{1000, 10000, 100000} {
			b.Run(fmt.Sprintf("%s/N=%d", m.name, n), func(b *testing.B) { benchmarkStep(b, m.p, n, 1, m.drive) })
		}
	}
	if w := runtime.GOMAXPROCS(0); w > 1 {
		for _, m := range models {
			b.Run(fmt.Sprintf("%s/N=100000/workers=%d", m.name, w), func(b *testing.B) { benchmarkStep(b, m.p, 100000, w, m.drive) })
		}
	}
}
