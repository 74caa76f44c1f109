package brain

// A Transmitter is a PlasticityRule that also decides how strongly each
// presynaptic spike is transmitted at the moment it leaves: short-term
// depression and facilitation (Tsodyks–Markram), stochastic release, or
// any other per-spike scaling of the weight. It is the same hook for the
// library's rules and yours.
//
// The network calls Transmit once per step, after the step's spikes are
// known and before they are delivered through the projection (and so
// before Learn): the spike pre[n] then adds release[n]·w·Efficacy to the
// synaptic variable of every target, w the synapse's weight magnitude. A
// projection whose rule is not a Transmitter delivers w·Efficacy and pays
// nothing for this hook.
type Transmitter interface {
	PlasticityRule
	// Transmit writes into release[n] (len(release) == len(pre)) the
	// factor (dimensionless, finite) by which the presynaptic spike pre[n]
	// of step scales the weights of its synapses; pre is as in Learn
	// (ascending, a generator repeated if it fired twice). It must not
	// allocate; it runs in the network's goroutine, one projection after
	// another, never concurrently with the rule's Learn.
	Transmit(s *Synapses, step int64, pre []int32, release []float64)
}

// transmit asks the projection's Transmitter for the release factors of
// the spikes of step (pre) and keeps them for deliverRange.
func (p *Projection) transmit(step int64, pre []int32) {
	if cap(p.release) < len(pre) { // only when a source repeats generators within a step
		p.release = make([]float64, len(pre), 2*len(pre))
	}
	p.rel = p.release[:len(pre)]
	p.tx.Transmit(p.syn, step, pre, p.rel)
}

// deliverScaled is deliverRange for a projection with a Transmitter: the
// weight of spike n is multiplied by its release factor p.rel[n].
func (p *Projection) deliverScaled(step int64, spikes []int32, lo, hi uint32, w int) {
	whole := lo == 0 && hi == noUpper
	n := uint32(p.nPost)
	r := p.ring
	tg, rp, ws, rel := p.targets, p.rowPtr, p.weights, p.rel[:len(spikes)]
	if p.groupPtr == nil {
		row := r.slot(step+p.delay, w)
		for k, i := range spikes {
			a, b := rp[i], rp[i+1]
			if !whole {
				a, b = clipRange(tg, a, b, lo, hi, n)
			}
			sc := rel[k] * p.scale
			ts, ww := tg[a:b], ws[a:b]
			ww = ww[:len(ts)]
			for m, t := range ts {
				row[t] += float64(ww[m]) * sc
			}
		}
		return
	}
	gp, gd, ge := p.groupPtr, p.groupDelay, p.groupEnd
	for k, i := range spikes {
		sc := rel[k] * p.scale
		a := rp[i]
		for g := gp[i]; g < gp[i+1]; g++ {
			row := r.slot(step+int64(gd[g]), w)
			b := ge[g]
			x, y := a, b
			if !whole {
				x, y = clipRange(tg, a, b, lo, hi, n)
			}
			ts, ww := tg[x:y], ws[x:y]
			ww = ww[:len(ts)]
			for m, t := range ts {
				row[t] += float64(ww[m]) * sc
			}
			a = b
		}
	}
}
