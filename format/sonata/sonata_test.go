package sonata_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/brain/stream"
	"github.com/neuron-sim/neuron/format/sonata"
)

// TestSpikesRoundTrip writes the spikes of a CUBA run from memory and
// from a stream file and reads them back: same times (bit for bit, (k+1)·dt
// as the recorder computes them) and node ids, in time order.
func TestSpikesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	net, err := models.CUBA(2000, 4)
	if err != nil {
		t.Fatal(err)
	}
	exc := net.Population("exc")
	mem, _ := net.RecordSpikes(exc)
	rec, err := stream.Create(filepath.Join(dir, "r.nrs"), net, stream.Options{BufferBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Spikes(exc); err != nil {
		t.Fatal(err)
	}
	if err := net.Run(context.Background(), 400, nil); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := stream.Open(filepath.Join(dir, "r.nrs"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp, _ := f.Spikes("exc")
	steps, ids := mem.Spikes()
	if len(steps) < 1000 {
		t.Fatalf("only %d spikes", len(steps))
	}
	want := make([]float64, len(steps))
	wantIDs := make([]uint64, len(ids))
	for k := range steps {
		want[k] = float64(steps[k]+1) * mem.DT
		wantIDs[k] = uint64(ids[k])
	}
	for name, pop := range map[string]sonata.Population{"memory": sonata.FromRecorder("exc", mem), "stream": sonata.FromStream(sp)} {
		path := filepath.Join(dir, name+".h5")
		w, err := sonata.CreateSpikes(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddPopulation(pop); err != nil {
			t.Fatal(err)
		}
		if err := w.AddPopulation(pop); err == nil {
			t.Error("population written twice")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := sonata.ReadSpikes(path, "exc")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.TimestampsMS, want) || !slices.Equal(got.NodeIDs, wantIDs) {
			t.Errorf("%s: %d spikes read, want %d", name, len(got.TimestampsMS), len(want))
		}
		if !slices.IsSorted(got.TimestampsMS) {
			t.Errorf("%s: not sorted by time", name)
		}
		if _, err := sonata.ReadSpikes(path, "inh"); err == nil {
			t.Errorf("%s: missing population read", name)
		}
	}
}

// TestWriteNetwork writes the node and edge files of a network with a
// spike source and checks every edge against the projection.
func TestWriteNetwork(t *testing.T) {
	net, err := models.CUBA(1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := sonata.WriteNetwork(dir, net); err != nil {
		t.Fatal(err)
	}
	if err := sonata.WriteNetwork(dir, net); err != nil { // a built network: written again
		t.Fatal(err)
	}
	nodes, err := sonata.ReadNodes(filepath.Join(dir, sonata.NodesFile))
	if err != nil {
		t.Fatal(err)
	}
	if nodes["exc"] != 800 || nodes["inh"] != 200 || len(nodes) != 2 {
		t.Errorf("nodes %v", nodes)
	}
	for _, p := range net.Projections() {
		name := p.Pre().Name + "__" + p.Post().Name
		e, err := sonata.ReadEdges(filepath.Join(dir, sonata.EdgesFile), name)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Source) != p.NumSynapses() || e.SourcePopulation != p.Pre().Name || e.TargetPopulation != p.Post().Name {
			t.Fatalf("%s: %d edges (%s→%s), want %d", name, len(e.Source), e.SourcePopulation, e.TargetPopulation, p.NumSynapses())
		}
		for _, s := range []int{0, p.NumSynapses() / 2, p.NumSynapses() - 1} {
			a, b, d := p.Synapse(s)
			if e.Source[s] != uint64(a) || e.Target[s] != uint64(b) || e.Weight[s] != p.Weight(s) || e.DelayMS[s] != float64(d)*0.1 {
				t.Errorf("%s synapse %d: file (%d→%d, %v, %v ms), network (%d→%d, %v, %d steps)", name, s, e.Source[s], e.Target[s], e.Weight[s], e.DelayMS[s], a, b, p.Weight(s), d)
			}
		}
	}
	if err := sonata.WriteNetwork(dir, nil); err == nil {
		t.Error("nil network accepted")
	}
}
