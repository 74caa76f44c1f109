package brain

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"unsafe"
)

// TestTeamLayout: the team's phase line, the workers' read-only part, the
// line of mainWait and the caller's own part each begin a cache line, and
// the struct fills whole lines, so that what one core writes during a
// phase never shares a line with what the other reads.
func TestTeamLayout(t *testing.T) {
	var tm team
	for _, c := range []struct {
		name string
		off  uintptr
	}{{"n (read only)", unsafe.Offsetof(tm.n)}, {"mainWait", unsafe.Offsetof(tm.mainWait)},
		{"solo (the caller's)", unsafe.Offsetof(tm.solo)}, {"size", unsafe.Sizeof(tm)}} {
		if c.off%64 != 0 {
			t.Errorf("team: %s at byte %d, not on a cache line boundary", c.name, c.off)
		}
	}
}

// TestTeamRunsEveryTaskOnce drives the worker team through many short
// phases with more goroutines than cores (so that workers sleep, wake late
// and race the caller's wake-up loop and each other's claims), and in
// half the rounds more than the Go scheduler's processors, with even and
// uneven home ranges: every task of every phase must run exactly once,
// with the phase's function and argument, before the phase returns.
func TestTeamRunsEveryTaskOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	var ran [2][64]atomic.Int32
	work := func(f int) func(int, int64) {
		return func(k int, arg int64) {
			if arg != int64(f)+7 {
				panic("wrong phase argument")
			}
			ran[f][k].Add(1)
			for i := 0; i < 300*(k%5); i++ { // uneven work
				ran[f][63].Add(0)
			}
		}
	}
	for round := range 8 {
		// Odd rounds have fewer processors than members: no member waits
		// before it takes another's tasks.
		runtime.GOMAXPROCS(8 - 6*(round%2))
		tm := newTeam(8, work(0), work(1))
		if (tm.grace == 0) != (round%2 == 1) {
			t.Fatalf("round %d: grace %v with GOMAXPROCS %d", round, tm.grace, runtime.GOMAXPROCS(0))
		}
		for ph := range 2000 {
			f, count := ph%2, 1+(ph*7)%40
			var bounds *[]int
			if ph%3 == 0 { // uneven home ranges, some empty
				b := make([]int, 9)
				for m := range b {
					b[m] = count * m * m / 64
				}
				bounds = &b
			}
			tm.do(f, count, bounds, int64(f)+7)
			for k := range 64 {
				want := int32(0)
				if k < count {
					want = 1
				}
				if got := ran[f][k].Swap(0); got != want || ran[1-f][k].Load() != 0 {
					tm.close()
					t.Fatalf("round %d, phase %d: task %d of %d ran %d times", round, ph, k, count, got)
				}
			}
		}
		tm.close()
	}
}

// TestWorkersSplitPopulations: a network whose populations are split into
// segments (delays of several steps, STDP, Poisson and array sources,
// current sources, a dendritic population) gives bit-identical spikes,
// membrane potentials and weights with 1, 2, 3 and 5 workers, also when
// the run is cut into pieces with different worker counts.
func TestWorkersSplitPopulations(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	type result struct {
		spikes [][]int32
		v      []float64
		w      []float64
	}
	run := func(workers ...int) result {
		net, recs := richNetwork(t, 7, 2400)
		for _, w := range workers {
			runtime.GOMAXPROCS(w)
			net.Workers = w
			if err := net.Run(context.Background(), 240/float64(len(workers)), nil); err != nil {
				t.Fatal(err)
			}
		}
		var ws []float64
		for _, p := range net.Projections() {
			ws = p.Weights(ws[len(ws):])
		}
		return result{spikesOf(recs), slices.Clone(net.Population("exc").V), ws}
	}
	ref := run(1)
	if len(ref.spikes[0]) == 0 {
		t.Fatal("network is silent")
	}
	for _, ws := range [][]int{{2}, {3}, {5}, {3, 1, 2}} {
		got := run(ws...)
		if !sameSpikes(got.spikes, ref.spikes) {
			t.Errorf("workers %v: spikes differ from 1 worker", ws)
		}
		if !slices.Equal(got.v, ref.v) {
			t.Errorf("workers %v: membrane potentials differ from 1 worker", ws)
		}
		if !slices.Equal(got.w, ref.w) {
			t.Errorf("workers %v: weights differ from 1 worker", ws)
		}
	}
}

// TestParallelConnectivity: large FixedProbability and AllToAll
// projections, generated in parallel chunks, are the same with 1 and 3
// cores.
func TestParallelConnectivity(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	build := func(procs int) [][]uint32 {
		runtime.GOMAXPROCS(procs)
		// a 20 000-cell network with 2 % connectivity, as CUBA's
		net := NewNetwork(DefaultDT, 9)
		big := must(NewPopulation("big", 20000, Generic()))
		must(net.Connect(big, big, FixedProbability{P: 0.02}, SynapseSpec{Weight: Const(1)}))
		a := must(NewPopulation("a", 5000, Generic()))
		b := must(NewPopulation("b", 60, Generic()))
		must(net.Connect(a, b, AllToAll{}, SynapseSpec{Weight: Const(1)}))
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		var out [][]uint32
		for _, p := range net.Projections() {
			rows := make([]uint32, 0, 5001)
			for i := range p.Pre().N {
				lo, _ := p.Row(i)
				rows = append(rows, uint32(lo))
			}
			out = append(out, slices.Clone(p.Targets()), rows)
		}
		return out
	}
	one, three := build(1), build(3)
	for k := range one {
		if !slices.Equal(one[k], three[k]) {
			t.Errorf("array %d differs between 1 and 3 cores", k)
		}
	}
}

// TestLowerBoundFrom: the galloping search from a guess finds the first
// target ≥ x for every guess, on rows with repeats and gaps.
func TestLowerBoundFrom(t *testing.T) {
	r := NewStream(1, 99, 0)
	for range 300 {
		n := 1 + r.IntN(40)
		row := make([]uint32, n)
		for i := range row {
			row[i] = uint32(r.IntN(60))
		}
		slices.Sort(row)
		for x := uint32(0); x <= 61; x++ {
			want := lowerBound(row, 0, uint32(n), x)
			for m := uint32(0); m <= uint32(n); m++ {
				if got := lowerBoundFrom(row, 0, uint32(n), x, m); got != want {
					t.Fatalf("row %v, x %d, guess %d: got %d, want %d", row, x, m, got, want)
				}
			}
			a, b := clipRange(row, 0, uint32(n), x, x+7, 60)
			for k := range row {
				in := uint32(k) >= a && uint32(k) < b
				if in != (row[k] >= x && row[k] < x+7) {
					t.Fatalf("clipRange(%v, [%d, %d)) = [%d, %d)", row, x, x+7, a, b)
				}
			}
		}
	}
}

// BenchmarkTeamPhase measures one phase of the worker team with as many
// (empty) tasks as workers: the synchronisation cost a multi-core step
// pays once.
func BenchmarkTeamPhase(b *testing.B) {
	w := runtime.GOMAXPROCS(0)
	if w < 2 {
		b.Skip("needs GOMAXPROCS ≥ 2")
	}
	var sink atomic.Int64
	tm := newTeam(w, func(k int, _ int64) { sink.Add(int64(k)) })
	defer tm.close()
	b.ReportAllocs()
	for b.Loop() {
		tm.do(0, w, nil, 0)
	}
}

// TestLateMemberRunsNothing: a member that is late for phase g (it read
// g's number, then stalled) and reads the function, count and argument
// the caller has already stored for the next phase, before the caller
// publishes that phase's number, must run nothing. When its home range
// had not been set up in phase g (it was empty, or g was a batch of peer
// steps, which uses no ranges), it set the range up for g with the next
// phase's count and ran those tasks under g's tag, while the caller, once
// it had published the next phase, ran them again: a task twice,
// concurrently. That is the data race `go test -race` reported in the
// flush tasks at the end of a Run after peer steps (2 runs in 7 of the
// parallel-step tests on 60585f1), and there the last step's spikes were
// delivered twice. The interleaving is made by hand: one team, no worker
// goroutine (member 1 is played by this goroutine).
func TestLateMemberRunsNothing(t *testing.T) {
	for _, lateFor := range []string{"empty home range", "peer steps"} {
		var ran [2][8]int
		var runs []string
		work := func(f int) func(int, int64) {
			return func(k int, arg int64) {
				ran[f][k]++
				runs = append(runs, fmt.Sprintf("fn %d task %d arg %d", f, k, arg))
			}
		}
		tm := &team{n: 2, sleeping: make([]padFlag, 2), wake: make([]chan struct{}, 2),
			ranges: make([]padWord, 2), done: make([]padWord, 2), mainWake: make(chan struct{}, 1)}
		tm.funcs[0], tm.funcs[1] = work(0), work(1)
		// Phase g: member 1 has nothing to do in it, or it is a batch of
		// peer steps (the caller publishes the number, nothing else).
		if lateFor == "peer steps" {
			tm.fn.Store(phasePeer)
			tm.gen.Add(1)
		} else {
			tm.do(0, 4, &[]int{0, 4, 4}, 10)
			if ran[0] != [8]int{1, 1, 1, 1} {
				t.Fatalf("%s: phase %d: tasks ran %v times", lateFor, tm.gen.Load(), ran[0])
			}
		}
		g := tm.gen.Load()
		ran[0], runs = [8]int{}, runs[:0]
		// The caller sets the next phase up (do, before it publishes
		// the number) …
		next := tm.open(1, 6, nil, 20)
		// … when member 1, late for phase g, looks for its work.
		tm.claim(1, g)
		if len(runs) > 0 {
			t.Errorf("%s: a member late for phase %d ran %v", lateFor, g, runs)
		}
		// The next phase itself runs every task once.
		ran[1] = [8]int{}
		tm.finish(next, 6)
		if ran[1] != [8]int{1, 1, 1, 1, 1, 1} {
			t.Errorf("%s: phase %d: tasks ran %v times", lateFor, next, ran[1])
		}
	}
}

// TestRunRestoresAffinity: a Run that steps in parallel keeps its
// members on CPUs of their own (network_cpus.go) and gives the calling
// thread its affinity back when it ends, also when it ends in parallel
// mode.
func TestRunRestoresAffinity(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(2)
	before := twoCPUs(t)
	runtime.LockOSThread() // the same thread before and after
	defer runtime.UnlockOSThread()
	testAwaitWake = true
	defer func() { testAwaitWake = false }()
	net, _ := peerNetwork(t, 1200, false, false)
	net.Workers = 2
	net.pace = newPacer(2)
	net.pace.epoch, net.pace.probe = 4, 2
	pinned := false
	if err := net.Run(context.Background(), 30, func(Progress) {
		if net.team != nil && net.team.pinned {
			if s, _ := threadCPUs(); s.count() == 1 {
				pinned = true
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if net.pace.parEpochs == 0 || !pinned {
		t.Errorf("%d parallel epochs, caller seen pinned to one CPU: %v", net.pace.parEpochs, pinned)
	}
	if after, _ := threadCPUs(); after != before {
		t.Errorf("the caller's thread may run on %d CPUs after the Run, %d before", after.count(), before.count())
	}
}

// TestCoresFree: the workers are woken only while the machine's running
// tasks, the caller among them, leave a CPU for each worker that can have
// one: on 2 CPUs, a team of 2 or 3 with the caller alone running, not with
// one other task.
func TestCoresFree(t *testing.T) {
	two := cpuSet{}
	two.add(0)
	two.add(1)
	for _, c := range []struct {
		n, running int
		want       bool
	}{{2, 1, true}, {2, 2, false}, {3, 1, true}, {3, 2, false}} {
		tm := &team{n: c.n, cpus: &two}
		if got := tm.freeWith(c.running); got != c.want {
			t.Errorf("team of %d, %d running on 2 CPUs: free %v, want %v", c.n, c.running, got, c.want)
		}
	}
}

// twoCPUs returns the CPUs the calling thread may run on, and skips the
// test where thread affinity is not available or fewer than two CPUs are.
func twoCPUs(t *testing.T) cpuSet {
	t.Helper()
	s, ok := threadCPUs()
	if !ok || s.count() < 2 {
		t.Skip("needs thread affinity and two CPUs")
	}
	return s
}
