package brain

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// DefaultDT is the default integration step (ms).
const DefaultDT = 0.1

// BlowUpError reports a numerical blow-up (a NaN or infinite state
// variable) found by Population.Step.
type BlowUpError struct {
	Population string  // Population.Name
	Model      string  // the NeuronModel's type ("" for the GeneralizedNeuron)
	Neuron     int     // neuron index within the population
	Variable   string  // "V", "Vd", "W", "Theta", "IExt", "Input(Proximal,Excitatory)", …
	Value      float64 // the offending value
	TimeMS     float64 // start of the step in which it was found (ms)
	// Cause says why the value is a blow-up when it is finite ("" for a
	// NaN or infinite value): a forward Euler step that would be unstable.
	Cause string
}

func (e *BlowUpError) Error() string {
	model := ""
	if e.Model != "" {
		model = " (model " + e.Model + ")"
	}
	cause := "numerical blow-up"
	if e.Cause != "" {
		cause += ": " + e.Cause
	}
	return fmt.Sprintf("brain: population %q%s neuron %d: %s = %v at t = %g ms (%s)",
		e.Population, model, e.Neuron, e.Variable, e.Value, e.TimeMS, cause)
}

// ErrNotPrepared is returned by Step when Prepare has not been called.
var ErrNotPrepared = errors.New("brain: population not prepared (call Prepare(dt) first)")

// parallelMinN is the population size from which Step splits its work over
// several goroutines (below it the goroutine hand-off costs more than it
// saves).
const parallelMinN = 16384

// Population is N neurons sharing one parameter set P, stored as
// struct-of-arrays: every state variable is one slice of length N,
// allocated by NewPopulation and never reallocated (so slices taken from it
// stay valid). Per-neuron heterogeneity lives in IBias, Theta0 and Size.
//
// A Population is driven by writing inputs and calling Step once per time
// step:
//
//	pop.IExt[i] += 200                                 // pA at the soma, this step
//	pop.Input(brain.Proximal, brain.Excitatory)[j] += w // a delivered spike (pA or nS)
//	spikes, err := pop.Step(k)                         // t = k·dt → (k+1)·dt
//
// Modifying P after Prepare has no effect until Prepare is called again.
type Population struct {
	// Name labels the population in errors and recordings.
	Name string
	// N is the number of neurons.
	N int
	// P is the shared parameter set.
	P Params

	// V is the somatic membrane potential (mV).
	V []float64
	// Vd is the dendritic membrane potential (mV); equal to EL and unused
	// when P.Gc == 0.
	Vd []float64
	// W is the adaptation current (pA) of a cell of Size 1; the current
	// acting on neuron i is Size[i]·W[i] (A and B scale with size).
	W []float64
	// Theta is the current spike threshold θ (mV).
	Theta []float64

	// IExt is the external current injected at the soma during the coming
	// step (pA). Current sources add to it before Step; Step does not clear
	// it (the network zeroes it at the start of every step).
	IExt []float64
	// IExtDist is the external current injected at the dendrite (pA), with
	// the same semantics as IExt. With no dendrite (P.Gc == 0) it is the
	// same slice as IExt.
	IExtDist []float64

	// IBias is the per-neuron constant bias current at the soma (pA),
	// initialised to P.IBias.
	IBias []float64
	// Theta0 is the per-neuron resting threshold θ0 (mV), initialised to
	// P.VT: the LIF path spikes when V ≥ Theta0, and in the general path θ
	// relaxes towards it (less the sensory drop) with TauTheta.
	Theta0 []float64
	// Size is the per-neuron size factor (dimensionless, > 0), initialised
	// to 1. It multiplies every capacitance and conductance of the cell
	// (C, GL, Cd, GLd, Gc, A, B): time constants stay the same and the
	// input resistance is divided by Size (Henneman's size principle).
	// Read by Prepare.
	Size []float64

	// synaptic variables: syn[c][r] (pA for CurrentExp, nS for
	// ConductanceExp). With no dendrite the Distal slices alias the
	// Proximal ones.
	syn [NumCompartments][NumReceptors][]float64

	offset []float64 // spike time within the last step (ms from step start)

	dt       float64
	prepared bool

	mod        *modelPop // the NeuronModel
	seed, base uint64    // network seed and global id of neuron 0 (random streams)

	workers int
	chunks  []chunk
	spikes  []int32
	wg      sync.WaitGroup
	curStep int64
}

type chunk struct {
	lo, hi int
	spikes []int32
	err    error
	run    func()       // steps this chunk at p.curStep; built once by setupChunks
	sc     *fullScratch // scratch of the general kernel
}

// NewPopulation returns n neurons with parameters p at rest (V = Vd = EL,
// W = 0, θ = VT, no input). It validates p and n.
func NewPopulation(name string, n int, p Params) (*Population, error) {
	if n <= 0 {
		return nil, fmt.Errorf("brain: population %q: N = %d: must be > 0", name, n)
	}
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("brain: population %q: N = %d: must fit in int32", name, n)
	}
	if err := checkPopulationMemory(name, n); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("brain: population %q: %w", name, err)
	}
	pop, err := NewModelPopulation(name, n, &GeneralizedNeuron{P: p})
	if err != nil {
		return nil, err
	}
	pop.workers = runtime.GOMAXPROCS(0)
	return pop, nil
}

// Input returns the synaptic variable of compartment c and receptor r, one
// value per neuron: a delivered spike adds its weight (pA for CurrentExp,
// nS for ConductanceExp; a non-negative magnitude, the receptor gives the
// sign) and Step lets it decay with TauE or TauI. With no dendrite
// (P.Gc == 0) the Distal slice is the Proximal one. A population of a
// ReceptorModel has one input per receptor it declares (receptor k is
// Receptor(k); no dendrite). It returns nil for an unknown compartment or
// receptor.
func (p *Population) Input(c Compartment, r Receptor) []float64 {
	if c >= NumCompartments {
		return nil
	}
	return p.mod.st.InputAt(c, r)
}

// OutputScale is the factor a projection multiplies every weight leaving
// this population by: +P.Efficacy (never negative). Weights and synaptic
// variables are magnitudes; the sign of a connection is its receptor, which
// Dale's law fixes from P.Inhibitory (see OutputReceptor).
func (p *Population) OutputScale() float64 { return p.P.Efficacy }

// OutputReceptor is the receptor that every synapse leaving this
// population must use under Dale's law: Inhibitory if P.Inhibitory, else
// Excitatory.
func (p *Population) OutputReceptor() Receptor {
	if p.P.Inhibitory {
		return Inhibitory
	}
	return Excitatory
}

// DT is the step (ms) set by Prepare, or 0 before.
func (p *Population) DT() float64 { return p.dt }

// SetWorkers sets how many goroutines Step may use for a large population
// (N ≥ 16384); n ≤ 1 means serial. The default is GOMAXPROCS. Results do not
// depend on it. Call Prepare again for it to take effect.
func (p *Population) SetWorkers(n int) {
	if n < 1 {
		n = 1
	}
	p.workers = n
	p.prepared = false
	if p.dt > 0 {
		_ = p.Prepare(p.dt)
	}
}

// Prepare checks the parameters and per-neuron arrays and precomputes the
// propagators for step dt (ms). Network.Build calls it; call it yourself
// before stepping a standalone population, and again after editing P,
// Size or the worker count.
func (p *Population) Prepare(dt float64) error {
	p.prepared = false
	if !(dt > 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("brain: population %q: dt = %v: must be a finite number > 0 ms", p.Name, dt)
	}
	return p.prepareModel(dt)
}

func (p *Population) setupChunks() {
	nw := p.workers
	if p.N < parallelMinN || nw <= 1 {
		nw = 1
	}
	if nw > p.N/1024 {
		nw = max(1, p.N/1024)
	}
	p.chunks = make([]chunk, nw)
	for c := range p.chunks {
		ch := &p.chunks[c]
		ch.lo = p.N * c / nw
		ch.hi = p.N * (c + 1) / nw
		ch.spikes = make([]int32, 0, ch.hi-ch.lo)
		ch.sc = p.newScratch()
		ch.run = func() {
			ch.spikes, ch.err = p.stepRange(ch, p.curStep)
			p.wg.Done()
		}
	}
}

// Step advances every neuron from t = step·dt to (step+1)·dt and returns
// the ascending indices of the neurons that spiked during the step. The
// slice is reused by the next Step. It reads IExt, IExtDist, IBias and the
// synaptic inputs, decays the synaptic variables, and does not clear IExt.
// A NaN or infinite state variable stops it with a *BlowUpError (the
// population state is then partly advanced).
func (p *Population) Step(step int64) ([]int32, error) {
	if !p.prepared {
		return nil, ErrNotPrepared
	}
	if len(p.chunks) == 1 {
		ch := &p.chunks[0]
		ch.spikes, ch.err = p.stepRange(ch, step)
		if ch.err != nil {
			return nil, ch.err
		}
		return ch.spikes, nil
	}
	// Chunks of contiguous neurons run concurrently; each collects its own
	// ascending spike list, and the lists are joined in chunk order, so the
	// result is the serial one.
	p.curStep = step
	p.wg.Add(len(p.chunks))
	for c := range p.chunks[1:] {
		go p.chunks[c+1].run()
	}
	p.chunks[0].run()
	p.wg.Wait()
	p.spikes = p.spikes[:0]
	for c := range p.chunks {
		if err := p.chunks[c].err; err != nil {
			return nil, err
		}
		p.spikes = append(p.spikes, p.chunks[c].spikes...)
	}
	return p.spikes, nil
}

// SpikeOffset returns the time (ms from the start of the last step) at
// which neuron i spiked during the last Step, valid for the neurons that
// Step returned. The exact LIF path is grid-constrained and reports dt (the
// spike is emitted at the end of the step, as in NEST); the general path
// interpolates the crossing of VPeak (or of θ when DeltaT == 0).
func (p *Population) SpikeOffset(i int) float64 { return p.offset[i] }

// stepRange steps the neurons of one chunk and returns their spikes.
func (p *Population) stepRange(ch *chunk, step int64) ([]int32, error) {
	lo, hi, dst := ch.lo, ch.hi, ch.spikes[:0]
	return p.stepModel(lo, hi, step, dst, ch.sc)
}
