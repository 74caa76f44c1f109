package brain

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Multi-core stepping.
//
// Run splits every population into contiguous segments, one per worker
// (populations too small to be worth splitting go whole to the least
// loaded worker), and gives each spike source to one worker. Worker w owns
// its segments for the whole Run: it delivers the previous step's spikes
// into its own neurons' synaptic variables (delay-ring slots included),
// drains the ring slots due now into them, integrates them and collects
// their spikes. One barrier per step then hands the spike lists to the
// calling goroutine, which joins them in index order, records, applies
// plasticity and current sources, and releases the next step.
//
// Nothing depends on how the work is split: neurons are independent within
// a step, every random stream is keyed by global ids, and each synaptic
// variable receives its additions in the same order (projections in
// creation order, presynaptic spikes ascending, steps in sequence) whoever
// performs them. Results are bit-identical for every worker count.

// parallelMinNeurons is the network size (neurons plus spike generators)
// from which Run uses every core by default. A step of a few thousand
// cells already takes several microseconds, well above the cost of one
// spinning barrier (about a microsecond).
const parallelMinNeurons = 2000

// minSegment is the smallest population segment worth a worker of its
// own; segment bounds are multiples of segAlign neurons so that two
// workers never write to the same 64-byte cache line of a state array.
const (
	minSegment = 512
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

// segment is the part [lo, hi) of population pop that one worker owns.
type segment struct {
	pop    int
	lo, hi int
	// buf[s&1] holds the ascending spikes of step s: while the workers
	// integrate step s, the spikes of step s−1 are still being delivered.
	buf    [2][]int32
	err    error        // Step error of the current step
	sc     *fullScratch // scratch of the general kernel (nil for LIF)
	groups []int        // indices into Network.groups of the rings into pop
	rings  []*ring      // rings into pop
}

// workerPlan is what one worker does each step.
type workerPlan struct {
	segs []*segment
	srcs []int // sources it emits
}

// plan lays the network out over w workers (called by Run when the worker
// count changes).
func (n *Network) plan(w int) {
	n.plans = make([]workerPlan, w)
	n.popSegs = make([][]*segment, len(n.pops))
	load := make([]int, w)
	least := func() int {
		k := 0
		for i := range load {
			if load[i] < load[k] {
				k = i
			}
		}
		return k
	}
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
		parts := 1
		if w > 1 && p.N >= 2*minSegment {
			parts = min(w, p.N/minSegment)
		}
		gs, rs := groupsOf(k)
		first := 0
		if parts == 1 {
			first = least()
		}
		for c := range parts {
			lo := p.N * c / parts / segAlign * segAlign
			hi := p.N * (c + 1) / parts / segAlign * segAlign
			if c == parts-1 {
				hi = p.N
			}
			s := &segment{pop: k, lo: lo, hi: hi, groups: gs, rings: rs,
				buf: [2][]int32{make([]int32, 0, hi-lo), make([]int32, 0, hi-lo)}}
			if !p.k.lif {
				s.sc = newFullScratch()
			}
			wk := (first + c) % w
			n.plans[wk].segs = append(n.plans[wk].segs, s)
			n.popSegs[k] = append(n.popSegs[k], s)
			load[wk] += hi - lo
		}
	}
	for k, s := range n.srcs {
		wk := least()
		n.plans[wk].srcs = append(n.plans[wk].srcs, k)
		load[wk] += s.Len() / 8 // a generator costs far less than a neuron
	}
	for _, r := range n.rings {
		r.setWorkers(w)
	}
	for k, p := range n.pops {
		if len(n.popSegs[k]) > 1 && cap(n.joined[k][0]) < p.N {
			n.joined[k] = [2][]int32{make([]int32, 0, p.N), make([]int32, 0, p.N)}
		}
	}
	n.planW = w
}

// work is worker w's share of step n.cur: deliver the spikes of the
// previous step (when pending) and drain the ring slots due now into its
// segments, integrate them, and emit its sources' spikes.
func (n *Network) work(w int) {
	pl := &n.plans[w]
	s := n.cur
	par := s & 1
	for _, seg := range pl.segs {
		lo, hi := uint32(seg.lo), uint32(seg.hi)
		if n.pending {
			for _, g := range seg.groups {
				for _, p := range n.groups[g] {
					p.deliverRange(s-1, n.preSpikes(p), lo, hi, w)
				}
			}
		}
		for _, r := range seg.rings {
			r.drainRange(s, seg.lo, seg.hi, w)
		}
		// The population's own chunking is bypassed: the network splits
		// the work.
		ch := chunk{lo: seg.lo, hi: seg.hi, spikes: seg.buf[par], sc: seg.sc}
		seg.buf[par], seg.err = n.pops[seg.pop].stepRange(&ch, s)
	}
	for _, k := range pl.srcs {
		n.srcBuf[k][par] = n.srcs[k].emit(s, n.srcBuf[k][par])
	}
}

// flush is worker w's share of delivering the spikes of step n.cur
// (the last step of a Run) into the rings.
func (n *Network) flush(w int) {
	for _, seg := range n.plans[w].segs {
		for _, g := range seg.groups {
			for _, p := range n.groups[g] {
				p.deliverRange(n.cur, n.preSpikes(p), uint32(seg.lo), uint32(seg.hi), w)
			}
		}
	}
}

// team is the set of goroutines of one Run: the caller (worker 0) and
// workers 1 … n−1, each bound to its own plan. A phase starts when the
// caller bumps gen and ends when every worker has counted itself done.
// Waiting spins for a short while (a step of a small network lasts only
// microseconds) and then sleeps on a channel, so an idle or oversubscribed
// machine does not burn cores.
type team struct {
	n    int
	task func(w int)
	stop bool

	gen  atomic.Uint64
	_    [56]byte
	done atomic.Int32
	_    [60]byte

	sleeping []padFlag // workers 1 … n−1 asleep (index w)
	wake     []chan struct{}
	// mainWait is the phase (gen) the caller sleeps on, 0 when it does not
	// sleep: a worker that finishes late, after the caller has moved on,
	// must not wake it for the wrong phase.
	mainWait atomic.Uint64
	mainWake chan struct{}
}

type padFlag struct {
	atomic.Bool
	_ [63]byte
}

// spinFor is how long a waiting goroutine spins before it sleeps.
const spinFor = 50 * time.Microsecond

func newTeam(n int) *team {
	t := &team{n: n, sleeping: make([]padFlag, n), wake: make([]chan struct{}, n), mainWake: make(chan struct{}, 1)}
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
		if t.stop {
			return
		}
		t.task(w)
		if t.done.Add(1) == int32(t.n-1) && t.mainWait.CompareAndSwap(seen, 0) {
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

// do runs f(0) … f(n−1), f(0) on the calling goroutine, and waits for all.
func (t *team) do(f func(w int)) {
	t.task = f
	t.done.Store(0)
	g := t.gen.Add(1)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
	f(0)
	want := int32(t.n - 1)
	if _, ok := spin(func() (struct{}, bool) { return struct{}{}, t.done.Load() == want }); ok {
		return
	}
	t.mainWait.Store(g)
	if t.done.Load() == want && t.mainWait.CompareAndSwap(g, 0) {
		return
	}
	<-t.mainWake // the last worker took mainWait: its token is on the way
}

// close stops the workers.
func (t *team) close() {
	t.stop = true
	t.gen.Add(1)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
}
