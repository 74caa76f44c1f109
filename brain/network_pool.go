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
// Run cuts the network into tasks: contiguous pieces of the populations
// (segments, plan) and the spike sources. A task delivers the previous
// step's spikes into its own neurons' synaptic variables (delay-ring
// slots included), drains the ring slots due now into them, integrates
// them and collects their spikes; a source task emits the source's
// spikes. Each worker has a home share of the tasks, balanced by cost
// when the run is planned, and runs it every step, so that its cells stay
// in its core's cache; a worker whose share is done and still finds tasks
// of the others' left after a while takes them, so a worker that the
// operating system deschedules holds up the step only briefly, and a late
// worker simply finds nothing left. When the step's tasks are done, the
// calling goroutine joins the spike lists in index order, records,
// applies plasticity and current sources, and releases the next step.
// When the pacer (network_pace.go) finds the workers not worth their
// cost, the calling goroutine runs the steps alone, on the one-worker
// cut.
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

// minSegment is the smallest piece of a population a cut leaves (plan);
// cuts inside a population are multiples of segAlign neurons, so that two
// tasks never write to the same 64-byte cache line of a state array.
const (
	minSegment = 256
	segAlign   = 8
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
//
// Its first cache line holds what the task writes every step and the
// caller reads after it (the spikes and the error); the rest is read only
// during a Run, apart from inputEvents, which only the task touches. The
// struct is 256 bytes, so that the allocator puts every segment on whole
// cache lines of its own.
type segment struct {
	// buf[s&1] holds the ascending spikes of step s: while the tasks
	// integrate step s, the spikes of step s−1 are still being delivered.
	buf [2][]int32
	err error // Step error of the current step

	id     int // index among all segments (the ring flags' part)
	pop    int
	lo, hi int
	whole  bool            // the segment is all of the cells this process owns
	sc     *fullScratch    // scratch of the general kernel (nil for LIF)
	rings  []*ring         // rings into pop
	inputs []*poissonInput // Poisson inputs into pop
	// static and plastic are the projections into pop without and with a
	// plasticity rule, in delivery order (ring by ring, Network.groups).
	static, plastic []*Projection
	// inputEvents counts the events of the Poisson inputs into the
	// segment's cells (Network.SynapticEvents adds them up).
	inputEvents int64
	// rep is the worker's copy of the cells during peer steps (nil when
	// the segment has none; network_replica.go)
	rep *replica
	_   [32]byte
}

// plan cuts the network into the tasks of a step for w workers (called by
// Run when the worker count changes) and gives each member of the team
// (network_pool.go's team) its home share of them.
//
// The sources go first, largest first to the least loaded member (a
// source's cost is its generators plus the spikes it emits per step).
// Then the cells of all populations, taken in order as one sequence, are
// cut into w contiguous pieces that bring every member to the same load,
// so that each member steps whole populations where it can and at most
// w−1 populations are split. Every segment boundary inside a population
// is a boundary between two cores' cells, and costs at every step: the
// hardware prefetcher of the core whose cells end there reads on into
// the other's, and each step the other core must take those cache lines
// back before writing them. Splitting every population in w (as before)
// paid that at each population, and a search per spike row and delay
// group for each extra segment.
func (n *Network) plan(w int) {
	for _, pl := range n.plans {
		for _, seg := range pl.segs {
			n.events += seg.inputEvents
		}
	}
	n.plans[0] = n.cut(1, 0)
	n.plans[1] = taskPlan{}
	parts := len(n.plans[0].segs)
	if w > 1 {
		n.plans[1] = n.cut(w, parts)
		parts += len(n.plans[1].segs)
	}
	for _, r := range n.rings {
		r.setParts(parts)
	}
	for k, p := range n.pops {
		if len(n.plans[1].popSegs) > 0 && len(n.plans[1].popSegs[k]) > 1 && cap(n.joined[k][0]) < p.N {
			n.joined[k] = [2][]int32{make([]int32, 0, p.N), make([]int32, 0, p.N)}
		}
	}
	n.planW = w
	n.planInUse = -1
	n.peerKept = nil
	n.usePlan(w == 1)
}

// taskPlan is the tasks of a step for a team of w members: the segments
// (each population's in ascending order in popSegs), and the order of the
// tasks (segments, then sources, by index) member by member, member m's
// being order[bounds[m]:bounds[m+1]].
type taskPlan struct {
	w       int
	segs    []*segment
	popSegs [][]*segment
	order   []int
	bounds  []int
}

// usePlan makes the one-member plan (solo) or the team's the one that the
// steps use. A Run on several workers keeps both: when the pacer runs the
// steps on the calling goroutine alone, it steps every population whole,
// as a one-worker Run does, instead of the team's cut (which costs a
// search per spike row and delay group for every extra segment, and a
// task each). The delay rings' flags are kept per segment (part); at a
// switch every slot that any part marked is marked for all.
func (n *Network) usePlan(solo bool) {
	use := 1
	if solo && !n.keepSplit || n.plans[1].w == 0 {
		use = 0
	}
	if use == n.planInUse {
		return
	}
	n.planInUse = use
	pl := &n.plans[use]
	n.segs, n.popSegs, n.order, n.bounds = pl.segs, pl.popSegs, pl.order, pl.bounds
	for _, r := range n.rings {
		r.markAll()
	}
}

// cut builds the plan for w members, numbering its segments (their ring
// flags' parts) from id0.
func (n *Network) cut(w, id0 int) taskPlan {
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
	pl := taskPlan{w: w, popSegs: make([][]*segment, len(n.pops))}
	srcMember, cuts := n.shares(w)
	var member []int // member of each segment
	g0 := 0          // the population's first cell in the sequence of all cells
	for k, p := range n.pops {
		a, b := n.ownedRange(k) // [0, N) but in a distributed run
		static, plastic, rs := into(k)
		for m := range w {
			lo, hi := a+max(cuts[m]-g0, 0), a+min(cuts[m+1]-g0, b-a)
			if lo >= hi {
				continue
			}
			s := &segment{id: id0 + len(pl.segs), pop: k, lo: lo, hi: hi, whole: lo == a && hi == b, static: static, plastic: plastic, rings: rs,
				buf: [2][]int32{make([]int32, 0, hi-lo), make([]int32, 0, hi-lo)}}
			s.sc = p.newScratch()
			for _, in := range n.inputs {
				if in.pop == k {
					s.inputs = append(s.inputs, in)
				}
			}
			pl.segs = append(pl.segs, s)
			pl.popSegs[k] = append(pl.popSegs[k], s)
			member = append(member, m)
		}
		g0 += b - a
	}
	member = append(member, srcMember...)
	pl.bounds = []int{0}
	for m := range w {
		for k := range member {
			if member[k] == m {
				pl.order = append(pl.order, k)
			}
		}
		pl.bounds = append(pl.bounds, len(pl.order))
	}
	return pl
}

// shares returns the member of each source and the cuts of the sequence
// of all cells (populations in order, owned cells only): member m steps
// cells [cuts[m], cuts[m+1]). A cut inside a population lies on a
// multiple of segAlign cells, so that two members never write to the same
// 64-byte cache line of a state array, and is moved to the population's
// start or end when it would leave a piece smaller than minSegment there.
func (n *Network) shares(w int) (srcMember, cuts []int) {
	load := make([]int, w)
	srcMember = make([]int, len(n.srcs))
	cost := make([]int, len(n.srcs))
	byCost := make([]int, len(n.srcs))
	for k, src := range n.srcs {
		cost[k] = src.Len()
		if h, ok := src.(SpikesPerStepHint); ok {
			cost[k] += h.SpikesPerStep()
		}
		byCost[k] = k
	}
	slices.SortStableFunc(byCost, func(a, b int) int { return cmp.Compare(cost[b], cost[a]) })
	for _, k := range byCost {
		m := 0
		for j := range load {
			if load[j] < load[m] {
				m = j
			}
		}
		srcMember[k] = m
		load[m] += cost[k]
	}
	type span struct{ g0, a, b int } // a population's place in the sequence and its owned cells
	var pops []span
	cells := 0
	for k := range n.pops {
		a, b := n.ownedRange(k)
		pops = append(pops, span{cells, a, b})
		cells += b - a
	}
	// Member m's share of the cells brings it to the mean load, less what
	// its sources cost (never below 0).
	total := cells
	for _, l := range load {
		total += l
	}
	share := make([]int, w)
	sum := 0
	for m := range w {
		share[m] = max(0, total/w-load[m])
		sum += share[m]
	}
	cuts = make([]int, w+1)
	acc := 0
	for m := range w {
		acc += share[m]
		c := cells
		if sum > 0 && m < w-1 {
			c = int(int64(cells) * int64(acc) / int64(sum))
		}
		for _, p := range pops {
			if c <= p.g0 || c >= p.g0+p.b-p.a {
				continue
			}
			local := c - p.g0 // cells of the population before the cut
			switch {
			case local < minSegment:
				c = p.g0
			case p.b-p.a-local < minSegment:
				c = p.g0 + p.b - p.a
			default:
				c = p.g0 + (p.a+local)/segAlign*segAlign - p.a
			}
			break
		}
		cuts[m+1] = max(c, cuts[m])
	}
	cuts[w] = cells
	return srcMember, cuts
}

// tasks is the number of tasks of a step: the segments, then the sources.
func (n *Network) tasks() int { return len(n.segs) + len(n.srcs) }

// work runs task order[t] of step s = arg>>1 (stepArg): for a segment,
// deliver the spikes of the previous step (when arg&1 says they are
// pending), drain the ring slots due now and add the Poisson inputs'
// events into it, then integrate it; for a source, emit its spikes.
func (n *Network) work(t int, arg int64) {
	s := arg >> 1
	par := s & 1
	k := n.order[t]
	if k >= len(n.segs) {
		k -= len(n.segs)
		n.srcBuf[k][par] = n.srcs[k].Emit(s, n.srcBuf[k][par])
		return
	}
	seg := n.segs[k]
	if arg&1 != 0 {
		n.deliverInto(seg, s-1, false)
	}
	n.advance(seg, s)
}

// advance drains segment seg's ring slots due in step s, adds its Poisson
// inputs' events and integrates it, after the step's delivery (work, and
// the peer steps' peerStepAs). The population's own chunking is bypassed:
// the network splits the work.
func (n *Network) advance(seg *segment, s int64) {
	for _, r := range seg.rings {
		r.drainRange(s, seg.lo, seg.hi, seg.id)
	}
	par := s & 1
	if rep := seg.rep; rep != nil && rep.live {
		for j, in := range seg.inputs {
			seg.inputEvents += in.addRangeTo(rep.inputs[j], seg.lo, seg.hi, s)
		}
		seg.buf[par], seg.err = rep.step(seg, s)
		return
	}
	for _, in := range seg.inputs {
		seg.inputEvents += in.addRange(seg.lo, seg.hi, s)
	}
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

// flush runs task order[t] of delivering the spikes of step arg>>1 (the
// last step of a Run) through the static projections.
func (n *Network) flush(t int, arg int64) {
	if k := n.order[t]; k < len(n.segs) {
		n.deliverInto(n.segs[k], arg>>1, false)
	}
}

// deliverPlastic runs task order[t] of delivering the spikes of step
// arg>>1 through the plastic projections, before plasticity changes their
// weights.
func (n *Network) deliverPlastic(t int, arg int64) {
	if k := n.order[t]; k < len(n.segs) {
		n.deliverInto(n.segs[k], arg>>1, true)
	}
}

// stepArg is the argument of the phase functions: the current step and
// whether the previous step's spikes are still to be delivered. It travels
// with the phase (team.arg), so that the workers do not read it from the
// network, whose fields the caller writes during the step.
func (n *Network) stepArg() int64 {
	a := n.cur << 1
	if n.pending {
		a |= 1
	}
	return a
}

// team is the set of goroutines of one Run: the caller (member 0) and
// n−1 workers. A phase runs tasks funcs[fn](0, arg) … funcs[fn](count−1,
// arg).
//
// Each member has a home range of the phase's tasks (do's bounds), and
// each home range is one word, ranges[m] (phase tag, end and next task),
// so that a task is claimed with one compare-and-swap, two phases can
// never be mixed up, and members work on their own cache lines. A member
// runs its own range from the front; when it is empty it takes tasks from
// the back of the others' ranges. So on a machine where every member has
// a core, each member steps the same cells every step and their state
// stays in that core's cache (with one shared counter the tasks landed on
// either core at random, and every step moved about half of the network's
// state from one core's cache to the other: the second worker made steps
// slower, not faster); and a member that the operating system deschedules
// holds up at most the task it is in, since the others take the rest of
// its range. Each member counts the tasks it finished in its own word,
// done[m] (with the phase's number); the caller returns when they add up
// to the phase's count. Waiting spins for a short while (a step of a
// small network lasts only microseconds) and then sleeps on a channel, so
// an idle or oversubscribed machine does not burn cores.
//
// Every cache line that one core writes and the other then reads costs a
// transfer between the cores, 100–500 ns on the 2-vCPU machines measured
// (docs/benchmarks.md), several times the cost of a small network's step
// if there are many per step. So the phase (number, function, task count,
// argument and home ranges) is one line that the caller writes before it
// publishes the number, a member sets its home range word up itself on its
// first visit in a phase (the caller does not write it), and every word
// that a member writes during a phase is alone on its line.
type team struct {
	// The phase, one cache line: the caller writes live, fn, count, arg
	// and bounds, then gen. (Atomic, because a member that is late can
	// read them while the caller sets up the next phase; it then finds
	// nothing to claim, since live is no longer its phase.)
	gen    atomic.Uint64 // the current phase's number; workers wake when it changes
	fn     atomic.Int64  // its function
	count  atomic.Int64  // its tasks
	arg    atomic.Int64  // its argument
	bounds boundsPtr     // member m's home range is [bounds[m], bounds[m+1]); nil splits evenly
	// warmFor is how long a worker woken by warm spins (ns), warmCPU
	// the CPU it keeps off (the caller's, −1: none; network_cpus.go)
	warmFor, warmCPU atomic.Int64
	// live is the number of the last phase of tasks set up (open; peer
	// batches do not count): fn, count, arg and bounds are phase g's
	// while live is g, since the caller moves live on before it changes
	// them.
	live atomic.Uint64

	// Set up by newTeam (read only).
	n        int
	funcs    [4]func(int, int64)
	peer     func(t *team, member int) // runs a batch of peer steps (phase phasePeer)
	prewarm  func(t *team, member int) // a worker woken by warm runs it first (nil: nothing)
	ranges   []padWord                 // member m's home range: tag<<tagShift | end<<taskBits | next
	done     []padWord                 // tasks member m finished in phase g: g<<taskBits | count
	sleeping []padFlag                 // workers 1 … n−1 asleep (index w)
	ready    []padWord                 // worker w is awake after the wake-up of phase ready[w] (warm)
	cpus     *cpuSet                   // the CPUs the members are spread over (nil: they are not; network_cpus.go)
	// relaxers[m] is member m's schedule of yields while it is locked to
	// its thread; yielding: a member is yielding (network_cpus.go's relax)
	relaxers []relaxer
	yielding *padFlag
	clock    func() time.Time // relax's clock (relaxClock)
	// own: every member can have a CPU and a processor of the Go
	// scheduler of its own (a waiting member spins without yielding, and
	// a woken worker spins for as long as warm asks)
	own bool
	// loadBlind: coresFree does not look at the other tasks (benchmarks:
	// Network.loadBlind)
	loadBlind bool
	wake      []chan struct{}
	mainWake  chan struct{}
	stop      atomic.Bool
	// grace is how long a member waits before it takes another's tasks:
	// stealAfter, or 0 when the team has more members than the Go
	// scheduler has processors (the member waited for may need the
	// waiter's processor to run at all).
	grace time.Duration

	// mainWait is the phase the caller sleeps on, 0 when it does not
	// sleep: a worker that finishes late, after the caller has moved on,
	// must not wake it for the wrong phase. On a line that nothing else
	// writes during a Run: the workers read it after every task.
	mainWait atomic.Uint64
	_        [56]byte

	// The caller's own.
	// solo is the pacer's decision for the current step (Network.stepOnce):
	// the caller runs the tasks alone.
	solo bool
	// hot: the workers ran the last step (or were woken for the next);
	// warmGen: the phase number of the wake-up under way (warm), 0 when
	// none is.
	hot     bool
	warmGen uint64
	// pinned: the caller's thread is kept on CPU callerCPU, its own
	// affinity being saved (network_cpus.go)
	pinned    bool
	callerCPU int
	saved     cpuSet
	// panicked is the first panic of a task (re-raised by do in the
	// caller's goroutine, where Run recovers it).
	panicked bugPtr
	_        [24]byte // 576 bytes in all: whole cache lines (TestTeamLayout)
}

// A range word's tag is the phase number modulo tagMask, plus 1 (never
// 0, the value of a word no phase has set up). Every phase sets up every
// member's word, so a word's tag is never older than the last phase and
// the tags can wrap.
const (
	taskBits = 20
	taskMask = 1<<taskBits - 1
	tagBits  = 64 - 2*taskBits
	tagMask  = 1<<tagBits - 1
	tagShift = 2 * taskBits
	// maxTasks bounds the tasks of one phase (segments plus sources).
	maxTasks = taskMask
)

func rangeTag(g uint64) uint64 { return g%tagMask + 1 }

type padFlag struct {
	atomic.Bool
	_ [63]byte
}

// padWord is a word alone on its cache line.
type padWord struct {
	atomic.Uint64
	_ [56]byte
}

// spinFor is how long a waiting goroutine spins before it sleeps.
const spinFor = 50 * time.Microsecond

// newTeam starts n−1 workers for the phase functions funcs (at most 4).
func newTeam(n int, funcs ...func(int, int64)) *team {
	t := &team{n: n, sleeping: make([]padFlag, n), wake: make([]chan struct{}, n), ready: make([]padWord, n),
		ranges: make([]padWord, n), done: make([]padWord, n), mainWake: make(chan struct{}, 1),
		relaxers: make([]relaxer, n), yielding: new(padFlag), clock: relaxClock}
	if n <= runtime.GOMAXPROCS(0) {
		t.grace = stealAfter
	}
	t.own = n <= runtime.GOMAXPROCS(0) && n <= runtime.NumCPU()
	if t.own {
		t.cpus = pinnable(n)
	}
	t.warmCPU.Store(-1)
	copy(t.funcs[:], funcs)
	for w := 1; w < n; w++ {
		t.wake[w] = make(chan struct{}, 1)
		go t.worker(w)
	}
	return t
}

func (t *team) worker(w int) {
	pinnedOff := -2 // the CPU this worker's thread keeps off (network_cpus.go)
	if t.cpus != nil {
		runtime.LockOSThread() // for the worker's life: the thread ends with it
	}
	var seen uint64
	wait := spinFor
	for {
		seen = t.waitGen(w, seen, wait)
		if t.stop.Load() {
			return
		}
		wait = spinFor
		switch t.fn.Load() {
		case phasePeer:
			t.peer(t, w) // a batch of peer steps (network_peer.go)
		case phaseWarm:
			// Woken ahead of a parallel epoch (warm): say so, and wait
			// for its first step spinning, for as long as the caller
			// asked.
			wait = time.Duration(t.warmFor.Load())
			if c := int(t.warmCPU.Load()); t.cpus != nil && c != pinnedOff {
				t.pinWorker(c)
				pinnedOff = c
			}
			if t.prewarm != nil {
				t.prewarm(t, w) // e.g. the first touch of its replicas (network_peer.go)
			}
			t.ready[w].Store(seen)
		default:
			t.claim(w, seen)
		}
		t.relax(w)
	}
}

// Waking the workers before a parallel epoch.
//
// A worker that waited longer than spinFor parks, and the operating
// system may then halt its vCPU: on the 2-vCPU machine of
// docs/benchmarks.md the pacer's first probe of parallel in a Run of
// COBA 4000 took 54–278 µs per step against 4–5 µs solo (the wake-up, the
// worker's thread started too, and the first touch of its memory), i.e.
// tens of steps. Charged to the parallel epoch, that made the probes of
// parallel lose even where parallel steps took 0.7 of a solo one, and
// the workers were hardly ever used. So the switch to parallel goes in
// two parts: warm publishes a phase that only wakes the workers, and the
// caller goes on stepping alone, on the one-worker cut, as in a solo
// epoch; each worker, once running, says so (ready) and spins for as
// long as warm asked (pacer.warmFor); the parallel epoch begins at the
// first step at which awake finds every worker running, and the pacer's
// clock with it (network_pace.go). On a busy machine a worker may take
// milliseconds to get a vCPU: the steps meanwhile are solo steps, and
// cost what solo steps cost.

// warm wakes the workers for a parallel epoch and has them spin for up
// to d once running (the caller, while the tasks run solo: nothing else
// is published until awake). A wake-up under way is left alone, unless a
// worker answered it and has parked again since.
func (t *team) warm(d time.Duration) {
	if t.warmGen != 0 {
		again := false
		for w := 1; w < t.n; w++ {
			again = again || t.ready[w].Load() == t.warmGen && t.sleeping[w].Load()
		}
		if !again {
			return
		}
	}
	c := -1
	if t.cpus != nil {
		c = t.currentCallerCPU()
	}
	if !t.own {
		d = spinFor // a spinning member may hold a CPU another needs
	}
	g := t.gen.Load() + 1
	t.warmGen = g
	t.warmCPU.Store(int64(c))
	t.warmFor.Store(int64(d))
	t.fn.Store(phaseWarm)
	t.gen.Store(g)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
}

// testAwaitWake makes the caller wait after warm until the workers are
// running, and wake them even when other tasks take the CPUs (tests whose
// Runs are shorter than a wake-up on a busy machine and must switch
// modes).
var testAwaitWake bool

// awake reports whether the workers are running: they ran the last step,
// or every one of them has answered the wake-up under way (warm) and is
// still spinning.
func (t *team) awake() bool {
	if t.hot {
		return true
	}
	if t.warmGen == 0 {
		return false
	}
	for w := 1; w < t.n; w++ {
		if t.ready[w].Load() != t.warmGen || t.sleeping[w].Load() {
			return false
		}
	}
	return true
}

// warming reports whether a wake-up (warm) is under way.
func (t *team) warming() bool { return t.warmGen != 0 }

// isSolo is the mode of the last step.
func (t *team) isSolo() bool { return t.solo }

// setSolo records the mode of the next step: the workers are hot while
// the steps run in parallel, and a wake-up ends when they begin.
func (t *team) setSolo(solo bool) {
	t.solo = solo
	t.hot = !solo
	if !solo {
		if t.cpus != nil {
			t.pinCaller(int(t.warmCPU.Load()))
		}
		t.warmGen = 0
	}
}

// claim runs tasks of phase g: member me's own range from the front,
// then, if the phase has not ended stealAfter later, what is left of the
// others' ranges from the back.
func (t *team) claim(me int, g uint64) {
	tag := rangeTag(g)
	var finished uint64
	for r := range t.n {
		m := (me + r) % t.n
		if r == 1 && !t.stealing(g) {
			return
		}
		for {
			v := t.ranges[m].Load()
			if v>>tagShift != tag {
				// The range is not set up for this phase yet, or the
				// phase is over (this member is late). home reads the
				// phase's count and bounds: they are phase g's only if g
				// is still live once they are read. (The caller stores
				// the next phase's before its number: checking gen
				// instead let a late member set its range up for g with
				// the next phase's tasks and run them, and the caller ran
				// them again.)
				lo, hi := t.home(m)
				if t.live.Load() != g {
					return
				}
				t.ranges[m].CompareAndSwap(v, tag<<tagShift|uint64(hi)<<taskBits|uint64(lo))
				continue
			}
			end, next := v>>taskBits&taskMask, v&taskMask
			if next >= end {
				break
			}
			k, nv := next, v+1
			if r > 0 {
				k, nv = end-1, v-1<<taskBits
			}
			if !t.ranges[m].CompareAndSwap(v, nv) {
				continue
			}
			// The claim succeeded, so phase g is still running, and
			// cannot end before this task is counted.
			count := int(t.count.Load())
			t.run(int(t.fn.Load()), int(k), t.arg.Load())
			finished++
			t.done[me].Store(g<<taskBits | finished)
			if t.mainWait.Load() == g && t.complete(g, count) && t.mainWait.CompareAndSwap(g, 0) {
				t.mainWake <- struct{}{}
			}
		}
	}
}

// stealAfter is how long a member whose own range is done waits for the
// others to finish theirs before it takes their tasks. Taking a task moves
// its cells' state to the taker's cache, and back again at the next step:
// when the caller took the other member's last task as soon as its own
// were done, it did so in 20–60 % of CUBA 4000's steps (the worker starts
// later, woken through a cache line that crosses cores), and both paid for
// it. A member that the operating system deschedules still holds up the
// others for at most stealAfter plus the task it is in.
const stealAfter = 20 * time.Microsecond

// stealing waits until phase g has ended (false) or t.grace has passed
// (true).
func (t *team) stealing(g uint64) bool {
	var start time.Time
	for i := 0; ; i++ {
		if t.gen.Load() != g || t.complete(g, int(t.count.Load())) {
			return false
		}
		if t.grace == 0 {
			return true
		}
		if i&63 == 63 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > t.grace {
				return true
			}
		}
	}
}

// home is member m's home range of the current phase.
func (t *team) home(m int) (lo, hi int) {
	if b := t.bounds.Load(); b != nil {
		return (*b)[m], (*b)[m+1]
	}
	count := int(t.count.Load())
	return count * m / t.n, count * (m + 1) / t.n
}

// complete reports whether the members have finished count tasks of phase
// g.
func (t *team) complete(g uint64, count int) bool {
	sum := 0
	for m := range t.done {
		if v := t.done[m].Load(); v>>taskBits == g {
			sum += int(v & taskMask)
		}
	}
	return sum == count
}

// waitGen waits until gen differs from seen and returns it. A token may
// arrive for a phase the worker already ran (the caller, slow in its wake
// loop, can find the flag the worker set for the next phase), so the
// generation is checked again after every wake-up.
func (t *team) waitGen(w int, seen uint64, d time.Duration) uint64 {
	for {
		if g, ok := spin(d, !t.own, func() (uint64, bool) { g := t.gen.Load(); return g, g != seen }); ok {
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

// spin polls cond for up to d. It keeps its processor (runtime.Gosched
// would put the goroutine on the global run queue, from which the other
// team member's processor may take it, and the two could swap cores, each
// then stepping cells whose state sits in the other core's cache), unless
// yield is set (the team has more members than the Go scheduler has
// processors or the machine CPUs, so a member waited for may need this
// one): it then yields now and then after spinQuiet polls. Yielding cost
// more than it saved where members have processors of their own: on the
// 2-vCPU machine of docs/benchmarks.md, with the members' threads on
// CPUs of their own (network_cpus.go: a goroutine locked to its thread
// yields through two thread switches), the caller's first exchange of a
// batch of COBA 4000 peer steps took 60–80 µs with it in one trace and
// 12–18 µs without in the next (the worker began its part after 10–20).
func spin[T any](d time.Duration, yield bool, cond func() (T, bool)) (T, bool) {
	var start time.Time
	for i := 0; ; i++ {
		if v, ok := cond(); ok {
			return v, true
		}
		if i >= spinQuiet && i&255 == 255 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > d {
				var zero T
				return zero, false
			}
			if yield {
				runtime.Gosched()
			}
		}
	}
}

// spinQuiet is how many polls spin makes before it first yields (a few
// microseconds).
const spinQuiet = 4096

// do runs funcs[fn](0, arg) … funcs[fn](count−1, arg) on the team and
// waits for all of them (count ≤ maxTasks). Member m's home range is
// [bounds[m], bounds[m+1]) (bounds has n+1 entries from 0 to count; nil
// splits evenly; it must not change while the team runs).
func (t *team) do(fn, count int, bounds *[]int, arg int64) {
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
			t.run(fn, k, arg)
		}
		return
	}
	t.finish(t.open(fn, count, bounds, arg), count)
}

// open sets the next phase up, g, without publishing it, and returns g.
// live moves on to g first: a member late for an earlier phase that reads
// the parameters stored after it then finds its phase no longer live.
func (t *team) open(fn, count int, bounds *[]int, arg int64) uint64 {
	g := t.gen.Load() + 1
	t.live.Store(g)
	t.fn.Store(int64(fn))
	t.count.Store(int64(count))
	t.arg.Store(arg)
	t.bounds.Store(bounds)
	return g
}

// finish publishes phase g (open) of count tasks, runs its tasks with the
// members and waits for all of them.
func (t *team) finish(g uint64, count int) {
	t.gen.Store(g)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
	t.claim(0, g)
	if _, ok := spin(spinFor, !t.own, func() (struct{}, bool) { return struct{}{}, t.complete(g, count) }); ok {
		return
	}
	t.mainWait.Store(g)
	if t.complete(g, count) && t.mainWait.CompareAndSwap(g, 0) {
		return
	}
	<-t.mainWake // the last finisher took mainWait: its token is on the way
}

// run runs one task, recording a panic instead of crashing the process.
func (t *team) run(fn, k int, arg int64) {
	defer func() {
		if r := recover(); r != nil {
			t.panicked.CompareAndSwap(nil, &BugError{Value: r, Stack: string(debug.Stack())})
		}
	}()
	t.funcs[fn](k, arg)
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
