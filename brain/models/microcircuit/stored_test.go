package microcircuit_test

import (
	"path/filepath"
	"testing"

	"github.com/neuron-sim/neuron/brain/models/microcircuit"
)

// The stored full-scale run (testdata/microcircuit_full.json, written by
// `nice -n 19 neuron bench microcircuit --json ...`, see
// docs/benchmarks.md): it is the full model, its layer rates lie in the
// reference ranges, its peak memory is within 8 GB and its cost per
// simulated second is below NEST's published figure.
func TestStoredFullScaleRun(t *testing.T) {
	rep, err := microcircuit.ReadReport(filepath.Join("..", "..", "..", "testdata", "microcircuit_full.json"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Date == "" || rep.Command == "" {
		t.Errorf("date %q, command %q: the file must say when and how it was made", rep.Date, rep.Command)
	}
	var synapses int64
	for _, row := range microcircuit.Default().Synapses() {
		for _, k := range row {
			synapses += k
		}
	}
	for _, r := range rep.Runs {
		if !r.Full() || r.Cells != 77169 || r.Synapses != synapses {
			t.Errorf("%d cores: scale %v/%v, %s, %d cells, %d synapses: not the full model (77 169 cells, %d synapses)",
				r.Cores, r.NScale, r.KScale, r.Background, r.Cells, r.Synapses, synapses)
		}
		if r.DurationMS < 1000 || r.TransientMS < 100 {
			t.Errorf("%d cores: rates over %v ms after %v ms, want ≥ 1000 after ≥ 100", r.Cores, r.DurationMS, r.TransientMS)
		}
		if len(r.RatesHz) != microcircuit.NumPops || len(r.Populations) != microcircuit.NumPops {
			t.Fatalf("%d cores: %d rates", r.Cores, len(r.RatesHz))
		}
		var spikes float64
		for k, name := range microcircuit.Names {
			if r.Populations[k] != name {
				t.Errorf("population %d is %q, want %q", k, r.Populations[k], name)
			}
			if !microcircuit.RateRange[k].Contains(r.RatesHz[k]) {
				t.Errorf("%d cores: %s rate %.3f Hz outside %v", r.Cores, name, r.RatesHz[k], microcircuit.RateRange[k])
			}
			spikes += r.RatesHz[k] * float64(microcircuit.FullSize[k]) * r.DurationMS / 1000
		}
		if float64(r.Spikes) < spikes {
			t.Errorf("%d cores: %d spikes recorded, fewer than the rates imply (%.0f)", r.Cores, r.Spikes, spikes)
		}
		if r.PeakRSSKB <= 0 || float64(r.PeakRSSKB)*1024 > 8e9 {
			t.Errorf("%d cores: peak RSS %d kB, want ≤ 8 GB", r.Cores, r.PeakRSSKB)
		}
		sim := (r.TransientMS + r.DurationMS) / 1000
		if r.RunCPUS <= 0 || r.CoreSPerSimS != r.RunCPUS/sim {
			t.Errorf("%d cores: core-s per sim-s %v inconsistent with %v s CPU over %v s", r.Cores, r.CoreSPerSimS, r.RunCPUS, sim)
		}
		if r.CoreSPerSimS >= microcircuit.NESTCoreSecondsPerSimS {
			t.Errorf("%d cores: %.1f core-s per simulated s, not below NEST's %.0f", r.Cores, r.CoreSPerSimS, microcircuit.NESTCoreSecondsPerSimS)
		}
		t.Logf("%d cores: rates %.2f Hz, build %.0f s, %.1f core-s/sim-s, peak %.2f GB, load %s", r.Cores, r.RatesHz, r.BuildS, r.CoreSPerSimS, float64(r.PeakRSSKB)*1024/1e9, r.LoadBefore)
	}
}
