package brain

import "time"

// A multi-core Run pays off only while the workers actually get cores. On
// a shared machine they may not: another process takes a core, a worker is
// descheduled in the middle of a task, and the step waits for it (or the
// worker spins on a core the caller needs). The pacer measures what the
// workers are worth instead of assuming it. It times the steps of a Run in
// epochs of paceEpoch steps, each epoch either with the workers (parallel)
// or with the caller alone (solo; the workers park), and keeps the mode
// whose recent epochs were faster per step, with parallel chosen only when it
// is faster by the factor paceGain (it costs up to a core more). Every
// paceProbe epochs it runs one epoch in the other mode, so a change in
// load is noticed within a few hundred steps; while the probes keep
// finding that mode far slower (by paceFar), the interval doubles up to
// paceProbeMax epochs, since each probe costs its extra time in full (on
// the 2-vCPU machine of docs/benchmarks.md a parallel CUBA 4000 step took
// twice a solo one when the cores were slow to exchange cache lines).
// A probe also ends as soon as it has taken longer than a whole epoch of
// the mode in use would (it cannot win any more): a parallel step whose
// worker shares the caller's vCPU, as one does on the machine above when
// other jobs run, takes ten times a solo one. A Run starts solo and probes
// parallel next; a parallel epoch begins only once the workers are
// running (step, and network_pool.go's warm), so the time they take to
// wake up is spent in solo steps and never counted as parallel step time.
// Who runs a task never changes its result (network_pool.go), so the
// pacer cannot change spikes.
//
// Before it wakes the workers from solo steps for a parallel epoch, the
// pacer asks whether the machine's other running tasks leave them CPUs
// (switcher.coresFree); if not, it holds solo for probe epochs and asks
// again (busy). On the 2-vCPU machine of docs/benchmarks.md two jobs of
// another user at the lowest priority were enough to make two workers
// slower than one: their time slices stalled the parallel epochs for
// 1–7 ms every few hundred steps.
//
// A stall (stall: a member waited so long for another that it parked)
// ends its epoch at once, and the pacer then runs solo for a while (hold):
// for paceProbeMax epochs after a stall in a probe of parallel (another
// process is using a core, and every probe would cost a time slice), else
// for probe epochs, twice as long for each stall that follows, back by
// half after each probe epochs of parallel without one. So where another
// process preempts a member now and then (jobs at the lowest priority on
// the machine above) a stall costs a few hundred solo steps, and where one
// takes a core (a job at the same priority) parallel is tried about once
// every paceProbeMax epochs.

const (
	paceEpoch    = 64   // steps per measurement
	paceProbe    = 16   // epochs between probes of the mode not in use
	paceProbeMax = 256  // the longest interval between probes (epochs)
	paceGain     = 0.90 // parallel is kept while its step time is below paceGain × solo's
	paceFar      = 1.5  // a probed mode this much slower than the other doubles the interval
	paceWarm     = 16   // steps of a parallel epoch after solo ones not measured (warm-up)
	paceOutlier  = 3.0  // a parallel epoch this much slower than their average counts as a stall
)

// pacer is the measured state of a Network's multi-core stepping. It
// outlives a Run (the network keeps it), so a later Run starts in the mode
// the last one found best.
type pacer struct {
	workers      int // the team's size it measured
	epoch, probe int // paceEpoch and paceProbe (tests shorten them)

	calls   int       // steps begun in the current epoch
	begin   time.Time // when the current epoch's first step began
	start   time.Time // when its first measured step began (after skip)
	solo    bool      // mode of the current epoch
	probing bool      // the current epoch probes the mode not in use
	every   int       // epochs between probes now, when more than probe (up to paceProbeMax)

	// ns per step of each mode, a running average over its epochs (0: not
	// measured yet)
	tSolo, tPar float64
	sinceProbe  int

	soloEpochs, parEpochs int // epochs measured in each mode
	// skip: the first skip steps of the current epoch are not measured
	// (paceWarm after solo epochs: the workers' caches are cold)
	skip int

	// stalled: a member of a parallel epoch waited so long that it parked
	// (stall); the epoch ends at the next step; stalls counts them
	// (tests). hold: solo epochs to run before parallel again; holdNext:
	// the hold after the next stall in a parallel epoch that is not a
	// probe (0: probe); calm: parallel epochs since the last stall or
	// halving of holdNext.
	stalled              bool
	stalls               int
	hold, holdNext, calm int
	keep                 bool // tests and benchmarks: the mode never changes (KeepParallel)

	// waking: the step just begun was to start a parallel epoch, but the
	// workers were not running (step); wakeSteps counts such steps (tests)
	waking    bool
	wakeSteps int
	busyTimes int // parallel epochs put off (busy; tests)
	// warmSolo: the current epoch probes solo while parallel is the mode
	// in use (the workers are kept running through it: warmFor)
	warmSolo bool
}

// The workers' wake-up (network_pool.go's warm) lasts from tens of
// microseconds on an idle machine to a time slice of another process
// (0.1–15 ms measured on the machine of docs/benchmarks.md while other
// jobs ran), and solo steps run meanwhile, so that it costs nothing but
// it delays the parallel epoch. A worker woken for the next parallel epoch spins
// until its first step comes, and through a probe of solo when parallel
// is the mode in use, so as not to be woken again after it.
const (
	warmMin = 200 * time.Microsecond // the shortest spin of a woken worker
	warmMax = 2 * time.Millisecond   // the longest
)

// warmFor is how long a woken worker should spin to span steps solo
// steps: twice their measured time, within [warmMin, warmMax].
func (p *pacer) warmFor(steps int) time.Duration {
	return min(max(time.Duration(2*float64(steps)*p.tSolo), warmMin), warmMax)
}

func newPacer(workers int) pacer {
	return pacer{workers: workers, epoch: paceEpoch, probe: paceProbe, solo: true}
}

// restart forgets a partly measured epoch (a new Run begins; the time
// between Runs is not step time).
func (p *pacer) restart() { p.calls = 0 }

// clockDue reports whether the next call of step needs the time (the
// first and last steps of an epoch, and every step of a probe; the others
// pass a zero time).
func (p *pacer) clockDue() bool {
	return p.calls == 0 || p.calls == p.skip || p.calls == p.epoch+p.skip || p.probing || p.stalled
}

// stall reports that a member of the current parallel epoch waited for
// another long enough to park (peer steps: more than spinFor): on a
// shared machine, the other was descheduled. Such a stall costs a time
// slice of the other jobs, and a parallel epoch risks one on either vCPU
// (a solo one on one), far more than the few microseconds a step gains:
// the epoch ends at the next step, and a hold of solo epochs follows.
func (p *pacer) stall() {
	if !p.solo && !p.keep {
		p.stalled = true
	}
}

// step is called when a step begins, at time now; awake reports whether
// the workers are running (network_pool.go's warm). It returns whether the
// step runs solo. The first step of a parallel epoch waits for the
// workers: while they are not running, the step runs solo, is not
// measured, and waking is set (the caller then wakes them); the epoch and
// its clock begin at the first step that finds them running.
func (p *pacer) step(now time.Time, awake bool) bool {
	solo := p.advance(now)
	p.waking = false
	if !solo && p.calls == 1 && !awake && !p.keep {
		p.calls = 0
		p.waking = true
		p.wakeSteps++
		return true
	}
	return solo
}

// busy puts off the parallel epoch that was to begin: other tasks would
// take the CPUs the workers need (switcher.coresFree). The pacer holds
// solo for probe epochs, after which it looks again.
func (p *pacer) busy() {
	p.waking, p.solo, p.probing = false, true, false
	p.hold = p.probe
	p.busyTimes++
}

// switcher is what the pacer needs of the team whose mode it sets
// (network_pool.go; a simulated one in tests).
type switcher interface {
	awake() bool          // the workers are running
	warming() bool        // they are being woken (warm)
	warm(d time.Duration) // wake them, and have them spin for up to d
	isSolo() bool         // the mode of the last step
	setSolo(solo bool)    // the mode of the next step
	unpinCaller()         // the caller's thread may run anywhere again (network_cpus.go)
	coresFree() bool      // other tasks leave the workers CPUs now (network_cpus.go)
}

// pace decides the mode of the next step for team t and sets it: the
// decision taken ahead by a batch of peer steps (ahead, aheadSolo), or
// step's at clock()'s time (read only when clockDue). It wakes the
// workers when a parallel epoch waits for them, and for a probe of solo
// while parallel is the mode in use, so that they are running when it
// ends. It returns the mode and whether it changed.
func (p *pacer) pace(t switcher, clock func() time.Time, ahead, aheadSolo bool) (solo, changed bool) {
	solo = aheadSolo
	if !ahead {
		var now time.Time
		if p.clockDue() {
			now = clock()
		}
		solo = p.step(now, t.awake())
	}
	switch {
	case p.waking && !t.awake() && !t.warming() && !t.coresFree():
		p.busy()
	case p.waking:
		t.warm(p.warmFor(1))
	case solo && !t.isSolo() && p.warmSolo:
		t.warm(p.warmFor(p.epoch))
	}
	if changed = solo != t.isSolo(); changed {
		t.setSolo(solo)
	}
	if solo && !p.waking && !p.warmSolo {
		t.unpinCaller() // solo for more than a probe
	}
	return solo, changed
}

// advance is step without the wait for the workers.
func (p *pacer) advance(now time.Time) bool {
	if p.stalled && p.calls > 0 {
		p.record(float64(now.Sub(p.start)) / float64(max(p.calls-p.skip, 1)))
		p.calls = 0
	}
	if p.calls == p.epoch+p.skip || p.probing && p.calls > 0 && p.lost(now) {
		if n := p.calls - p.skip; n > 0 {
			p.record(float64(now.Sub(p.start)) / float64(n))
		} else { // lost in its warm-up steps
			p.record(float64(now.Sub(p.begin)) / float64(p.calls))
		}
		p.calls = 0
	}
	if p.calls == 0 {
		p.begin = now
	}
	if p.calls == 0 || p.calls == p.skip {
		p.start = now // (again after the warm-up steps)
	}
	p.calls++
	return p.solo
}

// lost reports whether the probe under way has taken longer than a whole
// epoch of the mode in use (its warm-up steps included), or two after solo
// epochs (the workers' caches cold: paceWarm).
func (p *pacer) lost(now time.Time) bool {
	other := p.tSolo
	if p.solo {
		other = p.tPar
	}
	allow := p.epoch
	if p.skip > 0 {
		allow *= 2 // and as long again for the cold caches (paceWarm)
	}
	return other > 0 && float64(now.Sub(p.begin)) > other*float64(allow)
}

// record stores the time per step of the epoch just finished and picks the
// mode of the next one.
func (p *pacer) record(perStep float64) {
	// Averaged with the earlier epochs of the mode (weight ½ on the
	// newest): one epoch on a busy machine can be hit by a long
	// descheduling.
	avg := func(old float64) float64 {
		if old == 0 {
			return perStep
		}
		return (old + perStep) / 2
	}
	switch {
	case p.solo:
		p.tSolo = avg(p.tSolo)
		p.soloEpochs++
	case p.stalled || !p.probing && p.tPar > 0 && perStep > paceOutlier*p.tPar:
		// Not a step time: the hold decides how long parallel waits. (A
		// parallel epoch paceOutlier times slower than their average
		// was hit by a stall too short to park a member: peerOwnSpin.)
		p.stalls++
		p.parEpochs++
		longest := max(paceProbeMax, p.probe)
		if p.probing {
			p.hold = longest
		} else {
			p.hold = max(p.holdNext, p.probe)
			p.holdNext = min(2*p.hold, longest)
		}
		p.calm = 0
	default:
		p.tPar = avg(p.tPar)
		p.parEpochs++
		if p.calm++; p.calm >= p.probe {
			p.calm = 0
			p.holdNext = max(p.holdNext/2, p.probe)
		}
	}
	if p.probing {
		other := p.tPar
		if !p.solo {
			other = p.tSolo
		}
		switch {
		case p.stalled:
		case perStep > paceFar*other:
			p.every = min(2*max(p.every, p.probe), max(paceProbeMax, p.probe))
		default:
			p.every = 0
		}
	}
	p.stalled = false
	was := p.solo
	p.solo = p.next()
	p.warmSolo = p.solo && p.probing
	p.skip = 0
	if was && !p.solo {
		p.skip = min(paceWarm, p.epoch/4)
	}
}

// next is the mode of the next epoch: solo until it is measured, then a
// probe of parallel, then the faster mode (parallel only when faster by
// paceGain), with a probe of the other mode every p.every epochs.
func (p *pacer) next() bool {
	p.probing = false
	if p.hold > 0 && p.tSolo > 0 {
		p.hold--
		p.sinceProbe = 0
		return true
	}
	switch {
	case p.tSolo == 0:
		return true
	case p.tPar == 0:
		p.probing = true
		return false
	}
	best := !(p.tPar < paceGain*p.tSolo)
	p.sinceProbe++
	if p.sinceProbe >= max(p.every, p.probe) {
		p.sinceProbe = 0
		p.probing = true
		return !best
	}
	return best
}
