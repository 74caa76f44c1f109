package brain

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// Multi-core stepping.
//
// Run splits every large population into contiguous segments (a few per
// worker) and makes each segment, and each spike source, a task of the
// step. A task delivers the previous step's spikes into its own neurons'
// synaptic variables (delay-ring slots included), drains the ring slots
// due now into them, integrates them and collects their spikes; a source
// task emits the source's spikes. The workers claim the tasks of a step
// one at a time from a shared counter, so a worker that the operating
// system deschedules holds up at most the task it is in, and a late worker
// simply finds nothing left. When the step's tasks are done, the calling
// goroutine joins the spike lists in index order, records, applies
// plasticity and current sources, and releases the next step.
//
// Nothing depends on how the work is split or who does it: neurons are
// independent within a step, every random stream is keyed by global ids,
// and each synaptic variable receives its additions in the same order
// (projections in creation order, presynaptic spikes ascending, steps in
// sequence) whatever segment they belong to. Results are bit-identical for
// every worker count.

// parallelMinNeurons is the network size (neurons plus spike generators)
// from which Run uses every core by default. A step of a few thousand
// cells already takes several microseconds, well above the cost of one
// spinning barrier (about a microsecond).
const parallelMinNeurons = 2000

// segmentsPerWorker is how many segments a large population is cut into
// per worker (more balance the load, fewer cost less per spike), and
// minSegment the smallest segment; segment bounds are multiples of
// segAlign neurons so that two tasks never write to the same 64-byte
// cache line of a state array.
const (
	segmentsPerWorker = 2
	minSegment        = 256
	segAlign          = 8
)

// workers is the number of goroutines Run uses.
func (n *Network) workers() int {
	w := n.Workers
	if w == 0 {
		size := 0
		for _, p := range n.pops {
			size += p.N
		}
		for _, s := range n.srcs {
			size += s.Len()
		}
		if size < parallelMinNeurons {
			return 1
		}
		w = runtime.GOMAXPROCS(0)
	}
	return max(w, 1)
}

// segment is the part [lo, hi) of population pop that one task steps.
type segment struct {
	id     int // index among all segments (the ring flags' part)
	pop    int
	lo, hi int
	whole  bool // the segment is all of the cells this process owns
	// buf[s&1] holds the ascending spikes of step s: while the tasks
	// integrate step s, the spikes of step s−1 are still being delivered.
	buf    [2][]int32
	err    error        // Step error of the current step
	sc     *fullScratch // scratch of the general kernel (nil for LIF)
	groups []int        // indices into Network.groups of the rings into pop
	rings  []*ring      // rings into pop
}

// plan cuts the network into the tasks of a step for w workers (called by
// Run when the worker count changes).
func (n *Network) plan(w int) {
	n.segs = n.segs[:0]
	n.popSegs = make([][]*segment, len(n.pops))
	groupsOf := func(pop int) ([]int, []*ring) {
		var gs []int
		var rs []*ring
		for g, projs := range n.groups {
			if projs[0].ring.pop == pop {
				gs = append(gs, g)
				rs = append(rs, projs[0].ring)
			}
		}
		return gs, rs
	}
	for k, p := range n.pops {
		a, b := n.ownedRange(k) // [0, N) but in a distributed run
		parts := 1
		if w > 1 {
			parts = max(1, min(segmentsPerWorker*w, (b-a)/minSegment))
		}
		if a == b {
			parts = 0 // another rank owns every cell
		}
		gs, rs := groupsOf(k)
		cut := func(c int) int {
			if c == parts {
				return b
			}
			return max(a, (a+(b-a)*c/parts)/segAlign*segAlign)
		}
		for c := range parts {
			lo, hi := cut(c), cut(c+1)
			s := &segment{id: len(n.segs), pop: k, lo: lo, hi: hi, whole: lo == a && hi == b, groups: gs, rings: rs,
				buf: [2][]int32{make([]int32, 0, hi-lo), make([]int32, 0, hi-lo)}}
			s.sc = p.newScratch()
			n.segs = append(n.segs, s)
			n.popSegs[k] = append(n.popSegs[k], s)
		}
	}
	for _, r := range n.rings {
		r.setParts(len(n.segs))
	}
	for k, p := range n.pops {
		if len(n.popSegs[k]) > 1 && cap(n.joined[k][0]) < p.N {
			n.joined[k] = [2][]int32{make([]int32, 0, p.N), make([]int32, 0, p.N)}
		}
	}
	n.planW = w
}

// tasks is the number of tasks of a step: the segments, then the sources.
func (n *Network) tasks() int { return len(n.segs) + len(n.srcs) }

// work is task k of step n.cur: for a segment, deliver the spikes of the
// previous step (when pending) and drain the ring slots due now into it,
// then integrate it; for a source, emit its spikes.
func (n *Network) work(k int) {
	s := n.cur
	par := s & 1
	if k >= len(n.segs) {
		k -= len(n.segs)
		n.srcBuf[k][par] = n.srcs[k].Emit(s, n.srcBuf[k][par])
		return
	}
	seg := n.segs[k]
	if n.pending {
		n.deliverInto(seg, s-1, false)
	}
	for _, r := range seg.rings {
		r.drainRange(s, seg.lo, seg.hi, seg.id)
	}
	// The population's own chunking is bypassed: the network splits the
	// work.
	ch := chunk{lo: seg.lo, hi: seg.hi, spikes: seg.buf[par], sc: seg.sc}
	seg.buf[par], seg.err = n.pops[seg.pop].stepRange(&ch, s)
}

// deliverInto delivers the spikes of step s into segment seg's cells,
// through the plastic projections or through the static ones.
func (n *Network) deliverInto(seg *segment, s int64, plastic bool) {
	lo, hi := uint32(seg.lo), uint32(seg.hi)
	if seg.whole {
		lo, hi = 0, noUpper // the rows hold no other targets
	}
	for _, g := range seg.groups {
		for _, p := range n.groups[g] {
			if (p.rule != nil) == plastic {
				p.deliverRange(s, n.preSpikes(p), lo, hi, seg.id)
			}
		}
	}
}

// flush is task k of delivering the spikes of step n.cur (the last step of
// a Run) through the static projections.
func (n *Network) flush(k int) {
	if k < len(n.segs) {
		n.deliverInto(n.segs[k], n.cur, false)
	}
}

// deliverPlastic is task k of delivering the spikes of step n.cur through
// the plastic projections, before plasticity changes their weights.
func (n *Network) deliverPlastic(k int) {
	n.deliverInto(n.segs[k], n.cur, true)
}

// team is the set of goroutines of one Run: the caller and n−1 workers.
// A phase runs tasks funcs[fn](0) … funcs[fn](count−1). All of the
// phase's state is one word, ticket (phase tag, fn, count and the next
// task), so that a goroutine claims a task with one compare-and-swap and
// can never mix two phases up; finished counts the phase's finished tasks
// (tag in the high 32 bits). Every member claims tasks until none is left;
// the caller returns when all are finished, whoever ran them, so a worker
// that the operating system deschedules holds up at most the task it is
// in. Waiting spins for a short while (a step of a small network lasts
// only microseconds) and then sleeps on a channel, so an idle or
// oversubscribed machine does not burn cores.
type team struct {
	n     int
	stop  atomic.Bool
	funcs [4]func(int)

	gen      atomic.Uint64 // the current phase tag; workers wake when it changes
	_        [56]byte
	ticket   atomic.Uint64 // tag<<42 | fn<<40 | count<<20 | next
	_        [56]byte
	finished atomic.Uint64 // tag<<32 | finished tasks
	_        [56]byte

	sleeping []padFlag // workers 1 … n−1 asleep (index w)
	wake     []chan struct{}
	// mainWait is the phase tag the caller sleeps on, 0 when it does not
	// sleep: a worker that finishes late, after the caller has moved on,
	// must not wake it for the wrong phase.
	mainWait atomic.Uint64
	mainWake chan struct{}
	// pace decides per step whether the workers join in (nil: always);
	// solo is its decision for the current step.
	pace *pacer
	solo bool
	// panicked is the first panic of a task (re-raised by do in the
	// caller's goroutine, where Run recovers it).
	panicked atomic.Pointer[BugError]
}

const (
	taskBits = 20
	taskMask = 1<<taskBits - 1
	tagBits  = 22
	tagMask  = 1<<tagBits - 1
	// maxTasks bounds the tasks of one phase (segments plus sources).
	maxTasks = taskMask
)

type padFlag struct {
	atomic.Bool
	_ [63]byte
}

// spinFor is how long a waiting goroutine spins before it sleeps.
const spinFor = 50 * time.Microsecond

// newTeam starts n−1 workers for the phase functions funcs (at most 4).
func newTeam(n int, funcs ...func(int)) *team {
	t := &team{n: n, sleeping: make([]padFlag, n), wake: make([]chan struct{}, n), mainWake: make(chan struct{}, 1)}
	copy(t.funcs[:], funcs)
	for w := 1; w < n; w++ {
		t.wake[w] = make(chan struct{}, 1)
		go t.worker(w)
	}
	return t
}

func (t *team) worker(w int) {
	var seen uint64
	for {
		seen = t.waitGen(w, seen)
		if t.stop.Load() {
			return
		}
		t.claim()
	}
}

// claim runs tasks of the current phase until none is left.
func (t *team) claim() {
	for {
		tk := t.ticket.Load()
		count, k := tk>>taskBits&taskMask, tk&taskMask
		if k >= count {
			return
		}
		if !t.ticket.CompareAndSwap(tk, tk+1) {
			continue
		}
		t.run(int(tk>>(2*taskBits)&3), int(k))
		tag := tk >> (2*taskBits + 2)
		if t.finished.Add(1) == tag<<32|count && t.mainWait.CompareAndSwap(tag, 0) {
			t.mainWake <- struct{}{}
		}
	}
}

// waitGen waits until gen differs from seen and returns it. A token may
// arrive for a phase the worker already ran (the caller, slow in its wake
// loop, can find the flag the worker set for the next phase), so the
// generation is checked again after every wake-up.
func (t *team) waitGen(w int, seen uint64) uint64 {
	for {
		if g, ok := spin(func() (uint64, bool) { g := t.gen.Load(); return g, g != seen }); ok {
			return g
		}
		t.sleeping[w].Store(true)
		if g := t.gen.Load(); g != seen {
			if !t.sleeping[w].CompareAndSwap(true, false) {
				<-t.wake[w] // the caller took the flag: its token is on the way
			}
			return g
		}
		<-t.wake[w]
		if g := t.gen.Load(); g != seen {
			return g
		}
	}
}

// spin polls cond for up to spinFor.
func spin[T any](cond func() (T, bool)) (T, bool) {
	var start time.Time
	for i := 0; ; i++ {
		if v, ok := cond(); ok {
			return v, true
		}
		if i&255 == 255 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				var zero T
				return zero, false
			}
			runtime.Gosched()
		}
	}
}

// do runs funcs[fn](0) … funcs[fn](count−1) on the team and waits for all
// of them (count ≤ maxTasks). Phase 0 starts a step: the pace controller
// (pace.go's pacer, team.pace) times the steps and decides whether the
// workers join in.
func (t *team) do(fn, count int) {
	if fn == 0 && t.pace != nil {
		t.solo = t.pace.step(time.Now())
	}
	if count == 0 {
		return
	}
	defer func() {
		if b := t.panicked.Load(); b != nil {
			panic(b)
		}
	}()
	if t.solo || count == 1 {
		// Alone: the workers are not woken (they park after spinning
		// briefly), and nothing is shared.
		for k := range count {
			t.run(fn, k)
		}
		return
	}
	tag := (t.gen.Load() + 1) & tagMask
	if tag == 0 {
		tag = 1 // 0 means "not waiting" in mainWait
	}
	t.finished.Store(tag << 32)
	t.ticket.Store(tag<<(2*taskBits+2) | uint64(fn)<<(2*taskBits) | uint64(count)<<taskBits)
	t.gen.Store(tag)
	if count > 1 {
		for w := 1; w < t.n; w++ {
			if t.sleeping[w].CompareAndSwap(true, false) {
				t.wake[w] <- struct{}{}
			}
		}
	}
	t.claim()
	want := tag<<32 | uint64(count)
	if _, ok := spin(func() (struct{}, bool) { return struct{}{}, t.finished.Load() == want }); ok {
		return
	}
	t.mainWait.Store(tag)
	if t.finished.Load() == want && t.mainWait.CompareAndSwap(tag, 0) {
		return
	}
	<-t.mainWake // the last finisher took mainWait: its token is on the way
}

// run runs one task, recording a panic instead of crashing the process.
func (t *team) run(fn, k int) {
	defer func() {
		if r := recover(); r != nil {
			t.panicked.CompareAndSwap(nil, &BugError{Value: r, Stack: string(debug.Stack())})
		}
	}()
	t.funcs[fn](k)
}

// close stops the workers.
func (t *team) close() {
	t.stop.Store(true)
	t.gen.Add(1)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
}
