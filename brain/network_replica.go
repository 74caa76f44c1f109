package brain

import (
	"slices"

	"github.com/neuron-sim/neuron/brain/internal/kernel"
)

// Peer steps: a worker's cells of a split population in memory of its own.
//
// When the cut gives two members parts of one population, each part is a
// range of the same arrays (V, the synaptic inputs, the refractory
// clocks, …), and the two ranges meet in every array. On the 2-vCPU
// machine of docs/benchmarks.md the member whose range lies above the cut
// then ran 1.4–2 times slower per cell than alone: the other member's
// core, streaming up its range, reads on past the cut (its hardware
// prefetchers reach 4–8 KB ahead), so every step the first kilobytes of
// the upper range move to that core and back before they can be written.
// A test program with nothing of this package reproduces it (two
// goroutines stepping the halves of shared arrays against the same halves
// in arrays of their own); a gap of 4 KB between the ranges did not
// help, 8 KB did, and so did separate arrays.
//
// So during a batch of peer steps (network_peer.go) each worker steps its
// parts of split populations in a replica: arrays of the population's
// shape, allocated apart, of which it uses its own range. It copies its
// cells in when it begins the batch, delivers and adds Poisson events
// into the replica's inputs (the rings' parts are pointed there) and
// integrates them there; the caller copies them back after the batch's
// last exchange, before anything else can read them. The arithmetic is
// the same on the same numbers, so results do not change, bit for bit. A
// replica is made for the built-in GeneralizedNeuron (whose kernels read
// their arrays through one kernel.State that can be pointed elsewhere) and
// for populations whose arrays take at most replicaMaxBytes.

// replica is the copy of a segment's cells that a worker steps during a
// peer batch.
type replica struct {
	pop    *Population
	m      *GeneralizedNeuron
	id     int // the segment's id (its part in the rings)
	lo, hi int
	arrays [][]float64 // the population's per-neuron arrays
	copies [][]float64 // the replica's, index for index, each of the population's length (nil: not mirrored)
	// in are the indices of the mirrored arrays, copied in at activate;
	// out those of them that a step can write, copied back at release
	in, out []int
	st      State // the population's state over the copies
	ks      kernel.State
	inputs  [][]float64 // per Poisson input of the segment: the copy of its array
	rings   []*ring     // the segment's rings
	over    [][]float64 // per ring: the copy of its input
	// live: the worker stepped the cells in the replica in the batch under
	// way (or the one that just ended), so the population's arrays are out
	// of date in [lo, hi) until release.
	live bool
	size int64 // bytes of the copies
	// buf holds the copies; fresh: it was never written (touch)
	buf   []float64
	fresh bool
}

// touch writes the replica's memory once, so that the pages are mapped
// before a batch steps in it (fresh pages are mapped on the first write).
func (r *replica) touch() {
	if r.fresh {
		clear(r.buf)
		r.fresh = false
	}
}

// bytes is the memory the replica holds.
func (r *replica) bytes() int64 { return r.size }

// replicaMinBatch is the shortest batch of peer steps that uses the
// replicas: copying a part of 1200 cells of CUBA or COBA 4000 in and out
// cost 3–4 µs a batch (BenchmarkCores, whose progress callback ends a
// batch every 10 steps: 0.3–0.4 µs more per step), and a replica saves
// 0.5–1.5 µs per step.
const replicaMinBatch = 32

// replicaMaxBytes bounds the memory of one replica (it has the
// population's full length, of which one range is used). The gain is a
// few kilobytes per array and step: it matters while a step's cells fit
// in the caches, not for populations of millions of cells.
const replicaMaxBytes = 16 << 20

// newReplica returns a replica for segment seg of the team's plan, or nil
// when it gets none (a whole population, a model other than the
// GeneralizedNeuron, more than replicaMaxBytes or than spare bytes).
// Its memory is written (touch) here when write is set (Build), else by
// the worker when it is woken for its first parallel epoch, while the
// caller steps on alone: either way the worker's first batch does not
// take the page faults (on the 2-vCPU machine of docs/benchmarks.md the
// first batch of a Run of COBA 4000 took 0.4–1.1 ms to exchange its
// first step before), and a Run that never goes parallel does not pay
// for them (12 µs a page on that machine).
func (n *Network) newReplica(seg *segment, spare int64, write bool) *replica {
	p := n.pops[seg.pop]
	m, ok := p.mod.m.(*GeneralizedNeuron)
	if !ok || seg.whole || p.mod.scratch == nil || seg.sc == nil || len(p.mod.arrays) == 0 {
		return nil
	}
	arrays := p.mod.arrays
	stride := (p.N+7)&^7 + 8
	if stride*len(arrays)*8 > replicaMaxBytes || int64(stride*len(arrays)*8+8<<10) > spare {
		return nil
	}
	st := p.mod.st
	index := func(x []float64) int {
		for k, a := range arrays {
			if len(x) > 0 && len(a) == len(x) && &a[0] == &x[0] {
				return k
			}
		}
		return -1
	}
	// Which arrays the replica holds: for the LIF kernels, what they read
	// and write (V, the proximal inputs, the refractory clock, the spike
	// offset; IExt, IBias and Theta0 only read); for the others every
	// array, of which IExt, IBias, Theta0 and Size are only read. An
	// array it does not hold is used in place by the kernel and the
	// deliveries alike, so this choice affects speed, never results.
	var rw, ro [][]float64
	if m.c != nil && isLIF(m.c.Kind()) {
		rw = append([][]float64{st.vars[gnV], st.vars[gnRef], st.offset}, st.in...)
		ro = [][]float64{st.iExt, st.vars[gnIBias], st.vars[gnTheta0]}
	} else {
		ro = [][]float64{st.iExt, st.iExtD, st.vars[gnIBias], st.vars[gnTheta0], st.vars[gnSize]}
		for k, a := range arrays {
			if !slices.ContainsFunc(ro, func(x []float64) bool { return index(x) == k }) {
				rw = append(rw, a)
			}
		}
	}
	r := &replica{pop: p, m: m, id: seg.id, lo: seg.lo, hi: seg.hi, arrays: arrays, rings: seg.rings,
		copies: make([][]float64, len(arrays))}
	add := func(x []float64) {
		if k := index(x); k >= 0 && r.copies[k] == nil {
			r.copies[k] = []float64{} // taken; allocated below
			r.in = append(r.in, k)
		}
	}
	for _, x := range rw {
		add(x)
	}
	r.out = slices.Clone(r.in)
	for _, x := range ro {
		add(x)
	}
	// One allocation: the arrays as in the population's slab, then room
	// for the prefetchers to run on into without reaching other memory.
	buf := make([]float64, stride*len(r.in)+1024)
	for j, k := range r.in {
		r.copies[k] = buf[j*stride : j*stride+p.N : j*stride+p.N]
	}
	r.buf, r.fresh, r.size = buf, true, int64(len(buf))*8
	if write {
		r.touch()
	}
	mirror := func(x []float64) []float64 {
		if k := index(x); k >= 0 && r.copies[k] != nil {
			return r.copies[k]
		}
		return x
	}
	mirrorAll := func(xs [][]float64) [][]float64 {
		out := make([][]float64, len(xs))
		for k, x := range xs {
			out[k] = mirror(x)
		}
		return out
	}
	r.st = st
	r.st.vars = mirrorAll(st.vars)
	r.st.in = mirrorAll(st.in)
	r.st.inD = r.st.in
	if !sameArrays(st.inD, st.in) {
		r.st.inD = mirrorAll(st.inD)
	}
	r.st.iExt, r.st.iExtD, r.st.offset = mirror(st.iExt), mirror(st.iExtD), mirror(st.offset)
	for _, in := range seg.inputs {
		r.inputs = append(r.inputs, mirror(in.input))
	}
	for _, rg := range seg.rings {
		r.over = append(r.over, mirror(rg.input))
	}
	return r
}

// isLIF reports whether kernels of kind k are the LIF sweeps.
func isLIF(k kernel.Kind) bool {
	return k == kernel.LIFCurrent || k == kernel.LIFConductance || k == kernel.LIFConductanceEuler
}

func sameArrays(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if len(a[k]) != len(b[k]) || len(a[k]) > 0 && &a[k][0] != &b[k][0] {
			return false
		}
	}
	return true
}

// activate copies the segment's cells into the replica and points the
// segment's rings there (the worker, as it begins a batch).
func (r *replica) activate() {
	r.touch()
	lo, hi := r.lo, r.hi
	for _, k := range r.in {
		copy(r.copies[k][lo:hi], r.arrays[k][lo:hi])
	}
	u := r.m.ks
	r.ks = r.m.kernelState(&r.st)
	r.ks.Uniform, r.ks.Drive, r.ks.UTheta = u.Uniform, u.Drive, u.UTheta
	for j, rg := range r.rings {
		rg.over[r.id] = r.over[j]
	}
	r.live = true
}

// flush copies the cells back into the population's arrays.
func (r *replica) flush() {
	lo, hi := r.lo, r.hi
	for _, k := range r.out {
		copy(r.arrays[k][lo:hi], r.copies[k][lo:hi])
	}
}

// release flushes a live replica and points the rings back at the
// population (the caller, after a batch's last exchange, when the worker
// no longer touches it).
func (r *replica) release() {
	if !r.live {
		return
	}
	r.flush()
	for _, rg := range r.rings {
		rg.over[r.id] = nil
	}
	r.live = false
}

// step integrates the segment's cells in the replica (advance). A
// blow-up is reported as the population's stepModel does, from the
// population's arrays, so the cells are flushed first.
func (r *replica) step(seg *segment, s int64) ([]int32, error) {
	out, bad := kernel.Step(r.m.c, &r.ks, seg.lo, seg.hi, seg.buf[s&1][:0], seg.sc.v.(*kernel.Scratch))
	if bad >= 0 {
		r.flush()
		return out, r.pop.blowUp(bad, s)
	}
	return out, nil
}
