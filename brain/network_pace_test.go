package brain

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestPacerChoosesFasterMode feeds the pacer synthetic step times: it
// measures solo first, then probes parallel, keeps the mode that is faster
// per step (parallel only when faster by paceGain), probes the other mode
// every probe epochs (less often while that mode is far slower), and
// follows a change of load either way.
func TestPacerChoosesFasterMode(t *testing.T) {
	for _, c := range []struct {
		name             string
		parNS, soloNS    float64 // ns per step in each mode
		wantSoloFraction [2]float64
	}{
		{"idle machine: parallel twice as fast (probes back off)", 10_000, 20_000, [2]float64{0.003, 0.05}},
		{"parallel a little faster", 15_000, 20_000, [2]float64{0.05, 0.15}},
		{"busy machine: parallel far slower (probes back off)", 40_000, 20_000, [2]float64{0.96, 0.995}},
		{"parallel a little slower", 25_000, 20_000, [2]float64{0.85, 0.95}},
		{"parallel barely faster (not worth a core)", 19_000, 20_000, [2]float64{0.85, 0.95}},
	} {
		p := newPacer(2)
		p.epoch, p.probe = 4, 8
		now := time.Unix(0, 0)
		solo := 0
		const steps = 4000
		for range steps {
			s := p.step(now)
			if s {
				solo++
				now = now.Add(time.Duration(c.soloNS))
			} else {
				now = now.Add(time.Duration(c.parNS))
			}
		}
		f := float64(solo) / steps
		if f < c.wantSoloFraction[0] || f > c.wantSoloFraction[1] {
			t.Errorf("%s: %.3f of the steps solo, want %v", c.name, f, c.wantSoloFraction)
		}
		if p.soloEpochs == 0 || p.parEpochs == 0 {
			t.Errorf("%s: epochs solo %d, parallel %d: one mode never measured", c.name, p.soloEpochs, p.parEpochs)
		}
	}
	// Parallel ten times slower (a worker sharing the caller's vCPU): each
	// probe ends once it has cost a solo epoch, so the probes take a few
	// per cent of the time.
	{
		p := newPacer(2)
		p.epoch, p.probe = 64, 8
		now := time.Unix(0, 0)
		var parTime, all time.Duration
		for range 20000 {
			d := 20 * time.Microsecond
			if !p.step(now) {
				d = 200 * time.Microsecond
				parTime += d
			}
			now = now.Add(d)
			all += d
		}
		if f := float64(parTime) / float64(all); f > 0.03 || p.parEpochs == 0 {
			t.Errorf("parallel ten times slower: %.3f of the time in %d parallel probes", f, p.parEpochs)
		}
	}
	// A change of load: parallel pays for 2000 steps, then costs.
	last := paceModes(4000, 2000, 3000, 10_000, 50_000)
	if n := len(slices.DeleteFunc(last, func(s bool) bool { return s })); n > 150 {
		t.Errorf("after the load changed, %d of the last 1000 steps still ran in parallel", n)
	}
	// The other way: parallel far slower for 3000 steps (the probes back
	// off), then twice as fast.
	last = paceModes(6000, 3000, 5000, 50_000, 10_000)
	if n := len(slices.DeleteFunc(last, func(s bool) bool { return !s })); n > 150 {
		t.Errorf("after parallel became faster, %d of the last 1000 steps still ran solo", n)
	}
}

// paceModes runs a two-worker pacer (epochs of 4 steps, a probe every 8)
// for steps steps on a simulated clock where a solo step takes 20 µs and a
// parallel one parBefore ns until step change, parAfter ns from then on,
// and returns the pacer's choices (true: solo) from step from on.
func paceModes(steps, change, from int, parBefore, parAfter float64) []bool {
	p := newPacer(2)
	p.epoch, p.probe = 4, 8
	now := time.Unix(0, 0)
	var last []bool
	for k := range steps {
		d := 20_000.0
		s := p.step(now)
		if !s {
			d = parBefore
			if k >= change {
				d = parAfter
			}
		}
		now = now.Add(time.Duration(d))
		if k >= from {
			last = append(last, s)
		}
	}
	return last
}

// TestPacedRunsAreIdentical: a network run with a pacer that switches
// between solo and parallel every few steps gives the same spikes and
// membrane potentials as a run on one worker.
func TestPacedRunsAreIdentical(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	run := func(workers int, epoch int) ([][]int32, []float64, *pacer, int64) {
		runtime.GOMAXPROCS(workers)
		net, recs := richNetwork(t, 7, 2400)
		net.Workers = workers
		net.pace = newPacer(workers)
		net.pace.epoch, net.pace.probe = epoch, 2
		if err := net.Run(context.Background(), 200, nil); err != nil {
			t.Fatal(err)
		}
		return spikesOf(recs), slices.Clone(net.Population("exc").V), &net.pace, net.SynapticEvents()
	}
	refS, refV, _, refE := run(1, 1)
	for _, epoch := range []int{1, 3} {
		s, v, p, e := run(3, epoch)
		if !sameSpikes(s, refS) || !slices.Equal(v, refV) {
			t.Errorf("epoch %d: a paced run on 3 workers differs from 1 worker", epoch)
		}
		if e != refE {
			t.Errorf("epoch %d: %d synaptic events on 3 workers, %d on 1", epoch, e, refE)
		}
		if p.soloEpochs == 0 || p.parEpochs == 0 {
			t.Errorf("epoch %d: solo epochs %d, parallel %d: the run never switched", epoch, p.soloEpochs, p.parEpochs)
		}
	}
}

// TestPacerStall: a stall reported during a parallel epoch ends it at the
// next step; the pacer then runs solo for paceProbeMax epochs (although
// parallel measured faster), probes parallel, and goes back to it when
// the probe is fast; a stall reported in a solo epoch changes nothing.
func TestPacerStall(t *testing.T) {
	p := newPacer(2)
	p.epoch, p.probe = 4, 8
	now := time.Unix(0, 0)
	par := 0
	run := func(steps int) (solo int) {
		for range steps {
			s := p.step(now)
			d := 10 * time.Microsecond // parallel twice as fast
			if s {
				d, solo = 20*time.Microsecond, solo+1
			} else {
				par++
			}
			now = now.Add(d)
		}
		return solo
	}
	run(200)
	if p.solo || p.parEpochs == 0 {
		t.Fatalf("parallel twice as fast: the pacer is solo (%d parallel epochs)", p.parEpochs)
	}
	p.stall()
	if s := p.step(now); !s {
		t.Fatal("the step after a stall runs in parallel")
	}
	now = now.Add(20 * time.Microsecond)
	if solo := run(paceProbeMax*4 - 8); solo != paceProbeMax*4-8 {
		t.Errorf("after a stall, %d of the next %d steps solo, want all", solo, paceProbeMax*4-8)
	}
	if solo := run(200); solo > 20 {
		t.Errorf("after the hold, %d of 200 steps solo: parallel not taken back", solo)
	}
	q := newPacer(2)
	q.stall() // solo: ignored
	if q.stalled {
		t.Error("a stall in a solo epoch was recorded")
	}
}
