package brain_test

import (
	"errors"
	"fmt"

	"github.com/neuron-sim/neuron/brain"
)

// A single pyramidal cell under a 1.5 nA current step: it fires and
// adapts (the intervals lengthen).
func ExampleSimulateCurrent() {
	const dt = 0.1                                       // ms
	iSoma := brain.StepCurrent(5000, dt, 100, 500, 1500) // 500 ms; 1.5 nA from 100 to 500 ms
	spikes, trace, err := brain.SimulateCurrent(brain.Pyramidal(), dt, iSoma, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d spikes, first at %.1f ms\n", len(spikes), spikes[0])
	fmt.Printf("first ISI %.1f ms, last ISI %.1f ms\n", spikes[1]-spikes[0], spikes[len(spikes)-1]-spikes[len(spikes)-2])
	fmt.Printf("V at the end: %.1f mV\n", trace.V[len(trace.V)-1])
	// Output:
	// 19 spikes, first at 109.7 ms
	// first ISI 12.0 ms, last ISI 26.3 ms
	// V at the end: -63.0 mV
}

// A population of leaky integrate-and-fire neurons with different bias
// currents, stepped by hand.
func ExampleNewPopulation() {
	pop, err := brain.NewPopulation("lif", 3, brain.Generic())
	if err != nil {
		fmt.Println(err)
		return
	}
	pop.IBias[0], pop.IBias[1], pop.IBias[2] = 90, 150, 300 // pA; rheobase is 100 pA
	if err := pop.Prepare(0.1); err != nil {
		fmt.Println(err)
		return
	}
	counts := make([]int, pop.N)
	for step := range int64(10000) { // 1 s
		spikes, err := pop.Step(step)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, i := range spikes {
			counts[i]++
		}
	}
	fmt.Println("spikes in 1 s:", counts)
	// Output:
	// spikes in 1 s: [0 37 76]
}

// Delivering synaptic input: a spike adds its weight (pA for current
// synapses) to the input of a compartment and receptor; Step lets it decay.
func ExamplePopulation_Step() {
	peakProx, peakDist := 0.0, 0.0
	for _, c := range []brain.Compartment{brain.Proximal, brain.Distal} {
		pop, _ := brain.NewPopulation("cell", 1, brain.Pyramidal())
		_ = pop.Prepare(0.1)
		rest := pop.V[0]
		pop.Input(c, brain.Excitatory)[0] += 1000 // one 1 nA synaptic current jump
		peak := 0.0
		for step := range int64(500) {
			if _, err := pop.Step(step); err != nil {
				fmt.Println(err)
				return
			}
			peak = max(peak, pop.V[0]-rest)
		}
		if c == brain.Proximal {
			peakProx = peak
		} else {
			peakDist = peak
		}
	}
	fmt.Printf("somatic EPSP: proximal %.2f mV, distal %.2f mV\n", peakProx, peakDist)
	// Output:
	// somatic EPSP: proximal 6.64 mV, distal 2.58 mV
}

// Validate names the bad field and its value.
func ExampleParams_Validate() {
	p := brain.Pyramidal()
	p.TauW = -144
	err := p.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, brain.ErrInvalidParams))
	// Output:
	// brain: params "pyramidal": TauW = -144: time constant must be ≥ 0 ms
	// true
}

// The steady-state attenuation of distal input.
func ExampleParams_Attenuation() {
	p := brain.Pyramidal()
	fmt.Printf("Gc = %.0f nS, GLd = %.0f nS: attenuation %.2f\n", p.Gc, p.GLd, p.Attenuation())
	p.Gc = 10
	fmt.Printf("Gc = %.0f nS, GLd = %.0f nS: attenuation %.2f\n", p.Gc, p.GLd, p.Attenuation())
	// Output:
	// Gc = 30 nS, GLd = 30 nS: attenuation 0.50
	// Gc = 10 nS, GLd = 30 nS: attenuation 0.25
}

// Presets are plain values: copy one and edit any field.
func ExamplePyramidal() {
	p := brain.Pyramidal()
	p.B = 0 // no spike-triggered adaptation
	p.Name = "pyramidal without b"
	for _, q := range []brain.Params{brain.Pyramidal(), p} {
		spikes, _, _ := brain.SimulateCurrent(q, 0.1, brain.ConstantCurrent(10000, 1500), nil)
		fmt.Printf("%s: %d spikes in 1 s\n", q.Name, len(spikes))
	}
	// Output:
	// pyramidal: 41 spikes in 1 s
	// pyramidal without b: 87 spikes in 1 s
}

// Regions adjust presets: the cerebellar Purkinje threshold, the output
// scaling of brainstem motor neurons.
func ExampleRegion_Adjust() {
	pk := brain.Cerebellum.Adjust(brain.Purkinje())
	mn := brain.Brainstem.Adjust(brain.Motor())
	fmt.Printf("%s: VT = %.0f mV, inhibitory %v\n", pk.Name, pk.VT, pk.Inhibitory)
	fmt.Printf("%s: efficacy %.0f\n", mn.Name, mn.Efficacy)
	// Output:
	// purkinje@cerebellum: VT = -43 mV, inhibitory true
	// motor@brainstem: efficacy 4
}

// Recording spikes compactly, with a memory estimate before the run.
func ExampleNewSpikeRecorder() {
	pop, _ := brain.NewPopulation("purkinje", 100, brain.Purkinje())
	_ = pop.Prepare(0.1)
	rec, _ := brain.NewSpikeRecorder(pop.N, 0.1)
	rec.ExpectedRate = 40 // Hz
	fmt.Printf("estimate for 1 s: %d kB\n", rec.EstimateBytes(10000)/1000)
	for step := range int64(10000) {
		spikes, _ := pop.Step(step)
		rec.Record(step, spikes)
	}
	t := rec.Times(0)
	fmt.Printf("%d spikes; neuron 0 fired %d times, first at %.1f ms\n", rec.Len(), len(t), t[0])
	// Output:
	// estimate for 1 s: 32 kB
	// 4200 spikes; neuron 0 fired 42 times, first at 15.0 ms
}

// Recording state traces of selected neurons, every 10th step.
func ExampleNewStateRecorder() {
	pop, _ := brain.NewPopulation("pyr", 10, brain.Pyramidal())
	_ = pop.Prepare(0.1)
	rec, err := brain.NewStateRecorder(pop, []int{0, 5}, []string{"V", "W"}, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("estimate for 1 s: %d bytes\n", rec.EstimateBytes(10000))
	for step := range int64(10000) {
		pop.IExt[5] = 1500 // pA, neuron 5 only
		if _, err := pop.Step(step); err != nil {
			fmt.Println(err)
			return
		}
		rec.Record(step)
	}
	w, _ := rec.Trace(5, "W")
	v, _ := rec.Trace(0, "V")
	fmt.Printf("%d samples; neuron 5 adaptation current %.0f pA, neuron 0 at %.1f mV\n", rec.Len(), w[len(w)-1], v[len(v)-1])
	// Output:
	// estimate for 1 s: 40040 bytes
	// 1000 samples; neuron 5 adaptation current 471 pA, neuron 0 at -70.6 mV
}

// Saving and restoring a population's state: the restored copy continues
// exactly as the original.
func ExamplePopulation_MarshalBinary() {
	a, _ := brain.NewPopulation("a", 2, brain.Sensory())
	_ = a.Prepare(0.1)
	for step := range int64(5000) {
		a.IExt[0], a.IExt[1] = 400, 300
		_, _ = a.Step(step)
	}
	state, _ := a.MarshalBinary()
	b, _ := brain.NewPopulation("b", 2, brain.Sensory())
	_ = b.Prepare(0.1)
	if err := b.UnmarshalBinary(state); err != nil {
		fmt.Println(err)
		return
	}
	same := true
	for step := int64(5000); step < 10000; step++ {
		a.IExt[0], a.IExt[1] = 400, 300
		b.IExt[0], b.IExt[1] = 400, 300
		sa, _ := a.Step(step)
		sb, _ := b.Step(step)
		same = same && len(sa) == len(sb)
	}
	fmt.Printf("%d bytes; identical continuation: %v; θ = %.2f mV\n", len(state), same && a.V[0] == b.V[0], b.Theta[0])
	// Output:
	// 233 bytes; identical continuation: true; θ = -38.29 mV
}

// Large populations are stepped by several goroutines; the result does not
// depend on how many.
func ExamplePopulation_SetWorkers() {
	count := func(workers int) int {
		pop, _ := brain.NewPopulation("big", 20000, brain.Generic())
		for i := range pop.IBias {
			pop.IBias[i] = 100 + float64(i%200) // pA
		}
		pop.SetWorkers(workers)
		_ = pop.Prepare(0.1)
		n := 0
		for step := range int64(500) {
			spikes, _ := pop.Step(step)
			n += len(spikes)
		}
		return n
	}
	fmt.Println(count(1), count(4))
	// Output:
	// 45200 45200
}

// Building current traces for SimulateCurrent: a step with a distal
// current at the dendrite.
func ExampleStepCurrent() {
	const dt, n = 0.1, 10000
	soma := brain.StepCurrent(n, dt, 200, 800, 1000) // pA, 200–800 ms
	dend := brain.ConstantCurrent(n, 300)            // pA at the dendrite throughout
	spikes, _, err := brain.SimulateCurrent(brain.Pyramidal(), dt, soma, dend)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d spikes, first at %.1f ms, last at %.1f ms\n", len(spikes), spikes[0], spikes[len(spikes)-1])
	// Output:
	// 12 spikes, first at 216.6 ms, last at 746.4 ms
}
