// Package simd holds the vectorised forms of the LIF integration kernels
// and their portable fallbacks.
//
// Each kernel advances the neurons of one population chunk by one time step
// of the leaky integrate-and-fire model with exponential synapses, over
// struct-of-arrays state (Arrays): membrane potential V (mV), synaptic
// variables SE, SI (pA for current synapses, conductance in units of the
// leak conductance GL for conductance synapses), external and bias
// currents IExt, IBias (pA), threshold Th (mV) and refractory clock Ref
// (ms, positive while refractory). A kernel runs from the first neuron on
// and stops at the first neuron that needs the caller (a spike, or a
// non-finite or huge V); it returns that neuron's index with its new,
// unstored V and its refractory clock before the step, and the caller
// resumes after it. Between such events no neuron branches: a refractory
// neuron's V is computed and replaced by VReset with a select.
//
// The vector kernels use Go's simd/archsimd package and exist only in
// builds with GOEXPERIMENT=simd on amd64: eight float64 lanes when the CPU
// has AVX-512 (lif_vec.go), four when it has AVX2 but not AVX-512
// (lif_vec4.go); Vector reports whether either runs and Width how many
// lanes. Every other build and CPU runs the scalar kernels, which perform
// the same floating-point operations in the same order, so all forms agree
// bit for bit (tested at each width the CPU has): results never depend on
// the machine. The scalar code
// converts products explicitly to float64 so that no compiler fuses a
// multiply and an add into one rounding (the Go spec allows fusing
// otherwise, and the vector kernels round every operation).
//
// Curr is the exact update for current synapses (Rotter & Diesmann 1999,
// Biol Cybern 81:381):
//
//	V ← (V·pm + c0) + ((IExt + IBias)·kC + (SE·kE − SI·kI))
//	SE ← SE·pE,  SI ← SI·pI
//
// Cond is the exponential-Euler update for conductance synapses, with the
// conductances replaced by their exact mean over the step (ḡ = g·m):
//
//	G  = GL + ḡE + ḡI,  V∞ = (GL·EL + ḡE·EE + ḡI·EI + IExt + IBias)/G
//	V ← V∞ + (V − V∞)·exp(−G·h/C)
//
// CondEuler is forward Euler for the same equation, the integrator of the
// Brian2 reference implementation of the COBA benchmark (Brette et al.
// 2007, J Comput Neurosci 23:349):
//
//	V ← V + (h/C)·(GL·(EL − V) + gE·(EE − V) + gI·(EI − V) + IExt + IBias)
//
// using the conductances at the start of the step.
package simd
