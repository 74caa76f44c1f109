// Package brain is the simulation core of neuron: spiking neuron
// populations, their inputs, monitors and (in the network files) the
// networks that connect them. It is pure numerics: the standard library and
// gonum, nothing that knows about notebooks or browsers.
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
// The leaky integrate-and-fire neuron is the special case ΔT = 0, a = b = 0,
// Gc = 0, no adaptive threshold (Params.IsLIF).
//
// Presets (Pyramidal, Interneuron, Sensory, Purkinje, Granule, Motor,
// Generic) return parameter sets taken from the literature, cited beside
// each; Region.Adjust adapts them to cortex, cerebellum or brainstem.
// Excitatory or inhibitory identity follows Dale's law (Params.Inhibitory);
// Params.Efficacy scales every outgoing weight.
//
// # Integration
//
// A Population holds N neurons of one Params as struct-of-arrays and
// advances them with Step, one kernel per model, with no allocation:
//
//   - LIF with current synapses is integrated exactly with exponential
//     propagators (Rotter & Diesmann 1999; NEST iaf_psc_exp); spikes are on
//     the step grid and V is held at VReset for round(TRef/dt) steps while
//     the synaptic currents keep decaying.
//   - LIF with conductance synapses uses exponential Euler with the exact
//     step-mean of each decaying conductance.
//   - The general model uses Heun's method (second order) with adaptive
//     substeps during the spike upswing, the exponential's argument capped,
//     spike times located inside the step, and refractoriness in
//     continuous time.
//
// A NaN or infinite state variable makes Step return a *BlowUpError naming
// population, neuron, variable, value and time. Large populations are split
// over goroutines inside Step (SetWorkers); results do not depend on the
// split.
//
// SimulateCurrent runs one neuron under an injected current trace.
// SpikeRecorder and StateRecorder record spikes and state traces and
// estimate their memory before a run.
package brain
