package stream

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
)

// driven is a population of LIF cells with noisy drive, stepped by hand
// and recorded both in memory and by a Recorder through recordStep.
type driven struct {
	pop  *brain.Population
	rng  *rand.Rand
	mem  *brain.SpikeRecorder
	vmem *brain.StateRecorder
}

func newDriven(t *testing.T, n int, seed uint64) (*driven, *brain.Network) {
	t.Helper()
	pop, err := brain.NewPopulation("cells", n, brain.Generic())
	if err != nil {
		t.Fatal(err)
	}
	if err := pop.Prepare(brain.DefaultDT); err != nil {
		t.Fatal(err)
	}
	net := brain.NewNetwork(0, seed)
	if err := net.AddPopulation(pop); err != nil {
		t.Fatal(err)
	}
	mem, err := brain.NewSpikeRecorder(n, brain.DefaultDT)
	if err != nil {
		t.Fatal(err)
	}
	vmem, err := brain.NewStateRecorder(pop, []int{0, 3, n - 1}, []string{"V", "IExt"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	return &driven{pop: pop, rng: rand.New(rand.NewPCG(seed, 9)), mem: mem, vmem: vmem}, net
}

// step drives every cell with a random current (pA) around rheobase and
// records step k in memory and in r.
func (d *driven) step(t *testing.T, k int64, r *Recorder) {
	for i := range d.pop.IExt {
		d.pop.IExt[i] = 300 + 400*d.rng.Float64()
	}
	sp, err := d.pop.Step(k)
	if err != nil {
		t.Fatal(err)
	}
	d.mem.Record(k, sp)
	d.vmem.Record(k)
	if err := r.recordStep(k, func(int) []int32 { return sp }); err != nil {
		t.Fatal(err)
	}
}

// TestRoundTripMatchesMemory records a population both ways with small
// buffers (many blocks, block boundaries everywhere) and compares every
// spike and sample bit for bit.
func TestRoundTripMatchesMemory(t *testing.T) {
	for _, c := range []struct {
		name    string
		n       int
		steps   int64
		bufSize int
		buffers int
	}{
		{"small buffers", 50, 3000, 256, 1},
		{"default buffers", 200, 2000, 0, 0},
		{"sparse", 7, 500, 300, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, net := newDriven(t, c.n, 5)
			path := filepath.Join(t.TempDir(), "run.nrs")
			r, err := Create(path, net, Options{BufferBytes: c.bufSize, Buffers: c.buffers, Meta: map[string]any{"seed": 5}})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Spikes(d.pop); err != nil {
				t.Fatal(err)
			}
			if err := r.State(d.pop, []int{0, 3, c.n - 1}, []string{"V", "IExt"}, 7); err != nil {
				t.Fatal(err)
			}
			for k := range c.steps {
				d.step(t, k, r)
				if k == c.steps/2 {
					if err := r.Flush(); err != nil { // a Run boundary
						t.Fatal(err)
					}
				}
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if d.mem.Len() == 0 {
				t.Fatal("no spikes: the drive is too weak for the test to mean anything")
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if !f.Complete() || f.Meta()["seed"] != 5.0 {
				t.Fatalf("complete %v, meta %v", f.Complete(), f.Meta())
			}
			sp, err := f.Spikes("cells")
			if err != nil {
				t.Fatal(err)
			}
			got, err := sp.Recorder()
			if err != nil {
				t.Fatal(err)
			}
			gs, gn := got.Spikes()
			ws, wn := d.mem.Spikes()
			if !slices.Equal(gs, ws) || !slices.Equal(gn, wn) {
				t.Fatalf("spikes differ: %d read, %d recorded", len(gs), len(ws))
			}
			for _, i := range []int{0, c.n / 2, c.n - 1} {
				if !slices.Equal(got.Times(i), d.mem.Times(i)) {
					t.Errorf("neuron %d: times differ", i)
				}
			}
			st0, _ := f.State("cells")
			info, _ := os.Stat(path)
			if got := headerSize + sp.Bytes() + st0.Bytes(); got > info.Size() || got < info.Size()-2048 {
				t.Errorf("stream bytes %d + %d, file %d", sp.Bytes(), st0.Bytes(), info.Size())
			}
			cnt, err := sp.Counts()
			if err != nil || !slices.Equal(cnt, d.mem.Counts()) {
				t.Errorf("counts differ (%v)", err)
			}
			st, err := f.State("cells")
			if err != nil {
				t.Fatal(err)
			}
			tt, err := st.Times()
			if err != nil || !slices.Equal(tt, d.vmem.Times()) {
				t.Fatalf("sample times differ (%v): %d vs %d", err, len(tt), d.vmem.Len())
			}
			for _, i := range []int{0, 3, c.n - 1} {
				for _, v := range []string{"V", "IExt"} {
					want, _ := d.vmem.Trace(i, v)
					gv, err := st.Trace(i, v)
					if err != nil {
						t.Fatal(err)
					}
					if !bitsEqual(gv, want) {
						t.Errorf("neuron %d %s: trace differs", i, v)
					}
				}
			}
		})
	}
}

func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// TestWindows checks the windowed readers against the in-memory data.
func TestWindows(t *testing.T) {
	d, net := newDriven(t, 40, 11)
	path := filepath.Join(t.TempDir(), "w.nrs")
	r, err := Create(path, net, Options{BufferBytes: 512})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Spikes(d.pop); err != nil {
		t.Fatal(err)
	}
	if err := r.State(d.pop, []int{0, 3, 39}, []string{"V", "IExt"}, 7); err != nil {
		t.Fatal(err)
	}
	const steps = 4000
	for k := range int64(steps) {
		d.step(t, k, r)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp, _ := f.Spikes("cells")
	for _, w := range []struct {
		start, end float64
		lo, hi     int
	}{{0, 400, 0, 40}, {100.05, 250.1, 5, 17}, {0.1, 0.2, 0, 40}, {399.9, 1000, 39, 40}, {123.4, 123.5, 0, 40}} {
		gt, gi, err := sp.Window(w.start, w.end, w.lo, w.hi)
		if err != nil {
			t.Fatal(err)
		}
		steps, ids := d.mem.Spikes()
		var wt []float64
		var wi []int32
		for k := range steps {
			tm := float64(steps[k]+1) * brain.DefaultDT
			if tm >= w.start && tm < w.end && int(ids[k]) >= w.lo && int(ids[k]) < w.hi {
				wt, wi = append(wt, tm), append(wi, ids[k])
			}
		}
		if !slices.Equal(gt, wt) || !slices.Equal(gi, wi) {
			t.Errorf("window %+v: %d spikes read, want %d", w, len(gt), len(wt))
		}
	}
	// Rate: every spike in [0, 400) lands in one bin.
	_, hz, err := sp.Rate(0, 400, 10)
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, h := range hz {
		total += h * 40 * 10 / 1000
	}
	if math.Abs(total-float64(d.mem.Len())) > 1e-6 {
		t.Errorf("Rate integrates to %v spikes, want %d", total, d.mem.Len())
	}
	st, _ := f.State("cells")
	tw, vw, err := st.TraceWindow(3, "V", 50, 60)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := d.vmem.Trace(3, "V")
	at := d.vmem.Times()
	var wt, wv []float64
	for k := range at {
		if at[k] >= 50 && at[k] < 60 {
			wt, wv = append(wt, at[k]), append(wv, all[k])
		}
	}
	if len(wt) == 0 || !slices.Equal(tw, wt) || !bitsEqual(vw, wv) {
		t.Errorf("TraceWindow: %d samples, want %d", len(tw), len(wt))
	}
}

// TestTruncatedFile cuts a file inside its last block: Open keeps the
// complete blocks and reports the file incomplete; a flipped payload byte
// is caught by the checksum.
func TestTruncatedFile(t *testing.T) {
	d, net := newDriven(t, 30, 3)
	path := filepath.Join(t.TempDir(), "t.nrs")
	r, err := Create(path, net, Options{BufferBytes: 400})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Spikes(d.pop); err != nil {
		t.Fatal(err)
	}
	for k := range int64(2000) {
		d.step(t, k, r)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.nrs")
	if err := os.WriteFile(cut, b[:len(b)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(cut)
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := f.Spikes("cells")
	rec, err := sp.Recorder()
	if err != nil {
		t.Fatal(err)
	}
	if f.Complete() || rec.Len() == 0 || rec.Len() >= d.mem.Len() {
		t.Errorf("truncated: complete %v, %d of %d spikes", f.Complete(), rec.Len(), d.mem.Len())
	}
	ws, wn := d.mem.Spikes()
	gs, gn := rec.Spikes()
	if !slices.Equal(gs, ws[:len(gs)]) || !slices.Equal(gn, wn[:len(gn)]) {
		t.Error("the complete blocks of a truncated file differ from the recording")
	}
	f.Close()

	b[len(b)/2] ^= 0x40
	bad := filepath.Join(t.TempDir(), "bad.nrs")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err = Open(bad)
	if err == nil {
		sp, _ := f.Spikes("cells")
		_, err = sp.Recorder()
		f.Close()
	}
	if !errors.Is(err, ErrFormat) {
		t.Errorf("flipped byte: err = %v, want ErrFormat", err)
	}
}

func TestBadInput(t *testing.T) {
	d, net := newDriven(t, 5, 1)
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "a"), nil, Options{}); err == nil {
		t.Error("nil network accepted")
	}
	if _, err := Create(filepath.Join(dir, "a"), net, Options{BufferBytes: 10}); err == nil {
		t.Error("BufferBytes 10 accepted")
	}
	if _, err := Create(filepath.Join(dir, "no", "such", "dir"), net, Options{}); err == nil {
		t.Error("unwritable path accepted")
	}
	r, err := Create(filepath.Join(dir, "b"), net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"every 0":     r.State(d.pop, []int{0}, []string{"V"}, 0),
		"neuron 5":    r.State(d.pop, []int{5}, []string{"V"}, 1),
		"variable Q":  r.State(d.pop, []int{0}, []string{"Q"}, 1),
		"no neurons":  r.State(d.pop, nil, []string{"V"}, 1),
		"nil pop":     r.Spikes(nil),
		"nil src":     r.SourceSpikes(nil),
		"nil pop (s)": r.State(nil, []int{0}, []string{"V"}, 1),
	} {
		if err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Spikes(d.pop); !errors.Is(err, ErrClosed) {
		t.Errorf("Spikes after Close: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c"), []byte("not a stream file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(dir, "c")); !errors.Is(err, ErrFormat) {
		t.Errorf("Open(garbage) = %v, want ErrFormat", err)
	}
	f, err := Open(filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Spikes("cells"); !errors.Is(err, ErrNoStream) {
		t.Errorf("missing stream: %v", err)
	}
}

// slowWriter is a disk that takes delay per write.
type slowWriter struct {
	w     io.Writer
	delay time.Duration
}

func (s slowWriter) Write(p []byte) (int, error) {
	time.Sleep(s.delay)
	return s.w.Write(p)
}

// TestSlowDiskBoundedMemory records through a disk far slower than the
// step loop: the loop waits for buffers (Stalls > 0), the buffers never
// grow in number, and the file is still exact.
func TestSlowDiskBoundedMemory(t *testing.T) {
	d, net := newDriven(t, 200, 8)
	path := filepath.Join(t.TempDir(), "slow.nrs")
	r, err := Create(path, net, Options{BufferBytes: 512, Buffers: 1})
	if err != nil {
		t.Fatal(err)
	}
	r.out = slowWriter{r.f, 2 * time.Millisecond}
	if err := r.Spikes(d.pop); err != nil {
		t.Fatal(err)
	}
	const steps = 1500
	for k := range int64(steps) {
		d.step(t, k, r)
	}
	n, wait := r.Stalls()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n == 0 || wait <= 0 {
		t.Errorf("a 2 ms/write disk never made the step loop wait (stalls %d, %v)", n, wait)
	}
	if r.Buffers() != 2 {
		t.Errorf("%d buffers allocated, want 2 (1 spare + 1 stream)", r.Buffers())
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp, _ := f.Spikes("cells")
	got, err := sp.Recorder()
	if err != nil {
		t.Fatal(err)
	}
	gs, gn := got.Spikes()
	ws, wn := d.mem.Spikes()
	if len(ws) < 1000 || !slices.Equal(gs, ws) || !slices.Equal(gn, wn) {
		t.Errorf("%d spikes read, %d recorded", len(gs), len(ws))
	}
	t.Logf("%d spikes, %d stalls, %v waited", len(ws), n, wait)
}
