package brain

import (
	"fmt"
	"math"
	"slices"
)

// A PlasticityRule changes the weights of a projection's synapses as the
// network runs (SynapseSpec.Plasticity). The library's rule is STDP (pair
// and triplet, additive or multiplicative; STDP.NewRule); a rule of yours
// (reward-modulated STDP, a homeostatic rule, a voltage-based rule) plugs
// in the same way and gets the same service: its state is saved and
// restored with the network if it implements Stateful, and it runs once
// per step after the step's spikes are known, in a fixed order, so its
// results do not depend on the worker count.
//
// Weights are magnitudes in the projection's units (pA or nS, before the
// presynaptic Efficacy), 32-bit, one per synapse: Synapses.Weights. The
// spikes of a step are delivered with the weights from before that step's
// Learn.
type PlasticityRule interface {
	// Prepare allocates the rule's per-synapse and per-cell state for the
	// synapses s (whose weights are set) and time step dt (ms), and checks
	// the initial weights, naming a bad synapse and value. Network.Build
	// calls it once.
	Prepare(s *Synapses, dt float64) error
	// Learn is called once per step, every step (with or without spikes:
	// it is also the per-step hook), after the step's spikes: pre holds
	// the presynaptic cells (or generators) that fired during step, in
	// ascending order (a generator repeated if it fired twice), post the
	// postsynaptic cells that fired, ascending. It updates the weights,
	// must not allocate, and runs concurrently with the Learn of other
	// projections (not with its own).
	Learn(s *Synapses, step int64, pre, post []int32)
}

// A WeightBounder is a PlasticityRule whose weights have bounds.
// WeightBounds returns them, lo and hi (weight magnitudes in the
// projection's units, 0 ≤ lo ≤ hi ≤ MaxWeight: Build checks them and the
// initial weights against them), and whether the rule
// keeps them itself: kept promises that every weight its Learn writes is
// finite and inside [lo, hi] and, for a Transmitter, that every release
// factor is finite and ≥ 0. The library's rules keep them (they clip,
// from validated parameters), and Run then trusts them; the weights of
// any other rule are checked while the network runs (Run). Either way
// Projection.SetWeight refuses a weight outside [lo, hi], and the check
// of a rule that does not keep its bounds uses them.
type WeightBounder interface {
	WeightBounds() (lo, hi float64, kept bool)
}

// StorageReporter is implemented by a PlasticityRule that reports the
// memory of its state (bytes) for Projection.Storage: arrays with one
// entry per synapse, and the rest.
type StorageReporter interface {
	StorageBytes() (perSynapse, perCell int64)
}

// A Modulator is a neuromodulatory signal (dopamine, reward, attention)
// that a plasticity rule reads through Synapses.Modulation.
type Modulator interface {
	// Level is the signal at time tMS (ms), dimensionless.
	Level(tMS float64) float64
}

// ModulatorFunc is a Modulator given by a function of time.
type ModulatorFunc func(tMS float64) float64

// Level returns f(tMS).
func (f ModulatorFunc) Level(tMS float64) float64 { return f(tMS) }

// Synapses is a plasticity rule's view of its projection: connectivity in
// compressed sparse rows (the synapses of presynaptic cell i are
// lo … hi−1, Row(i), with targets ascending within each delay), the
// mutable weights, and on request the incoming synapses of each
// postsynaptic cell.
type Synapses struct {
	p              *Projection
	dt             float64
	colPtr, colSyn []uint32
	err            error // the first error of the current step (plasticity_guard.go)
}

// Name is the projection's name.
func (s *Synapses) Name() string { return s.p.Name }

// NPre is the number of presynaptic cells (or generators).
func (s *Synapses) NPre() int { return s.p.nPre }

// NPost is the number of postsynaptic cells.
func (s *Synapses) NPost() int { return s.p.nPost }

// Len is the number of synapses.
func (s *Synapses) Len() int { return len(s.p.targets) }

// DT is the time step (ms).
func (s *Synapses) DT() float64 { return s.dt }

// Row returns the synapses lo … hi−1 of presynaptic cell i.
func (s *Synapses) Row(i int) (lo, hi int) { return int(s.p.rowPtr[i]), int(s.p.rowPtr[i+1]) }

// RowPtr returns the row offsets (NPre+1 values; read only).
func (s *Synapses) RowPtr() []uint32 { return s.p.rowPtr }

// Targets returns the postsynaptic cell of every synapse (read only).
func (s *Synapses) Targets() []uint32 { return s.p.targets }

// Weights returns the weight magnitude of every synapse; the rule writes
// into it.
func (s *Synapses) Weights() []float32 { return s.p.weights }

// Incoming returns, for every postsynaptic cell j, its incoming synapses
// colSyn[colPtr[j]:colPtr[j+1]], ascending (and so by ascending
// presynaptic cell). It is built at the first call (4 bytes per synapse,
// counted by Projection.Storage); call it in Prepare.
func (s *Synapses) Incoming() (colPtr, colSyn []uint32) {
	if s.colPtr == nil {
		p := s.p
		s.colPtr = make([]uint32, p.nPost+1)
		for _, t := range p.targets {
			s.colPtr[t+1]++
		}
		for j := range p.nPost {
			s.colPtr[j+1] += s.colPtr[j]
		}
		s.colSyn = make([]uint32, len(p.targets))
		fill := slices.Clone(s.colPtr[:p.nPost])
		for k, t := range p.targets {
			s.colSyn[fill[t]] = uint32(k)
			fill[t]++
		}
	}
	return s.colPtr, s.colSyn
}

// RowOf returns the presynaptic cell whose row holds synapse syn,
// searching forward from cell from (the row of from must end at or before
// syn, or hold it): walking a cell's ascending incoming synapses, pass the
// previous answer as from.
func (s *Synapses) RowOf(syn uint32, from int) int {
	rp, n := s.p.rowPtr, s.p.nPre
	i := from
	if rp[i+1] > syn {
		return i
	}
	step := 1
	for i+step < n && rp[i+step+1] <= syn {
		step *= 2
	}
	lo, hi := i+step/2+1, min(i+step, n-1) // rp[lo] ≤ syn: the row is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi+1) >> 1)
		if rp[m] <= syn {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

// CheckWeights returns an error naming the first synapse whose weight
// magnitude lies outside [lo, hi] (or is NaN), for a rule's Prepare to
// check the initial weights against its bounds. Weights are stored in 32
// bits, so the bounds are rounded the same way first: a weight set to hi
// itself is stored as float32(hi), which may lie just above hi, and must
// pass (rounding is monotone, so every value in [lo, hi] lands in
// [float32(lo), float32(hi)]).
func (s *Synapses) CheckWeights(lo, hi float64) error { return s.p.checkWeights(lo, hi) }

// checkWeights is Synapses.CheckWeights for any projection with
// per-synapse weights.
func (p *Projection) checkWeights(lo, hi float64) error {
	l, h := float32(lo), float32(hi)
	for k, w := range p.weights {
		if !(w >= l && w <= h) {
			pre, post, _ := p.Synapse(k)
			return fmt.Errorf("synapse %d (%d→%d): weight magnitude %v outside [%v, %v]", k, pre, post, w, lo, hi)
		}
	}
	return nil
}

// Modulation is the projection's Modulator at the start of step (0
// without one). A level that is not finite is returned as 0, and Run
// stops after the step with an error naming the projection, the level
// and the time (the rule's weights would otherwise turn NaN).
func (s *Synapses) Modulation(step int64) float64 {
	if s.p.spec.Modulator == nil {
		return 0
	}
	t := float64(step) * s.dt
	x := s.p.spec.Modulator.Level(t)
	if !(math.Abs(x) <= math.MaxFloat64) {
		s.fail(fmt.Errorf("brain: projection %q: Modulator %T gave level %v at t = %g ms: must be finite", s.p.Name, s.p.spec.Modulator, x, t))
		return 0
	}
	return x
}

// buildPlasticity gives the projection per-synapse weights and prepares
// its rule.
func (p *Projection) buildPlasticity(dt float64) error {
	if p.weights == nil { // plastic synapses need their own weights
		p.weights = make([]float32, len(p.targets))
		for s := range p.weights {
			p.weights[s] = float32(p.constW)
		}
	}
	p.syn = &Synapses{p: p, dt: dt}
	p.tx, _ = p.rule.(Transmitter)
	if p.tx != nil {
		p.release = make([]float64, 0, p.nPre)
	}
	if err := p.rule.Prepare(p.syn, dt); err != nil {
		return fmt.Errorf("brain: projection %q: %w", p.Name, unwrapPrefix(err))
	}
	if b, ok := p.rule.(WeightBounder); ok {
		lo, hi, _ := b.WeightBounds()
		if !(lo >= 0 && lo <= hi && hi <= MaxWeight) {
			return fmt.Errorf("brain: projection %q: plasticity rule %T: WeightBounds [%v, %v]: need 0 ≤ lo ≤ hi ≤ %g (MaxWeight)", p.Name, p.rule, lo, hi, float64(MaxWeight))
		}
		if err := p.checkWeights(lo, hi); err != nil {
			return fmt.Errorf("brain: projection %q: initial %v, the bounds of its plasticity rule %T", p.Name, err, p.rule)
		}
	}
	return nil
}
