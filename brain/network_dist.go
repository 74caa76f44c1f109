package brain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
)

// Distributed runs: one network over several processes (ranks).
//
// Every rank builds the same global description (populations,
// projections, sources, seed), sets Network.Comm and runs. Rank r of R
// owns the contiguous block [N·r/R, N·(r+1)/R) of every population of N
// cells (Network.Owned): it integrates only those cells and keeps only the
// synapses that end on them. The library's connectors generate only those
// synapses when the projection's weight and delay are constants (columns
// of a FixedInDegree are drawn for the owned cells only; rows drawn from a
// presynaptic cell's stream are still walked in full, since their streams
// are keyed by the presynaptic cell, but only the owned targets are kept).
// Other projections are generated as in one process and the synapses onto
// other ranks' cells dropped before the delay groups and plasticity are
// built.
//
// The ranks exchange spikes in one collective call (Comm.AllGather) per
// minimum-delay interval: a spike emitted at step s reaches no synaptic
// variable before step s + D, D the smallest delay of the network (in
// steps), so the spikes of D steps travel together, and are then delivered
// step by step, in the order one process would have delivered them.
// Networks with plasticity exchange every step (a rule learns from the
// presynaptic spikes of the step itself). Every rank then holds the spikes
// of every cell in ascending index order: a population's spike list is the concatenation
// of the ranks' lists in rank order, which is why the blocks are
// contiguous (round-robin ownership would need a merge per step and would
// cut across the segments the multi-core loop steps). Spike sources are
// keyed by generator and cheap: every rank emits all of them.
//
// Every synaptic variable then receives the same additions in the same
// order as in one process, so spikes and plastic weights are bit-identical
// to the single-process run at any rank count. Spike recorders on every
// rank record the whole network; a state recorder may only record cells
// its rank owns, a weight recorder only synapses onto them; a Projection
// holds the rank's synapses (dist.Merge gathers them).
//
// A failure on one rank (an error in a step, a cancelled context, a
// monitor's error, a description that differs from rank 0's) travels with
// the next collective call: every rank stops with a *RankError naming the
// rank and its cause instead of waiting forever. A network whose
// distributed Run failed cannot Run again.

// Comm is the transport of a distributed run: the ranks of one job and a
// gather of int32 payloads. brain/dist.Local runs ranks as goroutines of
// one process (tests, one machine); brain/dist/mpi wraps MPI (built with
// -tags mpi).
type Comm interface {
	// Rank is this process's rank, in [0, Size()).
	Rank() int
	// Size is the number of ranks.
	Size() int
	// AllGather is a collective call: every rank passes its payload send
	// and receives every rank's payload concatenated in rank order,
	// written into dst (grown as needed) and returned, with counts[r] the
	// length of rank r's part (len(counts) == Size()). An error means the
	// job cannot go on (a rank is gone).
	AllGather(dst []int32, counts []int, send []int32) ([]int32, error)
}

// RankError is the error every rank of a distributed run returns when one
// rank failed: Rank names it and Cause is its error text.
type RankError struct {
	Rank, Size int
	Cause      string
}

func (e *RankError) Error() string {
	return fmt.Sprintf("brain: rank %d of %d: %s", e.Rank, e.Size, e.Cause)
}

// distRun is the state of a network run over more than one rank
// (Network.dist; nil in a single process).
type distRun struct {
	comm       Comm
	rank, size int
	lo, hi     []int        // per population: the block this rank owns
	global     [][2][]int32 // per population: every rank's spikes, by step parity
	send, recv []int32      // payload buffers
	counts     []int        // per rank: payload length
	pos        []int        // per rank: read position while unpacking
	failed     bool         // a failure was agreed: no more collective calls

	// Exchange once per interval of batch steps (1: every step).
	batch   int
	inBatch int     // steps of the current interval simulated
	first   int64   // first step of the current interval
	srcLog  []int32 // the interval's source spikes: per step, per source, count then spikes
}

// distributed reports whether the network runs over more than one rank.
func (n *Network) distributed() bool { return n.Comm != nil && n.Comm.Size() > 1 }

// Owned returns the block [lo, hi) of pop's cells this rank integrates: all
// of them in a single process (Comm nil or of size 1), else the contiguous
// block of Comm.Rank(). It is (0, 0) for a population not in the network.
func (n *Network) Owned(pop *Population) (lo, hi int) {
	k := n.popIndex(pop)
	if k < 0 {
		return 0, 0
	}
	if !n.distributed() {
		return 0, pop.N
	}
	return blockOf(pop.N, n.Comm.Rank(), n.Comm.Size())
}

// blockOf is the block of n cells that rank r of size owns.
func blockOf(n, r, size int) (lo, hi int) { return n * r / size, n * (r + 1) / size }

// ownedRange is Owned for population index k.
func (n *Network) ownedRange(k int) (lo, hi int) {
	if n.dist == nil {
		return 0, n.pops[k].N
	}
	return n.dist.lo[k], n.dist.hi[k]
}

// prepareDist sets up the distributed state (Build, before the
// projections are generated).
func (n *Network) prepareDist() error {
	n.dist = nil
	if !n.distributed() {
		return nil
	}
	c := n.Comm
	r, size := c.Rank(), c.Size()
	if r < 0 || r >= size {
		return fmt.Errorf("brain: Comm.Rank() = %d outside [0, %d)", r, size)
	}
	if len(n.gaps) > 0 {
		return errors.New("brain: gap junctions are not supported in a distributed run (they read every coupled cell's voltage each step)")
	}
	d := &distRun{comm: c, rank: r, size: size, counts: make([]int, size), pos: make([]int, size),
		lo: make([]int, len(n.pops)), hi: make([]int, len(n.pops)), global: make([][2][]int32, len(n.pops))}
	for k, p := range n.pops {
		d.lo[k], d.hi[k] = blockOf(p.N, r, size)
		d.global[k] = [2][]int32{make([]int32, 0, p.N), make([]int32, 0, p.N)}
	}
	n.dist = d
	return nil
}

// buildAll is build followed, in a distributed run, by the agreement of
// every rank: all built, with the same global description.
func (n *Network) buildAll() error {
	err := n.build()
	if !n.distributed() {
		return err
	}
	send := []int32{0, 0, 0, 0}
	if err == nil {
		h := n.describeHash()
		send[1], send[2], send[3] = int32(uint32(h)), int32(uint32(h>>32)), int32(n.minDelay())
	}
	counts := make([]int, n.Comm.Size())
	recv, gerr := gather(n.Comm, nil, counts, send, err)
	if gerr != nil {
		if n.dist != nil {
			n.dist.failed = true
		}
		if n.built {
			n.broken = gerr
		}
		return gerr
	}
	batch := int32(math.MaxInt32)
	for r := range len(counts) {
		if recv[4*r+1] != recv[1] || recv[4*r+2] != recv[2] {
			e := &RankError{Rank: r, Size: len(counts), Cause: "its global description (populations, sources, projections, seed, dt) differs from rank 0's"}
			n.dist.failed = true
			n.broken = e
			return e
		}
		batch = min(batch, recv[4*r+3])
	}
	n.dist.batch = int(batch)
	if batch == math.MaxInt32 || len(n.plastic) > 0 {
		n.dist.batch = 1
	}
	return nil
}

// minDelay is the smallest delay (steps) of this rank's synapses
// (math.MaxInt32 when it has none).
func (n *Network) minDelay() int {
	d := math.MaxInt32
	for _, p := range n.projs {
		if len(p.targets) == 0 {
			continue
		}
		if p.groupPtr == nil {
			d = min(d, int(p.delay))
		}
		for _, g := range p.groupDelay {
			d = min(d, int(g))
		}
	}
	return d
}

// ExchangeInterval is the number of steps whose spikes the ranks exchange
// in one collective call: the network's smallest delay, or 1 with
// plasticity (0 before Build or in one process).
func (n *Network) ExchangeInterval() int {
	if n.dist == nil {
		return 0
	}
	return n.dist.batch
}

// describeHash hashes what every rank must agree on: dt, seed, the
// populations, sources and projections with their sizes and specs.
func (n *Network) describeHash() uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "dt %v seed %d\n", n.DT, n.Seed)
	for _, p := range n.pops {
		fmt.Fprintf(h, "pop %q %d %q %v\n", p.Name, p.N, p.P.Name, p.P.Inhibitory)
	}
	for _, s := range n.srcs {
		fmt.Fprintf(h, "src %q %d %v\n", s.SourceName(), s.Len(), s.IsInhibitory())
	}
	for _, p := range n.projs {
		fmt.Fprintf(h, "proj %q %s %+v %+v %d %q %v\n", p.Name, p.conn.String(), p.spec.Weight, p.spec.Delay,
			p.spec.Compartment, p.spec.Receptor, p.rule != nil)
	}
	return h.Sum64()
}

// gather is one collective call carrying a status word: send[0] is
// overwritten with 1 when failure is not nil (the payload is then
// dropped). When any rank failed, a second call gathers the error texts
// and every rank returns the failed ranks' RankErrors.
func gather(c Comm, dst []int32, counts []int, send []int32, failure error) ([]int32, error) {
	size := c.Size()
	if failure != nil {
		send = []int32{1}
	} else {
		send[0] = 0
	}
	recv, err := c.AllGather(dst, counts, send)
	if err != nil {
		return recv, &RankError{Rank: c.Rank(), Size: size, Cause: "spike exchange failed: " + err.Error()}
	}
	anyFailed := false
	off := 0
	for r := range size {
		if counts[r] < 1 {
			return recv, &RankError{Rank: r, Size: size, Cause: fmt.Sprintf("sent a malformed payload of %d words", counts[r])}
		}
		anyFailed = anyFailed || recv[off] != 0
		off += counts[r]
	}
	if !anyFailed {
		return recv, nil
	}
	// Second call: the causes, one rune per word.
	var msg []int32
	if failure != nil {
		for _, ch := range failure.Error() {
			msg = append(msg, ch)
		}
	}
	texts, err := c.AllGather(nil, counts, msg)
	if err != nil {
		return recv, &RankError{Rank: c.Rank(), Size: size, Cause: "exchange of the error texts failed: " + err.Error()}
	}
	var errs []error
	off = 0
	for r := range size {
		if counts[r] > 0 {
			runes := make([]rune, counts[r])
			for k := range runes {
				runes[k] = texts[off+k]
			}
			errs = append(errs, &RankError{Rank: r, Size: size, Cause: string(runes)})
		}
		off += counts[r]
	}
	if len(errs) == 0 { // a rank flagged a failure without a text
		errs = append(errs, &RankError{Rank: -1, Size: size, Cause: "a rank failed without a cause"})
	}
	return recv, errors.Join(errs...)
}

// exchange replaces every population's spike list of the step just
// integrated (this rank's block, in n.popSpikes) by every rank's, in the
// buffers of step parity par. failure, when not nil, is this rank's error
// of the step: it reaches every rank. When the ranks exchange once per
// interval it only reports a failure (batchStep keeps the spikes).
func (n *Network) exchange(par int64, failure error) error {
	d := n.dist
	if d.batch > 1 && failure == nil {
		return nil
	}
	d.send = append(d.send[:0], 0)
	if d.batch == 1 && failure == nil {
		d.pack(n.popSpikes)
	}
	if err := d.gatherSpikes(failure); err != nil {
		return err
	}
	n.unpackStep(par)
	return nil
}

// pack appends one step's spike lists to the payload.
func (d *distRun) pack(spikes [][]int32) {
	for _, sp := range spikes {
		d.send = append(d.send, int32(len(sp)))
		d.send = append(d.send, sp...)
	}
}

// gatherSpikes makes the collective call with the payload and points the
// read positions past each rank's status word.
func (d *distRun) gatherSpikes(failure error) error {
	recv, err := gather(d.comm, d.recv, d.counts, d.send, failure)
	d.recv = recv
	if err != nil {
		d.failed = true
		return err
	}
	off := 0
	for r, c := range d.counts {
		d.pos[r] = off + 1
		off += c
	}
	return nil
}

// unpackStep reads the next step of every rank's payload into each
// population's spike list (buffers of parity par).
func (n *Network) unpackStep(par int64) {
	d := n.dist
	for k := range n.pops {
		g := d.global[k][par][:0]
		for r := range d.size {
			p := d.pos[r]
			c := int(d.recv[p])
			g = append(g, d.recv[p+1:p+1+c]...)
			d.pos[r] = p + 1 + c
		}
		d.global[k][par] = g
		n.popSpikes[k] = g
	}
}

// batchStep keeps the spikes of the step just simulated (this rank's
// cells, every source) for the interval's exchange, runs the state
// recorders, and exchanges and delivers when the interval is complete.
func (n *Network) batchStep() error {
	d := n.dist
	n.pending = false // delivered by flushBatch
	if d.inBatch == 0 {
		d.first = n.cur
		d.send = append(d.send[:0], 0)
		d.srcLog = d.srcLog[:0]
	}
	d.pack(n.popSpikes)
	for _, sp := range n.srcSpikes {
		d.srcLog = append(d.srcLog, int32(len(sp)))
		d.srcLog = append(d.srcLog, sp...)
	}
	d.inBatch++
	if err := n.observeAt(n.cur, observeState); err != nil {
		return err
	}
	if d.inBatch == d.batch {
		return n.flushBatch()
	}
	return nil
}

// flushBatch exchanges the spikes of the interval so far and delivers
// them step by step through every projection (the flush task of each
// segment), counting the events and running the monitors other than the
// state recorders on each step. Run calls it after its last step too.
func (n *Network) flushBatch() error {
	d := n.dist
	if d == nil || d.batch == 1 || d.inBatch == 0 {
		return nil
	}
	if err := d.gatherSpikes(nil); err != nil {
		return err
	}
	steps, src := d.inBatch, 0
	d.inBatch = 0
	for j := range steps {
		n.unpackStep(0)
		for k := range n.srcs {
			c := int(d.srcLog[src])
			n.srcSpikes[k] = d.srcLog[src+1 : src+1+c]
			src += 1 + c
		}
		n.cur = d.first + int64(j)
		n.phase(phaseFlush)
		n.countEvents()
		if err := n.observeAt(n.cur, observeOthers); err != nil {
			return err
		}
	}
	return nil
}

// finishDist ends a distributed Run: one collective call with the Run's
// outcome, so that a rank that failed outside a step's exchange (a
// cancelled context, a monitor, a memory check) stops the others, and a
// rank that succeeded learns of a late failure elsewhere.
func (n *Network) finishDist(err *error) {
	d := n.dist
	if d == nil || d.failed {
		return
	}
	if _, e := gather(d.comm, d.recv, d.counts, []int32{0}, *err); e != nil {
		d.failed = true
		n.broken = e
		*err = e
	}
}

// rankMagic starts the last section of a rank's checkpoint: its rank and
// the job's size (uvarints). A single process writes no such section.
const rankMagic = "brainranks"

// appendRankSection ends a distributed rank's checkpoint payload with the
// rank layout, so that it restores only into the same rank of a job of
// the same size (its populations hold this rank's cells only).
func (n *Network) appendRankSection(b []byte) []byte {
	if n.dist == nil {
		return b
	}
	b = append(b, rankMagic...)
	b = binary.AppendUvarint(b, uint64(n.dist.rank))
	return binary.AppendUvarint(b, uint64(n.dist.size))
}

// readRankSection checks the rank layout at the end of a checkpoint
// payload against this network's.
func (n *Network) readRankSection(d *StateDecoder) {
	if d.err != nil {
		return
	}
	d.what = "rank layout"
	if !strings.HasPrefix(string(d.b), rankMagic) {
		if n.dist != nil {
			d.Fail("written by a single process; rank %d of %d restores only the checkpoint its own rank wrote", n.dist.rank, n.dist.size)
		}
		return
	}
	rest := d.b[len(rankMagic):]
	r, k1 := binary.Uvarint(rest)
	size, k2 := binary.Uvarint(rest[max(k1, 0):])
	if k1 <= 0 || k2 <= 0 {
		d.Fail("truncated")
		return
	}
	d.b = rest[k1+k2:]
	switch {
	case n.dist == nil:
		d.Fail("written by rank %d of a job of %d ranks, which holds only its own cells: restore it into rank %d of a job of %d ranks", r, size, r, size)
	case int(r) != n.dist.rank || int(size) != n.dist.size:
		d.Fail("written by rank %d of %d ranks, restored into rank %d of %d (each rank restores the checkpoint it wrote, with as many ranks)", r, size, n.dist.rank, n.dist.size)
	}
}

// checkDistMonitors rejects a state recorder of cells another rank owns.
func (n *Network) checkDistMonitors() error {
	if n.dist == nil {
		return nil
	}
	for _, m := range n.monitors {
		sm, ok := m.(stateMonitor)
		if !ok {
			continue
		}
		k := sm.pop
		for _, i := range sm.rec.Neurons {
			if i < n.dist.lo[k] || i >= n.dist.hi[k] {
				return fmt.Errorf("brain: state recorder of %q: neuron %d belongs to another rank (rank %d owns [%d, %d); record state on the rank that owns the cell, see Network.Owned)",
					n.pops[k].Name, i, n.dist.rank, n.dist.lo[k], n.dist.hi[k])
			}
		}
	}
	return nil
}

// checkDistPairs rejects a weight recorder of synapses onto cells another
// rank owns (that rank holds them).
func (n *Network) checkDistPairs(w *WeightRecorder) error {
	if n.dist == nil {
		return nil
	}
	k := w.proj.postIdx
	for _, pr := range w.Pairs {
		if pr[1] < n.dist.lo[k] || pr[1] >= n.dist.hi[k] {
			return fmt.Errorf("brain: weight recorder of %q: synapse %d→%d ends on a cell of another rank (rank %d owns [%d, %d); record weights on the rank that owns the postsynaptic cell, see Network.Owned)",
				w.proj.Name, pr[0], pr[1], n.dist.rank, n.dist.lo[k], n.dist.hi[k])
		}
	}
	return nil
}

// keepOwned drops the synapses whose targets lie outside [lo, hi) (rows
// keep their order), along with their weights and per-synapse delays d.
func (p *Projection) keepOwned(lo, hi int, d []int64) []int64 {
	if lo == 0 && hi >= p.nPost {
		return d
	}
	out := uint32(0)
	for i := range p.nPre {
		a, b := p.rowPtr[i], p.rowPtr[i+1]
		p.rowPtr[i] = out
		for s := a; s < b; s++ {
			t := p.targets[s]
			if int(t) < lo || int(t) >= hi {
				continue
			}
			p.targets[out] = t
			if p.weights != nil {
				p.weights[out] = p.weights[s]
			}
			if d != nil {
				d[out] = d[s]
			}
			out++
		}
	}
	p.rowPtr[p.nPre] = out
	if int(out) < len(p.targets) {
		p.targets = slices.Clone(p.targets[:out])
		if p.weights != nil {
			p.weights = slices.Clone(p.weights[:out])
		}
		if d != nil {
			d = d[:out]
		}
	}
	return d
}

// trimsAtSource reports whether the projection's connector may generate
// only the synapses onto [lo, hi): a RankLocalConnector that says so, with
// constant weight and delay (nothing is drawn per row that would need the
// whole row).
func (p *Projection) trimsAtSource() bool {
	if !p.spec.Weight.IsConst() || !(p.spec.Delay.IsConst() || p.spec.Delay == (Value{})) {
		return false
	}
	rc, ok := p.conn.(RankLocalConnector)
	return ok && rc.RankLocal()
}
