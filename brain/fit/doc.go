// Package fit fits a GeneralizedNeuron (brain.Params) to a recording of a
// real or detailed neuron and measures how well it predicts spike times.
//
// A Recording is the injected current (pA, sampled every DT ms), the spike
// times (ms) and, optionally, the membrane voltage (mV). Fit searches the
// parameters that maximise the coincidence factor Γ (Kistler et al. 1997;
// Jolivet et al. 2008; brain/analysis.GammaFactor) between the model's and
// the recorded spikes on a training window, with a penalty on the rate
// error and, with a voltage trace, on the subthreshold voltage error, and
// reports Γ on a held-out test window:
//
//	objective = −Γ_train(Δ = 2 ms) + RatePenalty·((ν_model − ν_data)/ν_data)²
//	            + VoltageWeight·RMS(V_model − V_data)   (mV, between spikes)
//
// With a voltage trace the search starts from estimates that use it:
//
//  1. the dynamic I–V curve (Badel et al. 2008, EstimateDynamicIV): C is the
//     value that makes the ionic current C·dV/dt − I_in least variable at
//     fixed V; the curve F(V) = ⟨I_ion⟩_V/C then gives GL, EL, ΔT and VT;
//  2. a linear regression of dV/dt on V, I, spike-triggered kernels and a
//     filtered voltage (Mensi et al. 2012, EstimateSubthreshold), over the
//     samples between rest and threshold: C, GL, EL, the slow adaptation
//     a, b, τw, a refined VT, the reset and, if the voltage shows one, a
//     spike-triggered moving threshold (RegressOptions.ThetaMinGain);
//  3. Nelder–Mead (gonum.org/v1/gonum/optimize) on the objective, first
//     over the spike initiation, reset and threshold-adaptation fields
//     (ThresholdFree), then over all of Options.Free, with seeded restarts;
//     the adaptive threshold is searched only if step 2 found one
//     (Options.Theta).
//
// Without a voltage it runs step 3 alone from brain.Pyramidal's soma.
// Options.Optimizer replaces the Nelder–Mead restarts of step 3 by CMA-ES
// (gonum's CmaEsChol) followed by a Nelder–Mead polish.
//
// Real protocols have several sweeps. Options.Extra takes further training
// sweeps (typically the current steps of an f–I protocol) beside the main
// recording: each is simulated from rest and its −Γ + rate penalty is
// added to the objective, so that the fitted model keeps the f–I curve as
// well as the spike timing under noise. Five options go further (off by
// default; docs/accuracy.md, rounds five to eight, say why): the sweeps'
// f–I error Σ|Δν| / Σν in the objective (Options.FIWeight), the
// saturation of the spike-triggered adaptation (brain.Params.WSat)
// searched with the other fields (SaturationField, Options.Saturation),
// that saturation tried after the search only where the fitted model
// fires too slowly on the fastest sweep (Options.SaturationStep): a fast
// sweep shows how far the cell's adaptation grows with the rate; and the
// same step with its result chosen by cross-validation inside the
// training window, the fastest sweep held back (Options.SaturationCV);
// and the sweeps' Γ taken over their first part only, their rates over
// the whole sweep (Options.SweepGammaMS). A reader of another file format
// (NWB current-clamp series, ABF, …) only has to turn each sweep into a
// Recording (stimulus in pA and response voltage in mV on the same
// samples, spike times in ms, e.g. from DetectSpikes) and call Fit with
// the noise sweep as the recording and the step sweeps in Options.Extra.
//
// The validation suite (package brain/fit/validate, `neuron validate`)
// scores the fitter over a family of such protocols, with held-out
// protocols and the self-consistency ceilings beside every number. Every
// candidate is simulated through brain's public API (a one-neuron
// brain.Population, see Simulate), so the fitted parameters behave the same
// in a network. Fits are deterministic for a given Options.Seed.
//
// FI and FIError compare the f–I curves of a model and a cell on current
// steps from rest.
//
// File formats (ReadTrace, ReadSpikes, WriteSpikes): traces are raw
// little-endian float32 samples (.f32, .bin, .raw, .dat) or text with one
// value per line (the last field of a line; optional header; '#' comments);
// spike times are text in ms, or in seconds when the header says so
// (ReadSpikesIn, SpikeUnit). The sampling interval is given separately.
// Windows on the command line (ParseWindow) are start:end in ms, or with the
// suffix "s" (seconds) or "samples" (indices of the sampling interval); in
// Go they are Window{StartMS, EndMS}.
//
// Units: ms, mV, pA, pF, nS, Hz.
package fit
