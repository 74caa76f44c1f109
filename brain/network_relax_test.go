//go:build linux

package brain

import (
	"context"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// fakeRelaxClock makes relax's clock move on by step at every reading
// (from any goroutine) and returns a function that restores the clock.
func fakeRelaxClock(step time.Duration) func() {
	var ticks atomic.Int64
	base := time.Now()
	relaxClock = func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * step) }
	return func() { relaxClock = time.Now }
}

// TestRelaxYields: while a Run steps in parallel with its members locked
// to threads of their own CPUs (network_cpus.go), every member yields on
// its own schedule (relax), so that the Go runtime never preempts it
// (which costs a locked goroutine two thread switches, and the other
// member a stall): on a simulated clock that moves 1 ms per reading, both
// the caller and the worker yield, one at a time, and come back locked to
// their threads; spikes are those of one worker, and the caller's thread
// has its affinity back after the Run.
func TestRelaxYields(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	before := twoCPUs(t)
	net1, recs1 := peerNetwork(t, 1200, true, false)
	want := runPeer(t, net1, recs1, 1, 0, false, 40)
	runtime.GOMAXPROCS(2) // runPeer set 1

	defer fakeRelaxClock(time.Millisecond)()
	runtime.LockOSThread() // the same thread before and after
	defer runtime.UnlockOSThread()
	net, recs := peerNetwork(t, 1200, true, false)
	var tm *team
	KeepParallel(net, 2)
	must0(t, net.Run(context.Background(), 40, func(Progress) { tm = net.team }))
	if tm == nil {
		t.Fatal("no team")
	}
	got := spikesOf(recs)
	if !reflect.DeepEqual(got, want.spikes) {
		t.Errorf("spikes differ from one worker's: %d against %d", len(got), len(want.spikes))
	}
	if net.peerStepsRun == 0 {
		t.Error("no peer steps")
	}
	// 400 steps, a clock reading every relaxCheck steps per member, 1 ms
	// per reading by either member: each is due every few readings.
	for m := range tm.relaxers {
		if tm.relaxers[m].yields.Load() == 0 {
			t.Errorf("member %d never yielded", m)
		}
	}
	if after, _ := threadCPUs(); after != before {
		t.Errorf("the caller's thread may run on %d CPUs after the Run, %d before", after.count(), before.count())
	}
}

// TestRelaxSchedule: relax reads the clock at every relaxCheck-th call
// only, starts counting at its first reading, yields once relaxEvery has
// passed, and not while the other member yields; a caller that is not
// pinned, and a team whose members are not spread over CPUs, never
// yield.
func TestRelaxSchedule(t *testing.T) {
	var s cpuSet
	s.add(0)
	var now time.Time
	reads := 0
	tm := &team{n: 2, relaxers: make([]relaxer, 2), yielding: new(padFlag), cpus: &s,
		clock: func() time.Time { reads++; return now }}
	runtime.LockOSThread() // relax unlocks and locks again
	defer runtime.UnlockOSThread()
	calls := func(k int) {
		for range k {
			tm.relax(1)
		}
	}
	calls(relaxCheck - 1)
	if reads != 0 {
		t.Fatalf("%d clock readings in %d calls", reads, relaxCheck-1)
	}
	calls(1) // the first reading starts the count
	now = now.Add(relaxEvery - time.Microsecond)
	calls(relaxCheck)
	if r := &tm.relaxers[1]; reads != 2 || r.yields.Load() != 0 {
		t.Fatalf("%d readings, %d yields before relaxEvery", reads, r.yields.Load())
	}
	now = now.Add(time.Microsecond)
	tm.yielding.Store(true) // the other member yields
	calls(relaxCheck)
	if r := &tm.relaxers[1]; r.yields.Load() != 0 {
		t.Fatal("yielded while the other member did")
	}
	tm.yielding.Store(false)
	calls(relaxCheck)
	if r := &tm.relaxers[1]; r.yields.Load() != 1 || tm.yielding.Load() {
		t.Fatalf("%d yields, yielding %v, once due", r.yields.Load(), tm.yielding.Load())
	}
	calls(relaxCheck) // due again relaxEvery after the yield
	now = now.Add(relaxEvery)
	calls(relaxCheck)
	if r := &tm.relaxers[1]; r.yields.Load() != 2 {
		t.Fatalf("%d yields, want 2", r.yields.Load())
	}
	now = now.Add(time.Hour)
	calls(4 * relaxCheck) // the caller, not pinned
	for range 4 * relaxCheck {
		tm.relax(0)
	}
	if r := &tm.relaxers[0]; r.yields.Load() != 0 {
		t.Errorf("the caller yielded %d times unpinned", r.yields.Load())
	}
	tm.cpus = nil
	tm.relaxers[1].next = time.Time{}.Add(1)
	y := tm.relaxers[1].yields.Load()
	calls(4 * relaxCheck)
	if tm.relaxers[1].yields.Load() != y {
		t.Error("a worker not locked to its thread yielded")
	}
}

// threadCPUsOf is the CPUs thread tid may run on.
func threadCPUsOf(tid int) cpuSet {
	var s cpuSet
	syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, uintptr(tid), unsafe.Sizeof(s), uintptr(unsafe.Pointer(&s)))
	return s
}

// TestRelaxMoved: a member whose goroutine came back from a yield on
// another thread gives that thread its CPUs (the caller's one CPU, a
// worker's all but the caller's) and the thread it left its CPUs back.
func TestRelaxMoved(t *testing.T) {
	all := twoCPUs(t)
	c := all.first()
	var one cpuSet
	one.add(c)
	for m := range 2 {
		tm := &team{n: 2, cpus: &all, callerCPU: c, saved: all}
		tm.warmCPU.Store(int64(c))
		// The thread left: another goroutine's, with the member's CPUs.
		tids := make(chan int)
		var wg sync.WaitGroup
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if m == 0 {
				setThreadCPUs(&one)
			} else {
				tm.pinWorker(c)
			}
			tids <- threadID()
			<-tids
			setThreadCPUs(&all)
		})
		old := <-tids
		func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			defer setThreadCPUs(&all)
			tm.moved(m, old)
			now, _ := threadCPUs()
			want := one
			if m > 0 {
				want = all
				want.remove(c)
			}
			if now != want {
				t.Errorf("member %d: its new thread may run on %d CPUs, want %d", m, now.count(), want.count())
			}
			if s := threadCPUsOf(old); s != all {
				t.Errorf("member %d: the thread it left may run on %d CPUs, want %d", m, s.count(), all.count())
			}
		}()
		tids <- 0
		wg.Wait()
	}
}

// TestPeerSpin: in a batch of peer steps a member whose team has a CPU for
// each member waits for another's step spinning for peerOwnSpin before it
// parks, long enough for a parked member to wake up (0.15–0.25 ms on the
// machine of docs/benchmarks.md), so that one late step does not set the
// members waking each other step after step; others for spinFor.
func TestPeerSpin(t *testing.T) {
	if d := (&team{own: true}).peerSpin(); d != peerOwnSpin || d < 500*time.Microsecond {
		t.Errorf("own CPUs: spins %v, want peerOwnSpin (%v) of at least 0.5 ms", d, peerOwnSpin)
	}
	if d := (&team{}).peerSpin(); d != spinFor {
		t.Errorf("shared CPUs: spins %v, want spinFor", d)
	}
}
