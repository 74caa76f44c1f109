package brain

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// PoissonInput drives every cell of a population with its own Poisson
// background: in each time step each cell receives an independent Poisson
// number of synaptic events with mean RateHz·dt, each adding Weight to
// its synaptic variable. That is the sum of K independent Poisson inputs
// at ν Hz when RateHz = K·ν, the way NEST's poisson_generator drives its
// targets (one independent process per target), but drawn as one count
// per cell and step rather than spike by spike through a projection, so
// the work is one random number per cell and step however high the rate.
//
// Each cell's counts come from a counter-based random stream keyed by the
// network seed, the cell's global id and the input's index, and by the
// step: they do not depend on how many workers step the network or how it
// is split, and a restored checkpoint goes on with the same numbers
// (there is no state to save).
type PoissonInput struct {
	// Name labels the input in errors.
	Name string
	// RateHz is the total rate of input events of each cell (Hz): K
	// inputs at ν Hz each make K·ν. The mean count per step, RateHz·dt,
	// must not exceed MaxPoissonInputMean.
	RateHz float64
	// Weight is the size of one event (pA into current synapses, nS into
	// conductance synapses), ≥ 0: the receptor gives the sign.
	Weight float64
	// Receptor and Compartment choose the synaptic variable the events
	// add to (Population.Input).
	Receptor    Receptor
	Compartment Compartment
	// StartMS is when the input begins (ms); before it no events arrive
	// (a spike source connected with a delay d starts at d).
	StartMS float64
}

// MaxPoissonInputMean bounds the mean number of events of one cell in one
// step (RateHz·dt): far above any background (the microcircuit's largest
// is 2.3) and small enough that the count distribution's table stays
// short and exp(−mean) far from underflow.
const MaxPoissonInputMean = 500

func (in *PoissonInput) validate(dt float64) error {
	bad := func(f string, v any, why string) error {
		return fmt.Errorf("brain: PoissonInput %q: %s = %v: %s", in.Name, f, v, why)
	}
	switch {
	case !(in.RateHz >= 0) || math.IsInf(in.RateHz, 0):
		return bad("RateHz", in.RateHz, "must be finite and ≥ 0")
	case dt > 0 && in.RateHz*dt/1000 > MaxPoissonInputMean:
		return bad("RateHz", in.RateHz, fmt.Sprintf("a mean of %g events per step of %g ms is above %d", in.RateHz*dt/1000, dt, MaxPoissonInputMean))
	case !(in.Weight >= 0) || in.Weight > MaxWeight:
		return bad("Weight", in.Weight, fmt.Sprintf("must be in [0, %g] (the receptor gives the sign)", float64(MaxWeight)))
	case in.Compartment >= NumCompartments:
		return bad("Compartment", in.Compartment, "unknown compartment")
	case !(in.StartMS >= 0) || math.IsInf(in.StartMS, 0):
		return bad("StartMS", in.StartMS, "must be finite and ≥ 0")
	}
	return nil
}

// poissonInput is a PoissonInput added to a network.
type poissonInput struct {
	PoissonInput
	pop   int
	input []float64 // the synaptic variable the events add to
	keys  []uint64  // per cell: the key of its stream
	// thr[k] is 2⁶⁴·P(count ≤ k), the last entry MaxUint64: a cell's
	// count is the number of entries a uniform 64-bit number reaches.
	thr   []uint64
	start int64 // first step with events
}

// AddPoissonInput drives every cell of pop with an independent Poisson
// number of synaptic events per step (PoissonInput).
func (n *Network) AddPoissonInput(pop *Population, in PoissonInput) error {
	if pop == nil {
		return errors.New("brain: AddPoissonInput: nil population")
	}
	if n.built {
		return ErrBuilt
	}
	if err := in.validate(0); err != nil {
		return err
	}
	if err := n.AddPopulation(pop); err != nil {
		return err
	}
	n.inputs = append(n.inputs, &poissonInput{PoissonInput: in, pop: n.popIndex(pop)})
	return nil
}

// preparePoissonInputs checks the inputs against the network's dt and
// populations and makes their keys and count tables (Build).
func (n *Network) preparePoissonInputs() error {
	for k, in := range n.inputs {
		pop := n.pops[in.pop]
		if err := in.validate(n.DT); err != nil {
			return err
		}
		if in.Compartment == Distal && !pop.hasDendrite() {
			return fmt.Errorf("brain: PoissonInput %q: Compartment = Distal: population %q has no dendrite", in.Name, pop.Name)
		}
		in.input = pop.Input(in.Compartment, in.Receptor)
		if len(in.input) != pop.N {
			return fmt.Errorf("brain: PoissonInput %q: Receptor = %v: population %q has no such synaptic variable", in.Name, in.Receptor, pop.Name)
		}
		in.keys = make([]uint64, pop.N)
		for i := range in.keys {
			in.keys[i] = streamKey(streamPoissonInput, n.popBase[in.pop]+uint64(i), uint64(k))
		}
		in.thr = poissonThresholds(in.RateHz * n.DT / 1000)
		// A start past the clock's last step is never (int64 of a float
		// beyond 2⁶³ is not defined: it made such an input start at once).
		in.start = int64(min(math.Ceil(in.StartMS/n.DT-1e-9), float64(MaxSteps)))
	}
	return nil
}

// poissonThresholds returns the count table of a Poisson distribution of
// the given mean (≤ MaxPoissonInputMean): thr[k] = 2⁶⁴·P(count ≤ k), up
// to the first k past the mean beyond which the remaining probability is
// below 2⁻⁶⁴, whose entry is MaxUint64 (no count exceeds it).
func poissonThresholds(mean float64) []uint64 {
	var thr []uint64
	p, cdf := math.Exp(-mean), 0.0
	for k := 0; ; k++ {
		cdf += p                 // P(count ≤ k)
		p *= mean / float64(k+1) // P(count = k+1)
		if cdf >= 1 || (float64(k) >= mean && p < 0x1p-64) {
			return append(thr, math.MaxUint64)
		}
		thr = append(thr, uint64(cdf*0x1p64))
	}
}

// addRange adds the events of step to cells [lo, hi) and returns how many
// there were.
func (in *poissonInput) addRange(lo, hi int, step int64) int64 {
	return in.addRangeTo(in.input, lo, hi, step)
}

// addRangeTo is addRange into x (in.input or a replica of it).
func (in *poissonInput) addRangeTo(x []float64, lo, hi int, step int64) int64 {
	if step < in.start {
		return 0
	}
	// Cell i's numbers are the SplitMix64 sequence (Steele, Lea & Flood
	// 2014) seeded with its key, element step: keyed by cell and step
	// alone. A count is the number of thresholds its number reaches.
	x = x[lo:hi]
	keys := in.keys[lo:hi][:len(x)]
	thr, w := in.thr, in.Weight
	last := len(thr) - 1
	c := uint64(step) * 0x9e3779b97f4a7c15
	if last > 8 && float64(thr[7]) < 0.99*0x1p64 {
		// counts of 8 or more in more than 1 % of the cells: a plain search
		var events int64
		for i, key := range keys {
			r := splitmix64(key + c)
			k := 0
			for k < last && r >= thr[k] {
				k++
			}
			x[i] += float64(k) * w
			events += int64(k)
		}
		return events
	}
	// The first eight thresholds are compared without a branch (a
	// background of 1–3 events per step would mispredict about one branch
	// per cell); only a count of eight or more goes on in a loop.
	var t [8]uint64
	for j := range t {
		t[j] = math.MaxUint64
		if j < last {
			t[j] = thr[j]
		}
	}
	var events int64
	for i, key := range keys {
		r := splitmix64(key + c)
		// 1 − borrow of r − t[j] is 1 when r ≥ t[j]
		_, b0 := bits.Sub64(r, t[0], 0)
		_, b1 := bits.Sub64(r, t[1], 0)
		_, b2 := bits.Sub64(r, t[2], 0)
		_, b3 := bits.Sub64(r, t[3], 0)
		_, b4 := bits.Sub64(r, t[4], 0)
		_, b5 := bits.Sub64(r, t[5], 0)
		_, b6 := bits.Sub64(r, t[6], 0)
		_, b7 := bits.Sub64(r, t[7], 0)
		k := 8 - int(b0+b1+b2+b3+b4+b5+b6+b7)
		if k >= min(8, last) {
			// r = MaxUint64 passes the padding; the table's end stops it
			k = min(k, last)
			for k < last && r >= thr[k] {
				k++
			}
		}
		x[i] += float64(k) * w
		events += int64(k)
	}
	return events
}

// PoissonInputs returns the Poisson inputs added to pop, in order.
func (n *Network) PoissonInputs(pop *Population) []PoissonInput {
	var out []PoissonInput
	for _, in := range n.inputs {
		if n.pops[in.pop] == pop {
			out = append(out, in.PoissonInput)
		}
	}
	return out
}
