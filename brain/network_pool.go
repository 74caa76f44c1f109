package brain

import (
	"cmp"
	"runtime"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"
)

// Multi-core stepping.
//
// Run splits every large population into contiguous segments (one per
// worker) and makes each segment, and each spike source, a task of the
// step. A task delivers the previous step's spikes into its own neurons'
// synaptic variables (delay-ring slots included), drains the ring slots
// due now into them, integrates them and collects their spikes; a source
// task emits the source's spikes. Each worker has a home share of the
// tasks, balanced by cost (assign), and runs it every step, so that its
// cells stay in its core's cache; a worker that runs out takes the tasks
// left in the others' shares, so a worker that the operating system
// deschedules holds up at most the task it is in, and a late worker
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
// per worker, and minSegment the smallest segment; segment bounds are
// multiples of segAlign neurons so that two tasks never write to the same
// 64-byte cache line of a state array. One segment per worker: each
// segment costs a search per spike row and delay group to find its part
// of the row, and with every worker stepping its own segments (the team's
// home ranges) finer segments bought no balance worth that (CUBA 4000 on
// two cores, measured: 13–15 µs per step with one segment per worker
// against 17–18 µs with two).
const (
	segmentsPerWorker = 1
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
	err    error           // Step error of the current step
	sc     *fullScratch    // scratch of the general kernel (nil for LIF)
	rings  []*ring         // rings into pop
	inputs []*poissonInput // Poisson inputs into pop
	// static and plastic are the projections into pop without and with a
	// plasticity rule, in delivery order (ring by ring, Network.groups).
	static, plastic []*Projection
	// inputEvents counts the events of the Poisson inputs into the
	// segment's cells (Network.SynapticEvents adds them up).
	inputEvents int64
}

// plan cuts the network into the tasks of a step for w workers (called by
// Run when the worker count changes).
func (n *Network) plan(w int) {
	for _, seg := range n.segs {
		n.events += seg.inputEvents
	}
	n.segs = n.segs[:0]
	n.popSegs = make([][]*segment, len(n.pops))
	into := func(pop int) (static, plastic []*Projection, rs []*ring) {
		for _, projs := range n.groups {
			if projs[0].ring.pop != pop {
				continue
			}
			rs = append(rs, projs[0].ring)
			for _, p := range projs {
				if p.rule != nil {
					plastic = append(plastic, p)
				} else {
					static = append(static, p)
				}
			}
		}
		return static, plastic, rs
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
		static, plastic, rs := into(k)
		cut := func(c int) int {
			if c == parts {
				return b
			}
			return max(a, (a+(b-a)*c/parts)/segAlign*segAlign)
		}
		for c := range parts {
			lo, hi := cut(c), cut(c+1)
			s := &segment{id: len(n.segs), pop: k, lo: lo, hi: hi, whole: lo == a && hi == b, static: static, plastic: plastic, rings: rs,
				buf: [2][]int32{make([]int32, 0, hi-lo), make([]int32, 0, hi-lo)}}
			s.sc = p.newScratch()
			for _, in := range n.inputs {
				if in.pop == k {
					s.inputs = append(s.inputs, in)
				}
			}
			n.segs = append(n.segs, s)
			n.popSegs[k] = append(n.popSegs[k], s)
		}
	}
	n.assign(w)
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

// assign gives each of the w members of a team (network_pool.go's team)
// a home share of the tasks, balanced by their cost (the cells of a
// segment; the generators of a source plus the spikes it emits per step),
// largest first to the least loaded member, and lists the tasks member by
// member in n.order, each member's in ascending index order.
func (n *Network) assign(w int) {
	tasks := n.tasks()
	cost := make([]int, tasks)
	for k, seg := range n.segs {
		cost[k] = seg.hi - seg.lo
	}
	for k, src := range n.srcs {
		cost[len(n.segs)+k] = src.Len()
		if h, ok := src.(SpikesPerStepHint); ok {
			cost[len(n.segs)+k] += h.SpikesPerStep()
		}
	}
	byCost := make([]int, tasks)
	for k := range byCost {
		byCost[k] = k
	}
	slices.SortStableFunc(byCost, func(a, b int) int { return cmp.Compare(cost[b], cost[a]) })
	member := make([]int, tasks)
	load := make([]int, w)
	for _, k := range byCost {
		m := 0
		for j := range load {
			if load[j] < load[m] {
				m = j
			}
		}
		member[k] = m
		load[m] += cost[k]
	}
	n.order, n.bounds = n.order[:0], append(n.bounds[:0], 0)
	for m := range w {
		for k := range tasks {
			if member[k] == m {
				n.order = append(n.order, k)
			}
		}
		n.bounds = append(n.bounds, len(n.order))
	}
}

// tasks is the number of tasks of a step: the segments, then the sources.
func (n *Network) tasks() int { return len(n.segs) + len(n.srcs) }

// work runs task order[t] of step n.cur: for a segment, deliver the spikes
// of the previous step (when pending), drain the ring slots due now and
// add the Poisson inputs' events into it, then integrate it; for a
// source, emit its spikes.
func (n *Network) work(t int) {
	s := n.cur
	par := s & 1
	k := n.order[t]
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
	for _, in := range seg.inputs {
		seg.inputEvents += in.addRange(seg.lo, seg.hi, s)
	}
	// The population's own chunking is bypassed: the network splits the
	// work.
	ch := chunk{lo: seg.lo, hi: seg.hi, spikes: seg.buf[par], sc: seg.sc}
	seg.buf[par], seg.err = n.pops[seg.pop].stepRange(&ch, s)
}

// deliverInto delivers the spikes of step s into segment seg's cells,
// through the plastic projections or through the static ones.
func (n *Network) deliverInto(seg *segment, s int64, plastic bool) {
	projs := seg.static
	if plastic {
		projs = seg.plastic
	}
	if len(projs) == 0 {
		return
	}
	lo, hi := uint32(seg.lo), uint32(seg.hi)
	if seg.whole {
		lo, hi = 0, noUpper // the rows hold no other targets
	}
	for _, p := range projs {
		p.deliverRange(s, n.preSpikes(p), lo, hi, seg.id)
	}
}

// flush runs task order[t] of delivering the spikes of step n.cur (the
// last step of a Run) through the static projections.
func (n *Network) flush(t int) {
	if k := n.order[t]; k < len(n.segs) {
		n.deliverInto(n.segs[k], n.cur, false)
	}
}

// deliverPlastic runs task order[t] of delivering the spikes of step n.cur
// through the plastic projections, before plasticity changes their
// weights.
func (n *Network) deliverPlastic(t int) {
	if k := n.order[t]; k < len(n.segs) {
		n.deliverInto(n.segs[k], n.cur, true)
	}
}

// team is the set of goroutines of one Run: the caller (member 0) and
// n−1 workers. A phase runs tasks funcs[fn](0) … funcs[fn](count−1).
//
// Each member has a home range of the phase's tasks (do's bounds), and
// each home range is one word, ranges[m] (phase tag, fn, end and next
// task), so that a task is claimed with one compare-and-swap, two phases
// can never be mixed up, and members work on their own cache lines. A
// member runs its own range from the front; when it is empty it takes
// tasks from the back of the others' ranges. So on a machine where every
// member has a core, each member steps the same cells every step and
// their state stays in that core's cache (with one shared counter the
// tasks landed on either core at random, and every step moved about half
// of the network's state from one core's cache to the other: the second
// worker made steps slower, not faster); and a member that the operating
// system deschedules holds up at most the task it is in, since the others
// take the rest of its range. finished counts the phase's finished tasks
// (tag in the high 32 bits); the caller returns when all are finished,
// whoever ran them. Waiting spins for a short while (a step of a small
// network lasts only microseconds) and then sleeps on a channel, so an
// idle or oversubscribed machine does not burn cores.
type team struct {
	n     int
	stop  atomic.Bool
	funcs [4]func(int)

	gen      atomic.Uint64 // the current phase tag; workers wake when it changes
	_        [56]byte
	ranges   []rangeWord   // member m's home range: tag<<42 | fn<<40 | end<<20 | next
	finished atomic.Uint64 // tag<<32 | finished tasks
	_        [56]byte
	count    uint64 // tasks of the current phase (read after a claim)

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
	tagShift = 2*taskBits + 2
	// maxTasks bounds the tasks of one phase (segments plus sources).
	maxTasks = taskMask
)

type padFlag struct {
	atomic.Bool
	_ [63]byte
}

// rangeWord is a member's home range, alone on its cache line.
type rangeWord struct {
	atomic.Uint64
	_ [56]byte
}

// spinFor is how long a waiting goroutine spins before it sleeps.
const spinFor = 50 * time.Microsecond

// newTeam starts n−1 workers for the phase functions funcs (at most 4).
func newTeam(n int, funcs ...func(int)) *team {
	t := &team{n: n, sleeping: make([]padFlag, n), wake: make([]chan struct{}, n),
		ranges: make([]rangeWord, n), mainWake: make(chan struct{}, 1)}
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
		t.claim(w, seen)
	}
}

// claim runs tasks of phase tag, first member me's own range from the
// front, then the others' from the back, until none is left.
func (t *team) claim(me int, tag uint64) {
	for r := range t.n {
		m := (me + r) % t.n
		for {
			v := t.ranges[m].Load()
			end, next := v>>taskBits&taskMask, v&taskMask
			if v>>tagShift != tag || next >= end {
				break
			}
			k, nv := next, v+1
			if r > 0 {
				k, nv = end-1, v-1<<taskBits
			}
			if !t.ranges[m].CompareAndSwap(v, nv) {
				continue
			}
			t.run(int(v>>(2*taskBits)&3), int(k))
			count := t.count // read before the phase can end
			if t.finished.Add(1) == tag<<32|count && t.mainWait.CompareAndSwap(tag, 0) {
				t.mainWake <- struct{}{}
			}
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

// spin polls cond for up to spinFor. For the first spinQuiet polls it
// keeps its processor: runtime.Gosched would put the goroutine on the
// global run queue, from which the other team member's processor may take
// it, and the two could swap cores, each then stepping cells whose state
// sits in the other core's cache. A wait that lasts longer (more team
// members than processors, or a long serial part) yields now and then, so
// that a member waiting for a processor gets one.
func spin[T any](cond func() (T, bool)) (T, bool) {
	var start time.Time
	for i := 0; ; i++ {
		if v, ok := cond(); ok {
			return v, true
		}
		if i >= spinQuiet && i&255 == 255 {
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

// spinQuiet is how many polls spin makes before it first yields (a few
// microseconds).
const spinQuiet = 4096

// do runs funcs[fn](0) … funcs[fn](count−1) on the team and waits for all
// of them (count ≤ maxTasks). Member m's home range is [bounds[m],
// bounds[m+1]) (bounds has n+1 entries from 0 to count; nil splits evenly).
// Phase 0 starts a step: the pace controller (pace.go's pacer, team.pace)
// times the steps and decides whether the workers join in.
func (t *team) do(fn, count int, bounds []int) {
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
	t.count = uint64(count)
	t.finished.Store(tag << 32)
	for m := range t.n {
		lo, hi := count*m/t.n, count*(m+1)/t.n
		if bounds != nil {
			lo, hi = bounds[m], bounds[m+1]
		}
		t.ranges[m].Store(tag<<tagShift | uint64(fn)<<(2*taskBits) | uint64(hi)<<taskBits | uint64(lo))
	}
	t.gen.Store(tag)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
	t.claim(0, tag)
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
