package brain

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// Peer steps: a multi-core Run with one exchange per step.
//
// In the general parallel step (network_pool.go) the calling goroutine
// releases a phase, the workers run their tasks and count them, and the
// caller joins the spike lists, records and releases the next step: on
// the 2-vCPU machine of docs/benchmarks.md about eight cache-line
// transfers in a row per step, each 0.1–2 µs, against 2–5 µs of work for
// the benchmark networks. A network that needs nothing central between
// two steps runs its parallel epochs as peer steps instead: every member
// (the caller is member 0) steps its home segments, publishes its spikes
// of step s with the step number on one cache line of its own (a
// mailbox), waits for the other members' mailboxes of step s, and goes on
// with step s+1, delivering everyone's spikes of step s into its own
// cells only (the segments' deliveries are target-partitioned already).
// So a step costs one transfer each way, the members' at the same time,
// and no member waits for a central phase. The caller also joins the
// lists, counts the synaptic events and records the spikes, after the
// exchange, while the others step on: spike recorders read only the
// lists, which stay untouched until the caller has published the next
// step.
//
// A network qualifies (peerable) when nothing but spike recording runs
// between steps: no spike sources, current sources, gap junctions or
// plastic projections, no distributed run, and no monitor other than the
// spike recorders of RecordSpikes. Poisson inputs (AddPoissonInput) and
// delays of several steps are fine. Every other network keeps the general
// step. A batch of peer steps ends where the pacer (network_pace.go)
// switches to solo, at a progress callback (which then runs while the
// workers wait) and when the context is cancelled, with the last step's
// spikes pending as after any step, so solo steps and peer batches mix
// freely.
//
// Results are those of one worker, bit for bit: a segment receives its
// additions in the same order (projections in creation order, for each
// the presynaptic population's spikes ascending, which the parts of a
// split population, delivered one after the other in cell order, are).

// mailbox is member m's published step: the step number and flags in seq,
// and, when they fit, the spikes of its segments (home order; n[j] of the
// j-th).
type mailbox struct {
	seq atomic.Uint64 // (s+1)<<boxShift | flags, stored last
	n   [boxSegs]uint8
	spk [boxSpikes]int32
}

const (
	boxSegs   = 4
	boxSpikes = 13 // 8 + 4 + 13·4 = 64 bytes: one cache line
	boxShift  = 3
	boxLast   = 1 // the caller ends the batch after this step
	boxErr    = 2 // a segment of the member failed (or panicked) in this step
	boxSpill  = 4 // the spikes did not fit: read the segments' buffers
)

// peerRun is the state of the peer steps of one Run (nil when the network
// does not qualify or runs on one worker).
type peerRun struct {
	team  *team
	n     int                       // members
	id0   int                       // the first segment id of the team's plan
	segs  [][]*segment              // per population: its segments in the team's plan
	boxes []*[2]mailbox             // per member, by step parity
	mem   []*peerMember             // per member
	owner []int                     // per segment of the team's plan (by index): its member
	slot  []int                     // per segment: its place among its member's segments
	sleep []padFlag                 // member m is parked waiting for a mailbox
	wake  []chan struct{}           // its wake-up
	start int64                     // the first step of the batch
	fn    func(t *team, member int) // the workers' side (team.peer)
	// warmFn is what a worker does when woken for a parallel epoch
	// (team.prewarm: touch)
	warmFn func(t *team, member int)
	// parked: the caller parked in the last exchange (a stall)
	parked bool
	// started[m]: worker m began the batch (1), or the caller took its
	// first step over (2) because it had not woken within wakeGrace
	started []padWord
	// active counts the workers inside a batch: a Run ends only when they
	// have left (stopPeers), so the next one can clear the mailboxes.
	active atomic.Int32
	// reps are the workers' replicas of their parts of split populations
	// (network_replica.go); useReps: the batch under way uses them
	reps    []*replica
	useReps bool
	// repBatches counts the replicas released after a batch that used
	// them (tests)
	repBatches int64
}

// peerSetUp returns the peer steps of a Run on team t: the last Run's,
// with their mailboxes cleared (a restored checkpoint can take the steps
// back), or new ones when the plan changed. (Run allocates a fixed amount
// when it starts; this keeps it small.)
func (n *Network) peerSetUp(t *team) *peerRun {
	pr := n.peerKept
	if pr == nil || pr.n != t.n {
		pr = n.keepPeerRun(t.n, false)
	}
	pr.team = t
	for _, b := range pr.boxes {
		b[0].seq.Store(0)
		b[1].seq.Store(0)
	}
	for m := range pr.sleep {
		pr.sleep[m].Store(false)
		select {
		case <-pr.wake[m]: // a token the last Run left
		default:
		}
	}
	return pr
}

// peerMember is what only member m writes during a batch.
// Its views and flags are written every step, so each is allocated in
// whole cache lines (padded), apart from every other member's.
type peerMember struct {
	own   []*segment  // its home segments, in order
	views [][][]int32 // per population: the spike lists of the step before (parts in cell order)
	flags []uint64    // per member: the flags of its mailbox of the step just exchanged
}

// lines rounds a count of elements of size bytes up so that they fill
// whole cache lines (the allocator then gives them lines of their own).
func lines(count, size int) int {
	per := 64 / gcd(64, size) // elements per whole number of lines
	return (max(count, 1) + per - 1) / per * per
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// peerable reports whether the network can run its parallel epochs as
// peer steps (see above).
func (n *Network) peerable() bool {
	if n.dist != nil || len(n.srcs) > 0 || len(n.injs) > 0 || len(n.gaps) > 0 || len(n.plastic) > 0 || n.noPeer {
		return false
	}
	for _, m := range n.monitors {
		if sm, ok := m.(spikeMonitor); !ok || sm.pop < 0 {
			return false
		}
	}
	return true
}

// keepPeerRun sets the peer steps up for w members and keeps them
// (peerKept) for the Runs to come; write: the replicas' memory is written
// now (newReplica).
func (n *Network) keepPeerRun(w int, write bool) *peerRun {
	pr := n.newPeerRun(w, write)
	pr.fn = func(t *team, m int) { n.peerWorker(pr, t, m) }
	pr.warmFn = pr.touch
	n.peerKept = pr
	return pr
}

// touch writes member m's replicas that were never written (worker m,
// woken for a parallel epoch: team.warm). It counts as being in a batch
// (active), so that a Run ends only once it is done, and does nothing
// once the team stops.
func (pr *peerRun) touch(t *team, m int) {
	pr.active.Add(1)
	defer pr.active.Add(-1)
	if t.stop.Load() {
		return
	}
	for _, seg := range pr.mem[m].own {
		if seg.rep != nil {
			seg.rep.touch()
		}
	}
}

// newPeerRun sets the peer steps up for the plan of w members (plans[1]).
func (n *Network) newPeerRun(w int, write bool) *peerRun {
	pl := &n.plans[1]
	pr := &peerRun{n: w, started: make([]padWord, w), id0: len(n.plans[0].segs), segs: pl.popSegs, owner: make([]int, len(pl.segs)), slot: make([]int, len(pl.segs)),
		sleep: make([]padFlag, w), wake: make([]chan struct{}, w)}
	// The replicas' memory, within the network's budget (a replica is a
	// speed-up, never needed; checkRunMemory counts them with the
	// recorders).
	spare := n.budget()
	for m := range w {
		pr.boxes = append(pr.boxes, new([2]mailbox))
		pm := &peerMember{views: make([][][]int32, len(n.pops), lines(len(n.pops), 24)),
			flags: make([]uint64, w, lines(w, 8))}
		for k := range n.pops {
			pm.views[k] = make([][]int32, 0, lines(len(pl.popSegs[k]), 24))
		}
		for _, t := range pl.order[pl.bounds[m]:pl.bounds[m+1]] {
			if t >= len(pl.segs) {
				continue // a source (peer steps have none)
			}
			seg := pl.segs[t]
			pr.owner[t], pr.slot[t] = m, len(pm.own)
			pm.own = append(pm.own, seg)
			if m > 0 {
				if seg.rep = n.newReplica(seg, spare, write); seg.rep != nil {
					pr.reps = append(pr.reps, seg.rep)
					spare -= seg.rep.bytes()
				}
			}
		}
		pr.mem = append(pr.mem, pm)
		pr.wake[m] = make(chan struct{}, 1)
	}
	for k, p := range n.pops {
		if cap(n.joined[k][0]) < p.N {
			n.joined[k] = [2][]int32{make([]int32, 0, p.N), make([]int32, 0, p.N)}
		}
	}
	return pr
}

// peerSteps runs up to limit steps from n.step as peer steps, the calling
// goroutine as member 0, and returns how many it ran. A batch ends early
// when done is closed or the pacer chooses solo for the next step (the
// decision is then in n.aheadSolo, n.pacedAhead set).
func (n *Network) peerSteps(limit int64, done <-chan struct{}) (int64, error) {
	pr := n.peer
	t := pr.team
	pr.start = n.step
	for m := range pr.n {
		pm := pr.mem[m]
		for k := range n.pops {
			v := pm.views[k][:0]
			if n.pending {
				v = append(v, n.popSpikes[k])
			}
			pm.views[k] = v
		}
	}
	pr.useReps = limit >= replicaMinBatch
	// Release the workers (they read the batch after the new phase
	// number, or after started: a worker late from the last batch).
	for m := range pr.started {
		pr.started[m].Store(0)
	}
	g := t.gen.Load() + 1
	t.fn.Store(phasePeer)
	t.gen.Store(g)
	for w := 1; w < t.n; w++ {
		if t.sleeping[w].CompareAndSwap(true, false) {
			t.wake[w] <- struct{}{}
		}
	}
	for i := int64(0); ; i++ {
		s := pr.start + i
		n.cur = s
		t.relax(0)
		bad := n.peerStep(pr, t, 0, s)
		last := i+1 == limit
		if !last && done != nil {
			select {
			case <-done:
				last = true
			default:
			}
		}
		if !last {
			// The pacer's decision for step s+1, taken before the
			// members are told whether the batch goes on.
			var now time.Time
			if n.pace.clockDue() {
				now = time.Now()
			}
			if n.pace.step(now, true) {
				last, n.pacedAhead, n.aheadSolo = true, true, true
			}
		}
		var flags uint64
		if i == 0 && pr.n == 2 {
			flags = n.peerFirstExchange(pr, t, s, last, bad)
			last = flags&boxLast != 0 // a take-over ends the batch
		} else {
			flags = n.peerExchange(pr, t, 0, s, last, bad)
		}
		if pr.parked {
			// A stall, unless it is the first step of the batch, which
			// also waits for the workers to wake up.
			pr.parked = false
			if i > 0 {
				n.pace.stall()
			}
		}
		n.pending = false
		if last || flags&boxErr != 0 {
			// The workers have left the batch: their cells go back.
			pr.release()
		}
		if flags&boxErr != 0 {
			if b := t.panicked.Load(); b != nil {
				panic(b)
			}
			return i, n.segmentError(s)
		}
		n.peerJoin(pr, s)
		n.countEvents()
		n.pending = true
		n.step++
		n.peerStepsRun++
		if err := n.observe(); err != nil {
			// Spike recorders do not fail; should one, the members have
			// stopped only if this was the last step.
			if last {
				return i + 1, err
			}
			panic(fmt.Errorf("brain: peer step %d: %w", s, err))
		}
		if last {
			return i + 1, nil
		}
	}
}

// peerWorker is member m's side of a batch on team t (team.worker calls
// it). It reads nothing of the network's that the caller changes after
// the Run (n.team, n.peer), since it may still be waiting when the Run
// ends.
func (n *Network) peerWorker(pr *peerRun, t *team, m int) {
	pr.active.Add(1)
	defer pr.active.Add(-1)
	if testWakeDelay > 0 {
		time.Sleep(testWakeDelay)
	}
	if !pr.started[m].CompareAndSwap(0, 1) {
		return // the caller took this batch's first step over
	}
	if pr.useReps {
		for _, seg := range pr.mem[m].own {
			if seg.rep != nil {
				seg.rep.activate()
			}
		}
	}
	for s := pr.start; ; s++ {
		t.relax(m)
		bad := n.peerStep(pr, t, m, s)
		flags := n.peerExchange(pr, t, m, s, false, bad)
		if flags&(boxErr|boxLast) != 0 || t.stop.Load() {
			return
		}
		n.peerViews(pr, m, s)
	}
}

// peerStep delivers the spikes of step s−1 (member m's views) into m's
// home segments, drains their ring slots, adds their Poisson inputs and
// integrates them; it reports whether a segment failed (seg.err) or the
// step panicked (team.panicked).
func (n *Network) peerStep(pr *peerRun, t *team, m int, s int64) (bad bool) {
	return n.peerStepAs(t, pr.mem[m].own, pr.mem[m].views, s)
}

// peerStepAs is peerStep for the segments own with the views of step s−1.
func (n *Network) peerStepAs(t *team, own []*segment, views [][][]int32, s int64) (bad bool) {
	defer func() {
		if r := recover(); r != nil {
			t.panicked.CompareAndSwap(nil, &BugError{Value: r, Stack: string(debug.Stack())})
			bad = true
		}
	}()
	for _, seg := range own {
		lo, hi := uint32(seg.lo), uint32(seg.hi)
		if seg.whole {
			lo, hi = 0, noUpper
		}
		for _, p := range seg.static {
			for _, part := range views[p.preIdx] {
				p.deliverRange(s-1, part, lo, hi, seg.id)
			}
		}
		n.advance(seg, s)
		bad = bad || seg.err != nil
	}
	return bad
}

// peerExchange publishes member m's step s and waits for the others'; it
// returns the flags of all members' mailboxes of step s, OR-ed.
func (n *Network) peerExchange(pr *peerRun, t *team, m int, s int64, last, bad bool) uint64 {
	pm := pr.mem[m]
	par := s & 1
	box := &pr.boxes[m][par]
	var flags uint64
	if last {
		flags |= boxLast
	}
	if bad {
		flags |= boxErr
	}
	if len(pm.own) > boxSegs {
		flags |= boxSpill
	} else {
		c := 0
		for j, seg := range pm.own {
			sp := seg.buf[par]
			if c+len(sp) > boxSpikes {
				flags |= boxSpill
				break
			}
			box.n[j] = uint8(len(sp))
			c += copy(box.spk[c:], sp)
		}
	}
	box.seq.Store(uint64(s+1)<<boxShift | flags)
	for o := range pr.n {
		if o != m && pr.sleep[o].CompareAndSwap(true, false) {
			pr.wake[o] <- struct{}{}
		}
	}
	all := flags
	for o := range pr.n {
		if o == m {
			continue
		}
		v := pr.wait(t, m, &pr.boxes[o][par].seq, uint64(s+1))
		pm.flags[o] = v
		all |= v
	}
	return all & (boxLast | boxErr | boxSpill)
}

// wakeGrace is how long the caller waits for a parked worker to wake up
// and begin a batch before it steps the worker's segments itself for the
// batch's first step and ends the batch (two-member teams): on a busy
// machine the wake-up can take milliseconds, the whole gain of an epoch.
const wakeGrace = 100 * time.Microsecond

// testWakeDelay delays every worker's start of a batch (tests of the
// take-over).
var testWakeDelay time.Duration

// peerFirstExchange is peerExchange for the caller at the first step s of
// a batch of a two-member team: when the worker has not begun the batch
// within wakeGrace, the caller claims the step from it (started), steps
// the worker's segments with its own views (the same spike lists) and
// ends the batch; the worker, when it wakes, finds the claim and leaves.
// The pacer is told of a stall.
func (n *Network) peerFirstExchange(pr *peerRun, t *team, s int64, last, bad bool) uint64 {
	seq := &pr.boxes[1][s&1].seq
	start := time.Now()
	for i := 0; ; i++ {
		if seq.Load()>>boxShift >= uint64(s+1) || pr.started[1].Load() == 1 {
			return n.peerExchange(pr, t, 0, s, last, bad)
		}
		if i&63 == 63 && time.Since(start) > wakeGrace {
			break
		}
	}
	if !pr.started[1].CompareAndSwap(0, 2) {
		return n.peerExchange(pr, t, 0, s, last, bad) // it woke just now
	}
	flags := uint64(boxLast)
	if bad {
		flags |= boxErr
	}
	if n.peerStepAs(t, pr.mem[1].own, pr.mem[0].views, s) {
		flags |= boxErr
	}
	pr.mem[0].flags[1] = boxSpill // its lists are in its segments' buffers
	n.pace.stall()
	return flags
}

// peerOwnSpin is how long a member waits for another's step spinning
// before it parks, where every member has a CPU of its own (team.own):
// longer than spinFor, since a parked member is slow to run again. On the
// 2-vCPU machine of docs/benchmarks.md it took 0.15–0.25 ms after the
// wake-up with nothing else running (the Go runtime's execution trace of a
// `neuron bench` child, COBA forward Euler 4000), and twice that while
// other jobs ran; with spinFor, a member that another process held up
// for a moment made the other park, and the two then went on waking each
// other, one wake-up per step, for up to 2 ms (a stall that the pacer
// answered with solo epochs, after the first probe of parallel for the
// rest of the Run). A member held up for longer than peerOwnSpin (by another
// process's time slice) still parks, and the pacer is told (stall).
const peerOwnSpin = time.Millisecond

// peerSpin is how long a member of team t waits spinning for another's
// step in a batch of peer steps before it first parks.
func (t *team) peerSpin() time.Duration {
	if t.own {
		return peerOwnSpin
	}
	return spinFor
}

// peerWait waits until seq holds step want (or the team stops) and returns
// its flags: it spins for a while, then parks until the owner of
// seq publishes (see waitGen for the tokens); it spins for up to peerOwnSpin
// where the members have CPUs of their own. A later step in seq means
// that its owner ended the batch at step want and has since gone on (solo
// steps, then a new batch reusing the mailbox) before this member looked:
// that is the last step for it too.
func (pr *peerRun) wait(t *team, m int, seq *atomic.Uint64, want uint64) uint64 {
	ready := func() (uint64, bool) {
		v := seq.Load()
		return v, v>>boxShift >= want || t.stop.Load()
	}
	flags := func(v uint64) uint64 {
		if v>>boxShift > want {
			return boxLast
		}
		return v & (1<<boxShift - 1)
	}
	d := t.peerSpin()
	for {
		if v, ok := spin(d, !t.own, ready); ok {
			return flags(v)
		}
		d = spinFor
		if m == 0 {
			pr.parked = true // the caller tells the pacer (peerSteps)
		}
		pr.sleep[m].Store(true)
		if v, ok := ready(); ok {
			if !pr.sleep[m].CompareAndSwap(true, false) {
				<-pr.wake[m] // a publisher took the flag: its token is on the way
			}
			return flags(v)
		}
		<-pr.wake[m]
	}
}

// peerViews makes member m's views the spike lists of step s: its own
// segments' buffers, the others' mailboxes (or their segments' buffers
// when the spikes did not fit).
func (n *Network) peerViews(pr *peerRun, m int, s int64) {
	pm := pr.mem[m]
	par := s & 1
	for k, segs := range pr.segs {
		v := pm.views[k][:0]
		for _, seg := range segs {
			o := pr.owner[seg.id-pr.id0]
			if o == m || pm.flags[o]&boxSpill != 0 {
				v = append(v, seg.buf[par])
				continue
			}
			box := &pr.boxes[o][par]
			j, off := pr.slot[seg.id-pr.id0], 0
			for _, c := range box.n[:j] {
				off += int(c)
			}
			v = append(v, box.spk[off:off+int(box.n[j])])
		}
		pm.views[k] = v
	}
}

// peerJoin makes n.popSpikes the spikes of step s, each population's
// parts joined in the caller's buffers (the members' lists are reused two
// steps later).
func (n *Network) peerJoin(pr *peerRun, s int64) {
	n.peerViews(pr, 0, s)
	par := s & 1
	for k, parts := range pr.mem[0].views {
		j := n.joined[k][par][:0]
		for _, p := range parts {
			j = append(j, p...)
		}
		n.joined[k][par] = j
		n.popSpikes[k] = j
	}
}

// stopPeers makes members that wait in a batch return (Run's end, also
// after a panic of the caller's; team.close then stops the workers).
func (n *Network) stopPeers() {
	if n.peer == nil {
		return
	}
	pr := n.peer
	n.team.stop.Store(true)
	for pr.active.Load() > 0 {
		for m := range pr.n {
			if pr.sleep[m].CompareAndSwap(true, false) {
				pr.wake[m] <- struct{}{}
			}
		}
		runtime.Gosched()
	}
	pr.release()
}

// replicaBytes is the memory the replicas hold.
func (pr *peerRun) replicaBytes() int64 {
	var b int64
	for _, r := range pr.reps {
		b += r.bytes()
	}
	return b
}

// dropReplicas lets the workers step their parts in the populations'
// arrays, as without replicas, and frees the replicas (between Runs).
func (pr *peerRun) dropReplicas() {
	for _, r := range pr.reps {
		r.release()
	}
	for _, segs := range pr.segs {
		for _, seg := range segs {
			seg.rep = nil
		}
	}
	pr.reps = nil
}

// release copies the replicas' cells back into their populations (the
// caller, once the workers have left the batch).
func (pr *peerRun) release() {
	for _, r := range pr.reps {
		if r.live {
			pr.repBatches++
		}
		r.release()
	}
}

// segmentError returns the first error of a segment of step s (in segment
// order) and clears them all.
func (n *Network) segmentError(s int64) error {
	var first error
	for _, seg := range n.segs {
		if seg.err != nil && first == nil {
			first = fmt.Errorf("brain: network step %d: %w", s, unwrapPrefix(seg.err))
		}
		seg.err = nil
	}
	return first
}
