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
// parallel next. Who runs a task never changes its result
// (network_pool.go), so the pacer cannot change spikes.

const (
	paceEpoch    = 64   // steps per measurement
	paceProbe    = 16   // epochs between probes of the mode not in use
	paceProbeMax = 256  // the longest interval between probes (epochs)
	paceGain     = 0.90 // parallel is kept while its step time is below paceGain × solo's
	paceFar      = 1.5  // a probed mode this much slower than the other doubles the interval
)

// pacer is the measured state of a Network's multi-core stepping. It
// outlives a Run (the network keeps it), so a later Run starts in the mode
// the last one found best.
type pacer struct {
	workers      int // the team's size it measured
	epoch, probe int // paceEpoch and paceProbe (tests shorten them)

	calls   int       // steps begun in the current epoch
	start   time.Time // when the current epoch's first step began
	solo    bool      // mode of the current epoch
	probing bool      // the current epoch probes the mode not in use
	every   int       // epochs between probes now, when more than probe (up to paceProbeMax)

	// ns per step of each mode, a running average over its epochs (0: not
	// measured yet)
	tSolo, tPar float64
	sinceProbe  int

	soloEpochs, parEpochs int // epochs measured in each mode

	// stalled: a member of a parallel epoch waited so long that it parked
	// (stall); the epoch ends at the next step. hold: solo epochs to run
	// before the next probe of parallel, after a stall.
	stalled bool
	hold    int
	keep    bool // tests and benchmarks: the mode never changes (KeepParallel)
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
	return p.calls == 0 || p.calls == p.epoch || p.probing || p.stalled
}

// stall reports that a member of the current parallel epoch waited for
// another long enough to park (peer steps: more than spinFor): on a
// shared machine, the other was descheduled. Such a stall costs a time
// slice of the other jobs, and a parallel epoch risks one on either vCPU
// (a solo one on one), far more than the few microseconds a step gains:
// the epoch ends at the next step, and the pacer stays solo for
// paceProbeMax epochs before it probes parallel again. On a machine
// without other jobs members rarely park, and the pacer works as before.
func (p *pacer) stall() {
	if !p.solo && !p.keep {
		p.stalled = true
	}
}

// step is called when a step begins, at time now; it returns whether the
// step runs solo.
func (p *pacer) step(now time.Time) bool {
	if p.stalled && p.calls > 0 {
		p.stalled = false
		p.hold = max(paceProbeMax, p.probe)
		p.record(float64(now.Sub(p.start)) / float64(p.calls))
		p.calls = 0
	}
	if p.calls == p.epoch || p.probing && p.calls > 0 && p.lost(now) {
		p.record(float64(now.Sub(p.start)) / float64(p.calls))
		p.calls = 0
	}
	if p.calls == 0 {
		p.start = now
	}
	p.calls++
	return p.solo
}

// lost reports whether the probe under way has taken longer than a whole
// epoch of the mode in use.
func (p *pacer) lost(now time.Time) bool {
	other := p.tSolo
	if p.solo {
		other = p.tPar
	}
	return other > 0 && float64(now.Sub(p.start)) > other*float64(p.epoch)
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
	if p.solo {
		p.tSolo = avg(p.tSolo)
		p.soloEpochs++
	} else {
		p.tPar = avg(p.tPar)
		p.parEpochs++
	}
	if p.probing {
		other := p.tPar
		if !p.solo {
			other = p.tSolo
		}
		if perStep > paceFar*other {
			p.every = min(2*max(p.every, p.probe), max(paceProbeMax, p.probe))
		} else {
			p.every = 0
		}
	}
	p.solo = p.next()
}

// next is the mode of the next epoch: solo until it is measured, then a
// probe of parallel, then the faster mode (parallel only when faster by
// paceGain), with a probe of the other mode every p.every epochs.
func (p *pacer) next() bool {
	p.probing = false
	switch {
	case p.tSolo == 0:
		return true
	case p.tPar == 0:
		p.probing = true
		return false
	}
	if p.hold > 0 {
		p.hold--
		p.sinceProbe = 0
		if p.hold == 0 {
			p.probing = true
			return false
		}
		return true
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
