package brain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// must returns v, or panics (failing the test) on error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestDelayTiming: a spike emitted in step k with delay d steps enters the
// synaptic variable at the start of step k+d.
func TestDelayTiming(t *testing.T) {
	for _, delay := range []float64{0.1, 0.5, 2.0, 7.3} {
		post := must(NewPopulation("post", 1, Generic()))
		src := must(NewSpikeSourceArray("src", [][]float64{{1.05}})) // step 10
		net := NewNetwork(0.1, 1)
		must(net.ConnectSource(src, post, OneToOne{}, SynapseSpec{Weight: Const(3), Delay: Const(delay)}))
		d := int64(math.Round(delay / 0.1))
		ie := post.Input(Proximal, Excitatory)
		if err := net.Run(context.Background(), float64(10+d)*0.1, nil); err != nil {
			t.Fatal(err)
		}
		// With one-step delays the ring is bypassed and the spike is already
		// in Input, undecayed, at the boundary before step 10+d.
		if pending := 0.0; d == 1 && ie[0] != 3 || d > 1 && ie[0] != pending {
			t.Errorf("delay %v ms: input %v before step %d", delay, ie[0], 10+d)
		}
		if err := net.Run(context.Background(), 0.1, nil); err != nil {
			t.Fatal(err)
		}
		want := 3 * math.Exp(-0.1/5) // delivered, then decayed over the step (τE = 5 ms)
		if math.Abs(ie[0]-want) > 1e-12 {
			t.Errorf("delay %v ms: input %v after step %d, want %v", delay, ie[0], 10+d, want)
		}
	}
}

func TestConnectors(t *testing.T) {
	net := NewNetwork(0.1, 7)
	a := must(NewPopulation("a", 300, Generic()))
	b := must(NewPopulation("b", 200, Generic()))
	inP := Generic()
	inP.Inhibitory = true
	c := must(NewPopulation("c", 50, inP))
	w := SynapseSpec{Weight: Const(1)}
	all := must(net.Connect(a, b, AllToAll{}, w))
	allNS := must(net.Connect(a, a, AllToAll{NoSelf: true}, w))
	one := must(net.Connect(b, b, OneToOne{}, w))
	prob := must(net.Connect(a, b, FixedProbability{P: 0.1}, w))
	probNS := must(net.Connect(a, a, FixedProbability{P: 1, NoSelf: true}, w))
	in := must(net.Connect(a, b, FixedInDegree{K: 17}, w))
	inNS := must(net.Connect(a, a, FixedInDegree{K: 299, NoSelf: true}, w))
	out := must(net.Connect(a, b, FixedOutDegree{K: 9}, w))
	outD := must(net.Connect(a, b, FixedOutDegree{K: 150}, w)) // dense branch
	list := must(net.Connect(c, a, FromList{Pairs: [][2]int{{3, 5}, {1, 2}, {3, 1}}, Weights: []float64{-1, -2, -3}}, SynapseSpec{Weight: Const(-1)}))
	mat := must(net.Connect(c, b, FromMatrix{W: func() [][]float64 {
		m := make([][]float64, 50)
		for i := range m {
			m[i] = make([]float64, 200)
			m[i][(7*i)%200] = -0.5 - float64(i)
		}
		return m
	}()}, SynapseSpec{}))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	inDeg := func(p *Projection) []int {
		d := make([]int, p.nPost)
		for _, tg := range p.Targets() {
			d[tg]++
		}
		return d
	}
	outDeg := func(p *Projection) []int {
		d := make([]int, p.nPre)
		for i := range d {
			lo, hi := p.Row(i)
			d[i] = hi - lo
		}
		return d
	}
	allEq := func(d []int, k int) bool { return !slices.ContainsFunc(d, func(x int) bool { return x != k }) }
	if all.NumSynapses() != 300*200 || allNS.NumSynapses() != 300*299 || probNS.NumSynapses() != 300*299 {
		t.Errorf("all-to-all counts %d, %d, %d", all.NumSynapses(), allNS.NumSynapses(), probNS.NumSynapses())
	}
	for _, p := range []*Projection{allNS, probNS, inNS} {
		for i := range 300 {
			if p.Find(i, i) >= 0 {
				t.Fatalf("%s: autapse %d despite NoSelf", p.Name, i)
			}
		}
	}
	if one.NumSynapses() != 200 || one.Find(17, 17) < 0 {
		t.Error("one-to-one")
	}
	// Binomial(60000, 0.1): mean 6000, sd 73.
	if n := prob.NumSynapses(); math.Abs(float64(n)-6000) > 4*73 {
		t.Errorf("fixed probability: %d synapses, want 6000 ± 292", n)
	}
	if !allEq(inDeg(in), 17) || !allEq(inDeg(inNS), 299) || !allEq(outDeg(out), 9) || !allEq(outDeg(outD), 150) {
		t.Error("fixed degree connectors do not have the requested degree")
	}
	// Targets ascending and distinct within rows.
	for _, p := range net.Projections()[:9] {
		for i := range p.nPre {
			lo, hi := p.Row(i)
			if !slices.IsSorted(p.targets[lo:hi]) || len(slices.Compact(slices.Clone(p.targets[lo:hi]))) != hi-lo {
				t.Fatalf("%s: row %d not strictly ascending", p.Name, i)
			}
		}
	}
	if list.NumSynapses() != 3 || list.Weight(list.Find(3, 1)) != 3 || list.Weight(list.Find(1, 2)) != 2 {
		t.Error("from list")
	}
	if mat.NumSynapses() != 50 || mat.Weight(mat.Find(4, 28)) != 4.5 || mat.Receptor() != Inhibitory {
		t.Error("from matrix")
	}
	if got := all.BytesPerSynapse(); got > 4.1 {
		t.Errorf("static constant-weight projection: %.3f bytes/synapse", got)
	}
}

func TestDaleAndValidation(t *testing.T) {
	exc := must(NewPopulation("exc", 10, Generic()))
	ip := Generic()
	ip.Inhibitory = true
	inh := must(NewPopulation("inh", 10, ip))
	net := NewNetwork(0.1, 1)
	for _, c := range []struct {
		pre  *Population
		spec SynapseSpec
		want string
	}{
		{exc, SynapseSpec{Weight: Const(-1)}, "Dale"},
		{inh, SynapseSpec{Weight: Const(1)}, "Dale"},
		{exc, SynapseSpec{Weight: Normal(1, 1, 0, 0)}, "Dale"},
		{exc, SynapseSpec{Weight: Uniform(2, 1)}, "hi > lo"},
		{exc, SynapseSpec{Weight: Const(1), STDP: &STDP{TauPlus: 20, TauMinus: 20, WMax: 0}}, "WMax"},
	} {
		_, err := net.Connect(c.pre, exc, AllToAll{}, c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "brain: ") {
			t.Errorf("%+v: error %v, want one mentioning %q", c.spec, err, c.want)
		}
	}
	// A list weight contradicting Dale's law is caught at Build.
	net = NewNetwork(0.1, 1)
	must(net.Connect(exc, inh, FromList{Pairs: [][2]int{{0, 1}, {2, 3}}, Weights: []float64{1, -2}}, SynapseSpec{}))
	if err := net.Build(); err == nil || !strings.Contains(err.Error(), "synapse 1 (2→3): weight -2 contradicts Dale's law") {
		t.Errorf("Build: %v", err)
	}
	// Delays shorter than one step.
	net = NewNetwork(0.1, 1)
	must(net.Connect(exc, inh, AllToAll{}, SynapseSpec{Weight: Const(1), Delay: Const(0.01)}))
	if err := net.Build(); err == nil || !strings.Contains(err.Error(), "shorter than one step") {
		t.Errorf("Build: %v", err)
	}
	// Efficacy 0.
	p0 := Generic()
	p0.Efficacy = 0
	silent := must(NewPopulation("silent", 3, p0))
	net = NewNetwork(0.1, 1)
	must(net.Connect(silent, exc, AllToAll{}, SynapseSpec{Weight: Const(1)}))
	if err := net.Build(); err == nil || !strings.Contains(err.Error(), "Efficacy") {
		t.Errorf("Build: %v", err)
	}
}

// TestEfficacyAndDelayGroups: the presynaptic Efficacy scales delivered
// weights, and per-synapse delays deliver each synapse at its own step.
func TestEfficacyAndDelayGroups(t *testing.T) {
	p := Generic()
	p.Efficacy = 2.5
	p.IBias = 1000 // fires at once
	pre := must(NewPopulation("pre", 1, p))
	post := must(NewPopulation("post", 3, Generic()))
	net := NewNetwork(0.1, 1)
	proj := must(net.Connect(pre, post, FromList{
		Pairs:   [][2]int{{0, 0}, {0, 1}, {0, 2}},
		Weights: []float64{1, 2, 3},
		Delays:  []float64{0.3, 0.1, 0.2},
	}, SynapseSpec{}))
	rec := must(net.RecordSpikes(pre))
	ie := post.Input(Proximal, Excitatory)
	seen := []float64{0, 0, 0}
	for range 40 {
		if err := net.Run(context.Background(), 0.1, nil); err != nil {
			t.Fatal(err)
		}
		if rec.Len() > 0 {
			break
		}
	}
	s0 := int64(rec.Times(0)[0]/0.1+0.5) - 1 // spike step
	for k := int64(1); k <= 3; k++ {
		if err := net.Run(context.Background(), 0.1, nil); err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			if ie[j] != 0 && seen[j] == 0 {
				seen[j] = float64(net.Step() - 1 - s0) // delay in steps
				if want := 2.5 * float64(j+1) * math.Exp(-0.1/5); math.Abs(ie[j]-want) > 1e-12 {
					t.Errorf("synapse 0→%d delivered %v, want efficacy·w decayed = %v", j, ie[j], want)
				}
			}
		}
	}
	if !slices.Equal(seen, []float64{3, 1, 2}) {
		t.Errorf("delays in steps %v, want [3 1 2]", seen)
	}
	if proj.groupPtr == nil {
		t.Error("mixed delays stored without delay groups")
	}
}

func TestPoissonGroupStatistics(t *testing.T) {
	const n, rate, dur = 500, 20.0, 10000.0 // Hz, ms
	g := must(NewPoissonGroup("p", n, rate))
	net := NewNetwork(0.1, 3)
	if err := net.AddSource(g); err != nil {
		t.Fatal(err)
	}
	rec := must(net.RecordSourceSpikes(g))
	if err := net.Run(context.Background(), dur, nil); err != nil {
		t.Fatal(err)
	}
	// Total count: Poisson with mean n·rate·T = 100 000, sd 316.
	if got := float64(rec.Len()); math.Abs(got-1e5) > 4*316 {
		t.Errorf("%v spikes, want 100000 ± 1265", got)
	}
	// ISI CV of a Poisson process is 1 (dt-binning changes it by < 1 %).
	var sum, sum2, cnt float64
	for _, ts := range rec.AllTimes() {
		slices.Sort(ts)
		for k := 1; k < len(ts); k++ {
			d := ts[k] - ts[k-1]
			sum += d
			sum2 += d * d
			cnt++
		}
	}
	mean := sum / cnt
	cv := math.Sqrt(sum2/cnt-mean*mean) / mean
	if math.Abs(mean-50) > 1 || math.Abs(cv-1) > 0.02 {
		t.Errorf("ISI mean %.3f ms (want 50), CV %.4f (want 1)", mean, cv)
	}

	// Time-varying rate by thinning: 5 Hz for t < 500 ms, 45 Hz after.
	g2 := &PoissonGroup{Name: "tv", N: 2000, MaxRateHz: 50, RateFunc: func(t float64) float64 {
		if t < 500 {
			return 5
		}
		return 45
	}}
	net = NewNetwork(0.1, 4)
	rec = must(net.RecordSourceSpikes(g2))
	if err := net.Run(context.Background(), 1000, nil); err != nil {
		t.Fatal(err)
	}
	var early, late float64
	for _, ts := range rec.AllTimes() {
		for _, x := range ts {
			if x <= 500 {
				early++
			} else {
				late++
			}
		}
	}
	// Means 5000 and 45000 (sd 71 and 212).
	if math.Abs(early-5000) > 4*71 || math.Abs(late-45000) > 4*212 {
		t.Errorf("thinned counts %v (want 5000) and %v (want 45000)", early, late)
	}
}

// richNetwork exercises every part of the loop: E/I populations (one with
// a dendrite), Poisson input, random delays and weights, distal synapses,
// STDP, OU noise, a sine clamp and a spike-source array.
func richNetwork(t testing.TB, seed uint64, n int) (*Network, []*SpikeRecorder) {
	net := NewNetwork(0.1, seed)
	ep := Generic()
	ep.EL = -65
	ip := Interneuron()
	exc := must(NewPopulation("exc", n, ep))
	pyr := must(NewPopulation("pyr", 50, Pyramidal()))
	inh := must(NewPopulation("inh", n/4, ip))
	drive := must(NewPoissonGroup("drive", 200, 20))
	arr := must(NewSpikeSourceArray("arr", [][]float64{{5, 15, 25}, {10}}))
	stdp := SongRule(200)
	must(net.ConnectSource(drive, exc, FixedInDegree{K: 20}, SynapseSpec{Weight: Uniform(0, 200), Delay: Uniform(0.5, 3), STDP: &stdp}))
	must(net.ConnectSource(drive, pyr, FixedProbability{P: 0.2}, SynapseSpec{Weight: Const(300), Compartment: Distal}))
	must(net.ConnectSource(arr, inh, AllToAll{}, SynapseSpec{Weight: Const(500)}))
	must(net.Connect(exc, exc, FixedProbability{P: 0.05, NoSelf: true}, SynapseSpec{Weight: Exponential(20, 0), Delay: Const(1.5)}))
	must(net.Connect(exc, inh, FixedOutDegree{K: 10}, SynapseSpec{Weight: Const(50)}))
	must(net.Connect(inh, exc, FixedProbability{P: 0.1}, SynapseSpec{Weight: Normal(-80, 20, -200, 0), Delay: Uniform(0.5, 2)}))
	must(net.Connect(pyr, inh, AllToAll{}, SynapseSpec{Weight: Const(30)}))
	if err := net.Inject(exc, nil, Proximal, &OUNoise{MeanPA: 30, SigmaPA: 60, TauMS: 5}); err != nil {
		t.Fatal(err)
	}
	if err := net.Inject(pyr, []int{0, 1, 2}, Proximal, SineClamp{AmpPA: 300, OffsetPA: 300, FreqHz: 10}); err != nil {
		t.Fatal(err)
	}
	if err := net.AddPoissonInput(exc, PoissonInput{Name: "bg", RateHz: 500, Weight: 10, StartMS: 2}); err != nil {
		t.Fatal(err)
	}
	var recs []*SpikeRecorder
	for _, p := range []*Population{exc, pyr, inh} {
		recs = append(recs, must(net.RecordSpikes(p)))
	}
	return net, recs
}

func spikesOf(recs []*SpikeRecorder) [][]int32 {
	var out [][]int32
	for _, r := range recs {
		s, nrn := r.Spikes()
		out = append(out, slices.Clone(s), slices.Clone(nrn))
	}
	return out
}

func sameSpikes(a, b [][]int32) bool {
	return slices.EqualFunc(a, b, func(x, y []int32) bool { return slices.Equal(x, y) })
}

// TestDeterminismGOMAXPROCS: the same seed gives identical spike trains
// for GOMAXPROCS 1, 2 and 8 for a rich small network (package models
// tests the same for a CUBA network of 20 000 cells).
func TestDeterminismGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var refRich [][]int32
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		net, recs := richNetwork(t, 11, 400)
		net.Workers = procs // the pool, even for this small network
		if err := net.Run(context.Background(), 300, nil); err != nil {
			t.Fatal(err)
		}
		got := spikesOf(recs)
		if procs == 1 {
			refRich = got
			t.Logf("rich: %d/%d/%d spikes", len(got[0]), len(got[2]), len(got[4]))
			if len(got[0]) == 0 || len(got[4]) == 0 {
				t.Fatal("test network is silent")
			}
			continue
		}
		if !sameSpikes(got, refRich) {
			t.Errorf("GOMAXPROCS=%d: rich network spikes differ from GOMAXPROCS=1", procs)
		}
	}
}

// TestCheckpointBitIdentical: run(a) + save + restore into a freshly
// constructed network + run(b) equals run(a+b) bit for bit (spikes,
// membrane state, weights).
func TestCheckpointBitIdentical(t *testing.T) {
	const a, b = 137.3, 162.7 // ms
	full, frecs := richNetwork(t, 21, 300)
	if err := full.Run(context.Background(), a+b, nil); err != nil {
		t.Fatal(err)
	}

	first, _ := richNetwork(t, 21, 300)
	if err := first.Run(context.Background(), a, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Save(&buf); err != nil {
		t.Fatal(err)
	}
	second, srecs := richNetwork(t, 21, 300)
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if second.Step() != first.Step() {
		t.Fatalf("restored step %d, want %d", second.Step(), first.Step())
	}
	if err := second.Run(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	// Compare the spikes of the second half.
	split := int32(first.Step())
	tail := func(r *SpikeRecorder) ([]int32, []int32) {
		s, n := r.Spikes()
		k, _ := slices.BinarySearch(s, split)
		return s[k:], n[k:]
	}
	for i := range frecs {
		fs, fn := tail(frecs[i])
		ss, sn := srecs[i].Spikes()
		if !slices.Equal(fs, ss) || !slices.Equal(fn, sn) {
			t.Errorf("population %d: spikes after restore differ (%d vs %d)", i, len(ss), len(fs))
		}
	}
	for k, p := range full.pops {
		q := second.pops[k]
		if !slices.Equal(p.V, q.V) || !slices.Equal(p.W, q.W) || !slices.Equal(p.Input(Proximal, Excitatory), q.Input(Proximal, Excitatory)) {
			t.Errorf("population %s: state differs after restore", p.Name)
		}
	}
	for k, p := range full.projs {
		if !slices.Equal(p.weights, second.projs[k].weights) {
			t.Errorf("projection %s: weights differ after restore", p.Name)
		}
	}
	// A checkpoint does not restore into a differently built network.
	other, _ := richNetwork(t, 21, 200)
	if err := other.UnmarshalBinary(must(first.MarshalBinary())); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("restore into a different network: %v", err)
	}
}

// TestStepAllocs: a network step allocates nothing.
func TestStepAllocs(t *testing.T) {
	net, _ := richNetwork(t, 2, 200)
	net.monitors = nil // recorders grow their buffers by design
	if err := net.Run(context.Background(), 200, nil); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(200, func() {
		if err := net.stepOnce(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("a network step allocates %v times", allocs)
	}
}

func TestRunCancelAndProgress(t *testing.T) {
	net, _ := richNetwork(t, 2, 100)
	ctx, cancel := context.WithCancel(context.Background())
	var calls int
	err := net.Run(ctx, 100, func(p Progress) {
		calls++
		if p.Step >= 300 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || net.Step() < 300 || net.Step() > 302 {
		t.Errorf("cancel: err %v at step %d", err, net.Step())
	}
	if calls < 3 {
		t.Errorf("%d progress calls", calls)
	}
	// The network continues after a cancelled run.
	if err := net.Run(context.Background(), 10, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCurrentClamps(t *testing.T) {
	dst := make([]float64, 2)
	cells := []int32{1}
	at := func(c CurrentSource, tMS float64) float64 {
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		clear(dst)
		c.Add(int64(math.Round(tMS/0.1)), 0.1, cells, dst)
		if dst[0] != 0 {
			t.Fatal("current leaked into an unselected cell")
		}
		return dst[1]
	}
	for _, c := range []struct {
		src  CurrentSource
		t    float64
		want float64
	}{
		{DCClamp{AmpPA: 5, StartMS: 10, StopMS: 20}, 9.9, 0},
		{DCClamp{AmpPA: 5, StartMS: 10, StopMS: 20}, 10, 5},
		{DCClamp{AmpPA: 5, StartMS: 10, StopMS: 20}, 20, 0},
		{StepClamp{TimesMS: []float64{10, 20}, AmpsPA: []float64{3, -1}}, 15, 3},
		{StepClamp{TimesMS: []float64{10, 20}, AmpsPA: []float64{3, -1}}, 25, -1},
		{RampClamp{FromPA: 0, ToPA: 100, StartMS: 10, StopMS: 20}, 15, 50},
		{SineClamp{AmpPA: 10, FreqHz: 25, PhaseDeg: 90}, 40, 10},
		{TraceClamp{ValuesPA: []float64{1, 2, 3}, SampleMS: 1, StartMS: 5}, 6.5, 2},
		{TraceClamp{ValuesPA: []float64{1, 2, 3}, SampleMS: 1, StartMS: 5}, 8, 0},
		// finer than dt: the step's mean (a 25 µs pulse between step starts counts)
		{TraceClamp{ValuesPA: []float64{0, 40, 0, 0, 8, 8, 8, 8}, SampleMS: 0.025}, 0, 10},
		{TraceClamp{ValuesPA: []float64{0, 40, 0, 0, 8, 8, 8, 8}, SampleMS: 0.025}, 0.1, 8},
		{TraceClamp{ValuesPA: []float64{4, 4, 4, 4, 4, 4}, SampleMS: 0.025}, 0.1, 2},
		{TraceClamp{ValuesPA: []float64{4, 4, 4, 4}, SampleMS: 0.025, StartMS: 0.05}, 0, 2},
		{TraceClamp{ValuesPA: []float64{4, 4, 4, 4}, SampleMS: 0.025}, 0.2, 0},
	} {
		if got := at(c.src, c.t); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%v at %v ms: %v pA, want %v", c.src, c.t, got, c.want)
		}
	}
	// OU noise: stationary mean, sd and one-step autocorrelation e^(−dt/τ).
	ou := &OUNoise{MeanPA: 10, SigmaPA: 4, TauMS: 2}
	ids := make([]uint64, 1000)
	for i := range ids {
		ids[i] = uint64(i)
	}
	cellsAll := make([]int32, 1000)
	for i := range cellsAll {
		cellsAll[i] = int32(i)
	}
	if err := ou.Prepare(0.1, NewStreams(1, streamOU, 0, len(ids))); err != nil {
		t.Fatal(err)
	}
	buf := make([]float64, 1000)
	prev := make([]float64, 1000)
	var s, s2, sxy, cnt float64
	for k := range 2000 {
		copy(prev, buf)
		clear(buf)
		ou.Add(int64(k), 0.1, cellsAll, buf)
		if k > 0 {
			for i := range buf {
				x, y := prev[i]-10, buf[i]-10
				s += buf[i]
				s2 += y * y
				sxy += x * y
				cnt++
			}
		}
	}
	mean, sd, rho := s/cnt, math.Sqrt(s2/cnt), sxy/s2
	if math.Abs(mean-10) > 0.05 || math.Abs(sd-4) > 0.05 || math.Abs(rho-math.Exp(-0.05)) > 0.005 {
		t.Errorf("OU mean %.3f sd %.3f lag-1 correlation %.4f; want 10, 4, %.4f", mean, sd, rho, math.Exp(-0.05))
	}
}

// TestStorageAndRecording: bytes per synapse of static and plastic
// projections (targets: ≤ 8 static, ≤ 12 plastic, plus per-cell offsets
// and traces), distal delivery, and weight recording.
func TestStorageAndRecording(t *testing.T) {
	net := NewNetwork(0.1, 5)
	a := must(NewPopulation("a", 1000, Generic()))
	b := must(NewPopulation("b", 1000, Pyramidal()))
	rule := SongRule(10)
	static := must(net.Connect(a, a, FixedProbability{P: 0.1}, SynapseSpec{Weight: Uniform(0, 10), Delay: Const(1)}))
	delays := must(net.Connect(a, a, FixedProbability{P: 0.1}, SynapseSpec{Weight: Uniform(0, 10), Delay: Uniform(0.1, 2)}))
	plastic := must(net.Connect(a, b, FixedProbability{P: 0.1}, SynapseSpec{Weight: Uniform(0, 10), STDP: &rule, Compartment: Distal}))
	src := must(NewSpikeSourceArray("kick", [][]float64{{1}}))
	kick := must(net.ConnectSource(src, b, AllToAll{}, SynapseSpec{Weight: Const(100), Compartment: Distal}))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	lo, _ := plastic.Row(0)
	wr := must(net.RecordWeights(plastic, [][2]int{{0, int(plastic.Targets()[lo])}}, 10))
	for _, c := range []struct {
		p   *Projection
		max float64
	}{{static, 8.1}, {delays, 10}, {plastic, 12.5}} {
		got := c.p.BytesPerSynapse()
		t.Logf("%s: %d synapses, %.2f bytes/synapse", c.p.Name, c.p.NumSynapses(), got)
		if got > c.max {
			t.Errorf("%s: %.2f bytes/synapse, want ≤ %v", c.p.Name, got, c.max)
		}
	}
	if err := net.Run(context.Background(), 1.2, nil); err != nil { // the kick is delivered at step 11
		t.Fatal(err)
	}
	if d, p := b.Input(Distal, Excitatory)[3], b.Input(Proximal, Excitatory)[3]; !(d > 0) || p != 0 {
		t.Errorf("distal kick: dendritic input %v, somatic %v", d, p)
	}
	_ = kick
	if wr.Len() != 2 || len(wr.Trace(0)) != 2 || math.Abs(wr.Times()[1]-1.1) > 1e-12 {
		t.Errorf("weight recorder: %d samples at %v", wr.Len(), wr.Times())
	}
	// A recorded pair with no synapse is an error (at Build, or at once
	// after it).
	net2 := NewNetwork(0.1, 1)
	a2 := must(NewPopulation("a", 1000, Generic()))
	b2 := must(NewPopulation("b", 1000, Pyramidal()))
	p2 := must(net2.Connect(a2, b2, OneToOne{}, SynapseSpec{Weight: Const(1)}))
	must(net2.RecordWeights(p2, [][2]int{{0, 1}}, 1))
	if err := net2.Build(); err == nil || !strings.Contains(err.Error(), "no synapse 0→1") {
		t.Errorf("Build with a missing recorded synapse: %v", err)
	}
	if _, err := net.RecordWeights(plastic, [][2]int{{0, 5000}}, 1); err == nil {
		t.Error("RecordWeights after Build accepted a missing synapse")
	}
	h := plastic.WeightHistogram(10, 0, 10)
	sum := 0
	for _, x := range h {
		sum += x
	}
	if sum != plastic.NumSynapses() {
		t.Errorf("weight histogram counts %d of %d synapses", sum, plastic.NumSynapses())
	}
}

func TestChangesAfterBuild(t *testing.T) {
	net := NewNetwork(0.1, 1)
	a := must(NewPopulation("a", 10, Generic()))
	must(net.Connect(a, a, OneToOne{}, SynapseSpec{Weight: Const(1)}))
	if err := net.Run(context.Background(), 1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := net.RecordSpikes(a); err != nil {
		t.Errorf("recorder after Build: %v", err)
	}
	b := must(NewPopulation("b", 10, Generic()))
	if _, err := net.Connect(a, a, OneToOne{}, SynapseSpec{Weight: Const(1)}); !errors.Is(err, ErrBuilt) {
		t.Errorf("Connect after Build: %v", err)
	}
	if _, err := net.RecordSpikes(b); !errors.Is(err, ErrBuilt) {
		t.Errorf("new population after Build: %v", err)
	}
	if err := net.Inject(a, nil, Proximal, DCClamp{AmpPA: 1}); !errors.Is(err, ErrBuilt) {
		t.Errorf("Inject after Build: %v", err)
	}
}

// TestDelayTooLongNamed: a delay beyond the 65 535 steps a delay group
// holds is refused as too long. A delay above 2⁶³ steps (1e20 ms) was
// converted to int64 before the check, which on amd64 gives a negative
// number, and the error said the delay was "shorter than one step".
func TestDelayTooLongNamed(t *testing.T) {
	build := func(c Connector, d Value) error {
		pre := must(NewPopulation("pre", 2, Generic()))
		post := must(NewPopulation("post", 2, Generic()))
		net := NewNetwork(0.1, 1)
		must(net.Connect(pre, post, c, SynapseSpec{Weight: Const(1), Delay: d}))
		return net.Build()
	}
	for _, c := range []struct {
		conn  Connector
		delay Value
	}{
		{AllToAll{}, Const(1e20)},
		{AllToAll{}, Const(1e300)},
		{AllToAll{}, Const(6553.6)}, // 65 536 steps
		{AllToAll{}, Uniform(1e19, 1e21)},
		{FromList{Pairs: [][2]int{{0, 1}, {1, 0}}, Delays: []float64{1, 1e300}}, Value{}},
	} {
		err := build(c.conn, c.delay)
		if err == nil || !strings.Contains(err.Error(), "exceeds 65535 steps") {
			t.Errorf("%v, delay %+v: error %v, want one saying it exceeds 65535 steps", c.conn, c.delay, err)
		}
	}
	if err := build(AllToAll{}, Const(6553.5)); err != nil { // 65 535 steps
		t.Errorf("delay of 65 535 steps: %v", err)
	}
}

// TestDelayRoundingHalfUp: a delay is rounded to the nearest whole number
// of steps, a delay half-way between two steps to the longer one, the
// same for every such delay. ms/dt in binary put 0.15 ms at 1.4999…
// steps and 0.25 ms at 2.5, so at dt = 0.1 ms the half-way delays 0.15,
// 0.35, 0.95, 1.15 and 1.45 ms rounded down while 0.05, 0.25, 0.45 and
// 0.55 ms rounded up.
func TestDelayRoundingHalfUp(t *testing.T) {
	for _, c := range []struct {
		dt, ms float64
		steps  int
	}{
		{0.1, 0.05, 1}, {0.1, 0.15, 2}, {0.1, 0.25, 3}, {0.1, 0.35, 4}, {0.1, 0.45, 5},
		{0.1, 0.55, 6}, {0.1, 0.95, 10}, {0.1, 1.15, 12}, {0.1, 1.45, 15}, {0.1, 2.05, 21},
		{0.1, 0.149, 1}, {0.1, 0.151, 2}, {0.1, 7.3, 73}, {0.1, 1.5, 15},
		{0.025, 0.0375, 2}, {0.03, 0.045, 2}, {0.03, 0.105, 4}, {1, 2.5, 3},
	} {
		pre := must(NewPopulation("pre", 1, Generic()))
		post := must(NewPopulation("post", 1, Generic()))
		net := NewNetwork(c.dt, 1)
		p := must(net.Connect(pre, post, OneToOne{}, SynapseSpec{Weight: Const(1), Delay: Const(c.ms)}))
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		if _, _, d := p.Synapse(0); d != c.steps {
			t.Errorf("delay %v ms at dt = %v ms: %d steps, want %d", c.ms, c.dt, d, c.steps)
		}
	}
}

// userRows is a user's connector whose rows are given as they are:
// every 7th cell from the last down (descending), or with a target past
// the population.
type userRows struct{ order string }

func (c userRows) String() string { return "userRows{" + c.order + "}" }

func (c userRows) Connect(g *ConnBuilder) error {
	return g.Rows(func(i int, dst []uint32) []uint32 {
		for j := g.NPost() - 1; j >= 0; j -= 7 {
			dst = append(dst, uint32(j))
		}
		switch c.order {
		case "ascending":
			slices.Reverse(dst)
		case "out of range":
			slices.Reverse(dst)
			dst = append(dst, uint32(g.NPost()+5))
		}
		return dst
	})
}

// userColumns is a user's connector built by columns that names a
// presynaptic cell past the source, or that is not a pure function of j.
type userColumns struct {
	impure bool
	calls  *int
}

func (c userColumns) String() string { return "userColumns" }

func (c userColumns) Connect(g *ConnBuilder) error {
	return g.Columns(func(j int, dst []uint32) []uint32 {
		*c.calls++
		if !c.impure {
			return append(dst, uint32(g.NPre()+3))
		}
		if *c.calls <= g.NPost() { // the counting pass
			return append(dst, uint32(j%g.NPre()))
		}
		return append(dst, 0) // the filling pass: all to cell 0
	})
}

// TestUserConnectorRowsChecked: the rows a user's connector gives must
// hold targets in range and ascending, as SetCSR already required. Rows
// and Columns took them as given: a descending row made the spikes depend
// on the worker count (delivery into part of a population finds a row's
// targets in range by binary search), a target past the population
// panicked inside Run (a *BugError blaming the library), and a column
// function that changed between its two calls wrote over other rows.
// Now Build names the row or column.
func TestUserConnectorRowsChecked(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	net1 := func(c Connector, workers int) (*Network, *SpikeRecorder) {
		src := must(NewPoissonGroup("src", 50, 40))
		post := must(NewPopulation("post", 3000, Generic()))
		net := NewNetwork(0.1, 1)
		must(net.ConnectSource(src, post, c, SynapseSpec{Weight: Const(300), Delay: Uniform(0.1, 2)}))
		rec := must(net.RecordSpikes(post))
		KeepSplit(net, workers) // cut the population in two, run on one goroutine
		return net, rec
	}
	// A well-ordered user connector runs, the same on 1 and 2 workers.
	var ref []int32
	for _, w := range []int{1, 2} {
		net, rec := net1(userRows{"ascending"}, w)
		if err := net.Run(context.Background(), 50, nil); err != nil {
			t.Fatal(err)
		}
		s, n := rec.Spikes()
		got := append(slices.Clone(s), n...)
		if w == 1 {
			ref = got
		} else if !slices.Equal(got, ref) || len(s) == 0 {
			t.Errorf("ascending rows: %d spikes on 2 workers, %d on 1", len(s), len(ref)/2)
		}
	}
	for _, c := range []struct {
		conn Connector
		want string
	}{
		{userRows{"descending"}, "row 0: targets not ascending (2992 after 2999)"},
		{userRows{"out of range"}, "row 0: target 3005 out of range [0, 3000)"},
		{userColumns{calls: new(int)}, "column 0: presynaptic cell 53 out of range [0, 50)"},
		{userColumns{impure: true, calls: new(int)}, "(it must be a pure function of j)"},
	} {
		net, _ := net1(c.conn, 2)
		err := net.Run(context.Background(), 10, nil)
		var bug *BugError
		if err == nil || errors.As(err, &bug) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `projection "src→post"`) {
			t.Errorf("%v: error %v, want one containing %q", c.conn, err, c.want)
		}
	}
}

// TestModelPopulationEfficacyChecked: the Efficacy of a NeuronModel's
// population (P.Efficacy, which NewModelPopulation sets to 1 and the user
// may change) is checked at Build like the GeneralizedNeuron's. It was
// not: Efficacy −1 on an excitatory Izhikevich population delivered
// negative excitatory input (−98 pA in 20 ms here) against Dale's law
// with no error, and NaN or +Inf was reported as a blow-up of the
// postsynaptic population.
func TestModelPopulationEfficacyChecked(t *testing.T) {
	for _, eff := range []float64{-1, math.NaN(), math.Inf(1), 1e10} {
		pre := must(NewModelPopulation("pre", 5, &Izhikevich{A: 0.02, B: 0.2, C: -65, D: 8}))
		pre.P.Efficacy = eff
		post := must(NewPopulation("post", 5, Generic()))
		net := NewNetwork(0.1, 1)
		must(net.Connect(pre, post, AllToAll{}, SynapseSpec{Weight: Const(1)}))
		if err := net.Inject(pre, nil, Proximal, DCClamp{AmpPA: 1000}); err != nil {
			t.Fatal(err)
		}
		err := net.Run(context.Background(), 20, nil)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("Params.Efficacy = %v", eff)) || !strings.Contains(err.Error(), `"pre→post"`) {
			t.Errorf("Efficacy %v: error %v, want one naming the projection and the value", eff, err)
		}
	}
}

// TestNormalWindowMassChecked: a truncated Normal weight or delay whose
// window holds almost none of the distribution is refused at Connect.
// Such a window used to cost 2²⁰ rejected draws per synapse (2.5 s for
// 100 synapses) and then give every synapse the window's edge: with
// Normal(0, 1, 7, 8) every weight was exactly 7, without an error.
// Windows of reasonable mass still draw spread values.
func TestNormalWindowMassChecked(t *testing.T) {
	pre := must(NewPopulation("pre", 10, Generic()))
	post := must(NewPopulation("post", 10, Generic()))
	net := NewNetwork(0.1, 1)
	for _, spec := range []SynapseSpec{
		{Weight: Normal(0, 1, 7, 8)},
		{Weight: Const(1), Delay: Normal(1, 0.1, 3, 4)},
		{Weight: Normal(0, 1, -9, -6)},
	} {
		if _, err := net.Connect(pre, post, AllToAll{}, spec); err == nil || !strings.Contains(err.Error(), "MinNormalWindowMass") {
			t.Errorf("%+v: error %v, want one about the window's mass", spec, err)
		}
	}
	// P(3.5 ≤ Z ≤ 10) = 2.3e-4: allowed, and the draws spread over the window.
	p := must(net.Connect(pre, post, AllToAll{}, SynapseSpec{Weight: Normal(0, 1, 3.5, 10)}))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	w := p.Weights(nil)
	lo, hi := slices.Min(w), slices.Max(w)
	if lo < 3.5 || hi > 10 || hi-lo < 0.1 {
		t.Errorf("Normal(0, 1, 3.5, 10): weights in [%v, %v], want spread inside [3.5, 10]", lo, hi)
	}
	// Reference masses: scipy.stats.norm (sf(7) − sf(8), cdf(1) − cdf(−1)).
	for _, c := range []struct{ a, b, want float64 }{
		{7, 8, 1.2791904478284077e-12}, {-8, -7, 1.2791904478284077e-12}, {-1, 1, 0.6826894921370859}, {0, math.Inf(1), 0.5},
	} {
		if got := normalMass(c.a, c.b); math.Abs(got-c.want) > 1e-9*c.want {
			t.Errorf("normalMass(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestReceptorFollowsDale: a projection may name its receptor, but not
// the one that takes the other kind of input (receptor 0 excitatory, 1
// inhibitory). Weights are delivered as magnitudes and the receptor gives
// the sign, so an inhibitory population naming "Excitatory" excited its
// targets (+100 pA of excitatory input from a −50 pA projection in 20 ms)
// without an error.
func TestReceptorFollowsDale(t *testing.T) {
	inh := must(NewPopulation("inh", 3, Interneuron()))
	exc := must(NewPopulation("exc", 3, Generic()))
	post := must(NewPopulation("post", 3, Generic()))
	rlif := must(NewModelPopulation("rlif", 3, &ReceptorLIF{}))
	net := NewNetwork(0.1, 1)
	for _, c := range []struct {
		pre      *Population
		post     *Population
		w        float64
		receptor string
	}{
		{inh, post, -50, "Excitatory"},
		{exc, post, 50, "Inhibitory"},
		{inh, rlif, -50, rlif.Receptors()[0]},
		{exc, rlif, 50, rlif.Receptors()[1]},
	} {
		_, err := net.Connect(c.pre, c.post, AllToAll{}, SynapseSpec{Weight: Const(c.w), Receptor: c.receptor})
		if err == nil || !strings.Contains(err.Error(), "contradicts Dale's law") {
			t.Errorf("%s → %s, Receptor %q: error %v, want one citing Dale's law", c.pre.Name, c.post.Name, c.receptor, err)
		}
	}
	for _, c := range []struct {
		pre      *Population
		w        float64
		receptor string
	}{{inh, -50, "Inhibitory"}, {exc, 50, "Excitatory"}, {exc, 50, rlif.Receptors()[2]}, {inh, -50, rlif.Receptors()[3]}} {
		target := post
		if c.receptor != "Excitatory" && c.receptor != "Inhibitory" {
			target = rlif
		}
		if _, err := net.Connect(c.pre, target, AllToAll{}, SynapseSpec{Weight: Const(c.w), Receptor: c.receptor}); err != nil {
			t.Errorf("%s, Receptor %q: %v", c.pre.Name, c.receptor, err)
		}
	}
}

// TestDelayDistributionLowerBound: a delay distribution that can draw
// less than half a step is refused at Build whatever it draws. Each draw
// was checked alone, so Uniform(0, 2) ms failed for one seed or wiring
// and not another (a draw below 0.05 ms has a chance of 2.5 %): a sweep
// over seeds broke at random.
func TestDelayDistributionLowerBound(t *testing.T) {
	build := func(d Value, seed uint64) error {
		pre := must(NewPopulation("pre", 1, Generic()))
		post := must(NewPopulation("post", 1, Generic()))
		net := NewNetwork(0.1, seed)
		must(net.Connect(pre, post, AllToAll{}, SynapseSpec{Weight: Const(1), Delay: d}))
		return net.Build()
	}
	for _, d := range []Value{Uniform(0, 2), Normal(1.5, 0.1, 0, 0), Normal(1.5, 0.5, 0, 3), Exponential(2, 0), Uniform(0.04, 1)} {
		for seed := range uint64(5) {
			if err := build(d, seed); err == nil || !strings.Contains(err.Error(), "shorter than one step") {
				t.Errorf("Delay %+v, seed %d: error %v, want one saying it can draw less than a step", d, seed, err)
			}
		}
	}
	for _, d := range []Value{Uniform(0.05, 2), Normal(1.5, 0.5, 0.1, 3), Exponential(2, 0.1)} {
		if err := build(d, 1); err != nil {
			t.Errorf("Delay %+v: %v", d, err)
		}
	}
}
