package brain

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// SynapseSpec describes the synapses of a projection (PyNN's synapse type
// plus receptor and compartment).
type SynapseSpec struct {
	// Weight is the synaptic weight (pA when the target population uses
	// CurrentExp, nS for ConductanceExp), signed by Dale's law: ≥ 0 when
	// the presynaptic cells are excitatory, ≤ 0 when they are inhibitory
	// (Params.Inhibitory, or Source Inhibitory). Build fails with a clear
	// error otherwise. The receptor follows from the same sign. The
	// presynaptic Params.Efficacy multiplies it at delivery. FromList and
	// FromMatrix connectors may give the weights instead.
	Weight Value
	// Delay is the transmission delay (ms), rounded to the nearest whole
	// number of time steps, a delay half-way between two steps to the
	// longer (0.15 ms at dt = 0.1 ms is 2 steps; a quotient ms/dt within
	// 1e-9 below a half counts as the half, as binary makes 0.15/0.1 =
	// 1.4999…). It must come to 1 … 65 535 steps; a distribution must not
	// be able to draw less than half a step (Build refuses it whatever it
	// draws). The zero Value means one step.
	Delay Value
	// Compartment is where the synapses land: Proximal (soma, the zero
	// value) or Distal (dendrite).
	Compartment Compartment
	// Receptor, when not empty, names the postsynaptic receptor the
	// synapses drive (one of the target population's Receptors, e.g.
	// "NMDA"); empty means by Dale's law: Excitatory (receptor 0) for
	// excitatory presynaptic cells, Inhibitory (receptor 1) for inhibitory
	// ones. The sign of Weight still follows the presynaptic cells, and
	// naming the receptor of the other kind (receptor 0, the excitatory
	// one, for inhibitory cells; receptor 1 for excitatory ones) is an
	// error: weights are delivered as magnitudes and the receptor gives
	// the sign.
	Receptor string
	// STDP makes the synapses plastic with the library's STDP rule; nil
	// means static (unless Plasticity is set).
	STDP *STDP
	// Plasticity, when not nil, makes the synapses plastic with a rule of
	// yours (or STDP.NewRule). A rule value belongs to one projection.
	// Set at most one of STDP and Plasticity.
	Plasticity PlasticityRule
	// Modulator, when not nil, is the neuromodulatory signal (dopamine,
	// reward) the plasticity rule reads through Synapses.Modulation.
	Modulator Modulator
}

// Projection is the set of synapses from one presynaptic population or
// spike source onto one postsynaptic population (PyNN's Projection). Its
// connectivity is stored in compressed sparse rows: per presynaptic cell a
// run of 32-bit target indices and 32-bit float weights. Delays are either
// one per projection or, when they differ, each row is sorted by delay and
// carries per-row delay-group offsets. Plastic projections add, per
// postsynaptic cell, the 32-bit indices of its incoming synapses.
type Projection struct {
	// Name is "pre→post", for messages.
	Name string

	index   int
	prePop  *Population // nil for a source
	preSrc  Source      // nil for a population
	post    *Population
	postIdx int
	preIdx  int // population index, or −1−source index
	conn    Connector
	spec    SynapseSpec
	recep   Receptor
	inhib   bool    // presynaptic cells are inhibitory
	scale   float64 // presynaptic efficacy, applied at delivery
	ring    *ring

	nPre, nPost int
	rowPtr      []uint32  // nPre+1
	targets     []uint32  // postsynaptic index per synapse
	weights     []float32 // magnitude per synapse; nil when constant
	constW      float64   // the magnitude shared by all synapses when weights == nil
	delay       int64     // the delay (steps) shared by all synapses when groupPtr == nil
	groupPtr    []uint32  // nPre+1, into groupDelay/groupEnd
	groupDelay  []uint16  // delay (steps) of each delay group
	groupEnd    []uint32  // one past the last synapse of each group
	maxDelay    int64     // largest delay (steps)

	rule PlasticityRule // nil: static synapses
	syn  *Synapses      // the rule's view of the synapses

	tx           Transmitter // the rule, when it scales each spike (plasticity_delivery.go)
	guard        *ruleGuard  // sweeps the weights of a rule that does not keep its bounds (plasticity_guard.go)
	release, rel []float64   // release factors: buffer, and those of the current step's spikes
}

// NumSynapses is the number of synapses.
func (p *Projection) NumSynapses() int { return len(p.targets) }

// Pre returns the presynaptic population (nil when the projection starts
// at a spike source).
func (p *Projection) Pre() *Population { return p.prePop }

// PreSource returns the presynaptic spike source (nil for a population).
func (p *Projection) PreSource() Source { return p.preSrc }

// Post returns the postsynaptic population.
func (p *Projection) Post() *Population { return p.post }

// Receptor is the receptor every synapse of the projection uses (Dale's
// law: the presynaptic cell type).
func (p *Projection) Receptor() Receptor { return p.recep }

// Plastic reports whether the projection has a plasticity rule.
func (p *Projection) Plastic() bool { return p.rule != nil }

// Bytes is the memory held by the projection's connectivity and plasticity
// state (bytes): row offsets, targets, weights, delay groups, incoming
// indices, traces and their times. It is the sum of Storage's two parts.
func (p *Projection) Bytes() int64 {
	syn, cell := p.Storage()
	return syn + cell
}

// Storage splits Bytes into the arrays with one entry per synapse
// (targets, weights, and with STDP the incoming-synapse index: 4 bytes
// each) and those with one entry per cell or delay group (row offsets,
// delay groups, STDP traces and their times).
func (p *Projection) Storage() (perSynapse, perCell int64) {
	perSynapse = int64(4 * (len(p.targets) + len(p.weights)))
	perCell = int64(4*(len(p.rowPtr)+len(p.groupPtr)+len(p.groupEnd)) + 2*len(p.groupDelay))
	if sy := p.syn; sy != nil {
		perSynapse += int64(4 * len(sy.colSyn))
		perCell += int64(4 * len(sy.colPtr))
	}
	if b, ok := p.rule.(StorageReporter); ok {
		s, c := b.StorageBytes()
		perSynapse += s
		perCell += c
	}
	return perSynapse, perCell
}

// BytesPerSynapse is Bytes divided by the number of synapses (0 when
// there are none). A static projection with one delay needs 4 (shared
// weight) or 8 bytes per synapse plus its row offsets; per-synapse delays
// add the delay groups; STDP adds a 4-byte incoming index per synapse plus
// the per-cell traces.
func (p *Projection) BytesPerSynapse() float64 {
	if len(p.targets) == 0 {
		return 0
	}
	return float64(p.Bytes()) / float64(len(p.targets))
}

// Weight returns the magnitude of synapse s (before efficacy), in the
// projection's units.
func (p *Projection) Weight(s int) float64 {
	if p.weights == nil {
		return p.constW
	}
	return float64(p.weights[s])
}

// Weights copies every synapse's weight magnitude into dst (grown if
// short) in synapse order and returns it: a snapshot.
func (p *Projection) Weights(dst []float64) []float64 {
	dst = slices.Grow(dst[:0], len(p.targets))[:len(p.targets)]
	for s := range dst {
		dst[s] = p.Weight(s)
	}
	return dst
}

// WeightHistogram counts the weight magnitudes in nbins equal bins over
// [lo, hi] (the last bin includes hi; weights outside are not counted).
func (p *Projection) WeightHistogram(nbins int, lo, hi float64) []int {
	if nbins <= 0 || !(hi > lo) {
		return nil
	}
	h := make([]int, nbins)
	for s := range p.targets {
		w := p.Weight(s)
		if w < lo || w > hi {
			continue
		}
		k := int(float64(nbins) * (w - lo) / (hi - lo))
		h[min(k, nbins-1)]++
	}
	return h
}

// Synapse returns the presynaptic index, postsynaptic index and delay (in
// steps) of synapse s.
func (p *Projection) Synapse(s int) (pre, post int, delaySteps int) {
	pre = sort.Search(p.nPre, func(i int) bool { return p.rowPtr[i+1] > uint32(s) })
	post = int(p.targets[s])
	delaySteps = int(p.delay)
	if p.groupPtr != nil {
		g := sort.Search(int(p.groupPtr[pre+1]-p.groupPtr[pre]), func(k int) bool {
			return p.groupEnd[int(p.groupPtr[pre])+k] > uint32(s)
		})
		delaySteps = int(p.groupDelay[int(p.groupPtr[pre])+g])
	}
	return pre, post, delaySteps
}

// Row returns the synapse index range [lo, hi) of presynaptic cell i.
func (p *Projection) Row(i int) (lo, hi int) { return int(p.rowPtr[i]), int(p.rowPtr[i+1]) }

// Targets returns the postsynaptic index of every synapse (shared storage;
// do not modify).
func (p *Projection) Targets() []uint32 { return p.targets }

// Find returns the index of the first synapse pre→post, or −1.
func (p *Projection) Find(pre, post int) int {
	if pre < 0 || pre >= p.nPre {
		return -1
	}
	for s := p.rowPtr[pre]; s < p.rowPtr[pre+1]; s++ {
		if int(p.targets[s]) == post {
			return int(s)
		}
	}
	return -1
}

// SetWeight sets the magnitude of synapse s (after Build), in [0,
// MaxWeight], and for a plastic projection whose rule has bounds
// (WeightBounder: STDP's [WMin, WMax], for instance) inside them. A
// projection built with one shared weight switches to per-synapse
// weights.
func (p *Projection) SetWeight(s int, w float64) error {
	if s < 0 || s >= len(p.targets) {
		return fmt.Errorf("brain: projection %q: synapse %d out of range [0, %d)", p.Name, s, len(p.targets))
	}
	if !(w >= 0 && w <= MaxWeight) {
		return fmt.Errorf("brain: projection %q: synapse %d: weight magnitude %v must be in [0, %g] (MaxWeight, pA or nS)", p.Name, s, w, float64(MaxWeight))
	}
	if b, ok := p.rule.(WeightBounder); ok {
		// A weight outside the rule's bounds would make its clipping
		// jump or its soft bounds (WMax − w) change sign.
		if lo, hi, _ := b.WeightBounds(); !(w >= lo && w <= hi) {
			return fmt.Errorf("brain: projection %q: synapse %d: weight magnitude %v outside the bounds [%v, %v] of its plasticity rule %T", p.Name, s, w, lo, hi, p.rule)
		}
	}
	if p.weights == nil {
		p.weights = make([]float32, len(p.targets))
		for k := range p.weights {
			p.weights[k] = float32(p.constW)
		}
	}
	p.weights[s] = float32(w)
	return nil
}

// build generates the connectivity, weights and delays.
func (p *Projection) build(net *Network) error {
	g := ConnBuilder{
		seed: net.Seed, proj: uint64(p.index),
		nPre: p.nPre, nPost: p.nPost,
		postBase: net.popBase[p.postIdx],
		same:     p.prePop != nil && p.prePop == p.post,
	}
	lo, hi := net.ownedRange(p.postIdx)
	if net.dist != nil && p.trimsAtSource() {
		g.trim, g.keepLo, g.keepHi = true, lo, hi
	}
	if p.preIdx >= 0 {
		g.preBase = net.popBase[p.preIdx]
	} else {
		g.preBase = net.srcBase[-1-p.preIdx] | 1<<62
	}
	if err := p.conn.Connect(&g); err != nil {
		return fmt.Errorf("brain: projection %q: %w", p.Name, unwrapPrefix(err))
	}
	if g.rowPtr == nil {
		return fmt.Errorf("brain: projection %q: connector %v built nothing (Connect must call Rows, RowsParallel, Columns or SetCSR)", p.Name, p.conn)
	}
	p.rowPtr, p.targets = g.rowPtr, g.targets
	nSyn := len(p.targets)
	dt := net.DT

	// Weights.
	sign := 1.0
	if p.inhib {
		sign = -1
	}
	checkDale := func(s int, w float64) error {
		if math.Abs(w) > MaxWeight {
			pre, post, _ := p.Synapse(s)
			return fmt.Errorf("brain: projection %q: synapse %d (%d→%d): weight %v beyond the bound of ±%g (MaxWeight, pA or nS)", p.Name, s, pre, post, w, float64(MaxWeight))
		}
		if math.IsNaN(w) || math.IsInf(w, 0) || w*sign < 0 {
			kind := "excitatory, weights must be ≥ 0"
			if p.inhib {
				kind = "inhibitory, weights must be ≤ 0"
			}
			pre, post, _ := p.Synapse(s)
			if math.IsNaN(w) || math.IsInf(w, 0) {
				return fmt.Errorf("brain: projection %q: synapse %d (%d→%d): weight %v is not finite", p.Name, s, pre, post, w)
			}
			return fmt.Errorf("brain: projection %q: synapse %d (%d→%d): weight %v contradicts Dale's law (presynaptic cells are %s)", p.Name, s, pre, post, w, kind)
		}
		return nil
	}
	var w64 []float64 // signed weights, when not constant
	switch {
	case g.weights != nil:
		w64 = g.weights
	case p.spec.Weight.IsConst() && p.spec.STDP == nil && p.spec.Plasticity == nil:
		p.constW = math.Abs(p.spec.Weight.A)
	default:
		w64 = make([]float64, nSyn)
		for i := range p.nPre {
			lo, hi := p.rowPtr[i], p.rowPtr[i+1]
			if lo == hi {
				continue
			}
			r := rand.New(newStream(net.Seed, streamWeight, uint64(p.index), g.preBase+uint64(i)))
			for s := lo; s < hi; s++ {
				w64[s] = p.spec.Weight.draw(r)
			}
		}
	}
	if w64 != nil {
		p.weights = make([]float32, nSyn)
		for s, w := range w64 {
			if err := checkDale(s, w); err != nil {
				return err
			}
			p.weights[s] = float32(math.Abs(w))
		}
	}

	// Delays (steps).
	toSteps := func(ms float64) (int64, error) {
		if math.IsNaN(ms) || math.IsInf(ms, 0) {
			return 0, fmt.Errorf("brain: projection %q: delay %v ms is not finite", p.Name, ms)
		}
		// The nearest whole step, half-way up; a quotient within 1e-9
		// steps below a half counts as the half, so that decimal delays
		// round alike (0.15/0.1 is 1.4999…, 0.25/0.1 is 2.5). Compare
		// before converting: int64 of a float beyond 2⁶³ is not
		// defined (negative on amd64).
		f := math.Floor(ms/dt + 0.5 + 1e-9)
		if f < 1 {
			return 0, fmt.Errorf("brain: projection %q: delay %v ms is shorter than one step (dt = %v ms)", p.Name, ms, dt)
		}
		if f > math.MaxUint16 {
			return 0, fmt.Errorf("brain: projection %q: delay %v ms exceeds %d steps (dt = %v ms)", p.Name, ms, math.MaxUint16, dt)
		}
		return int64(f), nil
	}
	var d64 []int64
	switch {
	case g.delays != nil:
		d64 = make([]int64, nSyn)
		for s, ms := range g.delays {
			k, err := toSteps(ms)
			if err != nil {
				return err
			}
			d64[s] = k
		}
	case p.spec.Delay == (Value{}):
		p.delay = 1
	case p.spec.Delay.IsConst():
		k, err := toSteps(p.spec.Delay.A)
		if err != nil {
			return err
		}
		p.delay = k
	default:
		// A distribution that can draw less than half a step would fail
		// for some seeds and wiring and not others: refuse it whatever
		// the draws.
		if lo, _ := p.spec.Delay.bounds(); nSyn > 0 && !(math.Floor(lo/dt+0.5+1e-9) >= 1) {
			return fmt.Errorf("brain: projection %q: Delay %+v can draw %v ms, shorter than one step (dt = %v ms): bound it below by dt/2 or more (the draws would fail for some seeds and not others)", p.Name, p.spec.Delay, lo, dt)
		}
		d64 = make([]int64, nSyn)
		for i := range p.nPre {
			lo, hi := p.rowPtr[i], p.rowPtr[i+1]
			if lo == hi {
				continue
			}
			r := rand.New(newStream(net.Seed, streamDelay, uint64(p.index), g.preBase+uint64(i)))
			for s := lo; s < hi; s++ {
				k, err := toSteps(p.spec.Delay.draw(r))
				if err != nil {
					return err
				}
				d64[s] = k
			}
		}
	}
	if net.dist != nil {
		d64 = p.keepOwned(lo, hi, d64)
	}
	if d64 != nil {
		p.groupDelays(d64)
	}
	p.maxDelay = p.delay
	for _, d := range p.groupDelay {
		p.maxDelay = max(p.maxDelay, int64(d))
	}

	if p.spec.STDP != nil {
		p.rule = p.spec.STDP.NewRule()
	} else {
		p.rule = p.spec.Plasticity
	}
	if p.rule != nil {
		return p.buildPlasticity(dt)
	}
	return nil
}

// groupDelays sorts every row by delay (stable, so targets stay ascending
// within a delay) and records the delay groups; with a single delay it
// keeps the per-projection form.
func (p *Projection) groupDelays(d []int64) {
	if len(d) == 0 {
		p.delay = 1
		return
	}
	if !slices.ContainsFunc(d, func(x int64) bool { return x != d[0] }) {
		p.delay = d[0]
		return
	}
	p.delay = 0
	p.groupPtr = make([]uint32, p.nPre+1)
	// Each row is sorted by delay with a stable counting sort (delays are
	// whole steps, at most 65 535), so targets stay ascending within a
	// delay group: O(row + delay span) per row.
	var (
		count []uint32 // per delay in [dmin, dmax]: synapses, then next free slot
		tBuf  []uint32
		wBuf  []float32
	)
	for i := range p.nPre {
		lo, hi := int(p.rowPtr[i]), int(p.rowPtr[i+1])
		if lo == hi {
			p.groupPtr[i+1] = uint32(len(p.groupEnd))
			continue
		}
		dmin, dmax := d[lo], d[lo]
		for _, x := range d[lo:hi] {
			dmin, dmax = min(dmin, x), max(dmax, x)
		}
		span := int(dmax-dmin) + 1
		if span > 4*(hi-lo)+1024 {
			p.groupRowSorted(lo, hi, d)
			p.groupPtr[i+1] = uint32(len(p.groupEnd))
			continue
		}
		count = slices.Grow(count[:0], span)[:span]
		clear(count)
		for _, x := range d[lo:hi] {
			count[x-dmin]++
		}
		next := uint32(0)
		for k, c := range count {
			if c == 0 {
				continue
			}
			next += c
			p.groupDelay = append(p.groupDelay, uint16(dmin+int64(k)))
			p.groupEnd = append(p.groupEnd, uint32(lo)+next)
			count[k] = next - c // first slot of this delay within the row
		}
		n := hi - lo
		tBuf = slices.Grow(tBuf[:0], n)[:n]
		if p.weights != nil {
			wBuf = slices.Grow(wBuf[:0], n)[:n]
		}
		for s := lo; s < hi; s++ {
			k := d[s] - dmin
			j := count[k]
			count[k]++
			tBuf[j] = p.targets[s]
			if p.weights != nil {
				wBuf[j] = p.weights[s]
			}
		}
		if p.weights != nil {
			copy(p.weights[lo:hi], wBuf)
		}
		copy(p.targets[lo:hi], tBuf)
		p.groupPtr[i+1] = uint32(len(p.groupEnd))
	}
}

// groupRowSorted is groupDelays for one row whose delays span far more
// steps than it has synapses: a stable comparison sort.
func (p *Projection) groupRowSorted(lo, hi int, d []int64) {
	type syn struct {
		d int64
		t uint32
		w float32
	}
	buf := make([]syn, 0, hi-lo)
	for s := lo; s < hi; s++ {
		x := syn{d: d[s], t: p.targets[s]}
		if p.weights != nil {
			x.w = p.weights[s]
		}
		buf = append(buf, x)
	}
	slices.SortStableFunc(buf, func(a, b syn) int { return cmp.Compare(a.d, b.d) })
	for k, x := range buf {
		s := lo + k
		p.targets[s] = x.t
		if p.weights != nil {
			p.weights[s] = x.w
		}
		if k == len(buf)-1 || buf[k+1].d != x.d {
			p.groupDelay = append(p.groupDelay, uint16(x.d))
			p.groupEnd = append(p.groupEnd, uint32(s+1))
		}
	}
}

// deliverRange enqueues the spikes of step (ascending presynaptic
// indices, repeats allowed) into the target's delay ring, for the
// postsynaptic cells in [lo, hi) only: part (segment) w of a Run.
// Rows hold their targets ascending (within each delay group), so the
// part of a row in range is found by binary search. Every target receives
// its additions in spike order whatever the range, so the sums do not
// depend on how the cells are split.
func (p *Projection) deliverRange(step int64, spikes []int32, lo, hi uint32, w int) {
	if len(spikes) == 0 || len(p.targets) == 0 {
		return
	}
	if hi >= uint32(p.nPost) {
		hi = noUpper
	}
	if p.tx != nil {
		p.deliverScaled(step, spikes, lo, hi, w)
		return
	}
	whole := lo == 0 && hi == noUpper
	n := uint32(p.nPost)
	r := p.ring
	tg, rp := p.targets, p.rowPtr
	if p.groupPtr == nil {
		row := r.slot(step+p.delay, w)
		if p.weights == nil {
			wt := p.constW * p.scale
			for _, i := range spikes {
				ts := tg[rp[i]:rp[i+1]]
				if !whole {
					ts = clipTargets(ts, lo, hi, n)
				}
				for _, t := range ts {
					row[t] += wt
				}
			}
			return
		}
		ws, sc := p.weights, p.scale
		for _, i := range spikes {
			a, b := rp[i], rp[i+1]
			if !whole {
				a, b = clipRange(tg, a, b, lo, hi, n)
			}
			ts, ww := tg[a:b], ws[a:b]
			ww = ww[:len(ts)]
			for k, t := range ts {
				row[t] += float64(ww[k]) * sc
			}
		}
		return
	}
	gp, gd, ge := p.groupPtr, p.groupDelay, p.groupEnd
	for _, i := range spikes {
		a := rp[i]
		for g := gp[i]; g < gp[i+1]; g++ {
			row := r.slot(step+int64(gd[g]), w)
			b := ge[g]
			x, y := a, b
			if !whole {
				x, y = clipRange(tg, a, b, lo, hi, n)
			}
			ts := tg[x:y]
			if p.weights == nil {
				wt := p.constW * p.scale
				for _, t := range ts {
					row[t] += wt
				}
			} else {
				ww := p.weights[x:y]
				ww = ww[:len(ts)]
				for k, t := range ts {
					row[t] += float64(ww[k]) * p.scale
				}
			}
			a = b
		}
	}
}

// noUpper as the upper end of a target range means "to the last cell".
const noUpper = math.MaxUint32

// clipRange narrows the synapse range [a, b), whose targets are
// ascending and spread over [0, n), to the synapses with targets in
// [lo, hi).
func clipRange(tg []uint32, a, b, lo, hi, n uint32) (uint32, uint32) {
	if lo > 0 {
		a = lowerBoundFrom(tg, a, b, lo, guess(a, b, lo, n))
	}
	if hi != noUpper {
		b = lowerBoundFrom(tg, a, b, hi, guess(a, b, hi, n))
	}
	return a, b
}

// clipTargets is clipRange on a row slice.
func clipTargets(ts []uint32, lo, hi, n uint32) []uint32 {
	a, b := clipRange(ts, 0, uint32(len(ts)), lo, hi, n)
	return ts[a:b]
}

// guess is where x would sit in [a, b) if the targets were spread evenly
// over [0, n): random connectivity makes it within a few places.
func guess(a, b, x, n uint32) uint32 {
	if x >= n {
		return b
	}
	return a + uint32(uint64(b-a)*uint64(x)/uint64(n))
}

// lowerBoundFrom is lowerBound searching outwards from m ∈ [a, b]
// (galloping), so a good guess costs a few comparisons.
func lowerBoundFrom(tg []uint32, a, b, x, m uint32) uint32 {
	if m < b && tg[m] < x { // the answer is after m
		lo, step := m+1, uint32(1)
		for {
			p := lo + step - 1
			if p >= b {
				return lowerBound(tg, lo, b, x)
			}
			if tg[p] >= x {
				return lowerBound(tg, lo, p, x)
			}
			lo, step = p+1, step*2
		}
	}
	hi, step := m, uint32(1) // the answer is at or before m
	for {
		if hi < a+step {
			return lowerBound(tg, a, hi, x)
		}
		p := hi - step
		if tg[p] < x {
			return lowerBound(tg, p+1, hi, x)
		}
		hi, step = p, step*2
	}
}

// lowerBound returns the first index in [a, b) whose target is ≥ x (b if
// none); tg[a:b] is ascending.
func lowerBound(tg []uint32, a, b, x uint32) uint32 {
	for a < b {
		m := a + (b-a)/2
		if tg[m] < x {
			a = m + 1
		} else {
			b = m
		}
	}
	return a
}
