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
type ring struct {
	pop   int // target population index
	comp  Compartment
	recep Receptor
	d     int       // number of slots (max delay + 1)
	n     int       // neurons
	buf   []float64 // d·n, slot-major
	dirty []bool    // slot may hold non-zero entries
	input []float64 // the population's Input(comp, recep)
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

// slot returns the buffer row that step s writes to.
func (r *ring) slot(s int64) []float64 {
	if r.buf == nil {
		return r.input
	}
	k := int(s % int64(r.d))
	r.dirty[k] = true
	return r.buf[k*r.n : (k+1)*r.n : (k+1)*r.n]
}

// drain adds the slot due at step s into the synaptic variable and clears
// it. Slots no spike was written to are skipped.
func (r *ring) drain(s int64) {
	if r.buf == nil {
		return
	}
	k := int(s % int64(r.d))
	if !r.dirty[k] {
		return
	}
	r.dirty[k] = false
	row := r.buf[k*r.n : (k+1)*r.n : (k+1)*r.n]
	in := r.input[:len(row)]
	for i, v := range row {
		if v != 0 {
			in[i] += v
			row[i] = 0
		}
	}
}
