// Package brain is the simulation core of neuron: spiking neuron
// populations, their inputs, monitors and (in the network files) the
// networks that connect them. It is pure numerics and imports only the
// standard library: nothing that knows about notebooks or browsers.
//
// # Units
//
// NEST's convention throughout: time in ms, voltage in mV, current in pA,
// capacitance in pF, conductance in nS, rate in Hz.
//
// # The GeneralizedNeuron
//
// Every cell type is the same model with different parameters (Params): an
// adaptive exponential integrate-and-fire soma (Brette & Gerstner 2005)
// coupled to one passive dendritic compartment, with spike-triggered
// adaptation and an adaptive threshold:
//
//	C  dV/dt  = −GL(V − EL) + GL·ΔT·exp((V − θ)/ΔT) − Gc(V − Vd) − w + I_prox + I_ext + I_bias
//	Cd dVd/dt = −GLd(Vd − EL) + Gc(V − Vd) + I_dist
//	τw dw/dt  = a(V − EL) − w
//	τθ dθ/dt  = θ∞ − θ
//	θ∞        = θ0 − min(ThetaPerSD·σ_I, ThetaDropMax)        (sensory rule; θ0 without it)
//	when V ≥ VPeak (ΔT > 0) or V ≥ θ (ΔT = 0):
//	        V ← VReset,  w ← w + b,  θ ← θ + Δθ,  V held at VReset for TRef
//
// σ_I is the running standard deviation of the cell's total input current
// I (synaptic, external and bias, at soma and dendrite), an exponentially
// weighted mean and variance with time constant TauVar:
//
//	μ  ← μ + α·(I − μ)
//	σ² ← (1 − α)·(σ² + α·(I − μ_old)²),      α = 1 − exp(−dt/TauVar)
//
// so the threshold falls while the input fluctuates and recovers when it is
// steady. Synaptic input per compartment and receptor is exponential, either
// current-based (I = I_E − I_I, jumps in pA) or conductance-based
// (I = g_E(EE − V) + g_I(EI − V), jumps in nS), with time constants TauE and
// TauI. Proximal inputs enter the soma, distal ones the dendrite; a steady
// distal current reaches the soma attenuated by
//
//	Gc/(Gc + GLd)        (Params.Attenuation)
//
// Two optional terms, off in every preset (Params.Extended), extend the
// spike-triggered dynamics. A second threshold component θ2, which adds to
// θ in the exponential (and in the hard threshold when ΔT = 0),
//
//	τθ2 dθ2/dt = −θ2,   at a spike θ2 ← θ2 + Δθ2      (DeltaTheta2, TauTheta2)
//
// makes θ + θ2 the multi-timescale adaptive threshold of Kobayashi et al.
// (2009, Front Comput Neurosci 3:9) with a fast and a slow component. A
// saturating adaptation increment,
//
//	at a spike w ← w + b·(1 − w/WSat)                   (WSat > 0)
//
// lets w approach WSat at high rates, as the activation of a slow potassium
// current saturates (the after-spike currents of the GLIF models, Teeter et
// al. 2018, Nat Commun 9:709, are updated in this multiplicative-plus-
// additive form). Parameter sets without them run bit for bit as before the
// terms existed; with them they run on the general (scalar) kernel.
//
// The leaky integrate-and-fire neuron is the special case ΔT = 0, a = b = 0,
// Gc = 0, no adaptive threshold (Params.IsLIF).
//
// Presets (Pyramidal, Interneuron, Sensory, Purkinje, Granule, Motor,
// Generic) return parameter sets taken from the literature, cited beside
// each; Region.Adjust adapts them to cortex, cerebellum or brainstem.
// Excitatory or inhibitory identity follows Dale's law (Params.Inhibitory);
// Params.Efficacy scales every outgoing weight.
//
// # Populations and inputs
//
// A Population holds N neurons of one Params as struct-of-arrays (V, Vd,
// W, Theta, …, one slice each) with per-neuron IBias (pA), Theta0 (mV) and
// Size (a factor on every capacitance and conductance, so time constants
// stay and the input resistance falls with size). Each step, the caller (or
// Network) adds spike weights to Input(compartment, receptor) and external
// currents to IExt (soma) and IExtDist (dendrite), then calls Step, which
// advances every neuron by dt and returns the indices that spiked. Weights
// are magnitudes (pA or nS); the receptor gives the sign, and Dale's law
// ties a population's outgoing receptor to Params.Inhibitory
// (OutputReceptor); OutputScale is the Efficacy by which a projection
// multiplies its weights. Nothing in Step allocates.
//
// # Integration
//
// One kernel per configuration, chosen once by Prepare, so that no loop
// branches per neuron on the model's configuration:
//
//   - LIF with current synapses (Params.IsLIF) is integrated exactly with
//     exponential propagators (Rotter & Diesmann 1999; NEST iaf_psc_exp):
//
//     V ← EL + (V−EL)·e^(−h/τm) + I0·(1−e^(−h/τm))/GL + P21E·I_E − P21I·I_I
//
//     spikes are on the step grid (emitted at the end of the step in which
//     V ≥ θ), and V is held at VReset for round(TRef/dt) steps while the
//     synaptic currents keep decaying. The loop over the neurons has no
//     branch on refractoriness (the held value is selected by a
//     conditional move) and leaves it only at a spike.
//
//   - LIF with conductance synapses uses exponential Euler with each
//     decaying conductance replaced by its exact mean over the step; it is
//     stable for any dt and exact for constant conductances (the COBA
//     benchmark's reference is forward Euler at 0.1 ms).
//
//   - The general model takes one Heun (explicit trapezoid, second-order)
//     step of dt for every neuron that is not refractory and stays below
//     θ + x·ΔT with e^x·dt/τm ≤ 0.2, in passes over blocks of 256 neurons.
//     With current synapses and dt small against the linear time constants
//     (the usual case) the passes are specialised: inputs at both ends of
//     the step, the two Heun stages (dendrite or not), θ only when it
//     moves, each a short loop with one exponential. Other neurons go to
//     an adaptive path: substeps with the exponential's rate times the
//     substep ≤ 0.2, the spike located inside the step (by interpolating
//     the crossing of VPeak, or, once (V−θ)/ΔT ≥ 8, adding the remaining
//     upswing time τm·(e^−x − e^−xPeak)), reset there, and refractoriness
//     in continuous time (V held, W, Vd and θ relaxing exactly). The
//     exponential's argument is capped at 50, so it cannot overflow; a
//     run-away that never reaches VPeak ends in a blow-up error. dt = 0.1
//     and 0.01 ms give spike times within 0.2 ms over 1 s (tested;
//     typically 0.05 ms).
//
// The kernels live in package brain/internal/kernel, on plain slices and
// precomputed constants, each tested against one readable reference form
// of the model (a Runge–Kutta integration of the equations above with 2000
// substeps, and a closure-based form of the adaptive path). They share
// one exponential, simd.Exp (kernel.Exp in package kernel): 2^(k/256)
// from a table times the cubic Taylor polynomial of e^r, with a relative
// error below 3e-13 over [−700, 50] (tested against math.Exp), small
// enough to be inlined into the loops; the vector kernels compute the same
// numbers (AVX-512: from two 16-entry tables that fit its registers; AVX2:
// from the same 256-entry table, read lane by lane). Synaptic and membrane decay factors are per-population
// constants computed with the standard library's math.Exp.
//
// A NaN or infinite state variable makes Step return a *BlowUpError naming
// population, neuron, variable, value and time. Large populations
// (N ≥ 16384) are split into contiguous chunks stepped by goroutines
// (SetWorkers); the spike lists are joined in chunk order, so results do not
// depend on the worker count.
//
// # Single cells and monitors
//
// SimulateCurrent runs one neuron under injected current traces (soma and
// dendrite; StepCurrent and ConstantCurrent build them) and returns spike
// times and the state trace, so a cell type can be studied before any
// network exists. SpikeRecorder stores spikes as (step, neuron) int32
// pairs; StateRecorder samples chosen variables of chosen neurons every k
// steps; both estimate their memory before a run (EstimateBytes). Samples
// are taken after the step's resets, so a recorded V never shows a spike;
// SpikeSampleIndices places spike marks on a trace.
// Population.MarshalBinary saves the dynamic state for a restart.
//
// # Your own models: the extension points
//
// Every part of a network is reached through a small exported interface,
// and the library's own parts implement the same interfaces a user's type
// does (written in a notebook cell, compiled by GoNB, run at compiled
// speed):
//
//   - NeuronModel (model.go): state variables declared with units (Var),
//     Prepare for a time step, and Step over a range [lo, hi) of
//     struct-of-arrays State, appending the neurons that spiked.
//     NewModelPopulation makes a population of it; Izhikevich is the
//     library's example. ReceptorKernel (ExpCurrent, ExpConductance) is the
//     postsynaptic kinetics a model calls. The GeneralizedNeuron is a
//     NeuronModel too (GeneralizedNeuron; NewPopulation makes a population
//     of it): its hand-tuned kernels (package internal/kernel) run behind
//     optional interfaces that any model may implement: CompartmentModel
//     (a dendrite: State.InputAt, State.IExtDist), ScratchModel (work
//     space per goroutine, blow-ups found while stepping) and FaultModel
//     (why a cell the step stopped at is a blow-up).
//   - PlasticityRule (plasticity.go): Prepare over a Synapses view, Learn
//     once per step with the step's presynaptic and postsynaptic spikes; a
//     Modulator (ModulatorFunc) carries a neuromodulator. STDP (stdp.go) is
//     the library's rule.
//   - Connector (connect.go) with ConnBuilder; Source (source.go);
//     CurrentSource (input_current.go); Monitor (network_monitor.go), behind
//     which the recorders run.
//
// What a built-in gets, a user's type gets: random streams keyed by global
// ids (Streams, ConnBuilder.RowRand, State.Streams), so results do not
// depend on the worker count; checkpoints (Network.Save and Restore carry
// a model's declared variables, and any component implementing Stateful
// writes its own state with a StateEncoder); recorders by variable name;
// a *BlowUpError naming model, variable, neuron and time when a variable
// becomes NaN or infinite, with the model's own cause (FaultModel) when it
// stops a step it knows would go wrong; and a panic inside a model's Step returned by
// Run as an error wrapping ErrModelPanic.
//
// # Files
//
//	network.go           Network: building, Build, Run, the step loop
//	network_pool.go      multi-core stepping: segments, each worker's home share of the tasks, the team
//	network_monitor.go   Monitor, StepView, AddMonitor; the recorders as monitors
//	network_guard.go     guards against silent wrong results while running
//	network_rng.go       random streams keyed by global ids (Streams, NewStream)
//	network_pace.go      the pacer: whether the workers join in a step on a busy machine
//	network_cpus.go      the members of a team on CPUs of their own (thread affinity, Linux)
//	population.go        Population: NewPopulation, Prepare, Step, BlowUpError
//	population_state.go  Population.MarshalBinary / UnmarshalBinary
//	memory.go            memory budgets (MemoryBudget) checked before large allocations
//	params.go, presets.go  Params with validation; the cell-type presets and regions
//	params_json.go       Params as JSON
//	model.go             NeuronModel, State, Var, CompartmentModel, ScratchModel,
//	                     FaultModel, QuietInputModel, ParamsModel, CapacitanceModel,
//	                     ReceptorKernel (ExpCurrent, ExpConductance), NewModelPopulation
//	model_generalized.go the GeneralizedNeuron as a NeuronModel (GeneralizedNeuron)
//	internal/kernel      its kernels on plain slices: consts.go (constants for dt,
//	                     kernel choice), lif.go (exact LIF), heun.go (fused Heun
//	                     passes), full.go (general kernel and the adaptive path
//	                     Slow), exp.go (Exp, the name the kernels call simd.Exp by)
//	internal/simd        the LIF kernels of Size-1 populations, vectorised where the
//	                     build allows (kernels_vector.go: VectorKernels), and exp.go
//	                     (Exp, the one exponential of every kernel)
//	model_izhikevich.go  the Izhikevich (2003) model as a NeuronModel
//	receptors.go         ReceptorModel: a model's own receptors, targeted by SynapseSpec.Receptor
//	receptor_kernels.go  RiseDecayKernel: alpha and dual-exponential kernels, NMDA Mg²⁺ block, presets
//	model_receptor_lif.go  ReceptorLIF: conductance LIF with AMPA, GABA_A, NMDA, GABA_B
//	gap.go               gap junctions (Network.AddGapJunctions); network_gapfs.go GapFSNetwork
//	spatial.go           Space, Positions, DistanceKernel, the DistanceProbability connector
//	current.go           SimulateCurrent, StepCurrent, ConstantCurrent, Trace
//	input_current.go     CurrentSource and the current clamps, OUNoise
//	source.go            Source; source_poisson.go PoissonGroup; source_array.go SpikeSourceArray
//	poisson_input.go     PoissonInput: a Poisson count of synaptic events per cell and step
//	connect.go           Connector, ConnBuilder and the connectors; connect_value.go Value;
//	                     connect_total.go FixedTotalNumber
//	projection.go        Projection: CSR connectivity, weights, delays, delivery
//	projection_ring.go   delay ring buffers
//	projection_monitor.go  WeightRecorder
//	plasticity.go        PlasticityRule, Synapses, Modulator, WeightBounder
//	plasticity_guard.go  the checks of a user's rule's weights and release factors
//	stdp.go              STDP: parameters, rule state, learning loop, checkpoint fields
//	monitor.go           SpikeRecorder, StateRecorder, SpikeSampleIndices
//	checkpoint.go        Network.Save / Restore; checkpoint_codec.go Stateful, StateEncoder,
//	                     StateDecoder; checkpoint_envelope.go the file envelope
//
// The benchmark and study networks (CUBA, COBA, SongSTDP, Brunel, the
// research circuit) and their reference figures are in package
// brain/models.
package brain
