package brain

import (
	"errors"
	"fmt"
	"math"
)

// GapJunctions are electrical synapses between pairs of cells of one
// population: a junction of conductance g between cells i and j passes
//
//	I_i = g·(V_j − V_i),  I_j = g·(V_i − V_j)   (pA, g in nS, V in mV)
//
// into their external currents (IExt, at the soma). The currents are
// computed from the membrane potentials at the start of every step (after
// the current sources, before any population is stepped), in the order
// the junctions were added, on one goroutine, so that results do not
// depend on the worker count. A junction has no state of its own: the
// potentials are the population's, so checkpoints need nothing more.
//
// Coupling is explicit in time (the potentials of the start of the step),
// which is stable while g·dt/C stays well below 1 per junction of a cell;
// Build refuses a population of a CapacitanceModel (the GeneralizedNeuron,
// or a model of yours that says its C) with a cell whose summed junction
// conductance (over every set of junctions of the population) makes
// ΣgΔt/C ≥ 0.5. For other models it cannot check.
type GapJunctions struct {
	pop  *Population
	a, b []int32   // the pairs
	g    []float64 // nS, one per pair
	v    []float64 // the population's V (set by Build)
	iext []float64
}

// Pairs is the number of junctions.
func (gj *GapJunctions) Pairs() int { return len(gj.a) }

// Population is the coupled population.
func (gj *GapJunctions) Population() *Population { return gj.pop }

// AddGapJunctions couples the cells of pop pairwise: pairs[k] = (i, j)
// gets conductance gNS (nS, > 0); a pair listed twice is coupled twice.
// The population must have a membrane potential V (a GeneralizedNeuron,
// or a NeuronModel with a variable "V" in mV). Call it before Build;
// several calls add several sets, applied in the order added.
func (n *Network) AddGapJunctions(pop *Population, pairs [][2]int, gNS float64) (*GapJunctions, error) {
	if pop == nil {
		return nil, errors.New("brain: AddGapJunctions: nil population")
	}
	if n.built {
		return nil, ErrBuilt
	}
	if !(gNS > 0) || math.IsInf(gNS, 0) {
		return nil, fmt.Errorf("brain: AddGapJunctions into %q: g = %v nS: must be a finite number > 0", pop.Name, gNS)
	}
	if pop.Var("V") == nil {
		return nil, fmt.Errorf("brain: AddGapJunctions into %q: the population has no variable V", pop.Name)
	}
	gj := &GapJunctions{pop: pop, a: make([]int32, len(pairs)), b: make([]int32, len(pairs)), g: make([]float64, len(pairs))}
	for k, p := range pairs {
		if p[0] < 0 || p[0] >= pop.N || p[1] < 0 || p[1] >= pop.N || p[0] == p[1] {
			return nil, fmt.Errorf("brain: AddGapJunctions into %q: pair %d = %v: cells must be distinct and in [0, %d)", pop.Name, k, p, pop.N)
		}
		gj.a[k], gj.b[k], gj.g[k] = int32(p[0]), int32(p[1]), gNS
	}
	if err := n.AddPopulation(pop); err != nil {
		return nil, err
	}
	n.gaps = append(n.gaps, gj)
	return gj, nil
}

// prepareGaps binds the junctions to their populations' slices, marks
// those populations as injected (their IExt is cleared every step) and
// checks the stability of every population's junctions, all its sets
// together.
func (n *Network) prepareGaps() error {
	sums := map[*Population][]float64{}
	var pops []*Population // in the order of their first set
	for _, gj := range n.gaps {
		k := n.popIndex(gj.pop)
		n.injected[k] = true
		gj.v, gj.iext = gj.pop.Var("V"), gj.pop.IExt
		sum := sums[gj.pop]
		if sum == nil {
			sum = make([]float64, gj.pop.N)
			sums[gj.pop] = sum
			pops = append(pops, gj.pop)
		}
		for s := range gj.a {
			sum[gj.a[s]] += gj.g[s]
			sum[gj.b[s]] += gj.g[s]
		}
	}
	var errs []error
	for _, pop := range pops {
		if err := checkGapStability(pop, sums[pop], n.DT); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkGapStability reports the first cell (by index) of pop whose summed
// junction conductance sum[i] (nS) makes Σg·dt/C ≥ 0.5, or whose
// capacitance is not a finite number > 0, for a population of a
// CapacitanceModel (nil for other models).
func checkGapStability(pop *Population, sum []float64, dt float64) error {
	cm, ok := pop.Model().(CapacitanceModel)
	if !ok {
		return nil
	}
	for i, g := range sum {
		if g == 0 {
			continue
		}
		c := cm.Capacitance(&pop.mod.st, i)
		if !(c > 0) || math.IsInf(c, 0) {
			return fmt.Errorf("brain: gap junctions of %q: model %s: Capacitance of cell %d = %v pF: must be a finite number > 0", pop.Name, pop.mod.name, i, c)
		}
		if g*dt/c >= 0.5 {
			return fmt.Errorf("brain: gap junctions of %q: cell %d has %v nS of junctions, g·dt/C = %.3g ≥ 0.5 (dt = %v ms, C = %v pF): unstable, use a smaller dt or g", pop.Name, i, g, g*dt/c, dt, c)
		}
	}
	return nil
}

// couple adds the junction currents of the start of this step.
func (gj *GapJunctions) couple() {
	v, in, g := gj.v, gj.iext, gj.g
	b := gj.b[:len(gj.a)]
	g = g[:len(gj.a)]
	for s, i := range gj.a {
		j := b[s]
		d := g[s] * (v[j] - v[i])
		in[i] += d
		in[j] -= d
	}
}
