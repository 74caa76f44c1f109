package brain

import (
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
)

// A NeuronModel is the equations of a neuron, written as Go: the state
// variables it declares (each one slice of N values in the population,
// struct-of-arrays), and a step that advances a range of neurons by one
// time step and reports which of them spiked. NewModelPopulation makes a
// population of it; it then plugs into Network like any population of the
// GeneralizedNeuron (NewPopulation): projections deliver spikes into its
// synaptic inputs, current sources add to its IExt, recorders and
// monitors read its variables by name, Network.Save and Restore carry its
// state, a non-finite variable stops Run with a *BlowUpError naming model,
// variable, neuron and time, and a panic inside Step becomes an error from
// Run.
//
// A model value belongs to one population (it may keep constants that
// Prepare computes for that population's dt). Step is called
// concurrently for disjoint ranges [lo, hi) of the same population (how
// many, and which, depends on the worker count): it must read and write
// only the neurons lo … hi−1 of the state, keep no scratch of its own
// outside the state, and draw random numbers only from State.Streams
// (per-neuron streams keyed by global neuron id) held in per-neuron
// state, so that results do not depend on the worker count. It must not
// allocate.
type NeuronModel interface {
	// Vars declares the state variables, in order; State.Var(k) is the
	// slice of Vars()[k]. Their names are what StateRecorder and
	// Population.Var accept.
	Vars() []Var
	// Prepare checks the parameters (an error names the field and value),
	// precomputes what the step needs for time step dt (ms), and may set
	// initial values beyond Var.Init. Population.Prepare (and so
	// Network.Build) calls it once before stepping, and again after a
	// change of dt.
	Prepare(dt float64, s *State) error
	// Step advances neurons lo … hi−1 from t = step·dt to (step+1)·dt,
	// appends the indices that spiked, ascending, to dst and returns it.
	// The synaptic inputs (State.Input) hold the weights delivered for
	// this step on top of what is left from earlier steps: the model (or
	// the ReceptorKernel it uses) decays them.
	Step(s *State, lo, hi int, step int64, dst []int32) []int32
}

// Var declares one state variable of a NeuronModel.
type Var struct {
	// Name is the variable's name: "V", "U", "Ca", … (unique within the
	// model; "IExt", "IE" and "II" are taken by the population).
	Name string
	// Unit is its unit (mV, pA, nS, ms, or "1" for dimensionless).
	Unit string
	// Init is the value every neuron starts with.
	Init float64
}

// State is the struct-of-arrays state of a population of a NeuronModel:
// one slice of length N per declared variable, plus the inputs the
// network writes. A model's Step reads and writes it for its range of
// neurons.
type State struct {
	// N is the number of neurons.
	N int
	// DT is the time step (ms).
	DT float64

	vars    [][]float64
	names   []string
	in      [][]float64 // one per receptor (at least Excitatory and Inhibitory)
	iExt    []float64
	streams Streams
}

// Var returns the slice of variable k (the order of Vars).
func (s *State) Var(k int) []float64 { return s.vars[k] }

// Input returns the synaptic input of receptor r (Excitatory,
// Inhibitory, or for a ReceptorModel the index of one of its Receptors):
// spikes add their weights (magnitudes, pA or nS as the model interprets
// them) into it before Step. It returns nil for a receptor the model does
// not have.
func (s *State) Input(r Receptor) []float64 {
	if int(r) >= len(s.in) {
		return nil
	}
	return s.in[r]
}

// NumInputs is the number of synaptic inputs: 2 (Excitatory, Inhibitory),
// or len(Receptors()) for a ReceptorModel.
func (s *State) NumInputs() int { return len(s.in) }

// IExt returns the external current (pA) injected during this step by
// current sources (zeroed by the network at the start of every step).
func (s *State) IExt() []float64 { return s.iExt }

// Streams returns one random stream per neuron, keyed by the network seed
// and the neuron's global id (seed 0 and ids from 0 for a population
// stepped alone). A stochastic model seeds a per-neuron generator from it
// in Prepare and keeps that generator's state where Save can see it
// (implement Stateful on the model).
func (s *State) Streams() Streams { return s.streams }

// A ReceptorKernel is the postsynaptic kinetics of one receptor: how the
// synaptic variable g that spikes add their weights into turns into a
// current, and how g evolves. A NeuronModel calls its receptors' Current
// from its Step. ExpCurrent and ExpConductance are the library's; an NMDA
// receptor with a magnesium block, say, is a type of yours.
type ReceptorKernel interface {
	// Prepare precomputes the kernel's constants for time step dt (ms).
	Prepare(dt float64) error
	// Current adds to i[k] the current (pA) that g[k] drives at membrane
	// potential v[k] (mV) during the step, then advances g[k] by one step,
	// for every k. The three slices have the same length.
	Current(g, v, i []float64)
}

// ExpCurrent is a current-based exponential synapse: g is a current (pA)
// that decays with TauMS, I = g.
type ExpCurrent struct {
	TauMS float64 // decay time constant (ms)
	decay float64
}

// Prepare computes exp(−dt/τ).
func (r *ExpCurrent) Prepare(dt float64) error {
	if !(r.TauMS > 0) || math.IsInf(r.TauMS, 0) {
		return fmt.Errorf("brain: ExpCurrent: TauMS = %v: must be a finite number > 0 ms", r.TauMS)
	}
	r.decay = math.Exp(-dt / r.TauMS)
	return nil
}

// Current adds g to i and decays g.
func (r *ExpCurrent) Current(g, v, i []float64) {
	d := r.decay
	i = i[:len(g)]
	for k, x := range g {
		i[k] += x
		g[k] = x * d
	}
}

// ExpConductance is a conductance-based exponential synapse: g is a
// conductance (nS) that decays with TauMS, I = g·(EMV − V) (pA).
type ExpConductance struct {
	TauMS float64 // decay time constant (ms)
	EMV   float64 // reversal potential (mV)
	decay float64
}

// Prepare computes exp(−dt/τ).
func (r *ExpConductance) Prepare(dt float64) error {
	if !(r.TauMS > 0) || math.IsInf(r.TauMS, 0) {
		return fmt.Errorf("brain: ExpConductance: TauMS = %v: must be a finite number > 0 ms", r.TauMS)
	}
	if math.IsNaN(r.EMV) || math.IsInf(r.EMV, 0) {
		return fmt.Errorf("brain: ExpConductance: EMV = %v: must be finite", r.EMV)
	}
	r.decay = math.Exp(-dt / r.TauMS)
	return nil
}

// Current adds g·(E − v) to i and decays g.
func (r *ExpConductance) Current(g, v, i []float64) {
	d, e := r.decay, r.EMV
	v, i = v[:len(g)], i[:len(g)]
	for k, x := range g {
		i[k] += x * (e - v[k])
		g[k] = x * d
	}
}

// modelPop is the part of a Population that holds a NeuronModel.
type modelPop struct {
	m     NeuronModel
	name  string // model name, for messages (its type)
	st    State
	specs []Var
	recs  []string // receptor names of a ReceptorModel, nil otherwise
}

// NewModelPopulation returns n neurons of model m, every variable at its
// Init. The population is excitatory; set P.Inhibitory for an inhibitory
// one (Dale's law: its outgoing weights are then ≤ 0), and P.Efficacy
// scales its outgoing weights. The other fields of P belong to the
// GeneralizedNeuron and are unused. IExt is the injected current, Input
// the synaptic inputs; V, W, Theta and Vd alias the model's variables of
// those names, if it has them (else they are nil).
func NewModelPopulation(name string, n int, m NeuronModel) (*Population, error) {
	if m == nil {
		return nil, fmt.Errorf("brain: population %q: nil model", name)
	}
	if n <= 0 || n > math.MaxInt32 {
		return nil, fmt.Errorf("brain: population %q: N = %d: must be in [1, 2³¹)", name, n)
	}
	if err := checkPopulationMemory(name, n); err != nil {
		return nil, err
	}
	specs := slices.Clone(m.Vars())
	mp := &modelPop{m: m, name: fmt.Sprintf("%T", m), specs: specs}
	mp.st.N = n
	seen := map[string]bool{"IExt": true, "IE": true, "II": true}
	for k, v := range specs {
		if v.Name == "" || seen[v.Name] {
			return nil, fmt.Errorf("brain: population %q: model %s: Vars()[%d].Name = %q: must be non-empty and unique (IExt, IE, II are taken)", name, mp.name, k, v.Name)
		}
		if math.IsNaN(v.Init) || math.IsInf(v.Init, 0) {
			return nil, fmt.Errorf("brain: population %q: model %s: variable %s: Init = %v: must be finite", name, mp.name, v.Name, v.Init)
		}
		seen[v.Name] = true
		s := make([]float64, n)
		for i := range s {
			s[i] = v.Init
		}
		mp.st.vars = append(mp.st.vars, s)
		mp.st.names = append(mp.st.names, v.Name)
	}
	recs, err := modelReceptors(name, mp.name, m)
	if err != nil {
		return nil, err
	}
	mp.recs = recs
	p := &Population{Name: name, N: n, P: Params{Name: mp.name, Efficacy: 1}, mod: mp}
	p.IExt = make([]float64, n)
	p.IExtDist = p.IExt
	mp.st.in = make([][]float64, max(len(recs), int(NumReceptors)))
	for r := range mp.st.in {
		mp.st.in[r] = make([]float64, n)
	}
	for r := range NumReceptors {
		p.syn[Proximal][r] = mp.st.in[r]
		p.syn[Distal][r] = p.syn[Proximal][r]
	}
	mp.st.iExt = p.IExt
	p.V, p.Vd, p.W, p.Theta = p.Var("V"), p.Var("Vd"), p.Var("W"), p.Var("Theta")
	p.spikes = make([]int32, 0, n)
	p.workers = 1
	p.offset = make([]float64, n)
	return p, nil
}

// Model returns the population's NeuronModel, or nil for a population of
// the GeneralizedNeuron (NewPopulation).
func (p *Population) Model() NeuronModel {
	if p.mod == nil {
		return nil
	}
	return p.mod.m
}

// Var returns the state variable called name: a declared variable of the
// population's model, or of the GeneralizedNeuron "V", "Vd", "W", "Theta";
// for either, "IExt", "IE" and "II" (the proximal synaptic inputs). It
// returns nil for an unknown name.
func (p *Population) Var(name string) []float64 {
	switch name {
	case "IExt":
		return p.IExt
	case "IE":
		return p.syn[Proximal][Excitatory]
	case "II":
		return p.syn[Proximal][Inhibitory]
	}
	if p.mod != nil {
		if k := slices.Index(p.mod.st.names, name); k >= 0 {
			return p.mod.st.vars[k]
		}
		return nil
	}
	switch name {
	case "V":
		return p.V
	case "Vd":
		return p.Vd
	case "W":
		return p.W
	case "Theta":
		return p.Theta
	case "IEd":
		return p.syn[Distal][Excitatory]
	case "IId":
		return p.syn[Distal][Inhibitory]
	}
	return nil
}

// VarNames lists the names Var accepts.
func (p *Population) VarNames() []string {
	if p.mod != nil {
		return append(slices.Clone(p.mod.st.names), "IExt", "IE", "II")
	}
	return slices.Clone(StateVariables)
}

// prepareModel is Prepare for a population of a NeuronModel.
func (p *Population) prepareModel(dt float64) (err error) {
	mp := p.mod
	mp.st.DT = dt
	mp.st.streams = NewStreams(p.seed, streamNeuron, p.base, p.N)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("brain: population %q: model %s: Prepare panicked: %v", p.Name, mp.name, r)
		}
	}()
	if err := mp.m.Prepare(dt, &mp.st); err != nil {
		return fmt.Errorf("brain: population %q: model %s: %w", p.Name, mp.name, unwrapPrefix(err))
	}
	p.dt = dt
	p.setupChunks()
	p.prepared = true
	return nil
}

// ErrModelPanic is wrapped by the error Run returns when a model's Step
// panics.
var ErrModelPanic = errors.New("brain: neuron model panicked")

// stepModel steps neurons [lo, hi) of a population of a NeuronModel,
// turning a panic into an error and checking every variable for a
// blow-up.
func (p *Population) stepModel(lo, hi int, step int64, dst []int32) (out []int32, err error) {
	mp := p.mod
	defer func() {
		if r := recover(); r != nil {
			out = dst[:0]
			err = fmt.Errorf("%w: population %q, model %s, neurons [%d, %d), t = %g ms: %v\n%s",
				ErrModelPanic, p.Name, mp.name, lo, hi, float64(step)*p.dt, r, debug.Stack())
		}
	}()
	out = mp.m.Step(&mp.st, lo, hi, step, dst[:0])
	// A NaN or ±Inf makes the sum of a slice non-finite: one pass over
	// each variable finds a blow-up, a second one (rarely) locates it.
	for k, v := range mp.st.vars {
		sum := 0.0
		for _, x := range v[lo:hi] {
			sum += x
		}
		if math.IsNaN(sum) || math.IsInf(sum, 0) {
			for i := lo; i < hi; i++ {
				if x := v[i]; math.IsNaN(x) || math.IsInf(x, 0) {
					return out, &BlowUpError{Population: p.Name, Model: mp.name, Neuron: i, Variable: mp.st.names[k], Value: x, TimeMS: float64(step) * p.dt}
				}
			}
		}
	}
	return out, nil
}
