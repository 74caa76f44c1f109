package stream_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/brain/stream"
)

// TestNetworkMatchesMemoryRecorders runs CUBA with the in-memory recorders
// and a stream Recorder side by side, over two Runs, and compares what the
// file gives back with what memory holds, bit for bit.
func TestNetworkMatchesMemoryRecorders(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		net, err := models.CUBA(4000, seed)
		if err != nil {
			t.Fatal(err)
		}
		exc, inh := net.Population("exc"), net.Population("inh")
		memE, _ := net.RecordSpikes(exc)
		memI, _ := net.RecordSpikes(inh)
		cells := []int{0, 17, 3199}
		vars := []string{"V", "IE", "II"}
		memV, err := net.RecordState(exc, cells, vars, 3)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "cuba.nrs")
		rec, err := stream.Create(path, net, stream.Options{BufferBytes: 4096, Meta: map[string]any{"model": "CUBA", "seed": seed}})
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{rec.Spikes(exc), rec.Spikes(inh), rec.State(exc, cells, vars, 3)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, ms := range []float64{120, 80} {
			if err := net.Run(context.Background(), ms, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := stream.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			mem  *brain.SpikeRecorder
		}{{"exc", memE}, {"inh", memI}} {
			sp, err := f.Spikes(c.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sp.Recorder()
			if err != nil {
				t.Fatal(err)
			}
			gs, gn := got.Spikes()
			ws, wn := c.mem.Spikes()
			if len(ws) < 100 || !slices.Equal(gs, ws) || !slices.Equal(gn, wn) {
				t.Errorf("seed %d %s: %d spikes read, %d in memory", seed, c.name, len(gs), len(ws))
			}
		}
		st, err := f.State("exc")
		if err != nil {
			t.Fatal(err)
		}
		times, _ := st.Times()
		if !slices.Equal(times, memV.Times()) {
			t.Errorf("seed %d: sample times differ", seed)
		}
		for _, i := range cells {
			for _, v := range vars {
				want, _ := memV.Trace(i, v)
				got, err := st.Trace(i, v)
				if err != nil || !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
					t.Errorf("seed %d: cell %d %s differs (%v)", seed, i, v, err)
				}
			}
		}
		f.Close()
	}
}

// Example records the spikes of CUBA to a file while it runs, then reads
// the file back: the count, the first spikes and the rate of the
// excitatory population.
func Example() {
	dir, _ := os.MkdirTemp("", "stream")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cuba.nrs")

	net, err := models.CUBA(4000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := stream.Create(path, net, stream.Options{Meta: map[string]any{"model": "CUBA", "seed": 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rec.Spikes(net.Population("exc")); err != nil {
		fmt.Println(err)
		return
	}
	if err := net.Run(context.Background(), 500, nil); err != nil {
		fmt.Println(err)
		return
	}
	if err := rec.Close(); err != nil {
		fmt.Println(err)
		return
	}

	f, err := stream.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	sp, _ := f.Spikes("exc")
	times, ids, _ := sp.Window(0, 500, 0, 3200)
	_, rate, _ := sp.Rate(100, 500, 400)
	fmt.Printf("%s: %d spikes, first at %.1f ms (cell %d), rate %.1f Hz\n", sp.Info.Name, sp.Len(), times[0], ids[0], rate[0])
	fmt.Println("meta:", f.Meta()["model"], "complete:", f.Complete())
	// Output:
	// exc: 9100 spikes, first at 0.1 ms (cell 3134), rate 5.5 Hz
	// meta: CUBA complete: true
}

// TestRecorderRefusesChangedDT: a Recorder writes the network's DT into
// its stream declarations when it is created; a DT set afterwards (legal
// until Build) made every time in the file wrong by the ratio (here
// twice too late) without an error. Run now refuses to start.
func TestRecorderRefusesChangedDT(t *testing.T) {
	pop, err := brain.NewPopulation("cell", 2, brain.Generic())
	if err != nil {
		t.Fatal(err)
	}
	net := &brain.Network{Seed: 1} // DT 0: the default (0.1 ms) until Build
	if err := net.Inject(pop, nil, brain.Proximal, brain.DCClamp{AmpPA: 1000}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dt.nrs")
	rec, err := stream.Create(path, net, stream.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Spikes(pop); err != nil {
		t.Fatal(err)
	}
	net.DT = 0.05
	runErr := net.Run(context.Background(), 20, nil)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := stream.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp, err := f.Spikes("cell")
	if err != nil {
		t.Fatal(err)
	}
	if runErr == nil && sp.Info.DT != net.DT {
		t.Errorf("the run was recorded with DT = %v ms in the file, the network's is %v ms", sp.Info.DT, net.DT)
	}
	if runErr == nil || !strings.Contains(runErr.Error(), "DT = 0.05 ms") {
		t.Errorf("Run: %v, want an error naming the changed DT", runErr)
	}
}
