package brain

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Network holds populations, spike sources, projections, current sources
// and recorders, and runs them with one deterministic clock-driven loop.
// Each step k (t = k·dt → (k+1)·dt):
//
//  1. deliver: the delay-ring slot due at step k is added into every
//     target population's synaptic variables (Population.Input);
//  2. inputs: every population's IExt is zeroed and the current sources
//     add their currents;
//  3. integrate: every population is stepped (Population.Step), every
//     spike source emits its spikes;
//  4. record: spike, state and weight recorders sample;
//  5. plasticity: the spikes of this step are enqueued through the plastic
//     projections (with the weights they have now, scaled by the release
//     factors of a Transmitter rule), then STDP acts on them;
//  6. enqueue: each spike is added, with its weight, into the ring slot of
//     step k + delay of each of its static synapses (delay ≥ 1 step).
//
// The work of steps 1, 3 and 6 is shared by Workers goroutines
// (network_pool.go): each large population is cut into segments, and the
// task of one segment enqueues the previous step's spikes into its cells,
// drains their ring slots and integrates them, so one barrier per step
// suffices. Step 6 of the last step of a Run is done before Run returns.
// Every synaptic variable receives its additions in a fixed order
// (projections in creation order, spikes in ascending index order), and
// every random stream is keyed by global ids, so a network is a pure
// function of (model, seed, duration): the same seed gives bit-identical
// spikes whatever GOMAXPROCS or Workers.
//
// Build a Network with AddPopulation / Connect / ConnectSource / Inject /
// Record*, then Run (which calls Build if needed). A Network is not safe
// for concurrent use: a second Run, Build, Save or Restore while one is in
// progress returns an error. A population or spike source belongs to the
// network that built it (another network holding it fails to Build); DT
// and Seed are fixed by Build.
type Network struct {
	// DT is the time step (ms); 0 means DefaultDT (0.1 ms).
	DT float64
	// Seed keys every random stream of the network (connectivity, weights,
	// delays, Poisson sources, noise).
	Seed uint64
	// MemoryBudget (bytes) bounds what the recorders may hold at the end
	// of a Run, by their own estimates, checked before the Run starts;
	// 0 means the package's MemoryBudget (by default half of the machine's
	// memory).
	MemoryBudget int64
	// Workers is the number of goroutines Run spreads a step over; they
	// claim the step's tasks (population segments, with the spike delivery
	// into them and their delay rings, and spike sources) one at a time.
	// 0 means GOMAXPROCS for networks of at least 2000 cells and
	// generators, 1 otherwise. It does not change results. With more
	// than one, a pacer (network_pace.go) runs the steps on the calling
	// goroutine alone while the workers are not worth their cost (another
	// process keeps the CPUs busy, or parallel steps measure no faster),
	// and on Linux, while the workers run, the calling goroutine is
	// locked to its thread and that thread and the workers' are kept on
	// different CPUs (network_cpus.go; the thread's own affinity is
	// given back when the Run ends or the steps go solo).
	Workers int
	// Comm, when not nil and of more than one rank, runs the network as
	// one rank of a distributed job (network_dist.go): every rank builds
	// the same network, integrates its block of every population and
	// exchanges spikes each step; results are bit-identical to one
	// process. Set it before Build.
	Comm Comm

	pops    []*Population
	popBase []uint64 // global id of each population's neuron 0
	srcs    []Source
	srcBase []uint64 // global id of each source's generator 0
	projs   []*Projection
	injs    []*injection
	inputs  []*poissonInput // Poisson inputs (poisson_input.go)
	gaps    []*GapJunctions
	rings   []*ring

	monitors   []Monitor         // recorders and user monitors, in the order added
	weightRecs []*WeightRecorder // resolved by Build
	view       StepView

	popSpikes [][]int32       // spikes of each population in the current step
	srcSpikes [][]int32       // spikes of each source in the current step
	joined    [][2][]int32    // per population: join buffers (by step parity)
	srcBuf    [][2][]int32    // per source: spike buffers (by step parity)
	checkers  []SourceChecker // the sources that report errors found while running
	injected  []bool          // per population: current sources inject into it
	popDeg    [][]int32       // per population: synapses leaving each cell
	srcDeg    [][]int32       // per source: synapses leaving each generator
	events    int64           // synaptic events (spike × synapse) so far
	plastic   []*Projection
	watched   []*Projection   // plastic ones whose Learn can record an error: swept or modulated (plasticity_guard.go)
	groups    [][]*Projection // projections into each ring, in creation order

	// multi-core layout (network_pool.go)
	// (the plan in use, one of plans: see usePlan)
	segs      []*segment   // every population segment: the tasks of a step, then the sources
	popSegs   [][]*segment // segments of each population, ascending
	order     []int        // the tasks (segments, then sources, by index) member by member
	bounds    []int        // member m's home tasks are order[bounds[m]:bounds[m+1]]
	plans     [2]taskPlan  // for one worker, and for planW workers (when more than one)
	planW     int
	planInUse int  // index in plans, −1 before the first usePlan
	keepSplit bool // tests: the pacer's solo steps keep the team's cut
	noPeer    bool // tests: parallel epochs use the general step, never peer steps
	loadBlind bool // benchmarks: the pacer wakes the workers whatever else runs (team.coresFree)
	team      *team
	peer      *peerRun // peer steps of this Run (network_peer.go), nil if none
	peerKept  *peerRun // the last Run's, reused while the plan stays
	// the pacer's decision for the next step, taken by peerSteps
	pacedAhead, aheadSolo bool
	peerStepsRun          int64 // steps run as peer steps (tests)
	pace                  pacer // measured worth of the workers (network_pace.go)
	pending               bool  // the spikes of step cur are not yet delivered
	cur                   int64 // the step being simulated

	// the phases of a step as tasks (built once, so stepping allocates nothing)
	taskWork, taskFlush, taskLearn func(int, int64)

	step  int64
	built bool

	// guards (network_guard.go)
	builtDT   float64     // DT at Build
	builtSeed uint64      // Seed at Build
	busy      atomic.Bool // a Run, Build, Save or Restore is in progress
	broken    error       // a recovered panic left the state half updated
	owned     *ownedList  // populations and sources claimed by this network

	dist *distRun // distributed run (network_dist.go); nil in one process
}

type injection struct {
	pop   int
	cells []int32
	comp  Compartment
	src   CurrentSource
}

// NewNetwork returns an empty network with time step dt (ms; 0 means
// DefaultDT) and seed.
func NewNetwork(dt float64, seed uint64) *Network { return &Network{DT: dt, Seed: seed} }

// ErrBuilt is returned when a network is changed after Build.
var ErrBuilt = errors.New("brain: network already built (add populations, projections and inputs before Build or Run)")

// unwrapPrefix strips a leading "brain: " from a nested error message so
// that wrapped errors read "brain: a: b" rather than "brain: a: brain: b".
func unwrapPrefix(err error) error {
	msg := err.Error()
	if !strings.HasPrefix(msg, "brain: ") {
		return err
	}
	return &prefixed{msg: strings.TrimPrefix(msg, "brain: "), err: err}
}

type prefixed struct {
	msg string
	err error
}

func (e *prefixed) Error() string { return e.msg }
func (e *prefixed) Unwrap() error { return e.err }

// AddPopulation adds pop to the network (Connect and Inject add their
// populations automatically). Adding the same population twice is a no-op.
func (n *Network) AddPopulation(pop *Population) error {
	if pop == nil {
		return errors.New("brain: AddPopulation: nil population")
	}
	if n.popIndex(pop) >= 0 {
		return nil
	}
	if n.built {
		return ErrBuilt
	}
	n.pops = append(n.pops, pop)
	return nil
}

// AddSource adds a spike source (ConnectSource adds it automatically).
func (n *Network) AddSource(src Source) error {
	if src == nil {
		return errors.New("brain: AddSource: nil source")
	}
	if n.srcIndex(src) >= 0 {
		return nil
	}
	if n.built {
		return ErrBuilt
	}
	n.srcs = append(n.srcs, src)
	return nil
}

func (n *Network) popIndex(p *Population) int { return slices.Index(n.pops, p) }
func (n *Network) srcIndex(s Source) int      { return slices.Index(n.srcs, s) }

// Populations returns the network's populations in the order added.
func (n *Network) Populations() []*Population { return slices.Clone(n.pops) }

// Population returns the population with the given name, or nil.
func (n *Network) Population(name string) *Population {
	for _, p := range n.pops {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Projections returns the network's projections in creation order.
func (n *Network) Projections() []*Projection { return slices.Clone(n.projs) }

// Sources returns the network's spike sources in the order added.
func (n *Network) Sources() []Source { return slices.Clone(n.srcs) }

// Step is the number of steps simulated so far.
func (n *Network) Step() int64 { return n.step }

// SynapticEvents is the number of synaptic events so far: every spike of a
// cell or generator counts once per synapse it leaves through (the spikes
// of a step that failed with an error are not counted). Divided by the
// wall time of a Run it gives the events per second that simulators
// usually quote.
func (n *Network) SynapticEvents() int64 {
	e := n.events
	for _, pl := range n.plans {
		for _, seg := range pl.segs {
			e += seg.inputEvents
		}
	}
	return e
}

// TimeMS is the simulated time so far (ms).
func (n *Network) TimeMS() float64 {
	if n.built {
		return float64(n.step) * n.builtDT
	}
	return float64(n.step) * n.dt()
}

func (n *Network) dt() float64 {
	if n.DT == 0 {
		return DefaultDT
	}
	return n.DT
}

// Connect projects population pre onto population post with connector c
// and synapses s, and returns the projection (built by Build). The
// receptor follows Dale's law from pre.P.Inhibitory; a weight whose sign
// contradicts it is an error.
func (n *Network) Connect(pre, post *Population, c Connector, s SynapseSpec) (*Projection, error) {
	if pre == nil || post == nil {
		return nil, errors.New("brain: Connect: nil population")
	}
	if err := n.AddPopulation(pre); err != nil {
		return nil, err
	}
	if err := n.AddPopulation(post); err != nil {
		return nil, err
	}
	p := &Projection{prePop: pre, nPre: pre.N, inhib: pre.P.Inhibitory,
		Name: pre.Name + "→" + post.Name}
	return p, n.addProjection(p, post, c, s)
}

// ConnectSource projects spike source src onto population post (see
// Connect). The receptor follows src.IsInhibitory().
func (n *Network) ConnectSource(src Source, post *Population, c Connector, s SynapseSpec) (*Projection, error) {
	if src == nil || post == nil {
		return nil, errors.New("brain: ConnectSource: nil source or population")
	}
	if err := n.AddSource(src); err != nil {
		return nil, err
	}
	if err := n.AddPopulation(post); err != nil {
		return nil, err
	}
	p := &Projection{preSrc: src, nPre: src.Len(), inhib: src.IsInhibitory(),
		Name: src.SourceName() + "→" + post.Name}
	return p, n.addProjection(p, post, c, s)
}

func (n *Network) addProjection(p *Projection, post *Population, c Connector, s SynapseSpec) error {
	if n.built {
		return ErrBuilt
	}
	if c == nil {
		return fmt.Errorf("brain: projection %q: nil connector", p.Name)
	}
	if err := s.Weight.validate("projection " + p.Name + " Weight"); err != nil {
		return err
	}
	if err := s.Delay.validate("projection " + p.Name + " Delay"); err != nil {
		return err
	}
	lo, hi := s.Weight.bounds()
	if err := checkWeightBounds(p.Name, s.Weight, lo, hi); err != nil {
		return err
	}
	switch {
	case p.inhib && hi > 0:
		return fmt.Errorf("brain: projection %q: Weight %+v can be > 0 but the presynaptic cells are inhibitory (Dale's law: weights ≤ 0)", p.Name, s.Weight)
	case !p.inhib && lo < 0:
		return fmt.Errorf("brain: projection %q: Weight %+v can be < 0 but the presynaptic cells are excitatory (Dale's law: weights ≥ 0)", p.Name, s.Weight)
	}
	if s.Compartment >= NumCompartments {
		return fmt.Errorf("brain: projection %q: unknown compartment %d", p.Name, s.Compartment)
	}
	if s.STDP != nil && s.Plasticity != nil {
		return fmt.Errorf("brain: projection %q: both STDP and Plasticity set (choose one)", p.Name)
	}
	if s.STDP != nil {
		if err := s.STDP.Validate(); err != nil {
			return fmt.Errorf("brain: projection %q: %w", p.Name, unwrapPrefix(err))
		}
		if s.STDP.WMax > MaxWeight {
			return fmt.Errorf("brain: projection %q: STDP WMax = %v beyond the bound of %g (MaxWeight)", p.Name, s.STDP.WMax, float64(MaxWeight))
		}
		rule := *s.STDP
		s.STDP = &rule // the projection keeps its own copy
	}
	p.post = post
	p.conn = c
	p.spec = s
	p.recep = Excitatory
	if p.inhib {
		p.recep = Inhibitory
	}
	if s.Receptor != "" {
		r, err := post.ReceptorIndex(s.Receptor)
		if err != nil {
			return fmt.Errorf("brain: projection %q: %w", p.Name, unwrapPrefix(err))
		}
		// Receptor 0 is the (fast) excitatory one, 1 the inhibitory one
		// (ReceptorModel): weights are delivered as magnitudes and the
		// receptor gives the sign, so the other one would reverse it.
		if r == Excitatory && p.inhib || r == Inhibitory && !p.inhib {
			kind, other, want := "inhibitory", "excitatory", Inhibitory
			if !p.inhib {
				kind, other, want = "excitatory", "inhibitory", Excitatory
			}
			return fmt.Errorf("brain: projection %q: Receptor %q contradicts Dale's law: the presynaptic cells are %s, and receptor %d of %q takes %s input (name %q, another receptor, or none)", p.Name, s.Receptor, kind, r, post.Name, other, post.Receptors()[want])
		}
		p.recep = r
	}
	p.index = len(n.projs)
	n.projs = append(n.projs, p)
	return nil
}

// Inject adds current source cs into neurons cells of pop (nil: all), at
// the soma (Proximal) or the dendrite (Distal). A CurrentSourceCopier
// (OUNoise, or a source of yours) is copied, so one value can be injected
// in several places, each with its own state.
func (n *Network) Inject(pop *Population, cells []int, c Compartment, cs CurrentSource) error {
	if pop == nil || cs == nil {
		return errors.New("brain: Inject: nil population or source")
	}
	if n.built {
		return ErrBuilt
	}
	if err := n.AddPopulation(pop); err != nil {
		return err
	}
	if err := cs.Validate(); err != nil {
		return err
	}
	if c >= NumCompartments {
		return fmt.Errorf("brain: Inject: unknown compartment %d", c)
	}
	in := &injection{pop: n.popIndex(pop), comp: c, src: cs}
	if cp, ok := cs.(CurrentSourceCopier); ok {
		in.src = cp.Copy()
		if in.src == nil {
			return fmt.Errorf("brain: Inject into %q: %v: Copy returned nil", pop.Name, cs)
		}
	}
	if cells == nil {
		in.cells = make([]int32, pop.N)
		for i := range in.cells {
			in.cells[i] = int32(i)
		}
	} else {
		for _, i := range cells {
			if i < 0 || i >= pop.N {
				return fmt.Errorf("brain: Inject into %q: neuron %d out of range [0, %d)", pop.Name, i, pop.N)
			}
			in.cells = append(in.cells, int32(i))
		}
	}
	n.injs = append(n.injs, in)
	return nil
}

// RecordSpikes returns a recorder of every spike of pop (added to the
// network if needed). Recorders may be added after Build or between Runs;
// they record from then on.
func (n *Network) RecordSpikes(pop *Population) (*SpikeRecorder, error) {
	if err := n.AddPopulation(pop); err != nil {
		return nil, err
	}
	r, err := NewSpikeRecorder(pop.N, n.dt())
	if err != nil {
		return nil, err
	}
	n.monitors = append(n.monitors, spikeMonitor{pop: n.popIndex(pop), rec: r})
	return r, nil
}

// RecordSourceSpikes returns a recorder of every spike a source emits (in
// emission order within a step).
func (n *Network) RecordSourceSpikes(src Source) (*SpikeRecorder, error) {
	if err := n.AddSource(src); err != nil {
		return nil, err
	}
	r, err := NewSpikeRecorder(src.Len(), n.dt())
	if err != nil {
		return nil, err
	}
	n.monitors = append(n.monitors, spikeMonitor{pop: -1 - n.srcIndex(src), rec: r})
	return r, nil
}

// RecordState returns a recorder of the named variables (StateVariables)
// of the given neurons of pop, sampled every `every` steps.
func (n *Network) RecordState(pop *Population, neurons []int, variables []string, every int) (*StateRecorder, error) {
	if err := n.AddPopulation(pop); err != nil {
		return nil, err
	}
	r, err := NewStateRecorder(pop, neurons, variables, every)
	if err != nil {
		return nil, err
	}
	r.DT = n.dt()
	n.monitors = append(n.monitors, stateMonitor{rec: r, pop: n.popIndex(pop)})
	return r, nil
}

// Build validates the model, prepares every population for the time step,
// generates connectivity, weights and delays, and allocates the delay
// rings and work buffers. Run calls it if needed; calling it twice is an
// error. DT (in [MinDT, MaxDT]) and Seed are fixed from then on.
func (n *Network) Build() (err error) {
	if err := n.acquire("Build"); err != nil {
		return err
	}
	defer n.release()
	defer n.recoverBug("Build", &err)
	if err := n.buildAll(); err != nil {
		return err
	}
	n.prepareCores()
	return nil
}

// prepareCores sets up what a Run on several workers needs before its
// steps (Build; a Run does what is left, e.g. after Workers changed): the
// team's cut of the network and, when the network qualifies, its peer
// steps with the workers' replicas allocated and written
// (network_replica.go), so that a Run's first parallel steps do not pay
// for them.
func (n *Network) prepareCores() {
	w := n.workers()
	if w < 2 || n.distributed() {
		return
	}
	if w != n.planW {
		n.plan(w)
	}
	if n.peerKept == nil && n.peerable() {
		n.keepPeerRun(w, true)
	}
}

func (n *Network) build() error {
	if n.built {
		return ErrBuilt
	}
	if n.DT == 0 {
		n.DT = DefaultDT
	}
	if err := checkDT(n.DT); err != nil {
		return err
	}
	if err := n.checkOwners(); err != nil {
		return err
	}
	var errs []error
	n.popBase = make([]uint64, len(n.pops))
	var base uint64
	for k, p := range n.pops {
		n.popBase[k] = base
		p.seed, p.base = n.Seed, base
		base += uint64(p.N)
		if err := p.Prepare(n.DT); err != nil {
			errs = append(errs, err)
		}
	}
	n.srcBase = make([]uint64, len(n.srcs))
	base = 0
	for k, s := range n.srcs {
		n.srcBase[k] = base
		base += uint64(s.Len())
		if err := s.Prepare(n.DT, NewStreams(n.Seed, streamPoisson, n.srcBase[k], s.Len())); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := n.prepareDist(); err != nil {
		return err
	}
	// Projections.
	type ringKey struct {
		pop  int
		comp Compartment
		rec  Receptor
	}
	maxDelay := map[ringKey]int64{}
	var keys []ringKey
	for _, p := range n.projs {
		p.postIdx = n.popIndex(p.post)
		p.nPost = p.post.N
		if p.prePop != nil {
			p.preIdx = n.popIndex(p.prePop)
		} else {
			p.preIdx = -1 - n.srcIndex(p.preSrc)
		}
		if p.prePop != nil {
			p.scale = p.prePop.OutputScale()
			// A NeuronModel's population takes P as given: check it here
			// as Params.Validate does for the GeneralizedNeuron's.
			if !(p.scale >= 0 && p.scale <= MaxParamMagnitude) {
				errs = append(errs, fmt.Errorf("brain: projection %q: presynaptic Params.Efficacy = %v: must be in [0, %g] (a negative one would turn the weights against Dale's law)", p.Name, p.scale, float64(MaxParamMagnitude)))
				continue
			}
			if p.scale == 0 {
				errs = append(errs, fmt.Errorf("brain: projection %q: presynaptic Params.Efficacy = 0 would silence every synapse (1 is neutral)", p.Name))
				continue
			}
		} else {
			p.scale = 1
		}
		if err := p.build(n); err != nil {
			errs = append(errs, err)
			continue
		}
		comp := p.spec.Compartment
		if !p.post.hasDendrite() {
			comp = Proximal // no dendrite: distal inputs land on the soma
		}
		k := ringKey{p.postIdx, comp, p.recep}
		if _, ok := maxDelay[k]; !ok {
			keys = append(keys, k)
		}
		maxDelay[k] = max(maxDelay[k], p.maxDelay)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// The delay rings hold (longest delay + 1) × N values each: a long
	// delay into a large population is checked against the budget
	// before it is allocated.
	var ringBytes, most float64
	var biggest ringKey
	for _, k := range keys {
		if d := maxDelay[k] + 1; d > 2 {
			b := float64(d) * float64(n.pops[k.pop].N) * 8
			ringBytes += b
			if b > most {
				most, biggest = b, k
			}
		}
	}
	if budget := n.budget(); ringBytes > float64(budget) {
		pop := n.pops[biggest.pop]
		return fmt.Errorf("brain: Build: the delay rings would take %.3g GB (the largest, %s input of population %q: %d cells × %d slots for a delay of %d steps, %.3g GB), more than the memory budget of %.3g GB (Network.MemoryBudget): shorten the longest delays or use a larger DT", ringBytes/1e9, pop.receptorName(biggest.rec), pop.Name, pop.N, maxDelay[biggest]+1, maxDelay[biggest], most/1e9, float64(budget)/1e9)
	}
	rings := map[ringKey]*ring{}
	for _, k := range keys {
		pop := n.pops[k.pop]
		r := newRing(k.pop, k.comp, k.rec, int(maxDelay[k])+1, pop.N, pop.Input(k.comp, k.rec))
		rings[k] = r
		n.rings = append(n.rings, r)
	}
	n.plastic, n.watched = n.plastic[:0], n.watched[:0]
	group := map[*ring]int{}
	for _, p := range n.projs {
		comp := p.spec.Compartment
		if !p.post.hasDendrite() {
			comp = Proximal
		}
		p.ring = rings[ringKey{p.postIdx, comp, p.recep}]
		if p.rule != nil {
			n.plastic = append(n.plastic, p)
			p.guard = newRuleGuard(p)
			if p.guard != nil || p.spec.Modulator != nil {
				n.watched = append(n.watched, p)
			}
		}
		g, ok := group[p.ring]
		if !ok {
			g = len(n.groups)
			group[p.ring] = g
			n.groups = append(n.groups, nil)
		}
		n.groups[g] = append(n.groups[g], p)
	}
	// Current sources.
	for k, in := range n.injs {
		ids := make([]uint64, len(in.cells))
		for j, c := range in.cells {
			ids[j] = n.popBase[in.pop] + uint64(c)
		}
		// Streams keyed by target cell and injection (the first injection
		// into a cell has salt 0).
		st := Streams{seed: n.Seed, kind: streamOU, salt: uint64(k), ids: ids, n: len(ids)}
		if err := in.src.Prepare(n.DT, st); err != nil {
			errs = append(errs, fmt.Errorf("brain: current source %v: %w", in.src, unwrapPrefix(err)))
		}
	}
	for _, w := range n.weightRecs {
		if slices.Index(n.projs, w.proj) < 0 {
			errs = append(errs, fmt.Errorf("brain: weight recorder of projection %q: projection not in this network", w.proj.Name))
		} else if err := n.checkDistPairs(w); err != nil {
			errs = append(errs, err)
		} else if err := w.resolve(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	n.popSpikes = make([][]int32, len(n.pops))
	n.joined = make([][2][]int32, len(n.pops))
	n.injected = make([]bool, len(n.pops))
	for _, in := range n.injs {
		n.injected[in.pop] = true
	}
	if err := n.prepareGaps(); err != nil {
		return err
	}
	if err := n.preparePoissonInputs(); err != nil {
		return err
	}
	n.srcSpikes = make([][]int32, len(n.srcs))
	n.srcBuf = make([][2][]int32, len(n.srcs))
	n.checkers = n.checkers[:0]
	for k, s := range n.srcs {
		if c, ok := s.(SourceChecker); ok {
			n.checkers = append(n.checkers, c)
		}
		c := 64
		if h, ok := s.(SpikesPerStepHint); ok {
			c = max(h.SpikesPerStep(), 1)
		}
		n.srcBuf[k] = [2][]int32{make([]int32, 0, c), make([]int32, 0, c)}
	}
	n.popDeg = make([][]int32, len(n.pops))
	n.srcDeg = make([][]int32, len(n.srcs))
	for _, p := range n.projs {
		var deg *[]int32
		if p.preIdx >= 0 {
			deg = &n.popDeg[p.preIdx]
		} else {
			deg = &n.srcDeg[-1-p.preIdx]
		}
		if *deg == nil {
			*deg = make([]int32, p.nPre)
		}
		for i := range p.nPre {
			(*deg)[i] += int32(p.rowPtr[i+1] - p.rowPtr[i])
		}
	}
	n.taskWork = n.work
	n.taskFlush = n.flush
	n.taskLearn = func(k int, arg int64) {
		p := n.plastic[k]
		p.rule.Learn(p.syn, arg>>1, n.preSpikes(p), n.popSpikes[p.postIdx])
		if p.guard != nil {
			p.guard.sweep(p, arg>>1)
		}
	}
	n.builtDT, n.builtSeed = n.DT, n.Seed
	// Recorders made before Build copied the DT of that moment; DT may
	// have been set since.
	for _, m := range n.monitors {
		switch m := m.(type) {
		case spikeMonitor:
			m.rec.DT = n.DT
		case stateMonitor:
			m.rec.DT = n.DT
		case *WeightRecorder:
			m.DT = n.DT
		}
	}
	n.claimAll()
	n.built = true
	return nil
}

// Progress reports how far a Run has got.
type Progress struct {
	// Step and Steps count the steps of this Run done and planned.
	Step, Steps int64
	// TimeMS is the network time reached (ms).
	TimeMS float64
}

// Run advances the network by durationMS (rounded to whole steps),
// continuing from where the last Run stopped. progress, if not nil, is
// called about every 1 % of the run and at its end. Run stops at the
// first step boundary after ctx is cancelled and returns ctx's error; the
// network is then consistent and can Run again. It returns a
// *BlowUpError (wrapped) when a population diverges, an error when the
// step count would pass MaxSteps or when DT or Seed changed after Build,
// an error naming the projection, synapse, value and time when a
// plasticity rule that does not keep its bounds (WeightBounder) wrote a
// weight magnitude outside them (or negative, or NaN: found within 4096
// steps, sooner in projections of fewer than 10⁶ synapses;
// plasticity_guard.go) or gave
// a release factor that is negative or not finite, or when a Modulator's
// level is not finite, and a *BugError if the library panicked (the
// network is then unusable).
func (n *Network) Run(ctx context.Context, durationMS float64, progress func(Progress)) (err error) {
	if err := n.acquire("Run"); err != nil {
		return err
	}
	defer n.release()
	defer n.finishDist(&err)
	defer n.recoverBug("Run", &err)
	if n.broken != nil {
		return fmt.Errorf("brain: Run: network unusable after an earlier failure: %w", n.broken)
	}
	if !n.built {
		if err := n.buildAll(); err != nil {
			return err
		}
	}
	if err := n.checkFrozen(); err != nil {
		return err
	}
	steps, err := n.runSteps(durationMS)
	if err != nil {
		return err
	}
	every := max(steps/100, 1)
	for _, p := range n.pops {
		if !p.prepared {
			return fmt.Errorf("brain: Run: population %q: %w", p.Name, ErrNotPrepared)
		}
	}
	if steps == 0 {
		return nil
	}
	w := n.workers()
	if w != n.planW {
		n.plan(w)
	}
	if t := len(n.plans[1].segs) + len(n.srcs); t > maxTasks {
		return fmt.Errorf("brain: Run: %d population segments and sources, more than %d", t, maxTasks)
	}
	if w > 1 {
		n.team = newTeam(w, n.taskWork, n.taskFlush, n.taskLearn, n.deliverPlastic)
		n.team.loadBlind = n.loadBlind
		if n.pace.epoch == 0 || w != n.pace.workers {
			n.pace = newPacer(w)
		}
		n.pace.restart()
		// The new team's workers are starting: the steps run solo until
		// the pacer's first parallel step finds them running (team.warm).
		n.team.setSolo(true)
		n.usePlan(true)
		n.pacedAhead = false
		if n.peerable() {
			n.peer = n.peerSetUp(n.team)
			n.team.peer = n.peer.fn
			n.team.prewarm = n.peer.warmFn
		}
		defer func() {
			n.stopPeers()
			n.team.unpinCaller()
			n.team.close()
			n.team = nil
			n.peer = nil
		}()
	}
	// External currents of populations without current sources stay 0.
	for k, p := range n.pops {
		if !n.injected[k] {
			clear(p.IExt)
			if p.hasDendrite() {
				clear(p.IExtDist)
			}
		}
	}
	n.setUniform(true)
	defer n.setUniform(false)
	defer n.deliverPending()
	if err := n.checkRunMemory(steps, n.peer); err != nil {
		return err
	}
	if err := n.checkDistMonitors(); err != nil {
		return err
	}
	if err := n.startMonitors(steps); err != nil {
		return err
	}
	defer func() {
		if e := n.endMonitors(); e != nil && err == nil {
			err = e
		}
	}()
	done := ctx.Done()
	for k := int64(0); k < steps; {
		if done != nil {
			select {
			case <-done:
				return fmt.Errorf("brain: Run stopped at t = %g ms: %w", n.TimeMS(), ctx.Err())
			default:
			}
		}
		if n.team != nil {
			n.paceStep()
			n.team.relax(0)
		}
		ran := int64(1)
		if n.peer != nil && !n.team.solo {
			// Peer steps up to the next progress call (which then runs
			// while the workers wait), the end, a cancel or the pacer's
			// switch to solo.
			limit := steps - k
			if progress != nil {
				limit = min(limit, every-k%every)
			}
			if ran, err = n.peerSteps(limit, done); err != nil {
				return err
			}
		} else if err := n.stepOnce(); err != nil {
			return err
		}
		k += ran
		if progress != nil && (k%every == 0 || k == steps) {
			progress(Progress{Step: k, Steps: steps, TimeMS: n.TimeMS()})
			n.setUniform(true) // progress may have changed a bias or threshold
		}
	}
	return n.flushBatch()
}

// paceStep asks the pacer (network_pace.go) whether the workers join in
// for the next step, unless peerSteps already did, and switches the plan
// when the mode changes.
func (n *Network) paceStep() {
	ahead := n.pacedAhead
	n.pacedAhead = false
	solo, changed := n.pace.pace(n.team, time.Now, ahead, n.aheadSolo)
	for testAwaitWake && n.pace.waking && !n.team.awake() {
		n.team.warm(n.pace.warmFor(1)) // again if a worker parked since
	}
	if changed {
		n.usePlan(solo)
	}
}

// setUniform tells each QuietInputModel population whether, for the
// rest of the Run (run true) or from now on (false), its external current
// stays 0 and no user code that could change its state runs between
// steps: no current source or gap junction injects into it, and no
// Monitor but the library's recorders watches (after a progress callback
// Run tells it again). The GeneralizedNeuron's kernels then read the
// drive and threshold as two constants when IBias and Theta0 are each one
// value; results are the same.
func (n *Network) setUniform(run bool) {
	if run {
		for _, m := range n.monitors {
			switch m.(type) {
			case spikeMonitor, stateMonitor, *WeightRecorder:
			default:
				run = false
			}
		}
	}
	for k, p := range n.pops {
		if q, ok := p.mod.m.(QuietInputModel); ok {
			q.QuietInputs(&p.mod.st, run && !n.injected[k])
		}
	}
}

// Phase functions of the team (team.funcs order).
const (
	phaseWork = iota
	phaseFlush
	phaseLearn
	phasePlastic
	phasePeer // a batch of peer steps (network_peer.go), not a task function
	phaseWarm // wakes the workers for a parallel epoch (team.warm), not a task function
)

// phase runs the tasks of one phase of a step: on the team during a
// multi-core Run, else here in order.
func (n *Network) phase(fn int) {
	arg := n.stepArg()
	if n.team != nil && !n.team.solo {
		count, bounds := n.tasks(), &n.plans[n.planInUse].bounds
		if fn == phaseLearn {
			count, bounds = len(n.plastic), nil
		}
		n.team.do(fn, count, bounds, arg)
		return
	}
	switch fn {
	case phaseWork:
		for k := range n.tasks() {
			n.work(k, arg)
		}
	case phaseFlush:
		for k := range n.tasks() {
			n.flush(k, arg)
		}
	case phaseLearn:
		for k := range n.plastic {
			n.taskLearn(k, arg)
		}
	case phasePlastic:
		for k := range n.tasks() {
			n.deliverPlastic(k, arg)
		}
	}
}

// deliverPending delivers the spikes of the last step simulated, so that
// between Runs every spike is in its ring (or synaptic variable).
func (n *Network) deliverPending() {
	if n.pending {
		n.phase(phaseFlush)
		n.pending = false
	}
}

// preSpikes returns the spikes of a projection's presynaptic side in the
// current step.
func (n *Network) preSpikes(p *Projection) []int32 {
	if p.preIdx >= 0 {
		return n.popSpikes[p.preIdx]
	}
	return n.srcSpikes[-1-p.preIdx]
}

// stepOnce advances the network by one step; it allocates nothing. The
// workers deliver the previous step's spikes, drain the rings and
// integrate (network_pool.go); this goroutine then joins the spike lists,
// records, and applies plasticity.
func (n *Network) stepOnce() error {
	s := n.step
	n.cur = s
	for k, p := range n.pops {
		if n.injected[k] {
			clear(p.IExt)
			if p.hasDendrite() {
				clear(p.IExtDist)
			}
		}
	}
	for _, in := range n.injs {
		pop := n.pops[in.pop]
		dst := pop.IExt
		if in.comp == Distal {
			dst = pop.IExtDist
		}
		in.src.Add(s, n.DT, in.cells, dst)
	}
	for _, gj := range n.gaps {
		gj.couple()
	}
	n.phase(phaseWork)
	n.pending = false
	par := s & 1
	if err := n.joinSpikes(s, par); err != nil || n.dist != nil {
		if n.dist != nil {
			err = n.exchange(par, err)
		}
		if err != nil {
			if len(n.watched) > 0 {
				err = n.blamePlasticity(err, s)
			}
			return err
		}
	}
	for k, src := range n.srcs {
		sp := n.srcBuf[k][par]
		if err := checkEmitted(src, sp); err != nil {
			return fmt.Errorf("brain: network step %d: %w", s, err)
		}
		n.srcSpikes[k] = sp
	}
	for _, c := range n.checkers {
		if err := c.Err(); err != nil {
			return fmt.Errorf("brain: network step %d: %w", s, unwrapPrefix(err))
		}
	}
	if n.dist == nil || n.dist.batch == 1 {
		n.countEvents()
	}
	var learnErr error
	if len(n.plastic) > 0 {
		// A plastic synapse transmits with its weight from before this
		// step's updates (the statement order of the Song et al. 2000
		// benchmark as Brian2 writes it: ge += w, then w changes).
		for _, p := range n.plastic {
			if p.tx != nil {
				pre := n.preSpikes(p)
				p.transmit(s, pre)
				if p.guard != nil {
					if err := p.checkRelease(s, pre); err != nil {
						return err
					}
				}
			}
		}
		n.phase(phasePlastic)
		if len(n.plastic) > 1 {
			n.phase(phaseLearn)
		} else {
			n.taskLearn(0, n.stepArg())
		}
		if len(n.watched) > 0 {
			learnErr = n.learnErrors()
		}
	}
	n.pending = true
	n.step++
	if n.dist != nil && n.dist.batch > 1 {
		return n.batchStep()
	}
	if err := n.observe(); err != nil {
		return err
	}
	return learnErr
}

// countEvents adds the synaptic events of the current step's spikes.
func (n *Network) countEvents() {
	for k, deg := range n.popDeg {
		if deg == nil {
			continue
		}
		for _, i := range n.popSpikes[k] {
			n.events += int64(deg[i])
		}
	}
	for k, deg := range n.srcDeg {
		if deg == nil {
			continue
		}
		for _, i := range n.srcSpikes[k] {
			n.events += int64(deg[i])
		}
	}
}

// joinSpikes joins the segments' spike lists of step s into each
// population's list (n.popSpikes), or returns a segment's error.
func (n *Network) joinSpikes(s, par int64) error {
	for _, seg := range n.segs {
		if seg.err != nil {
			err := seg.err
			seg.err = nil
			return fmt.Errorf("brain: network step %d: %w", s, unwrapPrefix(err))
		}
	}
	for k, segs := range n.popSegs {
		if len(segs) == 1 {
			n.popSpikes[k] = segs[0].buf[par]
			continue
		}
		j := n.joined[k][par][:0]
		for _, seg := range segs {
			j = append(j, seg.buf[par]...)
		}
		n.joined[k][par] = j
		n.popSpikes[k] = j
	}
	return nil
}

// Summary describes the network in a few lines: populations, sources,
// projections with their synapse counts and storage, and the time step.
// Counts and bytes are known after Build.
func (n *Network) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "network: dt %g ms, seed %d, t = %g ms\n", n.dt(), n.Seed, n.TimeMS())
	for _, p := range n.pops {
		kind := "excitatory"
		if p.P.Inhibitory {
			kind = "inhibitory"
		}
		fmt.Fprintf(&b, "  population %-12s %7d × %s (%s)\n", p.Name, p.N, p.P.Name, kind)
	}
	for _, s := range n.srcs {
		fmt.Fprintf(&b, "  source     %-12s %7d generators\n", s.SourceName(), s.Len())
	}
	var syn, bytes int64
	for _, p := range n.projs {
		plastic := ""
		if p.spec.STDP != nil {
			plastic = ", STDP"
		} else if p.rule != nil {
			plastic = fmt.Sprintf(", plastic (%T)", p.rule)
		}
		fmt.Fprintf(&b, "  projection %s %s: %d synapses, %.2f B/synapse, %s%s\n",
			p.Name, p.conn.String(), p.NumSynapses(), p.BytesPerSynapse(), p.post.receptorName(p.recep), plastic)
		syn += int64(p.NumSynapses())
		bytes += p.Bytes()
	}
	fmt.Fprintf(&b, "  total %d synapses, %.1f MB of connectivity", syn, float64(bytes)/1e6)
	return b.String()
}
