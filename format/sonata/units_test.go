package sonata_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/format/internal/h5"
	"github.com/neuron-sim/neuron/format/sonata"
)

// writeSpikeFile writes population "cells" with the given timestamps
// (units attribute units, none when "") and node ids.
func writeSpikeFile(t *testing.T, path, units string, ts []float64, ids []int64) {
	t.Helper()
	f, err := h5.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp, err := f.Root().Create("spikes")
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	g, err := sp.Create("cells")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	d, err := g.Float64s("timestamps", ts)
	if err != nil {
		t.Fatal(err)
	}
	if units != "" {
		if err := h5.AttrString(d, "units", units); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()
	n, err := g.Int64s("node_ids", ids)
	if err != nil {
		t.Fatal(err)
	}
	n.Close()
}

// TestReadSpikesUnits: ReadSpikes returns ms whatever units the file's
// timestamps declare. It ignored the attribute, so a file in seconds (the
// SONATA specification allows "s") was read 1000 times too early, without
// a word; units it does not know are an error naming them.
func TestReadSpikesUnits(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		units string
		ts    []float64
	}{{"ms", []float64{1.5, 20, 300}}, {"", []float64{1.5, 20, 300}}, {"s", []float64{0.0015, 0.02, 0.3}}} {
		path := filepath.Join(dir, "spikes_"+c.units+".h5")
		writeSpikeFile(t, path, c.units, c.ts, []int64{0, 2, 1})
		s, err := sonata.ReadSpikes(path, "cells")
		if err != nil {
			t.Fatalf("units %q: %v", c.units, err)
		}
		if !slices.EqualFunc(s.TimestampsMS, []float64{1.5, 20, 300}, func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }) || !slices.Equal(s.NodeIDs, []uint64{0, 2, 1}) {
			t.Errorf("units %q: read %v ms, nodes %v; want [1.5 20 300] ms", c.units, s.TimestampsMS, s.NodeIDs)
		}
	}
	path := filepath.Join(dir, "spikes_us.h5")
	writeSpikeFile(t, path, "us", []float64{1}, []int64{0})
	if _, err := sonata.ReadSpikes(path, "cells"); err == nil || !strings.Contains(err.Error(), `units "us"`) {
		t.Errorf("units us: error %v, want one naming them", err)
	}
}
