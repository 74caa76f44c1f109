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
		// (a probe of parallel after solo epochs runs epoch/4 warm-up
		// steps more: paceWarm)
		{"parallel a little slower", 25_000, 20_000, [2]float64{0.82, 0.95}},
		{"parallel barely faster (not worth a core)", 19_000, 20_000, [2]float64{0.82, 0.95}},
	} {
		p := newPacer(2)
		p.epoch, p.probe = 4, 8
		now := time.Unix(0, 0)
		solo := 0
		const steps = 4000
		for range steps {
			s := p.step(now, true)
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
	// probe ends once it has cost two solo epochs, so the probes take a few
	// per cent of the time.
	{
		p := newPacer(2)
		p.epoch, p.probe = 64, 8
		now := time.Unix(0, 0)
		var parTime, all time.Duration
		for range 20000 {
			d := 20 * time.Microsecond
			if !p.step(now, true) {
				d = 200 * time.Microsecond
				parTime += d
			}
			now = now.Add(d)
			all += d
		}
		if f := float64(parTime) / float64(all); f > 0.05 || p.parEpochs == 0 { // (0.03 before the probes after solo epochs were allowed two: lost)
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
		s := p.step(now, true)
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
	testAwaitWake = true // switch as soon as the workers are awake
	defer func() { testAwaitWake = false }()
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

// simTeam is a team of two on a simulated clock, as the pacer sees it
// (switcher): a worker that parks spinFor after its last parallel step or
// at the end of the spin it was woken for, and takes wake(k) to run again
// at its k-th wake-up.
type simTeam struct {
	now                *time.Time
	solo, hot          bool
	readyAt, spinUntil time.Time // running from readyAt until spinUntil (when not hot)
	wakes              int
	wake               func(k int) time.Duration
	free               func() bool // coresFree (nil: always)
	checks             int         // coresFree calls
}

func (s *simTeam) running() bool {
	return s.hot || !s.now.Before(s.readyAt) && s.now.Before(s.spinUntil)
}
func (s *simTeam) awake() bool   { return s.running() }
func (s *simTeam) warming() bool { return s.now.Before(s.readyAt) }
func (s *simTeam) coresFree() bool {
	s.checks++
	return s.free == nil || s.free()
}
func (s *simTeam) isSolo() bool { return s.solo }
func (s *simTeam) unpinCaller() {}
func (s *simTeam) warm(d time.Duration) {
	switch {
	case s.running():
	case s.now.Before(s.readyAt): // a wake-up under way
		s.spinUntil = s.readyAt.Add(d)
		return
	default:
		s.readyAt = s.now.Add(s.wake(s.wakes))
		s.wakes++
	}
	from := s.readyAt
	if s.spinUntil.After(from) {
		from = s.spinUntil
	}
	s.spinUntil = from.Add(d)
}
func (s *simTeam) setSolo(solo bool) {
	if solo && s.hot {
		s.readyAt, s.spinUntil = *s.now, s.now.Add(spinFor)
	}
	s.solo, s.hot = solo, !solo
}

// paceSim runs steps steps of a pacer with the default epochs on a
// simSteam whose worker wakes up in wake(k), a solo step taking soloNS and
// a parallel one parNS; stall(k), for the k-th parallel step, returns the
// time a member is descheduled in it (reported as a stall when more than
// spinFor). A parallel step whose worker is not running first waits for
// it to wake up, and reports a stall when that takes more than wakeGrace
// (the caller's take-over, network_peer.go). It returns the fraction of
// the steps run in parallel and the time against all steps solo.
func paceSim(steps int, wake func(k int) time.Duration, soloNS, parNS float64, stall func(k int) time.Duration) (par, time_ float64, p *pacer) {
	par, time_, p, _ = paceSimFree(steps, wake, soloNS, parNS, stall, nil)
	return par, time_, p
}

// paceSimFree is paceSim where free(now) tells whether other tasks leave
// the worker a CPU (switcher.coresFree).
func paceSimFree(steps int, wake func(k int) time.Duration, soloNS, parNS float64, stall func(k int) time.Duration, free func(time.Time) bool) (par, time_ float64, p *pacer, t *simTeam) {
	p = &pacer{}
	*p = newPacer(2)
	now := time.Unix(0, 0)
	t = &simTeam{now: &now, solo: true, wake: wake}
	if free != nil {
		t.free = func() bool { return free(now) }
	}
	clock := func() time.Time { return now }
	parSteps := 0
	for range steps {
		running, waking := t.running(), now.Before(t.readyAt)
		solo, changed := p.pace(t, clock, false, false)
		if solo {
			now = now.Add(time.Duration(soloNS))
			continue
		}
		if changed && !running {
			// A batch begins with the worker parked or still waking: the
			// step waits for it.
			w := t.readyAt.Sub(now)
			if !waking {
				w = wake(t.wakes)
				t.wakes++
			}
			now = now.Add(w)
			if w > wakeGrace {
				p.stall()
			}
		}
		d := time.Duration(parNS)
		if stall != nil {
			if s := stall(parSteps); s > 0 {
				d += s
				if s > spinFor {
					p.stall()
				}
			}
		}
		now = now.Add(d)
		parSteps++
	}
	return float64(parSteps) / float64(steps), float64(now.UnixNano()) / (float64(steps) * soloNS), p, t
}

// TestPacerWakeUp: the pacer does settle on parallel where parallel steps
// take 0.7 of a solo one, however long the worker takes to wake up (the
// first wake-up of a Run 300 µs, the later ones 10–170 µs, as measured on
// the machine of docs/benchmarks.md), in a Run of 10 000 steps as in
// `neuron bench`: the wake-up is spent in solo steps, not charged to
// parallel (before, the first probe of parallel took 54–278 µs per step,
// counted as a stall, and the workers were used in 1–2 of 156 epochs).
func TestPacerWakeUp(t *testing.T) {
	wake := func(k int) time.Duration {
		if k == 0 {
			return 300 * time.Microsecond
		}
		return time.Duration(10+(k*37)%161) * time.Microsecond
	}
	par, rel, p := paceSim(10_000, wake, 5000, 3500, nil)
	if par < 0.85 || rel > 0.8 {
		t.Errorf("parallel 0.7× solo: %.2f of the steps parallel, time %.2f of solo (%d parallel epochs, %d solo, %d stalls)", par, rel, p.parEpochs, p.soloEpochs, p.stalls)
	}
	if p.stalls > 0 || p.wakeSteps == 0 {
		t.Errorf("%d stalls, %d steps waiting for the worker: the wake-ups were charged to parallel", p.stalls, p.wakeSteps)
	}
	// Parallel no faster: the pacer stays solo but for its probes.
	if par, rel, _ := paceSim(10_000, wake, 5000, 5000, nil); par > 0.1 || rel > 1.02 {
		t.Errorf("parallel as fast as solo: %.2f of the steps parallel, time %.2f of solo", par, rel)
	}
}

// TestPacerBusy: while other tasks take the CPUs the worker would need
// (switcher.coresFree), the pacer does not wake it, and the Run costs what
// solo steps cost; it looks again every probe epochs and goes parallel
// once a CPU is free.
func TestPacerBusy(t *testing.T) {
	wake := func(int) time.Duration { return 50 * time.Microsecond }
	busy := func(time.Time) bool { return false }
	par, rel, p, team := paceSimFree(10_000, wake, 5000, 3500, nil, busy)
	if par != 0 || rel != 1 || team.wakes != 0 || p.busyTimes == 0 {
		t.Errorf("no CPU free: %.3f of the steps parallel, time %.3f of solo, %d wake-ups, put off %d times", par, rel, team.wakes, p.busyTimes)
	}
	if n := team.checks; n > 10_000/(paceEpoch*paceProbe)+2 {
		t.Errorf("no CPU free: looked %d times in 10 000 steps", n)
	}
	// Free after 25 ms (5000 solo steps).
	later := func(now time.Time) bool { return now.Sub(time.Unix(0, 0)) > 25*time.Millisecond }
	if par, _, _, _ := paceSimFree(10_000, wake, 5000, 3500, nil, later); par < 0.35 || par > 0.5 {
		t.Errorf("a CPU free after half of the Run: %.2f of the steps parallel", par)
	}
}

func TestParseRunnable(t *testing.T) {
	for in, want := range map[string]int{"0.52 0.58 0.59 3/120 4242\n": 3, "7.57 4.89 5.00 12/311 29029": 12, "1 2 3 /5 6": -1, "": -1, "1 2 3 4": -1} {
		if got := parseRunnable([]byte(in)); got != want {
			t.Errorf("parseRunnable(%q) = %d, want %d", in, got, want)
		}
	}
	if r := runnableTasks(); r == 0 {
		t.Errorf("runnableTasks() = 0: this test is running")
	}
}

// TestPacerStall: a stall ends its epoch at the next step and holds the
// pacer solo for a while. Rare stalls (a member preempted for 3 ms every
// 5000 parallel steps, as by jobs at the lowest priority) cost a short
// hold each; frequent ones (a member preempted in one parallel step of
// eight, as by a job at the same priority on one of two vCPUs) stall the
// first probe of parallel, and the next ones come paceProbeMax epochs
// apart, so that the Run is about as fast as solo. A stall reported in a
// solo epoch counts for nothing.
func TestPacerStall(t *testing.T) {
	wake := func(int) time.Duration { return 50 * time.Microsecond }
	rare := func(k int) time.Duration {
		if k%5000 == 4999 {
			return 3 * time.Millisecond
		}
		return 0
	}
	par, rel, p := paceSim(20_000, wake, 5000, 3500, rare)
	if par < 0.75 || rel > 0.9 || p.stalls == 0 {
		t.Errorf("rare stalls: %.2f of the steps parallel, time %.2f of solo, %d stalls", par, rel, p.stalls)
	}
	often := func(k int) time.Duration {
		if k%8 == 7 {
			return 3 * time.Millisecond
		}
		return 0
	}
	par, rel, p = paceSim(20_000, wake, 5000, 3500, often)
	if par > 0.03 || rel > 1.1 || p.stalls == 0 || p.stalls > 2 {
		t.Errorf("frequent stalls: %.3f of the steps parallel, time %.2f of solo, %d stalls", par, rel, p.stalls)
	}
	// The epoch ends at the step after the stall; the hold follows.
	q := newPacer(2)
	q.epoch, q.probe = 4, 8
	now := time.Unix(0, 0)
	for k := 0; q.solo || q.tPar == 0 || q.probing; k++ {
		d := 10 * time.Microsecond // parallel twice as fast
		if q.step(now, true) {
			d = 20 * time.Microsecond
		}
		now = now.Add(d)
		if k > 1000 {
			t.Fatal("the pacer never settled on parallel")
		}
	}
	q.step(now, true)
	q.stall()
	now = now.Add(2 * time.Millisecond)
	if !q.step(now, true) || q.stalls != 1 || q.calls != 1 || q.hold != q.probe-1 {
		t.Errorf("after a stall: solo %v, %d stalls, %d steps into the epoch, hold %d", q.solo, q.stalls, q.calls, q.hold)
	}
	r := newPacer(2)
	r.stall() // solo: ignored
	if r.stalled {
		t.Error("a stall in a solo epoch was recorded")
	}
}

// pacerColdSim runs a two-worker pacer for steps steps on a simulated
// clock: a solo step takes 5 µs, a parallel one 3.5 µs, but 40 µs more in
// the first cold steps of every parallel stretch that follows solo steps
// (the workers' caches cold), and 1 ms more in parallel step k when
// hiccup(k) (a member held up for less than peerOwnSpin: no stall is
// reported). It returns the fraction of steps run in parallel.
func pacerColdSim(steps, cold int, hiccup func(k int) bool) (float64, *pacer) {
	p := newPacer(2)
	now := time.Unix(0, 0)
	par, run := 0, 0 // parallel steps, and in the current stretch
	for range steps {
		if p.step(now, true) {
			run = 0
			now = now.Add(5 * time.Microsecond)
			continue
		}
		d := 3500 * time.Nanosecond
		if run < cold {
			d += 40 * time.Microsecond
		}
		if hiccup != nil && hiccup(par) {
			d += time.Millisecond
		}
		run++
		par++
		now = now.Add(d)
	}
	return float64(par) / float64(steps), &p
}

// TestPacerWarmUp: the first paceWarm steps of a parallel epoch after solo
// ones are not measured. Where the first 8 parallel steps after solo ones
// cost 40 µs more (on the machine of docs/benchmarks.md the first parallel
// epoch after solo ones took 8–15 µs per step against 3–4 after it, the
// workers' caches cold) and later ones 0.7 of a solo step, the pacer runs
// most of 10 000 steps in parallel; measured, those steps made every probe
// of parallel look twice as slow as solo, and the pacer stayed solo.
func TestPacerWarmUp(t *testing.T) {
	if par, p := pacerColdSim(10_000, 8, nil); par < 0.8 {
		t.Errorf("cold first steps: %.2f of the steps parallel (%d parallel epochs, %d solo)", par, p.parEpochs, p.soloEpochs)
	}
}

// TestPacerOutlier: a parallel epoch paceOutlier times slower than the
// average of the parallel epochs counts as a stall (a member held up for
// less than peerOwnSpin, which parks no one): the pacer holds solo for a
// while and goes back to parallel, instead of averaging it in (which kept
// a Run of 156 epochs solo from the 70th on, in a `neuron bench` child on
// the machine of docs/benchmarks.md). With a 1 ms hiccup every 3000
// parallel steps, most of 20 000 steps run in parallel.
func TestPacerOutlier(t *testing.T) {
	par, p := pacerColdSim(20_000, 8, func(k int) bool { return k%3000 == 2999 })
	if par < 0.75 || p.stalls == 0 {
		t.Errorf("hiccups: %.2f of the steps parallel, %d stalls", par, p.stalls)
	}
}
