package brain_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/models"
)

// A network in a few lines: an excitatory and an inhibitory population,
// recurrently connected, driven by Poisson input, run for half a second.
func ExampleNetwork() {
	net := brain.NewNetwork(0.1, 42) // dt = 0.1 ms, seed 42

	exc, _ := brain.NewPopulation("exc", 400, brain.Generic())
	ip := brain.Generic()
	ip.Inhibitory = true // Dale's law: its synapses are inhibitory
	inh, _ := brain.NewPopulation("inh", 100, ip)
	input, _ := brain.NewPoissonGroup("input", 400, 20) // 20 Hz each

	// Weights in pA (the populations use current-based synapses); inhibitory
	// weights are negative.
	p := brain.FixedProbability{P: 0.1, NoSelf: true}
	d := brain.Const(1.5) // ms
	net.ConnectSource(input, exc, brain.FixedInDegree{K: 40}, brain.SynapseSpec{Weight: brain.Const(60), Delay: d})
	net.Connect(exc, exc, p, brain.SynapseSpec{Weight: brain.Const(20), Delay: d})
	net.Connect(exc, inh, p, brain.SynapseSpec{Weight: brain.Const(60), Delay: d})
	net.Connect(inh, exc, p, brain.SynapseSpec{Weight: brain.Const(-120), Delay: d})
	rec, _ := net.RecordSpikes(exc)

	if err := net.Run(context.Background(), 500, nil); err != nil {
		log.Fatal(err)
	}
	rate := analysis.MeanRate(rec.AllTimes(), 100, 500)
	fmt.Printf("excitatory rate %.0f Hz\n", rate)
	// Output:
	// excitatory rate 11 Hz
}

// Connectors build the wiring (PyNN's vocabulary); the projection reports
// its size and memory.
func ExampleNetwork_Connect() {
	net := brain.NewNetwork(0.1, 1)
	a, _ := brain.NewPopulation("a", 1000, brain.Generic())
	b, _ := brain.NewPopulation("b", 1000, brain.Generic())
	static, _ := net.Connect(a, b, brain.FixedInDegree{K: 100}, brain.SynapseSpec{Weight: brain.Const(10)})
	varied, _ := net.Connect(a, b, brain.FixedProbability{P: 0.1}, brain.SynapseSpec{
		Weight: brain.Uniform(5, 15),    // pA, one draw per synapse
		Delay:  brain.Uniform(0.5, 3.0), // ms, rounded to steps
	})
	if err := net.Build(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d synapses, %.2f bytes each\n", static.Name, static.NumSynapses(), static.BytesPerSynapse())
	fmt.Printf("varied: %.1fk synapses, ≤ %.0f bytes each\n", float64(varied.NumSynapses())/1000, float64(int(varied.BytesPerSynapse())+1))

	// Dale's law: an excitatory population cannot make negative weights.
	_, err := net.Connect(a, b, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(-1)})
	fmt.Println(err != nil)
	// Output:
	// a→b: 100000 synapses, 4.04 bytes each
	// varied: 99.8k synapses, ≤ 10 bytes each
	// true
}

// Run advances the network in pieces, reports progress and stops on
// cancellation; runs continue where the last one stopped.
func ExampleNetwork_Run() {
	net, _ := models.CUBA(1000, 7)
	var last brain.Progress
	ctx, cancel := context.WithCancel(context.Background())
	err := net.Run(ctx, 100, func(p brain.Progress) {
		last = p
		if p.TimeMS >= 50 {
			cancel() // e.g. a "stop" button
		}
	})
	fmt.Println(err != nil, last.TimeMS)
	net.Run(context.Background(), 50, nil)
	fmt.Println(net.TimeMS())
	// Output:
	// true 50
	// 100
}

// STDP's pair window, as measured by Bi & Poo 1998: potentiation when
// the presynaptic spike leads, depression when it lags.
func ExampleSTDP_Window() {
	rule := brain.BiPooRule(0.777, 0.273, 1) // relative amplitudes, wmax = 1
	for _, dt := range []float64{-40, -10, 10, 40} {
		fmt.Printf("Δt = %+3.0f ms: Δw = %+.3f\n", dt, rule.Window(dt, 0.5))
	}
	// Output:
	// Δt = -40 ms: Δw = -0.083
	// Δt = -10 ms: Δw = -0.203
	// Δt = +10 ms: Δw = +0.428
	// Δt = +40 ms: Δw = +0.072
}

// Save and Restore checkpoint a running network: continuing from the
// checkpoint gives exactly the same spikes as running straight through.
func ExampleNetwork_Save() {
	build := func() (*brain.Network, *brain.SpikeRecorder) {
		net, _ := models.CUBA(1000, 3)
		rec, _ := net.RecordSpikes(net.Population("exc"))
		return net, rec
	}
	straight, recA := build()
	straight.Run(context.Background(), 200, nil)

	first, _ := build()
	first.Run(context.Background(), 120, nil)
	var buf bytes.Buffer
	first.Save(&buf)
	second, recB := build()
	if err := second.Restore(&buf); err != nil {
		log.Fatal(err)
	}
	second.Run(context.Background(), 80, nil)

	steps, _ := recA.Spikes()
	tail := 0
	for _, s := range steps {
		if s >= 1200 {
			tail++
		}
	}
	fmt.Println(tail == recB.Len(), tail > 0)
	// Output:
	// true true
}

// Summary lists what a network holds once built.
func ExampleNetwork_Summary() {
	net, _ := models.CUBA(4000, 1)
	net.Build()
	fmt.Println(net.Summary())
	// Output:
	// network: dt 0.1 ms, seed 1, t = 0 ms
	//   population exc             3200 × exc (excitatory)
	//   population inh              800 × inh (inhibitory)
	//   projection exc→exc FixedProbability{P: 0.02, NoSelf: false}: 204558 synapses, 4.06 B/synapse, Excitatory
	//   projection exc→inh FixedProbability{P: 0.02, NoSelf: false}: 51021 synapses, 4.25 B/synapse, Excitatory
	//   projection inh→exc FixedProbability{P: 0.02, NoSelf: false}: 51309 synapses, 4.06 B/synapse, Inhibitory
	//   projection inh→inh FixedProbability{P: 0.02, NoSelf: false}: 12634 synapses, 4.25 B/synapse, Inhibitory
	//   total 319522 synapses, 1.3 MB of connectivity
}
