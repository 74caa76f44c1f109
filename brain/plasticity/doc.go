// Package plasticity holds synaptic plasticity rules built on brain's
// open interfaces, exactly as a user's rule would be: short-term
// plasticity (TsodyksMarkram, a brain.Transmitter), reward-modulated STDP
// with eligibility traces (RewardSTDP, gated by a dopamine
// brain.Modulator such as Dopamine) and inhibitory plasticity that
// balances excitation (VogelsSprekeler); Combine puts short-term
// plasticity and a weight rule on one projection. Each rule saves its state with
// the network (brain.Stateful), so checkpoints resume bit-exactly, and
// draws nothing at random, so results do not depend on the worker count.
//
// Attach a rule with brain.SynapseSpec.Plasticity; a rule value belongs to
// one projection. Units follow brain: time in ms, weights as magnitudes in
// the projection's units (pA or nS). docs/plasticity.md describes the
// models, their checks and their sources.
package plasticity
