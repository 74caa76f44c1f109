package brain

import (
	"errors"
	"fmt"
	"math"
)

// The weights a user's plasticity rule writes are magnitudes: a negative
// one reverses the synapse (an excitatory cell inhibits, against Dale's
// law) and a NaN one reaches the target cells as a blow-up much later,
// naming the population instead of the rule. Checking each weight as it
// is delivered costs a compare per synaptic event in the hot loop, so
// the network sweeps the weights instead: after each step's Learn a
// chunk of the projection's synapses, the whole projection once every
// guardPass steps (fewer for small ones). Rules that keep their bounds
// (WeightBounder with kept true: the library's) are not swept. A
// Transmitter's release factors are checked as they are made: one
// compare per presynaptic spike, against the hundreds of synapses that
// spike then reaches.

// guardPass is the number of steps in which the sweep visits every
// synapse of a large projection once (409.6 ms at dt = 0.1 ms), and
// guardChunk the least number of synapses it visits per step (a
// projection of up to guardChunk·guardPass synapses is swept faster).
const (
	guardPass  = 4096
	guardChunk = 256
)

// ruleGuard sweeps the weights of a projection whose rule does not keep
// its bounds.
type ruleGuard struct {
	lo, hi float32 // the bounds, rounded to float32 as the weights are
	lod    float64 // the bounds as the rule gave them, for messages
	hid    float64
	chunk  int // synapses per step
	next   int // the first synapse of the next step's chunk
}

// newRuleGuard returns the guard for p's rule, or nil when the rule
// keeps its bounds.
func newRuleGuard(p *Projection) *ruleGuard {
	g := &ruleGuard{lod: 0, hid: MaxWeight}
	if b, ok := p.rule.(WeightBounder); ok {
		lo, hi, kept := b.WeightBounds()
		if kept {
			return nil
		}
		g.lod, g.hid = max(lo, 0), min(hi, MaxWeight)
	}
	g.lo, g.hi = float32(g.lod), float32(g.hid)
	n := len(p.targets)
	g.chunk = max(guardChunk, (n+guardPass-1)/guardPass)
	return g
}

// sweep checks the next chunk of p's weights after the Learn of step; a
// bad weight is recorded in p.syn.err.
func (g *ruleGuard) sweep(p *Projection, step int64) {
	ws := p.weights
	a := g.next
	b := min(a+g.chunk, len(ws))
	if b == len(ws) {
		g.next = 0
	} else {
		g.next = b
	}
	if k := g.first(ws[a:b]); k >= 0 {
		p.syn.fail(g.weightError(p, a+k, step))
	}
}

// first returns the index of the first weight of ws outside [lo, hi] (or
// NaN), −1 if none. The magnitudes' bit patterns, less lo's, are
// compared without sign: that orders finite non-negative floats, puts
// every negative one (sign bit set) and NaN above the range, and takes
// one maximum per weight instead of two branches (−0, harmless, also
// lands above it and is let through on the slow path).
func (g *ruleGuard) first(ws []float32) int {
	lb := math.Float32bits(g.lo)
	rng := math.Float32bits(g.hi) - lb
	var m0, m1, m2, m3 uint32
	k := 0
	for ; k+4 <= len(ws); k += 4 {
		m0 = max(m0, math.Float32bits(ws[k])-lb)
		m1 = max(m1, math.Float32bits(ws[k+1])-lb)
		m2 = max(m2, math.Float32bits(ws[k+2])-lb)
		m3 = max(m3, math.Float32bits(ws[k+3])-lb)
	}
	for ; k < len(ws); k++ {
		m0 = max(m0, math.Float32bits(ws[k])-lb)
	}
	if max(m0, m1, m2, m3) <= rng {
		return -1
	}
	lo, hi := g.lo, g.hi
	for k, w := range ws {
		if !(w >= lo && w <= hi) {
			return k
		}
	}
	return -1
}

// scanAll checks every weight of p (after a blow-up, to name a bad weight
// as its cause).
func (g *ruleGuard) scanAll(p *Projection, step int64) error {
	if k := g.first(p.weights); k >= 0 {
		return g.weightError(p, k, step)
	}
	return nil
}

func (g *ruleGuard) weightError(p *Projection, k int, step int64) error {
	pre, post, _ := p.Synapse(k)
	w := p.weights[k]
	why := ""
	if w < 0 {
		why = " (a negative magnitude reverses the synapse, against Dale's law)"
	}
	every := (len(p.weights) + g.chunk - 1) / g.chunk
	return fmt.Errorf("brain: projection %q: its plasticity rule %T wrote weight magnitude %v into synapse %d (%d→%d), outside [%v, %v]%s; found after the step at t = %g ms (each synapse is checked once every %d steps)",
		p.Name, p.rule, w, k, pre, post, g.lod, g.hid, why, float64(step)*p.syn.dt, every)
}

// checkRelease checks the release factors a Transmitter gave the spikes
// pre of step.
func (p *Projection) checkRelease(step int64, pre []int32) error {
	for n, r := range p.rel {
		if !(r >= 0 && r <= math.MaxFloat64) {
			return fmt.Errorf("brain: projection %q: its plasticity rule %T gave release factor %v to the spike of presynaptic cell %d at t = %g ms: must be finite and ≥ 0 (a negative factor reverses the synapse, against Dale's law)",
				p.Name, p.rule, r, pre[n], float64(step)*p.syn.dt)
		}
	}
	return nil
}

// fail records the first error of the rule's step.
func (s *Synapses) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// learnErrors returns (and clears) the errors the plastic projections
// recorded during the step's Learn.
func (n *Network) learnErrors() error {
	var errs []error
	for _, p := range n.watched {
		if p.syn.err != nil {
			errs = append(errs, p.syn.err)
			p.syn.err = nil
		}
	}
	return errors.Join(errs...)
}

// blamePlasticity adds, to a blow-up found at step, the first weight
// outside its bounds of a projection whose rule does not keep them: the
// likely cause.
func (n *Network) blamePlasticity(err error, step int64) error {
	for _, p := range n.watched {
		if p.guard == nil {
			continue
		}
		if e := p.guard.scanAll(p, step); e != nil {
			return errors.Join(e, err)
		}
	}
	return err
}
