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
	"sync"
	"testing"
)

// testNet is a small recurrent network driven by Poisson input: a
// population of n Generic cells and a source, dt in ms.
func testNet(t *testing.T, dt float64, pop *Population, src Source) *Network {
	t.Helper()
	net := NewNetwork(dt, 7)
	must(net.Connect(pop, pop, FixedProbability{P: 0.1}, SynapseSpec{Weight: Const(20), Delay: Const(1)}))
	must(net.ConnectSource(src, pop, FixedProbability{P: 0.2}, SynapseSpec{Weight: Const(150)}))
	return net
}

func spikeCount(t *testing.T, net *Network, pop *Population, ms float64) int {
	t.Helper()
	rec := must(net.RecordSpikes(pop))
	if err := net.Run(context.Background(), ms, nil); err != nil {
		t.Fatal(err)
	}
	return rec.Len()
}

// A step count that the clock cannot hold is an error, not a silent
// zero-step run; so is a DT outside [MinDT, MaxDT].
func TestRunStepCountBounds(t *testing.T) {
	for _, c := range []struct {
		dt, ms float64
		want   string
	}{
		{1e-300, 10, "Network.DT = 1e-300"},
		{1e-9, 1e10, "Network.DT = 1e-09"},
		{1e-6, 1e10, "would pass its limit of 2⁵³ steps"},
		{1e-6, 1e300, "would pass its limit"},
		{1e3, 10, "Network.DT = 1000"},
		{0.1, -1, "must be finite and ≥ 0"},
	} {
		pop := must(NewPopulation("p", 2, Generic()))
		net := NewNetwork(c.dt, 1)
		must(0, net.AddPopulation(pop))
		err := net.Run(context.Background(), c.ms, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("dt %v, Run(%v): error %v, want one containing %q", c.dt, c.ms, err, c.want)
		}
		if net.Step() != 0 {
			t.Errorf("dt %v, Run(%v): %d steps done after the error", c.dt, c.ms, net.Step())
		}
	}
	// The limit counts the steps already done.
	net := NewNetwork(1e-6, 1)
	must(0, net.AddPopulation(must(NewPopulation("p", 1, Generic()))))
	if err := net.Run(context.Background(), 0.01, nil); err != nil || net.Step() != 10000 {
		t.Fatalf("Run: %v, %d steps", err, net.Step())
	}
	net.step = MaxSteps - 5
	if err := net.Run(context.Background(), 6e-6, nil); err == nil || net.Step() != MaxSteps-5 {
		t.Errorf("Run past MaxSteps: error %v, step %d", err, net.Step())
	}
}

// A population or source built into one network cannot be built into a
// second (the second would re-prepare it with its own dt and step it);
// the first network's results stay those of a network alone.
func TestPopulationBelongsToOneNetwork(t *testing.T) {
	alone := func() int {
		pop := must(NewPopulation("p", 200, Generic()))
		src := must(NewPoissonGroup("in", 100, 20))
		net := testNet(t, 0.1, pop, src)
		return spikeCount(t, net, pop, 100)
	}
	want := alone()
	if want < 50 {
		t.Fatalf("test network too quiet: %d spikes", want)
	}
	pop := must(NewPopulation("p", 200, Generic()))
	src := must(NewPoissonGroup("in", 100, 20))
	net1 := testNet(t, 0.1, pop, src)
	if err := net1.Build(); err != nil {
		t.Fatal(err)
	}
	net2 := NewNetwork(0.5, 3)
	must(0, net2.AddPopulation(pop))
	if err := net2.Build(); err == nil || !strings.Contains(err.Error(), `population "p" already belongs to another network`) {
		t.Errorf("second network with the population: Build error %v", err)
	}
	net3 := NewNetwork(0.5, 3)
	other := must(NewPopulation("q", 10, Generic()))
	must(net3.ConnectSource(src, other, AllToAll{}, SynapseSpec{Weight: Const(1)}))
	if err := net3.Run(context.Background(), 1, nil); err == nil || !strings.Contains(err.Error(), `source "in" already belongs to another network`) {
		t.Errorf("second network with the source: Run error %v", err)
	}
	if got := spikeCount(t, net1, pop, 100); got != want {
		t.Errorf("first network: %d spikes, alone %d", got, want)
	}
	// Re-preparing the population by hand with another step is caught.
	if err := pop.Prepare(0.05); err != nil {
		t.Fatal(err)
	}
	if err := net1.Run(context.Background(), 1, nil); err == nil || !strings.Contains(err.Error(), "prepared with dt = 0.05 ms outside the network") {
		t.Errorf("Run after Prepare(0.05): %v", err)
	}
	// Once the first network is gone, the population is free again.
	net1 = nil
	for range 3 {
		runtime.GC()
	}
	net4 := NewNetwork(0.1, 1)
	must(0, net4.AddPopulation(pop))
	if err := net4.Build(); err != nil {
		t.Errorf("Build after the first network was collected: %v", err)
	}
}

// DT and Seed are fixed by Build: changing them afterwards is an error,
// and the clock stays consistent with the populations.
func TestDTAndSeedFixedAtBuild(t *testing.T) {
	pop := must(NewPopulation("p", 50, Generic()))
	src := must(NewPoissonGroup("in", 50, 20))
	net := testNet(t, 0.1, pop, src)
	if err := net.Run(context.Background(), 100, nil); err != nil {
		t.Fatal(err)
	}
	net.DT = 1
	if err := net.Run(context.Background(), 900, nil); err == nil || !strings.Contains(err.Error(), "Network.DT changed from 0.1 to 1 ms after Build") {
		t.Errorf("Run after DT change: %v", err)
	}
	if got := net.TimeMS(); got != 100 {
		t.Errorf("clock %v ms after the refused run, want 100", got)
	}
	net.DT = 0.1
	net.Seed = 8
	if err := net.Run(context.Background(), 1, nil); err == nil || !strings.Contains(err.Error(), "Network.Seed changed from 7 to 8") {
		t.Errorf("Run after Seed change: %v", err)
	}
	net.Seed = 7
	if err := net.Run(context.Background(), 1, nil); err != nil {
		t.Errorf("Run with DT and Seed restored: %v", err)
	}
}

// Two goroutines running one network: the second gets an error, with no
// data race (run with -race).
func TestConcurrentRunIsAnError(t *testing.T) {
	for _, workers := range []int{1, 2} {
		pop := must(NewPopulation("p", 300, Generic()))
		src := must(NewPoissonGroup("in", 100, 20))
		net := testNet(t, 0.1, pop, src)
		net.Workers = workers
		// While a Run is in progress (inside its progress callback), Run,
		// Build, Save and Restore from other goroutines are refused.
		var others []error
		first := true
		err := net.Run(context.Background(), 50, func(Progress) {
			if !first {
				return
			}
			first = false
			var wg sync.WaitGroup
			errs := make([]error, 4)
			wg.Go(func() { errs[0] = net.Run(context.Background(), 10, nil) })
			wg.Go(func() { errs[1] = net.Build() })
			wg.Go(func() { _, errs[2] = net.MarshalBinary() })
			wg.Go(func() { errs[3] = net.UnmarshalBinary(nil) })
			wg.Wait()
			others = errs
		})
		if err != nil {
			t.Fatal(err)
		}
		for k, err := range others {
			if err == nil || !strings.Contains(err.Error(), "in use by another goroutine") {
				t.Errorf("workers %d: concurrent call %d: %v", workers, k, err)
			}
		}
		if net.Step() != 500 {
			t.Errorf("workers %d: %d steps, want 500", workers, net.Step())
		}
		// Free-running goroutines: each Run either runs whole or is refused.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for g := range errs {
			wg.Go(func() { errs[g] = net.Run(context.Background(), 20, nil) })
		}
		wg.Wait()
		ran := 0
		for _, err := range errs {
			if err == nil {
				ran++
			} else if !strings.Contains(err.Error(), "in use by another goroutine") {
				t.Errorf("workers %d: %v", workers, err)
			}
		}
		if want := int64(500 + 200*ran); net.Step() != want {
			t.Errorf("workers %d: %d steps after %d whole runs, want %d", workers, net.Step(), ran, want)
		}
	}
}

// A panic inside Run (here in a RateFunc callback, on the calling
// goroutine and on a worker) comes back as a *BugError and leaves the
// network refusing to run.
func TestRunPanicBecomesError(t *testing.T) {
	for _, workers := range []int{1, 3} {
		pop := must(NewPopulation("p", 100, Generic()))
		src := &PoissonGroup{Name: "in", N: 100, MaxRateHz: 50, RateFunc: func(tMS float64) float64 {
			if tMS > 5 {
				panic("rate function broke")
			}
			return 10
		}}
		net := testNet(t, 0.1, pop, src)
		net.Workers = workers
		err := net.Run(context.Background(), 20, nil)
		var bug *BugError
		if !errors.As(err, &bug) || !strings.Contains(err.Error(), "rate function broke") || !strings.Contains(err.Error(), "a bug") {
			t.Fatalf("workers %d: Run error %v, want a *BugError", workers, err)
		}
		if err := net.Run(context.Background(), 1, nil); err == nil || !strings.Contains(err.Error(), "unusable") {
			t.Errorf("workers %d: Run after a panic: %v", workers, err)
		}
	}
}

// Legal-looking but absurd values are refused with the field named.
func TestAbsurdValuesRefused(t *testing.T) {
	set := func(f func(*Params)) Params { p := Pyramidal(); f(&p); return p }
	for _, c := range []struct {
		p     Params
		field string
	}{
		{set(func(p *Params) { p.VT = 1e300; p.VPeak = 2e300 }), "VT"},
		{set(func(p *Params) { p.DeltaT = 1e6 }), "DeltaT"},
		{set(func(p *Params) { p.EL = -5000 }), "EL"},
		{set(func(p *Params) { p.C = 1e12 }), "C"},
		{set(func(p *Params) { p.Synapse.EE = 1e4 }), "Synapse.EE"},
		{set(func(p *Params) { p.IBias = 1e10 }), "IBias"},
	} {
		_, err := NewPopulation("x", 1, c.p)
		if err == nil || !strings.Contains(err.Error(), c.field+" = ") || !strings.Contains(err.Error(), "bound") {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	// A time constant far below dt: refused at Prepare, not a hang.
	p := Pyramidal()
	p.C = 1e-9
	pop := must(NewPopulation("fast", 1, p))
	if err := pop.Prepare(0.1); err == nil || !strings.Contains(err.Error(), "substeps") {
		t.Errorf("C = 1e-9: %v", err)
	}
	// Weights.
	pre := must(NewPopulation("pre", 3, Generic()))
	post := must(NewPopulation("post", 3, Generic()))
	net := NewNetwork(0.1, 1)
	for _, w := range []Value{Const(1e300), Uniform(0, 1e7), Normal(1e7, 1, 0, 0), Exponential(1e7, 0)} {
		if _, err := net.Connect(pre, post, AllToAll{}, SynapseSpec{Weight: w}); err == nil || !strings.Contains(err.Error(), "MaxWeight") {
			t.Errorf("weight %+v: %v", w, err)
		}
	}
	rule := SongRule(1e300)
	if _, err := net.Connect(pre, post, AllToAll{}, SynapseSpec{Weight: Const(1), STDP: &rule}); err == nil || !strings.Contains(err.Error(), "WMax") {
		t.Errorf("STDP WMax 1e300: %v", err)
	}
	must(net.Connect(pre, post, FromList{Pairs: [][2]int{{0, 1}}, Weights: []float64{1e300}}, SynapseSpec{}))
	if err := net.Build(); err == nil || !strings.Contains(err.Error(), "weight 1e+300 beyond the bound") {
		t.Errorf("list weight 1e300: %v", err)
	}
}

// A spike is detected in the step where V crosses VPeak: after every step
// V ≤ VPeak, for every preset, with VPeak at its preset value and close
// to VT (closer than the fast path's xFast·ΔT), both synapse models (the
// fused Heun kernel and the general one), three step sizes and currents
// from rheobase to far above; spike offsets lie within the step.
func TestSpikeDetectedInCrossingStep(t *testing.T) {
	presets := []struct {
		name string
		p    func() Params
	}{{"generic", Generic}, {"pyramidal", Pyramidal}, {"interneuron", Interneuron},
		{"sensory", Sensory}, {"purkinje", Purkinje}, {"granule", Granule}, {"motor", Motor}}
	checked, spikes := 0, 0
	for _, pr := range presets {
		for _, peak := range []string{"preset", "VT+5", "VT+2ΔT"} {
			for _, model := range []SynapseModel{CurrentExp, ConductanceExp} {
				for _, dt := range []float64{0.025, 0.1, 0.5} {
					p := pr.p()
					if p.DeltaT == 0 {
						continue // LIF: θ is the spike level (tested in neuron_lif_test)
					}
					switch peak {
					case "VT+5":
						p.VPeak = p.VT + 5
					case "VT+2ΔT":
						p.VPeak = p.VT + 2*p.DeltaT
					}
					p.Synapse.Model = model
					if model == ConductanceExp {
						p.Synapse.EE, p.Synapse.EI = 0, -80
					}
					currents := []float64{0.8, 1.5, 3, 6, 12}
					pop := must(NewPopulation(pr.name, len(currents), p))
					if err := pop.Prepare(dt); err != nil {
						t.Fatal(err)
					}
					rh := max(p.Rheobase(), 50)
					for k := range int64(math.Round(300 / dt)) {
						for i, f := range currents {
							pop.IExt[i] = f * rh
							if k%7 == 0 { // synaptic kicks as well
								pop.Input(Proximal, Excitatory)[i] += 0.5 * f
							}
						}
						sp, err := pop.Step(k)
						if err != nil {
							t.Fatalf("%s %s %v dt %v: %v", pr.name, peak, model, dt, err)
						}
						spikes += len(sp)
						for _, i := range sp {
							if o := pop.SpikeOffset(int(i)); !(o >= 0 && o <= dt) {
								t.Errorf("%s %s %v dt %v: spike offset %v outside [0, %v]", pr.name, peak, model, dt, o, dt)
							}
						}
						for i, v := range pop.V {
							checked++
							if v > p.VPeak {
								t.Fatalf("%s VPeak %s (%v mV) %v dt %v, %.0f pA: V = %v mV above VPeak after step %d",
									pr.name, peak, p.VPeak, model, dt, pop.IExt[i], v, k)
							}
						}
					}
				}
			}
		}
	}
	if spikes < 1000 {
		t.Errorf("only %d spikes in the sweep: the currents do not exercise the spike path", spikes)
	}
	t.Logf("%d samples checked, %d spikes", checked, spikes)
}

// A RateFunc above MaxRateHz cannot be realised by thinning: Run stops
// with an error naming the group, the time and both rates instead of
// clipping the rate silently.
func TestPoissonRateFuncAboveBoundStopsRun(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rate    func(float64) float64
		wantErr bool
	}{
		{"within", func(tMS float64) float64 { return 40 }, false},
		{"above after 200 ms", func(tMS float64) float64 {
			if tMS > 200 {
				return 80
			}
			return 20
		}, true},
		{"NaN", func(tMS float64) float64 { return math.NaN() }, true},
		// A rate below 0 was taken as 0 without a word: a sinusoid
		// without offset came out rectified.
		{"negative", func(tMS float64) float64 { return 40 * math.Sin(2*math.Pi*tMS/100) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &PoissonGroup{Name: "drive", N: 50, MaxRateHz: 50, RateFunc: tc.rate}
			n := testNet(t, 0.1, must(NewPopulation("post", 10, Generic())), src)
			err := n.Run(context.Background(), 500, nil)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				return
			}
			want := "MaxRateHz = 50"
			if tc.name == "negative" {
				want = "a rate cannot be negative"
			}
			if err == nil || !strings.Contains(err.Error(), `PoissonGroup "drive"`) || !strings.Contains(err.Error(), want) {
				t.Fatalf("Run error = %v, want one naming the group and %q", err, want)
			}
			if tc.name == "negative" && n.TimeMS() > 60 {
				t.Errorf("stopped at %g ms, long after the rate first fell below 0 (50 ms)", n.TimeMS())
			}
			if tc.name == "above after 200 ms" && n.TimeMS() > 260 {
				t.Errorf("stopped at %g ms, long after the rate first exceeded the bound (200 ms)", n.TimeMS())
			}
		})
	}
}

// A RateFunc that falls to 0 and stays there (no StopMS) used to keep
// thinning forever inside one step; now the generators park with a
// wake-up and resume when the rate returns. The parked queue survives a
// checkpoint: a twin restored mid-silence fires the same spikes.
func TestPoissonRateFuncSilenceDoesNotHang(t *testing.T) {
	rate := func(tMS float64) float64 {
		if tMS < 100 || tMS > 2600 {
			return 40
		}
		return 0
	}
	build := func() (*Network, *SpikeRecorder) {
		src := &PoissonGroup{Name: "burst", N: 20, MaxRateHz: 40, RateFunc: rate}
		n := testNet(t, 0.1, must(NewPopulation("post", 5, Generic())), src)
		return n, must(n.RecordSourceSpikes(src))
	}
	n, rec := build()
	if err := n.Run(context.Background(), 1700, nil); err != nil {
		t.Fatal(err)
	}
	var ckpt bytes.Buffer
	if err := n.Save(&ckpt); err != nil {
		t.Fatal(err)
	}
	if err := n.Run(context.Background(), 1300, nil); err != nil {
		t.Fatal(err)
	}
	before, silent, after := 0, 0, 0
	steps, _ := rec.Spikes()
	for _, st := range steps {
		tm := float64(st) * 0.1
		switch {
		case tm < 100:
			before++
		case tm <= 2600:
			silent++
		default:
			after++
		}
	}
	// 20 generators × 40 Hz: 80 expected in [0, 100) ms and 320 in (2600, 3000].
	if before < 40 || after < 200 || silent != 0 {
		t.Fatalf("spikes before/silent/after = %d/%d/%d, want ~80/0/~320", before, silent, after)
	}
	twin, trec := build()
	if err := twin.Restore(&ckpt); err != nil {
		t.Fatal(err)
	}
	if err := twin.Run(context.Background(), 1300, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := trec.Len(), after; got != want {
		t.Fatalf("restored twin: %d spikes after the silence, uninterrupted run %d", got, want)
	}
}

// A rate that falls to 0 for good (no StopMS) ends the group's firing;
// before the wake-ups the first generator to be advanced past 100 ms
// thinned forever and Run never returned.
func TestPoissonRateFuncOffForGood(t *testing.T) {
	src := &PoissonGroup{Name: "once", N: 20, MaxRateHz: 40, RateFunc: func(tMS float64) float64 {
		if tMS < 100 {
			return 40
		}
		return 0
	}}
	n := testNet(t, 0.1, must(NewPopulation("post", 5, Generic())), src)
	rec := must(n.RecordSourceSpikes(src))
	if err := n.Run(context.Background(), 3000, nil); err != nil {
		t.Fatal(err)
	}
	steps, _ := rec.Spikes()
	if len(steps) == 0 || steps[len(steps)-1] >= 1000 {
		t.Fatalf("%d spikes, last at step %v: want some, all before 100 ms", len(steps), steps)
	}
}

// TestSetWeightBounds: Projection.SetWeight refuses a magnitude beyond
// MaxWeight like Build does. It accepted any finite value, so 1e39 (above
// the largest float32) was stored as +Inf without a word and 1e7 passed
// the documented bound of 10⁶.
func TestSetWeightBounds(t *testing.T) {
	post := must(NewPopulation("post", 3, Generic()))
	src := must(NewPoissonGroup("src", 4, 10))
	net := NewNetwork(0.1, 1)
	p := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1)}))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []float64{1e39, 1e7, math.Inf(1), math.NaN(), -1} {
		if err := p.SetWeight(0, w); err == nil {
			t.Errorf("SetWeight(0, %v) accepted; weight now %v", w, p.Weight(0))
		} else if !strings.Contains(err.Error(), fmt.Sprint(w)) {
			t.Errorf("SetWeight(0, %v): error %q does not name the value", w, err)
		}
	}
	if p.Weight(0) != 1 {
		t.Errorf("a refused SetWeight changed the weight to %v", p.Weight(0))
	}
	if err := p.SetWeight(0, MaxWeight); err != nil || p.Weight(0) != MaxWeight {
		t.Errorf("SetWeight(0, MaxWeight): %v, weight %v", err, p.Weight(0))
	}
}

// TestRecorderDTFollowsNetwork: recorders made before Build report times
// with the step the network is built with. They copied Network.DT when
// they were made, so a DT set afterwards (but before Build, where it is
// legal) left them converting steps with the old value: with DT changed
// from the default 0.1 to 0.05 ms every spike, sample and weight time
// came out twice too late.
func TestRecorderDTFollowsNetwork(t *testing.T) {
	post := must(NewPopulation("post", 2, Generic()))
	src := must(NewSpikeSourceArray("src", [][]float64{{1, 2, 3}}))
	net := &Network{Seed: 1} // DT 0: the default until Build
	rule := SongRule(10)
	proj := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(5), STDP: &rule}))
	spikes := must(net.RecordSpikes(post))
	srcSpikes := must(net.RecordSourceSpikes(src))
	state := must(net.RecordState(post, []int{0}, []string{"V"}, 10))
	weights := must(net.RecordWeights(proj, [][2]int{{0, 1}}, 10))
	if err := net.Inject(post, nil, Proximal, DCClamp{AmpPA: 1000}); err != nil {
		t.Fatal(err)
	}
	const dt = 0.05
	net.DT = dt
	if err := net.Run(context.Background(), 20, nil); err != nil {
		t.Fatal(err)
	}
	check := func(what string, got []float64, steps []int64) {
		if len(got) == 0 || len(got) != len(steps) {
			t.Fatalf("%s: %d times for %d steps", what, len(got), len(steps))
		}
		for k, s := range steps {
			if want := float64(s+1) * dt; math.Abs(got[k]-want) > 1e-9 {
				t.Errorf("%s: time %d = %v ms, want %v (step %d × %v ms)", what, k, got[k], want, s+1, dt)
				return
			}
		}
	}
	for _, r := range []struct {
		name string
		rec  *SpikeRecorder
	}{{"spikes", spikes}, {"source spikes", srcSpikes}} {
		s, n := r.rec.Spikes()
		var steps []int64
		for k := range s {
			if n[k] == 0 {
				steps = append(steps, int64(s[k]))
			}
		}
		check(r.name, r.rec.Times(0), steps)
	}
	check("state samples", state.Times(), state.steps)
	check("weight samples", weights.Times(), weights.steps)
}

// TestSpikeRecorderStepLimit: a Run that would record spikes past step
// 2³¹−1 is refused before it starts. SpikeRecorder keeps steps as int32,
// and they wrapped: at dt = 0.1 ms a run past 59.6 h of network time
// recorded spikes at negative times (−2.1e8 ms) without an error.
func TestSpikeRecorderStepLimit(t *testing.T) {
	post := must(NewPopulation("post", 1, Generic()))
	src := must(NewSpikeSourceArray("src", [][]float64{{1}}))
	net := NewNetwork(0.1, 1)
	must(net.ConnectSource(src, post, OneToOne{}, SynapseSpec{Weight: Const(1)}))
	rec := must(net.RecordSpikes(post))
	srcRec := must(net.RecordSourceSpikes(src))
	if err := net.Inject(post, nil, Proximal, DCClamp{AmpPA: 1000}); err != nil {
		t.Fatal(err)
	}
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	net.step = math.MaxInt32 - 101 // as after 59.6 h of runs
	// Up to step 2³¹−2 is fine (its spikes are reported at the end of
	// the step, (2³¹−1)·dt).
	if err := net.Run(context.Background(), 10, nil); err != nil {
		t.Fatal(err)
	}
	if err := net.Run(context.Background(), 0.1, nil); err != nil {
		t.Fatal(err)
	}
	if net.Step() != math.MaxInt32 {
		t.Fatalf("step %d", net.Step())
	}
	n := rec.Len()
	if n == 0 {
		t.Fatal("no spikes recorded")
	}
	err := net.Run(context.Background(), 20, nil)
	if err == nil || !strings.Contains(err.Error(), "population post") || !strings.Contains(err.Error(), "below 2³¹−1") {
		t.Errorf("Run past step 2³¹−1: error %v, want one naming the recorder and the limit", err)
	}
	for _, tm := range rec.Times(0) {
		if tm < 2e8 {
			t.Errorf("spike recorded at %v ms", tm)
		}
	}
	if rec.Len() != n || srcRec.Len() != 0 {
		t.Errorf("the refused Run recorded %d spikes", rec.Len()-n)
	}
}

// TestHugeTimesMeanNever: times and intervals that are finite but lie
// past the clock's 2⁵³ steps behave as "never" instead of tripping an
// int64 conversion (undefined past 2⁶³, negative on amd64):
//   - a TraceClamp with SampleMS = 1e-300 gives the first step the mean of
//     its 2·10⁻³⁰⁰ ms of current (about 0) and nothing after (it indexed
//     ValuesPA[−2⁶³]: a panic, returned by Run as a *BugError);
//   - a PoissonInput with StartMS = 1e300 never starts (it started at
//     step 0);
//   - a PoissonGroup starting at 1e300 ms, or firing at 1e-300 Hz, never
//     fires and its checkpoint restores (the queue held a negative due
//     step, which Restore rightly refused).
func TestHugeTimesMeanNever(t *testing.T) {
	ctx := context.Background()
	cell := must(NewPopulation("cell", 1, Generic()))
	net := NewNetwork(0.1, 1)
	if err := net.Inject(cell, nil, Proximal, TraceClamp{ValuesPA: []float64{100, 200}, SampleMS: 1e-300}); err != nil {
		t.Fatal(err)
	}
	if err := net.Run(ctx, 0.1, nil); err != nil || !(cell.IExt[0] > 0 && cell.IExt[0] < 1e-290) {
		t.Fatalf("TraceClamp, step 0: %v, IExt %v pA, want (100+200)·1e-300/0.1", err, cell.IExt[0])
	}
	if err := net.Run(ctx, 1, nil); err != nil || cell.IExt[0] != 0 {
		t.Errorf("TraceClamp, later steps: %v, IExt %v pA, want 0", err, cell.IExt[0])
	}

	pop := must(NewPopulation("pop", 10, Generic()))
	net = NewNetwork(0.1, 1)
	if err := net.AddPoissonInput(pop, PoissonInput{Name: "late", RateHz: 50000, Weight: 100, StartMS: 1e300}); err != nil {
		t.Fatal(err)
	}
	rec := must(net.RecordSpikes(pop))
	if err := net.Run(ctx, 50, nil); err != nil {
		t.Fatal(err)
	}
	if ie := pop.Input(Proximal, Excitatory); rec.Len() != 0 || slices.ContainsFunc(ie, func(x float64) bool { return x != 0 }) {
		t.Errorf("PoissonInput starting at 1e300 ms: %d spikes, input %v after 50 ms, want none", rec.Len(), ie)
	}

	build := func() (*Network, *SpikeRecorder) {
		post := must(NewPopulation("post", 3, Generic()))
		late := must(NewPoissonGroup("late", 4, 10))
		late.StartMS = 1e300
		slow := must(NewPoissonGroup("slow", 4, 1e-300))
		net := NewNetwork(0.1, 1)
		must(net.ConnectSource(late, post, AllToAll{}, SynapseSpec{Weight: Const(1)}))
		must(net.ConnectSource(slow, post, AllToAll{}, SynapseSpec{Weight: Const(1)}))
		must(net.RecordSourceSpikes(late))
		return net, must(net.RecordSourceSpikes(slow))
	}
	first, slowRec := build()
	if err := first.Run(ctx, 20, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Save(&buf); err != nil {
		t.Fatal(err)
	}
	second, _ := build()
	if err := second.Restore(&buf); err != nil {
		t.Errorf("restoring a network whose Poisson generators never fire: %v", err)
	}
	if slowRec.Len() != 0 {
		t.Errorf("a generator at 1e-300 Hz fired %d times", slowRec.Len())
	}
}

// TestClampWindowsOnTheGrid: a current clamp whose start and stop times
// lie on the step grid switches on in the step that starts at StartMS and
// off in the one that starts at StopMS, as PoissonInput.StartMS, spike
// times and TraceClamp samples already did (they allow 1e-9 steps of
// binary rounding). DC, step, ramp and sine clamps compared step·dt with
// the times exactly, and at dt = 0.03 ms, 11·0.03 = 0.32999999999999996 <
// 0.33: a pulse over [0.33, 0.66) ms ran from step 12 to 22 instead of 11
// to 21.
func TestClampWindowsOnTheGrid(t *testing.T) {
	for _, c := range []struct {
		dt, start, stop float64
		on, off         int64 // first step on, first step off again
	}{
		{0.03, 0.33, 0.66, 11, 22},
		{0.03, 0.45, 0.9, 15, 30},
		{0.1, 0.3, 0.6, 3, 6},
		{0.1, 0.35, 0.65, 4, 7}, // between steps: the next step start
	} {
		for _, cs := range []CurrentSource{
			DCClamp{AmpPA: 100, StartMS: c.start, StopMS: c.stop},
			StepClamp{TimesMS: []float64{c.start, c.stop}, AmpsPA: []float64{100, 0}},
			RampClamp{FromPA: 100, ToPA: 100, StartMS: c.start, StopMS: c.stop},
			SineClamp{OffsetPA: 100, StartMS: c.start, StopMS: c.stop},
		} {
			cell := must(NewPopulation("cell", 1, Generic()))
			net := NewNetwork(c.dt, 1)
			if err := net.Inject(cell, nil, Proximal, cs); err != nil {
				t.Fatal(err)
			}
			var on []int64
			for k := range c.off + 3 {
				if err := net.Run(context.Background(), c.dt, nil); err != nil {
					t.Fatal(err)
				}
				if cell.IExt[0] != 0 {
					on = append(on, k)
				}
			}
			if len(on) == 0 || on[0] != c.on || on[len(on)-1] != c.off-1 || int64(len(on)) != c.off-c.on {
				t.Errorf("dt %v ms, %v over [%v, %v) ms: on in steps %v, want %d … %d", c.dt, cs, c.start, c.stop, on, c.on, c.off-1)
			}
		}
	}
}
