// Package kernel holds the hand-tuned integration kernels of brain's
// GeneralizedNeuron (an AdEx soma with a passive dendrite, adaptation, an
// adaptive and variance-driven threshold; the LIF as its special case),
// written over plain struct-of-arrays slices (State) and constants
// precomputed for one time step (Consts), so that they can be tested and
// vectorised on their own. brain's Population owns the slices and calls
// Step; the kernels know nothing of populations, networks or errors: a
// numerical blow-up is reported as the index of the neuron.
//
// NewConsts chooses one kernel per population, so that no loop branches
// per neuron on the model's configuration:
//
//   - LIFCurrent: the exact propagators of Rotter & Diesmann (1999);
//   - LIFConductance: exponential Euler with the conductances' exact mean
//     over the step;
//   - Heun: the fused passes of the general model with current synapses
//     and one Heun step per dt (heun.go);
//   - General: the general model's passes for conductance synapses or
//     several substeps (full.go).
//
// The Heun and General kernels hand every neuron that spikes, is
// refractory or is in its upswing to Slow, the adaptive path. Each
// variant is compared with one readable reference form of the model (in
// brain's tests: TestKernelsMatchReference, TestSlowMatchesReference). All
// of them use one exponential, Exp.
//
// In builds with GOEXPERIMENT=simd on amd64 CPUs with AVX-512 or AVX2, the
// Heun kernel runs in vector form (heun_vec.go: eight or four neurons per
// instruction) for populations whose cells all have Size 1 and do not use
// the sensory rule (heunVecSupports); it performs the scalar kernel's
// operations in the same order and agrees with it bit for bit
// (TestHeunVecMatchesScalar). The LIF kernels' vector forms are in
// package simd.
//
// Package kernel imports only the standard library. Units are brain's:
// ms, mV, pA, pF, nS.
package kernel
