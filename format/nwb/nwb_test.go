package nwb_test

import (
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/brain/stream"
	"github.com/neuron-sim/neuron/format/nwb"
	"github.com/neuron-sim/neuron/format/sonata"
)

// h5out, when set, makes TestWriteForPython keep its files there for
// scripts/check_h5.py (make test runs both).
var h5out = flag.String("h5out", "", "directory to write the NWB/SONATA files and their expected values into")

// run is a small CUBA run recorded in memory and to a stream file.
type run struct {
	net        *brain.Network
	exc, inh   *brain.SpikeRecorder
	v          *brain.StateRecorder
	streamPath string
}

func newRun(t *testing.T, dir string) run {
	t.Helper()
	net, err := models.CUBA(1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	ep, ip := net.Population("exc"), net.Population("inh")
	r := run{net: net, streamPath: filepath.Join(dir, "run.nrs")}
	r.exc, _ = net.RecordSpikes(ep)
	r.inh, _ = net.RecordSpikes(ip)
	if r.v, err = net.RecordState(ep, []int{0, 5, 799}, []string{"V", "IExt"}, 2); err != nil {
		t.Fatal(err)
	}
	rec, err := stream.Create(r.streamPath, net, stream.Options{BufferBytes: 2048})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{rec.Spikes(ep), rec.Spikes(ip), rec.State(ep, []int{0, 5, 799}, []string{"V", "IExt"}, 2)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := net.Run(context.Background(), 300, nil); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if r.exc.Len() < 200 || r.inh.Len() < 50 {
		t.Fatalf("too few spikes for a meaningful test: %d, %d", r.exc.Len(), r.inh.Len())
	}
	return r
}

var session = nwb.Session{
	Identifier:  "test-run",
	Description: "CUBA 1000 cells, 300 ms",
	StartTime:   time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC),
	Network:     "CUBA",
	Provenance:  map[string]any{"seed": 3, "version": "test"},
	Program:     "nwb_test",
}

// expectedTimesS is what the units table must hold: for every cell of exc
// then inh, its spike times (ms, as SpikeRecorder.Times) divided by 1000.
func expectedTimesS(recs ...*brain.SpikeRecorder) (times []float64, ends []uint64) {
	for _, r := range recs {
		for _, tr := range r.AllTimes() {
			for _, t := range tr {
				times = append(times, t/1000)
			}
			ends = append(ends, uint64(len(times)))
		}
	}
	return times, ends
}

func writeNWB(t *testing.T, path string, pops []nwb.Population, maxSpikes int, series []nwb.TimeSeries) {
	t.Helper()
	w, err := nwb.Create(path, session)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddUnits(pops, nwb.Units{MaxSpikesInMemory: maxSpikes}); err != nil {
		t.Fatal(err)
	}
	for _, ts := range series {
		if err := w.AddTimeSeries(ts); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestUnitsRoundTrip writes the units table from the in-memory recorders
// (one pass and many passes) and from the stream file, and reads every
// spike time back bit for bit.
func TestUnitsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := newRun(t, dir)
	want, wantEnds := expectedTimesS(r.exc, r.inh)
	f, err := stream.Open(r.streamPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	se, _ := f.Spikes("exc")
	si, _ := f.Spikes("inh")
	for _, c := range []struct {
		name string
		pops []nwb.Population
		max  int
	}{
		{"memory, one pass", []nwb.Population{nwb.FromRecorder("exc", r.exc), nwb.FromRecorder("inh", r.inh)}, 0},
		{"memory, passes of 37 spikes", []nwb.Population{nwb.FromRecorder("exc", r.exc), nwb.FromRecorder("inh", r.inh)}, 37},
		{"stream, passes of 1 spike", []nwb.Population{nwb.FromStream(se), nwb.FromStream(si)}, 1},
		{"stream, one pass", []nwb.Population{nwb.FromStream(se), nwb.FromStream(si)}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "u.nwb")
			writeNWB(t, path, c.pops, c.max, nil)
			u, err := nwb.ReadUnits(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bitsEqual(u.SpikeTimesS, want) || !slices.Equal(u.Index, wantEnds) {
				t.Fatalf("%d spike times, %d rows; want %d, %d", len(u.SpikeTimesS), len(u.Index), len(want), len(wantEnds))
			}
			if len(u.Population) != 1000 || u.Population[0] != "exc" || u.Population[999] != "inh" || u.Cell[800] != 0 {
				t.Errorf("population/cell columns: %q…%q, cell[800] = %d", u.Population[0], u.Population[999], u.Cell[800])
			}
		})
	}
}

func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// TestTimeSeries writes the V and IExt traces from memory and from the
// stream and checks the data bit for bit and the sampling attributes.
func TestTimeSeries(t *testing.T) {
	dir := t.TempDir()
	r := newRun(t, dir)
	f, err := stream.Open(r.streamPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.State("exc")
	vm, err := nwb.FromStateRecorder("exc", r.v, "V")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := nwb.FromState(st, "V")
	if err != nil {
		t.Fatal(err)
	}
	im, err := nwb.FromStateRecorder("exc", r.v, "IExt")
	if err != nil {
		t.Fatal(err)
	}
	if !bitsEqual(vm.Data, vs.Data) || vm.RateHz != vs.RateHz || vm.StartS != vs.StartS {
		t.Fatal("stream and memory give different series")
	}
	if vm.RateHz != 5000 || vm.Where != nwb.Acquisition || im.Where != nwb.Stimulus || vm.Unit != "volts" || im.Unit != "amperes" {
		t.Errorf("V: %v Hz in %v (%s); IExt in %v (%s)", vm.RateHz, vm.Where, vm.Unit, im.Where, im.Unit)
	}
	path := filepath.Join(dir, "ts.nwb")
	writeNWB(t, path, []nwb.Population{nwb.FromRecorder("exc", r.exc)}, 0, []nwb.TimeSeries{vm, im})
	got, err := nwb.ReadTimeSeries(path, "acquisition/exc_V")
	if err != nil {
		t.Fatal(err)
	}
	if !bitsEqual(got.Data, vm.Data) || got.Channels != 3 || got.RateHz != 5000 || got.StartS != vm.StartS || got.Conversion != float64(float32(1e-3)) {
		t.Errorf("read back: %d values, %d channels, %v Hz from %v s, conversion %v", len(got.Data), got.Channels, got.RateHz, got.StartS, got.Conversion)
	}
	want, _ := r.v.Trace(5, "V")
	for k := range want {
		if got.Data[k*3+1] != want[k] {
			t.Fatalf("sample %d of cell 5: %v, want %v", k, got.Data[k*3+1], want[k])
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	if _, err := nwb.Create(filepath.Join(dir, "a.nwb"), nwb.Session{}); err == nil {
		t.Error("empty description accepted")
	}
	w, err := nwb.Create(filepath.Join(dir, "b.nwb"), nwb.Session{Description: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for name, ts := range map[string]nwb.TimeSeries{
		"no name":       {Channels: 1, Data: []float64{1}, Unit: "volts", Conversion: 1, RateHz: 1},
		"ragged":        {Name: "a", Channels: 2, Data: []float64{1, 2, 3}, Unit: "volts", Conversion: 1, RateHz: 1},
		"no unit":       {Name: "b", Channels: 1, Data: []float64{1}, Conversion: 1, RateHz: 1},
		"no rate":       {Name: "c", Channels: 1, Data: []float64{1}, Unit: "volts", Conversion: 1},
		"times length":  {Name: "d", Channels: 1, Data: []float64{1, 2}, Unit: "volts", Conversion: 1, TimesS: []float64{0}},
		"conversion 0":  {Name: "e", Channels: 1, Data: []float64{1}, Unit: "volts", RateHz: 1},
		"channel names": {Name: "f", Channels: 1, Data: []float64{1}, Unit: "volts", Conversion: 1, RateHz: 1, ChannelNames: []string{"a", "b"}},
	} {
		if err := w.AddTimeSeries(ts); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if err := w.AddUnits(nil, nwb.Units{}); err == nil {
		t.Error("no populations accepted")
	}
	bad := nwb.Population{Name: "p", N: 2, DT: 0.1, Each: func(fn func(int64, []int32) error) error { return fn(0, []int32{5}) }}
	if err := w.AddUnits([]nwb.Population{bad}, nwb.Units{}); err == nil {
		t.Error("cell 5 of 2 accepted")
	}
	if _, err := nwb.ReadUnits(filepath.Join(dir, "none.nwb")); err == nil {
		t.Error("missing file read")
	}
}

// TestReadSweep reads the fixture written by scripts/make_nwb_fixture.py
// (pynwb's layout written with h5py): an int16 response with a conversion,
// a float32 stimulus in pA with conversion 1e-12, paired by sweep_number.
func TestReadSweep(t *testing.T) {
	const path = "testdata/icephys.nwb"
	list, err := nwb.Sweeps(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Response != "data_00003_AD0" || list[0].Stimulus != "data_00003_DA0" || list[1].Number != 4 {
		t.Fatalf("sweeps %+v", list)
	}
	for _, c := range []struct {
		sweep, resp string
		amp, noise  float64
		start       float64
	}{{"data_00003_AD0", "data_00003_AD0", 300, 0, 1}, {"4", "data_00004_AD0", 220, 120, 2}} {
		s, err := nwb.ReadSweep(path, c.sweep)
		if err != nil {
			t.Fatal(err)
		}
		if s.Response != c.resp || s.DT != 0.1 || s.StartS != c.start || len(s.CurrentPA) != 8000 {
			t.Fatalf("%s: %s, dt %v, start %v, %d samples", c.sweep, s.Response, s.DT, s.StartS, len(s.CurrentPA))
		}
		// The stimulus is 0 outside [100, 600) ms; sweep 3 is a step of
		// c.amp, sweep 4 noise around it. It is float32 pA with conversion
		// 1e-12, which the schema stores as a float32, so the value in pA
		// is off by up to float32's relative precision.
		var sum float64
		for i, x := range s.CurrentPA {
			in := i >= 1000 && i < 6000
			if !in && x != 0 || c.noise == 0 && in && math.Abs(x-c.amp) > 1.2e-7*c.amp {
				t.Fatalf("%s: current[%d] = %v pA", c.sweep, i, x)
			}
			if in {
				sum += x
			}
		}
		if mean := sum / 5000; math.Abs(mean-c.amp) > 0.2*c.amp {
			t.Errorf("%s: mean current %v pA, want about %v", c.sweep, mean, c.amp)
		}
		// The response is int16 with 1e-5 V per unit: rest −70 mV.
		if math.Abs(s.VoltageMV[0]+70) > 0.01 {
			t.Errorf("%s: V[0] = %v mV, want -70", c.sweep, s.VoltageMV[0])
		}
		rec, err := s.Recording(0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fixtureSpikes(path, c.resp)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 10 || !slices.EqualFunc(rec.Spikes, want, func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }) {
			t.Errorf("%s: %d spikes detected, fixture has %d", c.sweep, len(rec.Spikes), len(want))
		}
	}
	for _, bad := range []string{"data_00005_AD0", "data_00003_DA0", "7", ""} {
		if _, err := nwb.ReadSweep(path, bad); !errors.Is(err, nwb.ErrSweep) {
			t.Errorf("sweep %q: err = %v, want ErrSweep", bad, err)
		}
	}
	if _, err := nwb.ReadSweep("nwb_test.go", "3"); err == nil {
		t.Error("a Go file read as NWB")
	}
}

func fixtureSpikes(path, resp string) ([]float64, error) {
	ts, err := nwb.ReadDataset(path, "analysis/"+resp+"_spike_times_ms")
	return ts, err
}

// TestWriteForPython writes an NWB file and a SONATA spike file of a
// CUBA run with the values they must hold into -h5out (skipped without
// it); scripts/check_h5.py then opens them with h5py.
func TestWriteForPython(t *testing.T) {
	if *h5out == "" {
		t.Skip("no -h5out directory")
	}
	if err := os.MkdirAll(*h5out, 0o755); err != nil {
		t.Fatal(err)
	}
	r := newRun(t, t.TempDir())
	vm, err := nwb.FromStateRecorder("exc", r.v, "V")
	if err != nil {
		t.Fatal(err)
	}
	im, err := nwb.FromStateRecorder("exc", r.v, "IExt")
	if err != nil {
		t.Fatal(err)
	}
	writeNWB(t, filepath.Join(*h5out, "run.nwb"), []nwb.Population{nwb.FromRecorder("exc", r.exc), nwb.FromRecorder("inh", r.inh)}, 50, []nwb.TimeSeries{vm, im})
	sw, err := sonata.CreateSpikes(filepath.Join(*h5out, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		r    *brain.SpikeRecorder
	}{{"exc", r.exc}, {"inh", r.inh}} {
		if err := sw.AddPopulation(sonata.FromRecorder(c.name, c.r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sonata.WriteNetwork(filepath.Join(*h5out, "network"), r.net); err != nil {
		t.Fatal(err)
	}
	// Expected values, raw little-endian, for the Python check.
	times, ends := expectedTimesS(r.exc, r.inh)
	writeRaw(t, "units_spike_times_s.f64", times)
	writeRaw(t, "units_index.u64", ends)
	writeRaw(t, "exc_V.f64", vm.Data)
	writeRaw(t, "exc_IExt.f64", im.Data)
	for _, c := range []struct {
		name string
		r    *brain.SpikeRecorder
	}{{"exc", r.exc}, {"inh", r.inh}} {
		steps, ids := c.r.Spikes()
		ms := make([]float64, len(steps))
		nodes := make([]uint64, len(ids))
		for k := range steps {
			ms[k] = float64(steps[k]+1) * c.r.DT
			nodes[k] = uint64(ids[k])
		}
		writeRaw(t, "sonata_"+c.name+"_timestamps.f64", ms)
		writeRaw(t, "sonata_"+c.name+"_node_ids.u64", nodes)
	}
}

func writeRaw[T float64 | uint64](t *testing.T, name string, x []T) {
	t.Helper()
	b := make([]byte, 0, 8*len(x))
	for _, v := range x {
		var u uint64
		switch v := any(v).(type) {
		case float64:
			u = math.Float64bits(v)
		case uint64:
			u = v
		}
		for k := range 8 {
			b = append(b, byte(u>>(8*k)))
		}
	}
	if err := os.WriteFile(filepath.Join(*h5out, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
