package brain

import (
	"fmt"
	"math"
	"sync"

	"github.com/neuron-sim/neuron/brain/internal/kernel"
)

// GeneralizedNeuron is the library's neuron model (the equations of the
// package documentation: an AdEx soma, a passive dendrite, adaptation, an
// adaptive and variance-driven threshold; the LIF as its special case) as
// a NeuronModel, with parameters P. NewPopulation(name, n, p) makes a
// population of it; NewModelPopulation(name, n, &GeneralizedNeuron{P: p})
// is the same thing. Its population's P is its parameter set: Prepare
// reads Population.P, so editing P and preparing again takes effect.
//
// It declares its state and per-neuron parameters as variables, so that
// recorders, checkpoints and Population.Var see them as they see a user
// model's: V, Vd (mV), W (pA, per unit Size), Theta (mV); IBias (pA),
// Theta0 (mV) and Size (dimensionless, > 0), the per-neuron bias current,
// resting threshold and size factor (Population.IBias, Theta0 and Size
// alias them); Ref (ms), the refractory time left; Mu (pA) and SigmaSq
// (pA²), the running statistics of the input current of the sensory rule.
// With P.Gc > 0 (decided when the population is made) it has a dendrite:
// its population keeps distal synaptic inputs and IExtDist. With the
// second threshold component (P.DeltaTheta2 ≠ 0) it also keeps θ2 (mV)
// per neuron: not a declared variable (so that the populations of every
// other parameter set keep their memory and checkpoint layout), read with
// Theta2 and saved in checkpoints by SaveState.
//
// Its step runs the hand-tuned kernels of package brain/internal/kernel,
// one chosen per population by Prepare, each tested against one readable
// reference form of the model. It is a ScratchModel (the kernels work in
// blocks with per-goroutine work space, and detect a blow-up while they
// step, so the population does not scan its variables after every step)
// a CompartmentModel, a ParamsModel and a CapacitanceModel.
type GeneralizedNeuron struct {
	// P is the parameter set. In a population, Population.P overrides it
	// at every Prepare.
	P Params

	dend   bool // dendrite, fixed when the population is made
	c      *kernel.Consts
	ks     kernel.State
	gain   []float64 // 1/Size, set by Prepare
	size   []float64 // the Size variable, set by Prepare
	mu     sync.Mutex
	direct *kernel.Scratch // scratch of Step called directly (not through a Population)
	theta2 []float64       // θ2 (mV), allocated by Prepare when P.DeltaTheta2 ≠ 0
	dt     float64         // the time step of the last Prepare (ms)
}

// Theta2 returns the second threshold component θ2 of every neuron (mV;
// the model's own slice, written by every step), or nil if the model was
// never prepared with DeltaTheta2 ≠ 0.
func (m *GeneralizedNeuron) Theta2() []float64 { return m.theta2 }

// The variables of the GeneralizedNeuron, in Vars order.
const (
	gnV = iota
	gnVd
	gnW
	gnTheta
	gnIBias
	gnTheta0
	gnSize
	gnRef
	gnMu
	gnSigmaSq
)

// Vars declares V, Vd, W, Theta, IBias, Theta0, Size, Ref, Mu and
// SigmaSq, at rest for P (V = Vd = EL, θ = θ0 = VT, IBias = P.IBias,
// Size = 1).
func (m *GeneralizedNeuron) Vars() []Var {
	p := &m.P
	return []Var{
		gnV:       {Name: "V", Unit: "mV", Init: p.EL},
		gnVd:      {Name: "Vd", Unit: "mV", Init: p.EL},
		gnW:       {Name: "W", Unit: "pA", Init: 0},
		gnTheta:   {Name: "Theta", Unit: "mV", Init: p.VT},
		gnIBias:   {Name: "IBias", Unit: "pA", Init: p.IBias},
		gnTheta0:  {Name: "Theta0", Unit: "mV", Init: p.VT},
		gnSize:    {Name: "Size", Unit: "1", Init: 1},
		gnRef:     {Name: "Ref", Unit: "ms", Init: 0},
		gnMu:      {Name: "Mu", Unit: "pA", Init: 0},
		gnSigmaSq: {Name: "SigmaSq", Unit: "pA²", Init: 0},
	}
}

// Params returns P (ParamsModel): a population of the model starts with
// it as its P.
func (m *GeneralizedNeuron) Params() Params { return m.P }

// Capacitance returns C·Size of cell i, the soma's capacitance (pF)
// (CapacitanceModel).
func (m *GeneralizedNeuron) Capacitance(s *State, i int) float64 { return m.P.C * s.vars[gnSize][i] }

// HasDendrite reports whether P.Gc > 0 (CompartmentModel).
func (m *GeneralizedNeuron) HasDendrite() bool { return m.P.Gc > 0 }

// Prepare validates P and the per-neuron parameters and chooses the
// kernel for time step dt (ms).
func (m *GeneralizedNeuron) Prepare(dt float64, s *State) error {
	if s.pop != nil {
		m.P = s.pop.P
	}
	p := m.P
	if err := p.Validate(); err != nil {
		return err
	}
	if s.dendrite != (p.Gc > 0) {
		return fmt.Errorf("brain: Gc = %v changed after the population was made (dendrite present or absent is fixed at construction)", p.Gc)
	}
	if len(m.gain) != s.N {
		m.gain = make([]float64, s.N)
	}
	unit := true
	m.size = s.vars[gnSize]
	for i, sz := range m.size {
		if !(sz > 0) || math.IsInf(sz, 0) {
			return fmt.Errorf("brain: Size[%d] = %v: must be a finite number > 0", i, sz)
		}
		m.gain[i] = 1 / sz
		unit = unit && sz == 1
	}
	for i, v := range s.vars[gnIBias] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("brain: IBias[%d] = %v: must be finite", i, v)
		}
	}
	for i, v := range s.vars[gnTheta0] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("brain: Theta0[%d] = %v: must be finite", i, v)
		}
		if p.DeltaT == 0 && !(p.VReset < v) {
			return fmt.Errorf("brain: Theta0[%d] = %v: must exceed VReset = %v", i, v, p.VReset)
		}
	}
	if err := checkSubsteps(p, dt); err != nil {
		return err
	}
	if p.DeltaTheta2 != 0 && len(m.theta2) != s.N {
		m.theta2 = make([]float64, s.N) // θ2 at rest
	}
	m.c = kernel.NewConsts(kernelParams(p), dt, unit)
	m.dt = dt
	m.ks = m.kernelState(s)
	if p.IsLIF() {
		copy(m.ks.Theta, m.ks.Theta0)
	}
	return nil
}

// kernelState is the kernels' view of the arrays of s (m.ks is that of
// the population's own; a peer step's replica has another,
// network_replica.go). Gain and θ2 are the model's.
func (m *GeneralizedNeuron) kernelState(s *State) kernel.State {
	return kernel.State{V: s.vars[gnV], Vd: s.vars[gnVd], W: s.vars[gnW], Theta: s.vars[gnTheta], Theta0: s.vars[gnTheta0],
		EP: s.InputAt(Proximal, Excitatory), IP: s.InputAt(Proximal, Inhibitory),
		ED: s.InputAt(Distal, Excitatory), ID: s.InputAt(Distal, Inhibitory),
		IExt: s.IExt(), IExtDist: s.IExtDist(), IBias: s.vars[gnIBias], Gain: m.gain,
		Ref: s.vars[gnRef], Mu: s.vars[gnMu], Var: s.vars[gnSigmaSq], Offset: s.SpikeOffset(), Theta2: m.theta2}
}

// Step advances neurons [lo, hi) (NeuronModel). A population calls
// StepScratch instead, with the work space of the calling goroutine; Step
// serialises the calls that share its own.
func (m *GeneralizedNeuron) Step(s *State, lo, hi int, step int64, dst []int32) []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.direct == nil {
		m.direct = kernel.NewScratch()
	}
	out, _ := kernel.Step(m.c, &m.ks, lo, hi, dst, m.direct)
	return out
}

// QuietInputs lets the LIF kernels take the drive and the threshold as
// constants while IExt stays 0 and IBias and Theta0 are each one value
// (QuietInputModel).
func (m *GeneralizedNeuron) QuietInputs(s *State, quiet bool) { m.ks.SetUniform(quiet) }

// NewScratch returns the kernels' work space for one goroutine
// (ScratchModel).
func (m *GeneralizedNeuron) NewScratch() any { return kernel.NewScratch() }

// StepScratch is Step with the work space sc of the calling goroutine;
// it also returns the first neuron whose state or input is no longer
// finite (the step stopped there, with that neuron's synaptic inputs as
// they were at its start), or −1 (ScratchModel).
func (m *GeneralizedNeuron) StepScratch(s *State, lo, hi int, step int64, dst []int32, sc any) ([]int32, int) {
	return kernel.Step(m.c, &m.ks, lo, hi, dst, sc.(*kernel.Scratch))
}

// Fault names a forward Euler LIF cell whose step from its present state
// is unstable, with h·(GL + gE + gI)/C: the kernel stops there and leaves
// the neuron's state as it was (FaultModel).
func (m *GeneralizedNeuron) Fault(s *State, i int) (string, float64, string, bool) {
	if m.c == nil {
		return "", 0, "", false
	}
	r, unstable := kernel.EulerUnstable(m.c, &m.ks, i)
	if !unstable {
		return "", 0, "", false
	}
	return "dt·(GL+gE+gI)/C", r, fmt.Sprintf("forward Euler is unstable where dt·(GL+gE+gI)/C ≥ 2: "+
		"the synaptic conductances are too large for dt = %g ms; use Integrator Accurate or a smaller dt", m.dt), true
}

// kernelParams are p's numbers as the kernels take them.
func kernelParams(p Params) kernel.Params {
	return kernel.Params{
		C: p.C, GL: p.GL, EL: p.EL, VT: p.VT, DeltaT: p.DeltaT, VPeak: p.VPeak, VReset: p.VReset, TRef: p.TRef,
		A: p.A, B: p.B, TauW: p.TauW, Cd: p.Cd, GLd: p.GLd, Gc: p.Gc,
		DeltaTheta: p.DeltaTheta, TauTheta: p.TauTheta,
		DeltaTheta2: p.DeltaTheta2, TauTheta2: p.TauTheta2, WSat: p.WSat,
		TauVar: p.TauVar, ThetaPerSD: p.ThetaPerSD, ThetaDropMax: p.ThetaDropMax,
		Cond: p.Synapse.Model == ConductanceExp, Euler: p.Integrator == ForwardEuler,
		TauE: p.Synapse.TauE, TauI: p.Synapse.TauI, EE: p.Synapse.EE, EI: p.Synapse.EI,
	}
}

// SaveState writes θ2 if the model has it (P.DeltaTheta2 ≠ 0), else
// nothing: the rest of the GeneralizedNeuron's state is its variables
// (Stateful).
func (m *GeneralizedNeuron) SaveState(e *StateEncoder) {
	if len(m.theta2) > 0 {
		e.Float64s(m.theta2)
	}
}

// RestoreState reads θ2 if the checkpoint has it (a checkpoint without it
// sets θ2 to 0, at rest) and recomputes 1/Size from the restored Size
// (Stateful).
func (m *GeneralizedNeuron) RestoreState(d *StateDecoder) error {
	if len(d.b) == 0 {
		clear(m.theta2)
	} else {
		t2 := d.AppendFloat64s(nil)
		if d.err != nil {
			return d.err
		}
		switch {
		case len(m.theta2) == len(t2):
			copy(m.theta2, t2)
		case m.theta2 == nil && (m.gain == nil || len(m.gain) == len(t2)):
			m.theta2 = t2
			m.ks.Theta2 = t2
		default:
			return d.Fail("θ2 of %d neurons, the population has %d", len(t2), len(m.theta2))
		}
	}
	for i, sz := range m.size {
		if sz > 0 {
			m.gain[i] = 1 / sz
		}
	}
	return nil
}

// checkSubsteps rejects a step that the general kernel would have to cut
// into more than kernel.MaxSubsteps substeps (its fastest linear rate times the
// substep is kept ≤ 0.5, see makeKernelConsts): a time constant far
// shorter than dt, such as C = 1e-9 pF.
func checkSubsteps(p Params, dt float64) error {
	if p.IsLIF() {
		return nil // integrated exactly, whatever the time constants
	}
	lam := (p.GL + p.Gc) / p.C
	if p.Gc > 0 {
		lam = max(lam, (p.GLd+p.Gc)/p.Cd)
	}
	if p.TauW > 0 {
		lam = max(lam, 1/p.TauW)
	}
	if p.TauTheta > 0 {
		lam = max(lam, 1/p.TauTheta)
	}
	if p.DeltaTheta2 != 0 {
		lam = max(lam, 1/p.TauTheta2)
	}
	if n := dt * lam / 0.5; !(n <= kernel.MaxSubsteps) {
		return fmt.Errorf("brain: its fastest time constant, %.3g ms, would need %.3g substeps per step of %v ms (at most %d): use a smaller dt or check C, GL, Cd, GLd, Gc, TauW, TauTheta and TauTheta2", 1/lam, n, dt, kernel.MaxSubsteps)
	}
	return nil
}
