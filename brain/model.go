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

	vars     [][]float64
	names    []string
	in       [][]float64 // one per receptor (at least Excitatory and Inhibitory)
	inD      [][]float64 // the dendrite's, one per receptor (in itself without a dendrite)
	iExt     []float64
	iExtD    []float64 // dendritic external current (iExt without a dendrite)
	offset   []float64
	dendrite bool
	pop      *Population
	streams  Streams
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

// InputAt returns the synaptic input of receptor r in compartment c:
// Proximal (the soma) is Input(r); Distal is the dendrite's, for a
// CompartmentModel with a dendrite, and Input(r) itself otherwise. It
// returns nil for an unknown compartment or receptor.
func (s *State) InputAt(c Compartment, r Receptor) []float64 {
	if c == Distal {
		if int(r) >= len(s.inD) {
			return nil
		}
		return s.inD[r]
	}
	if c != Proximal {
		return nil
	}
	return s.Input(r)
}

// IExtDist returns the external current (pA) injected at the dendrite
// during this step: for a CompartmentModel with a dendrite its own slice,
// otherwise IExt itself.
func (s *State) IExtDist() []float64 { return s.iExtD }

// SpikeOffset returns one value per neuron that Population.SpikeOffset
// reports: a model that locates its spikes inside the step writes there
// the spike time (ms from the step's start) of each neuron it reports as
// spiking. A model that does not leaves it at 0.
func (s *State) SpikeOffset() []float64 { return s.offset }

// IExt returns the external current (pA) injected during this step by
// current sources (zeroed by the network at the start of every step).
func (s *State) IExt() []float64 { return s.iExt }

// Streams returns one random stream per neuron, keyed by the network seed
// and the neuron's global id (seed 0 and ids from 0 for a population
// stepped alone). A stochastic model seeds a per-neuron generator from it
// in Prepare and keeps that generator's state where Save can see it
// (implement Stateful on the model).
func (s *State) Streams() Streams { return s.streams }

// A CompartmentModel is a NeuronModel that may have a dendrite as well as
// a soma (the GeneralizedNeuron with Gc > 0). HasDendrite is asked once,
// when the population is made: with a dendrite the population keeps
// separate Distal synaptic inputs (Population.Input(Distal, r),
// State.InputAt) and a dendritic external current (Population.IExtDist,
// State.IExtDist); without one they alias the somatic ones.
type CompartmentModel interface {
	NeuronModel
	HasDendrite() bool
}

// A ParamsModel is a NeuronModel described by a Params (the
// GeneralizedNeuron is). NewModelPopulation starts its population's P as
// Params() instead of the default (Name the model's type, Efficacy 1,
// excitatory), so that the model says whether its cells are inhibitory
// (Params.Inhibitory, Dale's law), how strongly their outgoing weights
// count (Params.Efficacy) and any other field it reads. Params is asked
// once, when the population is made; Population.P is what counts after
// that.
type ParamsModel interface {
	NeuronModel
	Params() Params
}

// A CapacitanceModel is a NeuronModel whose cells' membrane capacitance
// is known (the GeneralizedNeuron's is C·Size). For a population of one,
// Network.Build refuses gap junctions (AddGapJunctions) that are unstable
// at the network's time step; without it, it cannot check them.
type CapacitanceModel interface {
	NeuronModel
	// Capacitance returns the capacitance (pF) of the compartment that
	// holds V in cell i, for the population whose state is s, as it is
	// after Prepare.
	Capacitance(s *State, i int) float64
}

// A FaultModel is a NeuronModel that can say why one of its neurons is a
// numerical blow-up. A ScratchModel's StepScratch may stop at a neuron
// whose values are all still finite, because the model knows the step
// would go wrong (the GeneralizedNeuron stops a forward Euler cell whose
// step would be unstable); the population then asks Fault for that
// neuron before it looks for a non-finite value, and Run returns a
// *BlowUpError with the quantity, its value and the cause the model gave,
// beside the population, neuron and time. Fault is called after the
// step stopped, with the state as StepScratch left it, and only for a
// neuron the model reported.
type FaultModel interface {
	NeuronModel
	// Fault returns the quantity that makes neuron i's step a blow-up
	// (a variable's name or an expression such as "dt·(GL+gE+gI)/C"),
	// its value and why it is one; ok false if there is nothing
	// specific to say (the population then names the neuron's first
	// non-finite input or variable).
	Fault(s *State, i int) (quantity string, value float64, cause string, ok bool)
}

// A QuietInputModel is a NeuronModel that can use knowing, during a Run,
// that nothing writes its population's external current: no current
// source or gap junction injects into it (State.IExt stays 0) and no code
// of the user's runs between steps (only the library's recorders
// monitor the network; after each progress callback Run tells it again).
// Run calls QuietInputs(s, true) at its start when that holds and
// QuietInputs(s, false) when it stops holding and at its end. The
// GeneralizedNeuron's LIF kernels then also check whether IBias and
// Theta0 are each one value and read them as constants; results must not
// change.
type QuietInputModel interface {
	NeuronModel
	QuietInputs(s *State, quiet bool)
}

// A ScratchModel is a NeuronModel whose step works in blocks with work
// space of its own and detects its own numerical blow-ups (the
// GeneralizedNeuron). Its population calls NewScratch once for every
// goroutine that may step it, and StepScratch instead of Step with that
// goroutine's scratch; it skips the scan of every variable after each
// step that it does for other models.
type ScratchModel interface {
	NeuronModel
	// NewScratch returns the work space of one goroutine.
	NewScratch() any
	// StepScratch is Step with the work space sc that NewScratch made. It
	// also returns the first neuron of [lo, hi) whose state or input is
	// no longer finite (the population names the variable in a
	// *BlowUpError), or −1. It is called without the recover that turns
	// other models' panics into ErrModelPanic: in a Network, Run returns
	// its panic as a *BugError.
	StepScratch(s *State, lo, hi int, step int64, dst []int32, sc any) ([]int32, int)
}

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

// modelPop is the part of a Population that holds its NeuronModel.
type modelPop struct {
	m       NeuronModel
	scratch ScratchModel // m, if it is one
	name    string       // model name, for messages (its type)
	st      State
	specs   []Var
	recs    []string // receptor names of a ReceptorModel, nil otherwise
	// arrays are the per-neuron arrays of st in the order the slab handed
	// them out (a peer step's replica mirrors them, network_replica.go)
	arrays [][]float64
}

// NewModelPopulation returns n neurons of model m, every variable at its
// Init. The population is excitatory; set P.Inhibitory for an inhibitory
// one (Dale's law: its outgoing weights are then ≤ 0), and P.Efficacy
// scales its outgoing weights; for a ParamsModel (the GeneralizedNeuron)
// P starts as its Params(). The other fields of P are the
// GeneralizedNeuron's, unused by models that do not read them. IExt is the injected current, Input the
// synaptic inputs; V, W, Theta, Vd, IBias, Theta0 and Size alias the
// model's variables of those names, if it has them (else they are nil).
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
	seen := map[string]bool{"IExt": true, "IE": true, "II": true, "IEd": true, "IId": true}
	for k, v := range specs {
		if v.Name == "" || seen[v.Name] {
			return nil, fmt.Errorf("brain: population %q: model %s: Vars()[%d].Name = %q: must be non-empty and unique (IExt, IE, II, IEd, IId are taken)", name, mp.name, k, v.Name)
		}
		if math.IsNaN(v.Init) || math.IsInf(v.Init, 0) {
			return nil, fmt.Errorf("brain: population %q: model %s: variable %s: Init = %v: must be finite", name, mp.name, v.Name, v.Init)
		}
		seen[v.Name] = true
	}
	recs, err := modelReceptors(name, mp.name, m)
	if err != nil {
		return nil, err
	}
	mp.recs = recs
	p := &Population{Name: name, N: n, P: Params{Name: mp.name, Efficacy: 1}, mod: mp}
	if pm, ok := m.(ParamsModel); ok {
		p.P = pm.Params()
	}
	mp.scratch, _ = m.(ScratchModel)
	if cm, ok := m.(CompartmentModel); ok {
		mp.st.dendrite = cm.HasDendrite()
	}
	nIn := max(len(recs), int(NumReceptors))
	arrays := len(specs) + 1 + nIn + 1 // variables, IExt, inputs, offset
	if mp.st.dendrite {
		arrays += 1 + nIn // IExtDist, distal inputs
	}
	sl := newSlab(n, arrays)
	for _, v := range specs {
		x := sl.next()
		if v.Init != 0 { // the slab is zero: pages of a variable left at 0 stay untouched until used
			for i := range x {
				x[i] = v.Init
			}
		}
		mp.st.vars = append(mp.st.vars, x)
		mp.st.names = append(mp.st.names, v.Name)
	}
	p.IExt = sl.next()
	p.IExtDist = p.IExt
	mp.st.in = make([][]float64, nIn)
	for r := range mp.st.in {
		mp.st.in[r] = sl.next()
	}
	mp.st.inD = mp.st.in
	if mp.st.dendrite {
		p.IExtDist = sl.next()
		mp.st.inD = make([][]float64, nIn)
		for r := range mp.st.inD {
			mp.st.inD[r] = sl.next()
		}
	}
	for r := range NumReceptors {
		p.syn[Proximal][r] = mp.st.in[r]
		p.syn[Distal][r] = mp.st.inD[r]
	}
	mp.st.iExt, mp.st.iExtD = p.IExt, p.IExtDist
	p.offset = sl.next()
	mp.st.offset = p.offset
	mp.arrays = sl.all
	mp.st.pop = p
	p.V, p.Vd, p.W, p.Theta = p.Var("V"), p.Var("Vd"), p.Var("W"), p.Var("Theta")
	p.IBias, p.Theta0, p.Size = p.Var("IBias"), p.Var("Theta0"), p.Var("Size")
	p.spikes = make([]int32, 0, n)
	p.workers = 1
	return p, nil
}

// slab hands out a population's per-neuron arrays, n values each, from one
// allocation, each followed by one cache line of padding, so that the
// arrays a step streams through together do not all start at the same
// offset within a page, as separate allocations of this size do (they are
// page-aligned). With separate arrays a step's speed varied from run to
// run by up to 1.8× (BenchmarkIzhikevichStep/paired: 2 runs in 14 at
// 1.56 and 1.72, the others 0.98–1.08); with the slab, 1.001–1.008.
type slab struct {
	buf       []float64
	n, stride int
	all       [][]float64 // the arrays handed out
}

func newSlab(n, arrays int) *slab {
	stride := (n+7)&^7 + 8 // whole cache lines, plus one
	return &slab{buf: make([]float64, stride*arrays), n: n, stride: stride}
}

// next returns the next array (its capacity is n: an append copies it).
func (s *slab) next() []float64 {
	x := s.buf[:s.n:s.n]
	s.buf = s.buf[s.stride:]
	s.all = append(s.all, x)
	return x
}

// Model returns the population's NeuronModel (a *GeneralizedNeuron for
// NewPopulation's).
func (p *Population) Model() NeuronModel { return p.mod.m }

// Var returns the state variable called name: a declared variable of the
// population's model (for the GeneralizedNeuron "V", "Vd", "W", "Theta",
// …), "IExt", "IE" and "II" (the proximal synaptic inputs) and, with a
// dendrite, "IEd" and "IId" (the distal ones). It returns nil for an
// unknown name.
func (p *Population) Var(name string) []float64 {
	switch name {
	case "IExt":
		return p.IExt
	case "IE":
		return p.syn[Proximal][Excitatory]
	case "II":
		return p.syn[Proximal][Inhibitory]
	case "IEd", "IId":
		if !p.mod.st.dendrite {
			return nil
		}
		if name == "IEd" {
			return p.syn[Distal][Excitatory]
		}
		return p.syn[Distal][Inhibitory]
	}
	if k := slices.Index(p.mod.st.names, name); k >= 0 {
		return p.mod.st.vars[k]
	}
	return nil
}

// VarNames lists the names Var accepts.
func (p *Population) VarNames() []string {
	names := append(slices.Clone(p.mod.st.names), "IExt", "IE", "II")
	if p.mod.st.dendrite {
		names = append(names, "IEd", "IId")
	}
	return names
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

// stepModel steps neurons [lo, hi) of the population with the scratch sc
// of the calling goroutine and checks for a blow-up: a ScratchModel
// reports its own; the variables of other models are scanned, and their
// panics become errors wrapping ErrModelPanic. (A ScratchModel is stepped
// without that recover, which costs a few ns per call, a few per cent of a
// one-cell population's step: in a Network, Run still returns its panic
// as an error.)
func (p *Population) stepModel(lo, hi int, step int64, dst []int32, sc *fullScratch) ([]int32, error) {
	mp := p.mod
	if mp.scratch != nil {
		var v any
		if sc != nil {
			v = sc.v
		}
		out, bad := mp.scratch.StepScratch(&mp.st, lo, hi, step, dst[:0], v)
		if bad >= 0 {
			return out, p.blowUp(bad, step)
		}
		return out, nil
	}
	return p.stepPlain(lo, hi, step, dst)
}

// stepPlain steps a model that is not a ScratchModel, turning a panic into
// an error and scanning every variable for a blow-up.
func (p *Population) stepPlain(lo, hi int, step int64, dst []int32) (out []int32, err error) {
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

// fullScratch is the work space of one goroutine that steps a population
// (a ScratchModel's; nil for other models).
type fullScratch struct{ v any }

// newScratch returns the work space of one goroutine that steps p, or nil
// if its model needs none.
func (p *Population) newScratch() *fullScratch {
	if p.mod.scratch == nil {
		return nil
	}
	return &fullScratch{v: p.mod.scratch.NewScratch()}
}

// blowUp names the first non-finite input or variable of neuron i (that
// a ScratchModel reported): the external currents and synaptic inputs
// first, then the model's variables from the last declared to the first
// (a model declares its primary variable, V, first; the others feed it).
// If none is NaN or infinite (a kernel stops at |V| ≥ 1e12) it names the
// first variable. What a FaultModel says about the neuron comes first
// (the GeneralizedNeuron names a forward Euler cell whose step was
// unstable, with the factor dt·(GL+gE+gI)/C and a Cause).
func (p *Population) blowUp(i int, step int64) error {
	mp := p.mod
	bad := func(name string, x float64) *BlowUpError {
		return &BlowUpError{Population: p.Name, Model: mp.name, Neuron: i, Variable: name, Value: x, TimeMS: float64(step) * p.dt}
	}
	nonFinite := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if fm, ok := mp.m.(FaultModel); ok {
		if q, x, cause, ok := fm.Fault(&mp.st, i); ok {
			e := bad(q, x)
			e.Cause = cause
			return e
		}
	}
	if x := p.IExt[i]; nonFinite(x) {
		return bad("IExt", x)
	}
	if x := p.IExtDist[i]; mp.st.dendrite && nonFinite(x) {
		return bad("IExtDist", x)
	}
	recs := p.Receptors()
	for _, c := range []Compartment{Proximal, Distal} {
		if c == Distal && !mp.st.dendrite {
			break
		}
		for r, in := range mp.st.in {
			if c == Distal {
				in = mp.st.inD[r]
			}
			if x := in[i]; nonFinite(x) {
				return bad(fmt.Sprintf("Input(%s,%s)", c, recs[r]), x)
			}
		}
	}
	for k := len(mp.st.vars) - 1; k >= 0; k-- {
		if x := mp.st.vars[k][i]; nonFinite(x) {
			return bad(mp.st.names[k], x)
		}
	}
	if len(mp.st.vars) == 0 {
		return bad("", math.NaN())
	}
	return bad(mp.st.names[0], mp.st.vars[0][i])
}

// hasDendrite reports whether the population keeps distal inputs and
// IExtDist of their own (a CompartmentModel with a dendrite).
func (p *Population) hasDendrite() bool { return p.mod.st.dendrite }
