package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/models/microcircuit"
)

// One in-process measurement of a tiny microcircuit, and the table.
func TestMeasureMicrocircuit(t *testing.T) {
	p := microcircuit.Scaled(0.02, 0.1)
	r, err := measureMicrocircuit(p, 1, 1, 20, 80)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cells != 1544 || r.Synapses != 597761 || len(r.RatesHz) != 8 || r.Spikes == 0 || r.Events == 0 {
		t.Errorf("cells %d, synapses %d, %d rates, %d spikes, %d events", r.Cells, r.Synapses, len(r.RatesHz), r.Spikes, r.Events)
	}
	// the background is a brain.PoissonInput, not a projection: every
	// synapse is recurrent
	if r.AllSynapses != r.Synapses || r.ConnBytes < 8*r.Synapses || r.RunCPUS <= 0 || r.CoreSPerSimS != r.RunCPUS/0.1 {
		t.Errorf("all synapses %d, bytes %d, CPU %v s, core-s/sim-s %v", r.AllSynapses, r.ConnBytes, r.RunCPUS, r.CoreSPerSimS)
	}
	var b bytes.Buffer
	printMicrocircuit(&b, &microcircuit.Report{Runs: []*microcircuit.Measurement{r}})
	for _, want := range []string{"L23e", "L6i", "core-s per simulated s", "peak RSS", "a scaled model"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	if err := runBenchMicrocircuit([]string{"--scale", "2"}, &b, &b); err == nil || !strings.Contains(err.Error(), "NScale") {
		t.Errorf("--scale 2: got %v, want an error naming NScale", err)
	}
}
