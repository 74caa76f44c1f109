package brain

// ring is the delay ring buffer of one synaptic variable of one target
// population: slots [d][n] of pending input (pA or nS). A spike emitted in
// step s with a delay of k steps (1 ≤ k < d) is added to slot (s+k) mod d;
// at the start of step s the slot s mod d is added into the population's
// Input(c, r) and cleared.
//
// When every delay into the variable is one step (d == 2), the ring is
// bypassed: spikes are enqueued after every population has been stepped,
// so adding them straight into Input is the same as delivering them at
// the start of the next step, without the O(n) pass per step.
//
// Each task of a Run (a segment of the target population) writes and
// drains only its own neurons' entries and keeps its own "slot may hold
// non-zero entries" flags, so concurrent tasks never share a flag.
type ring struct {
	pop   int // target population index
	comp  Compartment
	recep Receptor
	d     int       // number of slots (max delay + 1)
	n     int       // neurons
	buf   []float64 // d·n, slot-major
	dirty []bool    // parts·d flags: slot k of part w may hold non-zero entries
	input []float64 // the population's Input(comp, recep)
	// over[w], when set, is the array that part w's cells receive into
	// instead of input: a peer step's replica of them (network_replica.go)
	over [][]float64
}

func newRing(pop int, c Compartment, r Receptor, d, n int, input []float64) *ring {
	if d <= 2 {
		return &ring{pop: pop, comp: c, recep: r, d: d, n: n, input: input}
	}
	return &ring{pop: pop, comp: c, recep: r, d: d, n: n,
		buf: make([]float64, d*n), dirty: make([]bool, d), input: input}
}

// direct reports whether the ring is bypassed (all delays one step).
func (r *ring) direct() bool { return r.buf == nil }

// setParts lays the dirty flags out for w parts (segments), keeping every
// slot that any part had marked marked for all.
func (r *ring) setParts(w int) {
	r.over = make([][]float64, w)
	if r.buf == nil {
		return
	}
	slots := r.slotDirty()
	r.dirty = make([]bool, w*r.d)
	for k, d := range slots {
		if d {
			for x := range w {
				r.dirty[x*r.d+k] = true
			}
		}
	}
}

// slotDirty returns, per slot, whether any part marked it (nil for a
// bypassed ring).
func (r *ring) slotDirty() []bool {
	if r.buf == nil {
		return nil
	}
	out := make([]bool, r.d)
	for i, d := range r.dirty {
		out[i%r.d] = out[i%r.d] || d
	}
	return out
}

// markAll marks every slot that any part marked for all parts (the
// network switched to another cut of its populations).
func (r *ring) markAll() {
	if r.buf == nil {
		return
	}
	parts := len(r.dirty) / r.d
	for k := range r.d {
		any := false
		for x := range parts {
			any = any || r.dirty[x*r.d+k]
		}
		for x := range parts {
			r.dirty[x*r.d+k] = any
		}
	}
}

// setSlotDirty marks slots for every part (checkpoint restore).
func (r *ring) setSlotDirty(slots []bool) {
	for i := range r.dirty {
		r.dirty[i] = slots[i%r.d]
	}
}

// target is the array that part w's cells receive into.
func (r *ring) target(w int) []float64 {
	if w < len(r.over) {
		if x := r.over[w]; x != nil {
			return x
		}
	}
	return r.input
}

// slot returns the buffer row that step s writes to, marked for part w.
func (r *ring) slot(s int64, w int) []float64 {
	if r.buf == nil {
		return r.target(w)
	}
	k := int(s % int64(r.d))
	r.dirty[w*r.d+k] = true
	return r.buf[k*r.n : (k+1)*r.n : (k+1)*r.n]
}

// drainRange adds entries [lo, hi) of the slot due at step s into the
// synaptic variable and clears them, when part w marked the slot.
func (r *ring) drainRange(s int64, lo, hi, w int) {
	if r.buf == nil {
		return
	}
	k := int(s % int64(r.d))
	f := w*r.d + k
	if !r.dirty[f] {
		return
	}
	r.dirty[f] = false
	row := r.buf[k*r.n+lo : k*r.n+hi]
	in := r.target(w)[lo:hi]
	in = in[:len(row)]
	for i, v := range row {
		if v != 0 {
			in[i] += v
			row[i] = 0
		}
	}
}
