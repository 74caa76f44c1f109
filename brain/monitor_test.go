package brain

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSpikeRecorder(t *testing.T) {
	if _, err := NewSpikeRecorder(0, 0.1); err == nil {
		t.Error("N = 0 accepted")
	}
	if _, err := NewSpikeRecorder(3, -1); err == nil {
		t.Error("dt < 0 accepted")
	}
	r, _ := NewSpikeRecorder(3, 0.1)
	r.Record(0, []int32{0, 2})
	r.Record(9, nil)
	r.Record(10, []int32{2})
	if r.Len() != 3 {
		t.Fatalf("Len = %d", r.Len())
	}
	if got := r.Times(2); !slices.Equal(got, []float64{0.1, 1.1}) {
		t.Errorf("Times(2) = %v", got)
	}
	if got := r.Counts(); !slices.Equal(got, []int{1, 0, 2}) {
		t.Errorf("Counts = %v", got)
	}
	all := r.AllTimes()
	if len(all) != 3 || len(all[1]) != 0 || len(all[2]) != 2 {
		t.Errorf("AllTimes = %v", all)
	}
	steps, neurons := r.Spikes()
	if !slices.Equal(steps, []int32{0, 0, 10}) || !slices.Equal(neurons, []int32{0, 2, 2}) {
		t.Errorf("Spikes = %v %v", steps, neurons)
	}
	// 3 neurons at 10 Hz for 1 s (10000 steps): 30 spikes · 8 bytes
	r.Reset()
	if got := r.EstimateBytes(10000) - int64(cap(steps)+cap(neurons))*4; got != 240 {
		t.Errorf("EstimateBytes excess = %d, want 240", got)
	}
	// recording does not allocate once reserved
	r.Reserve(1000)
	sp := []int32{1}
	if a := testing.AllocsPerRun(100, func() { r.Record(5, sp) }); a != 0 {
		t.Errorf("Record allocates %v per call after Reserve", a)
	}
}

func TestStateRecorder(t *testing.T) {
	pop := mustPop(t, 4, Pyramidal(), 0.1)
	if _, err := NewStateRecorder(pop, []int{4}, []string{"V"}, 1); err == nil {
		t.Error("neuron out of range accepted")
	}
	if _, err := NewStateRecorder(pop, []int{0}, []string{"X"}, 1); err == nil || !strings.Contains(err.Error(), `"X"`) {
		t.Errorf("unknown variable: %v", err)
	}
	if _, err := NewStateRecorder(pop, []int{0}, []string{"V"}, 0); err == nil {
		t.Error("every = 0 accepted")
	}
	r, err := NewStateRecorder(pop, []int{1, 3}, StateVariables, 5)
	if err != nil {
		t.Fatal(err)
	}
	const steps = 100
	est := r.EstimateBytes(steps)
	r.Reserve(steps)
	var wantV []float64
	for k := range int64(steps) {
		pop.IExt[3] = 2000
		pop.Step(k)
		r.Record(k)
		if k%5 == 0 {
			wantV = append(wantV, pop.V[3])
		}
	}
	if r.Len() != steps/5 {
		t.Fatalf("Len = %d, want %d", r.Len(), steps/5)
	}
	v, err := r.Trace(3, "V")
	if err != nil || !slices.Equal(v, wantV) {
		t.Errorf("Trace(3, V) = %v, %v", v, err)
	}
	if tm := r.Times(); math.Abs(tm[0]-0.1) > 1e-12 || math.Abs(tm[1]-0.6) > 1e-12 {
		t.Errorf("Times = %v", tm[:2])
	}
	if _, err := r.Trace(0, "V"); err == nil {
		t.Error("unrecorded neuron accepted")
	}
	if _, err := r.Trace(1, "Q"); err == nil {
		t.Error("unrecorded variable accepted")
	}
	// estimate: (100/5 + 1) samples × 9 variables × 2 neurons × 8 B + times
	if want := int64(21*9*2*8 + 21*8); est != want {
		t.Errorf("EstimateBytes = %d, want %d", est, want)
	}
}

// SpikeSampleIndices finds the sample just after each spike: the spike
// times of the exact LIF path ((k+1)·dt) land on the sample of their own
// step, spikes inside a step (general model) on the next sample, and with
// Every > 1 on the first sample after them.
func TestSpikeSampleIndices(t *testing.T) {
	samples := []float64{0.1, 0.2, 0.3, 0.4, 0.5}
	got := SpikeSampleIndices(samples, []float64{0.1, 0.25, 0.3 + 1e-12, 0.5, 0.55})
	if want := []int{0, 2, 2, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("SpikeSampleIndices = %v, want %v", got, want)
	}
	// a single cell: the recorded V at the mark is the reset value
	p := Generic()
	n := 2000
	sp, tr, err := SimulateCurrent(p, 0.1, ConstantCurrent(n, 150), nil)
	if err != nil || len(sp) == 0 {
		t.Fatal(err, len(sp))
	}
	for _, i := range SpikeSampleIndices(tr.T, sp) {
		if tr.V[i] != p.VReset {
			t.Fatalf("V at the spike sample %d is %v, want VReset", i, tr.V[i])
		}
	}
	// a population with a recorder every 3 steps and a spike recorder
	pop := mustPop(t, 2, Pyramidal(), 0.1)
	rec, _ := NewStateRecorder(pop, []int{0}, []string{"V"}, 3)
	srec, _ := NewSpikeRecorder(2, 0.1)
	for k := range int64(3000) {
		pop.IExt[0] = 1500
		s, _ := pop.Step(k)
		srec.Record(k, s)
		rec.Record(k)
	}
	times, spikes := rec.Times(), srec.Times(0)
	if len(spikes) < 5 {
		t.Fatalf("%d spikes", len(spikes))
	}
	for k, i := range SpikeSampleIndices(times, spikes) {
		if !(times[i] >= spikes[k]-1e-9) || (i > 0 && times[i-1] >= spikes[k]-1e-9) || times[i]-spikes[k] > 0.3 {
			t.Errorf("spike at %v ms mapped to sample %d at %v ms", spikes[k], i, times[i])
		}
	}
}

// A Run reserves room for the spikes a SpikeRecorder expects (so that
// recording within the expectation copies nothing), full buffers double,
// and the spikes recorded are the same whatever the reservation.
func TestSpikeRecorderGrowth(t *testing.T) {
	run := func(rate float64) *SpikeRecorder {
		pop, err := NewPopulation("p", 200, Pyramidal())
		if err != nil {
			t.Fatal(err)
		}
		for i := range pop.IBias {
			pop.IBias[i] = 600 + 10*float64(i) // pA: the cells fire at different rates
		}
		net := NewNetwork(DefaultDT, 1)
		rec, err := net.RecordSpikes(pop)
		if err != nil {
			t.Fatal(err)
		}
		rec.ExpectedRate = rate
		if err := net.Run(t.Context(), 100, nil); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	ref := run(0) // no reservation: grows from empty
	if ref.Len() < 1000 {
		t.Fatalf("%d spikes: want a population that fires", ref.Len())
	}
	rs, rn := ref.Spikes()
	for _, rate := range []float64{1, 10, 1000} {
		r := run(rate)
		s, n := r.Spikes()
		if !slices.Equal(s, rs) || !slices.Equal(n, rn) {
			t.Errorf("ExpectedRate %v: spikes differ from the unreserved recorder's", rate)
		}
		// 200 cells for 100 ms at rate Hz
		if want := int(20 * rate); cap(s) < want || cap(n) < want {
			t.Errorf("ExpectedRate %v: capacity %d, %d after the Run, want ≥ %d reserved", rate, cap(s), cap(n), want)
		}
	}
	r, _ := NewSpikeRecorder(3, 0.1)
	r.Reserve(100)
	if cap(r.steps) != 100 || cap(r.neurons) != 100 {
		t.Fatalf("Reserve(100): capacity %d, %d", cap(r.steps), cap(r.neurons))
	}
	for k := range 100 {
		r.Record(int64(k), []int32{int32(k % 3)})
	}
	r.Record(100, []int32{1, 2})
	if cap(r.steps) != 200 || cap(r.neurons) != 200 || r.Len() != 102 {
		t.Errorf("past a full buffer of 100: capacity %d, %d (want 200), %d spikes", cap(r.steps), cap(r.neurons), r.Len())
	}
	steps, neurons := r.Spikes()
	for k := range 100 {
		if steps[k] != int32(k) || neurons[k] != int32(k%3) {
			t.Fatalf("spike %d = (%d, %d) after growing, want (%d, %d)", k, steps[k], neurons[k], k, k%3)
		}
	}
	if steps[101] != 100 || neurons[101] != 2 {
		t.Errorf("last spike (%d, %d), want (100, 2)", steps[101], neurons[101])
	}
	// Many short Runs (a notebook stepping 1 ms at a time): the buffers
	// move O(log) times, not at every Run.
	r, _ = NewSpikeRecorder(4000, 0.1)
	moves := 0
	for k := range int64(10000) {
		before := cap(r.steps)
		r.reserveRun(10) // 4000 cells at 10 Hz for 1 ms: 40 spikes expected
		r.Record(k, []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40})
		if cap(r.steps) != before {
			moves++
		}
	}
	if r.Len() != 400000 || moves > 20 {
		t.Errorf("10000 short Runs: %d spikes, the buffers moved %d times (want ≤ 20)", r.Len(), moves)
	}
	big := &SpikeRecorder{N: 1, DT: 0.1}
	big.steps, big.neurons = make([]int32, doubleMax), make([]int32, doubleMax)
	if got := big.grownCap(1); got != doubleMax+doubleMax/4 {
		t.Errorf("grownCap past doubleMax = %d, want %d", got, doubleMax+doubleMax/4)
	}
}
