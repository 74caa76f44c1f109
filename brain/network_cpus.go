package brain

import (
	"math/bits"
	"runtime"
	"sync/atomic"
	"time"
)

// Members of a team on CPUs of their own.
//
// Two members that the operating system runs on one CPU take turns
// instead of working at the same time, and every step waits for a time
// slice. On the 2-vCPU machine of docs/benchmarks.md this was the usual
// case while other processes ran, even at the lowest priority: the
// kernel (booted with sched_vcpu_pack=15, which packs tasks onto few
// vCPUs) put the woken worker on the caller's vCPU, in every one of the
// Runs sampled (getcpu), and it took the worker milliseconds to answer a
// wake-up that then found the caller descheduled. So while a Run steps
// in parallel each member's thread is kept off the others' CPUs: the
// caller's thread (locked to its goroutine) may run only on the CPU it
// was on when it woke the workers, every worker's on any CPU the process
// may use but that one (set by the worker when it wakes). This is done only where the process may use at least as
// many CPUs as the team has members and the team has a processor of the
// Go scheduler for each member; the caller's thread gets its own
// affinity back, and its goroutine is unlocked, when the pacer settles on
// solo steps and when the Run ends. A worker's thread ends with the
// worker (its goroutine exits locked to it), so no thread with a changed
// affinity outlives a Run.

// cpuSet is a set of CPUs as the kernel's affinity calls take it (CPUs
// 0–1023).
type cpuSet [16]uint64

func (s *cpuSet) has(c int) bool { return c >= 0 && c < 1024 && s[c/64]&(1<<(c%64)) != 0 }
func (s *cpuSet) add(c int)      { s[c/64] |= 1 << (c % 64) }
func (s *cpuSet) remove(c int)   { s[c/64] &^= 1 << (c % 64) }

func (s *cpuSet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// first is the lowest CPU in s, or −1 when s is empty.
func (s *cpuSet) first() int {
	for k, w := range s {
		if w != 0 {
			return 64*k + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// pinnable returns the CPUs the members of a team of n may be spread
// over (those the calling thread may use), or nil when they are not
// spread: fewer CPUs than members, or not known.
func pinnable(n int) *cpuSet {
	s, ok := threadCPUs()
	if !ok || s.count() < n {
		return nil
	}
	return &s
}

// currentCallerCPU is the CPU the caller's thread runs on (a CPU of t.cpus), the
// one it keeps to while pinned.
func (t *team) currentCallerCPU() int {
	if t.pinned {
		return t.callerCPU
	}
	c := currentCPU()
	if !t.cpus.has(c) {
		c = t.cpus.first()
	}
	return c
}

// pinCaller keeps the caller's thread, locked to the caller's goroutine,
// on CPU c (the one the workers were told to keep off: warm), from the
// first parallel step on. Pinned no earlier: a wake-up can take
// milliseconds on a busy machine, and the solo steps meanwhile may run
// on any CPU.
func (t *team) pinCaller(c int) {
	if t.pinned {
		return
	}
	if !t.cpus.has(c) {
		c = t.currentCallerCPU()
	}
	// A new time slice of the Go scheduler before the goroutine is
	// locked (relax): it may have run for milliseconds already.
	runtime.Gosched()
	runtime.LockOSThread()
	saved, ok := threadCPUs()
	var one cpuSet
	one.add(c)
	if !ok || !setThreadCPUs(&one) {
		runtime.UnlockOSThread()
		return
	}
	t.pinned, t.saved, t.callerCPU = true, saved, c
	t.relaxers[0].next = time.Time{}
}

// unpinCaller gives the caller's thread its affinity back and unlocks it.
func (t *team) unpinCaller() {
	if !t.pinned {
		return
	}
	setThreadCPUs(&t.saved)
	runtime.UnlockOSThread()
	t.pinned = false
}

// pinWorker keeps worker's thread off the CPU c of the caller (worker,
// with its goroutine locked to the thread; c < 0: nothing to avoid).
func (t *team) pinWorker(c int) {
	s := *t.cpus
	if c >= 0 {
		s.remove(c)
	}
	if s.count() > 0 {
		setThreadCPUs(&s)
	}
}

// parseRunnable reads the running tasks from the text of /proc/loadavg
// ("0.52 0.58 0.59 3/120 4242": 3), or returns −1.
func parseRunnable(b []byte) int {
	field, n, digits := 0, 0, 0
	for _, c := range b {
		switch {
		case c == ' ':
			field++
		case field == 3 && c >= '0' && c <= '9':
			n, digits = 10*n+int(c-'0'), digits+1
		case field == 3 && c == '/':
			if digits == 0 {
				return -1
			}
			return n
		case field > 3:
			return -1
		}
	}
	return -1
}

// coresFree reports whether the workers would find CPUs free now: the
// caller and the other tasks running or waiting for a CPU on the machine
// leave a CPU idle for each worker (of at most as many workers as the
// process may use CPUs, less one; true when unknown). Checked before the workers are woken from solo steps: on the
// 2-vCPU machine of docs/benchmarks.md, with two jobs of other users
// running (even at the lowest priority), parallel epochs stalled every
// few hundred steps for 1–7 ms each, and two workers were slower than one.
func (t *team) coresFree() bool {
	if testAwaitWake || t.loadBlind {
		return true
	}
	return t.freeWith(runnableTasks())
}

// freeWith is coresFree with r tasks running (−1: unknown).
func (t *team) freeWith(r int) bool {
	if r < 0 {
		return true
	}
	cpus := runtime.NumCPU()
	if t.cpus != nil {
		cpus = t.cpus.count()
	}
	return cpus-r >= min(t.n, cpus)-1 // r counts the caller
}

// Yielding before the Go scheduler preempts.
//
// The Go runtime's monitor thread preempts a goroutine that has run for
// 10 ms without being scheduled anew, whether or not anything else waits
// to run. For a goroutine that is not locked to its thread that costs a
// microsecond or two: it goes to the run queue and its thread takes it
// straight back. For a member of a team, locked to its thread with the
// thread's CPUs set (above), it costs two thread switches: the thread
// hands its processor of the Go scheduler to another thread, which finds
// the goroutine, hands the processor back and wakes the locked thread. On
// the 2-vCPU machine of docs/benchmarks.md that took 0.1–1.5 ms with
// nothing else running (the other thread woken on a vCPU that a member
// spins on), and the other member, waiting for this one's step, parked:
// a stall every 10 ms of parallel steps, which the pacer answers with
// solo epochs (network_pace.go), so that two workers were little faster
// than one in a Run of 1 s. So a member locked to its thread yields on
// its own schedule, every relaxEvery (relax): it unlocks its goroutine,
// yields (its thread takes it back, as for any goroutine) and locks it
// again. One member at a time (yielding), so that the two cannot swap
// threads; should the goroutine come back on another thread all the
// same (another processor was idle), that thread gets the member's
// CPUs and the one it left its CPUs back.

// relaxEvery is how often a member locked to its thread yields: well
// within the 10 ms after which the Go runtime preempts (the runtime's
// monitor looks at most every 10 ms, so a goroutine runs 10–20 ms before
// it is preempted).
const relaxEvery = 4 * time.Millisecond

// relaxClock is the clock of the teams' relax, read by newTeam (tests
// replace it).
var relaxClock = time.Now

// relaxer is a member's schedule of yields (one cache line, written by
// the member alone).
type relaxer struct {
	calls  int          // relax's calls (every relaxCheck-th reads the clock)
	next   time.Time    // the next yield is due then (zero: start counting)
	yields atomic.Int32 // yields made (tests)
	moves  atomic.Int32 // yields after which the goroutine ran on another thread (tests)
	_      [24]byte
}

// relaxCheck: relax reads the clock at every relaxCheck-th call (a call
// per step or phase, which take microseconds).
const relaxCheck = 8

// relax is called by member m (0: the caller) between its steps or tasks:
// when the member is locked to its thread with the thread's CPUs set and
// relaxEvery has passed since its last yield, it yields (see above).
func (t *team) relax(m int) {
	r := &t.relaxers[m]
	if r.calls++; r.calls%relaxCheck != 0 || t.cpus == nil || m == 0 && !t.pinned {
		return
	}
	now := t.clock()
	if r.next.IsZero() {
		r.next = now.Add(relaxEvery)
		return
	}
	if now.Before(r.next) || !t.yielding.CompareAndSwap(false, true) {
		return // not due, or the other member yields: again at the next check
	}
	r.next = now.Add(relaxEvery)
	r.yields.Add(1)
	tid := threadID()
	runtime.UnlockOSThread()
	runtime.Gosched()
	runtime.LockOSThread()
	if to := threadID(); to != tid {
		r.moves.Add(1)
		t.moved(m, tid)
	}
	t.yielding.Store(false)
}

// moved gives the thread that member m runs on now the member's CPUs,
// and thread old, which it left, its CPUs back (the caller's saved
// affinity, or the team's CPUs for a worker's thread).
func (t *team) moved(m, old int) {
	if m == 0 {
		var one cpuSet
		one.add(t.callerCPU)
		setThreadCPUs(&one)
		setThreadCPUsOf(old, &t.saved)
		return
	}
	t.pinWorker(int(t.warmCPU.Load()))
	setThreadCPUsOf(old, t.cpus)
}
